"""The only writer of the output folder.

`write_site` builds beside it and swaps it in whole: a reader (a browser, a deploy
step) sees the old site or the new one, never a mix, and a build that fails or is
killed leaves the old one as it was. `update_site`, for the dev server's rebuilds,
replaces only the changed files, each by a rename, once every file has rendered.
"""

from __future__ import annotations

import contextlib
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


def write_site(files: Iterable[tuple[str, Iterable[bytes]]], out_dir: Path) -> Digests:
    """Write `files` into a fresh folder beside out_dir, then swap it into place.

    Returns the digests of the new site. If `files` raises, the staging folder is
    removed and out_dir is left as it was.
    """
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
    written: Digests = {}
    folders: set[Path] = set()
    try:
        for path, chunks in files:
            check_site_path(path)
            target = staging / path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            written[path] = _write(target, chunks)
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old site
    return written


def _write(target: Path, chunks: Iterable[bytes]) -> bytes:
    """Write the pieces to target; return the sha256 of what was written."""
    digest = hashlib.sha256()
    with target.open("wb") as file:
        for chunk in chunks:
            file.write(chunk)
            digest.update(chunk)
    return digest.digest()


def update_site(files: Iterable[tuple[str, Iterable[bytes]]], out_dir: Path, current: Digests) -> Digests:
    """Bring out_dir, which holds `current`, up to `files`, touching only what changed.

    The dev server's rebuild: a new folder means a directory per page to create, far
    more work than an edit needs. Every file is rendered before anything is touched,
    so a failure leaves out_dir as it was; each changed file is replaced by a rename,
    so a reader never sees half of one. Returns the digests of the updated site.
    """
    out_dir = out_dir.absolute()
    digests: Digests = {}
    changed: dict[str, bytes] = {}
    for path, chunks in files:
        check_site_path(path)
        data = b"".join(chunks)
        digests[path] = hashlib.sha256(data).digest()
        if current.get(path) != digests[path]:
            changed[path] = data
    for path, data in changed.items():
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, target)
    for path in sorted(current.keys() - digests.keys(), reverse=True):
        (out_dir / path).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # its folder, once empty (exercises/<slug>/)
            (out_dir / path).parent.rmdir()
    return digests


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
