"""Emit: where each post goes, how links to it are written, and its file's bytes. Pure.

profile.py      the Profile protocol, Placement, and helpers every profile shares
paths.py        slugs, unique slugs, safe path components
frontmatter.py  the front-matter field registry and its YAML / TOML
links.py        old URL -> new reference (the link map)
jekyll.py       the Jekyll profile (the default)
plain.py        plain Markdown, no generator syntax
hugo.py         Hugo (page bundles)
eleventy.py     Eleventy 3
astro.py        Astro content collections
scaffold.py     the smallest site skeleton per generator

PROFILES is the one registry: Settings and the CLI's --profile choice read their names here. Adding a
profile is one module plus one line below.
"""

from __future__ import annotations

from collections.abc import Callable

from .astro import AstroProfile
from .eleventy import EleventyProfile
from .hugo import HugoProfile
from .jekyll import JekyllProfile
from .plain import PlainProfile
from .profile import Profile, ProfileOptions

PROFILES: dict[str, Callable[[ProfileOptions], Profile]] = {
    "jekyll": JekyllProfile,
    "hugo": HugoProfile,
    "plain": PlainProfile,
    "eleventy": EleventyProfile,
    "astro": AstroProfile,
}


def get_profile(name: str, options: ProfileOptions | None = None) -> Profile:
    return PROFILES[name](options or ProfileOptions())
