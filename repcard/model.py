"""The content model that templates read: small frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, printed as `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised once, with every problem found, when the content cannot be built."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


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
    def count(self) -> str:
        if self.low is None:
            return ""
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    def __str__(self) -> str:
        if not self.count:
            return self.unit
        return f"{self.count} {self.unit or 'reps'}"


@dataclass(frozen=True)
class Variation:
    label: str  # "easier", "harder", or the author's own word
    text: str


@dataclass(frozen=True)
class Exercise:
    slug: str  # the file's stem; also its URL
    title: str
    circuit: int
    slot: str  # "A", "B", ...
    sets: int
    reps: Reps
    cue: str  # one line for the card and workout mode; "" when not given
    muscles: tuple[str, ...]
    equipment: tuple[str, ...]
    variations: tuple[Variation, ...]
    body_html: str  # rendered Markdown from a trusted author
    source: str  # the file it came from, for messages

    @property
    def pair(self) -> str:
        return f"{self.circuit}{self.slot}"


@dataclass(frozen=True)
class Circuit:
    number: int
    name: str  # "" when the routine gives none
    note: str
    rest: int  # seconds after each round
    exercises: tuple[Exercise, ...]

    @property
    def label(self) -> str:
        return self.name or f"Circuit {self.number}"

    @property
    def rounds(self) -> int:
        return max(exercise.sets for exercise in self.exercises)


@dataclass(frozen=True)
class Step:
    """One moment of the workout in doing order: a set of an exercise, or a rest."""

    exercise: Exercise | None  # None for a rest
    circuit: Circuit
    round: int  # 1-based round within the circuit
    rest: int = 0  # seconds, for a rest step


@dataclass(frozen=True)
class Routine:
    title: str
    description: str
    checkin: str  # the check-in reminder, one line
    intro_html: str  # rendered Markdown: intro, check-in, guidelines
    rest: int  # default seconds of rest between rounds
    circuits: tuple[Circuit, ...]

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """Every exercise in doing order: circuit number, then slot letter."""
        return tuple(e for circuit in self.circuits for e in circuit.exercises)

    @property
    def equipment(self) -> tuple[str, ...]:
        """Everything the routine needs, each once, in the order it is first needed."""
        return tuple(dict.fromkeys(item for e in self.exercises for item in e.equipment))

    @property
    def steps(self) -> tuple[Step, ...]:
        """The whole workout in doing order: 1A set 1, 1B set 1, rest, 1A set 2, ...

        A circuit's exercises alternate round by round; an exercise with fewer sets
        than its partners drops out of the later rounds. A rest follows every round
        but the last of the routine.
        """
        steps: list[Step] = []
        for circuit in self.circuits:
            for round_ in range(1, circuit.rounds + 1):
                steps.extend(
                    Step(e, circuit, round_) for e in circuit.exercises if e.sets >= round_
                )
                steps.append(Step(None, circuit, round_, rest=circuit.rest))
        return tuple(steps[:-1])
