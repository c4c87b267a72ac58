"""Path safety: the one set of rules for every path wpmigrate writes, and the makers of names that obey them.

A relative output path is safe (check_relpath) when:
- it is a relative POSIX path: not empty, no leading `/`, no backslash anywhere, no drive letter (`C:`),
  no empty, `.` or `..` component;
- no component holds a control character (NUL included, C1 controls too), a lone surrogate (it has
  no UTF-8 form) or a character Windows forbids in a name (`< > : " | ? *`);
- no component ends with a dot or a space (Windows drops them: `a.` and `a` would be one file);
- no component is a Windows device name, with or without an extension (CON, PRN, AUX, NUL, COM0-9,
  LPT0-9, COM and LPT with a superscript 1-3, any case; `nul.txt` opens the device, not a file);
- each component is at most MAX_NAME_BYTES (255) bytes of UTF-8, the limit of ext4, APFS and NTFS;
- the whole path is at most MAX_RELPATH_BYTES (1,024) bytes of UTF-8: macOS cannot open a longer path
  whatever the output folder, so it is refused before anything is written rather than half-way.

Two makers turn any string into a name that passes those rules (tests/test_pathsafe.py checks it for
arbitrary strings). They share the rules and the way a name is shortened (by UTF-8 bytes, never
splitting a character, with a short stable hash of the input so two long inputs do not meet), but not
their policy, because their callers need different things:
- safe_name (slug components): readable. Unsafe characters become `-`, a device name gets a `-` after
  its stem (`con` -> `con-`), and only a name too long gets a hash. Not injective (`a b` and `a-b`
  meet): emit.paths.SlugRegistry numbers slugs that collide, as WordPress does.
- safe_file_name (asset files and folders, from URLs): injective, because an asset's path is a pure
  function of its URL and two URLs must never share a file. Only letters, digits, `_ . -` are kept, and
  a name that had to change in any way (case included: `A.jpg` and `a.jpg` are one file on macOS)
  gets a hash of the original; its extension is kept, lower-cased.

resolve_inside() is the last word against the real output folder: it follows symlinks, so a symlinked
folder cannot lead a write outside.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from .errors import UnsafePathError

MAX_NAME_BYTES = 255
MAX_RELPATH_BYTES = 1024
SLUG_BYTES = 120  # a slug leaves room for `YYYY-MM-DD-` and `.md` and stays readable in a URL
FILE_NAME_BYTES = 100

_DEVICES = frozenset(["con", "prn", "aux", "nul", *(f"{p}{n}" for p in ("com", "lpt") for n in "0123456789¹²³")])
_CONTROL = "\x00-\x1f\x7f-\x9f\ud800-\udfff"  # control characters (Cc) and lone surrogates (no UTF-8 form)
_UNSAFE_CHAR = re.compile(rf'[{_CONTROL}<>:"/\\|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
# A slug also loses what breaks it in a URL (`#`, `%`, `[`, `]`) and whitespace.
_UNSAFE_IN_SLUG = re.compile(rf'[{_CONTROL}<>:"/\\|?*#%\[\]]+')
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w.-]+")
EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")  # what counts as a file extension (`.jpg`, `.webp`)


def is_device_name(name: str) -> bool:
    """True for a Windows device name, with or without an extension (`CON`, `nul.txt`, `com1.tar.gz`)."""
    return name.split(".")[0].rstrip(" ").lower() in _DEVICES


def name_problem(name: str) -> str:
    """Why `name` is not a safe path component; "" when it is."""
    if name in ("", ".", ".."):
        return f"{name!r} is not a name"
    m = _UNSAFE_CHAR.search(name)
    if m:
        return f"{m.group()!r} is not allowed in a name"
    if name.endswith((".", " ")):
        return "a name may not end with a dot or a space"
    if is_device_name(name):
        return f"{name.split('.')[0]!r} is a Windows device name"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"a name is longer than {MAX_NAME_BYTES} bytes"
    return ""


# A path of plain ASCII names (what slugs usually are): safe by its characters and lengths alone, once no
# name is a device name; check_relpath takes no name apart for it (a plan and a write check every path
# of the site: issue 11). Each name: 1-255 of [A-Za-z0-9_.-], not starting with a dot, not ending with one.
_PLAIN_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?"
_PLAIN_PATH = re.compile(rf"{_PLAIN_NAME}(?:/{_PLAIN_NAME})*")
_PLAIN_DEVICE = re.compile(r"(?:^|/)(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:[./]|$)", re.IGNORECASE)


def check_relpath(path: str) -> str:
    """`path` itself; UnsafePathError unless it is a safe relative output path (see the module docstring)."""
    if len(path) <= MAX_RELPATH_BYTES and _PLAIN_PATH.fullmatch(path) and not _PLAIN_DEVICE.search(path):
        return path
    return check_relpath_fully(path)


def check_relpath_fully(path: str) -> str:
    """check_relpath() name by name, whatever the path holds."""
    problem = ""
    if not path:
        problem = "empty"
    elif path.startswith("/") or _DRIVE.match(path):
        problem = "absolute"
    elif "\\" in path:
        problem = "a backslash"
    elif len(path.encode("utf-8", "surrogatepass")) > MAX_RELPATH_BYTES:
        problem = f"longer than {MAX_RELPATH_BYTES} bytes"
    else:
        problem = next((p for p in map(name_problem, path.split("/")) if p), "")
    if problem:
        raise UnsafePathError(f"{path!r}: not a plain relative path inside the output folder ({problem})")
    return path


def is_inside(root: Path, path: Path) -> bool:
    """True when `path`, symlinks followed, is `root` or below it."""
    root, path = Path(root).resolve(), Path(path).resolve()
    return path == root or root in path.parents


def resolve_inside(out_dir: Path, rel: str) -> Path:
    """out_dir/rel, refusing an unsafe `rel` and anything that resolves (through symlinks too) outside out_dir."""
    return InsideResolver(out_dir)(rel)


def _resolved(path: Path, rel: str) -> Path:
    """path.resolve(), with a symlink loop refused as unsafe (Python 3.11 raises RuntimeError, 3.13 OSError)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:
        raise UnsafePathError(f"{rel!r}: cannot be resolved ({exc}); a symlink loop?") from None


class InsideResolver:
    """resolve_inside() for the many paths of one output folder, with the same answers: each folder is
    resolved and checked once (a plan of 10,000 files resolved every component of every path: a tenth
    of a re-run), then only a file that is itself a symlink is followed. For one look at the disk (a
    plan), not for a folder that changes meanwhile. check() answers a string: a Path per file was a
    third of writing a site (issue 11)."""

    def __init__(self, out_dir: Path) -> None:
        self.root = Path(out_dir).resolve()
        # What check() puts before a relative path ("/" alone for the root of the disk).
        self.prefix = str(self.root).rstrip("/\\") + "/"
        self._folders: dict[str, str] = {"": str(self.root)}  # relative folder -> its real path, inside

    def __call__(self, rel: str) -> Path:
        return Path(self.check(rel))

    def check(self, rel: str, follow: bool = True) -> str:
        """prefix + rel, once rel is a safe relative path whose folder resolves inside the output
        folder; `follow`: and, if rel is a symlink, what it points to (else see check_link)."""
        check_relpath(rel)
        folder, _, name = rel.rpartition("/")
        real = self._folders.get(folder)
        if real is None:
            resolved = _resolved(self.root / folder, rel)
            self._outside(rel, resolved, resolved / name)
            real = self._folders[folder] = str(resolved)
        if follow and os.path.islink(f"{real}/{name}"):
            self.check_link(rel)
        return self.prefix + rel

    def check_link(self, rel: str) -> None:
        """For rel, a symlink in a checked folder: UnsafePathError unless it points inside."""
        folder, _, name = rel.rpartition("/")
        target = _resolved(Path(self._folders[folder]) / name, rel)
        self._outside(rel, target, target)

    def _outside(self, rel: str, real: Path, target: Path) -> None:
        if real != self.root and not real.is_relative_to(self.root):
            raise UnsafePathError(f"{rel!r} resolves to {target}, outside the output folder {self.root}")


def _shorten(stem: str, ext: str, digest: str, stem_bytes: int) -> str:
    """`stem` cut to `stem_bytes` UTF-8 bytes (never inside a character), then `-digest` and `ext`."""
    cut = stem.encode("utf-8", "surrogatepass")[:stem_bytes].decode("utf-8", "ignore").rstrip(".- ")
    return f"{cut}-{digest}{ext}" if cut else f"{digest}{ext}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def safe_name(name: str, fallback: str = "untitled", max_bytes: int = SLUG_BYTES) -> str:
    """A readable path component made from any string (a slug, a post type): see the module docstring.

    `fallback` (itself a safe name) stands in when nothing is left of `name`."""
    name = _UNSAFE_IN_SLUG.sub("-", name)
    name = re.sub(r"\s+", "-", name).strip(" .-")
    name = re.sub(r"-{2,}", "-", name)
    if not name:
        name = fallback
    if is_device_name(name):
        stem, dot, rest = name.partition(".")
        name = f"{stem}-{dot}{rest}"
    encoded = name.encode("utf-8", "surrogatepass")
    if len(encoded) > max_bytes:
        name = _shorten(name, "", _digest(encoded), max_bytes - 9)
    return name


def safe_file_name(raw: str, max_bytes: int = FILE_NAME_BYTES) -> str:
    """An injective file or folder name made from any string (an asset URL's segment): see the module
    docstring. A name already canonical (NFC, lower-case, only letters, digits, `_ . -`, short enough,
    not a device name) is kept; any other gets a hash of `raw`, so `A.jpg`, `a b.jpg` and `a-b.jpg`
    stay three files even on case-insensitive disks."""
    nfc = unicodedata.normalize("NFC", raw)
    clean = re.sub(r"-{2,}", "-", _UNSAFE_IN_FILE_NAME.sub("-", nfc)).strip(".- ")
    m = EXTENSION.search(clean)
    stem, ext = (clean[: m.start()], m.group(0)) if m else (clean, "")
    changed = (
        clean != raw or clean != clean.lower() or not stem or is_device_name(stem) or len(clean.encode()) > max_bytes
    )
    if not changed:
        return clean
    return _shorten(stem, ext.lower(), _digest(raw.encode("utf-8", "surrogatepass")), 60)


def safe_dir(raw: str, fallback: str = "assets") -> str:
    """A folder given by the user (`--asset-dir`) as a safe relative POSIX path, each part a safe_file_name."""
    return "/".join(safe_file_name(s) for s in raw.replace("\\", "/").split("/") if s) or fallback
