"""The output is a folder Jekyll builds as is: run the real `jekyll build` on it (skipped without Jekyll)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, corpus_file

from wpmigrate.cli import main

JEKYLL = shutil.which("jekyll")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)"),
]

LIQUID_POST = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>T</title><link>https://t.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Templates</title><link>https://t.example/2020/01/templates/</link>
<wp:post_id>1</wp:post_id><wp:post_date>2020-01-02 10:00:00</wp:post_date><wp:post_name>templates</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[In Jinja you write {{ user.name }} and {% if admin %}.
<pre>{% for post in posts %}
  {{ post.title }}
{% endfor %}</pre>
Read <a href="https://t.example/2020/01/other/">the other post</a>.]]></content:encoded></item>
<item><title>Other</title><link>https://t.example/2020/01/other/</link>
<wp:post_id>2</wp:post_id><wp:post_date>2020-01-01 10:00:00</wp:post_date><wp:post_name>other</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[Hello.]]></content:encoded></item>
</channel></rss>
"""


def jekyll_build(src, dest) -> str:
    proc = subprocess.run(
        [JEKYLL, "build", "-s", str(src), "-d", str(dest)], check=False, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_wptt_output_builds_with_jekyll(tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        [
            "convert",
            str(corpus_file("WPTT-theme-test-data/themeunittestdata.wordpress.xml")),
            "--out",
            str(out),
            "--offline",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    log = jekyll_build(out, tmp_path / "_site")
    assert "Liquid" not in log, log  # every {% post_url %} / {% link %} resolved, no stray Liquid
    posts = [p for p in (out / "_posts").glob("*.md") if not p.name.startswith("2030-")]  # future: held back
    built = list((tmp_path / "_site").rglob("*.html"))
    assert len(built) >= len(posts) + 20  # posts, and the 21 published pages


def test_liquid_looking_text_survives_jekyll(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(LIQUID_POST, encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["convert", str(export), "--out", str(out), "--offline", "-q"])
    assert result.exit_code == 0, result.output
    jekyll_build(out, tmp_path / "_site")
    html = (tmp_path / "_site" / "2020" / "01" / "02" / "templates.html").read_text(encoding="utf-8")
    assert "{{ user.name }} and {% if admin %}." in html
    assert "{% for post in posts %}\n  {{ post.title }}\n{% endfor %}" in html
    assert '<a href="/2020/01/01/other.html">the other post</a>' in html


def test_demo_builds_with_jekyll(tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        [
            "convert",
            str(FIXTURES / "demo" / "export.xml"),
            "--offline",
            "--mirror",
            str(FIXTURES / "demo" / "mirror"),
            "--out",
            str(out),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    (out / "_layouts").mkdir()
    (out / "_layouts" / "post.html").write_text('<div class="excerpt">{{ page.excerpt }}</div>', encoding="utf-8")
    jekyll_build(out, tmp_path / "_site")
    assert (tmp_path / "_site" / "assets" / "images" / "2024" / "03" / "harbour.png").is_file()
    # The more tag is where Jekyll cuts the excerpt (the post's own excerpt_separator).
    excerpt = (tmp_path / "_site" / "sailing" / "2024" / "03" / "16" / "leaving-the-harbour.html").read_text()
    assert "Trust the tide tables" in excerpt and "Next time" not in excerpt
    assert (tmp_path / "_site" / "about" / "contact" / "index.html").is_file()


def test_endraw_inside_a_code_block_survives_jekyll(tmp_path):
    # A post about Liquid itself: `{% endraw %}` in code would end our {% raw %} wrapper early.
    code = "{% raw %}\n  {{ not.liquid }}\n{% endraw %}\n{%- endraw -%} and {%endraw%}"
    html = code.replace("&", "&amp;").replace("<", "&lt;")
    prose = "Write {% raw %}{{ x }}{% endraw %} to print it."
    export = tmp_path / "export.xml"
    export.write_text(
        LIQUID_POST.replace(
            "In Jinja you write {{ user.name }} and {% if admin %}.", f"{prose}\n<pre><code>{html}</code></pre>"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["convert", str(export), "--out", str(out), "--offline", "-q"])
    assert result.exit_code == 0, result.output
    jekyll_build(out, tmp_path / "_site")
    page = (tmp_path / "_site" / "2020" / "01" / "02" / "templates.html").read_text(encoding="utf-8")
    escaped = code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<code>{escaped}\n</code>" in page, page
    assert prose in page, page
    assert "{% for post in posts %}\n  {{ post.title }}\n{% endfor %}" in page
