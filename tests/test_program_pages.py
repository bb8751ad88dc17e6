"""A program's pages (issue 21): the program page with its weeks as a table, each week's session as
a routine page, workout mode and card of its own, the home page and exercise pages naming it, and
its script loaded only where it is used."""

from __future__ import annotations

import json
import re
import shutil
from functools import partial

import pytest

from repcard.pipeline import Options, build_files

from .conftest import ROOT
from .htmltools import parse, references, resolve, scripts_of

LIBRARY = ROOT / "tests/fixtures/library"
WEEKS = [f"programs/six-weeks/week-{n}/" for n in range(1, 7)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_files(Options(LIBRARY, tmp_path_factory.mktemp("out"), ""))


def test_the_program_page_shows_the_weeks_as_a_table_and_how_the_moves_progress(site):
    page = parse(site["programs/six-weeks/index.html"])
    assert page.find("h1").text == "Six Weeks of Strong Glutes"
    assert [th.text for th in page.find("table", "weeks").find("thead").find_all("th")] == [
        "Week", "Routine", "Rounds × reps", "Variation", "Note"]
    rows = [[cell.text for cell in row.children if not isinstance(cell, str)]
            for row in page.find("table", "weeks").find("tbody").find_all("tr")]
    assert rows[0] == ["1", "The Whole Workout", "2 rounds", "", ""]
    assert rows[2] == ["3", "The Whole Workout", "3 rounds", "harder", ""]
    assert rows[4] == ["5", "The Whole Workout", "2 rounds", "",
                       "Deload: 60% of the working weight. Lighter weights and easy reps: let the body catch up."]
    links = [a.attrs["href"] for a in page.find("table", "weeks").find_all("a")]
    assert [resolve("programs/six-weeks/index.html", href) for href in links] == [w + "index.html" for w in WEEKS]
    assert [li.text for li in page.find("ul", "rules").find_all("li")] == [
        "Romanian Deadlift : 8–12 reps; once every set reaches 12, add 2.5 kg and start again at 8 (double progression).",
        "Step-Ups : one more rep each week, up to 15."]
    today = page.find("section", "today")  # the program's start; today.js puts the log's answer there
    assert today.find("p", "next-session").text == "Today: week 1 of 6, session 1 of 2, The Whole Workout."
    assert resolve("programs/six-weeks/index.html", today.find("a", "start").attrs["href"]) == \
        "programs/six-weeks/week-1/workout/index.html"
    assert json.loads(today.find("script", "program-data").text)["weeks"][4]["deload"] == 60
    assert "hidden" in page.find("section", "move").attrs  # Move and Restart need the script and the log


def test_a_week_without_rounds_says_its_circuits_rounds_in_every_routine(tmp_path):
    """A week that raises one move's sets, not the rounds, said "5 rounds" where the other
    circuits do two; an A/B week said its first routine's rounds alone."""
    root = tmp_path / "content"
    shutil.copytree(LIBRARY, root)
    program = root / "programs/six-weeks.md"
    program.write_text(program.read_text().replace(
        "6:   {routine: whole-workout, rounds: 3, variation: harder}",
        "6:   {routine: whole-workout, exercises: {step-ups: {sets: 5}}}").replace(
        "1-2: {routine: whole-workout, rounds: 2}", "1-2: {routines: [before-a-run, whole-workout]}"))
    (root / "routines/before-a-run.md").write_text((root / "routines/before-a-run.md").read_text().replace(
        "exercises:", "exercises:\n  2A: {exercise: step-ups, sets: 3}", 1))
    page = parse(build_files(Options(root, tmp_path / "out", ""))["programs/six-weeks/index.html"])
    rows = [[cell.text for cell in row.children if not isinstance(cell, str)]
            for row in page.find("table", "weeks").find("tbody").find_all("tr")]
    assert [row[2] for row in rows] == ["2–3 rounds", "2–3 rounds", "3 rounds", "3 rounds", "2 rounds", "2–5 rounds"]


def test_the_weeks_table_says_only_what_the_weeks_pages_do(tmp_path):
    """A week of 2 rounds and 6 reps said "2 rounds × 6 reps" where its deadlift did 5 sets of 8–12
    (its own sets, its rule's reps)."""
    root = tmp_path / "content"
    shutil.copytree(LIBRARY, root)
    program = root / "programs/six-weeks.md"
    text = program.read_text().replace("6:   {routine: whole-workout, rounds: 3, variation: harder}",
                                       "6:   {routine: whole-workout, rounds: 2, reps: 6, exercises: {romanian-deadlift: {sets: 5}}}")
    cells = []
    for ruled in (text, text[:text.index("progression:")] + text[text.index("---\n", 4):]):  # with its rules, without
        program.write_text(ruled)
        page = parse(build_files(Options(root, tmp_path / "out", ""))["programs/six-weeks/index.html"])
        cells.append(page.find("table", "weeks").find("tbody").find_all("tr")[5].find_all("td")[1].text)
    assert cells == ["2–5 rounds", "2–5 rounds × 6 reps"]


def test_each_week_has_a_routine_page_workout_and_card_that_say_which_week(site):
    for n, week in enumerate(WEEKS, 1):
        for kind in ("", "workout/", "card/"):
            assert f"{week}{kind}index.html" in site
        routine = parse(site[f"{week}index.html"])
        assert routine.find("p", "kicker").text == f"Six Weeks of Strong Glutes · Week {n} of 6"
        assert routine.find("title").text.startswith(f"Week {n} of 6 · The Whole Workout")
        card = parse(site[f"{week}card/index.html"])
        assert card.find("header", "card-head").find("p", "meta").text.startswith(f"Week {n} of 6 · Six Weeks")
        workout = parse(site[f"{week}workout/index.html"])
        assert workout.find("h1").text == f"Workout: week {n} of 6"
        assert workout.find("ol", "workout").attrs["data-routine"] == "../../../../" + week


def test_a_weeks_pages_do_its_rounds_reps_and_variation(site):
    workout = parse(site["programs/six-weeks/week-3/workout/index.html"])
    sets = workout.find_all("li", "set")
    assert len(sets) == 18  # six moves, three rounds
    lunge = next(s for s in sets if s.attrs["data-step"] == "hip-extension-with-leg-curl:1")
    assert lunge.find("p", "variation-now").text == "This week, harder: One leg at a time."
    steps = next(s for s in sets if s.attrs["data-step"] == "step-ups:1")
    assert (steps.attrs["data-low"], steps.attrs["data-high"]) == ("12", "14")  # one more rep a week
    rdl = next(s for s in sets if s.attrs["data-step"] == "romanian-deadlift:1")
    assert (rdl.attrs["data-low"], rdl.attrs["data-high"]) == ("8", "12")
    card = parse(site["programs/six-weeks/week-3/card/index.html"])
    assert [len(ex.find_all("span", "box")) for ex in card.find_all("li", "ex")] == [3] * 6
    assert "This week, harder: One leg at a time." in [v.text for v in card.find_all("span", "vars")]
    deload = parse(site["programs/six-weeks/week-5/index.html"])
    assert deload.find("p", "checkin").text.startswith("This week: a deload, at 60% of your working weight")
    # The library's own routine is unchanged.
    assert len(parse(site["routines/whole-workout/workout/index.html"]).find_all("li", "set")) == 12


def test_the_program_script_loads_only_on_the_pages_that_use_it(site):
    scripts = partial(scripts_of, site)
    assert scripts("programs/six-weeks/week-3/workout/index.html") == ["text.js", "log.js", "program.js", "records.js",
                                                                        "backup.js", "workout.js", "app.js"]
    assert scripts("programs/six-weeks/index.html") == ["text.js", "log.js", "program.js", "today.js", "app.js"]
    assert scripts("index.html") == ["text.js", "log.js", "program.js", "today.js", "app.js"]  # it lists the program
    for page in ("routines/whole-workout/workout/index.html", "programs/six-weeks/week-3/index.html",
                 "programs/six-weeks/week-3/card/index.html", "exercises/step-ups/index.html"):
        assert "program.js" not in scripts(page), page
    data = parse(site["programs/six-weeks/week-3/workout/index.html"]).find("script", id="program-data")
    assert data.attrs["type"] == "application/json"
    assert json.loads(data.text)["rules"]["romanian-deadlift"] == {"kind": "double", "low": 8, "high": 12, "add": 2.5,
                                                                 "unit": "kg", "every": "session"}


def test_the_home_page_and_exercise_pages_name_the_program(site):
    home = parse(site["index.html"])
    assert [a.text for a in home.find_all("a", "program-name")] == ["Six Weeks of Strong Glutes"]
    assert home.find("section", "today").attrs["data-program"] == "./programs/six-weeks/"
    rdl = parse(site["exercises/romanian-deadlift/index.html"]).find("section", "in-programs")
    assert rdl.find("a").attrs["href"] == "../../programs/six-weeks/"
    assert "8–12 reps; once every set reaches 12, add 2.5 kg" in rdl.text
    bridge = parse(site["exercises/glute-bridge/index.html"]).find("section", "in-programs")
    assert "Weeks 1–6, in The Whole Workout." in bridge.text


def test_what_a_program_adds_has_no_inline_style_or_handler_and_every_link_leads_somewhere(site):
    for path in [p for p in site if p.startswith("programs/")] + ["index.html", "exercises/step-ups/index.html"]:
        html = site[path].decode()
        without_card = re.sub(r'<article class="card" style="[^"]*"', "", html)  # the card's sizes (card.py)
        assert not re.search(r"\sstyle=|\son[a-z]+=", without_card), path
        for url in references(parse(site[path])):
            assert resolve(path, url) in site, (path, url)


def test_a_hostile_program_title_and_note_are_text(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(LIBRARY, content)
    hostile = '</script><script>alert(1)</script> & "quotes"'
    text = (content / "programs/six-weeks.md").read_text().replace("title: Six Weeks of Strong Glutes",
                                                                  f"title: '{hostile}'")
    (content / "programs/six-weeks.md").write_text(text.replace('note: "Lighter', "note: \"<b>Lighter"))
    files = build_files(Options(content, tmp_path / "out", ""))
    for path in ("programs/six-weeks/index.html", "programs/six-weeks/week-5/card/index.html", "index.html"):
        html = files[path].decode()
        assert "<script>alert(1)" not in html and "<b>Lighter" not in html, path
    data = parse(files["programs/six-weeks/week-3/workout/index.html"]).find("script", id="program-data")
    assert json.loads(data.text)["title"] == hostile


def test_a_week_of_ab_days_has_a_page_workout_and_card_for_each(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(LIBRARY, content)
    (content / "programs/ab.md").write_text("---\ntitle: A and B\nweeks:\n  1-2: {routines: [before-a-run, whole-workout]}\n---\n")
    files = build_files(Options(content, tmp_path / "out", ""))
    for day in ("before-a-run", "whole-workout"):
        for kind in ("", "workout/", "card/"):
            assert f"programs/ab/week-2-{day}/{kind}index.html" in files
    page = parse(files["programs/ab/index.html"])
    row = page.find("table", "weeks").find("tbody").find_all("tr")[0]
    assert [a.text for a in row.find_all("a")] == ["Before a Run", "The Whole Workout"]
    data = json.loads(page.find("script", "program-data").text)
    assert data["perWeek"] == 2 and data["weeks"][1]["titles"] == ["Before a Run", "The Whole Workout"]
    home = parse(files["index.html"])
    assert [a.text for a in home.find_all("a", "program-name")] == ["A and B", "Six Weeks of Strong Glutes"]
