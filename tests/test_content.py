"""The content model and its validation: text in, model or problems out."""

from __future__ import annotations

from pathlib import Path

import pytest

from repcard.content import load
from repcard.exercise import parse_exercise
from repcard.fields import parse_reps
from repcard.model import Reps
from repcard.problem import ContentError, Problem, in_order
from repcard.words import ENGLISH
from repcard.program import parse_program
from repcard.routine import parse_routine

from .conftest import MINIMAL_INDEX, ROOT, SEED, exercise_text, write_tree

PATH = "content/exercises/x.md"


def problems_of(text: str) -> list[str]:
    exercise, problems = parse_exercise(PATH, text)
    assert problems and (exercise is None or exercise[1] is None or exercise[1].sets is None)  # nothing to build
    return [str(p) for p in problems]


def load_problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


# --- the seed routine -------------------------------------------------------------------


def test_seed_routine_has_three_pairs_in_doing_order():
    routine = load(SEED).routines[0]
    assert routine.title == "Wake Up Your Glutes and Hamstrings"
    assert [ENGLISH.circuit_label(c) for c in routine.circuits] == ["Alarm Clock", "Circuit 2", "Circuit 3"]
    assert [(e.pair, e.title, e.sets, ENGLISH.reps(e.reps)) for e in routine.slots] == [
        ("1A", "Glute Bridge", 2, "10 reps"),
        ("1B", "Band Walking", 2, "20 total each side"),
        ("2A", "Hip Extension With Leg Curl", 2, "10–12 reps"),
        ("2B", "Step-Ups", 2, "10–12 reps"),
        ("3A", "Reverse Lunge", 2, "10–12 reps"),
        ("3B", "Romanian Deadlift", 2, "10–12 reps"),
    ]
    curl = routine.slots[2].exercise
    assert [(v.label, v.text) for v in curl.variations] == [
        ("easier", "Leave out the curl; only raise and lower your hips."),
        ("harder", "One leg at a time."),
    ]
    assert curl.equipment == ("exercise ball",)
    assert "<ol>" in curl.body_html
    assert routine.circuits[0].note.startswith("Do this pair at the start")


def test_steps_alternate_a_circuit_round_by_round_with_rests_between():
    routine = load(SEED).routines[0]
    names = [f"{s.slot.pair}/{s.round}" if s.slot else f"rest {s.rest}" for s in routine.steps]
    assert names[:7] == ["1A/1", "1B/1", "rest 60", "1A/2", "1B/2", "rest 60", "2A/1"]
    assert names[-2:] == ["3A/2", "3B/2"]  # no rest after the last set


def test_an_exercise_with_fewer_sets_drops_out_of_later_rounds(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A", sets=1),
        "exercises/b.md": exercise_text("B", "1B", sets=2),
    })
    steps = [s.slot.pair if s.slot else "rest" for s in load(root).routines[0].steps]
    assert steps == ["1A", "1B", "rest", "1B"]


def test_order_is_circuit_then_letter_never_file_name(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/aaa.md": exercise_text("Last", "10A"),
        "exercises/bbb.md": exercise_text("Second", "2A"),
        "exercises/ccc.md": exercise_text("First B", "1B"),
        "exercises/zzz.md": exercise_text("First A", "1A"),
    })
    assert [s.title for s in load(root).routines[0].slots] == ["First A", "First B", "Second", "Last"]


def test_crlf_line_endings_and_a_byte_order_mark_are_read():
    text = "\ufeff" + exercise_text("Crlf", "1A").replace("\n", "\r\n")
    (exercise, _), problems = parse_exercise(PATH, text)
    assert problems == [] and exercise.title == "Crlf"


# --- reps -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected, shown", [
    (10, Reps(10, 10, ""), "10 reps"),
    ("10-12", Reps(10, 12, ""), "10–12 reps"),
    ("10–12", Reps(10, 12, ""), "10–12 reps"),
    ("8 to 10 reps", Reps(8, 10, ""), "8–10 reps"),
    ("20 total each side", Reps(20, 20, "total each side"), "20 total each side"),
    ("30 s hold", Reps(30, 30, "s hold"), "30 s hold"),
    ("to failure", Reps(None, None, "to failure"), "to failure"),
])
def test_reps_are_modelled_as_count_or_range_plus_unit(value, expected, shown):
    assert parse_reps(value) == expected
    assert ENGLISH.reps(expected) == shown  # the words are the site's language's (words.py)


@pytest.mark.parametrize("value, shown, timed, per_side", [
    ("30 s hold", "30 s hold", True, False),
    ("30-second hold", "30 s hold", True, False),  # was "30 -second hold", and no countdown
    ("30 seconds", "30 s", True, False),
    ("1 min hold", "60 s hold", True, False),
    ("0:45 hold", "45 s hold", True, False),
    ("20 m walk", "20 m walk", False, False),  # metres, not minutes
    ("8 each leg", "8 each leg", False, True),
    ("10 per arm", "10 per arm", False, True),
    ("20 total each side", "20 total each side", False, True),
    ("12", "12 reps", False, False),
])
def test_timed_and_per_side_sets_are_known_in_their_common_forms(value, shown, timed, per_side):
    reps = parse_reps(value)
    assert (ENGLISH.reps(reps), reps.timed, reps.per_side) == (shown, timed, per_side)


@pytest.mark.parametrize("value, message", [
    (0, "expected a count from 1 to 999, got 0"),
    ("12-10", "expected a range from low to high, like 10-12, got '12-10'"),
    ([10], "expected a number (10), a range (10-12) or a short text (20 total each side), got a list"),
    (True, "got true/false"),
    ("x" * 41, "expected a short text of at most 40 characters, got 41"),
])
def test_bad_reps_say_what_was_expected(value, message):
    assert message in parse_reps(value)


# --- one problem per bad input, with path and line ----------------------------------------


def test_no_front_matter():
    assert problems_of("# Glute Bridge\n") == [
        f"{PATH}:1: no front matter: the file must start with a '---' line"]


def test_unclosed_front_matter():
    assert problems_of("---\ntitle: x\n") == [
        f"{PATH}:1: front matter is not closed: add a '---' line after it"]


def test_invalid_yaml_reports_the_line_in_the_file():
    text = "---\ntitle: ok\npair: 1A\nsets: [2\nreps: 10\n---\n"
    [problem] = problems_of(text)
    assert problem.startswith(f"{PATH}:4: invalid YAML: a [list] or {{mapping}} opened on this line is not closed")


def test_front_matter_that_is_not_a_mapping():
    assert problems_of("---\n- a list\n---\n") == [
        f"{PATH}:2: front matter must be a mapping of 'key: value' lines, not a list"]


def test_missing_required_fields_are_each_named():
    assert problems_of("---\ncue: Squeeze.\n---\n") == [f"{PATH}:2: title: missing; expected text"]
    # A pair places the exercise in index.md's routine: it needs sets and reps then.
    assert problems_of("---\ntitle: T\npair: 1A\n---\n") == [
        f"{PATH}:2: sets: missing; expected a whole number from 1 to 20",
        f"{PATH}:2: reps: missing; expected a number (10), a range (10-12) or a short text (20 total each side)",
    ]


def test_in_the_classic_layout_a_forgotten_pair_is_named(tmp_path):
    root = write_tree(tmp_path, {"index.md": MINIMAL_INDEX, "exercises/a.md": exercise_text("A", "1A"),
                                 "exercises/b.md": "---\ntitle: B\nsets: 2\nreps: 10\n---\n"})
    assert load_problems(root) == [f"{root}/exercises/b.md: pair: missing; expected a circuit number and a "
                                   "slot letter, like 1A (or list the routine's exercises in routines/*.md)"]


def test_wrong_types_name_the_field_and_line():
    text = "---\ntitle: [a, b]\npair: 1A\nsets: 2\nreps: 10\nequipment: {a: 1}\ncue: 5\n---\n"
    assert problems_of(text) == [
        f"{PATH}:2: title: expected text, got a list",
        f"{PATH}:6: equipment: expected a list of text items, like [dumbbells, mat]",
    ]
    # A list written without brackets was one item: a muscle "core, glutes", its page muscles/core-glutes/.
    text = "---\ntitle: A\npair: 1A\nsets: 2\nreps: 10\nmuscles: core,glutes\nequipment: mat\n---\n"
    assert problems_of(text) == [f"{PATH}:6: muscles: a list is written in brackets, like [core, glutes]"]


@pytest.mark.parametrize("pair", ["1", "A1", "0A", "1AB", "true", "1.5"])
def test_bad_pair(pair):
    [problem] = problems_of(exercise_text("X", pair))
    assert problem.startswith(f"{PATH}:3: pair: expected a circuit number and a slot letter, like 1A or 12C")


@pytest.mark.parametrize("sets", ["0", "-1", "two", "2.5", "true"])
def test_sets_must_be_a_positive_whole_number(sets):
    [problem] = problems_of(exercise_text("X", "1A", sets=sets))
    assert problem.startswith(f"{PATH}:4: sets: expected a whole number from 1 to 20, got ")


def test_unknown_key_suggests_the_close_one_and_lists_the_allowed():
    [problem] = problems_of(exercise_text("X", "1A", extra="setz: 3\n"))
    assert problem == (f"{PATH}:6: unknown key 'setz' (did you mean 'sets'?); allowed: "
                       "title, pair (classic layout only), sets, reps, cue, muscles, equipment, variations, photos")


def test_unknown_key_without_a_close_match_lists_the_allowed():
    [problem] = problems_of(exercise_text("X", "1A", extra="colour: red\n"))
    assert problem.startswith(f"{PATH}:6: unknown key 'colour'; allowed: title,")


def test_variations_must_map_labels_to_text():
    assert problems_of(exercise_text("X", "1A", extra="variations: easier\n")) == [
        f"{PATH}:6: variations: expected a mapping of label to text, like 'easier: Skip the curl.'"]
    assert problems_of(exercise_text("X", "1A", extra="variations:\n  easier:\n")) == [
        f"{PATH}:7: variations.easier: missing; expected text"]


def test_a_cue_is_one_short_line():
    [problem] = problems_of(exercise_text("X", "1A", extra=f"cue: {'y' * 141}\n"))
    assert problem == f"{PATH}:6: cue: expected at most 140 characters, got 141"


def test_yaml_tags_that_would_construct_objects_are_refused():
    [problem] = problems_of("---\ntitle: !!python/object/apply:os.system [ls]\n---\n")
    assert problem.startswith(f"{PATH}:2: YAML tag")
    assert "is not allowed: use plain values" in problem


def test_yaml_mistakes_are_said_at_the_line_an_editor_shows():
    """YAML 1.1 also ends lines at U+0085, U+2028 and U+2029, which editors show within one line."""
    assert problems_of("---\ntitle: X\n[1, 2]: y\n---\n") == [
        f"{PATH}:3: invalid YAML: a key is a word or a number, not a [list] or {{mapping}}"]
    assert problems_of("---\ntitle: X\u2028more\ncue: y\n---\n") == [
        f"{PATH}:2: invalid YAML: U+2028, a line break to YAML, in this line: remove it or put the text in quotes"]
    assert problems_of('---\ntitle: X\nmuscles: ["a\u2028b", c\n---\n') == [  # in quotes it is text: not the problem
        f"{PATH}:3: invalid YAML: a [list] or {{mapping}} opened on this line is not closed"]
    assert problems_of("---\ntitle: X\n!!seq a: 1\n---\n") == [  # a key YAML makes a list: no traceback
        f"{PATH}:3: invalid YAML: a key is a word or a number, not a [list] or {{mapping}}"]
    quoted = '---\ntitle: "X\u2028more"\ncue: "a\u2029b"\nsets: lots\nsets: 2\n---\n'
    assert problems_of(quoted) == [f"{PATH}:5: sets: written twice, on lines 4 and 5; keep one"]
    assert problems_of(quoted.replace("sets: 2\n", "")) == [
        f"{PATH}:4: sets: expected a whole number from 1 to 20, got 'lots'"]


def test_a_misspelt_key_is_one_problem_and_a_weeks_change_has_its_own_line():
    assert problems_of(exercise_text("X", "1A").replace("sets:", "set:")) == [
        f"{PATH}:4: unknown key 'set' (did you mean 'sets'?); allowed: title, pair (classic layout only), sets, reps, "
        "cue, muscles, equipment, variations, photos"]  # not "sets: missing" besides
    text = "---\ntitle: P\nweeks:\n  1: {routine: a}\n  2:\n    routine: a\n    exercises:\n      step-ups:\n        sets: 0\n---\n"
    assert [str(p) for p in parse_program("programs/p.md", text)[1]] == [
        "programs/p.md:9: weeks.2.exercises.step-ups.sets: expected a whole number from 1 to 20, got 0"]


def test_a_photos_src_is_a_file_here_and_a_wrong_one_is_one_problem():
    photo = "---\ntitle: X\nphotos:\n  - {src: %s, alt: %s}\n---\n"
    assert problems_of(photo % ("https://example.com/x.jpg", "A")) == [
        f"{PATH}:4: photos: photo 1: src 'https://example.com/x.jpg': expected a file beside the exercise or in a "
        "folder below it, like dead-bug.jpg or dead-bug/0.jpg"]
    assert problems_of(photo % ("[a]", "A")) == [f"{PATH}:4: photos: photo 1: src: expected text, got a list"]  # not "missing" too
    assert problems_of(photo % ("../x.jpg", "[a]")) == [  # a wrong alt hides no wrong src
        f"{PATH}:4: photos: photo 1: alt: expected text, got a list",
        f"{PATH}:4: photos: photo 1: src '../x.jpg': expected a file beside the exercise or in a folder below it, "
        "like dead-bug.jpg or dead-bug/0.jpg"]
    assert problems_of(photo % ("''", "''")) == [f"{PATH}:4: photos: photo 1: src: missing; expected a file name like dead-bug.jpg"]


def test_a_key_yaml_reads_as_a_number_or_true_has_its_line():
    spec, problems = parse_program("programs/p.md", "---\ntitle: P\nweeks:\n  2: {routine: a}\n  true: {routine: b}\n"
                                                    "  03: {routine: c, rounds: 0}\n---\n")
    assert [str(p) for p in problems] == [
        "programs/p.md:5: weeks: expected a week number or a range of weeks, like 3 or 1-2, got 'True'",
        "programs/p.md:6: weeks.3.rounds: expected a whole number from 1 to 20, got 0"]


def test_yaml_aliases_are_refused_so_nothing_can_expand():
    [problem] = problems_of("---\na: &x [1, 2]\nb: [*x, *x]\n---\n")
    assert problem == f"{PATH}:2: YAML anchors and aliases (&name, *name) are not supported"


def test_a_file_name_that_is_not_a_slug_is_refused():
    exercise, problems = parse_exercise("content/exercises/Glute Bridge.md", exercise_text("X", "1A"))
    assert [str(p) for p in problems] == [
        "content/exercises/Glute Bridge.md: file name 'Glute Bridge' is not a URL slug: "
        "use lowercase letters, digits and hyphens, like glute-bridge.md"]
    long = "content/exercises/" + "a" * 101 + ".md"  # a folder's name, and a program week's week-<n>-<name>
    assert [str(p) for p in parse_exercise(long, exercise_text("X", "1A"))[1]] == [
        f"{long}: file name of 101 characters; expected at most 100, like glute-bridge.md"]
    assert parse_exercise(long.replace("a.md", ".md"), exercise_text("X", "1A"))[1] == []


def test_every_problem_in_a_file_is_reported_at_once():
    text = "---\ntitle: X\npair: Q\nsets: 0\nreps: -3\nsetz: 1\n---\n"
    assert len(problems_of(text)) == 4


def test_routine_fields_are_checked():
    text = "---\ntitel: X\nrest: -5\ncircuits:\n  1: {name: Warm, colour: red}\n  x: Bad\n---\n"
    header, problems = parse_routine("content/index.md", text)
    assert header.rest == 60 and header.circuits == {1: ("Warm", "", 60)}  # what was right, never built
    assert [str(p) for p in problems] == [
        "content/index.md:2: unknown key 'titel' (did you mean 'title'?); "
        "allowed: title, description, checkin, rest, circuits",  # and not "title: missing" besides
        "content/index.md:3: rest: expected a whole number from 0 to 3600, got -5",
        "content/index.md:5: unknown key 'circuits.1.colour'; allowed: name, note, rest",
        "content/index.md:6: circuits: expected circuit numbers 1, 2, 3, ..., got 'x'",
    ]


def test_circuits_take_a_name_or_a_name_with_note_and_rest(tmp_path):
    index = "---\ntitle: T\nrest: 45\ncircuits:\n  1: Warm-up\n  2: {name: Main, note: Go, rest: 90}\n---\n"
    root = write_tree(tmp_path, {
        "index.md": index,
        "exercises/a.md": exercise_text("A", "1A"),
        "exercises/b.md": exercise_text("B", "2A"),
        "exercises/c.md": exercise_text("C", "3A"),
    })
    circuits = load(root).routines[0].circuits
    assert [(ENGLISH.circuit_label(c), c.note, c.rest) for c in circuits] == [
        ("Warm-up", "", 45), ("Main", "Go", 90), ("Circuit 3", "", 45)]


# --- the whole content folder -------------------------------------------------------------


def test_missing_index_and_no_exercises(tmp_path):
    assert load_problems(tmp_path) == [
        f"{tmp_path}/index.md: missing: the title and intro live in this file",
        f"{tmp_path}/exercises: no exercises: add one .md file per exercise here",
    ]


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": b"---\ntitle: Caf\xe9\npair: 1A\n---\n",
    })
    assert load_problems(root) == [
        f"{root}/exercises/a.md:2: not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8"]


def test_duplicate_slot_is_reported_even_beside_other_problems(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A"),
        "exercises/b.md": exercise_text("B", "1A"),
        "exercises/c.md": exercise_text("C", "2A", sets=0),
    })
    assert load_problems(root) == [
        f"{root}/exercises/c.md:4: sets: expected a whole number from 1 to 20, got 0",
        f"{root}/exercises/b.md:3: pair: 1A is also used by {root}/exercises/a.md; give each exercise its own slot",
    ]


def test_a_gap_in_a_circuit_is_reported(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A"),
        "exercises/c.md": exercise_text("C", "1C"),
        "exercises/d.md": exercise_text("D", "2B"),
    })
    assert load_problems(root) == [
        f"{root}/exercises/c.md:3: pair: circuit 1 has no 1B, so 1C leaves a gap; expected 1B",
        f"{root}/exercises/d.md:3: pair: circuit 2 has no 2A, so 2B leaves a gap; expected 2A",
    ]


def test_a_gap_is_said_beside_a_mistake_in_a_file_whose_pair_is_right(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A"),
        "exercises/b.md": exercise_text("B", "1B", sets="lots"),  # takes 1B all the same: no false gap
        "exercises/d.md": exercise_text("D", "1D"),
    })
    assert load_problems(root) == [
        f"{root}/exercises/b.md:4: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/exercises/d.md:3: pair: circuit 1 has no 1C, so 1D leaves a gap; expected 1C"]
    (root / "exercises/b.md").write_text(exercise_text("B", "1?"))  # where it goes is unknown: no gap said
    assert load_problems(root) == [
        f"{root}/exercises/b.md:3: pair: expected a circuit number and a slot letter, like 1A or 12C, got '1?'"]


def test_a_failed_files_pair_is_checked_only_where_it_is_known(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": MINIMAL_INDEX,
        "exercises/a.md": exercise_text("A", "1A").replace("pair:", "pairs:"),  # where it goes: unknown
        "exercises/b.md": exercise_text("B", "1B"),
    })
    [problem] = load_problems(root)  # not "circuit 1 has no 1A, so 1B leaves a gap" besides
    assert problem.startswith(f"{root}/exercises/a.md:3: unknown key 'pairs' (did you mean 'pair'?)")
    # A file with a mistake whose pair clashes with another's: said in the same run.
    (root / "exercises/a.md").write_text(exercise_text("A", "1B", sets="lots"))
    assert load_problems(root) == [
        f"{root}/exercises/a.md:4: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/exercises/b.md:3: pair: 1B is also used by {root}/exercises/a.md; give each exercise its own slot"]
    # Where only the file with a mistake has a pair, every other is said to lack one, and no gap.
    (root / "exercises/b.md").write_text(exercise_text("B", "1A").replace("pair: 1A\n", ""))
    assert load_problems(root) == [
        f"{root}/exercises/a.md:4: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/exercises/b.md: pair: missing; expected a circuit number and a slot letter, like 1A (or list the "
        "routine's exercises in routines/*.md)"]


def test_a_named_circuit_without_exercises_is_reported(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": "---\ntitle: T\ncircuits:\n  1: One\n  4: Four\n---\n",
        "exercises/a.md": exercise_text("A", "1A"),
    })
    assert load_problems(root) == [
        f"{root}/index.md:5: circuits: circuit 4 is named but no exercise has a pair 4A"]


def test_a_named_circuit_whose_exercise_failed_is_not_said_empty(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": "---\ntitle: T\ncircuits:\n  1: One\n  2: Two\n  3: Three\n---\n",
        "exercises/a.md": exercise_text("A", "1A"),
        "exercises/b.md": exercise_text("B", "2A", sets="lots"),  # its pair is right: circuit 2 is its
    })
    assert load_problems(root) == [  # and circuit 3, which no exercise has, is said in the same run
        f"{root}/exercises/b.md:4: sets: expected a whole number from 1 to 20, got 'lots'",
        f"{root}/index.md:6: circuits: circuit 3 is named but no exercise has a pair 3A"]
    (root / "exercises/b.md").write_text(exercise_text("B", "2A").replace("pair: 2A", "pair: [2A]"))
    assert load_problems(root) == [  # where it goes is unknown: circuit 3 may be its
        f"{root}/exercises/b.md:3: pair: expected a circuit number and a slot letter, like 1A or 12C, got ['2A']"]


def test_problems_from_every_file_come_together(tmp_path):
    root = write_tree(tmp_path, {
        "index.md": "---\ntitle: [x\n---\n",
        "exercises/a.md": "no front matter\n",
        "exercises/b.md": exercise_text("B", "1B", sets=0),
    })
    problems = load_problems(root)
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in problems] == ["index.md", "a.md", "b.md"]


def test_a_files_problems_are_said_together_and_by_line():
    found = [Problem("r.md", 11, "b"), Problem("p.md", 4, "c"), Problem("r.md", 10, "a"), Problem("r.md", None, "file"),
             Problem("p.md", 4, "d"), Problem("r.md", 10, "a2")]
    assert [p.message for p in in_order(found)] == ["file", "a", "a2", "b", "c", "d"]
    assert [p.message for p in ContentError(found).problems] == ["file", "a", "a2", "b", "c", "d"]


def test_a_kept_hash_never_travels_in_a_pickle():
    """Exercises, slots and circuits keep their hash once worked out; the parse store pickles
    exercises for the next build, another process, where strings hash differently. A hash
    carried over would make an equal exercise miss every cache key it is in."""
    import pickle
    import subprocess
    import sys

    site = load(SEED)
    routine = site.routines[0]
    for thing in (site.exercises[0], routine.slots[0], routine.circuits[0]):
        hash(thing)
        assert "_hash" in thing.__dict__  # kept, so the test below means something
        copy = pickle.loads(pickle.dumps(thing))
        assert copy == thing and "_hash" not in copy.__dict__
    # And in another process with another hash seed, the copy hashes as that process would.
    code = ("import pickle, sys; e = pickle.loads(sys.stdin.buffer.read()); "
            "import dataclasses; print(hash(e) == hash(dataclasses.replace(e)))")
    answer = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(site.exercises[0]),
                            capture_output=True, env={"PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)},
                            check=True)
    assert answer.stdout.strip() == b"True"


def test_a_key_written_twice_is_named_with_both_lines_at_any_level():
    text = ("---\ntitle: Bridge\npair: 1A\nsets: 2\nreps: 10\ntitle: Hip Bridge\n"
            "variations:\n  easier: Feet closer.\n  easier: Hands down.\n"
            "photos:\n  - {src: a.jpg, alt: One, alt: Two}\n---\n")
    assert problems_of(text) == [
        f"{PATH}:6: title: written twice, on lines 2 and 6; keep one",
        f"{PATH}:9: variations.easier: written twice, on lines 8 and 9; keep one",
        f"{PATH}:11: photos.alt: written twice, on lines 11 and 11; keep one",
    ]
    # Written otherwise, read alike: YAML keeps the last of week 2 and week 02, and the parsers
    # take the text '2' for the same week (a program said "given twice" at the wrong line).
    from repcard.frontmatter import split_document

    _, problems = split_document(PATH, "---\nweeks:\n  1: a\n  2: b\n  02: c\n  '2': d\n  1.0: e\n---\n")
    assert [str(p) for p in problems] == [f"{PATH}:5: weeks.02: written twice, on lines 4 and 5; keep one",
                                          f"{PATH}:6: weeks.2: written twice, on lines 4 and 6; keep one",
                                          f"{PATH}:7: weeks.1.0: written twice, on lines 3 and 7; keep one"]


@pytest.mark.parametrize("front, line, message", [
    ("title: Bridge\ncue: Squeeze: then hold\n", 3, "text with ': ' in it needs quotes: cue: \"Squeeze: then hold\""),
    ("title: x\nmuscles:\n  - a\n - b\n", 5,
     "check the indentation of this line: the items of one list or mapping start in the same column"),
    ("title: x\nvariations:\n  easier: a\n    harder: b\n", 5,
     "check the indentation of this line: it is indented under a value, not under a key"),
    ("title: \"Bridge\ncue: x\n", 2, "a quote opened on this line is not closed"),
    ("title: x\nvariations:\n  easier: a\n  harder\n", 5,
     "this line is not 'key: value': add ': ' and a value, or put quotes around text"),
    ("title: x\nmuscles: [a, b\n", 3, "a [list] or {mapping} opened on this line is not closed"),
    # Said as a wrong indentation, where the quotes close before the value ends:
    ("title: x\ncue: \"Slow\" and steady\n", 3, "text after the closing quote: put quotes around the whole value, or none"),
    ("title: x\nmuscles:\n  - 'glutes' and more\n", 4, "text after the closing quote: put quotes around the whole value, or none"),
    ("title: x\ncue: a\n  tip: 'it''s'\n", 4, "check the indentation of this line: it is indented under a value, not under a key"),
])
def test_common_yaml_mistakes_say_what_to_do_at_the_line_that_is_wrong(front, line, message):
    assert problems_of(f"---\n{front}---\n") == [f"{PATH}:{line}: invalid YAML: {message}"]
