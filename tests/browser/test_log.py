"""The log at the gym: sets with Reps and Weight, last time, sessions, history, backup, and the
moments of a set (rests past zero, timed and per-side sets, the screen), walked through on a phone.

Each test has its own browser context, so its own storage. Times are Playwright's fake clock.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..conftest import MINIMAL_INDEX, exercise_text, write_tree, build_site
from .conftest import PHONE, SiteServer

START = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)  # a Friday evening at the gym
DB = "repcard:/repcard/"  # the log's database: one per site prefix


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE, timezone_id="UTC", accept_downloads=True)
    yield context
    context.close()


def open_page(context, url, clock=START):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.errors = errors
    if clock:
        page.clock.install(time=clock)
    page.goto(url)
    return page


def current(page):
    return page.locator(".step.current")


def kind(page) -> str:
    """'glute-bridge:1', 'rest' or 'finish' for the step on screen."""
    step = current(page)
    classes = step.get_attribute("class").split()
    return "rest" if "rest" in classes else "finish" if "finish" in classes else step.get_attribute("data-step")


def settled(page):
    page.evaluate("repcardLog.idle()")  # every logged set is stored


def walk(page, entries: dict[str, tuple[str, str]], stop_after: int | None = None) -> int:
    """Tap through the workout, entering (reps, weight) for the exercises in `entries`."""
    sets = 0
    while kind(page) != "finish" and (stop_after is None or sets < stop_after):
        step = kind(page)
        if step != "rest":
            reps, weight = entries.get(step.split(":")[0], ("", ""))
            if reps:
                page.get_by_label("Reps").fill(reps)
            if weight:
                page.get_by_label("Weight").fill(weight)
            sets += 1
        page.locator("#done").click()
    settled(page)
    return sets


def history(page, url):
    page.goto(url + "history/")
    page.wait_for_selector("#history[data-ready=true]")


ENTRIES = {"glute-bridge": ("10", "12"), "hip-extension-with-leg-curl": ("12", "20"), "step-ups": ("11", "")}


def test_a_whole_session_with_entries_then_last_time_and_a_fresh_session_a_day_later(context, served):
    page = open_page(context, served.url + "workout/")
    expect(page.get_by_label("Reps")).to_have_value("10")  # the target, with nothing logged yet
    expect(page.get_by_label("Weight")).to_have_value("")
    assert walk(page, ENTRIES, stop_after=3) == 3  # 1A, 1B, rest, 1A set 2: mid-session
    page.get_by_label("Weight").fill("14")  # typed, then the phone reloads the page
    page.reload()
    assert kind(page) == "band-walking:2"
    expect(page.get_by_label("Weight")).to_have_value("")  # Band Walking: nothing typed was logged
    page.locator("#back").click()
    assert kind(page) == "glute-bridge:2"  # Back undoes a logged set: its figures come back
    settled(page)
    expect(page.get_by_label("Weight")).to_have_value("12")
    page.clock.run_for(30 * 60_000)
    assert walk(page, ENTRIES) == 10
    assert page.locator("#progress").inner_text() == "12 of 12 sets done"
    assert page.locator(".step.current h2").inner_text() == "Done!"

    history(page, served.url)
    assert page.locator("#summary").inner_text() == "1 session, 12 sets logged in this browser."
    session = page.locator(".sessions > li").first
    assert session.locator("summary").inner_text() == "Fri 20 Nov 2026, 18:00 · Wake Up Your Glutes and Hamstrings"
    # 2 x 10 x 12 kg + 2 x 12 x 20 kg
    assert session.locator(".meta").inner_text() == "30 min · 12 sets · volume 720 kg"
    assert "Glute Bridge · set 2: 12 kg × 10" in session.locator(".logged").inner_text()
    best = page.locator(".exercise-log[data-exercise=hip-extension-with-leg-curl] .best").inner_text()
    assert best == "Best set: 20 kg × 12 (Fri 20 Nov 2026)"

    page.clock.set_system_time(datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc))  # the next morning
    page.goto(served.url + "workout/")
    assert kind(page) == "glute-bridge:1"  # a fresh session: never "Done!" the next day
    assert page.locator("#progress").inner_text() == "0 of 12 sets done"
    expect(current(page).locator(".last")).to_have_text("Last time: 12 kg × 10, 10")
    expect(page.get_by_label("Weight")).to_have_value("12")
    expect(page.get_by_label("Reps")).to_have_value("10")
    for _ in range(6):
        page.locator("#done").click()
    assert kind(page) == "hip-extension-with-leg-curl:1"
    expect(current(page).locator(".last")).to_have_text("Last time: 20 kg × 12, 12")
    expect(current(page).locator(".hint")).to_have_text("10–12: you made 12 twice — add weight?")
    settled(page)
    page.goto(served.url + "exercises/glute-bridge/")
    assert page.locator("p.last").inner_text() == "Last time: 12 kg × 10, 10"  # today's, on the exercise page
    history(page, served.url)
    assert page.locator("#summary").inner_text() == "2 sessions, 16 sets logged in this browser."
    assert page.locator(".sessions > li summary").first.inner_text().startswith("Sat 21 Nov 2026, 09:00")
    assert not page.errors


def test_an_unfinished_session_resumes_the_same_day_and_not_after_hours_idle(context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES, stop_after=2)
    page.clock.set_system_time(datetime(2026, 11, 20, 19, 30, tzinfo=timezone.utc))
    page.goto(served.url + "workout/")
    assert kind(page) == "rest"  # 90 minutes later: resumes
    page.clock.set_system_time(datetime(2026, 11, 20, 23, 0, tzinfo=timezone.utc))
    page.goto(served.url + "workout/")
    assert kind(page) == "glute-bridge:1"  # hours idle: a fresh session
    assert page.evaluate("JSON.parse(localStorage.getItem('repcard:progress:/repcard/')).version") == 1


def test_unit_is_remembered_and_lb_is_logged(context, served):
    page = open_page(context, served.url + "workout/")
    page.get_by_label("Unit").select_option("lb")
    page.get_by_label("Weight").fill("25")
    page.locator("#done").click()
    assert page.get_by_label("Unit").input_value() == "lb"
    page.reload()
    assert page.get_by_label("Unit").input_value() == "lb"
    settled(page)
    history(page, served.url)
    assert "Glute Bridge · set 1: 25 lb × 10" in page.locator(".logged").inner_text()


def export(page, button: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return Path(download.value.path()).read_text()


def import_file(page, name: str, data: bytes) -> str:
    page.locator("#message").evaluate("m => m.textContent = ''")
    page.set_input_files("#import", files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
    page.wait_for_function("document.getElementById('message').textContent !== ''")
    return page.locator("#message").inner_text()


def logged(page) -> str:
    return page.locator("#summary").inner_text()


def test_export_csv_and_json_then_import_them_elsewhere_without_duplicates(browser, context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES)
    history(page, served.url)
    text = export(page, "Export CSV")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "routine", "exercise", "set", "reps", "weight", "unit"]
    assert rows[1] == ["2026-11-20 18:00", "Wake Up Your Glutes and Hamstrings", "Glute Bridge", "1", "10", "12", "kg"]
    assert ["2026-11-20 18:00", "Wake Up Your Glutes and Hamstrings", "Band Walking", "2", "20", "", ""] in rows
    assert len(rows) == 13
    backup = export(page, "Export backup (JSON)")
    data = json.loads(backup)
    assert data["app"] == "repcard" and data["version"] == 1 and len(data["sets"]) == 12
    expect(page.locator("#storage")).to_contain_text("Last backup: Fri 20 Nov 2026, 18:00.")
    assert import_file(page, "again.json", backup.encode()) == \
        "Imported 0 sets in 0 new sessions; 12 already here."
    assert import_file(page, "again.csv", text.encode()).endswith("12 already here.")
    assert logged(page) == "1 session, 12 sets logged in this browser."

    for name, data_ in (("log.csv", text), ("log.json", backup)):  # another phone, empty
        other = browser.new_context(viewport=PHONE, timezone_id="UTC", accept_downloads=True)
        there = open_page(other, served.url + "history/")
        there.wait_for_selector("#history[data-ready=true]")
        assert import_file(there, name, data_.encode()) == "Imported 12 sets in 1 new session; 0 already here."
        assert logged(there) == "1 session, 12 sets logged in this browser."
        assert export(there, "Export CSV") == text  # the same rows, cell for cell
        other.close()


HOSTILE = "=HYPERLINK(\"http://evil\")<img src=x onerror=\"window.pwned=1\">"


def backup_with(**changes) -> dict:
    session = {"id": "s1", "routine": "/repcard/", "title": "Legs", "started": 1763661600000, "finished": 0}
    entry = {"id": "s1|glute-bridge:1", "session": "s1", "step": "glute-bridge:1", "exercise": "glute-bridge",
             "name": "Glute Bridge", "set": 1, "reps": 10, "weight": 12, "unit": "kg", "timed": False,
             "at": 1763661700000}
    session.update(changes.pop("session", {}))
    entry.update(changes.pop("set", {}))
    return {"app": "repcard", "version": 1, "exported": "2026-11-20T18:00:00Z",
            "sessions": [session], "sets": [entry], **changes}


def test_a_hostile_or_oversized_backup_is_refused_and_nothing_stored_is_lost(context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES, stop_after=2)
    history(page, served.url)
    before = logged(page)
    refusals = {
        "big.json": b"{" + b" " * 5_100_000 + b"}",
        "not.json": b"{not json",
        "other.json": json.dumps({"app": "other"}).encode(),
        "new.json": json.dumps(backup_with(version=2)).encode(),
        "reps.json": json.dumps(backup_with(set={"reps": "10; DROP"})).encode(),
        "weight.json": json.dumps(backup_with(set={"weight": 1e308})).encode(),
        "slug.json": json.dumps(backup_with(set={"exercise": "../x"})).encode(),
        "orphan.json": json.dumps(backup_with(set={"session": "nowhere"})).encode(),
        "proto.json": b'{"app":"repcard","version":1,"sessions":[{"__proto__":{"id":"x"}}],"sets":[]}',
        "bad.csv": b"date,routine,exercise,set,reps,weight,unit\r\n2026-11-20 18:00,Legs,Bridge,one,10,12,kg\r\n",
        "cells.csv": b"date,routine\r\n",
    }
    for name, data in refusals.items():
        message = import_file(page, name, data)
        assert message.startswith("Not imported: ") and message.endswith("Nothing stored was changed."), name
        assert logged(page) == before, name
    assert "5.1 MB; a backup may be at most 5 MB" in import_file(page, "big.json", refusals["big.json"])
    assert "version 2; this page reads version 1" in import_file(page, "new.json", refusals["new.json"])

    # Hostile text is taken as text: shown as text, and written to CSV so no spreadsheet runs it.
    hostile = backup_with(session={"title": HOSTILE}, set={"name": HOSTILE})
    assert import_file(page, "hostile.json", json.dumps(hostile).encode()).startswith("Imported 1 set")
    assert HOSTILE in page.locator("#sessions").inner_text()
    assert page.locator("#history img").count() == 0 and page.evaluate("window.pwned") is None
    rows = list(csv.reader(io.StringIO(export(page, "Export CSV"))))
    assert ["'" + HOSTILE, "'" + HOSTILE] in [r[1:3] for r in rows]
    for row in rows[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row), row


def test_a_logged_set_can_be_edited_and_deleted(context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES, stop_after=2)
    history(page, served.url)
    row = page.locator(".logged li").first
    row.get_by_role("button", name="Edit").click()
    row.get_by_label("Weight").fill("15")
    row.get_by_role("button", name="Save").click()
    page.wait_for_function("document.getElementById('message').textContent.startsWith('Saved')")
    assert page.locator(".logged li").first.inner_text().startswith("Glute Bridge · set 1: 15 kg × 10")
    page.locator(".logged li").first.get_by_role("button", name="Delete").click()
    page.locator(".logged li").first.get_by_role("button", name="Tap again to delete").click()
    page.wait_for_function("document.getElementById('message').textContent.startsWith('Deleted')")
    assert logged(page) == "1 session, 1 set logged in this browser."


def test_what_version_1_stored_is_read_by_this_version(context, served):
    """A log written by release 1 (schema and records as documented in assets/log.js)."""
    page = open_page(context, served.url)
    page.evaluate("""db => new Promise((resolve, reject) => {
      const request = indexedDB.open(db, 1);
      request.onupgradeneeded = () => {
        const d = request.result;
        d.createObjectStore("sessions", { keyPath: "id" });
        const sets = d.createObjectStore("sets", { keyPath: "id" });
        sets.createIndex("exercise", "exercise");
        sets.createIndex("session", "session");
        d.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => {
        const t = request.result.transaction(["sessions", "sets"], "readwrite");
        t.objectStore("sessions").put({ id: "v1", routine: "/repcard/", title: "Old routine",
          started: Date.UTC(2026, 10, 18, 7, 0), finished: Date.UTC(2026, 10, 18, 7, 40) });
        for (const set of [1, 2]) t.objectStore("sets").put({ id: "v1|glute-bridge:" + set, session: "v1",
          step: "glute-bridge:" + set, exercise: "glute-bridge", name: "Glute Bridge", set, reps: 12,
          weight: 20, unit: "kg", timed: false, at: Date.UTC(2026, 10, 18, 7, set) });
        t.oncomplete = () => { request.result.close(); resolve(); };
        t.onerror = () => reject(t.error);
      };
    })""", DB)
    # and progress as release 0 kept it: one key per site, no times
    page.evaluate("localStorage.setItem('repcard:/repcard/', JSON.stringify({done: ['glute-bridge:1'], restStarted: {}}))")
    history(page, served.url)
    assert page.locator(".sessions summary").first.inner_text() == "Wed 18 Nov 2026, 07:00 · Old routine"
    assert page.locator(".sessions .meta").first.inner_text() == "40 min · 2 sets · volume 480 kg"
    page.goto(served.url + "workout/")
    assert kind(page) == "band-walking:1"  # the old progress, carried over
    page.locator("#back").click()
    expect(current(page).locator(".last")).to_have_text("Last time: 20 kg × 12, 12")


def test_history_without_javascript_says_it_needs_it(browser, served):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + "history/")
    assert page.locator("#nojs").is_visible() and page.locator("#history").is_hidden()
    context.close()


def test_history_is_linked_from_the_routine_and_workout_mode(context, served):
    page = open_page(context, served.url, clock=None)
    page.get_by_role("link", name="History", exact=True).click()
    page.wait_for_url("**/history/")
    page.goto(served.url + "workout/")
    page.get_by_role("link", name="History", exact=True).click()
    page.wait_for_url("**/history/")


# --- the moments of a set ---------------------------------------------------------------------

BUZZ_COUNTER = """navigator.vibrate = () => {
  localStorage.setItem("buzzes", String(Number(localStorage.getItem("buzzes") || 0) + 1));
  return true;
};"""


def test_a_rest_past_zero_shows_the_time_over_buzzes_once_and_takes_more_or_less_time(context, served):
    context.add_init_script(BUZZ_COUNTER)
    page = open_page(context, served.url + "workout/")
    walk(page, {}, stop_after=2)
    assert kind(page) == "rest"
    buzzes = lambda: page.evaluate("Number(localStorage.getItem('buzzes') || 0)")  # noqa: E731
    page.get_by_role("button", name="+15 s").click()
    page.clock.run_for(70_000)
    assert current(page).locator(".timer").inner_text() == "5"
    page.get_by_role("button", name="−15 s").click()
    assert buzzes() == 1  # now over: one buzz
    page.clock.run_for(12_000)
    assert current(page).locator(".timer").inner_text() == "+0:22"
    assert "rest-over" in current(page).get_attribute("class")
    assert page.locator("#done").inner_text() == "Go on"
    page.reload()
    page.clock.run_for(1_000)
    assert current(page).locator(".timer").inner_text() in ("+0:23", "+0:24")  # the reload takes real time
    assert buzzes() == 1  # not again on a reload
    page.get_by_role("button", name="+15 s").click()
    page.get_by_role("button", name="+15 s").click()
    assert current(page).locator(".timer").inner_text() in ("6", "7")
    assert "rest-over" not in current(page).get_attribute("class")
    page.clock.run_for(8_000)
    assert buzzes() == 2  # time was added: it alerts at the new zero


def test_back_into_a_rest_that_had_ended_starts_it_again_with_its_colour(context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, {}, stop_after=2)
    page.clock.run_for(65_000)
    assert "rest-over" in current(page).get_attribute("class")
    page.locator("#done").click()
    page.locator("#back").click()
    assert kind(page) == "rest"
    assert current(page).locator(".timer").inner_text() == "60"
    assert "rest-over" not in current(page).get_attribute("class")
    assert page.locator("#done").inner_text() == "Skip the rest"


def test_sets_ticked_on_exercise_pages_never_leave_the_workout_on_an_old_rest(context, served):
    page = open_page(context, served.url + "exercises/glute-bridge/", clock=None)
    page.get_by_label("Set 1").check()
    page.get_by_label("Set 2").check()
    page.goto(served.url + "exercises/band-walking/")
    page.get_by_label("Set 1").check()
    page.goto(served.url + "workout/")
    assert kind(page) == "band-walking:2"
    assert page.locator("#progress").inner_text() == "3 of 12 sets done"


def test_start_over_asks_then_clears_and_the_next_done_opens_a_new_session(context, served):
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES, stop_after=2)
    page.locator("#reset").click()
    assert kind(page) == "rest" and page.locator("#reset").inner_text() == "Tap again to start over"
    page.clock.run_for(5_000)
    assert page.locator("#reset").inner_text() == "Start over"  # not confirmed: nothing happens
    page.locator("#reset").click()
    page.locator("#reset").click()
    assert kind(page) == "glute-bridge:1"
    walk(page, ENTRIES, stop_after=1)
    history(page, served.url)
    assert logged(page) == "2 sessions, 3 sets logged in this browser."


WAKE_LOCK = """(() => {
  window.wake = { requests: 0, releases: 0 };
  Object.defineProperty(Navigator.prototype, "wakeLock", { configurable: true, get: () => ({
    request: async () => {
      window.wake.requests += 1;
      if (window.wake.requests === 1) throw new DOMException("needs a gesture", "NotAllowedError");
      const lock = new EventTarget();
      lock.released = false;
      lock.release = async () => { lock.released = true; window.wake.releases += 1; lock.dispatchEvent(new Event("release")); };
      return lock;
    } }) });
})();"""


def test_wake_lock_is_asked_again_on_the_first_tap_and_let_go_at_the_end(context, served):
    context.add_init_script(WAKE_LOCK)
    page = open_page(context, served.url + "workout/")
    assert page.locator("#wake").inner_text() == "Screen may sleep (the browser refused to keep it on)."
    page.locator("#done").click()
    assert page.evaluate("window.wake.requests") == 2
    assert page.locator("#wake").inner_text() == "Screen stays on during the workout."
    page.locator("#done").click()
    assert page.evaluate("window.wake.requests") == 2  # held: not asked again
    walk(page, {})
    assert page.evaluate("window.wake.releases") == 1
    assert page.locator("#wake").inner_text() == "Workout over: the screen may sleep again."


@pytest.fixture(scope="module")
def timed_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("timed")
    content = write_tree(root / "content", {
        "index.md": MINIMAL_INDEX,
        "exercises/plank.md": exercise_text("Plank", "1A", sets=1, reps="30 s hold"),
        "exercises/lunge.md": exercise_text("Side Lunge", "1B", sets=1, reps="8 each side"),
    })
    server = SiteServer(build_site(content, root / "site"))
    yield server
    server.close()


def test_a_timed_set_counts_down_from_a_tap_and_records_seconds(context, timed_site):
    context.add_init_script(BUZZ_COUNTER)
    page = open_page(context, timed_site.url + "workout/")
    assert page.get_by_label("Seconds").input_value() == "30"
    page.get_by_role("button", name="Start the 30 s timer").click()
    page.clock.run_for(10_000)
    assert current(page).locator(".countdown .timer").inner_text() == "20"
    page.clock.run_for(25_000)
    assert current(page).locator(".countdown .timer").inner_text() == "+0:05"
    assert page.evaluate("localStorage.getItem('buzzes')") == "1"
    page.locator("#done").click()
    assert kind(page) == "lunge:1"
    side = page.get_by_role("button", name="Left side now")
    side.click()
    assert page.get_by_role("button", name="Right side now").is_visible()
    page.locator("#done").click()
    settled(page)
    history(page, timed_site.url)
    assert "Plank · set 1: 30 s" in page.locator(".logged").inner_text()


# --- offline ----------------------------------------------------------------------------------

def controlled(context, url):
    page = context.new_page()
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    return page


def test_offline_a_missing_url_gets_the_styled_404_page_and_workout_index_html_works(browser, served):
    context = browser.new_context(viewport=PHONE)
    page = controlled(context, served.url)
    context.set_offline(True)
    response = page.goto(served.url + "nope/deeper/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    page.get_by_role("link", name="Go to the routine").click()
    page.wait_for_url(served.url)
    assert page.locator("h1").inner_text() == "Wake Up Your Glutes and Hamstrings"
    response = page.goto(served.url + "workout/index.html")
    assert response.ok and page.locator("h1").inner_text() == "Workout"
    page.locator("#done").click()
    assert page.locator("#progress").inner_text() == "1 of 12 sets done"
    context.close()


def test_pages_show_the_saved_copy_at_once_and_refresh_it_behind(browser, tmp_path):
    from ..conftest import SEED

    site = build_site(SEED, tmp_path / "site")
    server = SiteServer(site)
    context = browser.new_context(viewport=PHONE)
    page = controlled(context, server.url + "card/")
    card = site / "card/index.html"
    card.write_text(card.read_text().replace("<h1", '<h1 data-build="new"'))
    page.reload()
    assert page.locator("h1[data-build=new]").count() == 0  # the saved copy, at once
    page.wait_for_timeout(300)  # meanwhile the network's copy replaces it
    page.reload()
    assert page.locator("h1[data-build=new]").count() == 1
    context.close()
    server.close()


# --- quality ----------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_full_history_and_a_logging_set_pass_axe_and_fit_320_px(browser, served, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 320, "height": 740}, color_scheme=scheme, timezone_id="UTC")
    page = open_page(context, served.url + "workout/")
    walk(page, ENTRIES)
    page.clock.set_system_time(datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))
    page.goto(served.url + "workout/")
    for _ in range(6):
        page.locator("#done").click()  # 2A: last time and the hint
    found = {}
    for where in ("workout/", "history/"):
        if where == "history/":
            history(page, served.url)
            page.locator(".logged li").first.get_by_role("button", name="Edit").click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), where
        results = Axe().run(page)
        if results.violations_count:
            found[where] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    context.close()
    assert not found, found
