"""What changed between two builds' content, named as the pages' inputs are named (pages.py):
the dependency graph's vocabulary for the content.

A part of the site an edit did not reach is the very same object in both builds (content.py
keeps them), so the comparison goes down only where objects differ: an edited exercise is
found among 1,000 by identity, and in its routine only its circuit differs.
"""

from __future__ import annotations

from collections.abc import Iterable

from .graph import Input
from .model import Circuit, Routine, Site

SITE = ("site",)  # its title, its description, and which layout it has: every page shows them
INTRO = ("intro",)  # index.md's text: the home page
LIBRARY = ("library",)  # which exercises the library has, their titles and their order
TERMS = ("terms",)  # the muscles and the equipment the library names
ROUTINES = ("routines",)  # which routines the site has, in their order
PROGRAMS = ("programs",)  # which programs, in their order
PAGES = ("pages",)  # which pages the site has: the sitemap


def exercise(slug: str) -> Input:
    """Anything in one exercise file."""
    return ("exercise", slug)


def uses(slug: str) -> Input:
    """Which routines use an exercise (and in which of their circuits), and which programs."""
    return ("uses", slug)


def term(kind: str, name: str) -> Input:
    """The exercises, in order, that work a muscle or need a piece of equipment, and anything in
    them (the term's page lists each): one input for a list of 1,000, not 1,000."""
    return ("term", kind, name)


def routine(path: str) -> Input:
    """Anything in a routine (or a program's week): its pages show all of it."""
    return ("routine", path)


def heading(path: str) -> Input:
    """A routine's own words and settings: title, description, check-in, intro, rest, week."""
    return ("heading", path)


def circuit(path: str, number: int) -> Input:
    """One circuit of a routine: its name, note and rest, its exercises and what they are."""
    return ("circuit", path, number)


def program(slug: str) -> Input:
    return ("program", slug)


def card(path: str) -> Input:
    """How a routine's printed card is laid out (card.py plans it)."""
    return ("card", path)


def photos(slug: str) -> Input:
    """What an exercise's photos are shown as."""
    return ("photos", slug)


def template(name: str) -> Input:
    return ("template", name)


def source(path: str) -> Input:
    """A file copied into the site as it is: an asset, an image a body shows."""
    return ("file", path)


def changes(old: Site, new: Site) -> set[Input]:
    """Every input whose value differs between `old` and `new`."""
    found: set[Input] = set()
    if (old.title, old.description, old.classic) != (new.title, new.description, new.classic):
        found.add(SITE)
    if old.intro_html != new.intro_html:
        found.add(INTRO)
    if old.exercises is not new.exercises:
        found |= _exercises(old, new)
    found |= _routines(old.every_routine, new.every_routine)
    if [r.path for r in old.routines] != [r.path for r in new.routines]:
        found.add(ROUTINES)  # and each exercise's uses list them in the new order
        found |= {uses(s.slug) for r in (*old.routines, *new.routines) for s in r.slots}
    if old.programs is not new.programs:
        found |= _programs(old, new)
    return found


def _exercises(old: Site, new: Site) -> set[Input]:
    before, after = old.by_slug, new.by_slug
    edited = [slug for slug, e in after.items() if before.get(slug) is not e]
    gone = before.keys() - after.keys()
    found = {exercise(slug) for slug in (*edited, *gone)}
    if gone or len(before) != len(after) or any(before[s].title != after[s].title for s in edited if s in before):
        found.add(LIBRARY)  # which exercises, or their order by title
    if old.classic and new.classic:  # no library pages: nothing lists the terms
        return found
    for kind in ("muscles", "equipment"):
        was, now = getattr(old, kind), getattr(new, kind)
        if was.keys() != now.keys():
            found.add(TERMS)
        # The terms an edited exercise is listed under, before or after the edit.
        found |= {term(kind, name.lower()) for slug in (*edited, *gone) for e in (before.get(slug), after.get(slug))
                  if e for name in getattr(e, kind)}
    return found


def _routines(old: Iterable[Routine], new: Iterable[Routine]) -> set[Input]:
    before = {r.path: r for r in old}
    after = {r.path: r for r in new}
    found: set[Input] = set()
    for path in before.keys() | after.keys():
        was, now = before.get(path), after.get(path)
        if was is now:
            continue
        found.add(routine(path))
        if was is None or now is None or _heading(was) != _heading(now):
            found.add(heading(path))
        was_circuits = {c.number: c for c in (was.circuits if was else ())}
        now_circuits = {c.number: c for c in (now.circuits if now else ())}
        if list(was_circuits) != list(now_circuits):  # numbered otherwise: every circuit's neighbours moved
            changed = was_circuits.keys() | now_circuits.keys()
        else:
            changed = {n for n, c in now_circuits.items() if was_circuits[n] is not c}
        for number in changed:
            found.add(circuit(path, number))
            found |= {uses(slug) for slug in _members(was_circuits.get(number)) ^ _members(now_circuits.get(number))}
    return found


def _programs(old: Site, new: Site) -> set[Input]:
    before = {p.slug: p for p in old.programs}
    after = {p.slug: p for p in new.programs}
    found: set[Input] = set()
    if list(before) != list(after):
        found.add(PROGRAMS)  # each exercise's page lists its programs in this order
        found |= {uses(s.slug) for p in (*old.programs, *new.programs) for r in p.routines for s in r.slots}
    for slug in before.keys() | after.keys():
        was, now = before.get(slug), after.get(slug)
        if was is not now:
            found.add(program(slug))
            found |= {uses(s) for s in _program_members(was) ^ _program_members(now)}
    return found


def _heading(r: Routine) -> tuple:
    return (r.slug, r.title, r.description, r.checkin, r.intro_html, r.rest, r.source, r.folder, r.week)


def _members(c: Circuit | None) -> set[str]:
    return {s.slug for s in c.slots} if c else set()


def _program_members(p) -> set[str]:
    return {s.slug for r in p.routines for s in r.slots} if p else set()
