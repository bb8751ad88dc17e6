"""Every example the README gives an author builds (issue 20): the index.md and routine blocks, and
each example value in the table of exercise keys."""

from __future__ import annotations

import re
import shutil

from repcard.config import KEYS, parse_config
from repcard.content import load
from repcard.newsite import sample_files

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
LIBRARY = ROOT / "tests/fixtures/library"


def block_after(heading: str) -> str:
    """The ```yaml block under a `### heading`."""
    section = README.split(f"### {heading}\n", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.DOTALL)[1]


def exercise_examples() -> dict[str, str]:
    """key -> its first example, from the table under `content/exercises/<name>.md`."""
    table = README.split("### `content/exercises/<name>.md`\n", 1)[1].strip().split("\n\n", 1)[0]
    examples = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        examples[cells[0].strip("`")] = re.match(r"`([^`]+)`", cells[3])[1]
    return examples


def test_the_index_and_routine_examples_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(LIBRARY / "exercises", content / "exercises")
    (content / "routines").mkdir()
    (content / "index.md").write_text(block_after("`content/index.md`"))
    (content / "routines/before-a-run.md").write_text(block_after("`content/routines/<name>.md` (the library)"))
    site = load(content)
    [routine] = site.routines
    assert [c.name for c in routine.circuits] == ["Alarm Clock", "Hip Drive"]


def test_every_example_in_the_table_of_exercise_keys_builds(tmp_path):
    examples = exercise_examples()
    assert set(examples) == {"title", "pair", "sets", "reps", "cue", "muscles", "equipment", "variations", "photos"}
    content = tmp_path / "content"
    shutil.copytree(LIBRARY / "exercises/glute-bridge", content / "exercises/glute-bridge")
    (content / "index.md").write_text("---\ntitle: Examples\n---\n")
    lines = [f"{key}:\n  {value}" if key in ("variations", "photos") else f"{key}: {value}"
             for key, value in examples.items()]
    (content / "exercises/glute-bridge.md").write_text("---\n" + "\n".join(lines) + "\n---\n1. Do it.\n")
    [exercise] = load(content).exercises
    assert exercise.photos[0].alt == "Lying on the back, knees bent"


def test_the_repcard_toml_example_reads_clean_and_its_mistakes_read_as_the_readme_says():
    section = README.split("## A site of your own", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.DOTALL)[1]
    values, problems, warnings = parse_config("repcard.toml", example)
    assert problems == warnings == [] and set(values) == set(KEYS)
    # The README's mistakes, made in the repcard.toml that `repcard new` writes.
    said = re.search(r"```\n(repcard\.toml:.*?)```", section, re.DOTALL)[1].splitlines()
    written = sample_files("repcard")["repcard.toml"].decode()
    mistaken = written.replace('paper = "A4 or Letter"', 'paper = "A5"') + 'weight-unit = "kg"\n'
    assert [str(p) for p in parse_config("repcard.toml", mistaken)[1]] == said


def key_tables(heading: str) -> list[set[str]]:
    """The first column of each table in the section under `### heading`."""
    section = README.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    tables = re.findall(r"\| key \|.*?\n\|---.*?\n((?:\|.*\n)+)", section)
    return [{row.split("|")[1].strip().strip("`") for row in table.strip().splitlines()} for table in tables]


def test_the_program_example_builds_and_every_program_key_is_in_its_tables(tmp_path):
    from repcard.program import PROGRAM_KEYS, RULE_KEYS, WEEK_KEYS

    heading = "`content/programs/<name>.md` (the library)"
    assert key_tables(heading) == [set(PROGRAM_KEYS), set(WEEK_KEYS), set(RULE_KEYS)]
    content = tmp_path / "content"
    shutil.copytree(LIBRARY, content, ignore=shutil.ignore_patterns("programs"))
    (content / "programs").mkdir()
    (content / "programs/six-weeks.md").write_text(block_after(heading))
    [program] = load(content).programs
    assert [w.number for w in program.weeks] == [1, 2, 3, 4, 5, 6] and program.weeks[4].deload == 60
    assert [r.slug for r in program.weeks[5].routines] == ["week-6-before-a-run", "week-6-whole-workout"]
    assert [rule.kind for rule in program.rules] == ["double", "reps"]
