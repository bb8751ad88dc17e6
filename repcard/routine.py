"""index.md or a routine file's text -> a RoutineHeader; then its slots, checked and
grouped into circuits: a Routine, or every problem found."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .exercise import Placement
from .i18n import shipped
from .fields import MAX_REST, MAX_SETS, SLUG, Fields, _parse_pair, _parse_reps_field
from .markup import render_markdown, unsafe_link_problems
from .frontmatter import Document, _kind, split_document
from .model import Circuit, Exercise, RawBody, Reps, Routine, Slot
from .problem import Problem


ROUTINE_KEYS = ("title", "description", "checkin", "rest", "circuits")
CIRCUIT_KEYS = ("name", "note", "rest")
SITE_KEYS = ("title", "description")  # index.md when the routines live in routines/
INDEX_ONLY_KEYS = ("raw_html", "language")  # the site's settings, in index.md whichever the layout
ROUTINE_FILE_KEYS = ROUTINE_KEYS + ("exercises",)  # routines/<slug>.md
SLOT_KEYS = ("exercise", "sets", "reps")

DEFAULT_REST = 60  # seconds between rounds when the routine does not say


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
    raw_intro: RawBody | None = None
    raw_html: bool = False  # index.md's setting: let raw HTML in bodies through
    language: str = ""  # index.md's setting: the language of the site's words ("": not said)
    dropped: bool = False  # a slot of `exercises:` had a mistake: `slots` are not all it names


def parse_routine(path: str, text: str, allowed: tuple[str, ...] = ROUTINE_KEYS
                  ) -> tuple[RoutineHeader | None, list[Problem]]:
    """index.md (the classic layout's routine, or with `allowed=SITE_KEYS` the site's home)
    or a routine file (`allowed=ROUTINE_FILE_KEYS`). With problems the header still comes back,
    made of what was right, so that its exercises are checked in the same run; it is never built."""
    doc, problems = split_document(path, text)
    if doc is None:
        return None, problems
    # With routines/, a routine's own keys in index.md are said to belong in a routine file.
    elsewhere = {key: "a routine file, routines/<name>.md" for key in ROUTINE_FILE_KEYS
                 if "exercises" not in allowed and "checkin" not in allowed and key not in allowed}
    fields = Fields(doc, allowed, elsewhere, problems=problems)
    title = fields.text("title", fields.get("title"), required=True, one_line=True)
    description = fields.text("description", fields.get("description"), one_line=True)
    checkin = fields.text("checkin", fields.get("checkin"), one_line=True)
    rest = fields.integer("rest", fields.get("rest"), minimum=0, maximum=MAX_REST, default=DEFAULT_REST)
    circuits = _parse_circuits(fields, rest)
    before = len(fields.problems)
    slots = _parse_slot_specs(fields) if "exercises" in allowed else ()
    # Not all there: a slot with a mistake, or no mapping at all (`exercise:`, said as misspelt only).
    dropped = len(fields.problems) > before or ("exercises" in allowed and not isinstance(fields.get("exercises"), dict))
    raw_html = fields.get("raw_html")
    if raw_html not in (None, True, False):
        fields.add("raw_html", "raw_html: expected true (let raw HTML in bodies through) or false (show it as text)")
    language = fields.get("language")
    if language is not None and language not in shipped():
        fields.add("language", f"language: expected one of the languages repcard speaks, {', '.join(shipped())}; "
                               f"got {language!r}")
    intro = render_markdown(doc.body)
    fields.problems += unsafe_link_problems(doc, intro)
    return RoutineHeader(title, description, checkin, rest, circuits, intro.html, doc, slots,
                         intro.raw(doc.body_line), raw_html is True, language or "", dropped), fields.problems


def _parse_slot_specs(fields: Fields) -> tuple[SlotSpec, ...]:
    """`exercises:` maps a pair to an exercise's file name, alone or with its sets and reps:
    `1A: glute-bridge` or `1B: {exercise: band-walking, sets: 2, reps: 20 total each side}`."""
    value = fields.mapping("exercises", "a mapping from pair to exercise, like '1A: glute-bridge'")
    if value is None:
        return ()
    specs = []
    for pair, spec in value.items():
        name = f"exercises.{pair}"
        before = len(fields.problems)
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
        if slug is None and isinstance(spec, dict):  # a misspelt `exercise:` is said above
            if "exercise" in spec or all(key in SLOT_KEYS for key in spec):
                fields.add(name, f"{name}: missing its exercise; expected {{exercise: glute-bridge, ...}}")
            continue
        if not isinstance(slug, str) or not SLUG.fullmatch(slug.strip()):
            shown = f"'{slug}'" if isinstance(slug, str) else _kind(slug)
            fields.add(name, f"{name}: expected the file name of an exercise without .md, like glute-bridge, "
                             f"got {shown}")
            continue
        if circuit and len(fields.problems) == before:  # a slot with a mistake says no more (no "reps: missing")
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


# (circuit, letter), where it is written (file, line), and the exercise there ("" where there is none)
Place = tuple[tuple[int, str], str, int | None, str]


def check_slots(slots: list[Slot], complete: bool, key: str = "pair", failed: list[Place] = ()) -> list[Problem]:
    """A slot used twice is one problem naming every file that uses it; so is an exercise
    used twice in one routine. Once every file has parsed and every slot is unique, a
    skipped letter is a problem too.

    With `complete` false some files failed to parse, and a gap may only be one of them.
    `key`: where the slots were written, for messages: exercise files' `pair`, a routine's `exercises`.
    `failed`: the places of slots whose exercise failed (a routine names it, or its file's pair is
    right): taken all the same, so no gap is said where one is, and one taken twice is said.
    """
    users: dict[tuple[int, str], list[tuple[str, int | None]]] = {}
    taken = sorted([((slot.circuit, slot.letter), slot.source, slot.line, slot.slug) for slot in slots] + list(failed),
                   key=lambda use: (use[1], use[2] or 0))
    for place, source, line, _ in taken:
        users.setdefault(place, []).append((source, line))
    problems = [
        Problem(shared[-1][0], shared[-1][1], f"{key}: {place[0]}{place[1]} is also used by "
                f"{' and '.join(source if source != shared[-1][0] else f'line {line}' for source, line in shared[:-1])}; "
                "give each exercise its own slot")
        for place, shared in users.items() if len(shared) > 1
    ]
    seen: dict[str, tuple[int, str]] = {}
    for place, source, line, slug in taken:
        if not slug:
            continue
        if first := seen.get(slug):
            problems.append(Problem(source, line, f"{place[0]}{place[1]}: {slug} is already in {first[0]}{first[1]}; "
                                    "a routine uses an exercise once"))
        seen.setdefault(slug, place)
    if problems or not complete:
        return problems
    letters: dict[int, list[str]] = {}  # by circuit, in order: one pass, not one per circuit
    for number, letter in sorted(users):
        letters.setdefault(number, []).append(letter)
    for number, used in letters.items():
        for letter, expected in zip(used, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            if letter != expected:
                source, line = users[(number, letter)][0]
                problems.append(Problem(source, line, f"{key}: circuit {number} has no {number}{expected}, so "
                                        f"{number}{letter} leaves a gap; expected {number}{expected}"))
                break
    return problems


def assemble(header: RoutineHeader, slots: list[Slot], slug: str, complete: bool = True, failed: list[Place] = ()
             ) -> tuple[Routine | None, list[Problem]]:
    """Group valid, uniquely placed slots into circuits: by circuit number, then letter. With
    `complete` false some exercises' places are unknown: a named circuit without a slot may be one
    of theirs. `failed`: the known places of exercises that failed, whose circuits are not empty."""
    numbers = sorted({s.circuit for s in slots})
    problems = [
        Problem(header.doc.path, header.doc.line(f"circuits.{number}"),
                f"circuits: circuit {number} is named but no exercise has a pair {number}A")
        for number in sorted(set(header.circuits) - set(numbers) - {place[0] for place, *_ in failed})
    ] if complete else []
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


def classic_slots(parsed: list[tuple[Exercise, Placement]], failed: list[tuple[Exercise, Placement]] = ()
                  ) -> tuple[list[Slot], list[Problem]]:
    """The classic layout: exercise files that carry a pair make index.md's routine; once
    one does, every one must (a forgotten pair would otherwise drop a move silently).
    `failed`: the files with problems whose pair, or its absence, is known: said missing too."""
    if not any(placement.circuit for _, placement in (*parsed, *failed)):
        return [], []
    slots, problems = [], []
    for exercise, placement in (*parsed, *failed):
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
            # Among the files with problems of their own too: `glute-bridg` is glute-bridge.md, whatever is wrong in it.
            close = difflib.get_close_matches(spec.exercise, sorted(library.keys() | unreadable), n=1)
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
