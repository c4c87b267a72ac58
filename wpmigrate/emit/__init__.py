"""Emit: where each post goes, how links to it are written, and its file's bytes. Pure.

paths.py        slugs, unique slugs, safe path components
frontmatter.py  the front-matter field registry and its YAML
links.py        old URL -> new reference (the link map)
jekyll.py       the Jekyll profile (the default)
"""

from __future__ import annotations

from .jekyll import JekyllProfile

PROFILES = {"jekyll": JekyllProfile}


def get_profile(name: str) -> JekyllProfile:
    return PROFILES[name]()
