"""An exercise file's text -> its Exercise and what it says of its place (a Placement),
or every problem in it: its fields, variations, photos and the images its body shows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .fields import MAX_SETS, Fields, _parse_pair, _parse_reps_field, slug_problem
from .markup import render_markdown, unsafe_link_problems
from .frontmatter import Document, split_document
from .model import Exercise, Image, Photo, Reps, Variation
from .problem import Problem


EXERCISE_KEYS = ("title", "pair", "sets", "reps", "cue", "muscles", "equipment", "variations", "photos")
MAX_CUE = 140  # characters: a cue must fit one line of the printed card


@dataclass(frozen=True)
class Placement:
    """What an exercise file may say about its use: its own pair in the classic layout's
    one routine, and the sets and reps a routine takes when it names the exercise alone."""

    circuit: int | None  # None: no pair
    letter: str
    sets: int | None
    reps: Reps | None
    line: int | None  # of `pair`


# With problems: an Exercise holding only the images and photos written right, and a Placement holding
# only the pair (None when that is wrong), so that they are checked in the same run (a missing photo, a
# gap in a circuit said beside `sets: lots`); None when the file is not even front matter.
ParsedExercise = tuple[tuple[Exercise, Placement | None] | None, list[Problem]]


def parse_exercise(path: str, text: str) -> ParsedExercise:
    """One exercise file's text -> the Exercise and what it says of its place, or problems (beside
    what of them can be checked all the same: see ParsedExercise)."""
    doc, problems = split_document(path, text)
    if doc is None:
        return None, problems
    # Parsed before the layout is known (and kept for either): the list of keys says where pair belongs.
    fields = Fields(doc, EXERCISE_KEYS, notes={"pair": "classic layout only"}, problems=problems)
    slug = Path(path).stem
    if wrong := slug_problem(path, "glute-bridge.md"):
        fields.problems.append(wrong)
    title = fields.text("title", fields.get("title"), required=True, one_line=True)
    placed = "pair" in doc.fields  # a pair needs sets and reps; without one they are defaults
    said = len(fields.problems)
    circuit, letter = _parse_pair(fields, "pair", fields.get("pair")) if placed else (None, "")
    pair_right = len(fields.problems) == said and "pair" not in fields.meant  # `pairs: 1A`: where it goes is unknown
    sets = fields.integer("sets", fields.get("sets"), minimum=1, maximum=MAX_SETS, required=placed) \
        if placed or "sets" in doc.fields else None
    reps = _parse_reps_field(fields, "reps", doc.fields, required=placed)
    cue = fields.text("cue", fields.get("cue"), one_line=True, max_length=MAX_CUE)
    muscles = fields.text_list("muscles")
    equipment = fields.text_list("equipment")
    variations = _parse_variations(fields)
    photos = _parse_photos(fields)
    body = render_markdown(doc.body)
    fields.problems += unsafe_link_problems(doc, body)
    images = _local_images(doc, body.raw_html or body.html, fields)
    if fields.problems:
        shown = Exercise(slug=slug, title=title, cue="", muscles=(), equipment=(), variations=(), body_html="",
                         source=path, images=images, photos=photos)
        return (shown, Placement(circuit, letter, None, None, doc.line("pair")) if pair_right else None), fields.problems
    exercise = Exercise(slug=slug, title=title, cue=cue, muscles=muscles, equipment=equipment,
                        variations=variations, body_html=body.html, source=path, images=images, photos=photos,
                        raw_body=body.raw(doc.body_line))
    return (exercise, Placement(circuit, letter, sets, reps, doc.line("pair"))), []


def _parse_photos(fields: Fields) -> tuple[Photo, ...]:
    value = fields.get("photos")
    if value is None:
        return ()
    expected = "photos: expected a list of photos, each like '- src: dead-bug.jpg' with 'alt: what it shows'"
    if not isinstance(value, list):
        fields.add("photos", expected)
        return ()
    photos = []
    for n, item in enumerate(value, 1):
        at = f"photos.{n - 1}"  # the item's own line, not the list's
        line = fields.doc.line(at) or fields.doc.line("photos")
        if not isinstance(item, dict):
            fields.add(at, f"photos: photo {n}: {expected.removeprefix('photos: ')}")
            continue
        for key in item:
            if key not in ("src", "alt"):
                fields.add(at, f"photos: photo {n}: unknown key '{key}'; allowed: src, alt")
        (src, src_said), (alt, alt_said) = (_text(fields, f"{at}.{key}", item.get(key), f"photos: photo {n}: {key}")
                                            for key in ("src", "alt"))
        if not src:  # missing, unless it is there but no text (said so)
            if not src_said:
                fields.add(at, f"photos: photo {n}: src: missing; expected a file name like dead-bug.jpg")
        elif _climbs_out(src) or REMOTE.match(src):  # an address is no file of ours either
            fields.add(at, f"photos: photo {n}: src '{src}': expected a file beside the exercise "
                                 "or in a folder below it, like dead-bug.jpg or dead-bug/0.jpg")
        elif not alt:
            if not alt_said:
                fields.add(at, f"photos: photo {n}: alt: missing; say what the photo shows, for those who "
                                     "cannot see it")
        elif not src_said and not alt_said:
            photos.append(Photo(src, alt, line))
    return tuple(photos)


def _text(fields: Fields, name: str, value, label: str) -> tuple[str, bool]:
    """A photo's src or alt as one line of text ("" when not given), and whether it was said wrong."""
    said = len(fields.problems)
    text = fields.text(name, value, one_line=True, label=label) if value is not None else ""
    return text, len(fields.problems) > said


def _climbs_out(src: str) -> bool:
    parts = PurePosixPath(src).parts
    return not parts or src.startswith("/") or "\\" in src or any(part in ("..", ".") for part in parts)


IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"')
REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|/|#")  # a scheme, a root or a fragment: not a file of ours


def _local_images(doc: Document, body_html: str, fields: Fields) -> tuple[Image, ...]:
    """Images the body shows from files beside the exercise, each with its line in the file.

    The page at exercises/<slug>/ shows `src` from its own folder, where the build copies
    the file; a path that climbs out (`..`) could not be copied there.
    """
    images = []
    for src in dict.fromkeys(html.unescape(m) for m in IMG_SRC.findall(body_html)):
        if REMOTE.match(src):
            continue
        line = next((doc.body_line + n for n, text in enumerate(doc.body.split("\n")) if src in text), None)
        if _climbs_out(src):
            fields.problems.append(Problem(doc.path, line, f"image '{src}': expected a file beside the exercise "
                                           "or in a folder below it, like dead-bug.jpg or photos/dead-bug.jpg"))
            continue
        images.append(Image(src, line))
    return tuple(images)


def _parse_variations(fields: Fields) -> tuple[Variation, ...]:
    value = fields.get("variations")
    if value is None:
        return ()
    if not isinstance(value, dict):
        fields.add("variations", "variations: expected a mapping of label to text, like 'easier: Skip the curl.'")
        return ()
    variations = []
    for label, text in value.items():
        name = f"variations.{label}"
        label_text = str(label).strip()
        if not isinstance(label, str) or not label_text:
            fields.add(name, f"{name}: expected a word as the label, like easier or harder")
            continue
        variations.append(Variation(label_text, fields.text(name, text, required=True)))
    return tuple(variations)
