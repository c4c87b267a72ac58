"""URL normalisation, originals, local paths and the resolver (wpmigrate/assets.py): pure functions."""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from wpmigrate.assets import (
    AssetResolver,
    attachment_index,
    canonical_path,
    local_path,
    origin_url,
    original_candidates,
    parse_reference,
    photon_url,
    relink_failed,
    site_hosts_of,
    strip_variant,
)
from wpmigrate.convert import Attachment
from wpmigrate.models import Site
from wpmigrate.settings import Settings

LEGO_SRC = (
    "../i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingc434.jpg?resize=285%2C263&amp;ssl=1"
)
LEGO_HREF = "../i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-kingeb45.jpg?ssl=1"
LEGO = "https://www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpg"


# --- origin_url ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        # Photon: any iN, ssl=1 -> https else http, every size arg dropped, &amp; handled
        (
            "https://i0.wp.com/example.com/wp-content/uploads/2020/01/a.jpg?resize=300%2C200&amp;ssl=1",
            "https://example.com/wp-content/uploads/2020/01/a.jpg",
        ),
        (
            "https://i2.wp.com/example.com/wp-content/uploads/2020/01/a.jpg?w=640&h=480&crop=1&quality=80&strip=all",
            "http://example.com/wp-content/uploads/2020/01/a.jpg",
        ),
        ("//i3.wp.com/example.com/a/b.png?fit=10%2C10&zoom=2&lb=1&ulb=1&amp;amp;ssl=1", "https://example.com/a/b.png"),
        (
            "https://i1.wp.com/Example.COM/wp-content/uploads/2020/01/caf%C3%A9%20au%20lait.jpg?ssl=1",
            "https://example.com/wp-content/uploads/2020/01/caf%C3%A9%20au%20lait.jpg",
        ),
        # percent-decoding per segment: one canonical spelling
        (
            "https://i1.wp.com/example.com/wp-content/uploads/2020/01/café au lait.jpg?ssl=1",
            "https://example.com/wp-content/uploads/2020/01/caf%C3%A9%20au%20lait.jpg",
        ),
        (
            "https://i1.wp.com/example.com/wp-content/uploads/2020/01/a%28b%29.jpg?ssl=1",
            "https://example.com/wp-content/uploads/2020/01/a%28b%29.jpg",
        ),
        # WordPress.com uploads: ?w= args dropped
        (
            "https://wpthemetestdata.files.wordpress.com/2008/06/dsc20050102_192118_51.jpg?w=171&#038;h=128",
            "https://wpthemetestdata.files.wordpress.com/2008/06/dsc20050102_192118_51.jpg",
        ),
        (
            "http://example.com/wp-content/uploads/2019/03/x.png?v=3#frag",
            "http://example.com/wp-content/uploads/2019/03/x.png",
        ),
        # mirror paths and HTTrack names
        (LEGO_SRC, LEGO),
        (LEGO_HREF, LEGO),
        (
            "../../www.example.com/wp-content/uploads/2012/08/photo.jpg",
            "https://www.example.com/wp-content/uploads/2012/08/photo.jpg",
        ),
        # unrelated hosts: only &amp; decoded, the query kept
        ("https://farm1.staticflickr.com/1/a.jpg?x=1&amp;y=2", "https://farm1.staticflickr.com/1/a.jpg?x=1&y=2"),
        ("https://example.org/?a=1&copy=2", "https://example.org/?a=1&copy=2"),
        # not resolvable: unchanged
        ("images/local.png", "images/local.png"),
        ("data:image/png;base64,AAAA", "data:image/png;base64,AAAA"),
    ],
)
def test_origin_url(url: str, expected: str) -> None:
    assert origin_url(url) == expected


def test_httrack_hash_is_md5_of_the_decoded_query() -> None:
    assert hashlib.md5(b"resize=285%2C263&ssl=1").hexdigest()[:4] == "c434"
    o = parse_reference(LEGO_SRC)
    assert o is not None and o.renamed and o.mirror and o.photon_host == "i1.wp.com"
    # 4 hex digits that do not match the query are part of the real name
    assert (
        origin_url("../i1.wp.com/x.com/wp-content/uploads/2012/08/cafe1234.jpg?ssl=1")
        == "https://x.com/wp-content/uploads/2012/08/cafe1234.jpg"
    )


def test_relative_wp_content_joins_the_site_base() -> None:
    assert (
        origin_url("../../wp-content/uploads/2012/08/a.jpg", ["www.x.com"], "http://www.x.com/blog")
        == "http://www.x.com/wp-content/uploads/2012/08/a.jpg"
    )
    assert (
        origin_url("/wp-content/uploads/2012/08/a.jpg", [], "https://x.com")
        == "https://x.com/wp-content/uploads/2012/08/a.jpg"
    )


def test_canonical_path_and_photon_url() -> None:
    assert canonical_path("/a/caf%c3%a9/%41 b") == "/a/caf%C3%A9/A%20b"
    assert (
        photon_url(LEGO, "i1.wp.com")
        == "https://i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpg?ssl=1"
    )


# --- originals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel, expected",
    [
        ("2012/08/a-300x200.jpg", "2012/08/a.jpg"),
        ("2012/08/a-scaled.jpg", "2012/08/a.jpg"),
        ("2012/08/a-rotated.jpg", "2012/08/a.jpg"),
        ("2012/08/a-scaled-1024x768.jpg", "2012/08/a.jpg"),
        ("2012/08/a-e1234567890123-300x200.jpg", "2012/08/a-e1234567890123.jpg"),
        ("2012/08/a-e1234567890123.jpg", "2012/08/a-e1234567890123.jpg"),
        ("2012/08/a-1.jpg", "2012/08/a-1.jpg"),
    ],
)
def test_strip_variant(rel: str, expected: str) -> None:
    assert strip_variant(rel) == expected


META = {
    "file": "2021/05/big-scaled.jpg",
    "original_image": "big.jpg",
    "sizes": {"medium": {"file": "big-300x200.jpg"}, "large": {"file": "big-1024x683.jpg"}},
}
UP = "https://x.com/wp-content/uploads/"


def test_candidates_from_attachment_metadata() -> None:
    index = attachment_index([Attachment(id=5, url=UP + "2021/05/big-scaled.jpg", meta=META)])
    assert original_candidates(UP + "2021/05/big-300x200.jpg", index) == [
        UP + "2021/05/big.jpg",
        UP + "2021/05/big-scaled.jpg",
        UP + "2021/05/big-300x200.jpg",
    ]
    assert original_candidates(UP + "2021/05/big-scaled.jpg", index) == [
        UP + "2021/05/big.jpg",
        UP + "2021/05/big-scaled.jpg",
    ]


def test_candidates_edited_image_per_metadata() -> None:
    meta = {
        "file": "2021/05/pic-e1620000000000.jpg",
        "sizes": {"thumbnail": {"file": "pic-e1620000000000-150x150.jpg"}},
    }
    index = attachment_index([Attachment(id=6, url=UP + "2021/05/pic.jpg", meta=meta)])
    assert (
        original_candidates(UP + "2021/05/pic-e1620000000000-150x150.jpg", index)[0]
        == UP + "2021/05/pic-e1620000000000.jpg"
    )


def test_a_sized_looking_original_is_kept_when_known() -> None:
    # WPTT has attachments really named image-alignment-150x150.jpg (no metadata in the export)
    url = "https://wpthemetestdata.files.wordpress.com/2013/03/image-alignment-150x150.jpg"
    index = attachment_index([Attachment(id=1, url=url)])
    assert original_candidates(url, index) == [url]
    # unknown: the original first, the variant as fallback (screen-1920x1080.png may be a real name)
    assert original_candidates(UP + "2020/01/screen-1920x1080.png", {}) == [
        UP + "2020/01/screen.png",
        UP + "2020/01/screen-1920x1080.png",
    ]


def test_httrack_jpeg_saved_as_jpg_found_through_the_index() -> None:
    index = attachment_index(
        [Attachment(id=2, url="https://www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpeg")]
    )
    o = parse_reference(LEGO_SRC)
    assert o is not None
    assert original_candidates(o.url, index, o.renamed) == [
        "https://www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpeg",
        LEGO,
    ]


# --- local paths ---------------------------------------------------------------------------------


def test_local_path_layout() -> None:
    assert local_path(LEGO, "assets/images", ["christianamauger.com"]) == "assets/images/2012/08/lego-king.jpg"
    assert (
        local_path(LEGO.replace("https:", "http:"), "assets/images", ["www.christianamauger.com"])
        == "assets/images/2012/08/lego-king.jpg"
    )
    assert local_path(LEGO, "assets/images") == "assets/images/www.christianamauger.com/2012/08/lego-king.jpg"
    assert (
        local_path("https://x.com/wp-content/uploads/sites/3/2020/01/a.png", "img", ["x.com"])
        == "img/uploads/sites/3/2020/01/a.png"
    )
    assert local_path("https://x.com/wp-content/uploads/wpforms/a.png", "img", ["x.com"]) == "img/uploads/wpforms/a.png"
    assert local_path("https://s2.wp.com/i/buttonw-com.png", "img") == "img/s2.wp.com/i/buttonw-com.png"
    assert (
        local_path(
            "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
            "assets/images",
            ["wpthemetestdata.files.wordpress.com"],
        )
        == "assets/images/2008/06/canola2.jpg"
    )


def test_local_path_names_non_canonical_get_a_hash() -> None:
    plain = local_path(UP + "2020/01/a-b.jpg", "i", ["x.com"])
    spaced = local_path(UP + "2020/01/a%20b.jpg", "i", ["x.com"])
    upper = local_path(UP + "2020/01/A-b.jpg", "i", ["x.com"])
    assert plain == "i/2020/01/a-b.jpg"
    assert spaced.startswith("i/2020/01/a-b-") and spaced.endswith(".jpg")
    assert len({plain, spaced, upper, local_path(UP + "2020/01/A-B.JPG", "i", ["x.com"])}) == 4
    assert local_path(UP + "2020/01/caf%C3%A9.jpg", "i", ["x.com"]) == "i/2020/01/café.jpg"
    assert "(" not in local_path(UP + "2020/01/a%20(1).jpg", "i", ["x.com"])


HOSTILE = [
    "https://x.com/wp-content/uploads/../../../etc/passwd.jpg",
    "https://x.com/wp-content/uploads/%2e%2e/%2e%2e/%2E%2E/etc/x.png",
    "https://x.com/wp-content/uploads/2020/01/..%2f..%2fescape.png",
    "https://x.com/wp-content/uploads/2020/01/a%5C..%5C..%5Cwin.png",
    "https://x.com/wp-content/uploads/2020/01/nul%00byte.png",
    "https://x.com//etc/passwd",
    "https://x.com/C:/Windows/x.png",
    "https://x.com/wp-content/uploads/2020/01/" + "long" * 300 + ".jpg",
    "https://x.com/" + "/".join(["deep"] * 200) + "/a.jpg",
]


def _assert_inside(path: str, asset_dir: str = "assets/images") -> None:
    assert path.startswith(asset_dir + "/")
    assert "\\" not in path and "\x00" not in path and ":" not in path
    parts = PurePosixPath(path).parts
    assert not PurePosixPath(path).is_absolute() and not PureWindowsPath(path).is_absolute()
    assert all(p not in ("", ".", "..") and not p.endswith((".", " ")) for p in parts)
    assert posixpath.normpath(path) == path
    assert len(path) <= 260 and all(len(p.encode()) <= 100 for p in parts)


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_stay_inside(url: str) -> None:
    _assert_inside(local_path(origin_url(url), "assets/images", ["x.com"]))
    _assert_inside(local_path(url, "assets/images"))


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=8), st.booleans())
def test_local_path_never_leaves_the_folder(segments: list[str], primary: bool) -> None:
    from urllib.parse import quote

    url = "https://x.com/wp-content/uploads/" + "/".join(quote(s, safe="./\\%") for s in segments)
    for candidate in (url, origin_url(url)):
        _assert_inside(local_path(candidate, "assets/images", ["x.com"] if primary else []))


@hsettings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_two_different_names_never_share_a_path(a: str, b: str) -> None:
    from urllib.parse import quote

    ua, ub = (UP + "2020/01/" + quote(n, safe="") + ".jpg" for n in (a, b))
    if origin_url(ua) != origin_url(ub):
        pa, pb = (local_path(origin_url(u), "i", ["x.com"]) for u in (ua, ub))
        assert pa.lower() != pb.lower()


# --- the resolver --------------------------------------------------------------------------------


def _resolver(**kw: object) -> AssetResolver:
    site = kw.pop("site", Site())
    attachments = kw.pop("attachments", {})
    return AssetResolver(site, attachments, Settings(**kw))  # type: ignore[arg-type]


def test_seed_post_both_lego_references_are_one_local_file() -> None:
    r = _resolver(host_map=(("www.christianamauger.com", "http://127.0.0.1:9"),))
    src, href = r.rewrite(LEGO_SRC), r.rewrite(LEGO_HREF)
    assert src == href == "/assets/images/2012/08/lego-king.jpg"
    wanted = r.wanted()
    assert list(wanted) == ["assets/images/2012/08/lego-king.jpg"]
    urls = wanted["assets/images/2012/08/lego-king.jpg"]
    assert urls[0] == LEGO and all("&amp;" not in u for u in urls)
    assert urls[-1] == "https://i1.wp.com/www.christianamauger.com/wp-content/uploads/2012/08/lego-king.jpg?ssl=1"
    md = f'[![lego-king]({src} "lego-king")]({href})'
    assert "wp.com" not in md and "&amp;" not in md


def test_resolver_without_site_hosts_uses_the_host_folder() -> None:
    r = _resolver()
    assert r.rewrite(LEGO_SRC) == "/assets/images/www.christianamauger.com/2012/08/lego-king.jpg"


def test_resolver_site_and_disallowed_hosts() -> None:
    site = Site(link="https://wpthemetestdata.wordpress.com", base_site_url="https://wordpress.com/")
    assert site_hosts_of(site) == ["wpthemetestdata.wordpress.com", "wpthemetestdata.files.wordpress.com"]
    r = _resolver(site=site, asset_url_prefix="/media", asset_dir="media")
    assert (
        r.rewrite("https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg?w=604")
        == "/media/2008/06/canola2.jpg"
    )
    assert (
        r.rewrite("https://farm1.staticflickr.com/1/a.jpg?x=1&amp;y=2")
        == "https://farm1.staticflickr.com/1/a.jpg?x=1&y=2"
    )
    assert (
        r.rewrite("https://wpthemetestdata.wordpress.com/2008/06/some-post/")
        == "https://wpthemetestdata.wordpress.com/2008/06/some-post/"
    )
    assert r.rewrite("/media/2008/06/canola2.jpg") == "/media/2008/06/canola2.jpg"
    r2 = _resolver(asset_hosts=("farm1.staticflickr.com",))
    assert r2.rewrite("https://farm1.staticflickr.com/1/a.jpg") == "/assets/images/farm1.staticflickr.com/1/a.jpg"


def test_resolver_variants_share_the_original() -> None:
    atts = {5: Attachment(id=5, url=UP + "2021/05/big-scaled.jpg", meta=META)}
    r = _resolver(site=Site(link="https://x.com"), attachments=atts)
    refs = {
        r.rewrite(UP + f"2021/05/{n}") for n in ("big-300x200.jpg", "big-1024x683.jpg", "big-scaled.jpg", "big.jpg")
    }
    assert refs == {"/assets/images/2021/05/big.jpg"}
    assert r.wanted() == {
        "assets/images/2021/05/big.jpg": [
            UP + "2021/05/big.jpg",
            UP + "2021/05/big-scaled.jpg",
            UP + "2021/05/big-300x200.jpg",
            UP + "2021/05/big-1024x683.jpg",
        ]
    }


def test_relink_failed_points_back_to_the_origin() -> None:
    r = _resolver(host_map=(("www.christianamauger.com", "http://127.0.0.1:9"),))
    md = (
        f'[![lego-king]({r.rewrite(LEGO_SRC)} "lego-king")]({r.rewrite(LEGO_HREF)})\n'
        "![x](/assets/images/2012/08/lego-king.jpg.webp)\n"
    )
    out = relink_failed(md, r.relink_map(["assets/images/2012/08/lego-king.jpg"]))
    assert out == f'[![lego-king]({LEGO} "lego-king")]({LEGO})\n![x](/assets/images/2012/08/lego-king.jpg.webp)\n'
    assert relink_failed(md, {}) == md
