"""Read content/ and turn it into a Site, or into every problem found: the loading stage.

The parsers (frontmatter, fields, exercise, routine) take text and return values; only
this stage and read.py touch the disk, so tests can feed the parsers strings. A problem
never stops the reading: all of them come back together.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from . import workers
from .exercise import ParsedExercise, Placement, parse_exercise
from .fields import slug_problem
from .i18n import shipped
from .model import Exercise, Routine, Site, slugged
from .problem import ContentError, Problem
from .program import ProgramSpec, parse_program
from .weeks import build_program
from .program_model import Program
from .read import _resolved, cannot_read, check_images, outside, read_text
from .routine import (INDEX_ONLY_KEYS, ROUTINE_FILE_KEYS, ROUTINE_KEYS, SITE_KEYS, RoutineHeader, assemble,
                      check_slots, classic_slots, parse_routine, routine_slots)


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
    if not (count := workers.worth_it(len(paths), PARALLEL_FROM)):
        return [read_exercise(path) for path in paths]
    with workers.InOrder(partial(workers.each, read_exercise), paths, count, chunk=64) as results:
        return list(results)


def load(content_dir: Path, cache: ParseCache | None = None, changed: set[Path] | None = None,
         raw_html: bool = False) -> Site:
    """Read content_dir into a Site, or raise ContentError with every problem found (see load_with_facts)."""
    return load_with_facts(content_dir, cache, changed, raw_html)[0]


@dataclass(frozen=True)
class Facts:
    """What a load found besides the Site, for loader.Loader to put an edited exercise in place."""

    keys: dict[str, FileKey]  # each exercise file's key, by path, in file order
    placements: dict[str, Placement]  # what each exercise file placed (pair, sets, reps), by slug
    warnings: tuple[dict[str, tuple[Problem, ...]], tuple[Problem, ...], tuple[Problem, ...]]  # exercises' by
    # file, index.md's, the routines' and programs': the site's warnings in this order
    programs: dict[str, ProgramSpec]  # each program's spec, by slug
    raw_allowed: bool


def load_with_facts(content_dir: Path, cache: ParseCache | None = None, changed: set[Path] | None = None,
          raw_html: bool = False, language: str = "") -> tuple[Site, Facts]:
    """Read content_dir into a Site, or raise ContentError with every problem found.

    Two layouts: the classic one (index.md is the one routine; exercise files carry their
    pair, sets and reps) and the library (index.md is the home page; each routines/*.md
    names its exercises). `cache` (kept by the dev server between rebuilds) skips reading
    and parsing files whose size and modification time have not changed; parsing is pure,
    so a cached result is the same as a fresh one. `changed` (the dev server's watcher:
    the files changed since the last load with this cache) spares looking again at the
    others: a cached file it does not name is taken as it was. `raw_html` (repcard.toml's):
    raw HTML in bodies is let through site-wide, as index.md's `raw_html: true` lets it.
    `language`: a multilingual site's folder's, which index.md may not contradict.
    """
    cache = {} if cache is None else cache
    _resolved.cache_clear()
    problems: list[Problem] = []
    routine_files = [Path(path) for path in _markdown_files(content_dir / "routines", problems)]
    library_layout = (content_dir / "routines").is_dir()
    index = content_dir / "index.md"
    header, index_problems = _read_header(index, content_dir, partial(
        parse_routine, allowed=(SITE_KEYS if library_layout else ROUTINE_KEYS) + INDEX_ONLY_KEYS))
    raw_allowed = raw_html or bool(header and header.raw_html)
    warnings: list[Problem] = []
    if header:
        header = let_through(header, raw_allowed, warnings)
    first = tuple(warnings)  # index.md's
    exercise_warnings: dict[str, tuple[Problem, ...]] = {}
    problems += index_problems
    if language and header and header.language and header.language != language:
        problems.append(Problem(str(index), header.doc.line("language"), f"language: {header.language} in the folder "
                                f"of {language}: a multilingual site's language is its folder's name; remove the key"))
    exercise_dir = content_dir / "exercises"
    exercise_problems: list[Problem] = []
    files = _markdown_files(exercise_dir, exercise_problems)
    if not files:
        problems.append(Problem(str(exercise_dir), None, "no exercises: add one .md file per exercise here"))
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
    half_read: list[tuple[Exercise, Placement | None]] = []  # files with problems: what is checked all the same
    pairs_unknown = bool(exercise_problems)  # of files that could not be read, or whose pair is wrong
    for key in keys:
        found, parse_problems = parsed.get(key) or cache[key]
        exercise_problems += parse_problems
        if found and not parse_problems:
            said: list[Problem] = []
            library[found[0].slug] = (let_through(found[0], raw_allowed, said), found[1])
            exercise_warnings[key[0]] = tuple(said)
            warnings += said
        else:
            unreadable |= _names(Path(key[0]))
            half_read += [found] if found else []
            pairs_unknown |= not (found and found[1])
    folder = str(exercise_dir) + "/"  # the cache may hold another language's folder too
    for stale in {key for key in cache if key[0].startswith(folder)} - set(keys):  # deleted or edited files
        del cache[stale]
    problems += exercise_problems
    checked = [e for e, _ in (*library.values(), *half_read)]
    image_problems = {e.source: check_images(e, content_dir, raw_allowed) for e in checked}
    problems += [problem for found in image_problems.values() for problem in found]

    routines: list[Routine] = []
    if library_layout:
        problems += [Problem(e.source, p.line, "pair: with routines/, each routine file lists its exercises: move "
                             f"{p.circuit}{p.letter} into one (exercises: "
                             f"{{{p.circuit}{p.letter}: {slugged(e.slug)}}})")
                     for e, p in (*library.values(), *half_read) if p and p.circuit]
        for path in routine_files:
            routine_header, read_problems = _read_header(path, content_dir,
                                                         partial(parse_routine, allowed=ROUTINE_FILE_KEYS))
            wrong = slug_problem(str(path), "quick-core.md")
            problems += read_problems + ([wrong] if wrong else [])
            if routine_header:  # with problems of its own too: its exercises are checked in the same run
                routine_header = let_through(routine_header, raw_allowed, warnings)
                slots, slot_problems = routine_slots(routine_header, library, unreadable)
                # A slot whose exercise is missing or has problems of its own takes its place all the same.
                made = {(slot.circuit, slot.letter, slot.line) for slot in slots}
                failed = [((spec.circuit, spec.letter), str(path), spec.line,
                           spec.exercise if spec.exercise in unreadable else "")  # a move written twice: said
                          for spec in routine_header.slots if (spec.circuit, spec.letter, spec.line) not in made]
                problems += slot_problems + check_slots(slots, not routine_header.dropped, "exercises", failed)
                routine, assemble_problems = assemble(routine_header, slots, path.stem,
                                                      complete=not routine_header.dropped, failed=failed)
                problems += assemble_problems
                # Built whole or not at all: a program checks its weeks against every move of it.
                if routine and not read_problems and not wrong and not failed:
                    routines.append(routine)
    elif header:
        # A file with problems whose pair was written right takes its place: gaps are said all the same.
        known = [(e, p) for e, p in half_read if p]
        slots, slot_problems = classic_slots(list(library.values()), known)
        complete = not slot_problems and not pairs_unknown
        failed = [((p.circuit, p.letter), e.source, p.line, e.slug) for e, p in known if p.circuit]
        problems += slot_problems + check_slots(slots, complete, failed=failed)
        if slots or header.circuits:
            routine, assemble_problems = assemble(header, slots, slug="", complete=complete, failed=failed)
            problems += assemble_problems
            if routine:
                routines.append(routine)
    # Routines whose files have problems of their own: a program naming one says no more.
    broken = {name for path in routine_files for name in _names(path)} - {routine.slug for routine in routines}
    programs, specs, program_problems = _load_programs(content_dir, library_layout, routines, library,
                                                       broken | unreadable, raw_allowed, warnings,
                                                       named=frozenset(path.stem for path in routine_files))
    problems += program_problems
    if problems or not header:
        raise ContentError(problems, tuple(e for e in checked if not image_problems[e.source]))
    site = Site(header.title, header.description, header.intro_html, by_title(e for e, _ in library.values()),
                tuple(routines), tuple(warnings), programs, header.language)
    last = tuple(warnings[len(first) + sum(map(len, exercise_warnings.values())):])
    return site, Facts({key[0]: key for key in keys}, {e.slug: p for e, p in library.values()},
                       (exercise_warnings, first, last), specs, raw_allowed)


def _names(path: Path) -> set[str]:
    """A file that failed, by what a routine or program would call it: its name, and the slug
    its name would be if a wrong file name is its problem (Glute-Bridge.md), so that nothing
    naming it says more."""
    return {path.stem, slugged(path.stem)}


def by_title(exercises) -> tuple[Exercise, ...]:
    return tuple(sorted(exercises, key=lambda e: (e.title.casefold(), e.slug)))


def language_folders(content_dir: Path) -> tuple[dict[str, Path] | None, list[Problem]]:
    """A multilingual site's content: a folder per language, content/<lang>/, each a whole site
    (index.md, exercises/, routines/, programs/) whose files keep the same names in every
    language, so that an exercise is known by one slug. None for a site in one language. Beside
    them, a folder that is not one is a problem: its pages would be left out without a word."""
    if (content_dir / "index.md").exists() or not content_dir.is_dir():
        return None, []
    folders = [path for path in sorted(content_dir.iterdir()) if path.is_dir() and not path.name.startswith(".")]
    if not any((path / "index.md").exists() for path in folders if path.name in shipped()):
        return None, []
    # A language's folder without its index.md is loaded all the same: said missing, with the rest.
    return {path.name: path for path in folders if path.name in shipped()}, [
        Problem(str(path), None, f"not a language's folder: expected one of the languages repcard speaks, "
                                 f"{', '.join(shipped())}") for path in folders if path.name not in shipped()]


def _load_programs(content_dir: Path, library_layout: bool, routines: list[Routine],
                   library: dict[str, tuple[Exercise, Placement]], unreadable: set[str], raw_allowed: bool,
                   warnings: list[Problem], named: frozenset[str]
                   ) -> tuple[tuple[Program, ...], dict[str, ProgramSpec], list[Problem]]:
    """programs/*.md, each built on the library's routines and exercises; their specs, by slug.
    `named`: every routine file's name, built or not, for "did you mean"."""
    programs, specs, problems = [], {}, []
    files = [Path(path) for path in _markdown_files(content_dir / "programs", problems)]
    if files and not library_layout:
        return (), {}, [Problem(str(content_dir / "programs"), None, "programs are built on the routines in "
                                "routines/: move index.md's routine into routines/<name>.md (the library layout)")]
    by_slug = {r.slug: r for r in routines}
    exercises = {slug: exercise for slug, (exercise, _) in library.items()}
    for path in files:
        spec, read_problems = _read_header(path, content_dir, parse_program)
        problems += read_problems
        if wrong := slug_problem(str(path), "six-weeks.md"):
            problems.append(wrong)
        if spec:  # with problems of its own too: what else is wrong is said in the same run
            spec = specs[path.stem] = let_through(spec, raw_allowed, warnings)
            program, build_problems = build_program(spec, path.stem, by_slug, exercises, unreadable,
                                                    complete=not read_problems, named=named)
            problems += build_problems
            if program and not wrong:
                programs.append(program)
    return tuple(programs), specs, problems


def let_through(item: Exercise | RoutineHeader | ProgramSpec, allowed: bool, warnings: list[Problem]):
    """A body with raw HTML as index.md's `raw_html` says: let through, or shown as text with a warning."""
    raw = item.raw_body if isinstance(item, Exercise) else item.raw_intro
    if raw is None:
        return item
    if allowed:
        return replace(item, **{"body_html" if isinstance(item, Exercise) else "intro_html": raw.html})
    line, tag = raw.tags[0]
    more = f" (and {len(raw.tags) - 1} more)" if len(raw.tags) > 1 else ""
    path = item.source if isinstance(item, Exercise) else item.doc.path
    warnings.append(Problem(path, line, f"warning: raw HTML {tag[:40]}{more} is shown as text, not run; "
                                        "to let HTML through, set raw_html = true in repcard.toml "
                                        "(or raw_html: true in index.md)"))
    return item


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


def _markdown_files(folder: Path, problems: list[Problem] | None = None) -> list[str]:
    """The paths of the folder's Markdown files, sorted by name. Strings, not Paths: a
    rebuild lists 1,000s of files and looks closer at only the changed ones. Two names that
    differ only in the extension's case (legs.md, legs.MD) would be one page, the last read
    kept without a word: the other is said in `problems`, and left out."""
    if not folder.is_dir():
        return []
    where = str(folder) + "/"
    # Any case of the extension: an exercise saved as .MD must not vanish without a word.
    # A name of dots and ".md" has no extension, as for os.path.splitext.
    names = [name for name in sorted(os.listdir(folder)) if name[-3:].lower() == ".md" and name[:-3].strip(".")]
    if all(name.endswith(".md") for name in names):  # nearly always: no two can share a page
        return [where + name for name in names]
    kept: dict[str, str] = {}
    for name in sorted(names, key=lambda name: not name.endswith(".md")):  # legs.md is the one kept
        kept.setdefault(name[:-3], name)
    if problems is not None:
        problems += [Problem(where + name, None, f"the same page as {kept[name[:-3]]} (only the case of .md "
                             "differs): rename or remove one") for name in names if kept[name[:-3]] != name]
    return [where + name for name in names if kept[name[:-3]] == name]


def _read_header(path: Path, content_dir: Path, parse: Callable[[str, str], tuple[Any, list[Problem]]]):
    """index.md, a routine file or a program, read and parsed by `parse(path, text)`."""
    if not os.path.lexists(path):  # anything that is there is read, or refused by read_text
        return None, [Problem(str(path), None, "missing: the title and intro live in this file")]
    if link := outside(path, content_dir):
        return None, [link]
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse(str(path), text)
