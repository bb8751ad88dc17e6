"""Loading one content folder build after build, as the dev server does: an edit to exercise
files put in place in the last Site, anything more loaded again (content.py) and made of the last
Site's objects wherever they are equal, so that changes.py finds what differs by identity.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from .content import Facts, ParseCache, by_title, let_through, load_with_facts, read_exercise
from .model import Circuit, Exercise, Routine, Site
from .problem import ContentError, Problem
from .program import ProgramSpec
from .program_model import Program
from .read import check_images, outside
from .weeks import build_program


class Loader:
    """Loads one content folder build after build (the dev server's): an edit to exercise files
    that leaves each where it was, without problems, is put in place in the last site, so that
    everything else in it stays the same object (changes.py compares by identity); any other
    change loads the folder again, from the parsed files that did not change."""

    def __init__(self, folder: Path, parsed: ParseCache | None = None, raw_html: bool = False,
                 language: str = "") -> None:
        self.folder, self.raw_html, self.language = folder, raw_html, language  # the folder's, if multilingual
        self.parsed: ParseCache = {} if parsed is None else parsed
        self.site: Site | None = None
        self.facts: Facts | None = None

    def load(self, changed: set[Path] | None) -> Site:
        """The site as the folder holds it now; `changed`: every path changed since the last load
        that succeeded (None: unknown). Raises ContentError with every problem found."""
        site = self._patched(changed) if changed is not None and self.site is not None else None
        if site is None:
            try:
                site, self.facts = load_with_facts(self.folder, self.parsed, changed, self.raw_html, self.language)
            except ContentError as error:  # what parsed, as the last site's objects where equal: their photos kept
                if self.site is not None:
                    last = {e: e for e in self.site.exercises}
                    error.exercises = tuple(last.get(e, e) for e in error.exercises)
                raise
            site = shared(self.site, site)
        self.site = site
        return site

    def _patched(self, changed: set[Path]) -> Site | None:
        """The last site with the edited exercise files in it, or None when the edit is more than that."""
        site, facts = self.site, self.facts
        folder = self.folder / "exercises"
        where, resolved = str(folder) + "/", folder.resolve()
        edited: dict[str, tuple[Exercise, tuple[Problem, ...]]] = {}
        keys = dict(facts.keys)
        for path in changed:
            source = where + path.name
            if path.parent != resolved or source not in keys or outside(Path(source), self.folder):
                return None
            try:
                stat = os.stat(source)
            except OSError:
                return None
            key = (source, stat.st_mtime_ns, stat.st_size)
            result = self.parsed.get(key)
            if result is None:
                result = read_exercise(source)
                if key[1] < time.time_ns() - 100_000_000:  # as _load: only results safely older than a tick
                    self.parsed[key] = result
            if keys[source] != key:
                self.parsed.pop(keys[source], None)
                keys[source] = key
            found, problems = result
            if problems or not found or found[1] != facts.placements.get(found[0].slug):
                return None
            said: list[Problem] = []
            exercise = let_through(found[0], facts.raw_allowed, said)
            if check_images(exercise, self.folder, facts.raw_allowed):
                return None
            if exercise != site.exercise(exercise.slug):  # saved as it was: nothing to put in place
                edited[exercise.slug] = exercise, tuple(said)
        routines = site.routines
        for exercise, _ in edited.values():
            routines = tuple(with_exercise(r, exercise) for r in routines)
        programs = _programs_with(site, routines, {slug: e for slug, (e, _) in edited.items()}, facts.programs)
        if programs is None:
            return None
        by_exercise, first, last = facts.warnings
        by_exercise = by_exercise | {e.source: said for e, said in edited.values()}
        self.facts = replace(facts, keys=keys, warnings=(by_exercise, first, last))
        exercises = [edited[e.slug][0] if e.slug in edited else e for e in site.exercises]
        if any(edited[e.slug][0].title != e.title for e in site.exercises if e.slug in edited):
            exercises = by_title(exercises)
        return replace(site, exercises=tuple(exercises), routines=routines, programs=programs,
                       warnings=(*first, *(w for said in by_exercise.values() for w in said), *last))


def _programs_with(site: Site, routines: tuple[Routine, ...], edited: dict[str, Exercise],
                   specs: dict[str, ProgramSpec]) -> tuple[Program, ...] | None:
    """The site's programs, those that use an edited exercise built again on the edited routines;
    None if one of them has a problem now (a variation the exercise no longer has)."""
    if not site.programs:
        return site.programs
    exercises = {e.slug: edited.get(e.slug, e) for e in site.exercises}
    by_slug = {r.slug: r for r in routines}
    programs = []
    for program in site.programs:
        used = {s.slug for r in program.routines for s in r.slots} | {rule.exercise.slug for rule in program.rules}
        if used.isdisjoint(edited):
            programs.append(program)
            continue
        built, problems = build_program(specs[program.slug], program.slug, by_slug, exercises)
        if problems or built is None:
            return None
        programs.append(built)
    return tuple(programs)


def with_exercise(routine: Routine, exercise: Exercise) -> Routine:
    """`routine` with `exercise`, an edit of one it uses (the same slug), in its slot; every other
    circuit the very same object. An edit that leaves a move where it was changes the routine so,
    where loading it again would make all of it anew."""
    slot = routine.slot_of(exercise)
    if slot is None:
        return routine
    old = routine.circuit(slot.circuit)
    i = routine.index(old)
    circuit = replace(old, slots=tuple(replace(s, exercise=exercise) if s is slot else s for s in old.slots))
    return replace(routine, circuits=(*routine.circuits[:i], circuit, *routine.circuits[i + 1:]))


def shared(previous: Site | None, site: Site) -> Site:
    """`site` made of `previous`'s objects wherever they are equal (the dev server's last build,
    when a change was more than an edit put in place): changes.py then finds
    what differs by identity, pages' keys compare by identity rather than field by field, and
    what a routine works out once is kept with it. Equal objects draw the same pages."""
    if previous is None:
        return site
    routines = {r: r for r in previous.routines}
    circuits = {c: c for r in previous.routines for c in r.circuits}
    slots = {s: s for r in previous.routines for s in r.slots}

    def circuit(new: Circuit) -> Circuit:
        return circuits.get(new) or replace(new, slots=tuple(slots.get(s) or s for s in new.slots))

    def routine(new: Routine) -> Routine:
        return routines.get(new) or replace(new, circuits=tuple(circuit(c) for c in new.circuits))

    exercises = {e: e for e in previous.exercises}  # parsed again (a file saved unchanged, or just written)
    programs = {p: p for p in previous.programs}
    site = replace(site, exercises=tuple(exercises.get(e, e) for e in site.exercises),
                   routines=tuple(routine(r) for r in site.routines),
                   programs=tuple(programs.get(p, p) for p in site.programs))
    return previous if site == previous else site  # and with it the index of uses, muscles, equipment
