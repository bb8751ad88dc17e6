"""The content model that templates read: small frozen dataclasses, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cached_property

from .problem import Problem


# How a unit says "on each side", in the languages repcard speaks: `8 each leg`, `8 de chaque côté`,
# `8 pro Seite`, `8 por lado`, `8 لكل جانب`.
PER_SIDE = (r"\beach\b|\b(per|a) (side|leg|arm)\b|\b(chaque|par) (côté|jambe|bras)\b|\b(je|pro) (Seite|Bein|Arm)\b"
            r"|\b(cada|por) (lado|pierna|brazo)\b|كل (جانب|ساق|ذراع)")


@dataclass(frozen=True)
class Reps:
    """What one set asks for: a count or a range, plus any unit or side text.

    `10` is Reps(10, 10, ""), `10-12` is Reps(10, 12, ""), `20 total each side` is
    Reps(20, 20, "total each side"), and free text such as `to failure` has no count.
    """

    low: int | None
    high: int | None
    unit: str = ""

    @property
    def timed(self) -> bool:
        """Seconds, not reps (`30 s hold`; parse_reps writes every form of seconds and minutes so)."""
        return self.low is not None and (self.unit == "s" or self.unit.startswith("s "))

    @property
    def per_side(self) -> bool:
        """Done on each side in turn: `8 each leg`, `20 total each side`, `10 per arm`."""
        return re.search(PER_SIDE, self.unit) is not None

    @property
    def count(self) -> str:
        if self.low is None:
            return ""
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    def __str__(self) -> str:
        """The count and the author's unit, without words of repcard's own (words.Words.reps adds "reps")."""
        return f"{self.count} {self.unit}".strip()


@dataclass(frozen=True)
class Variation:
    label: str  # "easier", "harder", or the author's own word
    text: str


@dataclass(frozen=True)
class RawBody:
    """A body with raw HTML in it, rendered as well with the HTML let through; the load stage
    uses it when index.md says `raw_html: true`, and otherwise warns of the HTML shown as text."""

    html: str
    tags: tuple[tuple[int, str], ...]  # (line in the file, the tag) of each piece of raw HTML


@dataclass(frozen=True)
class Image:
    """A picture the exercise's body shows from a file beside it: copied into the site."""

    src: str  # as written, relative to the exercise file's folder and to its page
    line: int | None  # where the body names it, for messages


@dataclass(frozen=True)
class Photo:
    """A photo of the exercise from a file in content/, shown resized for phones."""

    src: str  # as written, relative to the exercise file's folder
    alt: str  # what it shows, for those who cannot see it
    line: int | None  # where the front matter names it, for messages


@dataclass(frozen=True)
class Picture:
    """One width of a photo as the site serves it."""

    path: str  # in the site: exercises/<slug>/<name>-<width>.webp
    width: int
    height: int


def _hashed_once(cls):
    """A frozen dataclass whose hash is worked out once, not at every look-up: exercises,
    slots, circuits and steps sit in the cache keys of the pages and fragments that show them,
    and hashing one goes down through everything it holds. The hash is never pickled:
    strings hash differently in each process, and the parse store crosses processes."""
    names = tuple(f.name for f in fields(cls))

    def __hash__(self) -> int:
        if (value := self.__dict__.get("_hash")) is None:
            value = self.__dict__["_hash"] = hash(tuple(getattr(self, name) for name in names))
        return value

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "_hash"}

    cls.__hash__, cls.__getstate__ = __hash__, __getstate__
    return cls


@_hashed_once
@dataclass(frozen=True)
class Exercise:
    """How to do a move: written once, in the library, and used by any number of routines."""

    slug: str  # the file's stem; also its URL: exercises/<slug>/
    title: str
    cue: str  # one line for the card and workout mode; "" when not given
    muscles: tuple[str, ...]
    equipment: tuple[str, ...]
    variations: tuple[Variation, ...]
    body_html: str  # rendered Markdown; raw HTML in it as text unless the site lets it through
    source: str  # the file it came from, for messages
    images: tuple[Image, ...] = ()  # local files the body shows
    photos: tuple[Photo, ...] = ()
    raw_body: RawBody | None = None  # the body with its raw HTML let through, if it has any

    @property
    def harder(self) -> str:
        """The variation to move on to once the rep range is mastered without weight; "" if none."""
        return next((v.text for v in self.variations if v.label.lower() == "harder"), "")


@_hashed_once
@dataclass(frozen=True)
class Slot:
    """An exercise in its place in one routine: circuit and letter, sets and reps."""

    exercise: Exercise
    circuit: int
    letter: str  # "A", "B", ...
    sets: int
    reps: Reps
    source: str  # the file that placed it there, for messages
    line: int | None = None
    variation: Variation | None = None  # the one a program's week says to do

    @property
    def variations(self) -> tuple[Variation, ...]:
        """What the session shows: the week's variation alone, or every one the exercise has."""
        return (self.variation,) if self.variation else self.exercise.variations

    @property
    def pair(self) -> str:
        return f"{self.circuit}{self.letter}"

    @property
    def slug(self) -> str:
        return self.exercise.slug

    @property
    def title(self) -> str:
        return self.exercise.title


@_hashed_once
@dataclass(frozen=True)
class Circuit:
    number: int
    name: str  # "" when the routine gives none
    note: str
    rest: int  # seconds after each round
    slots: tuple[Slot, ...]

    @cached_property
    def rounds(self) -> int:
        return max(slot.sets for slot in self.slots)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The circuit in doing order: 1A set 1, 1B set 1, rest, 1A set 2, ...

        Its exercises alternate round by round; an exercise with fewer sets than its
        partners drops out of the later rounds. A rest follows every round.
        """
        steps: list[Step] = []
        for round_ in range(1, self.rounds + 1):
            steps.extend(Step(s, self, round_) for s in self.slots if s.sets >= round_)
            steps.append(Step(None, self, round_, rest=self.rest))
        return tuple(steps)

    @property
    def sitting_out(self) -> tuple[tuple[Slot, int, int], ...]:
        """Slots with fewer sets than the circuit has rounds, and the first and last rounds they
        sit out: an exercise drops out of the last rounds."""
        return tuple((s, s.sets + 1, self.rounds) for s in self.slots if s.sets < self.rounds)


@_hashed_once
@dataclass(frozen=True)
class Step:
    """One moment of the workout in doing order: a set of an exercise, or a rest."""

    slot: Slot | None  # None for a rest
    circuit: Circuit
    round: int  # 1-based round within the circuit; for a set, also its set number
    rest: int = 0  # seconds, for a rest step

    @property
    def id(self) -> str:
        """Names the step in the browser's stored progress; stable across builds."""
        if self.slot:
            return f"{self.slot.slug}:{self.round}"
        return f"rest:{self.circuit.number}:{self.round}"


@_hashed_once
@dataclass(frozen=True)
class NextUp:
    """What follows some sets of an exercise: rests, then the next set ('' = the end)."""

    sets: tuple[int, ...]  # the set numbers it follows, in order
    steps: tuple[Step, ...]
    each: bool = False  # it follows every set of the exercise


@dataclass(frozen=True)
class Routine:
    slug: str  # "" for the one routine of the classic layout, at the site's root
    title: str
    description: str
    checkin: str  # the check-in reminder, one line
    intro_html: str  # rendered Markdown: intro, check-in, guidelines
    rest: int  # default seconds of rest between rounds
    circuits: tuple[Circuit, ...]
    source: str = ""  # the file it came from, for messages
    folder: str = "routines"  # a program's weeks live in programs/<slug>/
    week: object = None  # program_model.WeekOf (which imports this module): a program's week, its session

    @property
    def path(self) -> str:
        """Where its pages live in the site: '' (the root), 'routines/<slug>/' or 'programs/<p>/week-3/'."""
        return f"{self.folder}/{self.slug}/" if self.slug else ""

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        """Every exercise in its place, in doing order: circuit number, then letter."""
        return tuple(s for circuit in self.circuits for s in circuit.slots)

    @cached_property
    def equipment(self) -> tuple[str, ...]:
        """Everything the routine needs, each once, in the order it is first needed."""
        return tuple(dict.fromkeys(item for s in self.slots for item in s.exercise.equipment))

    @cached_property
    def total_sets(self) -> int:
        return sum(s.sets for s in self.slots)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The whole workout in doing order, circuit by circuit (see Circuit.steps): a rest
        follows every round but the last of the routine."""
        return tuple(step for circuit in self.circuits for step in circuit.steps)[:-1]

    def position(self, slot: Slot) -> int:
        """Where `slot` stands in self.slots (without comparing whole slots, as index() would)."""
        return self._positions[slot.slug]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {s.slug: i for i, s in enumerate(self.slots)}

    def slot_of(self, exercise: Exercise | str) -> Slot | None:
        """The slot of `exercise` (or of the exercise of that slug), if the routine uses it."""
        return self._slots_by_slug.get(exercise if isinstance(exercise, str) else exercise.slug)

    @cached_property
    def _slots_by_slug(self) -> dict[str, Slot]:
        return {s.slug: s for s in self.slots}

    def next_up(self, slot: Slot) -> tuple[NextUp, ...]:
        """What comes after each set of `slot`; sets share a line only when what
        follows them is the very same (a later round is never the same).

        Worked out from the slot's circuit and the next circuit's first step alone (the
        steps up to the next set never reach further), so that a page asks only for what
        it shows: at 1,000 exercises, not the whole routine's sequels after every edit."""
        i = self._circuit_index[slot.circuit]
        steps = self.circuits[i].steps
        # The routine's very last rest is left out (see steps).
        steps = steps + (self.circuits[i + 1].steps[0],) if i + 1 < len(self.circuits) else steps[:-1]
        sets = [n for n, step in enumerate(steps) if step.slot]
        return _grouped([(steps[n].round, steps[n + 1 : following + 1])
                         for n, following in zip(sets, [*sets[1:], len(steps)]) if steps[n].slot.slug == slot.slug])

    def circuit(self, number: int) -> Circuit:
        """The circuit numbered `number`."""
        return self.circuits[self._circuit_index[number]]

    def index(self, circuit: Circuit) -> int:
        """Where `circuit` stands among the routine's circuits."""
        return self._circuit_index[circuit.number]

    def around(self, number: int) -> tuple[Circuit, ...]:
        """The circuit numbered `number` with those just before and after it: all of the routine
        that a page about one of its slots shows (the moves before and after, what follows a set)."""
        i = self._circuit_index[number]
        return self.circuits[max(i - 1, 0) : i + 2]

    @cached_property
    def _circuit_index(self) -> dict[int, int]:
        return {c.number: i for i, c in enumerate(self.circuits)}


@dataclass(frozen=True)
class Use:
    """One routine's use of an exercise, for the exercise's page."""

    routine: Routine
    slot: Slot

    @property
    def circuit(self) -> Circuit:
        return self.routine.circuit(self.slot.circuit)


@dataclass(frozen=True)
class Site:
    """Everything the content folder holds: its library of exercises and its routines."""

    title: str
    description: str
    intro_html: str
    exercises: tuple[Exercise, ...]  # the library, by title
    routines: tuple[Routine, ...]  # in file order; the classic layout has one, at the root
    warnings: tuple[Problem, ...] = ()  # said by the build, which goes on
    # In file order: program_model.Program, weeks of routines that progress (it imports this module).
    programs: tuple = ()
    language: str = ""  # what index.md says the site's language is ("": repcard.toml's, or English)

    @property
    def every_routine(self) -> tuple[Routine, ...]:
        """The routines and each program week's sessions: every routine page, workout and card."""
        return self.routines + tuple(r for program in self.programs for r in program.routines)

    @property
    def classic(self) -> bool:
        """The one-routine layout this project began with: the routine is the home page."""
        return len(self.routines) == 1 and not self.routines[0].slug

    def exercise(self, slug: str) -> Exercise:
        return self.by_slug[slug]

    @cached_property
    def by_slug(self) -> dict[str, Exercise]:
        return {e.slug: e for e in self.exercises}

    def uses(self, slug: str) -> tuple[Use, ...]:
        """Every routine that uses the exercise `slug`, with its slot there (a look-up in each
        routine: a rebuild asks for a few exercises' uses, not every one's)."""
        return tuple(Use(routine, slot) for routine in self.routines if (slot := routine.slot_of(slug)))


    @cached_property
    def muscles(self) -> dict[str, tuple[Exercise, ...]]:
        """Each muscle the library names -> the exercises that work it."""
        return _taxonomy(self.exercises, "muscles")

    @cached_property
    def equipment(self) -> dict[str, tuple[Exercise, ...]]:
        """Each piece of equipment the library names -> the exercises that need it."""
        return _taxonomy(self.exercises, "equipment")


def slugged(text: str) -> str:
    """Lowercase, each run of anything else one hyphen: 'Band_Good_Morning' -> 'band-good-morning'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def term_slug(term: str) -> str:
    """A muscle or piece of equipment as a URL: 'Lower back' -> 'lower-back'."""
    return slugged(term) or "other"


def _taxonomy(exercises, kind: str) -> dict[str, tuple[Exercise, ...]]:
    """Lean: the dev server works it out after every edit (a setdefault over a generator took twice as long)."""
    found: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        for term in dict.fromkeys(map(str.lower, getattr(exercise, kind))):  # each once
            if term in found:
                found[term].append(exercise)
            else:
                found[term] = [exercise]
    return {term: tuple(found[term]) for term in sorted(found)}


def _grouped(sequels: list[tuple[int, tuple[Step, ...]]]) -> tuple[NextUp, ...]:
    """Consecutive sets followed by identical steps (exercise, round and rest) share one NextUp."""
    groups: list[tuple[list[int], tuple[Step, ...]]] = []
    for set_number, sequel in sequels:
        if groups and groups[-1][1] == sequel:
            groups[-1][0].append(set_number)
        else:
            groups.append(([set_number], sequel))
    if len(groups) == 1 and len(sequels) > 1:
        return (NextUp(tuple(groups[0][0]), groups[0][1], each=True),)
    return tuple(NextUp(tuple(numbers), sequel) for numbers, sequel in groups)
