"""Read content/ and turn it into a Routine, or into every problem found.

The parsers take text and return values; only `load` touches the disk, so tests can
feed them strings. A problem never stops the reading: all of them come back together.
"""

from __future__ import annotations

import ctypes
import difflib
import errno
import functools
import html
import multiprocessing
import os
import re
import signal
import stat
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import markdown
import yaml

from .model import Circuit, ContentError, Exercise, Image, Photo, Problem, Reps, Routine, Site, Slot, Variation

# The C loader parses the same YAML about five times faster; fall back where it is missing.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ROUTINE_KEYS = ("title", "description", "checkin", "rest", "circuits")
CIRCUIT_KEYS = ("name", "note", "rest")
EXERCISE_KEYS = ("title", "pair", "sets", "reps", "cue", "muscles", "equipment", "variations", "photos")
SITE_KEYS = ("title", "description")  # index.md when the routines live in routines/
ROUTINE_FILE_KEYS = ROUTINE_KEYS + ("exercises",)  # routines/<slug>.md
SLOT_KEYS = ("exercise", "sets", "reps")

DEFAULT_REST = 60  # seconds between rounds when the routine does not say
MAX_FRONT_MATTER = 64 * 1024  # bytes: plenty for a routine, small enough that no YAML can blow up
MAX_NESTING = 8  # levels of lists and mappings; the format needs three
MAX_CUE = 140  # characters: a cue must fit one line of the printed card
MAX_SETS, MAX_REPS, MAX_REST = 20, 999, 3600  # sane bounds keep a typo from making a huge workout
MAX_REPS_TEXT = 40

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PAIR = re.compile(r"(\d{1,4})([A-Z])")
REPS_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to)\s*(\d+)\s*(.*)", re.DOTALL)
REPS_COUNT = re.compile(r"(\d+)\s*(.*)", re.DOTALL)
PLAIN_REPS_UNITS = ("", "rep", "reps")


@dataclass(frozen=True)
class Document:
    """A file split into its front matter (a mapping) and its Markdown body."""

    path: str
    fields: dict[str, Any]
    lines: dict[str, int]  # "key" or "key.subkey" -> line in the file
    body: str
    body_line: int = 1  # the body's first line in the file

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


# --- front matter -------------------------------------------------------------------


def split_document(path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Split `---` front matter from the body and parse it as a YAML mapping."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [Problem(path, 1, "no front matter: the file must start with a '---' line")]
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(path, 1, "front matter is not closed: add a '---' line after it")]
    source = "\n".join(lines[1:end])
    if len(source.encode()) > MAX_FRONT_MATTER:
        return None, [Problem(path, 2, f"front matter is over {MAX_FRONT_MATTER // 1024} KiB")]
    data, key_lines, problems = _load_yaml(path, source, first_line=2)
    if problems:
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = _kind(data)
        return None, [Problem(path, 2, f"front matter must be a mapping of 'key: value' lines, not {kind}")]
    body = "\n".join(lines[end + 1 :])
    return Document(path, data, key_lines, body, body_line=end + 2), []


def _load_yaml(path: str, source: str, first_line: int):
    """Safe-load YAML and note the line of every key, counted in the whole file."""
    loader = _SafeLoader(source)
    try:
        if refusal := _refuse_structure(source):
            mark, message = refusal
            return None, {}, [Problem(path, first_line + mark.line, message)]
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as error:
        line = first_line + error.problem_mark.line if error.problem_mark else None
        message = f"YAML tag {error.problem.split()[-1] if error.problem else ''} is not allowed: use plain values"
        return None, {}, [Problem(path, line, message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        message = f"invalid YAML: {error.problem or error.context}"
        if mark and "\t" in (source.split("\n")[mark.line:mark.line + 1] or [""])[0]:
            message = "invalid YAML: a tab character; YAML is indented with spaces, never tabs"
        return None, {}, [Problem(path, line, message)]
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
        line = first_line + source.count("\n", 0, max(0, error.position))
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return None, {}, [Problem(path, line, f"invalid YAML: control character U+{code:04X} is not allowed")]
    except yaml.YAMLError as error:
        return None, {}, [Problem(path, first_line, f"invalid YAML: {error}")]
    finally:
        loader.dispose()
    return data, _key_lines(node, first_line), []


def _refuse_structure(source: str) -> tuple[yaml.Mark, str] | None:
    """Refuse, before building anything, what could make the loader blow up or crash.

    Aliases can expand exponentially ("billion laughs"), and libyaml's composer recurses
    once per nesting level, so a few thousand brackets crash the process. Front matter
    needs neither: a scan of the parser's events (iterative, so safe) finds both.
    """
    depth = 0
    for event in yaml.parse(source, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return event.start_mark, "YAML anchors and aliases (&name, *name) are not supported"
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark, f"front matter is nested more than {MAX_NESTING} levels deep"
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def _key_lines(node: yaml.Node, first_line: int, prefix: str = "", depth: int = 3) -> dict[str, int]:
    """Map "key", "key.subkey", ... (three levels deep) to their lines in the file."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode) or depth == 0:
        return lines
    for key, value in node.value:
        name = f"{prefix}{key.value}"
        lines[name] = first_line + key.start_mark.line
        lines |= _key_lines(value, first_line, f"{name}.", depth - 1)
    return lines


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "a mapping", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


# --- fields ---------------------------------------------------------------------------


class Fields:
    """Reads typed fields out of a Document, collecting a Problem for each bad one."""

    def __init__(self, doc: Document, allowed: tuple[str, ...]):
        self.doc = doc
        self.problems: list[Problem] = []
        for key in doc.fields:
            if str(key) not in allowed:
                self.unknown(str(key), allowed, key_prefix="")

    def unknown(self, key: str, allowed: tuple[str, ...], key_prefix: str) -> None:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.add(key_prefix + key, f"unknown key '{key_prefix}{key}'{hint}; allowed: {', '.join(allowed)}")

    def add(self, key: str, message: str) -> None:
        parts = key.split(".")  # "circuits.1.name": its own line, else its parent's
        lines = (self.doc.line(".".join(parts[:n])) for n in range(len(parts), 0, -1))
        line = next((n for n in lines if n), None)
        self.problems.append(Problem(self.doc.path, line, message))

    def missing(self, key: str, expected: str) -> None:
        self.add(key, f"{key}: missing; expected {expected}")

    def get(self, key: str) -> Any:
        return self.doc.fields.get(key)

    def text(self, name: str, value: Any, *, required: bool = False, one_line: bool = False,
             max_length: int | None = None) -> str:
        if value is None:
            if required:
                self.missing(name, "text")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(name, f"{name}: expected text, got {_kind(value)}")
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(name, f"{name}: expected text, got an empty value")
        if one_line and "\n" in value:
            self.add(name, f"{name}: expected one line of text")
        if max_length and len(value) > max_length:
            self.add(name, f"{name}: expected at most {max_length} characters, got {len(value)}")
        return value

    def integer(self, name: str, value: Any, *, minimum: int, maximum: int, required: bool = False,
                default: int = 0) -> int:
        expected = f"a whole number from {minimum} to {maximum}"
        if value is None:
            if required:
                self.missing(name, expected)
            return default
        if type(value) is not int or not minimum <= value <= maximum:
            shown = repr(value) if len(repr(value)) < 40 else repr(value)[:37] + "..."
            hint = " (a number in quotes is text: drop the quotes)" if isinstance(value, str) and \
                value.strip().isdigit() else ""
            self.add(name, f"{name}: expected {expected}, got {shown}{hint}")
            return default
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(key, f"{key}: expected a list of text items, like [dumbbells, mat]")
            return ()
        return tuple(v.strip() for v in value)


# --- the routine and its exercises ------------------------------------------------------


# No "smarty" extension: it doubled the cost of Markdown (bench/RESULTS.md); authors who
# want curly quotes type them.
_MARKDOWN = markdown.Markdown(extensions=["sane_lists"], output_format="html")


def render_markdown(text: str) -> str:
    """Markdown to HTML. Raw HTML passes through: content authors are trusted."""
    return _MARKDOWN.reset().convert(text)  # one converter, reset: building one costs more than a page


def parse_reps(value: Any) -> Reps | str:
    """Reps from `10`, `10-12`, `10–12`, `20 total each side`, `to failure`; else an error text."""
    expected = "a number (10), a range (10-12) or a short text (20 total each side)"
    if type(value) is int:
        if not 1 <= value <= MAX_REPS:
            return f"expected a count from 1 to {MAX_REPS}, got {value}"
        return Reps(value, value)
    if not isinstance(value, str) or not value.strip():
        return f"expected {expected}, got {_kind(value)}"
    text = " ".join(value.split())
    if len(text) > MAX_REPS_TEXT:
        return f"expected a short text of at most {MAX_REPS_TEXT} characters, got {len(text)}"
    if match := REPS_RANGE.fullmatch(text):
        low, high, unit = int(match[1]), int(match[2]), match[3]
        if not low < high:
            return f"expected a range from low to high, like 10-12, got {text!r}"
    elif match := REPS_COUNT.fullmatch(text):
        low = high = int(match[1])
        unit = match[2]
    else:
        return Reps(None, None, text)
    if not (1 <= low and high <= MAX_REPS):
        return f"expected a count from 1 to {MAX_REPS}, got {text!r}"
    return Reps(low, high, "" if unit.lower() in PLAIN_REPS_UNITS else unit)


@dataclass(frozen=True)
class Placement:
    """What an exercise file may say about its use: its own pair in the classic layout's
    one routine, and the sets and reps a routine takes when it names the exercise alone."""

    circuit: int | None  # None: no pair
    letter: str
    sets: int | None
    reps: Reps | None
    line: int | None  # of `pair`


ParsedExercise = tuple[tuple[Exercise, Placement] | None, list[Problem]]


def parse_exercise(path: str, text: str) -> ParsedExercise:
    """One exercise file's text -> the Exercise and what it says of its place, or problems."""
    doc, problems = split_document(path, text)
    if doc is None:
        return None, problems
    fields = Fields(doc, EXERCISE_KEYS)
    slug = Path(path).stem
    if not SLUG.fullmatch(slug):
        fields.problems.append(Problem(path, None, f"file name '{slug}' is not a URL slug: "
                                       "use lowercase letters, digits and hyphens, like glute-bridge.md"))
    title = fields.text("title", fields.get("title"), required=True, one_line=True)
    placed = "pair" in doc.fields  # a pair needs sets and reps; without one they are defaults
    circuit, letter = _parse_pair(fields, "pair", fields.get("pair")) if placed else (None, "")
    sets = fields.integer("sets", fields.get("sets"), minimum=1, maximum=MAX_SETS, required=placed) \
        if placed or "sets" in doc.fields else None
    reps = _parse_reps_field(fields, "reps", doc.fields, required=placed)
    cue = fields.text("cue", fields.get("cue"), one_line=True, max_length=MAX_CUE)
    muscles = fields.text_list("muscles")
    equipment = fields.text_list("equipment")
    variations = _parse_variations(fields)
    photos = _parse_photos(fields)
    body_html = render_markdown(doc.body)
    images = _local_images(doc, body_html, fields)
    if fields.problems:
        return None, fields.problems
    exercise = Exercise(slug=slug, title=title, cue=cue, muscles=muscles, equipment=equipment,
                        variations=variations, body_html=body_html, source=path, images=images, photos=photos)
    return (exercise, Placement(circuit, letter, sets, reps, doc.line("pair"))), []


def _parse_reps_field(fields: Fields, name: str, values: dict, required: bool) -> Reps | None:
    if name not in values:
        if required:
            fields.missing(name, "a number (10), a range (10-12) or a short text (20 total each side)")
        return None
    parsed = parse_reps(values[name])
    if isinstance(parsed, str):
        fields.add(name, f"{name}: {parsed}")
        return None
    return parsed


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
        line = fields.doc.line("photos")
        if not isinstance(item, dict):
            fields.add("photos", f"photos: photo {n}: {expected.removeprefix('photos: ')}")
            continue
        for key in item:
            if key not in ("src", "alt"):
                fields.add("photos", f"photos: photo {n}: unknown key '{key}'; allowed: src, alt")
        src = fields.text(f"photos", item.get("src"), one_line=True) if item.get("src") is not None else ""
        alt = fields.text("photos", item.get("alt"), one_line=True) if item.get("alt") is not None else ""
        if not src:
            fields.add("photos", f"photos: photo {n}: src: missing; expected a file name like dead-bug.jpg")
        elif _climbs_out(src):
            fields.add("photos", f"photos: photo {n}: src '{src}': expected a file beside the exercise "
                                 "or in a folder below it, like dead-bug.jpg or dead-bug/0.jpg")
        elif not alt:
            fields.add("photos", f"photos: photo {n}: alt: missing; say what the photo shows, for those who "
                                 "cannot see it")
        else:
            photos.append(Photo(src, alt, line))
    return tuple(photos)


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


def _parse_pair(fields: Fields, name: str, value: Any) -> tuple[int, str]:
    if value is None:
        fields.missing(name, "a circuit number and a slot letter, like 1A")
        return 0, ""
    match = PAIR.fullmatch(str(value).strip().upper())
    if isinstance(value, bool) or not match or int(match[1]) < 1:
        fields.add(name, f"{name}: expected a circuit number and a slot letter, like 1A or 12C, got {value!r}")
        return 0, ""
    return int(match[1]), match[2]


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


@dataclass(frozen=True)
class SlotSpec:
    """One line of a routine file's `exercises:` mapping, before the library is known."""

    circuit: int
    letter: str
    exercise: str  # the exercise's slug
    sets: int | None  # None: the exercise file's own
    reps: Reps | None
    line: int | None


@dataclass(frozen=True)
class RoutineHeader:
    """What index.md or a routine file says about a routine, before its exercises are known."""

    title: str
    description: str
    checkin: str
    rest: int
    circuits: dict[int, tuple[str, str, int | None]]  # number -> (name, note, rest)
    intro_html: str
    doc: Document
    slots: tuple[SlotSpec, ...] = ()  # a routine file's `exercises:`


def parse_routine(path: str, text: str, allowed: tuple[str, ...] = ROUTINE_KEYS
                  ) -> tuple[RoutineHeader | None, list[Problem]]:
    """index.md (the classic layout's routine, or with `allowed=SITE_KEYS` the site's home)
    or a routine file (`allowed=ROUTINE_FILE_KEYS`)."""
    doc, problems = split_document(path, text)
    if doc is None:
        return None, problems
    fields = Fields(doc, allowed)
    title = fields.text("title", fields.get("title"), required=True, one_line=True)
    description = fields.text("description", fields.get("description"), one_line=True)
    checkin = fields.text("checkin", fields.get("checkin"), one_line=True)
    rest = fields.integer("rest", fields.get("rest"), minimum=0, maximum=MAX_REST, default=DEFAULT_REST)
    circuits = _parse_circuits(fields, rest)
    slots = _parse_slot_specs(fields) if "exercises" in allowed else ()
    if fields.problems:
        return None, fields.problems
    return RoutineHeader(title, description, checkin, rest, circuits, render_markdown(doc.body), doc, slots), []


def _parse_slot_specs(fields: Fields) -> tuple[SlotSpec, ...]:
    """`exercises:` maps a pair to an exercise's file name, alone or with its sets and reps:
    `1A: glute-bridge` or `1B: {exercise: band-walking, sets: 2, reps: 20 total each side}`."""
    value = fields.get("exercises")
    expected = "a mapping from pair to exercise, like '1A: glute-bridge'"
    if value is None:
        fields.missing("exercises", expected)
        return ()
    if not isinstance(value, dict) or not value:
        fields.add("exercises", f"exercises: expected {expected}")
        return ()
    specs = []
    for pair, spec in value.items():
        name = f"exercises.{pair}"
        circuit, letter = _parse_pair(fields, name, pair)
        if isinstance(spec, dict):
            for key in spec:
                if key not in SLOT_KEYS:
                    fields.unknown(str(key), SLOT_KEYS, key_prefix=f"{name}.")
            slug = spec.get("exercise")
            sets = fields.integer(f"{name}.sets", spec.get("sets"), minimum=1, maximum=MAX_SETS) \
                if spec.get("sets") is not None else None
            reps = _parse_reps_field(fields, f"{name}.reps", {f"{name}.reps": spec["reps"]} if "reps" in spec else {},
                                     required=False)
        else:
            slug, sets, reps = spec, None, None
        if not isinstance(slug, str) or not SLUG.fullmatch(slug.strip()):
            fields.add(name, f"{name}: expected the file name of an exercise without .md, like glute-bridge, "
                             f"got {slug!r}")
            continue
        if circuit:
            specs.append(SlotSpec(circuit, letter, slug.strip(), sets, reps, fields.doc.line(name)))
    return tuple(specs)


def _parse_circuits(fields: Fields, default_rest: int) -> dict[int, tuple[str, str, int | None]]:
    value = fields.get("circuits")
    if value is None:
        return {}
    if not isinstance(value, dict):
        fields.add("circuits", "circuits: expected a mapping from circuit number to a name, like '1: Alarm Clock'")
        return {}
    circuits = {}
    for number, spec in value.items():
        name = f"circuits.{number}"
        if type(number) is not int or number < 1:
            fields.add(name, f"circuits: expected circuit numbers 1, 2, 3, ..., got {number!r}")
            continue
        if isinstance(spec, dict):
            for key in spec:
                if key not in CIRCUIT_KEYS:
                    fields.unknown(str(key), CIRCUIT_KEYS, key_prefix=f"{name}.")
            title = fields.text(f"{name}.name", spec.get("name"), one_line=True)
            note = fields.text(f"{name}.note", spec.get("note"))
            rest = fields.integer(f"{name}.rest", spec.get("rest"), minimum=0, maximum=MAX_REST,
                                  default=default_rest)
            circuits[number] = (title, note, rest)
        else:
            circuits[number] = (fields.text(name, spec, one_line=True), "", default_rest)
    return circuits


def check_slots(slots: list[Slot], complete: bool) -> list[Problem]:
    """A slot used twice is one problem naming every file that uses it; so is an exercise
    used twice in one routine. Once every file has parsed and every slot is unique, a
    skipped letter is a problem too.

    With `complete` false some files failed to parse, and a gap may only be one of them.
    """
    users: dict[tuple[int, str], list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: (s.source, s.line or 0)):
        users.setdefault((slot.circuit, slot.letter), []).append(slot)
    problems = [
        Problem(shared[-1].source, shared[-1].line, f"pair: {shared[0].pair} is also used by "
                f"{' and '.join(s.source if s.source != shared[-1].source else f'line {s.line}' for s in shared[:-1])}; "
                "give each exercise its own slot")
        for shared in users.values() if len(shared) > 1
    ]
    seen: dict[str, Slot] = {}
    for slot in slots:
        if first := seen.get(slot.slug):
            problems.append(Problem(slot.source, slot.line, f"{slot.pair}: {slot.slug} is already in {first.pair}; "
                                    "a routine uses an exercise once"))
        seen.setdefault(slot.slug, slot)
    if problems or not complete:
        return problems
    letters: dict[int, list[str]] = {}  # by circuit, in order: one pass, not one per circuit
    for number, letter in sorted(users):
        letters.setdefault(number, []).append(letter)
    for number, used in letters.items():
        for letter, expected in zip(used, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            if letter != expected:
                slot = users[(number, letter)][0]
                problems.append(Problem(slot.source, slot.line, f"pair: circuit {number} has no "
                                        f"{number}{expected}, so {slot.pair} leaves a gap; expected {number}{expected}"))
                break
    return problems


def assemble(header: RoutineHeader, slots: list[Slot], slug: str) -> tuple[Routine | None, list[Problem]]:
    """Group valid, uniquely placed slots into circuits: by circuit number, then letter."""
    numbers = sorted({s.circuit for s in slots})
    problems = [
        Problem(header.doc.path, header.doc.line(f"circuits.{number}"),
                f"circuits: circuit {number} is named but no exercise has a pair {number}A")
        for number in sorted(set(header.circuits) - set(numbers))
    ]
    if problems:
        return None, problems
    by_number: dict[int, list[Slot]] = {}  # one pass, not one per circuit: routines hold hundreds
    for slot in slots:
        by_number.setdefault(slot.circuit, []).append(slot)
    circuits = []
    for number in numbers:
        members = tuple(sorted(by_number[number], key=lambda s: s.letter))
        name, note, rest = header.circuits.get(number, ("", "", header.rest))
        circuits.append(Circuit(number, name, note, rest, members))
    return Routine(slug, header.title, header.description, header.checkin, header.intro_html, header.rest,
                   tuple(circuits), source=header.doc.path), []


def classic_slots(parsed: list[tuple[Exercise, Placement]]) -> tuple[list[Slot], list[Problem]]:
    """The classic layout: exercise files that carry a pair make index.md's routine; once
    one does, every one must (a forgotten pair would otherwise drop a move silently)."""
    if not any(placement.circuit for _, placement in parsed):
        return [], []
    slots, problems = [], []
    for exercise, placement in parsed:
        if placement.circuit is None:
            problems.append(Problem(exercise.source, None, "pair: missing; expected a circuit number and a slot "
                                    "letter, like 1A (or list the routine's exercises in routines/*.md)"))
        elif placement.sets and placement.reps:
            slots.append(Slot(exercise, placement.circuit, placement.letter, placement.sets, placement.reps,
                              exercise.source, placement.line))
    return slots, problems


def routine_slots(header: RoutineHeader, library: dict[str, tuple[Exercise, Placement]],
                  unreadable: set[str] = frozenset()) -> tuple[list[Slot], list[Problem]]:
    """A routine file's `exercises:`, each found in the library, with sets and reps from
    the routine or else from the exercise file."""
    slots, problems = [], []
    path = header.doc.path
    for spec in header.slots:
        found = library.get(spec.exercise)
        if found is None and spec.exercise in unreadable:
            continue  # its own problems are reported; a "no exercise" line would only repeat them
        if found is None:
            close = difflib.get_close_matches(spec.exercise, list(library), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(path, spec.line, f"{spec.circuit}{spec.letter}: no exercise '{spec.exercise}' "
                                    f"in exercises/{hint}"))
            continue
        exercise, placement = found
        sets, reps = spec.sets or placement.sets, spec.reps or placement.reps
        for name, value in (("sets", sets), ("reps", reps)):
            if value is None:
                problems.append(Problem(path, spec.line, f"{spec.circuit}{spec.letter}: {name}: missing; give them "
                                        f"here ({spec.circuit}{spec.letter}: {{exercise: {spec.exercise}, sets: 2, "
                                        f"reps: 10}}) or in {exercise.source}"))
        if sets and reps:
            slots.append(Slot(exercise, spec.circuit, spec.letter, sets, reps, path, spec.line))
    return slots, problems


# --- reading the files ----------------------------------------------------------------


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
    return Problem(str(path), None, f"cannot read the file: {error.strerror or error}")


MAX_FILE_SIZE = 1024 * 1024  # an exercise or the routine: far more than any needs


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of a regular file of at most MAX_FILE_SIZE bytes, or why not.

    A FIFO would block for ever and a device (/dev/zero) never ends, so anything but a
    regular file is refused before it is opened.
    """
    try:
        data = _read_regular_file(path)
    except NotRegularFile:
        return None, [Problem(str(path), None, "not a regular file")]
    except TooLarge as error:
        return None, [Problem(str(path), None, f"file is {error.size / 1024 / 1024:.1f} MiB; at most 1 MiB")]
    except OSError as error:
        return None, [cannot_read(path, error)]
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


def _read_regular_file(path: Path) -> bytes:
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile
    # O_NONBLOCK: should a FIFO take the file's place since, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as file:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise NotRegularFile
        if found.st_size > MAX_FILE_SIZE:
            raise TooLarge(found.st_size)
        data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:  # it grew since
        raise TooLarge(len(data))
    return data


FileKey = tuple[str, int, int]  # path, modification time in ns, size: a file as it is now
ParseCache = dict[FileKey, ParsedExercise]  # what parsing that file said
PARALLEL_FROM = 300  # files to parse before a process pool pays for its start-up


def read_exercise(path: str) -> ParsedExercise:
    """Read and parse one exercise file: in a worker, so the parent never holds every text."""
    text, problems = read_text(Path(path))
    return (None, problems) if text is None else parse_exercise(path, text)


def read_exercises(paths: list[str]) -> list[ParsedExercise]:
    """read_exercise over many files, in order; on every core when it pays.

    Markdown is most of a cold build, and a second process takes half of it; results
    come back in input order, so the output is the same as with one process.
    """
    workers = min(os.cpu_count() or 1, len(paths) // (PARALLEL_FROM // 2))
    # Forking a process that runs other threads can copy a lock held by one of them.
    if workers < 2 or threading.active_count() > 1:
        return [read_exercise(path) for path in paths]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        try:
            return list(pool.map(read_exercise, paths, chunksize=64))
        except BaseException:  # Ctrl-C: do not parse what is left before stopping
            # wait=True: a manager thread left running races Python's exit and prints
            # "Exception ignored ... Bad file descriptor" (3.11); in-flight chunks are short.
            pool.shutdown(wait=True, cancel_futures=True)
            raise


_PR_SET_PDEATHSIG = 1  # Linux prctl(): a signal for this process when its parent dies


def _start_worker(parent: int) -> None:
    """A pool worker dies with the build that started it, and leaves Ctrl-C and SIGTERM
    to it: sent to the whole process group, they stop the build, which stops its pool.

    Otherwise a killed build leaves its workers running, holding its stdout and stderr
    open, so whoever reads them to the end waits for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: no such call
        pass
    if os.getppid() != parent:  # the parent died before prctl() took effect
        os._exit(1)


def load(content_dir: Path, cache: ParseCache | None = None, changed: set[Path] | None = None) -> Site:
    """Read content_dir into a Site, or raise ContentError with every problem found.

    Two layouts: the classic one (index.md is the one routine; exercise files carry their
    pair, sets and reps) and the library (index.md is the home page; each routines/*.md
    names its exercises). `cache` (kept by the dev server between rebuilds) skips reading
    and parsing files whose size and modification time have not changed; parsing is pure,
    so a cached result is the same as a fresh one. `changed` (the dev server's watcher:
    the files changed since the last load with this cache) spares looking again at the
    others: a cached file it does not name is taken as it was.
    """
    cache = {} if cache is None else cache
    _resolved.cache_clear()
    problems: list[Problem] = []
    routine_files = [Path(path) for path in _markdown_files(content_dir / "routines")]
    library_layout = (content_dir / "routines").is_dir()
    index = content_dir / "index.md"
    header, index_problems = _read_header(index, content_dir, SITE_KEYS if library_layout else ROUTINE_KEYS)
    problems += index_problems
    exercise_dir = content_dir / "exercises"
    files = _markdown_files(exercise_dir)
    if not files:
        problems.append(Problem(str(exercise_dir), None, "no exercises: add one .md file per exercise here"))
    exercise_problems: list[Problem] = []
    keys: list[FileKey] = []
    unchanged = _unchanged(cache, exercise_dir, changed)
    for path in files:
        if (key := unchanged.get(path)) is not None:
            keys.append(key)
            continue
        if link := outside(Path(path), content_dir):
            exercise_problems.append(link)
            continue
        try:
            stat = os.stat(path)
        except OSError as error:
            exercise_problems.append(cannot_read(Path(path), error))
            continue
        keys.append((path, stat.st_mtime_ns, stat.st_size))
    missing = [key for key in keys if key not in cache]
    parsed = dict(zip(missing, read_exercises([path for path, _, _ in missing])))
    # A file written within one tick of the file system's clock may be written again
    # unseen (the same size and time stamp): remember only results safely older.
    settled = time.time_ns() - 100_000_000
    cache.update((key, result) for key, result in parsed.items() if key[1] < settled)
    library: dict[str, tuple[Exercise, Placement]] = {}
    unreadable = {Path(p.path).stem for p in exercise_problems}  # files that could not even be read
    for key in keys:
        found, parse_problems = parsed.get(key) or cache[key]
        exercise_problems += parse_problems
        if found:
            library[found[0].slug] = found
        else:
            unreadable.add(Path(key[0]).stem)
    for stale in cache.keys() - set(keys):  # deleted or edited files
        del cache[stale]
    problems += exercise_problems
    problems += [problem for e, _ in library.values() for problem in check_images(e, content_dir)]

    routines: list[Routine] = []
    if library_layout:
        problems += [Problem(e.source, p.line, "pair: with routines/, each routine file lists its exercises: "
                             f"move {p.circuit}{p.letter} into one (exercises: {{{p.circuit}{p.letter}: {e.slug}}})")
                     for e, p in library.values() if p.circuit]
        for path in routine_files:
            routine_header, read_problems = _read_header(path, content_dir, ROUTINE_FILE_KEYS)
            problems += read_problems
            if routine_header:
                slots, slot_problems = routine_slots(routine_header, library, unreadable)
                problems += slot_problems + check_slots(slots, complete=not slot_problems)
                routine, assemble_problems = assemble(routine_header, slots, slug=path.stem)
                problems += assemble_problems
                if routine:
                    routines.append(routine)
    elif header:
        slots, slot_problems = classic_slots(list(library.values()))
        problems += slot_problems + check_slots(slots, complete=not exercise_problems and not slot_problems)
        if slots or header.circuits:
            routine, assemble_problems = assemble(header, slots, slug="")
            problems += assemble_problems
            if routine:
                routines.append(routine)
    if problems or not header:
        raise ContentError(problems)
    exercises = tuple(sorted((e for e, _ in library.values()), key=lambda e: (e.title.casefold(), e.slug)))
    return Site(header.title, header.description, header.intro_html, exercises, tuple(routines))


def _unchanged(cache: ParseCache, folder: Path, changed: set[Path] | None) -> dict[str, FileKey]:
    """The cached files of `folder` that the watcher saw no change to, by path: their keys
    stand without a stat. None when the watcher's word is missing or names the folder itself."""
    if changed is None:
        return {}
    where = folder.resolve()
    if any(where.is_relative_to(path) for path in changed):  # the folder (or one above it) moved
        return {}
    names = {path.name for path in changed if path.parent == where}
    return {key[0]: key for key in cache if key[0].rpartition("/")[2] not in names}  # no Path: 1,000s of keys


def _markdown_files(folder: Path) -> list[str]:
    """The paths of the folder's Markdown files, sorted by name. Strings, not Paths: a
    rebuild lists 1,000s of files and looks closer at only the changed ones."""
    if not folder.is_dir():
        return []
    where = str(folder) + "/"
    # Any case of the extension: an exercise saved as .MD must not vanish without a word.
    # A name of dots and ".md" has no extension, as for os.path.splitext.
    return [where + name for name in sorted(os.listdir(folder)) if name[-3:].lower() == ".md" and name[:-3].strip(".")]


def _read_header(path: Path, content_dir: Path, allowed: tuple[str, ...]) -> tuple[RoutineHeader | None, list[Problem]]:
    """index.md or a routine file, read and parsed."""
    if not os.path.lexists(path):  # anything that is there is read, or refused by read_text
        return None, [Problem(str(path), None, "missing: the title and intro live in this file")]
    if link := outside(path, content_dir):
        return None, [link]
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse_routine(str(path), text, allowed)


MAX_IMAGE = 20 * 1024 * 1024  # bytes: a photo larger than this is a mistake on a phone site


def image_path(exercise: Exercise, image: Image | Photo) -> Path:
    return Path(exercise.source).parent / image.src


def check_images(exercise: Exercise, content_dir: Path) -> list[Problem]:
    """Every image the body shows and every photo is a file inside content_dir, of a sane
    size (photos are read and resized later; what Pillow cannot read is named then)."""
    problems = []
    for image in (*exercise.images, *exercise.photos):
        path = image_path(exercise, image)
        kind = "photo" if isinstance(image, Photo) else "image"
        if not path.is_file():
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' not found: "
                                    f"expected the file {path}"))
        elif link := outside(path, content_dir):
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' {link.message}"))
        elif (size := path.stat().st_size) > MAX_IMAGE:
            problems.append(Problem(exercise.source, image.line, f"{kind} '{image.src}' is {size / 2**20:.0f} MB; "
                                    f"expected at most {MAX_IMAGE // 2**20} MB"))
    return problems


def load_images(site: Site) -> dict[str, bytes]:
    """The files the exercise bodies show, keyed by their path in the site, beside each page."""
    images, problems = {}, []
    for exercise in site.exercises:
        for image in exercise.images:
            try:
                # As the browser resolves it ("./a.png" is "a.png"): one key per file, or a
                # rebuild that drops the "./" would delete the file it just wrote.
                site_path = PurePosixPath("exercises", exercise.slug, image.src).as_posix()
                images[site_path] = image_path(exercise, image).read_bytes()
            except OSError as error:
                problems.append(Problem(exercise.source, image.line, f"image '{image.src}': cannot read the file: "
                                        f"{error.strerror or error}"))
    if problems:
        raise ContentError(problems)
    return dict(sorted(images.items()))


def load_assets(assets_dir: Path) -> dict[str, bytes]:
    """Every file under assets/, keyed by its path in the site (assets/...), sorted.

    Raises ContentError for a file that cannot be read or that links out of assets/.
    """
    if not assets_dir.is_dir():
        return {}
    assets, problems = {}, []
    for path in sorted(assets_dir.rglob("*")):
        if not path.is_file():
            continue
        if link := outside(path, assets_dir):
            problems.append(link)
            continue
        try:
            assets[f"assets/{path.relative_to(assets_dir).as_posix()}"] = path.read_bytes()
        except OSError as error:
            problems.append(Problem(str(path), None, f"cannot read the file: {error.strerror or error}"))
    if problems:
        raise ContentError(problems)
    return assets
