"""Progress (issue 22): records and the estimated 1RM, each exercise's chart and table, the weeks'
bars and streak, a record announced at the moment of the set, Strong and Hevy imports with their
names matched, and a backup handed to the share sheet.

The decisions are pure functions (assets/records.js, progress.js, files.js) called here with plain
values; the pages are walked as a lifter would. Every test takes `page` and runs in Chromium, WebKit
and Firefox, but the accessibility checks (axe-core through Playwright, Chromium only). Expected
figures are worked out here in Python from the seeded log, not read back from the page's code.
"""

from __future__ import annotations


from datetime import datetime, timedelta

import pytest

from .seedlog import PLAN, seed_log
from .test_log import go_through, open_history, start, step_of, stored, type_into


def epley(weight: float, reps: int) -> float:
    return weight if reps == 1 else weight * (1 + reps / 30)


def seeded_sessions(weeks: int, per_week: int, plan=PLAN) -> list[dict]:
    """What seed_log writes, session by session: each exercise's load and reps."""
    return [{slug: (None if weight is None else weight + (w // 2) * 2.5, 8 + (w * per_week + k + i) % 5)
             for i, (slug, _, _, weight) in enumerate(plan)}
            for w in range(weeks) for k in range(per_week)]


def records_of(sessions: list[dict], slug: str) -> list[bool]:
    """Which sessions beat every session before them at `slug`: a heavier top set or a better 1RM."""
    marks, top, best = [], None, None
    for session in sessions:
        load, reps = session[slug]
        e1rm = epley(load, reps)
        marks.append(top is not None and (load > top or e1rm > best + 1e-9))
        top, best = max(top or 0, load), max(best or 0, e1rm)
    return marks


def monday(ms: float) -> datetime:
    day = datetime.fromtimestamp(ms / 1000)
    return datetime(day.year, day.month, day.day) - timedelta(days=day.weekday())


# --- the decisions, from plain values ----------------------------------------------------------

def test_records_the_estimate_and_the_scales_are_decided_from_plain_values(page, served):
    page.goto(served.url + "exercises/glute-bridge/")  # loads records.js and progress.js
    results = page.evaluate("""(() => {
      const r = repcardRecords, p = repcardProgress;
      const entries = [{ at: 1, timed: false, best: [[40, "kg", 10], [45, "kg", 6]] },
                       { at: 2, timed: false, best: [[100, "lb", 8]] }];
      const b = r.bests(entries);
      const bodyweight = r.bests([{ at: 1, timed: false, best: [[null, null, 12]] }]);
      return {
        epley: [r.epley(100, 5), r.epley(100, 1), r.epley(0, 5), r.epley(50, 0)],
        heaviest: [b.weight.weight, b.weight.unit, b.weight.reps, b.weight.at],
        e1rm: [b.e1rm.weight, b.e1rm.unit, Math.round(b.e1rm.kg * 100) / 100],
        beaten: [
          r.beaten(b, { weight: 45, unit: "kg", reps: 7 }),            // more reps at 45 kg only
          r.beaten(b, { weight: 50, unit: "kg", reps: 5 }),            // heavier, and a better estimate
          r.beaten(b, { weight: 45, unit: "kg", reps: 6 }),            // a tie is no record
          r.beaten(b, { weight: 60, unit: "kg", reps: 5, warmup: true }),
          r.beaten(r.bests([]), { weight: 60, unit: "kg", reps: 5 }), // the first time: nothing beaten
          r.beaten(bodyweight, { weight: null, unit: "kg", reps: 13 }),
          r.beaten(bodyweight, { weight: null, unit: "kg", reps: 12 }),
          r.beaten(b, { weight: 110, unit: "lb", reps: 0 }),           // no reps: nothing
        ],
        text: [r.recordText({ weight: 45, unit: "kg", reps: 10 }, ["weight", "e1rm"]),
               r.recordText({ weight: 40, unit: "kg", reps: 11 }, ["reps"]),
               r.recordText({ weight: null, unit: "kg", reps: 25 }, ["reps"]),
               r.recordText({ weight: null, unit: "kg", reps: 75, timed: true }, ["reps"])],
        scales: [p.scale(0, 3, 4).ticks, p.scale(41, 97).ticks, p.scale(0, 130497 / 12, 4).ticks, p.scale(5, 5).ticks],
      };
    })()""")
    assert results["epley"] == [100 * (1 + 5 / 30), 100, None, None]
    assert results["heaviest"] == [100, "lb", 8, 2]  # 100 lb is 45.36 kg: heavier than 45 kg
    assert results["e1rm"] == [100, "lb", round(100 * 0.45359237 * (1 + 8 / 30), 2)]
    assert results["beaten"] == [["reps"], ["weight", "e1rm"], [], [], [], ["reps"], [], []]
    assert results["text"] == ["New best: 45 kg × 10 — heaviest weight, best estimated 1RM (60 kg)",
                               "New best: 40 kg × 11 — most reps at 40 kg",
                               "New best: 25 reps — most reps",
                               "New best: 75 s — longest yet"]
    assert results["scales"] == [[0, 1, 2, 3], [40, 60, 80, 100], [0, 5000, 10000, 15000], [4, 4.5, 5, 5.5, 6]]


def test_weeks_streak_series_and_when_a_backup_is_due(page, served):
    page.goto(served.url + "exercises/glute-bridge/")
    day = 864e5
    results = page.evaluate("""(() => {
      const r = repcardRecords, p = repcardProgress;
      const at = (y, m, d, h = 18) => new Date(y, m - 1, d, h).getTime();
      const now = at(2026, 11, 25, 12);                       // a Wednesday
      const sessions = [at(2026, 11, 23), at(2026, 11, 20), at(2026, 11, 18), at(2026, 11, 9), at(2026, 9, 1)]
        .map((started, i) => ({ started, sets: 10 + i, volume: { kg: 1000, lb: i === 0 ? 100 : 0 } }));
      const weeks = p.weeks(sessions, now, "kg");
      const entries = [[1, 40, 10], [2, 40, 12], [3, 42.5, 8], [4, 42.5, 8], [5, 40, 5]].map(([d, w, reps]) =>
        ({ at: at(2026, 10, d), session: "s" + d, timed: false, figures: "", best: [[w, "kg", reps]] }));
      const bodyweight = [[1, 10], [2, 9], [3, 12]].map(([d, reps]) =>
        ({ at: at(2026, 10, d), session: "b" + d, timed: false, figures: "", best: [[null, null, reps]] }));
      return {
        weeks: weeks.map((w) => [new Date(w.start).toDateString(), w.sessions, w.sets, w.volume]).slice(-4),
        count: weeks.length,
        streaks: [p.streak(sessions.map((s) => s.started), now), p.streak([at(2026, 11, 20), at(2026, 11, 12)], now),
                  p.streak([at(2026, 11, 10)], now), p.streak([], now)],
        series: p.series(entries).points.map((x) => [x.weight, x.e1rm, x.record]),
        reps: p.series(bodyweight).points.map((x) => [x.reps, x.record]),
        due: [r.backupDue(0, 0, [now - 8 * 864e5, now - 4 * 864e5, now - 864e5], now),   // never saved: due
              r.backupDue(0, 0, [now - 6 * 864e5, now - 4 * 864e5, now - 864e5], now),   // only 6 days of log
              r.backupDue(now - 9 * 864e5, 0, [now - 8 * 864e5, now - 864e5], now),      // two sessions since
              r.backupDue(now - 9 * 864e5, 0, [now - 8 * 864e5, now - 5 * 864e5, now - 864e5], now),
              r.backupDue(now - 9 * 864e5, now - 3600e3, [now - 8 * 864e5, now - 5 * 864e5, now - 864e5], now)],
      };
    })()""")
    assert results["count"] == 12
    assert results["weeks"] == [["Mon Nov 02 2026", 0, 0, 0], ["Mon Nov 09 2026", 1, 13, 1000],
                                ["Mon Nov 16 2026", 2, 23, 2000], ["Mon Nov 23 2026", 1, 10, round(1000 + 100 * 0.45359237)]]
    assert results["streaks"] == [3, 2, 0, 0]  # this week, 16 Nov and 9 Nov; last week and the one before; a gap
    e = lambda w, r: round(w * (1 + r / 30), 1)  # noqa: E731
    assert results["series"] == [[40, e(40, 10), False], [40, e(40, 12), True], [42.5, e(42.5, 8), True],
                                 [42.5, e(42.5, 8), False], [40, e(40, 5), False]]
    assert results["reps"] == [[10, False], [9, False], [12, True]]
    assert results["due"] == [True, False, False, True, False]


# --- the pages --------------------------------------------------------------------------------

def test_the_exercise_page_shows_its_chart_once_the_log_has_the_exercise(page, served):
    start(page, served, "exercises/romanian-deadlift/")
    page.wait_for("document.getElementById('exercise-progress').dataset.ready === 'true'")
    assert not page.visible("#exercise-progress")  # nothing logged: nothing said
    seed_log(page, weeks=3, per_week=2)
    page.goto(served.url + "exercises/romanian-deadlift/")
    page.wait_for("document.getElementById('exercise-progress').dataset.ready === 'true'")
    assert page.visible("#exercise-progress svg.chart")
    assert page.evaluate("document.querySelector('#exercise-progress svg title').textContent")\
        .startswith("Romanian Deadlift: best set of each of 6 sessions")
    assert page.texts("#exercise-progress .legend .key") == ["heaviest weight", "estimated 1RM", "a record"]
    page.goto(served.url + "exercises/band-walking/")  # done without weight: reps
    page.wait_for("document.getElementById('exercise-progress').dataset.ready === 'true'")
    assert page.count("#exercise-progress svg path.line") == 1
    assert page.text("#exercise-progress .records").startswith("Most reps: 12 reps, ")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_record_set_is_announced_once(page, served):
    start(page, served)
    seed_log(page, weeks=4, per_week=2, days_ago=2)  # the glute bridge at 22.5 kg at most
    page.goto(served.url + "workout/")
    page.wait_for("document.querySelector('.step.current .log .last').innerText.startsWith('Last time: 22.5 kg')")
    type_into(page, ".step.current .log .weight", "40")
    type_into(page, ".step.current .log .reps", "10")
    page.click("#done")
    page.wait_for("document.getElementById('record').innerText", timeout=10)
    assert page.text("#record") == "New best: 40 kg × 10 — heaviest weight, best estimated 1RM (53.3 kg)"
    go_through(page, {}, stop_after=1)  # band walking, as last time: no record, and the line is gone
    assert page.text("#record") == ""
    page.click("#done")  # the rest
    assert step_of(page) == "glute-bridge:2"
    page.wait_for("document.querySelector('.step.current .log .weight').value === '40'")
    page.click("#done")  # 40 kg × 10 again: a tie, no record
    stored(page)
    page.evaluate("new Promise((resolve) => setTimeout(() => resolve(true), 300))")
    assert page.text("#record") == ""
    for _ in range(4):  # back to set 1 of the glute bridge, and done again as it was: said once only
        page.click("#back")
    assert step_of(page) == "glute-bridge:1"
    page.wait_for("document.querySelector('.step.current .log .weight').value === '40'")
    page.click("#done")
    stored(page)
    page.evaluate("new Promise((resolve) => setTimeout(() => resolve(true), 300))")
    assert page.text("#record") == ""
    page.reload()
    assert page.text("#record") == ""
