"""The files a site copies rather than draws: assets, the images exercise bodies show, the
exercises' photos resized for phones, and the card's sizes.

Kept between builds: a rebuild reads again only the files the watcher named, and resizes
only the photos of exercises that changed. A file unchanged since the last build is the
very same object, so that nothing downstream hashes it again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import card, read
from .model import Exercise, Image, Picture, Site
from .pages import Pictures
from .problem import ContentError, Problem
from .scripts import Bundles
from .write import Linked

CARD_SIZES = "assets/card-sizes.css"  # written by the build from repcard/card.py


def _made(path: str) -> bool:
    """Whether the build makes the asset at `path` itself: the card's sizes, a file the pages' scripts are joined in."""
    return path == CARD_SIZES or Bundles.NAMED.fullmatch(path) is not None


Files = dict[str, bytes | Linked]  # path in the site -> its bytes, or a link to the photo cache's file

# In a style sheet, a comment; kept whole: a string or an unquoted url() (any case, escapes and
# all), which may hold "/*", and a /*! comment, a licence by custom.
_CSS_COMMENT = re.compile(rb"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?i:url)\((?!\s*["'])(?:[^)\\]|\\.)*\)"""
                          rb"""|/\*!.*?\*/)|/\*.*?\*/""", re.S)


@dataclass
class Copied:
    """Per exercise, what its images and photos gave, and from which Exercise: reused while
    the exercise is the same object and none of its files changed."""

    exercise: Exercise
    files: Files
    pictures: Pictures = field(default_factory=dict)


@dataclass
class Static:
    """What the last build copied."""

    assets: Files = field(default_factory=dict)
    images: dict[str, Copied] = field(default_factory=dict)  # by exercise slug
    photos: dict[str, Copied] = field(default_factory=dict)

    def update(self, site: Site, asset_folders: tuple[Path, ...], cache: Path, changed: set[Path] | None,
               prune: bool = False, card_sizes: bool = False) -> tuple[Files, Pictures, list[Problem]]:
        """Every file to copy, what each photo is shown as, and warnings. Raises ContentError
        naming every image that cannot be read and every photo that is no image. Without
        `asset_folders`, only the site's own images and photos (a multilingual site's other
        languages: the assets are the site's language's); `card_sizes` when another language
        has routines and so a card."""
        if asset_folders and (changed is None or any(
                path.is_relative_to(folder.resolve()) or folder.resolve().is_relative_to(path)
                for path in changed for folder in asset_folders)):
            assets = {path: served(path, data) for path, data in read.load_assets(asset_folders, _made).items()}
            self.assets = {path: self.assets[path] if self.assets.get(path) == data else data
                           for path, data in assets.items()}  # unchanged: the same object
        images, photos = self._wanted(site.exercises, changed)
        problems, warnings = _copy(images, photos, cache, prune)
        if problems:
            raise ContentError(problems)
        self.images, self.photos = images, photos
        files = dict(self.assets)
        if asset_folders and (site.routines or card_sizes):  # the card's sizes, from their one source
            files[CARD_SIZES] = _card_sizes()
        for copied in (*images.values(), *photos.values()):
            files |= copied.files
        pictures = {key: shown for copied in photos.values() for key, shown in copied.pictures.items()}
        return files, pictures, warnings

    def problems_of(self, exercises: tuple[Exercise, ...], cache: Path, changed: set[Path] | None) -> list[Problem]:
        """What is wrong with the images and photos of `exercises`, for a build stopped by other
        problems: said in the same run, not once those are fixed. What the last build copied is
        not looked at again where it has not changed."""
        return _copy(*self._wanted(exercises, changed), cache, prune=False)[0]

    def _wanted(self, exercises: tuple[Exercise, ...], changed: set[Path] | None
                ) -> tuple[dict[str, Copied], dict[str, Copied]]:
        """The exercises' images and photos, by slug: as the last build copied them where kept (_kept)."""
        # Only a file that is no Markdown can be an image (or a folder that holds some).
        others = None if changed is None else {path for path in changed if path.suffix.lower() != ".md"}
        return ({e.slug: _kept(self.images, e, e.images, others) or Copied(e, {}) for e in exercises if e.images},
                {e.slug: _kept(self.photos, e, e.photos, others) or Copied(e, {}) for e in exercises if e.photos})


def served(path: str, source: bytes) -> bytes:
    """An asset as the site serves it: scripts and style sheets without their comments, which are
    for who reads the source (a fifth of the history page's scripts and of style.css, gzipped).
    A script loses only its lines that are a `//` comment alone."""
    if path.endswith(".js"):
        return _without_comment_lines(source)
    if path.endswith(".css"):
        return _CSS_COMMENT.sub(lambda match: match[1] or _between(source, match.start(), match.end()), source)
    return source


# In a line of a script, from where its code is: a string (which ends with its line), a line
# comment, and what can run on past the line: a block comment, a template literal.
_JS_CODE = re.compile(rb"""'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|//|/\*|`""")
_JS_ENDS = {b"`": re.compile(rb"(?:[^`\\]|\\.)*`"), b"/*": re.compile(rb".*?\*/")}


def _without_comment_lines(script: bytes) -> bytes:
    """The script without the lines that are a `//` comment alone; a line within a template
    literal or a block comment is kept, whatever it starts with (a site's own scripts may have one)."""
    kept, within = [], None  # None: code; b"`" or b"/*": the line starts within one
    for line in script.split(b"\n"):
        if within is None and line.lstrip().startswith(b"//"):
            continue
        kept.append(line)
        within = _within_after(line, within)
    return b"\n".join(kept)


def _within_after(line: bytes, within: bytes | None) -> bytes | None:
    """What the next line starts within, after `line`, which starts within `within`. A regular
    expression's quotes or backtick can mislead it, and a template's `${}` is read as its text:
    rare in a script, and at worst a comment line is kept."""
    at = 0
    while True:
        if within is not None:
            end = _JS_ENDS[within].match(line, at)
            if end is None:
                return within
            at, within = end.end(), None
        found = _JS_CODE.search(line, at)
        if found is None or found[0] == b"//":
            return None
        at = found.end()
        if found[0] in _JS_ENDS:
            within = found[0]


def _between(sheet: bytes, start: int, end: int) -> bytes:
    """What a comment leaves: nothing, or between two tokens it keeps apart (`1px/**/2px`, which
    `1px2px` is not) an empty comment, which is exactly what it was to a browser."""
    return b"/**/" if sheet[start - 1:start].strip() and sheet[end:end + 1].strip() else b""


def _copy(images: dict[str, Copied], photos: dict[str, Copied], cache: Path, prune: bool
          ) -> tuple[list[Problem], list[Problem]]:
    """The images read and the photos resized where not kept from the last build; the problems
    (an image that cannot be read, a photo that is no image, an image named as a resized photo)
    and the warnings."""
    problems = _read_images([copied for copied in images.values() if not copied.files])
    resized, warnings = _resize([copied for copied in photos.values() if not copied.pictures], cache, prune)
    problems += resized
    made = {path for copied in photos.values() for path in copied.files}
    problems += [Problem(e.source, image.line, f"image '{image.src}': a resized photo has this name beside the "
                                               "exercise's page; rename the image")
                 for e in (copied.exercise for copied in images.values()) for image in e.images
                 if _site_path(e, image) in made]
    return problems, warnings


def _kept(copied: dict[str, Copied], exercise: Exercise, images, changed: set[Path] | None) -> Copied | None:
    """What the last build copied for `exercise`, if it is the same object and none of its
    files (or folders above them) is among the `changed` paths (None: any may have changed)."""
    before = copied.get(exercise.slug)
    if before is None or before.exercise is not exercise or changed is None:
        return None
    if changed:
        paths = {read.image_path(exercise, image).resolve() for image in images}
        if any(path in changed or not changed.isdisjoint(path.parents) for path in paths):
            return None
    return before


_CARD_SIZES: list[bytes] = []


def _card_sizes() -> bytes:
    if not _CARD_SIZES:
        _CARD_SIZES.append(card.stylesheet().encode())
    return _CARD_SIZES[0]


def _read_images(wanted: list[Copied]) -> list[Problem]:
    """The files the exercise bodies show, keyed by their path in the site, beside each page;
    the problems of those that cannot be read."""
    problems = []
    for copied in wanted:
        exercise = copied.exercise
        for image in exercise.images:
            try:
                copied.files[_site_path(exercise, image)] = read.image_path(exercise, image).read_bytes()
            except OSError as error:
                problems.append(Problem(exercise.source, image.line, f"image '{image.src}': cannot read the file: "
                                        f"{error.strerror or error}"))
    return problems


def _site_path(exercise: Exercise, image: Image) -> str:
    """Where a body's image goes, as the browser resolves it ("./a.png" is "a.png"): one key per
    file, or a rebuild that drops the "./" would delete the file it just wrote."""
    return PurePosixPath("exercises", exercise.slug, image.src).as_posix()


def _resize(wanted: list[Copied], cache_folder: Path, prune: bool) -> tuple[list[Problem], list[Problem]]:
    """Every photo of the `wanted` exercises at phone widths, from the cache where it was made
    before; the photos that are no image, and a warning when the cache could not keep them. With
    `prune`, the cache's entries that no build read for a month are dropped (a one-off build
    tidies; the dev server does not)."""
    if not wanted:
        return [], []
    from . import photos  # Pillow loads only for sites with photos

    cache = photos.RenditionCache(cache_folder / "photos")
    shots = [(copied, photo) for copied in wanted for photo in copied.exercise.photos]
    results = photos.renditions_many([read.image_path(c.exercise, p) for c, p in shots], cache, os.cpu_count() or 1)
    warnings = []
    if cache.write_error:  # the build goes on; the next one resizes those photos again
        warnings.append(Problem("repcard", None, f"warning: cannot keep resized photos in {cache_folder}: "
                                                 f"{cache.write_error}"))
    elif prune:
        cache.prune(cache.keys_of(results))
    problems = []
    for (copied, photo), result in zip(shots, results):
        exercise = copied.exercise
        if isinstance(result, str):
            problems.append(Problem(exercise.source, photo.line, f"photos: {photo.src} {result}"))
            continue
        name = photo.src.rsplit(".", 1)[0].replace("/", "-")
        shown = tuple(Picture(f"exercises/{exercise.slug}/{name}-{r.width}.webp", r.width, r.height) for r in result)
        copied.pictures[(exercise.slug, photo.src)] = shown
        copied.files |= {picture.path: Linked(r.file, r.digest) if r.file else r.webp for picture, r in zip(shown, result)}
    return problems, warnings
