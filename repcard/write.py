"""The only writer of the output folder.

`write_site` builds beside it and swaps it in whole: a reader (a browser, a deploy
step) sees the old site or the new one, never a mix, and a build that fails or is
killed leaves the old one as it was. `update_site`, for the dev server's rebuilds,
writes only the changed files beside the folder, then renames them in.

Both hold an OS lock on a file beside the output folder (`.site.lock` for `site/`)
while they write, so two builds of one folder take turns; a staging folder is
removed only under that lock, when its owner is gone. While `update_site` renames
files in, a marker beside the folder (`.site.half-updated`) says so: if the process
dies then, the next build finds the marker and builds the folder whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import hashlib
import itertools
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import BinaryIO

_RENAME_EXCHANGE = 2  # Linux renameat2() flag: swap two paths in one atomic step
_AT_FDCWD = -100
_IOV_MAX = os.sysconf("SC_IOV_MAX")  # buffers one writev() takes


def check_site_path(path: str) -> None:
    """Refuse any site path that could land outside the output folder."""
    # On strings, as PurePosixPath would see it ("a//b" and "a/./b" are "a/b"): it runs for
    # every file of every dev-server rebuild.
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if not segments or path.startswith("/") or "\\" in path or ".." in segments:
        raise ValueError(f"refusing to write outside the site: {path!r}")


@dataclass(frozen=True)
class Linked:
    """A file the site shares with a cache (a resized photo): hard-linked into the site,
    which costs no copy and, when an old site is deleted, frees nothing the cache still
    holds; copied where no link can be made. Its bytes are read only when asked for."""

    source: Path
    digest: bytes  # sha256 of its bytes, known without reading them

    def __iter__(self) -> Iterator[bytes]:
        yield self.source.read_bytes()


@dataclass(frozen=True, eq=False)  # never compared: a page's bytes, compared whole, would be slow
class Whole:
    """A file whose bytes are all at hand, in parts, with their digest worked out once: a page
    the dev server draws or keeps from an earlier rebuild, which then costs neither the
    renderer nor the writer another pass over its bytes (at 1,000 exercises, 2 MB pages,
    written part by part rather than joined first)."""

    parts: tuple[bytes, ...]
    digest: bytes  # sha256 of the bytes, or for a page drawn around fragments, of its parts' (render.py)

    @classmethod
    def of(cls, data: bytes) -> Whole:
        return cls((data,), hashlib.sha256(data).digest())

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)


Known = (Linked, Whole)  # files whose digest is known without reading them


TEMPORARY = ".tmp-"  # whole_file's temporary files start so


def whole_file(path: Path, data: bytes | Callable[[BinaryIO], object], mode: int) -> None:
    """Write `path` whole or not at all (the caches, the importer's files): a temporary file
    beside it, named `.tmp-…` for clear_killed_writes, renamed over it. `data`: the bytes, or
    what writes them into the file (a pickle of a whole library, never whole in memory)."""
    fd, temporary = tempfile.mkstemp(prefix=TEMPORARY, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            data(file) if callable(data) else file.write(data)
            os.fchmod(file.fileno(), mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def clear_killed_writes(folder: Path, older_than: float = 3600) -> int:
    """Delete the temporary files of whole_file that a killed build left in `folder`: those
    older than `older_than` seconds (a younger one may be a running build's). Returns how many."""
    removed = 0
    now = time.time()
    for leftover in folder.glob(TEMPORARY + "*"):
        with contextlib.suppress(OSError):  # another build may clear it first
            if now - leftover.lstat().st_mtime > older_than:
                leftover.unlink()
                removed += 1
    return removed


Digests = dict[str, bytes]  # path in the site -> sha256 of its bytes
FolderId = tuple[int, int]  # a folder's device and inode: a folder swapped in by another build differs


@dataclass(frozen=True)
class Site:
    """What a write left in the output folder: which folder it is, and what it holds."""

    folder: FolderId | None
    digests: Digests


def write_site(files: Iterable[tuple[str, Iterable[bytes]]], out_dir: Path) -> Site:
    """Write `files` into a fresh folder beside out_dir, then swap it into place.

    Returns what the new site holds. If `files` raises, the staging folder is
    removed and out_dir is left as it was.
    """
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with locked(out_dir):
        remove_leftovers(out_dir)
        if half_updated(out_dir):
            _say(f"{out_dir} was left half-updated by a dev server that stopped; building it whole")
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
        try:
            written = _write_all(files, staging)
            staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
            folder = folder_id(staging)  # the site's folder once swapped in
            _swap_in(staging, out_dir)
            _marker(out_dir).unlink(missing_ok=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old site
        return Site(folder, written)


def _write_all(files: Iterable[tuple[str, Iterable[bytes]]], staging: Path) -> Digests:
    """Write `files` into `staging`, folders and all. A file whose bytes are at hand (Known) is
    written by a thread of its own while the next is drawn: a folder and a file a page are most
    of a cold build's system time (and slow on this machine's disk, mounted with `discard`);
    a streamed file is written here, as it is drawn."""
    written: Digests = {}
    folders: set[Path] = set()
    queue: Queue = Queue(maxsize=64)  # pages of a few KB: the thread is never far behind
    failed: list[BaseException] = []

    def put(path: str, chunks: Iterable[bytes]) -> None:
        target = staging / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        written[path] = _write(target, chunks)

    def writer() -> None:
        while (item := queue.get()) is not None:  # after a failure, on to the end, so no put() waits
            if not failed:
                try:
                    put(*item)
                except BaseException as error:  # noqa: BLE001 - raised in the build's own thread
                    failed.append(error)

    thread = threading.Thread(target=writer, name="repcard-write", daemon=True)
    files = iter(files)
    first = list(itertools.islice(files, 1))  # asked for before the thread starts: making it may fork workers (make.py)
    thread.start()
    try:
        for path, chunks in itertools.chain(first, files):
            check_site_path(path)
            if failed:
                break
            if isinstance(chunks, Known):
                queue.put((path, chunks))
            else:
                put(path, chunks)
    finally:
        queue.put(None)
        thread.join()
    if failed:
        raise failed[0]
    return written


def _write(target: Path, chunks: Iterable[bytes]) -> bytes:
    """Write the pieces to target (or link it); return the sha256 of what was written."""
    if isinstance(chunks, Linked):
        try:
            os.link(chunks.source, target)
        except OSError:  # another file system, or one without links
            shutil.copyfile(chunks.source, target)
        return chunks.digest
    if isinstance(chunks, Whole):
        with target.open("wb", buffering=0) as file:
            _write_parts(file.fileno(), chunks.parts)
        return chunks.digest
    digest = hashlib.sha256()
    with target.open("wb") as file:
        for chunk in chunks:
            file.write(chunk)
            digest.update(chunk)
    return digest.digest()


def _write_parts(fd: int, parts: tuple[bytes, ...]) -> None:
    """The parts written as they are, a system call for each IOV_MAX of them: a long page's
    thousand fragments through a buffered file took 1.8-3.8 ms a 1.3 MB page, this 0.3-0.45 ms."""
    left = list(parts)
    first = 0
    while first < len(left):
        written = os.writev(fd, left[first:first + _IOV_MAX])
        while first < len(left) and written >= len(left[first]):  # a short write goes on after it
            written -= len(left[first])
            first += 1
        if written:
            left[first] = memoryview(left[first])[written:]


def update_site(files: Iterable[tuple[str, Iterable[bytes]]], removed: Iterable[str], out_dir: Path,
                current: Site) -> Site | None:
    """Bring out_dir, which holds `current`, up to date: write `files` (the changed ones,
    and perhaps some that are unchanged after all) and delete `removed`.

    The dev server's rebuild: a new folder means a directory per page to create, far
    more work than an edit needs. Every file is rendered, and every changed one
    written beside out_dir, before anything in it is touched, so a failure (a
    template error, a full disk) leaves out_dir as it was. Then the changed files
    are renamed in, each whole, with a marker beside out_dir until the last one.
    Returns what the updated site holds; None, having touched nothing, when out_dir
    was replaced by another build or an update of it was cut short: the caller
    builds it whole then (write_site).
    """
    out_dir = out_dir.absolute()
    with locked(out_dir):
        folder = folder_id(out_dir)
        if half_updated(out_dir) or folder != current.folder:
            if folder is not None and not half_updated(out_dir):
                _say(f"{out_dir} was replaced by another build; building it whole")
            return None
        remove_leftovers(out_dir)
        digests: Digests = dict(current.digests)
        changed: list[str] = []
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
        try:
            for path, chunks in files:
                check_site_path(path)
                if not isinstance(chunks, Known):
                    chunks = Whole.of(b"".join(chunks))
                if digests.get(path) != chunks.digest:
                    # Flat names: staging holds files only, whatever folders the site has.
                    _write(staging / str(len(changed)), chunks)
                    changed.append(path)
                    digests[path] = chunks.digest
            gone = sorted((path for path in removed if path in digests), reverse=True)
            for path in gone:
                del digests[path]
            for path in changed:
                (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            if changed or gone:
                _rename_in(staging, changed, gone, out_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Site(current.folder, digests)


def _rename_in(staging: Path, changed: list[str], removed: list[str], out_dir: Path) -> None:
    """Move staging's files into out_dir and delete the removed ones, under the marker."""
    marker = _marker(out_dir)
    marker.touch()
    for number, path in enumerate(changed):
        replace(staging / str(number), out_dir / path)
    for path in removed:
        (out_dir / path).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # its folder, once empty (exercises/<slug>/)
            (out_dir / path).parent.rmdir()
    marker.unlink()


def folder_id(folder: Path) -> FolderId | None:
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def half_updated(out_dir: Path) -> bool:
    """Did an update of out_dir stop between its first rename and its last?"""
    return _marker(out_dir.absolute()).exists()


def _marker(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.half-updated"


def lock_path(out_dir: Path) -> Path:
    return out_dir.absolute().parent / f".{out_dir.name}.lock"


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock on out_dir: one build at a time writes it; the next one waits.

    The lock file is removed before the lock is released, so a build that waited on
    it finds it gone and locks a new one: the file's name always leads to the lock.
    """
    path = lock_path(out_dir)
    said = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not said:
                    _say(f"waiting for another build of {out_dir} to finish")
                    said = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed it: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _say(message: str) -> None:
    print(f"repcard: {message}", file=sys.stderr, flush=True)


def remove_leftovers(out_dir: Path) -> None:
    """Remove staging folders that a killed build left beside out_dir.

    Called only under the lock, so no live build owns them."""
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


def replace(source: Path, target: Path) -> None:
    """Put `source` in `target`'s place in one atomic step, as os.replace does.

    Over an existing file, by exchanging the two and then deleting the old one (now at
    `source`): ext4 writes a file's data out at once when it is renamed over another (its
    auto_da_alloc), 3 ms for a 2.5 MB page on this project's machine, and not when two are
    exchanged (0.1 ms). A new file, or a system without the exchange, is renamed as usual."""
    if _exchange(source, target):
        source.unlink()
    else:
        os.replace(source, target)


@functools.cache
def _renameat2():
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2's RENAME_EXCHANGE); False when
    either is missing or the system cannot."""
    renameat2 = _renameat2()
    return renameat2 is not None and renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                               _RENAME_EXCHANGE) == 0
