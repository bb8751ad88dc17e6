"""Reading files safely: a regular file of a sane size, as UTF-8 text, never through a
link out of its folder; and the images and assets a site copies as they are."""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path

from .model import Exercise, Image, Photo
from .problem import ContentError, Problem


def outside(path: Path, folder: Path) -> Problem | None:
    """A link that leads out of `folder` would let content read any file on the machine."""
    try:
        # Folders resolved once a load (a library's photos share a few): most of the cost.
        real = path.resolve() if path.is_symlink() else _resolved(path.parent) / path.name
        if real.is_relative_to(_resolved(folder)):
            return None
    except RuntimeError:  # Python 3.11's word for a loop of symbolic links
        return cannot_read(path, OSError(errno.ELOOP, os.strerror(errno.ELOOP)))
    return Problem(str(path), None, f"is a link to {path.resolve()}, outside {folder}: copy the file in instead")


@functools.lru_cache(maxsize=None)
def _resolved(folder: Path) -> Path:
    """folder.resolve(), remembered until the next load (which clears it: links may change)."""
    return folder.resolve()


def cannot_read(path: Path, error: OSError) -> Problem:
    if error.errno == errno.ELOOP:  # as later Pythons say it, from stat() rather than resolve()
        return Problem(str(path), None, "cannot read the file: it is a loop of symbolic links")
    if error.errno == errno.ENOENT and path.is_symlink():  # "No such file" of a file that is listed
        return Problem(str(path), None, f"cannot read the file: it is a link to {os.readlink(path)}, which is not there")
    return Problem(str(path), None, f"cannot read the file: {error.strerror or error}")


MAX_FILE_SIZE = 1024 * 1024  # an exercise or the routine: far more than any needs
MAX_IMAGE = 20 * 1024 * 1024  # bytes: a photo larger than this is a mistake on a phone site


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of a regular file of at most MAX_FILE_SIZE bytes, or why not.

    A FIFO would block for ever and a device (/dev/zero) never ends, so anything but a
    regular file is refused before it is opened.
    """
    data, problem = _read_bytes(path, MAX_FILE_SIZE,
                                lambda size: f"file is {size / 1024 / 1024:.1f} MiB; at most 1 MiB")
    if problem:
        return None, [problem]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [Problem(str(path), line, f"not UTF-8 text: byte 0x{data[error.start]:02x} "
                                               "cannot be decoded; save the file as UTF-8")]


class NotRegularFile(Exception):
    pass


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_picture(path: Path) -> tuple[bytes | None, Problem | None]:
    """A photo's bytes, of a regular file of at most MAX_IMAGE bytes, or why not (the importer's:
    a 3 GB file was read whole, and ran out of memory)."""
    return _read_bytes(path, MAX_IMAGE,
                       lambda size: f"is {size / 2**20:.0f} MB; expected at most {MAX_IMAGE // 2**20} MB")


def _read_bytes(path: Path, limit: int, too_large: Callable[[int], str]) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most `limit` bytes, or the problem (`too_large` says a size)."""
    try:
        return _read_regular_file(path, limit), None
    except NotRegularFile:
        return None, Problem(str(path), None, "not a regular file")
    except TooLarge as error:
        return None, Problem(str(path), None, too_large(error.size))
    except OSError as error:
        return None, cannot_read(path, error)


def _read_regular_file(path: Path, limit: int) -> bytes:
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile
    # O_NONBLOCK: should a FIFO take the file's place since, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as file:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise NotRegularFile
        if found.st_size > limit:
            raise TooLarge(found.st_size)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew since
        raise TooLarge(len(data))
    return data


# What a body's image may be: copied beside the exercise's page as it is, anything else (an
# index.html) would be served as a page of the site, or replace one.
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


def image_path(exercise: Exercise, image: Image | Photo) -> Path:
    return Path(exercise.source).parent / image.src


def check_images(exercise: Exercise, content_dir: Path, raw_allowed: bool) -> list[Problem]:
    """Every image the body shows and every photo is a file inside content_dir, of a sane
    size (photos are read and resized later; what Pillow cannot read is named then). An SVG
    only where raw HTML is let through (`raw_allowed`): opened on its own, its scripts run on
    the site, with the workout log in reach, and no page's policy covers it."""
    problems = []
    for image in (*exercise.images, *exercise.photos):
        path = image_path(exercise, image)
        kind = "photo" if isinstance(image, Photo) else "image"
        if isinstance(image, Image) and path.suffix.lower() not in PICTURES:
            problems.append(Problem(exercise.source, image.line, f"image '{image.src}': expected a picture "
                                    f"({', '.join(PICTURES)}), not {path.suffix or 'a file without a suffix'}"))
        elif isinstance(image, Image) and path.suffix.lower() == ".svg" and not raw_allowed:
            problems.append(Problem(exercise.source, image.line, f"image '{image.src}': an SVG can carry a script "
                                    "that runs on the site; use a .png or .webp, or, if every content file is "
                                    "yours, let raw HTML through (raw_html: true in index.md)"))
        elif not path.is_file():
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' not found: "
                                    f"expected the file {path}"))
        elif link := outside(path, content_dir):
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' {link.message}"))
        elif (size := path.stat().st_size) > MAX_IMAGE:
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' is {size / 2**20:.0f} MB; "
                                    f"expected at most {MAX_IMAGE // 2**20} MB"))
    return problems


def load_assets(folders: tuple[Path, ...], made: Callable[[str], bool] = lambda name: False) -> dict[str, bytes]:
    """Every file under the asset folders, keyed by its path in the site (assets/...), sorted;
    a file in an earlier folder (the site's own) wins over the same name in a later one (the theme's).

    Raises ContentError for a file that cannot be read, that links out of its folder, or that
    has the path of a file the build makes itself (`made(path)`): it would be replaced without a word.
    """
    assets, problems = {}, []
    for folder in reversed(folders):  # the theme first, the site's own over it
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            if link := outside(path, folder):
                problems.append(link)
                continue
            name = f"assets/{path.relative_to(folder).as_posix()}"
            if made(name):
                problems.append(Problem(str(path), None, f"{path.name} is the name of a file the build makes "
                                                         "itself, which would replace it: name yours otherwise"))
                continue
            try:
                assets[name] = path.read_bytes()
            except OSError as error:
                problems.append(Problem(str(path), None, f"cannot read the file: {error.strerror or error}"))
    if problems:
        raise ContentError(problems)
    return dict(sorted(assets.items()))
