"""Errors as values: a Problem names a file, a line and what is wrong; every stage collects
them and a ContentError carries them all out at once."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, printed as `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return _one_line(f"{where}: {self.message}")


def in_order(problems: list[Problem]) -> list[Problem]:
    """Each file's problems together and by line (a whole file's first), the files in the order
    the stages came to them: each stage finds its own, and a routine's `:11` came before its `:10`,
    its `:12` after a program's. One place's problems keep the order they were found in."""
    first: dict[str, int] = {}
    for problem in problems:
        first.setdefault(problem.path, len(first))
    return sorted(problems, key=lambda problem: (first[problem.path], problem.line or 0))


def _one_line(text: str) -> str:
    """Control characters (a newline in a file name, a NUL in a value) shown escaped; so are the
    marks that turn text around in a terminal (U+202E made `gpj.exe` of a name ending `exe.jpg`)."""
    return re.sub("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", lambda m: repr(m[0])[1:-1], text)


class ContentError(Exception):
    """Raised once, with every problem found, when the content cannot be built; with the exercises
    that were read without problems, whose images and photos are checked still (Static.problems_of)."""

    def __init__(self, problems: list[Problem], exercises: tuple = ()):  # model.Exercise, which imports this
        super().__init__(f"{len(problems)} problem(s)")
        self.problems, self.exercises = in_order(problems), exercises
