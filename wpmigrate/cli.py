"""The command line: click commands only. Each builds Settings, calls the library, prints the report,
and maps errors to exit codes (0 fine, 1 some posts/assets failed or drift/conflicts, 2 unusable input)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputError, OptionsError, WpMigrateError
from .settings import Settings, split_csv


def _fail(message: str, code: int = 2) -> click.exceptions.Exit:
    click.echo(f"wpmigrate: error: {message}", err=True)
    return click.exceptions.Exit(code)


def _asset_options(
    mirrors: tuple[Path, ...],
    host_maps: tuple[str, ...],
    asset_hosts: tuple[str, ...],
    wayback: bool,
    wayback_url: str,
    no_assets: bool,
    strict: bool,
    asset_dir: str,
    asset_url: str | None,
    asset_cache: Path | None,
) -> dict[str, object]:
    """The Settings fields of the asset options (issue 4), checked."""
    pairs = []
    for item in host_maps:
        old, sep, new = item.partition("=")
        old = old.strip().split("://")[-1].split("/")[0].lower()
        if not sep or not old or not new.strip().startswith(("http://", "https://")):
            raise OptionsError(f"--host-map {item!r}: expected OLD=NEW, e.g. www.example.com=http://localhost:8000")
        pairs.append((old, new.strip()))
    for folder in mirrors:
        if not folder.is_dir():
            raise OptionsError(f"--mirror {folder}: not a folder")
    hosts = tuple(h for value in asset_hosts for h in split_csv(value))
    asset_dir = asset_dir.strip().strip("/")
    return {
        "mirrors": tuple(mirrors),
        "host_map": tuple(pairs),
        "asset_hosts": hosts,
        "wayback": wayback,
        "wayback_url": wayback_url,
        "download_assets": not no_assets,
        "strict": strict,
        "asset_dir": asset_dir,
        "asset_url_prefix": asset_url.rstrip("/") if asset_url else "/" + asset_dir,
        "asset_cache": asset_cache,
    }


def _load_config_defaults(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Eager --config callback: the configuration file becomes this command's defaults (config.py),
    so any flag given on the command line wins."""
    from .config import click_defaults

    try:
        ctx.default_map = {**(ctx.default_map or {}), **click_defaults(ctx, value)}
    except OptionsError as exc:
        raise _fail(str(exc), 2) from None
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wpmigrate")
def main() -> None:
    """Move a WordPress site to Markdown for static-site generators, losing nothing."""


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (the Jekyll site root) [default: site; with --in-place: the current folder].",
)
@click.option("--types", default="post,page", show_default=True, help="Post types to write, comma-separated.")
@click.option(
    "--status",
    "statuses",
    default=None,
    help="Statuses to write, comma-separated [default: all but trash and auto-draft; drafts go to _drafts/].",
)
@click.option(
    "--include-protected",
    is_flag=True,
    help="Also write password-protected posts (published, without the password) and private ones (as drafts).",
)
@click.option("--profile", default="jekyll", show_default=True, help="Output profile.")
@click.option("--offline", is_flag=True, help="No network access at all (assets only from --mirror and the cache).")
@click.option(
    "--embeds",
    type=click.Choice(["link", "html"]),
    default="link",
    show_default=True,
    help="Embeds (YouTube, tweets...) as Markdown links or as raw HTML.",
)
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would change.")
@click.option("--diff", is_flag=True, help="With --dry-run or --check: show unified diffs.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the output would change (CI drift gate).")
@click.option("--force", is_flag=True, help="Overwrite files edited by hand since the last run.")
@click.option("--prune", is_flag=True, help="Remove files whose source post is gone.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the report to FILE (.json, .md or .txt).",
)
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Processes for conversion.")
@click.option(
    "--mirror",
    "mirrors",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Local mirror folder (HTTrack or wget layout) to take assets from first. Repeatable.",
)
@click.option(
    "--host-map",
    "host_maps",
    multiple=True,
    metavar="OLD=NEW",
    help="Fetch assets of host OLD from base URL NEW (a staging copy, a local server). Repeatable.",
)
@click.option(
    "--asset-host",
    "asset_hosts",
    multiple=True,
    help="Also download assets from this host (besides the site's own and WordPress's CDNs). Repeatable.",
)
@click.option("--wayback", is_flag=True, help="Try the Wayback Machine for assets the origin no longer has.")
@click.option(
    "--wayback-url", default="https://web.archive.org/web", show_default=True, help="Wayback Machine base URL."
)
@click.option("--no-assets", is_flag=True, help="Download nothing; media keep their (cleaned) origin URLs.")
@click.option("--strict", is_flag=True, help="Exit 1 when any asset could not be fetched.")
@click.option("--asset-dir", default="assets/images", show_default=True, help="Folder for assets inside OUT.")
@click.option(
    "--asset-url", "asset_url", default=None, help="How posts refer to the asset folder [default: /ASSET_DIR]."
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Front-matter files: rewrite each where it is (inside --out), front matter kept as is.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a server before an asset download is retried.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Retries of an asset download after a timeout, a 5xx or a 429.",
)
@click.option(
    "--asset-cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Download cache folder [default: $XDG_CACHE_HOME/wpmigrate/assets].",
)
@click.option("--content-selector", default="", help="Mirrors: CSS selector of the post body, for unusual themes.")
@click.option("--drop-key", "drop_keys", multiple=True, help="Front-matter files: remove this key (repeatable).")
@click.option(
    "--site-url", default="", help="The old site's URL, when a mirror or front-matter folder does not say it."
)
@click.option(
    "--keep-boilerplate", is_flag=True, help="Mirrors: keep blocks that end every post (banners, signatures)."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the final summary line; no progress.")
@click.option("--verbose", "-v", count=True, help="More detail (repeat for more).")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_load_config_defaults,
    help="Read options from this TOML file [default: the nearest wpmigrate.toml, or "
    "[tool.wpmigrate] in pyproject.toml].",
)
def convert(
    sources: tuple[Path, ...],
    out: Path | None,
    types: str,
    statuses: str | None,
    profile: str,
    offline: bool,
    embeds: str,
    dry_run: bool,
    diff: bool,
    check: bool,
    force: bool,
    prune: bool,
    report_path: Path | None,
    jobs: int,
    quiet: bool,
    verbose: int,
    mirrors: tuple[Path, ...] = (),
    host_maps: tuple[str, ...] = (),
    asset_hosts: tuple[str, ...] = (),
    wayback: bool = False,
    wayback_url: str = "https://web.archive.org/web",
    no_assets: bool = False,
    strict: bool = False,
    asset_dir: str = "assets/images",
    asset_url: str | None = None,
    asset_cache: Path | None = None,
    content_selector: str = "",
    drop_keys: tuple[str, ...] = (),
    site_url: str = "",
    keep_boilerplate: bool = False,
    in_place: bool = False,
    include_protected: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
) -> None:
    """Convert WordPress SOURCES (export files, a mirror folder, front-matter files) into OUT."""
    from .pipeline import run
    from .progress import make_progress, use_color
    from .report import colorize_diff, exit_code, render_text, unified_diffs, write_report

    progress = make_progress(quiet=quiet)
    try:
        if diff and not (dry_run or check):
            raise OptionsError("--diff shows what would change: use it with --dry-run or --check")
        if not sources:
            raise OptionsError("no SOURCES given: name an export file or folder (or set sources in wpmigrate.toml)")
        if out is None:
            out = Path(".") if in_place else Path("site")
        settings = Settings(
            sources=tuple(sources),
            out=out,
            in_place=in_place,
            include_protected=include_protected,
            timeout=timeout,
            retries=retries,
            types=split_csv(types),
            statuses=split_csv(statuses) if statuses else None,
            profile=profile,
            offline=offline,
            embeds=embeds,
            dry_run=dry_run,
            diff=diff,
            check=check,
            force=force,
            prune=prune,
            report=report_path,
            jobs=jobs,
            quiet=quiet,
            verbose=verbose,
            content_selector=content_selector,
            drop_keys=tuple(drop_keys),
            site_url=site_url,
            keep_boilerplate=keep_boilerplate,
            **_asset_options(
                mirrors,
                host_maps,
                asset_hosts,
                wayback,
                wayback_url,
                no_assets,
                strict,
                asset_dir,
                asset_url,
                asset_cache,
            ),
        )
        report, plan = run(settings, progress_factory=progress)
    except (InputError, OptionsError) as exc:
        raise _fail(str(exc), 2) from None
    except WpMigrateError as exc:
        raise _fail(str(exc), 2) from None
    finally:
        progress.close()
    if diff:
        text = unified_diffs(plan)
        click.echo(colorize_diff(text) if use_color(sys.stdout) else text, nl=False)
    click.echo(render_text(report, plan, settings), nl=False)
    if report_path:
        write_report(report_path, report, plan, settings)
    sys.exit(exit_code(report, plan, settings))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--content-selector", default="", help="Mirrors: CSS selector of the post body, as for convert.")
@click.option("--site-url", default="", help="The old site's URL, as for convert.")
def inspect(sources: tuple[Path, ...], as_json: bool, content_selector: str = "", site_url: str = "") -> None:
    """Tell what SOURCES hold before migrating: counts, dates, authors, terms, shortcodes, blocks, image hosts,
    and for a mirror which selector gave each field."""
    from .inspect import inspect_sources, render_inspection

    try:
        facts = inspect_sources(list(sources), content_selector=content_selector, site_url=site_url)
    except WpMigrateError as exc:
        raise _fail(str(exc), 2) from None
    click.echo(render_inspection(facts, as_json=as_json), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
