"""The Jekyll emitter: front matter, placement, slugs, path safety, the link map."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from wpmigrate.emit.frontmatter import dump_field, render_front_matter
from wpmigrate.emit.jekyll import JekyllProfile
from wpmigrate.emit.links import LinkMap
from wpmigrate.emit.paths import SlugRegistry, decode_slug, slug_for
from wpmigrate.emit.profile import PlaceInput
from wpmigrate.models import ConvertedPost, Post, Term
from wpmigrate.pathsafe import check_relpath


def _post(**kw) -> Post:
    base = {
        "source": "x.xml",
        "id": 7,
        "title": "Le marketing de contenu, pour un leadership éclairé",
        "slug": "leadership",
        "date": datetime(2012, 8, 8, 10, 0),
        "modified": datetime(2015, 11, 10, 9, 0),
        "terms": (
            Term("category", "reseaux-sociaux", "reseaux sociaux"),
            Term("category", "medias-sociaux", "medias sociaux"),
        ),
    }
    base.update(kw)
    return Post(**base)


def test_front_matter_matches_the_seed_format():
    profile = JekyllProfile()
    post = _post()
    place = profile.place(PlaceInput(type="post", status="publish", slug="leadership", date=post.date))
    text = profile.render(post, ConvertedPost("Body.\n"), place).decode()
    assert text == (
        "---\n"
        "layout: post\n"
        "title: Le marketing de contenu, pour un leadership éclairé\n"
        "date: 2012-08-08\n"
        "modif: 2015-11-10\n"
        "categories: [reseaux sociaux, medias sociaux]\n"
        "---\n"
        "\n"
        "Body.\n"
    )
    assert place.path == "_posts/2012-08-08-leadership.md"
    assert place.ref == "{% post_url 2012-08-08-leadership %}"


def test_optional_fields_follow_in_fixed_order_and_uncategorized_is_dropped():
    post = _post(
        terms=(Term("category", "uncategorized", "Uncategorized"), Term("post_tag", "a", "a: b")),
        modified=None,
        author="marie",
    )
    place = JekyllProfile().place(PlaceInput(type="post", status="publish", slug="s", date=post.date))
    text = JekyllProfile().render(post, ConvertedPost("", excerpt="Short."), place, "Marie D").decode()
    assert text.splitlines()[1:-1] == [
        "layout: post",
        f"title: {post.title}",
        "date: 2012-08-08",
        "tags: ['a: b']",
        "author: Marie D",
        "excerpt: Short.",
    ]


@given(st.text(min_size=1, max_size=80))
def test_any_title_round_trips_through_yaml(title):
    fm = render_front_matter([("title", title), ("categories", [title, "x"])])
    loaded = yaml.safe_load(fm.strip().strip("-"))
    assert loaded["title"] == title
    assert loaded["categories"] == [title, "x"]


@pytest.mark.parametrize(
    "title",
    [
        "Hello: world",
        "#hash",
        "@at",
        "*star",
        'It\'s "quoted"',
        "😀 emoji",
        "2012-08-08",
        "yes",
        "- dash",
        "[brackets]",
        "{braces}",
        "a\tb",
    ],
)
def test_tricky_titles_round_trip(title):
    assert yaml.safe_load(dump_field("title", title))["title"] == title


def test_placement_of_drafts_pages_and_other_types():
    p = JekyllProfile()
    assert p.place(PlaceInput(type="post", status="draft", slug="wip", date=None)).path == "_drafts/wip.md"
    assert p.place(PlaceInput(type="post", status="publish", slug="nodate", date=None)).path == "_drafts/nodate.md"
    page = p.place(PlaceInput(type="page", status="publish", slug="team", date=None, ancestors=("about",)))
    assert (page.path, page.permalink, page.ref) == ("about/team.md", "/about/team/", "{% link about/team.md %}")
    assert p.place(PlaceInput(type="page", status="private", slug="x", date=None)).path == "_drafts/x.md"
    assert p.place(PlaceInput(type="product", status="publish", slug="mug", date=None)).path == "_product/mug.md"


def test_slugs_decoded_made_or_deduplicated():
    assert decode_slug("%e6%97%a5%e6%9c%ac") == "日本"
    assert slug_for("", "Hello, World!", 3) == "hello-world"
    assert slug_for("", "", 3) == "post-3"
    assert slug_for("%E2%80%A6", "t", 1) == "…"
    reg = SlugRegistry()
    assert [reg.claim(("post",), "a") for _ in range(3)] == ["a", "a-2", "a-3"]
    assert reg.claim(("page", 1), "a") == "a"


@pytest.mark.parametrize(
    "evil",
    [
        "../../etc/passwd",
        "..",
        "/abs",
        "a\\b",
        "nul\x00byte",
        "C:\\x",
        "%2e%2e",
        "con",
        "a" * 500,
        " . ",
        "x/y/../../z",
    ],
)
def test_no_slug_can_leave_the_output_folder(evil):
    slug = slug_for(evil, "", 1)
    assert "/" not in slug and "\\" not in slug and "\x00" not in slug and slug not in ("", ".", "..")
    assert len(slug.encode()) <= 120
    path = (
        JekyllProfile()
        .place(PlaceInput(type="page", status="publish", slug=slug, date=None, ancestors=(slug_for(evil, "", 2),)))
        .path
    )
    assert check_relpath(path) == path


def test_link_map_matches_every_form_of_an_old_url():
    links = LinkMap()
    links.add_host("https://www.example.com")
    links.add(["https://www.example.com/2012/08/caf%C3%A9/"], "{% post_url 2012-08-08-cafe %}")
    links.add_ids(12, "post", "{% post_url 2012-08-08-cafe %}")
    ref = "{% post_url 2012-08-08-cafe %}"
    assert links.rewrite("http://example.com/2012/08/café") == ref
    assert links.rewrite("https://WWW.example.com/2012/08/caf%c3%a9/#comments") == ref + "#comments"
    assert links.rewrite("/2012/08/café/") == ref
    assert links.rewrite("https://example.com/?p=12") == ref
    assert links.rewrite("https://other.org/2012/08/café/") == "https://other.org/2012/08/café/"
    assert links.rewrite("https://example.com/unknown/") == "https://example.com/unknown/"
    assert links.rewrite("mailto:a@b.c") == "mailto:a@b.c"
    assert links.rewrite("relative.html") == "relative.html"


def test_liquid_in_converted_text_is_protected():
    from wpmigrate.emit.jekyll import protect_liquid

    md = (
        "Use {{ page.title }} and a lone {{ here; see [x](<{% post_url 2020-01-01-a %}>).\n\n"
        "```\n{% for x in y %}\n```\n\n```\nplain\n```\n"
    )
    assert protect_liquid(md) == (
        'Use {% raw %}{{ page.title }}{% endraw %} and a lone {{ "{{" }} here; see [x](<{% post_url 2020-01-01-a %}>).'
        "\n\n{% raw %}\n```\n{% for x in y %}\n```\n{% endraw %}\n\n```\nplain\n```\n"
    )
    assert protect_liquid("{% endraw %}") == '{{ "{%" }} endraw %}'
    assert protect_liquid("no liquid {here}") == "no liquid {here}"
