"""What a lifter types and taps is logged as meant (issue 26): decimal commas, double taps, the
weight carried to the next set, figures kept over a reload, a rest restarted by a set done again,
implausible figures asked about, a workout that runs past midnight kept whole, and what the finish says.

Each takes `page` and runs in Chromium, WebKit and Firefox, but midnight, which needs Playwright's
fake clock (Chromium only).
"""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timezone

import pytest

from ..conftest import SEED, build_site
from .conftest import OriginServer, SiteServer
from .engines import PHONE
from .test_log import (ENTRIES, a_day_passes, context, fields_above_the_controls, go_through, kind, open_history, open_page, rest_left_behind,
                       settled, start, step_of, stored, type_into, value_of, walk)

WEIGHT = ".step.current .log .weight"


def logged(page):
    """Every stored set as (step, reps, weight), in the order done."""
    stored(page)
    return page.evaluate("repcardLog.all().then(([, sets]) => sets.sort((a, b) => a.at - b.at)"
                         ".map((s) => [s.step, s.reps, s.weight]))")


def test_figures_are_read_as_typed_with_a_decimal_comma_or_point_and_anything_else_refused(page, served):
    start(page, served)
    amounts = page.evaluate("['42,5', '42.5', ' 7 ', '', '4x', '-1', '1e3', '10000', '42,5,1']"
                            ".map((t) => String(repcardLog.amount(t, false)))")
    assert amounts == ["42.5", "42.5", "7", "null", "undefined", "undefined", "undefined", "undefined", "undefined"]
    assert page.attribute(WEIGHT, "inputmode") == "decimal"
    type_into(page, WEIGHT, "4x")
    page.click("#done")
    assert step_of(page) == "glute-bridge:1"  # refused, and said
    assert "Weight: type a number" in page.text(".step.current .log .problem")
    assert page.attribute(WEIGHT, "aria-invalid") is not None and problem_above_the_controls(page)
    type_into(page, WEIGHT, "42,5")
    assert page.text(".step.current .log .problem") == ""
    page.click("#done")
    assert step_of(page) == "band-walking:1"
    assert logged(page) == [["glute-bridge:1", 10, 42.5]]


DOUBLE_TAP = """new Promise((resolve) => {
  const done = document.getElementById("done");
  done.click();
  setTimeout(() => { done.click(); setTimeout(() => resolve(true), 100); }, 50);
})"""


def problem_above_the_controls(page) -> bool:
    """What is wrong with the step's figures is said in sight, above workout mode's controls."""
    return page.evaluate("""document.querySelector('.step.current .log .problem').getBoundingClientRect().bottom <=
      document.getElementById('controls').getBoundingClientRect().top""")


@pytest.mark.engines("chromium")  # Playwright's keyboard
def test_a_figure_refused_from_the_keyboard_leaves_the_focus_on_done(page, served):
    """Done is disabled a moment after it is refused, against a double tap: the focus fell to the page."""
    start(page, served)
    type_into(page, WEIGHT, "abc")
    page.evaluate("document.getElementById('done').focus() || true")
    page.raw.keyboard.press("Enter")
    page.wait_for("document.querySelector('.step.current .log .problem').textContent")
    page.wait_for("!document.getElementById('done').disabled")
    assert page.evaluate("document.activeElement.id") == "done"
    page.raw.keyboard.press("Enter")  # refused again, from where the focus is
    page.wait_for("!document.getElementById('done').disabled")
    assert page.evaluate("document.activeElement.id") == "done" and step_of(page) == "glute-bridge:1"


def test_a_double_tap_on_done_logs_one_set(page, served):
    start(page, served)
    page.wait_for("!document.getElementById('done').disabled")
    page.evaluate(DOUBLE_TAP)
    assert step_of(page) == "band-walking:1"
    assert [s[0] for s in logged(page)] == ["glute-bridge:1"]


def test_the_weight_is_carried_to_the_next_set_and_a_set_without_one_says_so(page, served):
    start(page, served)
    type_into(page, WEIGHT, "40")
    go_through(page, {}, stop_after=2)  # 1A set 1 at 40 kg, 1B, then the rest
    page.click("#done")
    assert step_of(page) == "glute-bridge:2"
    page.wait_for("document.querySelector(arg).value === '40'", arg=WEIGHT)
    assert page.evaluate("repcardLog.figures([{weight: 20, unit: 'kg', reps: 15}, {weight: null, unit: 'kg', reps: 15}])") \
        == "20 kg × 15, — × 15"
    assert page.evaluate("repcardLog.figures([{weight: null, reps: 15}, {weight: null, reps: 12}])") == "15, 12"


def test_typed_figures_survive_a_reload_mid_set(page, served):
    start(page, served)
    type_into(page, ".step.current .log .reps", "8")
    type_into(page, WEIGHT, "33,5")
    page.reload()
    page.wait_for("document.documentElement.classList.contains('workout-started')")
    assert value_of(page, "reps") == "8" and value_of(page, "weight") == "33,5"
    page.click("#done")
    assert logged(page) == [["glute-bridge:1", 8, 33.5]]


def test_a_set_done_again_after_back_starts_its_rest_again(page, served):
    start(page, served)
    go_through(page, {}, stop_after=2)
    assert step_of(page) == "rest"
    rest_left_behind(page, 20)  # 40 s left
    page.click("#back")
    page.click("#done")
    assert step_of(page) == "rest"
    assert int(page.text(".step.current .timer")) > 55


def test_a_figure_over_twice_last_time_is_asked_about_before_it_is_logged(page, served):
    start(page, served)
    go_through(page, ENTRIES)  # Glute Bridge at 12 kg
    a_day_passes(page)
    page.set_viewport(320, 640)  # a short phone: the question under the fields is under the controls
    page.goto(served.url + "workout/")
    page.wait_for("document.querySelector(arg).value === '12'", arg=WEIGHT)
    type_into(page, WEIGHT, "125")
    page.wait_for("!document.getElementById('done').disabled")
    page.evaluate(DOUBLE_TAP)  # the second tap does not answer: the question is not read yet
    assert step_of(page) == "glute-bridge:1"
    assert page.text(".step.current .log .problem").startswith("125 kg: over twice last time's 12 kg × 10.")
    assert problem_above_the_controls(page)
    page.click("#done")  # meant it
    assert step_of(page) == "band-walking:1"
    assert logged(page)[-1] == ["glute-bridge:1", 10, 125]


def test_a_workout_across_midnight_with_the_phone_locked_stays_one_session(context, served):
    """Chromium only: Playwright's fake clock moves past midnight while the page is hidden."""
    page = open_page(context, served.url + "workout/", clock=datetime(2026, 11, 20, 23, 50, tzinfo=timezone.utc))
    walk(page, ENTRIES, stop_after=5)
    page.clock.set_system_time(datetime(2026, 11, 21, 0, 1, tzinfo=timezone.utc))
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the phone unlocked
    assert page.locator("#progress").inner_text() == "5 of 12 sets done"
    page.reload()
    assert page.locator("#progress").inner_text() == "5 of 12 sets done"
    walk(page, ENTRIES)
    sessions = page.evaluate("repcardLog.all().then(([sessions, sets]) => [sessions.length, sets.length])")
    assert sessions == [1, 12]
    assert not page.errors


def test_the_finish_says_how_many_sets_how_long_and_the_volume(page, served):
    start(page, served)
    go_through(page, ENTRIES)
    summary = page.wait_for("document.getElementById('finish-summary').innerText")
    assert summary.startswith("12 sets in ") and summary.endswith(" min · volume 720 kg")  # 2×10×12 + 2×12×20


def test_a_range_topped_without_weight_offers_the_harder_variation_quoting_what_was_done(page, served):
    start(page, served)
    go_through(page, {"hip-extension-with-leg-curl": ("13", "")})
    a_day_passes(page)
    page.goto(served.url + "workout/")
    while step_of(page) != "hip-extension-with-leg-curl:1":
        page.click("#done")
    page.wait_for("document.querySelector('.step.current .log .hint').innerText === arg",
                  arg="10–12: last time 13, 13, every set at the top — try the harder variation: One leg at a time.")
    assert fields_above_the_controls(page)


def test_a_phone_on_its_side_keeps_the_exercise_and_its_fields_above_the_controls(page, served):
    page.set_viewport(844, 390)
    try:
        start(page, served)
        box = page.evaluate("""(() => {
          const controls = document.getElementById("controls").getBoundingClientRect();
          const fields = document.querySelector(".step.current .log .fields").getBoundingClientRect();
          const done = document.getElementById("done").getBoundingClientRect();
          return [fields.right, controls.left, fields.bottom, done.bottom, innerHeight];
        })()""")
        fields_right, controls_left, fields_bottom, done_bottom, height = box
        assert fields_right <= controls_left, box  # the controls a column beside the exercise, not over it
        assert fields_bottom <= height and done_bottom <= height, box  # its set and fields above the fold
    finally:
        page.set_viewport(*PHONE)


def test_a_session_whose_first_set_never_reached_the_log_is_stored_with_its_next(page, served):
    start(page, served)
    # The first Done's write lost, as to a kill before it was committed; the progress names the session.
    page.evaluate("""(() => {
      const real = repcardLog.inStores;
      repcardLog.inStores = (mode, fn) => (repcardLog.inStores = real, Promise.reject(new Error("killed")));
      return true;
    })()""")
    page.click("#done")
    stored(page)
    page.reload()  # what the page knew is gone; the progress in localStorage stays
    assert step_of(page) == "band-walking:1"
    page.click("#done")
    stored(page)
    sessions, sets = page.evaluate("repcardLog.all().then(([sessions, sets]) => [sessions.map((s) => s.id), "
                                   "sets.map((s) => s.session)])")
    assert len(sessions) == 1 and sets == sessions  # the set has its session: the history and a backup show it
    open_history(page, served)
    assert page.text(".sessions .logged").count("Band Walking") == 1


def test_a_set_the_log_cannot_store_is_said_and_its_figures_kept_for_back(page, served):
    start(page, served)
    type_into(page, ".step.current .log .reps", "11")
    page.evaluate("""(() => {
      const real = repcardLog.inStores;
      repcardLog.inStores = (mode, fn) => mode === "readwrite"
        ? (repcardLog.inStores = real, Promise.reject(new Error("the disk is full"))) : real(mode, fn);
      return true;
    })()""")
    page.click("#done")
    page.wait_for("document.getElementById('record').textContent !== ''")
    assert page.text("#record") == "This set was not saved (the disk is full): tap Back, then Done, to log it again."
    assert page.evaluate("document.getElementById('record').classList.contains('failed')")
    page.click("#back")
    assert value_of(page, "reps") == "11" and page.text("#record") == ""
    page.click("#done")
    assert logged(page) == [["glute-bridge:1", 11, None]]


def test_a_short_phone_scrolls_each_set_just_enough_to_show_its_fields_above_the_controls(page, served):
    start(page, served)
    assert page.evaluate("scrollY") == 0  # 360 x 740: the set fits under the page's head
    page.set_viewport(320, 640)  # the controls cover the fields at the top of the page
    try:
        start(page, served)
        page.wait_for("innerWidth === 320 && innerHeight === 640")  # WebKit's window may resize late
        page.wait_for("document.querySelector('.step.current .log .last').textContent !== ''")
        page.wait_for("scrollY > 0")
        assert fields_above_the_controls(page)
        page.click("#done")
        assert step_of(page) == "band-walking:1"
        page.wait_for("document.querySelector('.step.current .log .last').textContent !== ''")
        assert fields_above_the_controls(page)  # and the side it is on, under them
        assert page.evaluate("document.querySelector('.step.current .side').getBoundingClientRect().bottom"
                             " <= document.getElementById('controls').getBoundingClientRect().top")
        page.evaluate("scrollTo(0, 0)")  # the head read meanwhile
        page.click("#back")
        assert step_of(page) == "glute-bridge:1"
        page.wait_for("document.querySelector('.step.current .log .last').textContent !== ''")
        assert fields_above_the_controls(page)
    finally:
        page.set_viewport(*PHONE)


def test_random_taps_reloads_locks_and_clock_jumps_log_exactly_what_a_model_of_the_taps_says(context, served):
    """Chromium only (the fake clock). Each walk: Done with random figures, Back, reload, the phone
    locked for up to 90 minutes (past midnight too), minutes passing with the screen on; after every action the
    screen and the log must be what a model says: the sets before the current step, each once, with
    the figures typed last, in one session."""
    for seed in range(3):
        rng = random.Random(seed)
        page = open_page(context, served.url + "workout/", clock=datetime(2026, 11, 20, 22, 30, tzinfo=timezone.utc))
        page.evaluate("localStorage.clear(), indexedDB.deleteDatabase('repcard:' + repcardLog.sitePath), true")
        page.reload()  # the walk before this one forgotten
        steps = page.evaluate("[...document.querySelectorAll('#workout > .step')].map((s) => "
                              "s.classList.contains('rest') ? 'rest' : s.dataset.step)")
        where, model, actions = 0, {}, []
        for _ in range(45):
            action = rng.choice(["done"] * 5 + ["back"] * 2 + ["reload", "lock", "clock"])
            actions.append(action)
            if action == "done" and steps[where] != "finish":
                if steps[where] != "rest":
                    figures = (str(rng.randint(5, 15)), rng.choice(["", "10", "12,5"]))
                    page.get_by_label("Reps").fill(figures[0])
                    page.get_by_label("Weight").fill(figures[1])
                    model[steps[where]] = (int(figures[0]), float(figures[1].replace(",", ".")) if figures[1] else None)
                page.locator("#done").click()
                where += 1
            elif action == "back" and where > 0:
                page.locator("#back").click()
                where -= 1
                model.pop(steps[where], None)
            elif action == "reload":
                page.reload()
            elif action == "lock":  # up to 90 minutes pass with no timer run, as on a locked phone
                jump = rng.randint(1, 90) * 60_000
                page.clock.set_system_time(datetime.fromtimestamp((page.evaluate("Date.now()") + jump) / 1000, timezone.utc))
                page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            elif action == "clock":  # minutes pass with the screen on: the timers run
                page.clock.fast_forward(rng.randint(1, 10) * 60_000)
            page.wait_for_function("() => document.documentElement.classList.contains('workout-started')")
            assert kind(page) == steps[where], (seed, actions)
            settled(page)
            sessions, sets = page.evaluate("repcardLog.all().then(([sessions, sets]) => [sessions.length, "
                                           "sets.map((s) => [s.step, s.reps, s.weight])])")
            assert {s: (r, w) for s, r, w in sets} == model and len(sets) == len(model), (seed, actions)
            assert sessions <= 1, (seed, actions)
            if steps[where] != "finish":
                assert page.locator("#progress").inner_text() == f"{len(model)} of 12 sets done", (seed, actions)
        page.close()


@pytest.fixture(scope="module")
def in_pounds(tmp_path_factory):
    """The seed routine built by a site whose repcard.toml says weight_unit = "lb"."""
    site = tmp_path_factory.mktemp("pounds")
    shutil.copytree(SEED, site / "content")
    (site / "repcard.toml").write_text('weight_unit = "lb"\n')
    build_site(site / "content", site / "site", "--config", site / "repcard.toml")
    server = SiteServer(site / "site")
    yield server
    server.close()


def test_the_unit_picked_is_the_sites_own_and_the_history_page_starts_in_the_sites_unit(page, in_pounds, tmp_path):
    """Two sites on one origin: lb picked on one made the other's workout mode start in lb; and the
    history page's weekly volume was in kg on a site of pounds until a unit was picked."""
    www = tmp_path / "www"
    for name in ("a", "b"):
        shutil.copytree(in_pounds.site, www / name)
    server = OriginServer(www)
    unit = "document.querySelector('.step.current .log .unit').value"
    try:
        page.goto(server.url + "a/workout/")
        page.evaluate("localStorage.clear() || true")
        page.goto(server.url + "a/workout/")
        page.wait_for(f"{unit} === 'lb'")
        type_into(page, WEIGHT, "100")
        page.click("#done")  # 100 lb, in the site's unit
        stored(page)
        page.goto(server.url + "a/history/")
        page.wait_for("document.getElementById('history').dataset.ready === 'true'")
        assert page.text("#weeks").count(" lb") >= 1 and " kg" not in page.text("#weeks")
        page.goto(server.url + "b/workout/")
        page.wait_for(f"{unit} === 'lb'")
        type_into(page, ".step.current .log .unit", "kg")  # picked on b
        page.goto(server.url + "a/workout/")
        page.wait_for(f"{unit} === 'lb'")  # a keeps its own
        page.goto(server.url + "b/workout/")
        page.wait_for(f"{unit} === 'kg'")
    finally:
        server.close()


def test_a_weight_not_typed_keeps_its_load_when_the_unit_changes(page, served):
    """40 kg prefilled, the menu turned to lb: it was logged as 40 lb, under half the load, and a
    program built the next sessions on it."""
    start(page, served)
    go_through(page, {"glute-bridge": ("10", "40")}, stop_after=2)
    page.click("#done")  # the rest: 1A's second set, prefilled with the first's 40 kg
    assert step_of(page) == "glute-bridge:2"
    page.wait_for(f"document.querySelector('{WEIGHT}').value === '40'")
    assert value_of(page, "unit") == "kg"
    type_into(page, ".step.current .log .unit", "lb")
    assert value_of(page, "weight") == "88"  # 88.2 lb, to half a pound
    page.click("#done")
    type_into(page, WEIGHT, "20")  # typed: the lifter's number, whatever the unit
    type_into(page, ".step.current .log .unit", "kg")
    assert value_of(page, "weight") == "20"
    page.click("#done")
    stored(page)
    assert page.evaluate("repcardLog.all().then(([, sets]) => sets.sort((a, b) => a.at - b.at).slice(-2)"
                         ".map((s) => [s.step, s.weight, s.unit]))") == [["glute-bridge:2", 88, "lb"],
                                                                          ["band-walking:2", 20, "kg"]]


def test_workout_mode_starts_in_the_sites_unit_until_the_lifter_picks_one(page, in_pounds, served):
    start(page, in_pounds)
    page.wait_for("document.querySelector('.step.current .log .unit').value === 'lb'")
    type_into(page, ".step.current .log .unit", "kg")  # picked on this phone: kept over the site's
    page.goto(in_pounds.url + "workout/")
    page.wait_for("document.querySelector('.step.current .log .unit').value === 'kg'")
    start(page, served)  # a site that says nothing: kg
    page.wait_for("document.querySelector('.step.current .log .unit').value === 'kg'")
