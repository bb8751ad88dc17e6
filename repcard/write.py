"""The only writer of the output folder: build beside it, then swap it in whole.

A reader (a browser, the dev server, a deploy step) sees either the old site or the
new one, never a mix; a build that fails or is killed leaves the old one as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

_RENAME_EXCHANGE = 2  # Linux renameat2() flag: swap two paths in one atomic step
_AT_FDCWD = -100


def check_site_path(path: str) -> None:
    """Refuse any site path that could land outside the output folder."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\\" in path or any(p in ("..", ".", "") for p in parts):
        raise ValueError(f"refusing to write outside the site: {path!r}")


Digests = dict[str, bytes]  # path in the site -> sha256 of its bytes


def write_site(files: Iterable[tuple[str, bytes]], out_dir: Path, previous: Digests | None = None) -> Digests:
    """Write `files` into a fresh folder beside out_dir, then swap it into place.

    `previous` describes the site now in out_dir (what the last call returned): a file
    whose bytes are unchanged is hard-linked from it instead of written again, which
    keeps the dev server's rebuilds cheap. Returns the digests of the new site. If
    `files` raises, the staging folder is removed and out_dir is left as it was.
    """
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
    written: Digests = {}
    folders: set[Path] = set()
    try:
        for path, data in files:
            check_site_path(path)
            target = staging / path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            written[path] = digest = hashlib.sha256(data).digest()
            if not (previous and previous.get(path) == digest and _link(out_dir / path, target)):
                target.write_bytes(data)
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old site
    return written


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:  # gone, or another file system: write it instead
        return False


def remove_leftovers(out_dir: Path) -> None:
    """Remove staging folders that a killed build left beside out_dir."""
    for leftover in out_dir.parent.glob(_staging_prefix(out_dir) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.building-"


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
    elif not _exchange(staging, out_dir):
        # No atomic exchange here (not Linux): two renames, a moment with no site.
        old = staging.with_name(staging.name + "-old")
        os.rename(out_dir, old)
        os.rename(staging, out_dir)
        os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
