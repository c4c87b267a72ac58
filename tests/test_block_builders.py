"""Block builders (Spectra/UAGB, GenerateBlocks, Stackable): no real export was found, so this fixture
was written from their saved block markup. Their wrappers go, their content stays, as for core blocks."""

from __future__ import annotations

from collections import Counter

from conftest import FIXTURES

from wpmigrate.convert import ConvertContext
from wpmigrate.convert.post import convert_post
from wpmigrate.models import Post


def test_block_builder_wrappers_dropped_content_kept():
    content = (FIXTURES / "builders" / "block-builders.html").read_text(encoding="utf-8")
    converted = convert_post(Post(source="b.xml", id=1, title="T", content=content), ConvertContext())
    assert converted.markdown == (
        "## Spectra title\n\nSpectra text.\n\n### GB headline\n\n[Go there](https://ex.org/go)\n\nStackable text.\n"
    )
    assert converted.blocks == Counter(
        {
            "uagb/container": 1,
            "uagb/advanced-heading": 1,
            "generateblocks/container": 1,
            "generateblocks/headline": 1,
            "generateblocks/button-container": 1,
            "generateblocks/button": 1,
            "stackable/columns": 1,
            "stackable/column": 1,
            "stackable/text": 1,
        }
    )
