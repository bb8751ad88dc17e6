"""A program over weeks (issue 21): its file parsed and checked against the library, each mistake a
`path:line: message` in one run, and its weeks made into routines of their own."""

from __future__ import annotations

import shutil

import pytest

from repcard.content import load
from repcard.problem import ContentError
from repcard.program import parse_program

from .conftest import ROOT

LIBRARY = ROOT / "tests/fixtures/library"


def with_program(tmp_path, text: str, name: str = "plan.md"):
    """The library fixture with programs/<name> alone holding `text`."""
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(LIBRARY, content, ignore=shutil.ignore_patterns("programs"))
        (content / "programs").mkdir()
    (content / "programs" / name).write_text(text)
    return content


def program_problems(tmp_path, text: str, name: str = "plan.md") -> list[str]:
    """The problems of the library with that program, as printed, paths from the content folder."""
    content = with_program(tmp_path, text, name)
    with pytest.raises(ContentError) as error:
        load(content)
    return [str(p).replace(str(content) + "/", "") for p in error.value.problems]


def built(tmp_path, text: str):
    [program] = load(with_program(tmp_path, text)).programs
    return program


def program_text(weeks: str, progression: str = "", head: str = "") -> str:
    return f"---\ntitle: Plan\n{head}weeks:\n{weeks}{progression}---\nIntro.\n"


def test_the_fixture_program_has_six_weeks_of_the_whole_workout_that_progress():
    site = load(LIBRARY)
    [program] = site.programs
    assert program.path == "programs/six-weeks/" and program.sessions_per_week == 2
    assert [w.number for w in program.weeks] == [1, 2, 3, 4, 5, 6]
    assert [r.path for r in program.routines] == [f"programs/six-weeks/week-{n}/" for n in range(1, 7)]
    week3 = program.weeks[2].routines[0]
    assert ENGLISH.week_label(week3.week) == "Week 3 of 6" and week3.title == "The Whole Workout"
    assert {s.sets for s in week3.slots} == {3}  # rounds: 3
    harder = {s.slug: s.variation.text for s in week3.slots if s.variation}
    assert harder == {"hip-extension-with-leg-curl": "One leg at a time.", "reverse-lunge": "Hold a dumbbell in each hand."}
    # Double progression sets the range; reps per week add one a week up to the cap.
    rdl = [r.slot_of(site.exercises[4]) for r in program.routines]
    assert site.exercises[4].slug == "romanian-deadlift" and {ENGLISH.reps(s.reps) for s in rdl} == {"8–12 reps"}
    steps = [ENGLISH.reps(next(s for s in r.slots if s.slug == "step-ups").reps) for r in program.routines]
    assert steps == ["10–12 reps", "11–13 reps", "12–14 reps", "13–15 reps", "14–15 reps", "15 reps"]
    assert program.weeks[4].deload == 60 and program.weeks[4].routines[0].week.deload == 60
    # The library's routine is left as it was.
    assert {s.sets for s in site.routines[1].slots} == {2} and not any(s.variation for s in site.routines[1].slots)


def test_a_program_is_read_from_text_alone():
    spec, problems = parse_program("programs/p.md", program_text("  1: {routine: a}\n  2-3: {routine: b, rounds: 3}\n"))
    assert problems == []
    assert [(w.first, w.last, w.routines, w.rounds) for w in spec.weeks] == [(1, 1, ("a",), None), (2, 3, ("b",), 3)]


def test_every_mistake_the_issue_names_is_a_path_line_problem_in_one_run(tmp_path):
    text = """---
title: Plan
weeks:
  1-2: {routine: whole-workut, rounds: 2}
  3-4: {routine: whole-workout, variation: hardest}
  4: {routine: whole-workout}
  6: {routine: whole-workout, exercises: {step-ups: {variation: harder}, plank: {sets: 3}}}
progression:
  romanian-deadlift: {reps: 8-12, add: 2.5}
  glute-brige: {add_reps: 1, up_to: 15}
---
"""
    assert program_problems(tmp_path, text) == [
        "programs/plan.md:3: weeks: week 5 is missing; give every week from 1 to 6 (a range like 3-4 gives two)",
        "programs/plan.md:4: weeks.1-2: no routine 'whole-workut' in routines/ (did you mean 'whole-workout'?)",
        "programs/plan.md:5: weeks.3-4.variation: no exercise of whole-workout has a 'hardest' variation; "
        "they have: easier, harder",
        "programs/plan.md:6: weeks.4: week 4 is given twice: here and in 3-4 (line 5); give each week once",
        "programs/plan.md:7: weeks.6.exercises.step-ups.variation: step-ups has no 'harder' variation; it has: none",
        "programs/plan.md:7: weeks.6.exercises.plank: plank is not in whole-workout; no exercise 'plank' in exercises/",
        "programs/plan.md:9: progression.romanian-deadlift.add: an increment without a unit: write 2.5 kg or 2.5 lb",
        "programs/plan.md:10: progression.glute-brige: no exercise 'glute-brige' in exercises/ (did you mean 'glute-bridge'?)",
    ]


def test_overlapping_ranges_and_a_rule_on_a_move_the_program_never_uses(tmp_path):
    text = program_text("  1-3: {routine: before-a-run}\n  3-4: {routine: before-a-run}\n",
                        "progression:\n  step-ups: {add_reps: 1, up_to: 15}\n")
    assert program_problems(tmp_path, text) == [
        "programs/plan.md:5: weeks.3-4: overlaps 1-3 (line 4): week 3 is in both; give each week once"]
    text = text.replace("3-4:", "4:")
    assert program_problems(tmp_path, text) == [
        "programs/plan.md:7: progression.step-ups: the program never uses step-ups: no week's routine has it; "
        "take the rule out or add the exercise to a routine"]


def test_a_week_written_wrong_still_has_its_weeks_checked(tmp_path):
    text = program_text("  1-3: {routine: before-a-run, rounds: 99}\n  3-4: {routine: before-a-run}\n"
                        "  6: before-a-run\n", "")
    assert program_problems(tmp_path, text) == [
        "programs/plan.md:3: weeks: week 5 is missing; give every week from 1 to 6 (a range like 3-4 gives two)",
        "programs/plan.md:4: weeks.1-3.rounds: expected a whole number from 1 to 20, got 99",
        "programs/plan.md:5: weeks.3-4: overlaps 1-3 (line 4): week 3 is in both; give each week once",
        "programs/plan.md:6: weeks.6: expected a mapping like {routine: whole-workout, rounds: 2}, got text"]
    # A key that is no week: which weeks it meant is unknown, so none is said missing.
    assert program_problems(tmp_path, text.replace("  6:", "  six:")) == [
        "programs/plan.md:4: weeks.1-3.rounds: expected a whole number from 1 to 20, got 99",
        "programs/plan.md:5: weeks.3-4: overlaps 1-3 (line 4): week 3 is in both; give each week once",
        "programs/plan.md:6: weeks: expected a week number or a range of weeks, like 3 or 1-2, got 'six'"]
    # A misspelt routine key: said as that, not also "routine: missing".
    assert program_problems(tmp_path, text.replace("  6: before-a-run", "  5-6: {routin: before-a-run}")) == [
        "programs/plan.md:4: weeks.1-3.rounds: expected a whole number from 1 to 20, got 99",
        "programs/plan.md:5: weeks.3-4: overlaps 1-3 (line 4): week 3 is in both; give each week once",
        "programs/plan.md:6: unknown key 'weeks.5-6.routin' (did you mean 'routine'?); allowed: routine, routines, "
        "rounds, reps, rest, variation, exercises, note, deload"]


def test_a_routine_with_a_problem_still_has_its_moves_checked_and_says_no_more(tmp_path):
    """A mistake in a routine's own field leaves it out of the site; what else is wrong in it is
    said in the same run, and the program on it does not say its moves are never used."""
    content = with_program(tmp_path, program_text("  1-4: {routine: whole-workout}\n",
                                                  "progression:\n  romanian-deadlift: {reps: 8-12, add: 2.5 kg}\n"))
    routine = content / "routines/whole-workout.md"
    routine.write_text(routine.read_text().replace("rest: 60", "rest: sixty").replace("1B: band-walking",
                                                                                       "1B: band-walkin"))
    with pytest.raises(ContentError) as error:
        load(content)
    assert [str(p).replace(str(content) + "/", "") for p in error.value.problems] == [
        "routines/whole-workout.md:5: rest: expected a whole number from 0 to 3600, got 'sixty'",
        "routines/whole-workout.md:12: 1B: no exercise 'band-walkin' in exercises/ (did you mean 'band-walking'?)"]
    routine.write_text(routine.read_text().replace("rest: sixty", "rest: 60").replace("1B: band-walkin",
                                                                                     "1B: {exercise: band-walking, rep: 9}"))
    assert program_problems(tmp_path, program_text("  1-4: {routine: whole-workou}\n", "progression:\n"
                                                   "  romanian-deadlift: {reps: 8-12, add: 2.5 kg}\n")) == [
        "routines/whole-workout.md:12: unknown key 'exercises.1B.rep' (did you mean 'reps'?); allowed: exercise, sets, reps",
        "programs/plan.md:4: weeks.1-4: no routine 'whole-workou' in routines/ (did you mean 'whole-workout'?)"]


def test_a_routine_with_a_wrong_file_name_is_the_only_line_about_it(tmp_path):
    content = with_program(tmp_path, program_text("  1-4: {routine: whole-workout}\n"))
    (content / "routines/whole-workout.md").rename(content / "routines/Whole-Workout.md")
    with pytest.raises(ContentError) as error:
        load(content)
    assert [str(p).replace(str(content) + "/", "") for p in error.value.problems] == [
        "routines/Whole-Workout.md: file name 'Whole-Workout' is not a URL slug: use lowercase letters, digits and "
        "hyphens, like quick-core.md"]  # not "no routine 'whole-workout'" in the program besides


def test_keys_are_checked_with_suggestions_and_a_comma_in_braces_is_explained(tmp_path):
    text = """---
title: Plan
sesions_per_week: 2
weeks:
  1: {routine: before-a-run, round: 2, note: Deload, light and easy.}
  2: {routines: [before-a-run, whole-workout], deload: 160%}
  1-1: {routine: before-a-run}
progression:
  glute-bridge: {reps: 8-12, ad: 2.5 kg}
  band-walking: {add_reps: 1}
  step-ups: {reps: 10, add: 5 lb, add_reps: 1, up_to: 12}
  zercher-squat: {reps: 5, add: 5 kg, every: month}
---
"""
    assert program_problems(tmp_path, text) == [
        "programs/plan.md:3: unknown key 'sesions_per_week' (did you mean 'sessions_per_week'?); allowed: title, "
        "description, sessions_per_week, weight_step, weeks, progression",
        "programs/plan.md:5: unknown key 'weeks.1.round' (did you mean 'rounds'?); allowed: routine, routines, rounds, "
        "reps, rest, variation, exercises, note, deload",
        "programs/plan.md:5: unknown key 'weeks.1.light and easy.'; allowed: routine, routines, rounds, reps, rest, "
        "variation, exercises, note, deload",
        "programs/plan.md:5: weeks.1: inside { } a comma ends a value: put quotes around text with a comma, "
        "like note: \"Deload, light and easy.\"",
        "programs/plan.md:6: weeks.2.deload: expected a share of the working weight from 1% to 99%, like 60%, got '160%'",
        "programs/plan.md:7: weeks: expected a range from the first week to the last, like 1-2, got '1-1'",
        "programs/plan.md:9: unknown key 'progression.glute-bridge.ad' (did you mean 'add'?); allowed: reps, add, every, "
        "add_reps, up_to, start",
        "programs/plan.md:9: progression.glute-bridge: expected add (a weight, like {reps: 8-12, add: 2.5 kg}) or "
        "add_reps (reps a week, like {add_reps: 1, up_to: 15})",
        "programs/plan.md:10: progression.band-walking: add_reps needs up_to, the most reps it goes to, like "
        "{add_reps: 1, up_to: 15}",
        "programs/plan.md:11: progression.step-ups.add: goes with add, not with add_reps; a rule adds weight or reps, "
        "not both",
        "programs/plan.md:11: progression.step-ups.reps: goes with add, not with add_reps; a rule adds weight or reps, "
        "not both",
        # A rule with a mistake of its own still names its exercise: a misspelt one is said in the same run.
        "programs/plan.md:12: progression.zercher-squat.every: expected session or week, got 'month'",
        "programs/plan.md:12: progression.zercher-squat: no exercise 'zercher-squat' in exercises/",
    ]


def test_a_key_written_twice_and_a_week_with_more_routines_than_sessions(tmp_path):
    twice = program_text("  1: {routine: before-a-run}\n  1: {routine: whole-workout}\n")
    assert program_problems(tmp_path, twice) == [
        "programs/plan.md:5: weeks.1: written twice, on lines 4 and 5; keep one"]
    busy = program_text("  1: {routines: [before-a-run, whole-workout]}\n", head="sessions_per_week: 1\n")
    assert program_problems(tmp_path, busy) == [
        "programs/plan.md:5: weeks.1: 2 routines but sessions_per_week is 1: whole-workout would never be done"]


def test_a_program_needs_the_library_layout_and_a_slug_for_a_name(tmp_path):
    assert program_problems(tmp_path, program_text("  1: {routine: before-a-run}\n"), name="Six Weeks.md") == [
        "programs/Six Weeks.md: file name 'Six Weeks' is not a URL slug: use lowercase letters, digits and hyphens, "
        "like six-weeks.md"]
    classic = tmp_path / "classic"
    shutil.copytree(ROOT / "tests/fixtures/glutes", classic)
    (classic / "programs").mkdir()
    (classic / "programs/plan.md").write_text(program_text("  1: {routine: x}\n"))
    with pytest.raises(ContentError) as error:
        load(classic)
    assert [p.message for p in error.value.problems] == [
        "programs are built on the routines in routines/: move index.md's routine into routines/<name>.md "
        "(the library layout)"]


def test_a_week_of_two_routines_takes_them_in_turn_and_a_week_changes_one_move(tmp_path):
    program = built(tmp_path, program_text(
        "  1: {routines: [before-a-run, whole-workout], reps: 8, rest: 45}\n"
        "  2: {routine: whole-workout, exercises: {reverse-lunge: {sets: 4, reps: 6, variation: harder}}}\n",
        "progression:\n  romanian-deadlift: {reps: 5, add: 5 lb, every: week, start: 95 lb}\n",
        head="sessions_per_week: 3\nweight_step: [1 kg]\n"))
    week1, week2 = program.weeks
    assert [r.path for r in week1.routines] == ["programs/plan/week-1-before-a-run/", "programs/plan/week-1-whole-workout/"]
    assert [week1.session(n, 3).slug for n in (1, 2, 3)] == ["week-1-before-a-run", "week-1-whole-workout",
                                                            "week-1-before-a-run"]
    assert {ENGLISH.reps(s.reps) for s in week1.routines[0].slots} == {"8 reps"} and week1.routines[0].rest == 45
    assert {c.rest for c in week1.routines[1].circuits} == {45}
    lunge = next(s for s in week2.routines[0].slots if s.slug == "reverse-lunge")
    assert (lunge.sets, ENGLISH.reps(lunge.reps), lunge.variation.label) == (4, "6 reps", "harder")
    rdl = next(s for s in week2.routines[0].slots if s.slug == "romanian-deadlift")
    assert ENGLISH.reps(rdl.reps) == "5 reps"  # the linear rule's reps
    data = program.data()
    assert data["perWeek"] == 3 and data["steps"] == {"kg": 1.0, "lb": 5.0}
    assert data["weeks"][0]["sessions"] == ["programs/plan/week-1-before-a-run/", "programs/plan/week-1-whole-workout/",
                                            "programs/plan/week-1-before-a-run/"]
    assert data["rules"]["romanian-deadlift"] == {"kind": "linear", "low": 5, "high": 5, "add": 5.0, "unit": "lb",
                                                  "every": "week", "start": 95.0, "startUnit": "lb"}


def test_a_rule_of_reps_goes_on_through_a_week_of_other_reps(tmp_path):
    """A week's `reps` is for the moves without a rule of their own, as the README's order says:
    step-ups going one more a week came down to 7 in a week of 6 (6, and a week's one more)."""
    program = built(tmp_path, program_text("  1: {routine: whole-workout}\n  2: {routine: whole-workout, reps: 6}\n",
                                           "progression:\n  step-ups: {add_reps: 1, up_to: 15}\n"))
    reps = [{s.slug: ENGLISH.reps(s.reps) for s in week.routines[0].slots} for week in program.weeks]
    assert [r["step-ups"] for r in reps] == ["10–12 reps", "11–13 reps"]
    assert reps[1]["reverse-lunge"] == "6 reps"


def test_an_exercise_says_how_each_program_uses_it():
    site = load(LIBRARY)
    [program] = site.programs
    lunge = next(e for e in site.exercises if e.slug == "reverse-lunge")
    rdl = next(e for e in site.exercises if e.slug == "romanian-deadlift")
    assert ENGLISH.program_use(program.use_of(lunge)) == ("Weeks 1–6, in The Whole Workout.", "The harder variation in weeks 3–4 and 6.",
                                         "Week 5 is a deload: 60% of the working weight.")
    assert ENGLISH.program_use(program.use_of(rdl))[1] == ("8–12 reps; once every set reaches 12, add 2.5 kg and start again at 8 "
                                          "(double progression).")


def test_a_program_without_weeks_says_so_at_the_front_matter():
    spec, problems = parse_program("programs/p.md", "---\ntitle: Plan\nweeks: {}\n---\n")
    assert [str(p) for p in problems] == ["programs/p.md:3: weeks: expected a mapping from week (or weeks, like 1-2) "
                                          "to what is done, like '1-2: {routine: whole-workout}'"]
    spec, problems = parse_program("programs/p.md", "---\ntitle: Plan\n---\n")
    assert [str(p) for p in problems] == ["programs/p.md:2: weeks: missing; expected a mapping from week (or weeks, "
                                          "like 1-2) to what is done, like '1-2: {routine: whole-workout}'"]


# --- any program file: built, or every problem a path:line line ---------------------------------

from hypothesis import example, given, strategies as st  # noqa: E402

from repcard.program import CHANGE_KEYS, RULE_KEYS, WEEK_KEYS  # noqa: E402
from repcard.weeks import build_program  # noqa: E402
from repcard.words import ENGLISH

from .test_robustness import assert_problems_are_lines, awkward_text, dumped, fuzzed_files, values  # noqa: E402

SITE = load(LIBRARY)
ROUTINES = {r.slug: r for r in SITE.routines}
EXERCISES = {e.slug: e for e in SITE.exercises}
plausible = st.one_of(values, st.sampled_from(["whole-workout", "before-a-run", "nowhere", "harder", "easier", "60%",
                                               "8-12", "2.5 kg", "5", "5 lb", "session", "week", "step-ups"]))
week_keys = st.one_of(st.integers(-2, 60), st.sampled_from(["1-2", "3-4", "2-1", "1–3", "0", "5 to 6"]), awkward_text)
weeks = st.dictionaries(week_keys, st.dictionaries(st.sampled_from(WEEK_KEYS + ("round",)), plausible, max_size=5),
                        min_size=1, max_size=5)
rules = st.dictionaries(st.sampled_from(sorted(EXERCISES) + ["nothing"]),
                        st.dictionaries(st.sampled_from(RULE_KEYS + CHANGE_KEYS), plausible, max_size=4), max_size=3)
program_files = st.one_of(
    st.builds(lambda w, r, per: "---\n" + dumped({"title": "Plan", "sessions_per_week": per, "weeks": w,
                                                  "progression": r}) + "---\n", weeks, rules, st.integers(-1, 16)),
    fuzzed_files)


@given(program_files)
@example("---\ntitle: Plan\nweeks:\n  ¹: {}\n---\n")  # a digit to str.isdigit, not to int()
def test_any_program_file_builds_or_says_why_in_lines(text):
    path = "content/programs/plan.md"
    spec, problems = parse_program(path, text)
    program, more = build_program(spec, "plan", ROUTINES, EXERCISES, complete=not problems) if spec else (None, [])
    if problems or more:
        assert_problems_are_lines(problems + more, path)
        assert program is None
    else:
        assert program and [w.number for w in program.weeks] == list(range(1, len(program.weeks) + 1))
        assert all(r.path.startswith("programs/plan/week-") for r in program.routines)
