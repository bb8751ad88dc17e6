"""A ProgramSpec (program.py) with the library's routines and exercises -> a Program whose weeks
are routines of their own; or every problem: a routine or exercise that is not there, a variation
an exercise lacks, a rule on a move no week uses, more routines in a week than it has sessions."""

from __future__ import annotations

import difflib
from dataclasses import replace

from .model import Exercise, Routine, Slot
from .problem import Problem
from .program import ProgramSpec, WeekSpec
from .program_model import Program, Rule, Week, WeekOf


def build_program(spec: ProgramSpec, slug: str, routines: dict[str, Routine], exercises: dict[str, Exercise],
                  unreadable: set[str] = frozenset(), complete: bool = True, named: frozenset[str] = frozenset()
                  ) -> tuple[Program | None, list[Problem]]:
    """The program, its weeks as routines of their own; or every problem. `unreadable`: routines and
    exercises whose files have problems of their own, which are not said again here; `named`: every
    routine file's name, built or not, for "did you mean". With `complete`
    false the file had problems (some weeks or rules may be missing from `spec`): what is checked
    against the whole program, a rule on an exercise no week uses, is left until they are fixed;
    so it is while a routine of the program is missing or has problems of its own."""
    path = spec.doc.path
    problems: list[Problem] = []

    def said(name: str, line: int | None, message: str) -> None:
        problems.append(Problem(path, line or spec.doc.line(name) or spec.doc.line(name.rsplit(".", 1)[0]), message))

    used: set[str] = set()
    routine_names = {name for week in spec.weeks for name in week.routines}
    bases: dict[WeekSpec, tuple[Routine, ...]] = {}
    for week in spec.weeks:
        found = []
        for name in week.routines:
            if routine := routines.get(name):
                found.append(routine)
            elif name not in unreadable:
                said(f"{week.name}.routine", None, f"{week.name}: no routine '{name}' in routines/{_close(name, routines.keys() | named)}")
        bases[week] = tuple(found)
        used |= {s.slug for r in found for s in r.slots}
        if len(found) == len(week.routines):
            problems += _check_week(spec, week, found, exercises, unreadable)
    per_week = spec.sessions_per_week or max((len(w.routines) for w in spec.weeks), default=1)
    for week in spec.weeks:
        if len(week.routines) > per_week:
            said(week.name, week.line, f"{week.name}: {len(week.routines)} routines but sessions_per_week is "
                                       f"{per_week}: {', '.join(week.routines[per_week:])} would never be done")
    rules = []
    for rule in spec.rules:
        exercise = exercises.get(rule.exercise)
        if exercise is None:
            if rule.exercise not in unreadable:
                said(rule.name, rule.line, f"{rule.name}: no exercise '{rule.exercise}' in exercises/"
                                           f"{_close(rule.exercise, exercises)}")
        elif not rule.kind:  # its own mistakes are said
            continue
        elif rule.exercise not in used and complete and routine_names <= routines.keys():
            said(rule.name, rule.line, f"{rule.name}: the program never uses {rule.exercise}: no week's routine has "
                                       "it; take the rule out or add the exercise to a routine")
        else:
            rules.append(Rule(exercise, rule.kind, rule.reps, rule.add, rule.every, rule.add_reps, rule.up_to,
                              rule.start, rule.line))
    if problems or not complete or not spec.weeks:
        return None, problems
    count = spec.weeks[-1].last
    by_slug = {rule.exercise.slug: rule for rule in rules}
    weeks = tuple(
        Week(number, tuple(_week_routine(base, week, number, count, by_slug, spec.title, slug, len(bases[week]) > 1)
                           for base in bases[week]),
             week.variation, week.note, week.deload)
        for week in spec.weeks for number in range(week.first, week.last + 1))
    return Program(slug, spec.title, spec.description, spec.intro_html, per_week, weeks, tuple(rules), spec.steps,
                   path), []


def _check_week(spec: ProgramSpec, week: WeekSpec, routines: list[Routine], exercises: dict[str, Exercise],
                unreadable: set[str]) -> list[Problem]:
    """A week's variation must be one some exercise of its routines has; a change must name one of them,
    and a variation that exercise has."""
    path = spec.doc.path
    problems = []
    slots = {s.slug: s for r in routines for s in r.slots}
    names = " and ".join(r.slug for r in routines)
    if week.variation:
        labels = sorted({v.label.lower() for s in slots.values() for v in s.exercise.variations})
        if week.variation.lower() not in labels:
            problems.append(Problem(path, spec.doc.line(f"{week.name}.variation") or week.line,
                                    f"{week.name}.variation: no exercise of {names} has a '{week.variation}' "
                                    f"variation; they have: {', '.join(labels) or 'none'}"))
    for change in week.changes:
        slot = slots.get(change.exercise)
        if slot is None:
            if change.exercise in unreadable:
                continue
            known = "" if change.exercise in exercises else f"; no exercise '{change.exercise}' in exercises/" \
                                                            f"{_close(change.exercise, exercises)}"
            problems.append(Problem(path, change.line or week.line, f"{change.name}: {change.exercise} is not "
                                    f"in {names}{known}"))
        elif change.variation and not _variation(slot.exercise, change.variation):
            labels = ", ".join(v.label for v in slot.exercise.variations) or "none"
            problems.append(Problem(path, spec.doc.line(f"{change.name}.variation") or change.line,
                                    f"{change.name}.variation: {change.exercise} has no '{change.variation}' "
                                    f"variation; it has: {labels}"))
    return problems


def _week_routine(base: Routine, week: WeekSpec, number: int, count: int, rules: dict[str, Rule], title: str,
                  program: str, several: bool) -> Routine:
    """The library routine as week `number` does it: rounds, reps, rest and variation as the week and
    the rules say, at programs/<program>/week-<n>/ (week-<n>-<routine>/ when the week has several)."""
    changes = {c.exercise: c for c in week.changes}

    def slot(s: Slot) -> Slot:
        change = changes.get(s.slug)
        rule = rules.get(s.slug)
        if rule and rule.reps:
            reps = rule.reps
        elif rule and rule.kind == "reps":  # more each week, from the routine's, whatever a week's `reps` says
            reps = rule.reps_in_week(s.reps, number)
        else:
            reps = week.reps or s.reps
        label = (change.variation if change else "") or week.variation
        return replace(s, sets=(change.sets if change else None) or week.rounds or s.sets,
                       reps=(change.reps if change else None) or reps,
                       variation=_variation(s.exercise, label) if label else None)

    rest = week.rest
    circuits = tuple(replace(c, slots=tuple(slot(s) for s in c.slots), rest=c.rest if rest is None else rest)
                     for c in base.circuits)
    return replace(base, slug=f"week-{number}" + (f"-{base.slug}" if several else ""), folder=f"programs/{program}",
                   circuits=circuits, rest=base.rest if rest is None else rest,
                   week=WeekOf(title, f"programs/{program}/", number, count, week.note, week.deload))


def _variation(exercise: Exercise, label: str):
    return next((v for v in exercise.variations if v.label.lower() == label.lower()), None)


def _close(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
