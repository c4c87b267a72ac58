"""One frozen Settings object, built once by Settings.from_options() from flags, wpmigrate.toml or a
library caller, validated once. The defaults written here are the only ones: the CLI shows them.

Library functions take the Settings (or the few fields they need) explicitly; there is no
module-level configuration.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from .emit import PROFILES as PROFILE_REGISTRY
from .emit import get_profile
from .emit.profile import FRONT_MATTER_FORMATS, ProfileOptions
from .errors import OptionsError

# WordPress statuses we never write unless asked: the bin and editor autosaves.
DEFAULT_EXCLUDED_STATUSES = ("trash", "auto-draft", "inherit")
# Statuses that are "published" for output placement (everything else goes to _drafts/).
PUBLISHED_STATUSES = ("publish",)
PROFILES = tuple(PROFILE_REGISTRY)  # the one registry is emit.PROFILES
REDIRECT_FORMATS = ("netlify", "nginx", "apache", "csv")
TERM_FORMS = ("names", "slugs")
EMBED_MODES = ("link", "html")
# Options named otherwise than their Settings field (the option is repeatable, or says it the other way).
OPTION_FIELDS = {
    "status": "statuses",
    "mirror": "mirrors",
    "asset_host": "asset_hosts",
    "drop_key": "drop_keys",
    "assets": "download_assets",
    "asset_url": "asset_url_prefix",
    "redirects": "redirect_format",
}
MIN_TIMEOUT = 0.01  # seconds


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    sources: tuple[Path, ...] = ()
    out: Path = Path("site")
    types: tuple[str, ...] = ("post", "page")
    # None: every status except DEFAULT_EXCLUDED_STATUSES
    statuses: tuple[str, ...] | None = None
    profile: str = "jekyll"
    offline: bool = False
    include_protected: bool = False  # write password-protected and private posts (privacy.py)

    # output profile (issue 10): what each means is the profile's (emit/)
    keep_urls: bool | None = None  # posts and pages at their WordPress path; None: the profile's default
    permalink: str = ""  # URL pattern of posts (plain): /:year/:month/:day/:slug/ ...; "": the profile's
    front_matter: str = "yaml"  # or toml (hugo)
    aliases: bool = False  # old paths in front matter: Jekyll redirect_from, Hugo aliases
    redirect_format: str = ""  # netlify, nginx, apache or csv: write a redirect map (redirects.py)
    scaffold: bool = False  # write a site skeleton when OUT has no site yet
    # front matter: which fields in what order, renamed (`title,date,modified:modif`); () the profile's
    fields: tuple[tuple[str, str], ...] = ()
    date_format: str = ""  # strftime pattern, in each post's own offset from the export; "": YYYY-MM-DD
    terms: str = "names"  # categories and tags as names or slugs

    # conversion
    embeds: str = "link"
    excerpt_separator: str = "<!--more-->"
    post_time_budget: float = 60.0  # seconds one post may take to convert before it fails (budget.py); 0: no limit

    # assets (issue 4)
    download_assets: bool = True
    asset_dir: str = ""  # folder inside the output, POSIX; "": the profile's (Jekyll: assets/images)
    asset_url_prefix: str = ""  # how posts refer to it; "": /ASSET_DIR, or the profile's
    mirrors: tuple[Path, ...] = ()
    host_map: tuple[tuple[str, str], ...] = ()  # (OLD host, NEW base URL)
    asset_hosts: tuple[str, ...] = ()
    wayback: bool = False
    wayback_url: str = "https://web.archive.org/web"
    strict: bool = False
    concurrency: int = 8  # downloads at a time (bench/bench_assets.py measured the defaults)
    per_host: int = 8  # of which at most this many from one host
    revalidate: bool = False  # ask the server again about assets a previous run wrote (else: kept as they are)
    max_asset_bytes: int = 50 * 1024 * 1024
    timeout: float = 30.0  # seconds: each connect and each read of a download
    retries: int = 3
    asset_deadline: float = 120.0  # seconds one asset may take in all (URLs, retries, waits); 0: no limit
    asset_cache: Path | None = None  # None: $XDG_CACHE_HOME/wpmigrate/assets
    in_place: bool = False

    # html importer (issue 5)
    content_selector: str = ""
    drop_keys: tuple[str, ...] = ()
    site_url: str = ""  # the old site's URL, for mirrors/front-matter folders that do not say it
    keep_boilerplate: bool = False  # keep blocks repeated at the end of every mirrored post

    # run control (issue 6)
    dry_run: bool = False
    diff: bool = False
    check: bool = False
    force: bool = False
    prune: bool = False
    report: Path | None = None
    jobs: int = field(default_factory=available_cores)  # conversion processes
    quiet: bool = False
    verbose: int = 0

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise OptionsError(f"--profile: unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")
        if self.front_matter not in FRONT_MATTER_FORMATS:
            raise OptionsError(f"--front-matter: unknown format {self.front_matter!r}; choose yaml or toml")
        if self.front_matter == "toml" and self.profile != "hugo":
            raise OptionsError("--front-matter toml: only Hugo reads TOML front matter; use --profile hugo")
        if self.redirect_format and self.redirect_format not in REDIRECT_FORMATS:
            raise OptionsError(
                f"--redirects: unknown format {self.redirect_format!r}; choose one of {', '.join(REDIRECT_FORMATS)}"
            )
        if self.terms not in TERM_FORMS:
            raise OptionsError(f"--terms: unknown form {self.terms!r}; choose names or slugs")
        if self.date_format and "%" not in self.date_format:
            raise OptionsError(
                f"--date-format {self.date_format!r}: give a strftime pattern, e.g. %Y-%m-%d %H:%M:%S %z"
            )
        if self.permalink and (not self.permalink.startswith("/") or ":slug" not in self.permalink + ":title"):
            raise OptionsError(f"--permalink {self.permalink!r}: give a root-relative pattern with :slug")
        # The asset folder and its URL default to the profile's (frozen: set once, here).
        profile = get_profile(self.profile)
        if not self.asset_dir:
            object.__setattr__(self, "asset_dir", profile.asset_dir)
            if not self.asset_url_prefix:
                object.__setattr__(self, "asset_url_prefix", profile.asset_url)
        if not self.asset_url_prefix:
            object.__setattr__(self, "asset_url_prefix", "/" + self.asset_dir)
        if self.embeds not in EMBED_MODES:
            raise OptionsError(f"--embeds: unknown mode {self.embeds!r}; choose link or html")
        if self.jobs < 1:
            raise OptionsError("--jobs must be 1 or more")
        if not self.types:
            raise OptionsError("--types: give at least one post type, e.g. post,page")

    @classmethod
    def from_options(cls, **values: object) -> Settings:
        """Settings from option values, checked and normalised: the one way the CLI, the configuration
        file and a library caller build them. Keys are the long option names with _ (`status`,
        `host_map`, `assets`, `asset_url`...) or the field names; a value left out or None takes the
        default. Raises OptionsError naming the option."""
        hints = get_type_hints(cls)
        given: dict[str, tuple[str, object]] = {}  # field -> (option as given, value)
        for key, value in values.items():
            name = OPTION_FIELDS.get(key, key)
            if name not in hints:
                raise OptionsError(f"{_option(key)}: no such option")
            if name in given:
                raise OptionsError(f"{_option(given[name][0])} and {_option(key)} are the same option; give one")
            if value is not None:
                given[name] = (key, value)
        kw: dict[str, Any] = {}
        for name, (key, value) in given.items():
            normalise = _NORMALISE.get(name)
            kw[name] = normalise(_option(key), value) if normalise else _typed(_option(key), value, hints[name])
        if "out" not in kw and kw.get("in_place"):
            kw["out"] = Path(".")
        kw["asset_dir"] = kw.get("asset_dir", cls.asset_dir).strip().strip("/")
        url = kw.get("asset_url_prefix")
        if url:
            kw["asset_url_prefix"] = url.rstrip("/")
        if kw.get("diff") and not (kw.get("dry_run") or kw.get("check")):
            raise OptionsError("--diff shows what would change: use it with --dry-run or --check")
        if not kw.get("sources"):
            raise OptionsError("no SOURCES given: name an export file or folder (or set sources in wpmigrate.toml)")
        if kw.get("timeout", cls.timeout) < MIN_TIMEOUT:
            raise OptionsError(f"--timeout: give {MIN_TIMEOUT} seconds or more")
        if kw.get("retries", cls.retries) < 0:
            raise OptionsError("--retries: give 0 or more")
        if kw.get("asset_deadline", cls.asset_deadline) < 0:
            raise OptionsError("--asset-deadline: give 0 (no limit) or more seconds")
        # Where the run writes, checked now rather than as a traceback after the work (issue 12.3).
        if not (kw.get("dry_run") or kw.get("check")):
            check_writable_folder(_option(given["out"][0]) if "out" in given else "--out", kw.get("out", cls.out))
            if kw.get("asset_cache") and kw.get("download_assets", cls.download_assets):
                check_writable_folder(_option(given["asset_cache"][0]), kw["asset_cache"])
        if kw.get("report"):
            check_writable_file(_option(given["report"][0]), kw["report"])
        return cls(**kw)

    def profile_options(self) -> ProfileOptions:
        return ProfileOptions(
            keep_urls=self.keep_urls,
            permalink=self.permalink,
            front_matter=self.front_matter,
            aliases=self.aliases,
            fields=self.fields,
            date_format=self.date_format,
            terms=self.terms,
        )

    def keeps_status(self, status: str) -> bool:
        if self.statuses is None:
            return status not in DEFAULT_EXCLUDED_STATUSES
        return status in self.statuses

    def output_options(self) -> dict[str, object]:
        """The options that shape the output bytes (for the manifest): not run-control flags."""
        keep = (
            "types",
            "statuses",
            "include_protected",
            "profile",
            "embeds",
            "excerpt_separator",
            "download_assets",
            "asset_dir",
            "asset_url_prefix",
            "content_selector",
            "drop_keys",
            "site_url",
            "keep_boilerplate",
        )
        # Profile options only when set, so that the manifest of a run without them stays as it was.
        added = {
            "keep_urls",
            "permalink",
            "front_matter",
            "aliases",
            "redirect_format",
            "scaffold",
            "fields",
            "date_format",
            "terms",
        }
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in added and value not in (None, "", False, "yaml", "names", ()):
                out[f.name] = [list(v) for v in value] if f.name == "fields" else value
            if f.name in keep:
                v = getattr(self, f.name)
                out[f.name] = list(v) if isinstance(v, tuple) else v
        return out


def _nearest_existing(path: Path) -> Path:
    """`path` or the closest of its parents that exists (a file, maybe)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable_folder(option: str, folder: Path) -> None:
    """OptionsError unless `folder` is a folder the run can write into, or can create (its nearest
    existing parent is a writable folder)."""
    if folder.exists():
        if not folder.is_dir():
            raise OptionsError(f"{option} {folder}: is a file, not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OptionsError(f"{option} {folder}: is not writable")
        return
    parent = _nearest_existing(folder.parent)
    if not parent.is_dir():
        raise OptionsError(f"{option} {folder}: cannot create it: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OptionsError(f"{option} {folder}: cannot create it: {parent} is not writable")


def check_writable_file(option: str, path: Path) -> None:
    """OptionsError unless `path` can be written as a file, in a folder that exists: a report path
    with a typo is refused rather than creating folders nobody asked for."""
    if path.is_dir():
        raise OptionsError(f"{option} {path}: is a folder; give a file name")
    parent = path.parent
    if not parent.exists():
        probe = _nearest_existing(parent)
        if probe.exists() and not probe.is_dir():
            raise OptionsError(f"{option} {path}: {probe} is a file, not a folder")
        raise OptionsError(f"{option} {path}: the folder {parent} does not exist; create it or give another path")
    if not parent.is_dir():
        raise OptionsError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(path if path.exists() else parent, os.W_OK):
        raise OptionsError(f"{option} {path}: is not writable")


def split_csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _option(key: str) -> str:
    return "--" + key.replace("_", "-")


def _items(option: str, value: object) -> list[object]:
    """A repeatable option's values: one value, or a list or tuple of them."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str | os.PathLike):
        return [value]
    raise OptionsError(f"{option}: expected a value or a list of values, not {value!r}")


def _text(option: str, value: object) -> str:
    if not isinstance(value, str):
        raise OptionsError(f"{option}: expected text, not {value!r}")
    return value


def _path(option: str, value: object) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise OptionsError(f"{option}: expected a path, not {value!r}")
    return Path(value)


def _paths(option: str, value: object) -> tuple[Path, ...]:
    return tuple(_path(option, v) for v in _items(option, value))


def _folders(option: str, value: object) -> tuple[Path, ...]:
    folders = _paths(option, value)
    for folder in folders:
        if not folder.is_dir():
            raise OptionsError(f"{option} {folder}: not a folder")
    return folders


def _words(option: str, value: object) -> tuple[str, ...]:
    """Comma-separated words, in one string or several (`--types post,page`, `--asset-host a --asset-host b`)."""
    return tuple(word for v in _items(option, value) for word in split_csv(_text(option, v)))


def _strings(option: str, value: object) -> tuple[str, ...]:
    return tuple(_text(option, v) for v in _items(option, value))


def _host_map(option: str, value: object) -> tuple[tuple[str, str], ...]:
    """OLD=NEW items (or (OLD, NEW) pairs) -> (old host, new base URL)."""
    pairs = []
    for item in _items(option, value):
        text = "=".join(map(str, item)) if isinstance(item, list | tuple) else _text(option, item)
        old, sep, new = text.partition("=")
        old = old.strip().split("://")[-1].split("/")[0].lower()
        if not sep or not old or not new.strip().startswith(("http://", "https://")):
            raise OptionsError(f"{option} {text!r}: expected OLD=NEW, e.g. www.example.com=http://localhost:8000")
        pairs.append((old, new.strip()))
    return tuple(pairs)


def _field_list(option: str, value: object) -> tuple[tuple[str, str], ...]:
    """`title,date,modified:modif` (or a list of such) -> ((field, name written), ...)."""
    pairs = []
    for word in _words(option, value):
        key, _, name = word.partition(":")
        key, name = key.strip(), (name or key).strip()
        if not key or not name or not all(c.isalnum() or c in "_-" for c in key + name):
            raise OptionsError(f"{option} {word!r}: expected FIELD or FIELD:NAME, e.g. modified:modif")
        pairs.append((key, name))
    return tuple(pairs)


# The scalar field types, what a value must be to fill one, and how an error names it.
_SCALARS: dict[object, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "true or false"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    str: ((str,), "text"),
}


def _typed(option: str, value: object, kind: object) -> object:
    """A scalar option's value, checked against its field's type (True is no number)."""
    accepted, described = _SCALARS[kind]
    if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
        raise OptionsError(f"{option}: expected {described}, not {value!r}")
    return float(value) if kind is float and isinstance(value, int | float) else value


# How each option that is more than one checked scalar becomes its field.
_NORMALISE: dict[str, Callable[[str, object], object]] = {
    "sources": _paths,
    "out": _path,
    "report": _path,
    "asset_cache": _path,
    "mirrors": _folders,
    "types": _words,
    "statuses": _words,
    "asset_hosts": _words,
    "drop_keys": _strings,
    "host_map": _host_map,
    "keep_urls": lambda option, value: _typed(option, value, bool),
    "fields": _field_list,
}


__all__ = ["DEFAULT_EXCLUDED_STATUSES", "PUBLISHED_STATUSES", "Settings", "field", "split_csv"]
