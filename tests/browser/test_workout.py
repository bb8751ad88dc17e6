"""Workout mode and ticks, walked through on a 360 x 740 phone as a person taps them, in every engine."""

from __future__ import annotations

import pytest

from repcard.content import load

from ..conftest import MINIMAL_INDEX, SEED, build_site, exercise_text, write_tree
from .conftest import SiteServer

WAKE_LINES = ("Screen stays on during the workout.",
              "Screen may sleep (the browser refused to keep it on).",
              "This browser cannot keep the screen on; everything else works.")


def expected_steps() -> list[str]:
    return [f"{s.slot.pair} set {s.round}" if s.slot else f"Rest {s.rest}"
            for s in load(SEED).routines[0].steps] + ["Done!"]


# What the current step says, in the words of expected_steps().
SHOWN = r"""(() => {
    const step = document.querySelector(".step.current");
    const words = (el) => el.innerText.trim().split(/\s+/);
    const heading = words(step.querySelector("h2")).join(" ");
    if (step.classList.contains("rest")) return "Rest " + step.dataset.rest;
    if (heading === "Done!") return heading;
    return heading.split(" ")[0] + " set " + words(step.querySelector(".set"))[1];
})()"""


def shown(page) -> str:
    return page.evaluate(SHOWN)


@pytest.fixture
def workout(page, served):
    page.goto(served.url + "workout/")
    return page


def test_workout_walks_the_whole_routine_in_doing_order(workout):
    page = workout
    assert page.count(".step.current") == 1
    seen = [shown(page)]
    while seen[-1] != "Done!":
        page.click("#done")
        seen.append(shown(page))
        if len(seen) == 8:  # a reload half-way loses nothing
            page.reload()
            assert shown(page) == seen[-1]
        assert len(seen) < 100
    assert seen == expected_steps()
    assert seen[:4] == ["1A set 1", "1B set 1", "Rest 60", "1A set 2"]
    assert page.text("#progress") == "12 of 12 sets done"
    assert not page.visible("#done")


def test_the_current_step_shows_reps_cue_variations_and_next(workout):
    page = workout
    for _ in range(6):  # 1A, 1B, rest, 1A, 1B, rest: now 2A set 1
        page.click("#done")
    step = ".step.current"
    assert page.text(f"{step} h2").split() == ["2A", "Hip", "Extension", "With", "Leg", "Curl"]
    assert page.text(f"{step} .big") == "10–12 reps"
    assert page.visible(f"{step} .cue")
    assert "Easier" in page.text(f"{step} .variations")
    assert page.text(f"{step} .next") == "Next: 2B Step-Ups (set 1 of 2)"
    box = page.evaluate("(({x, y, width, height}) => ({x, y, width, height}))"
                        "(document.querySelector('#done').getBoundingClientRect())")
    assert box["height"] >= 48 and box["width"] >= 360 - 2 * 16 - 1  # a big, full-width tap target
    assert box["y"] + box["height"] <= 740  # on screen without scrolling


def test_progress_survives_a_reload_and_back_undoes_a_tap(workout):
    page = workout
    for _ in range(4):
        page.click("#done")
    assert shown(page) == "1B set 2"
    page.reload()
    assert shown(page) == "1B set 2"
    page.click("#back")
    assert shown(page) == "1A set 2"
    page.reload()
    assert shown(page) == "1A set 2"
    page.click("#reset")  # Start over asks: a second tap confirms
    assert shown(page) == "1A set 2" and page.text("#reset") == "Tap again to start over"
    page.click("#reset")
    assert shown(page) == "1A set 1"
    assert page.evaluate("document.querySelector('#back').disabled")


@pytest.fixture(scope="module")
def short_rest(tmp_path_factory):
    """A routine whose rest is 2 s, served: the timer runs out on the real clock in any engine."""
    root = tmp_path_factory.mktemp("short-rest")
    content = write_tree(root / "content", {
        "index.md": MINIMAL_INDEX.replace("---\nIntro", "rest: 2\n---\nIntro"),
        "exercises/a.md": exercise_text("Alpha", "1A"),
        "exercises/b.md": exercise_text("Bravo", "1B"),
    })
    server = SiteServer(build_site(content, root / "site"))
    yield server
    server.close()


def test_rest_timer_runs_out_on_the_real_clock_and_a_reload_does_not_restart_it(page, short_rest):
    page.goto(short_rest.url + "workout/")
    page.click("#done")
    page.click("#done")
    assert shown(page) == "Rest 2"
    assert page.text("#done") == "Skip the rest"
    assert page.text(".step.current .timer") in ("2", "1")
    page.wait_for("document.querySelector('.step.current .timer').innerText === '1'")
    page.reload()  # a locked phone or a reload does not restart the rest
    assert page.text(".step.current .timer") in ("1", "0")
    page.wait_for("document.querySelector('#done').innerText === 'Go on'")
    assert page.text(".step.current .timer") in ("0", "+0:01")  # then the time past zero
    page.click("#done")
    assert shown(page) == "1A set 2"


def test_rest_timer_counts_down_from_the_routines_rest(phone, served):
    """Chromium only: Playwright's fake clock runs the whole minute in no time."""
    page = phone.new_page()
    page.clock.install()
    page.goto(served.url + "workout/")
    page.locator("#done").click()
    page.locator("#done").click()
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
    assert page.evaluate(SHOWN) == "1A set 2"


def test_wake_lock_is_asked_for_again_on_the_first_tap(workout):
    page = workout
    assert page.visible("#wake")
    assert page.text("#wake") in WAKE_LINES
    page.click("#done")  # a tap: browsers that refuse a lock on page load (WebKit) grant it now
    page.wait_for("document.querySelector('#wake').innerText === arg", arg=WAKE_LINES[0])


def test_without_wake_lock_nothing_breaks(phone, served):
    """Chromium only: it needs a script run before the page's own."""
    page = phone.new_page()
    page.add_init_script("delete Navigator.prototype.wakeLock")
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(served.url + "workout/")
    assert page.locator("#wake").inner_text() == WAKE_LINES[2]
    page.locator("#done").click()
    assert page.evaluate(SHOWN) == "1B set 1" and not errors


def test_sets_ticked_on_an_exercise_page_are_the_workouts_progress(page, served):
    page.goto(served.url + "exercises/glute-bridge/")
    page.click('input[data-step="glute-bridge:1"]')
    page.reload()
    assert page.checked('input[data-step="glute-bridge:1"]')
    assert not page.checked('input[data-step="glute-bridge:2"]')
    page.goto(served.url + "workout/")
    assert shown(page) == "1B set 1"
    page.click("#done")
    page.goto(served.url + "exercises/band-walking/")
    assert page.checked('input[data-step="band-walking:1"]')


def test_before_workout_js_has_chosen_the_step_no_step_or_button_shows(page, served):
    """The first set is in the HTML, laid out before the first paint; until workout.js has
    chosen the step (a reload mid-workout) it must not show set 1, nor buttons that do nothing."""
    shown_now = ("[...document.querySelectorAll('h1, .step.current, #controls')]"
                 ".map(e => getComputedStyle(e).visibility)")
    page.goto(served.url + "workout/")
    assert page.evaluate(shown_now) == ["visible"] * 3  # chosen: all shown
    page.evaluate("document.documentElement.classList.remove('workout-started')")  # as before it ran
    assert page.evaluate(shown_now) == ["visible", "hidden", "hidden"]


def test_damaged_saved_progress_still_shows_the_step(page, served):
    """Progress whose time maps are not maps (edited by hand, or by a bug) is mended, and
    even an error while showing the step must not leave workout mode hidden."""
    page.goto(served.url + "workout/")
    page.evaluate("""(() => {
      const routine = document.querySelector("[data-routine]").dataset.routine;
      localStorage.setItem("repcard:progress:" + new URL(routine, location.href).pathname, JSON.stringify({
        version: 1, done: ["glute-bridge:1", "band-walking:1"], restStarted: null, restShift: 7, alerted: "x",
        timers: null, touched: Date.now(), finished: 0, session: ""}));
    })()""")
    page.reload()
    assert shown(page).startswith("Rest")
    assert page.evaluate("getComputedStyle(document.querySelector('.step.current')).visibility") == "visible"
    assert page.evaluate("Object.keys(repcard.progress.restStarted).length") == 1  # mended: the rest runs


def test_without_javascript_the_workout_page_lists_every_step(browser, served):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "workout/")
    steps = page.locator(".step")
    assert steps.count() == len(expected_steps())
    assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    assert not page.locator("#controls").is_visible()  # buttons that would do nothing
    assert not page.locator(".log").is_visible()  # nor fields that log nothing
    page.goto(served.url + "exercises/hip-extension-with-leg-curl/")
    assert page.locator(".steps li").count() == 3 and page.locator(".variations").is_visible()
    context.close()


SHIFTS = """window.shifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.shifts.push(e.value); })
  .observe({ type: "layout-shift", buffered: true });"""


@pytest.mark.parametrize("path", ["workout/", "programs/six-weeks/week-3/workout/"], ids=["classic", "program week"])
def test_workout_mode_opens_without_anything_moving(phone, served, library_served, path):
    """Chromium only (its Layout Instability API): the step shown, last time and the progress written in,
    nothing on the page has moved (Lighthouse scored 96 when the progress shared a line with History)."""
    page = phone.new_page()
    page.add_init_script(SHIFTS)
    page.goto((served if path == "workout/" else library_served).url + path)
    page.wait_for_function("() => document.documentElement.classList.contains('workout-started')"
                           " && document.querySelector('.step.current .log .last').textContent")
    page.wait_for_timeout(300)  # a shift is reported a frame after it
    assert page.evaluate("window.shifts") == []
