"""The program model: weeks of library routines that progress, and the rules that say how.

Each week's session is a Routine (model.py) derived from the library's, with the week's rounds,
reps and variation, so its page, workout mode and card are a routine's. What needs the log
(today's weight, the next session) is decided in the browser by assets/program.js, from
`Program.data()`; what does not (the week's rounds and reps) is in the pages themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .model import Exercise, Reps, Routine

DEFAULT_STEPS = {"kg": 2.5, "lb": 5.0}  # the smallest jump most gyms' plates make, per unit


def number_text(value: float) -> str:
    """2.5 -> '2.5', 5.0 -> '5'."""
    return f"{value:g}"


@dataclass(frozen=True)
class WeekOf:
    """What makes a Routine one week's session of a program: its `week`, read by its pages and card."""

    program_title: str
    program_path: str  # programs/<slug>/
    number: int
    weeks: int
    note: str
    deload: int  # percent of the working weight; 0 in a working week


@dataclass(frozen=True)
class Amount:
    """A weight with its unit: `2.5 kg`, `5 lb`."""

    value: float
    unit: str  # "kg" or "lb"

    def __str__(self) -> str:
        return f"{number_text(self.value)} {self.unit}"


@dataclass(frozen=True)
class Rule:
    """How one exercise progresses over the program.

    kind "double": a rep range; once every set of the last session reached its top, add `add`
    and start again at its bottom. "linear": add `add` each session (or each week) in which
    every set made its reps. "reps": `add_reps` more reps each week, up to `up_to`.
    """

    exercise: Exercise
    kind: str
    reps: Reps | None = None  # double progression's range
    add: Amount | None = None
    every: str = "session"  # linear progression's pace: "session" or "week"
    add_reps: int = 0
    up_to: int = 0
    start: Amount | None = None  # the first session's weight, before anything is logged
    line: int | None = None

    def reps_in_week(self, reps: Reps, week: int) -> Reps:
        """A "reps" rule's reps in `week`: the routine's, `add_reps` more a week after the first."""
        if self.kind != "reps" or reps.low is None:
            return reps
        more = self.add_reps * (week - 1)
        return Reps(min(reps.low + more, self.up_to), min(reps.high + more, self.up_to), reps.unit)

    def data(self) -> dict:
        """What assets/program.js reads."""
        found: dict = {"kind": self.kind}
        if self.reps:
            found |= {"low": self.reps.low, "high": self.reps.high}
        if self.add:
            found |= {"add": self.add.value, "unit": self.add.unit, "every": self.every}
        if self.kind == "reps":
            found |= {"addReps": self.add_reps, "upTo": self.up_to}
        if self.start:
            found |= {"start": self.start.value, "startUnit": self.start.unit}
        return found


@dataclass(frozen=True)
class Week:
    number: int
    routines: tuple[Routine, ...]  # its sessions' routines as the week does them, in the sessions' order (A, B)
    variation: str
    note: str
    deload: int  # percent of the working weight; 0 in a working week

    @property
    def rounds_range(self) -> tuple[int, int]:
        """The fewest and the most rounds a circuit of the week does, in every routine of it: as its
        pages say (a move's own sets in the week raise its circuit's over the week's rounds)."""
        every = [circuit.rounds for routine in self.routines for circuit in routine.circuits]
        return min(every), max(every)

    @property
    def reps(self) -> Reps | None:
        """The reps every move of the week does, for its table; None when they differ (a rule's, a
        move's own in the week): the table never says what the pages do not."""
        found = {slot.reps for routine in self.routines for slot in routine.slots}
        return found.pop() if len(found) == 1 else None

    def session(self, n: int, per_week: int) -> Routine:
        """The routine of the week's session `n` (1-based): A, B, A, ... when there are several."""
        return self.routines[(n - 1) % len(self.routines)] if n <= per_week else self.routines[-1]


@dataclass(frozen=True)
class ProgramUse:
    """One program's use of an exercise, for the exercise's page."""

    title: str
    path: str
    weeks: tuple[int, ...]  # the weeks that do it
    routines: tuple[str, ...]  # the titles of the routines it is done in
    rule: Rule | None  # how it progresses
    varied: tuple[tuple[str, tuple[int, ...]], ...]  # each variation label the weeks ask for, and those weeks
    deloads: tuple[tuple[int, int], ...]  # (week, percent) of each deload week that does it


@dataclass(frozen=True)
class Program:
    slug: str
    title: str
    description: str
    intro_html: str
    sessions_per_week: int
    weeks: tuple[Week, ...]
    rules: tuple[Rule, ...]
    steps: tuple[Amount, ...]  # the smallest weight step, in kg and in lb
    source: str

    @property
    def path(self) -> str:
        return f"programs/{self.slug}/"

    @cached_property
    def routines(self) -> tuple[Routine, ...]:
        """Every week's sessions, week by week: the pages the program adds."""
        return tuple(r for week in self.weeks for r in week.routines)

    def data(self) -> dict:
        """The program for assets/program.js: which page is which week's session, and the rules."""
        sessions = range(1, self.sessions_per_week + 1)
        return {
            "path": self.path, "title": self.title, "perWeek": self.sessions_per_week,
            "weeks": [{"number": w.number, "deload": w.deload,
                       "sessions": [w.session(n, self.sessions_per_week).path for n in sessions],
                       "titles": [w.session(n, self.sessions_per_week).title for n in sessions]}
                      for w in self.weeks],
            "rules": {rule.exercise.slug: rule.data() for rule in self.rules},
            "steps": {step.unit: step.value for step in self.steps},
        }

    def use_of(self, exercise: Exercise) -> ProgramUse | None:
        """How the program uses `exercise`, or None when it does not."""
        slots = [(w, r, slot) for w in self.weeks for r in w.routines if (slot := r.slot_of(exercise))]
        if not slots:
            return None
        rule = next((r for r in self.rules if r.exercise.slug == exercise.slug), None)
        varied: dict[str, list[int]] = {}
        for week, _, slot in slots:
            if slot.variation:
                varied.setdefault(slot.variation.label, []).append(week.number)
        deloads = tuple((w.number, w.deload) for w in self.weeks if w.deload and any(w is used for used, _, _ in slots))
        return ProgramUse(self.title, self.path, tuple(w.number for w, _, _ in slots),
                          tuple(dict.fromkeys(r.title for _, r, _ in slots)), rule,
                          tuple((label, tuple(numbers)) for label, numbers in varied.items()), deloads)

