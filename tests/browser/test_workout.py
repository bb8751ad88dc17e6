"""Workout mode and ticks, walked through on a 360 x 740 phone as a person taps them."""

from __future__ import annotations

import pytest

from repcard.content import load

from ..conftest import SEED


def expected_steps() -> list[str]:
    return [f"{s.exercise.pair} set {s.round}" if s.exercise else f"Rest {s.rest}"
            for s in load(SEED).steps] + ["Done!"]


def shown(page) -> str:
    """What the current step says, in the words of expected_steps()."""
    step = page.locator(".step.current")
    heading = " ".join(step.locator("h2").inner_text().split())
    if "rest" in step.get_attribute("class").split():
        return f"Rest {step.get_attribute('data-rest')}"
    if heading == "Done!":
        return heading
    pair = heading.split()[0]
    return f"{pair} set {step.locator('.set').inner_text().split()[1]}"


@pytest.fixture
def workout(phone, served):
    page = phone.new_page()
    page.goto(served.url + "workout/")
    return page


def test_workout_walks_the_whole_routine_in_doing_order(workout):
    page = workout
    assert page.locator(".step.current").count() == 1
    seen = [shown(page)]
    while seen[-1] != "Done!":
        page.locator("#done").click()
        seen.append(shown(page))
        assert len(seen) < 100
    assert seen == expected_steps()
    assert seen[:4] == ["1A set 1", "1B set 1", "Rest 60", "1A set 2"]
    assert page.locator("#progress").inner_text() == "12 of 12 sets done"
    assert page.locator("#done").is_hidden()


def test_the_current_step_shows_reps_cue_variations_and_next(workout):
    page = workout
    for _ in range(6):  # 1A, 1B, rest, 1A, 1B, rest: now 2A set 1
        page.locator("#done").click()
    step = page.locator(".step.current")
    assert step.locator("h2").inner_text().split() == ["2A", "Hip", "Extension", "With", "Leg", "Curl"]
    assert step.locator(".big").inner_text() == "10–12 reps"
    assert step.locator(".cue").is_visible()
    assert "Easier" in step.locator(".variations").inner_text()
    assert step.locator(".next").inner_text() == "Next: 2B Step-Ups (set 1 of 2)"
    box = page.locator("#done").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 360 - 2 * 16 - 1  # a big, full-width tap target
    assert box["y"] + box["height"] <= 740  # on screen without scrolling


def test_progress_survives_a_reload_and_back_undoes_a_tap(workout):
    page = workout
    for _ in range(4):
        page.locator("#done").click()
    assert shown(page) == "1B set 2"
    page.reload()
    assert shown(page) == "1B set 2"
    page.locator("#back").click()
    assert shown(page) == "1A set 2"
    page.reload()
    assert shown(page) == "1A set 2"
    page.locator("#reset").click()  # Start over asks: a second tap confirms
    assert shown(page) == "1A set 2" and page.locator("#reset").inner_text() == "Tap again to start over"
    page.locator("#reset").click()
    assert shown(page) == "1A set 1"
    assert page.locator("#back").is_disabled()


def test_rest_timer_counts_down_from_the_routines_rest(phone, served):
    page = phone.new_page()
    page.clock.install()
    page.goto(served.url + "workout/")
    page.locator("#done").click()
    page.locator("#done").click()
    assert shown(page) == "Rest 60"
    assert page.locator(".step.current .timer").inner_text() == "60"
    assert page.locator("#done").inner_text() == "Skip the rest"
    page.clock.run_for(20_000)
    assert page.locator(".step.current .timer").inner_text() == "40"
    page.reload()  # a locked phone or a reload does not restart the rest
    page.clock.run_for(1_000)
    assert int(page.locator(".step.current .timer").inner_text()) <= 40
    page.clock.run_for(45_000)
    assert page.locator(".step.current .timer").inner_text().startswith("+0:0")  # the time past zero
    assert page.locator("#done").inner_text() == "Go on"
    page.locator("#done").click()
    assert shown(page) == "1A set 2"


def test_wake_lock_status_is_shown(workout):
    status = workout.locator("#wake")
    assert status.is_visible()
    assert status.inner_text() in ("Screen stays on during the workout.",
                                   "Screen may sleep (the browser refused to keep it on).",
                                   "This browser cannot keep the screen on; everything else works.")


def test_without_wake_lock_nothing_breaks(phone, served):
    page = phone.new_page()
    page.add_init_script("delete Navigator.prototype.wakeLock")
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(served.url + "workout/")
    assert page.locator("#wake").inner_text() == "This browser cannot keep the screen on; everything else works."
    page.locator("#done").click()
    assert shown(page) == "1B set 1" and not errors


def test_sets_ticked_on_an_exercise_page_are_the_workouts_progress(phone, served):
    page = phone.new_page()
    page.goto(served.url + "exercises/glute-bridge/")
    page.get_by_label("Set 1").check()
    page.reload()
    assert page.get_by_label("Set 1").is_checked() and not page.get_by_label("Set 2").is_checked()
    page.goto(served.url + "workout/")
    assert shown(page) == "1B set 1"
    page.locator("#done").click()
    page.goto(served.url + "exercises/band-walking/")
    assert page.get_by_label("Set 1").is_checked()


def test_without_javascript_the_workout_page_lists_every_step(browser, served):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "workout/")
    steps = page.locator(".step")
    assert steps.count() == len(expected_steps())
    assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    page.goto(served.url + "exercises/hip-extension-with-leg-curl/")
    assert page.locator(".steps li").count() == 3 and page.locator(".variations").is_visible()
    context.close()
