"""A program walked over its weeks on a phone (issue 21), in Chromium, WebKit and Firefox: the program
page offers today's session from the log, workout mode prefills what the rules prescribe and says
why, a deload week prescribes the lighter weight, and every week's card prints on one page.

The clock is moved forward as test_log.py does in every engine: every time the site stored (the
progress of each page, each session and set in the log) is moved back a day.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .test_log import a_day_passes, go_through, start, step_of, stored, type_into, value_of

PROGRAM = "programs/six-weeks/"
NO_LOG = "exercises/"  # the library's home reads the log: an open connection there keeps it from being deleted


def today(page, server, path=PROGRAM) -> str:
    """The program's "today" on `path` (the program page or the home page), once the log is read."""
    page.goto(server.url + path)
    page.wait_for("document.querySelector('.today').dataset.ready")
    return page.text(".today .next-session")


def start_today(page):
    """The "Start week n, session m" button tapped, and workout mode loaded."""
    page.click(".today .start")
    page.wait_for("location.pathname.endsWith('/workout/') && document.readyState === 'complete' && "
                  "document.documentElement.classList.contains('workout-started')", timeout=10)


def until(page, step):
    """Done tapped until `step` ('romanian-deadlift:1') is on screen."""
    for _ in range(40):
        if step_of(page) == step:
            return
        page.click("#done")
    raise AssertionError(f"{page.engine}: never reached {step}")


def hint(page) -> str:
    return page.wait_for("document.querySelector('.step.current .log .hint').innerText")


def second_session_builds_on_40_kg(page, server):
    """A day later, week 1's second session: the deadlift prescribed from 40 kg × 10, 10."""
    a_day_passes(page)
    assert today(page, server) == "Today: week 1 of 6, session 2 of 2, The Whole Workout."
    start_today(page)
    until(page, "romanian-deadlift:1")
    assert hint(page) == "40 kg × 10, 10 last time — 40 kg again, aim for 11, 11 (top: 12)"
    page.wait_for("document.querySelector('.step.current .log .weight').value === '40'")


def test_a_program_walked_over_its_weeks_offers_the_next_session_and_prescribes_each_set(page, library_served):
    server = library_served
    start(page, server, PROGRAM, NO_LOG)  # an empty log
    assert today(page, server) == "Today: week 1 of 6, session 1 of 2, The Whole Workout."
    assert page.text(".today .start") == "Start week 1, session 1"
    start_today(page)
    assert page.url == server.url + PROGRAM + "week-1/workout/"
    until(page, "romanian-deadlift:1")
    assert hint(page) == "First time: choose a weight you can lift 8–12 times, well"
    assert value_of(page, "reps") == "8" and value_of(page, "weight") == ""
    type_into(page, ".step.current .log .weight", "40")
    type_into(page, ".step.current .log .reps", "10")
    go_through(page, {"romanian-deadlift": ("10", "")})  # set 2 carries 40 kg
    assert page.text(".step.current h2") == "Done!"

    second_session_builds_on_40_kg(page, server)
    assert value_of(page, "reps") == "11"
    go_through(page, {"romanian-deadlift": ("12", "")})  # the top of the range, every set

    a_day_passes(page)  # both of week 1's sessions logged: week 2 is offered, here and on the home page
    assert today(page, server, "") == "Today: week 2 of 6, session 1 of 2, The Whole Workout."
    assert today(page, server) == "Today: week 2 of 6, session 1 of 2, The Whole Workout."
    start_today(page)
    assert page.url == server.url + PROGRAM + "week-2/workout/"
    until(page, "romanian-deadlift:1")
    assert hint(page) == "40 kg × 12, 12 last time: all at the top — 42.5 kg today, aim for 8"
    page.wait_for("document.querySelector('.step.current .log .weight').value === '42.5'")
    assert value_of(page, "reps") == "8" and value_of(page, "unit") == "kg"
    go_through(page, {})  # as prescribed: one tap a set
    stored(page)

    # The lifter moves on to the deload week: 60% of the working weight, to the plate.
    a_day_passes(page)
    today(page, server)
    type_into(page, ".move .week", "5")
    page.click(".move .move-to")
    page.wait_for("document.querySelector('.today .next-session').innerText.startsWith('Today: week 5')")
    assert page.text(".today .next-session") == ("Today: week 5 of 6, session 1 of 2, The Whole Workout — a deload "
                                                 "week, 60% of your working weight.")
    start_today(page)
    until(page, "romanian-deadlift:1")
    assert hint(page) == "Deload week: 60% of 42.5 kg — 25 kg today, 8 reps"
    page.wait_for("document.querySelector('.step.current .log .weight').value === '25'")
    go_through(page, {})  # the deload week's session, at 25 kg

    # After it, the rules look back past the deload week to the last working session (week 2's).
    a_day_passes(page)
    today(page, server)
    type_into(page, ".move .week", "6")
    page.click(".move .move-to")
    page.wait_for("document.querySelector('.today .next-session').innerText.startsWith('Today: week 6')")
    start_today(page)
    until(page, "romanian-deadlift:1")
    assert hint(page).startswith("42.5 kg × 8, 8 last time — 42.5 kg again, aim for 9, 9")


def test_a_session_of_the_move_without_weight_does_not_start_its_progression_over(page, library_served):
    """A day the deadlift was done with a band, on the routine's own page: week 1's second session
    said "First time: choose a weight" instead of building on last week's 40 kg."""
    server = library_served
    start(page, server, PROGRAM, NO_LOG)
    start_today(page)
    until(page, "romanian-deadlift:1")
    type_into(page, ".step.current .log .weight", "40")
    go_through(page, {"romanian-deadlift": ("10", "")})
    a_day_passes(page)
    page.goto(server.url + "routines/whole-workout/workout/")  # the routine on its own, not the program's
    until(page, "romanian-deadlift:1")
    while step_of(page) != "finish":
        if step_of(page).startswith("romanian-deadlift:"):
            type_into(page, ".step.current .log .weight", "")  # no weight today
        page.click("#done")
    stored(page)
    assert page.evaluate("repcardLog.lastTime('romanian-deadlift').then((sets) => sets.map((s) => s.weight))") == [None, None]
    second_session_builds_on_40_kg(page, server)


def test_restart_starts_at_week_1_with_the_log_kept(page, library_served):
    server = library_served
    start(page, server, PROGRAM + "week-1/workout/", NO_LOG)
    go_through(page, {})
    a_day_passes(page)
    assert today(page, server) == "Today: week 1 of 6, session 2 of 2, The Whole Workout."
    page.click(".move .restart")
    assert page.text(".move .said") == "Restarted at week 1. The log keeps every set you did."
    page.wait_for("document.querySelector('.today .next-session').innerText.includes('session 1 of 2')")  # the log read again
    assert page.text(".today .next-session") == "Today: week 1 of 6, session 1 of 2, The Whole Workout."
    assert page.evaluate("repcardLog.sessions().then((s) => s.length)") == 1


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_weeks_card_prints_on_one_page(page, library_served, paper):
    for week in range(1, 7):
        page.goto(f"{library_served.url}{PROGRAM}week-{week}/card/")
        reader = PdfReader(io.BytesIO(page.pdf(paper)))
        text = " ".join(reader.pages[0].extract_text().split())
        assert len(reader.pages) == 1, f"{page.engine}: week {week} prints {len(reader.pages)} pages on {paper}"
        assert f"Week {week} of 6" in text, text
