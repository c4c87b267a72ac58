"""The command line: click commands only. Each builds Settings (Settings.from_options checks every
option), calls the library, prints the report, and maps errors to exit codes:

0  all went well (with --check: no drift)
1  some posts failed to convert or assets to download (--strict), conflicts, or --check drift
2  unusable input or options, or the site or report could not be written (disk full, permission):
   one line naming the file (line, key) or option and what to do
3  internal error: a bug in wpmigrate, one line naming the post it met it on (-v: the traceback)

Options come in groups shared by the commands that take them, as sqlite-utils does; their defaults
are read from Settings, where each is written once.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .emit.profile import FRONT_MATTER_FORMATS
from .errors import InternalError, OptionsError, WpMigrateError, describe
from .settings import EMBED_MODES, MIN_TIMEOUT, OPTION_FIELDS, PROFILES, REDIRECT_FORMATS, TERM_FORMS, Settings

EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
DEFAULTS = Settings()
F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = EXIT_UNUSABLE) -> click.exceptions.Exit:
    click.echo(f"wpmigrate: error: {message}", err=True)
    return click.exceptions.Exit(code)


def _crash(exc: Exception, verbose: int) -> click.exceptions.Exit:
    """A bug: one line naming the post it was met on (when one was being converted) and the exception;
    with -v the traceback first, so the line stays last."""
    if isinstance(exc, InternalError):
        where, error, details = f"{exc.where}: ", exc.error, exc.details
    else:
        where, error, details = "", describe(exc), "".join(traceback.format_exception(exc))
    if verbose:
        click.echo(details.rstrip("\n"), err=True)
    hint = "the traceback is above" if verbose else "run with -v for the traceback"
    line = " ".join(f"{where}{error}".split("\n"))
    click.echo(f"wpmigrate: internal error: {line} (a bug in wpmigrate: {hint}; please report it)", err=True)
    return click.exceptions.Exit(EXIT_INTERNAL)


def _load_config_defaults(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Eager --config callback: the configuration file becomes this command's defaults (config.py),
    so any flag given on the command line wins."""
    from .config import click_defaults

    try:
        ctx.default_map = {**(ctx.default_map or {}), **click_defaults(ctx, value)}
    except OptionsError as exc:
        raise _fail(str(exc)) from None
    return value


def _default(option: str) -> Any:
    """The default of an option: its Settings field's."""
    return getattr(DEFAULTS, OPTION_FIELDS.get(option, option))


def _flag(name: str, help: str, *short: str) -> Callable[[F], F]:
    """An on/off option with its --no- form, so that a value from the configuration file can be undone."""
    dashed = name.replace("_", "-")
    return click.option(f"--{dashed}/--no-{dashed}", *short, default=_default(name), help=help)


def _group(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, in the order given (as they show in --help)."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wpmigrate")
def main() -> None:
    """Move a WordPress site to Markdown for static-site generators, losing nothing."""


# Importer options, for convert and inspect alike.
source_options = _group(
    click.option(
        "--content-selector",
        default=_default("content_selector"),
        help="Mirrors: CSS selector of the post body, for unusual themes.",
    ),
    click.option(
        "--site-url",
        default=_default("site_url"),
        help="The old site's URL, when a mirror or front-matter folder does not say it.",
    ),
)

output_options = _group(
    click.option(
        "--out",
        "-o",
        type=click.Path(path_type=Path),
        default=None,
        help=f"Output folder (the site root) [default: {DEFAULTS.out}; with --in-place: the current folder].",
    ),
    click.option(
        "--types", default=",".join(DEFAULTS.types), show_default=True, help="Post types to write, comma-separated."
    ),
    click.option(
        "--status",
        default=None,
        help="Statuses to write, comma-separated [default: all but trash and auto-draft; drafts go to _drafts/].",
    ),
    click.option(
        "--profile", type=click.Choice(PROFILES), default=_default("profile"), show_default=True, help="Output profile."
    ),
    _flag(
        "keep_urls",
        "Posts and pages keep their WordPress path (Jekyll permalink, Hugo url) [default: on for hugo, off otherwise].",
    ),
    click.option(
        "--permalink",
        default=_default("permalink"),
        help="plain: URL pattern of posts, e.g. /:year/:month/:slug/ [default: /:year/:month/:day/:slug/].",
    ),
    click.option(
        "--front-matter",
        type=click.Choice(FRONT_MATTER_FORMATS),
        default=_default("front_matter"),
        show_default=True,
        help="Front-matter format (toml: hugo only).",
    ),
    _flag("aliases", "Also list old paths in front matter: Jekyll redirect_from, Hugo aliases."),
    click.option(
        "--fields",
        multiple=True,  # so that wpmigrate.toml can give a list
        metavar="FIELD[:NAME],...",
        help="Front-matter fields to write, in this order, renamed with :NAME (title,date,modified:modif) "
        "[default: the profile's].",
    ),
    click.option(
        "--date-format",
        default=_default("date_format"),
        help="strftime pattern of front-matter dates, in each post's own time zone from the export "
        "[default: YYYY-MM-DD].",
    ),
    click.option(
        "--terms",
        type=click.Choice(TERM_FORMS),
        default=_default("terms"),
        show_default=True,
        help="Categories and tags in front matter as names or slugs.",
    ),
    click.option(
        "--redirects",
        type=click.Choice(REDIRECT_FORMATS),
        default=None,
        help="Write a redirect map from every old URL that moved (netlify: _redirects; nginx, apache, csv).",
    ),
    _flag("scaffold", "When OUT has no site yet, write the generator's smallest skeleton (config, layouts)."),
    click.option(
        "--embeds",
        type=click.Choice(EMBED_MODES),
        default=_default("embeds"),
        show_default=True,
        help="Embeds (YouTube, tweets...) as Markdown links or as raw HTML.",
    ),
    click.option("--drop-key", multiple=True, help="Front-matter files: remove this key (repeatable)."),
    _flag("keep_boilerplate", "Mirrors: keep blocks that end every post (banners, signatures)."),
    _flag("in_place", "Front-matter files: rewrite each where it is (inside --out), front matter kept as is."),
    _flag(
        "include_protected",
        "Also write password-protected posts (published, without the password) and private ones (as drafts).",
    ),
)

asset_options = _group(
    _flag("offline", "No network access at all (assets only from --mirror and the cache)."),
    click.option(
        "--mirror",
        multiple=True,
        type=click.Path(path_type=Path, file_okay=False),
        help="Local mirror folder (HTTrack or wget layout) to take assets from first. Repeatable.",
    ),
    click.option(
        "--host-map",
        multiple=True,
        metavar="OLD=NEW",
        help="Fetch assets of host OLD from base URL NEW (a staging copy, a local server). Repeatable.",
    ),
    click.option(
        "--asset-host",
        multiple=True,
        help="Also download assets from this host (besides the site's own and WordPress's CDNs). Repeatable.",
    ),
    _flag("wayback", "Try the Wayback Machine for assets the origin no longer has."),
    click.option("--wayback-url", default=_default("wayback_url"), show_default=True, help="Wayback Machine base URL."),
    _flag("assets", "Download assets [default]; --no-assets: media keep their (cleaned) origin URLs."),
    _flag("strict", "Exit 1 when any asset could not be fetched."),
    click.option(
        "--asset-dir",
        default=None,
        help="Folder for assets inside OUT [default: the profile's: assets/images; hugo: static/images].",
    ),
    click.option(
        "--asset-url",
        default=None,
        help="How posts refer to the asset folder [default: /ASSET_DIR, or the profile's: hugo /images].",
    ),
    click.option(
        "--asset-cache",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Download cache folder [default: $XDG_CACHE_HOME/wpmigrate/assets].",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=MIN_TIMEOUT),
        default=_default("timeout"),
        show_default=True,
        help="Seconds to wait for a server (each connect, each read) before an asset download is retried.",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        default=_default("concurrency"),
        show_default=True,
        help="Asset downloads at a time.",
    ),
    click.option(
        "--per-host",
        type=click.IntRange(min=1),
        default=_default("per_host"),
        show_default=True,
        help="Asset downloads at a time from one host.",
    ),
    _flag("revalidate", "Ask the server again about assets a previous run wrote (uploads rarely change: off)."),
    click.option(
        "--retries",
        type=click.IntRange(min=0),
        default=_default("retries"),
        show_default=True,
        help="Retries of an asset download after a timeout, a 5xx, a 429 or a connection dropped mid-transfer.",
    ),
    click.option(
        "--asset-deadline",
        type=click.FloatRange(min=0),
        default=_default("asset_deadline"),
        show_default=True,
        help="Seconds one asset may take in all (every URL, retry and wait) before it fails; 0: no limit.",
    ),
)

run_control_options = _group(
    _flag("dry_run", "Write nothing; print what would change."),
    _flag("diff", "With --dry-run or --check: show unified diffs."),
    _flag("check", "Write nothing; exit 1 when the output would change (CI drift gate)."),
    _flag("force", "Overwrite files edited by hand since the last run."),
    _flag("prune", "Remove files whose source post is gone."),
    click.option(
        "--report",
        type=click.Path(path_type=Path),
        default=None,
        help="Also write the report to FILE (.json, .md or .txt).",
    ),
    click.option(
        "--jobs", "-j", type=int, default=_default("jobs"), show_default=True, help="Processes for conversion."
    ),
    _flag("quiet", "Print only errors and the final summary line; no progress.", "-q"),
    click.option(
        "--verbose", "-v", count=True, help="More detail (repeat for more); internal errors with their traceback."
    ),
    click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        is_eager=True,
        expose_value=False,
        callback=_load_config_defaults,
        help="Read options from this TOML file [default: the nearest wpmigrate.toml, or "
        "[tool.wpmigrate] in pyproject.toml].",
    ),
)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@output_options
@source_options
@asset_options
@run_control_options
def convert(**values: Any) -> None:
    """Convert WordPress SOURCES (export files, a mirror folder, front-matter files) into OUT."""
    from .pipeline import run
    from .progress import make_progress, use_color
    from .report import colorize_diff, exit_code, render_text, unified_diffs, write_report

    progress = make_progress(quiet=values["quiet"])
    try:
        try:
            settings = Settings.from_options(**values)
            report, plan = run(settings, progress_factory=progress)
        finally:
            progress.close()  # before any message, so that it starts on a line of its own
    except WpMigrateError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 -- a bug: shown as one, never as a failed post
        raise _crash(exc, values["verbose"]) from None
    if settings.diff:
        text = unified_diffs(plan)
        click.echo(colorize_diff(text) if use_color(sys.stdout) else text, nl=False)
    click.echo(render_text(report, plan, settings), nl=False)
    if settings.report:
        try:
            write_report(settings.report, report, plan, settings)
        except WpMigrateError as exc:
            raise _fail(str(exc)) from None
    sys.exit(exit_code(report, plan, settings))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@source_options
def inspect(sources: tuple[Path, ...], as_json: bool, content_selector: str, site_url: str) -> None:
    """Tell what SOURCES hold before migrating: counts, dates, authors, terms, shortcodes, blocks, image hosts,
    and for a mirror which selector gave each field."""
    from .inspect import inspect_sources, render_inspection

    try:
        facts = inspect_sources(list(sources), content_selector=content_selector, site_url=site_url)
    except WpMigrateError as exc:
        raise _fail(str(exc)) from None
    click.echo(render_inspection(facts, as_json=as_json), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
