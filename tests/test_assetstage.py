"""The asset stage (wpmigrate/assetstage.py): what a run does with the download results, and what a
dry run predicts. localise_outputs is pure; gather_assets runs against real folders and a real
HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from wpmigrate.assets import AssetResolver
from wpmigrate.assetstage import (
    OFFLINE_REASON,
    AssetFailure,
    AssetOutcome,
    gather_assets,
    localise_outputs,
)
from wpmigrate.models import OutputFile, RunReport, Site
from wpmigrate.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "assets"
PNG = (FIX / "tiny.png").read_bytes()
UP = "https://x.com/wp-content/uploads/2020/01/"


def _resolver() -> tuple[AssetResolver, dict[str, str]]:
    """A resolver that has handed out three local files; name -> local reference."""
    r = AssetResolver(Site(link="https://x.com"), {}, Settings())
    refs = {name: r.rewrite(UP + name) for name in ("ok.png", "gone.png", "again.png")}
    return r, refs


def test_localise_outputs_adds_assets_and_relinks_the_others() -> None:
    resolver, refs = _resolver()
    assert refs["ok.png"] == "/assets/images/2020/01/ok.png"
    body = "".join(f"![{n}]({ref})\n" for n, ref in refs.items())
    post = OutputFile("_posts/p.md", body.encode(), source="x.xml#1", kind="post")
    copied = OutputFile("assets/images/kept.png", data_path="/elsewhere/kept.png", kind="asset")
    outcomes = {
        "assets/images/2020/01/ok.png": AssetOutcome("/cache/ok", fetched=True),
        "assets/images/2020/01/gone.png": AssetOutcome(failure="HTTP 404"),
        "assets/images/2020/01/again.png": AssetOutcome(retry=True),
    }
    stage = localise_outputs([post, copied], resolver, outcomes)
    relinked = f"![ok.png](/assets/images/2020/01/ok.png)\n![gone.png]({UP}gone.png)\n![again.png]({UP}again.png)\n"
    assert stage.outputs == (
        OutputFile("_posts/p.md", relinked.encode(), source="x.xml#1", kind="post"),
        copied,
        OutputFile("assets/images/2020/01/ok.png", data_path="/cache/ok", source=UP + "ok.png", kind="asset"),
    )
    assert stage.fetched == 1
    assert stage.failures == (AssetFailure(UP + "gone.png", "HTTP 404"),)
    assert stage.retry == (UP + "again.png",)
    assert stage.unfetched == {
        "assets/images/2020/01/again.png": UP + "again.png",
        "assets/images/2020/01/gone.png": UP + "gone.png",
    }
    report = RunReport()
    stage.add_to(report)
    assert (report.assets_fetched, report.assets_failed, report.assets_retry) == (
        1,
        [(UP + "gone.png", "HTTP 404")],
        [UP + "again.png"],
    )


def test_localise_outputs_with_everything_fetched_keeps_the_posts_as_they_are() -> None:
    resolver, refs = _resolver()
    post = OutputFile("_posts/p.md", f"![]({refs['ok.png']})\n".encode())
    stage = localise_outputs([post], resolver, {"assets/images/2020/01/ok.png": AssetOutcome("/c/ok")})
    assert stage.outputs[0] is post and stage.fetched == 0 and not stage.unfetched


def test_dry_run_looks_in_mirrors_the_cache_and_the_output_only(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "x.com/wp-content/uploads/2020/01").mkdir(parents=True)
    (mirror / "x.com/wp-content/uploads/2020/01/m.png").write_bytes(PNG)
    wanted = {f"i/{n}": [UP + n] for n in ("m.png", "out.png", "failed.png", "new.png")}
    settings = Settings(dry_run=True, mirrors=(mirror,), asset_cache=tmp_path / "cache")
    outcomes = gather_assets(
        wanted, settings, failed_before={"i/failed.png": UP + "failed.png"}, in_output={"i/out.png": "/site/out.png"}
    )
    assert list(outcomes) == list(wanted)
    assert outcomes["i/m.png"] == AssetOutcome(str(mirror / "x.com/wp-content/uploads/2020/01/m.png"))
    assert outcomes["i/out.png"] == AssetOutcome("/site/out.png")
    assert outcomes["i/failed.png"] == AssetOutcome(retry=True)
    planned = outcomes["i/new.png"].data_path  # to fetch: where the bytes will be, not there yet
    assert planned and Path(planned).is_relative_to(tmp_path / "cache") and not Path(planned).exists()
    assert not (tmp_path / "cache").exists()  # nothing written, nothing asked of the network
    offline = gather_assets(wanted, Settings(dry_run=True, offline=True, asset_cache=tmp_path / "cache"))
    assert offline["i/new.png"] == AssetOutcome(failure=OFFLINE_REASON)


def test_real_run_downloads_and_falls_back_to_the_copy_in_the_output(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/ok.png").respond_with_data(PNG, content_type="image/png")
    httpserver.expect_request("/gone.png").respond_with_data(b"gone", status=404)
    httpserver.expect_request("/kept.png").respond_with_data(b"gone", status=404)
    wanted = {f"i/{n}": [httpserver.url_for(f"/{n}")] for n in ("ok.png", "gone.png", "kept.png")}
    ticks: list[tuple[str, int]] = []

    def progress_factory(label: str, total: int):  # type: ignore[no-untyped-def]
        return lambda: ticks.append((label, total))

    naps: list[float] = []
    outcomes = gather_assets(
        wanted,
        Settings(asset_cache=tmp_path / "cache", retries=1),
        progress_factory,
        in_output={"i/kept.png": "/site/kept.png"},
        sleep=naps.append,
    )
    ok = outcomes["i/ok.png"]
    assert ok.fetched and ok.data_path and Path(ok.data_path).read_bytes() == PNG
    assert outcomes["i/gone.png"] == AssetOutcome(failure=f"{httpserver.url_for('/gone.png')}: HTTP 404")
    assert outcomes["i/kept.png"] == AssetOutcome("/site/kept.png")  # 404 as well, but the last run's copy stays
    assert ticks == [("Fetching assets", 3)] * 3
    assert naps == []  # a 404 is not retried


def test_nothing_wanted_touches_nothing(tmp_path: Path) -> None:
    assert gather_assets({}, Settings(asset_cache=tmp_path / "cache")) == {}
    assert not (tmp_path / "cache").exists()
