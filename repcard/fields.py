"""Typed fields out of a Document, a Problem for each bad one; and what the exercise and
routine parsers share: bounds, slugs, pairs and reps."""

from __future__ import annotations

import difflib
import re
from typing import Any

from .frontmatter import Document, _kind
from .model import Reps
from .problem import Problem


MAX_SETS, MAX_REPS, MAX_REST = 20, 999, 3600  # sane bounds keep a typo from making a huge workout
MAX_REPS_TEXT = 40
MAX_TERM = 100  # characters of a muscle or a piece of equipment: each is a page's folder name too
MAX_SLUG = 100  # characters of a file's name: its page's folder, in a program's week `week-<n>-<name>`

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PAIR = re.compile(r"(\d{1,4})([A-Z])")
REPS_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to)\s*(\d+)\s*(.*)", re.DOTALL)
REPS_COUNT = re.compile(r"(\d+)\s*(.*)", re.DOTALL)
PLAIN_REPS_UNITS = ("", "rep", "reps")
CLOCK_TIME = re.compile(r"(\d{1,2}):([0-5]\d)\s*(.*)", re.DOTALL)  # 0:30 hold, 1:00
TIME_UNIT = re.compile(r"(s|secs?|seconds?|mins?|minutes?)\b\.?", re.IGNORECASE)  # not "m": metres


def slug_problem(path: str, example: str) -> Problem | None:
    """A file whose name is its URL (an exercise, a routine) must be a slug: no spaces, no capitals."""
    stem = path.rpartition("/")[2].rpartition(".")[0]
    if len(stem) > MAX_SLUG:
        return Problem(path, None, f"file name of {len(stem)} characters; expected at most {MAX_SLUG}, like {example}")
    if SLUG.fullmatch(stem):
        return None
    return Problem(path, None, f"file name '{stem}' is not a URL slug: use lowercase letters, digits and "
                               f"hyphens, like {example}")


class Fields:
    """Reads typed fields out of a Document, collecting a Problem for each bad one."""

    def __init__(self, doc: Document, allowed: tuple[str, ...], elsewhere: dict[str, str] | None = None,
                 notes: dict[str, str] | None = None, problems: list[Problem] | None = None):
        """`elsewhere`: keys this file does not take that another does, and which: said so.
        `notes`: what the list of allowed keys says beside a key that is allowed only sometimes.
        `problems`: what reading the document found already (split_document's)."""
        self.doc = doc
        self.notes = notes or {}
        self.problems: list[Problem] = list(problems or [])
        self.meant: set[str] = set()  # keys an unknown key was taken for: their absence is said already
        for key in doc.fields:
            if str(key) in (elsewhere or {}):
                self.add(str(key), f"{key}: belongs in {elsewhere[str(key)]}, not here; move it there")
            elif str(key) not in allowed:
                self.unknown(str(key), allowed, key_prefix="")

    def unknown(self, key: str, allowed: tuple[str, ...], key_prefix: str) -> None:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.meant.update(key_prefix + name for name in close)
        listed = ", ".join(f"{name} ({self.notes[name]})" if name in self.notes else name for name in allowed)
        self.add(key_prefix + key, f"unknown key '{key_prefix}{key}'{hint}; allowed: {listed}")

    def add(self, key: str, message: str, missing: bool = False) -> None:
        parts = key.split(".")  # "circuits.1.name": its own line, else its parent's
        lines = (self.doc.line(".".join(parts[:n])) for n in range(len(parts), 0, -1))
        line = next((n for n in lines if n), None)
        # A key not written at all: the front matter's first line, where it would go.
        self.problems.append(Problem(self.doc.path, line or (2 if missing else None), message))

    def missing(self, key: str, expected: str) -> None:
        if key not in self.meant:  # `set: 2` is said as "did you mean 'sets'?", not also "sets: missing"
            self.add(key, f"{key}: missing; expected {expected}", missing=True)

    def get(self, key: str) -> Any:
        return self.doc.fields.get(key)

    def mapping(self, key: str, expected: str) -> dict | None:
        """A required mapping with something in it (a routine's `exercises:`, a program's `weeks:`),
        else None and a Problem saying what was expected."""
        value = self.get(key)
        if value is None:
            self.missing(key, expected)
            return None
        if not isinstance(value, dict) or not value:
            self.add(key, f"{key}: expected {expected}")
            return None
        return value

    def text(self, name: str, value: Any, *, required: bool = False, one_line: bool = False,
             max_length: int | None = None, label: str | None = None) -> str:
        """`label`: how the problems name the field where its key would not read well
        ("photos: photo 1: src", not "photos.0.src")."""
        said = label or name
        if value is None:
            if required:
                self.missing(name, "text")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(name, f"{said}: expected text, got {_kind(value)}")
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(name, f"{said}: expected text, got an empty value")
        if one_line and "\n" in value:
            self.add(name, f"{said}: expected one line of text")
        if max_length and len(value) > max_length:
            self.add(name, f"{said}: expected at most {max_length} characters, got {len(value)}")
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
        if isinstance(value, str) and "," in value:  # `core, glutes` made one muscle "core, glutes"
            items = ", ".join(item.strip() for item in value.split(","))
            self.add(key, f"{key}: a list is written in brackets, like [{items}]")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(key, f"{key}: expected a list of text items, like [dumbbells, mat]")
            return ()
        if long := next((v for v in value if len(v.strip()) > MAX_TERM), None):
            self.add(key, f"{key}: expected items of at most {MAX_TERM} characters, got one of {len(long.strip())}")
            return ()
        return tuple(v.strip() for v in value)


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
    if match := CLOCK_TIME.fullmatch(text):  # 0:30 hold
        low = high = int(match[1]) * 60 + int(match[2])
        unit = "s " + match[3]
    elif match := REPS_RANGE.fullmatch(text):
        low, high, unit = int(match[1]), int(match[2]), match[3]
        if not low < high:
            return f"expected a range from low to high, like 10-12, got {text!r}"
    elif match := REPS_COUNT.fullmatch(text):
        low = high = int(match[1])
        unit = match[2]
    else:
        return Reps(None, None, text)
    unit = unit.lstrip("-‐ ")  # 30-second hold
    if time := TIME_UNIT.match(unit):  # seconds as "s", minutes as 60 s: one form for workout mode's countdown
        low, high = (low * 60, high * 60) if time[1].lower().startswith("m") else (low, high)
        unit = ("s " + unit[time.end():].strip()).strip()
    if not (1 <= low and high <= MAX_REPS * (60 if unit.startswith("s") else 1)):
        return f"expected a count from 1 to {MAX_REPS}, got {text!r}"
    return Reps(low, high, "" if unit.lower() in PLAIN_REPS_UNITS else unit)


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


def _parse_pair(fields: Fields, name: str, value: Any) -> tuple[int, str]:
    if value is None:
        fields.missing(name, "a circuit number and a slot letter, like 1A")
        return 0, ""
    match = PAIR.fullmatch(str(value).strip().upper())
    if isinstance(value, bool) or not match or int(match[1]) < 1:
        fields.add(name, f"{name}: expected a circuit number and a slot letter, like 1A or 12C, got {value!r}")
        return 0, ""
    return int(match[1]), match[2]
