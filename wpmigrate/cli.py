"""The command line: click commands only. Each builds Settings, calls the library, prints the report,
and maps errors to exit codes (0 fine, 1 some posts/assets failed or drift/conflicts, 2 unusable input)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputError, OptionsError, WpMigrateError
from .settings import Settings, split_csv


def _fail(message: str, code: int = 2) -> "click.exceptions.Exit":
    click.echo(f"wpmigrate: error: {message}", err=True)
    return click.exceptions.Exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wpmigrate")
def main() -> None:
    """Move a WordPress site to Markdown for static-site generators, losing nothing."""


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Output folder (the Jekyll site root).")
@click.option("--types", default="post,page", show_default=True, help="Post types to write, comma-separated.")
@click.option("--status", "statuses", default=None,
              help="Statuses to write, comma-separated [default: all but trash and auto-draft; drafts go to _drafts/].")
@click.option("--profile", default="jekyll", show_default=True, help="Output profile.")
@click.option("--offline", is_flag=True, help="No network access at all (assets only from --mirror and the cache).")
@click.option("--embeds", type=click.Choice(["link", "html"]), default="link", show_default=True,
              help="Embeds (YouTube, tweets...) as Markdown links or as raw HTML.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would change.")
@click.option("--diff", is_flag=True, help="With --dry-run or --check: show unified diffs.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the output would change (CI drift gate).")
@click.option("--force", is_flag=True, help="Overwrite files edited by hand since the last run.")
@click.option("--prune", is_flag=True, help="Remove files whose source post is gone.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None,
              help="Also write the report to FILE (.json, .md or .txt).")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Processes for conversion.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the final summary line.")
@click.option("--verbose", "-v", count=True, help="More detail (repeat for more).")
def convert(sources: tuple[Path, ...], out: Path, types: str, statuses: str | None, profile: str, offline: bool,
            embeds: str, dry_run: bool, diff: bool, check: bool, force: bool, prune: bool,
            report_path: Path | None, jobs: int, quiet: bool, verbose: int) -> None:
    """Convert WordPress SOURCES (export files, a mirror folder, front-matter files) into OUT."""
    from .pipeline import run
    from .report import exit_code, render_text, write_report

    try:
        settings = Settings(
            sources=tuple(sources), out=out, types=split_csv(types),
            statuses=split_csv(statuses) if statuses else None, profile=profile, offline=offline,
            embeds=embeds, dry_run=dry_run, diff=diff, check=check, force=force, prune=prune,
            report=report_path, jobs=jobs, quiet=quiet, verbose=verbose,
        )
        report, plan = run(settings)
    except (InputError, OptionsError) as exc:
        raise _fail(str(exc), 2)
    except WpMigrateError as exc:
        raise _fail(str(exc), 2)
    click.echo(render_text(report, plan, settings), nl=False)
    if report_path:
        write_report(report_path, report, plan, settings)
    sys.exit(exit_code(report, plan, settings))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def inspect(sources: tuple[Path, ...], as_json: bool) -> None:
    """Tell what SOURCES hold before migrating: counts, dates, authors, terms, shortcodes, blocks, image hosts."""
    from .inspect import inspect_sources, render_inspection

    try:
        facts = inspect_sources(list(sources))
    except WpMigrateError as exc:
        raise _fail(str(exc), 2)
    click.echo(render_inspection(facts, as_json=as_json), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
