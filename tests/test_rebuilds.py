"""The dev server's rebuilds, property-tested: random sequences of edits, additions, deletions,
renames and template changes go through the incremental path (the dependency graph, told the
paths the file watcher would name), and after every step the site is compared byte for byte
with a clean build of the same files; a step that breaks the content fails both ways alike and
leaves the site as it was.

CI runs a modest number of sequences; `make fuzz` (HYPOTHESIS_PROFILE=long) many more.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from repcard.content import load
from repcard.pipeline import BuildCache, Options, build, build_files
from repcard.problem import ContentError

from .conftest import ROOT, read_tree

SEQUENCES = int(os.environ.get("REPCARD_REBUILD_SEQUENCES", 500 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 12))
STEPS = 10
WORDS = ["Banded", "Slow", "Split", "Tempo", "Paused", "Reverse", "Kneeling", "Step", "Hinge", "Bridge", "Lunge", "Row"]
TERMS = ["glutes", "hamstrings", "quads", "calves", "core", "hip abductors"]
TEMPLATES = ["base.html", "exercise.html", "routine.html", "workout.html", "card.html", "routine-circuit.html",
             "workout-circuit.html", "card-circuit.html", "macros.html", "library.html", "home.html", "program.html",
             "sw.js", "sitemap.xml"]


EXERCISE_FIELDS = ["title", "cue", "body", "muscles", "equipment", "variations", "sets"]
ROUTINE_FIELDS = ["title", "rest", "intro", "circuit"]


@dataclass
class Project:
    """A site being edited: its folders, and the dev server's cache carried across builds."""

    root: Path
    options: Options
    cache: BuildCache = field(default_factory=BuildCache)
    broken: dict[Path, str] = field(default_factory=dict)  # files broken on purpose, with their good text
    edits: int = 0

    @property
    def content(self) -> Path:
        return self.options.content

    def exercises(self) -> list[Path]:
        return sorted((self.content / "exercises").glob("*.md"))

    def routines(self) -> list[Path]:
        return sorted((self.content / "routines").glob("*.md"))

    def library(self) -> bool:
        return (self.content / "routines").is_dir()


def project(tmp_path: Path, layout: str) -> Project:
    if layout == "library":  # two routines sharing moves, a program over six weeks on one, photos
        content = Path(shutil.copytree(ROOT / "tests/fixtures/library", tmp_path / "content"))
    elif layout == "routines":  # three routines, some moves in two, some in none; no program
        content = generate(tmp_path / "content", 14, words=40, routines=3)
        shared = content / "routines/routine-3.md"
        shared.write_text(shared.read_text().replace("exercises:\n", "exercises:\n  9A: move-00000-0\n"))
    else:  # the classic layout: the pairs in the exercise files
        content = generate(tmp_path / "content", 9, per_circuit=3, words=40)
    templates = Path(shutil.copytree(ROOT / "templates", tmp_path / "templates"))
    assets = Path(shutil.copytree(ROOT / "assets", tmp_path / "assets"))
    options = Options(content, tmp_path / "site", "https://someone.github.io/repcard/", templates, assets,
                      tmp_path / "cache")
    return Project(tmp_path, options)


# --- the steps: each changes some files and returns the paths the watcher would name ---------------


def words(data, count: int = 2) -> str:
    return " ".join(data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=count)))


def replace_line(path: Path, key: str, value: str) -> None:
    """The key's value (with the indented lines under it) in front matter replaced."""
    text = path.read_text()
    if re.search(rf"^{key}:.*$", text, re.M):
        text = re.sub(rf"^{key}:.*(\n  .*)*$", lambda _: f"{key}: {value}", text, count=1, flags=re.M)
    else:  # a key the file lacks goes after its title
        text = re.sub(r"^(title:.*)$", lambda m: f"{m[1]}\n{key}: {value}", text, count=1, flags=re.M)
    path.write_text(text)


def edit_exercise(p: Project, data) -> set[Path]:
    """One or two of an exercise's fields: its title, cue, steps, muscles, equipment, variations, sets."""
    path = data.draw(st.sampled_from(p.exercises()))
    for what in data.draw(st.sets(st.sampled_from(EXERCISE_FIELDS), min_size=1, max_size=2)):
        if what == "title":
            replace_line(path, "title", f"{words(data)} {p.edits}")
        elif what == "cue":
            replace_line(path, "cue", f"{words(data, 6)}.")
        elif what == "body":
            path.write_text(path.read_text() + f"\n{words(data, 5)}, said in edit {p.edits}.\n")
        elif what in ("muscles", "equipment"):
            chosen = data.draw(st.lists(st.sampled_from(TERMS), max_size=3, unique=True))
            replace_line(path, what, f"[{', '.join(chosen)}]")
        elif what == "variations":
            replace_line(path, "variations", f"{{harder: {words(data, 3)}}}")
        else:
            replace_line(path, "sets", str(data.draw(st.integers(1, 4))))
    return {path}


def add_exercise(p: Project, data) -> set[Path]:
    path = p.content / "exercises" / f"new-move-{p.edits}.md"
    placed = ""
    if not p.library():  # a circuit of its own after the last
        last = max(int(re.search(r"^pair: (\d+)", e.read_text(), re.M)[1]) for e in p.exercises())
        placed = f"pair: {last + 1}A\n"
    path.write_text(f"---\ntitle: {words(data)} New {p.edits}\n{placed}sets: 2\nreps: 10\n"
                    f"muscles: [{data.draw(st.sampled_from(TERMS))}]\n---\n1. {words(data, 4)}.\n")
    if p.library() and data.draw(st.booleans()):  # and into a routine, as a circuit of its own
        routine = data.draw(st.sampled_from(p.routines()))
        text = routine.read_text()
        last = max(int(n) for n in re.findall(r"^  (\d+)[A-Z]:", text, re.M))
        routine.write_text(re.sub(r"^exercises:\n", f"exercises:\n  {last + 1}A: {path.stem}\n", text, count=1,
                                  flags=re.M))
        return {path, routine}
    return {path}


def delete_exercise(p: Project, data) -> set[Path]:
    """An exercise nothing names (in the classic layout, the last of the last circuit: no gap)."""
    if p.library():
        named = " ".join(path.read_text() for path in [*p.routines(), *(p.content / "programs").glob("*.md")])
        unused = [path for path in p.exercises() if not re.search(rf"\b{path.stem}\b", named)]
        if not unused:
            return add_exercise(p, data)
        path = data.draw(st.sampled_from(unused))
    else:
        path = max(p.exercises(), key=lambda e: _pair(e))
    path.unlink()
    return {path}


def _pair(path: Path) -> tuple[int, str]:
    number, letter = re.search(r"^pair: (\d+)([A-Z])", path.read_text(), re.M).groups()
    return int(number), letter


def rename_exercise(p: Project, data) -> set[Path]:
    path = data.draw(st.sampled_from(p.exercises()))
    new = path.with_name(f"renamed-{p.edits}.md")
    path.rename(new)
    changed = {path, new}
    for other in [*p.routines(), *sorted((p.content / "programs").glob("*.md"))]:  # the references follow it
        text = other.read_text()
        if re.search(rf"\b{path.stem}\b", text):
            other.write_text(re.sub(rf"\b{path.stem}\b", new.stem, text))
            changed.add(other)
    return changed


def move_slot(p: Project, data) -> set[Path]:
    """Two moves swap places (in the classic layout, their pairs; in the library, in a routine)."""
    if p.library():
        routine = data.draw(st.sampled_from(p.routines()))
        text = routine.read_text()
        slots = re.findall(r"^  (\d+[A-Z]): (\S+)$", text, re.M)
        if len(slots) < 2:
            return set()
        (a, x), (b, y) = data.draw(st.permutations(slots))[:2]
        text = text.replace(f"  {a}: {x}\n", f"  {a}: @\n").replace(f"  {b}: {y}\n", f"  {b}: {x}\n")
        routine.write_text(text.replace(f"  {a}: @\n", f"  {a}: {y}\n"))
        return {routine}
    first, second = data.draw(st.permutations(p.exercises()))[:2]
    one, two = (re.search(r"^pair: (\S+)", f.read_text(), re.M)[1] for f in (first, second))
    replace_line(first, "pair", two)
    replace_line(second, "pair", one)
    return {first, second}


def edit_routine(p: Project, data) -> set[Path]:
    """One or two of a routine's own fields: title, rest, intro, a circuit's name."""
    path = data.draw(st.sampled_from(p.routines() or [p.content / "index.md"]))
    for what in data.draw(st.sets(st.sampled_from(ROUTINE_FIELDS), min_size=1, max_size=2)):
        if what == "title":
            replace_line(path, "title", f"{words(data)} Routine {p.edits}")
        elif what == "rest":
            replace_line(path, "rest", str(data.draw(st.integers(0, 120))))
        elif what == "intro":
            path.write_text(path.read_text() + f"\n{words(data, 4)} ({p.edits}).\n")
        else:
            text = path.read_text()
            name = f"  1: {words(data)} Block {p.edits}"
            if re.search(r"^  1:", text, re.M):
                text = re.sub(r"^  1:.*(\n    .*)*$", lambda _: name, text, count=1, flags=re.M)
            elif "circuits:" in text:
                text = re.sub(r"^circuits:.*$", f"circuits:\n{name}", text, count=1, flags=re.M)
            else:
                text = re.sub(r"^(title:.*)$", lambda m: f"{m[1]}\ncircuits:\n{name}", text, count=1, flags=re.M)
            path.write_text(text)
    return {path}


def edit_site(p: Project, data) -> set[Path]:
    index = p.content / "index.md"
    if data.draw(st.booleans()):
        replace_line(index, "title", f"{words(data)} Site {p.edits}")
    else:
        index.write_text(index.read_text() + f"\n{words(data, 4)} ({p.edits}).\n")
    return {index}


def edit_program(p: Project, data) -> set[Path]:
    programs = sorted((p.content / "programs").glob("*.md"))
    if not programs:
        return edit_site(p, data)
    path = programs[0]
    text = path.read_text()
    rounds = data.draw(st.integers(1, 4))
    path.write_text(re.sub(r"rounds: \d+", f"rounds: {rounds}", text, count=1))
    return {path}


def edit_template(p: Project, data) -> set[Path]:
    name = data.draw(st.sampled_from(TEMPLATES))
    path = p.options.templates / name
    text = path.read_text()
    mark = f"<!-- edit {p.edits} -->" if not name.endswith(".js") else f"// edit {p.edits}"
    if "{% block main %}" in text:
        text = text.replace("{% block main %}", "{% block main %}" + mark, 1)
    else:
        text += mark + "\n"
    path.write_text(text)
    return {path}


def edit_asset(p: Project, data) -> set[Path]:
    kind = data.draw(st.sampled_from(["style", "new", "script"]))
    if kind == "style":
        path = p.options.assets / "style.css"
        path.write_text(path.read_text() + f"/* edit {p.edits} */\n")
    elif kind == "new":
        path = p.options.assets / f"extra-{p.edits}.css"
        path.write_text("body { margin: 0 }\n")
    else:  # a script the build joins into each page's one file
        path = p.options.assets / data.draw(st.sampled_from(["text.js", "log.js", "card.js", "app.js"]))
        path.write_text(path.read_text() + f"window.edit{p.edits} = {p.edits};\n")
    return {path}


def edit_scripts(p: Project, data) -> set[Path]:
    """A page's scripts changed: records.js added to (or taken from) the card's or an exercise page's."""
    path = p.options.templates / data.draw(st.sampled_from(["card.html", "exercise.html"]))
    text = path.read_text()
    listed = re.search(r"{% set scripts = (\[[^]]*\]) %}", text)[1]
    names = [n for n in json.loads(listed) if n != "records.js"] + ([] if '"records.js"' in listed else ["records.js"])
    path.write_text(text.replace(listed, json.dumps(names), 1))
    return {path}


def break_something(p: Project, data) -> set[Path]:
    """A mistake, left until `fix`: bad front matter, or a template that reads what is not there."""
    if data.draw(st.booleans()):
        path = data.draw(st.sampled_from(p.exercises()))
        bad = path.read_text().replace("title:", "title: [unclosed", 1)
    else:
        path = p.options.templates / data.draw(st.sampled_from(["exercise.html", "routine-circuit.html"]))
        bad = path.read_text() + "{{ no_such_name.attribute }}\n"
    p.broken.setdefault(path, path.read_text())
    path.write_text(bad)
    return {path}


def fix(p: Project, data) -> set[Path]:
    for path, text in p.broken.items():
        path.write_text(text)
    fixed, p.broken = set(p.broken), {}
    return fixed


STEPS_BY_NAME = {f.__name__: f for f in (edit_exercise, add_exercise, delete_exercise, rename_exercise, move_slot,
                                         edit_routine, edit_site, edit_program, edit_template, edit_asset,
                                         edit_scripts, break_something, fix)}
# Each field an edit may change as likely as any other step; mistakes get fixed soon.
WEIGHTS = {"edit_exercise": len(EXERCISE_FIELDS), "edit_routine": len(ROUTINE_FIELDS), "fix": 3}


# --- the property ----------------------------------------------------------------------------------


def clean(p: Project) -> tuple[dict[str, bytes] | None, list[str]]:
    """What a clean build of the files as they stand makes, or its problems."""
    try:
        return build_files(p.options), []
    except ContentError as error:
        return None, [str(problem) for problem in error.problems]


@pytest.mark.parametrize("layout", ["library", "routines", "classic"])
@settings(max_examples=SEQUENCES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_rebuild_equals_a_clean_build(tmp_path_factory, layout, data):
    p = project(tmp_path_factory.mktemp(layout), layout)
    assert build(p.options, p.cache) == []
    steps = [name for name, weight in ((n, WEIGHTS.get(n, 1)) for n in STEPS_BY_NAME) for _ in range(weight)]
    for _ in range(data.draw(st.integers(3, STEPS))):
        p.edits += 1
        step = data.draw(st.sampled_from(steps))
        changed = STEPS_BY_NAME[step](p, data)
        before = read_tree(p.options.output)
        problems = build(p.options, p.cache, {path.resolve() for path in changed})
        expected, expected_problems = clean(p)
        if expected is None:
            assert [str(problem) for problem in problems] == expected_problems, step
            assert read_tree(p.options.output) == before, f"{step} failed, yet changed the site"
            continue
        assert problems == [], step
        site = read_tree(p.options.output)
        assert site.keys() == expected.keys(), step
        differ = [path for path in site if site[path] != expected[path]]
        assert not differ, f"after {step}, these differ from a clean build: {differ}"
        assert p.cache.editions[""].model == load(p.content), step  # the content as patched is the content as loaded
    shutil.rmtree(p.root, ignore_errors=True)
