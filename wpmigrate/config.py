"""The configuration file: `wpmigrate.toml`, or `[tool.wpmigrate]` in pyproject.toml.

Every command-line option can be set there, by its long name with - or _ (`dry-run = true`,
`asset_dir = "img"`), so a CI step is just `wpmigrate convert`. Flags given on the command line win:
the CLI hands the result to click as its `default_map`. An unknown key is an error that names it,
because a misspelt option silently ignored is a migration done with the wrong settings.

Where it is looked for: the start folder, then each parent, stopping after the folder that holds
`.git` (the project root). In each folder `wpmigrate.toml` wins over pyproject.toml; a pyproject.toml
without a [tool.wpmigrate] table is passed over.

Relative paths in the file (`out`, `sources`, `report`, `mirrors`) are relative to the file's folder,
as a reader of the file expects, and are handed on relative to the current folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from .errors import OptionsError

CONFIG_NAME = "wpmigrate.toml"
PYPROJECT = "pyproject.toml"
# Option names (normalised to _) whose values are paths, relative to the config file's folder.
PATH_KEYS = frozenset({"sources", "out", "report", "mirror", "mirrors", "asset_cache", "config"})


def default_names() -> dict[str, str]:
    """Accepted keys when the caller gives none: the Settings fields and the option names that differ
    from theirs (`status`, `mirror`, `assets`...), each giving its field: the result is ready for
    Settings.from_options()."""
    from .settings import OPTION_FIELDS, Settings

    return {**{f.name: f.name for f in fields(Settings)}, **OPTION_FIELDS}


def find_config(start_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    """(file, its wpmigrate table) of the nearest configuration, or None."""
    folder = Path(start_dir).resolve()
    for here in (folder, *folder.parents):
        toml = here / CONFIG_NAME
        if toml.is_file():
            return toml, _read_toml(toml, CONFIG_NAME)
        pyproject = here / PYPROJECT
        if pyproject.is_file():
            table = _read_toml(pyproject, PYPROJECT).get("tool", {}).get("wpmigrate")
            if table is not None:
                if not isinstance(table, dict):
                    raise OptionsError(f"{pyproject}: [tool.wpmigrate] must be a table")
                return pyproject, table
        if (here / ".git").exists():
            break
    return None


def load_config(
    start_dir: Path, names: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> dict[str, Any]:
    """Option values from the nearest configuration file ({} when there is none).

    names: accepted key (with _) -> key in the result (click's parameter name, e.g. "report" ->
    "report_path"); default: the Settings fields. config_file: read this file instead of searching.
    """
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise OptionsError(f"{path}: configuration file not found")
        doc = _read_toml(path, path.name)
        table = doc.get("tool", {}).get("wpmigrate", {}) if path.name == PYPROJECT else doc
        found: tuple[Path, dict[str, Any]] | None = (path, table)
    else:
        found = find_config(start_dir)
    if found is None:
        return {}
    path, table = found
    label = f"{_shown(path)} [tool.wpmigrate]" if path.name == PYPROJECT else _shown(path)
    names = dict(names) if names is not None else default_names()
    out: dict[str, Any] = {}
    given: dict[str, str] = {}  # result key -> the key as written
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in names:
            known = ", ".join(sorted(k.replace("_", "-") for k in names))
            raise OptionsError(f"{label}: unknown key {raw_key!r} (known: {known})")
        if names[key] in given:
            raise OptionsError(f"{label}: {raw_key!r} and {given[names[key]]!r} are the same option; keep one")
        given[names[key]] = raw_key
        out[names[key]] = _rebase(value, path.parent) if key in PATH_KEYS else value
    return out


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # The message already says "(at line N, column M)".
        raise OptionsError(f"{_shown(path)}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise OptionsError(f"{_shown(path)}: cannot read: {exc.strerror or exc}") from None


def _rebase(value: Any, base: Path) -> Any:
    """A path (or list of paths) from the file, relative to the file's folder -> relative to the cwd."""
    if isinstance(value, list):
        return [_rebase(v, base) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if os.path.isabs(value):
        return value
    joined = base / value
    if base.resolve() == Path.cwd().resolve():
        return value
    try:
        return os.path.relpath(joined, Path.cwd())
    except ValueError:  # another drive on Windows
        return str(joined)


def _shown(path: Path) -> str:
    """The file name as the user would type it: relative to the cwd when below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# Options whose value is one comma-separated string on the command line: a TOML list is joined.
CSV_PARAMS = ("types", "status")


def click_defaults(ctx: Any, config_file: Path | None = None) -> dict[str, Any]:
    """The configuration as a click `default_map` for the command of `ctx`: keys are its long option
    names (and `sources`), values checked against the option types here, so that a wrong type is one
    line naming the file and the key rather than click's usage text."""
    import click

    params = {p.name: p for p in ctx.command.params if p.name}
    names = {"sources": "sources"}
    negated: dict[str, str] = {}  # "no_offline" -> "offline": a flag's --no- form, as a key too
    for param in params.values():
        long = next((o for o in param.opts if o.startswith("--")), None)
        if isinstance(param, click.Option) and long and param.name != "config":
            names[long[2:].replace("-", "_")] = param.name
            for other in param.secondary_opts:
                negated[other[2:].replace("-", "_")] = param.name
    found = load_config(Path.cwd(), {**names, **{k: k for k in negated}}, config_file=config_file)
    for key, name in negated.items():
        if key in found:
            option, raw = key.replace("_", "-"), found.pop(key)
            if name in found:
                raise OptionsError(f"{_label(config_file)}: {option!r} and {name!r} are the same option; keep one")
            try:
                found[name] = not click.BOOL.convert(raw, None, ctx)
            except click.BadParameter as exc:
                raise OptionsError(f"{_label(config_file)}: {option} = {raw!r}: {exc.message}") from None
    for key in CSV_PARAMS:
        if isinstance(found.get(key), list):
            found[key] = ",".join(map(str, found[key]))
    for key, raw in found.items():
        try:
            params[key].type_cast_value(ctx, raw)
        except click.BadParameter as exc:
            option = next((o[2:] for o in params[key].opts if o.startswith("--")), key)
            raise OptionsError(f"{_label(config_file)}: {option} = {raw!r}: {exc.message}") from None
    return found


def _label(config_file: Path | None) -> str:
    """The configuration file read, as error messages name it."""
    return _shown(config_file or (find_config(Path.cwd()) or (Path(CONFIG_NAME), {}))[0])
