"""One frozen Settings object, built once from flags (and later wpmigrate.toml), validated once.

Library functions take the Settings (or the few fields they need) explicitly; there is no
module-level configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import OptionsError

# WordPress statuses we never write unless asked: the bin and editor autosaves.
DEFAULT_EXCLUDED_STATUSES = ("trash", "auto-draft", "inherit")
# Statuses that are "published" for output placement (everything else goes to _drafts/).
PUBLISHED_STATUSES = ("publish",)
PROFILES = ("jekyll",)
EMBED_MODES = ("link", "html")


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

    # conversion
    embeds: str = "link"
    excerpt_separator: str = "<!--more-->"
    post_time_budget: float = 60.0  # seconds one post may take to convert before it fails (budget.py); 0: no limit

    # assets (issue 4)
    download_assets: bool = True
    asset_dir: str = "assets/images"  # folder inside the output, POSIX
    asset_url_prefix: str = "/assets/images"  # how posts refer to it
    mirrors: tuple[Path, ...] = ()
    host_map: tuple[tuple[str, str], ...] = ()  # (OLD host, NEW base URL)
    asset_hosts: tuple[str, ...] = ()
    wayback: bool = False
    wayback_url: str = "https://web.archive.org/web"
    strict: bool = False
    concurrency: int = 8
    per_host: int = 4
    max_asset_bytes: int = 50 * 1024 * 1024
    timeout: float = 30.0
    retries: int = 3
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
    jobs: int = 1
    quiet: bool = False
    verbose: int = 0

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise OptionsError(f"--profile: unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")
        if self.embeds not in EMBED_MODES:
            raise OptionsError(f"--embeds: unknown mode {self.embeds!r}; choose link or html")
        if self.jobs < 1:
            raise OptionsError("--jobs must be 1 or more")
        if not self.types:
            raise OptionsError("--types: give at least one post type, e.g. post,page")

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
        out: dict[str, object] = {}
        for f in fields(self):
            if f.name in keep:
                v = getattr(self, f.name)
                out[f.name] = list(v) if isinstance(v, tuple) else v
        return out


def split_csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v.strip() for v in value.split(",") if v.strip())


__all__ = ["DEFAULT_EXCLUDED_STATUSES", "PUBLISHED_STATUSES", "Settings", "field", "split_csv"]
