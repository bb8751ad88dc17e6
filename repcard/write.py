"""The only writer of the output folder: build beside it, then swap it in whole.

A reader (a browser, the dev server, a deploy step) sees either the old site or the
new one, never a mix; a build that fails or is killed leaves the old one as it was.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

_RENAME_EXCHANGE = 2  # Linux renameat2() flag: swap two paths in one atomic step
_AT_FDCWD = -100


def check_site_path(path: str) -> None:
    """Refuse any site path that could land outside the output folder."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\\" in path or any(p in ("..", ".", "") for p in parts):
        raise ValueError(f"refusing to write outside the site: {path!r}")


def write_site(files: Mapping[str, bytes], out_dir: Path) -> None:
    """Write `files` into a fresh folder beside out_dir, then swap it into place."""
    for path in files:
        check_site_path(path)
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
    try:
        for path in sorted(files):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old site


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
