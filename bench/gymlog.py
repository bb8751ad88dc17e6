"""A year of logged workouts in the browser: how long the history page and workout start take.

    .venv/bin/python bench/gymlog.py [RUNS]      (default 5 runs; prints medians)

Fills the log (IndexedDB, through log.js) with a year of synthetic history — 4 sessions a week,
every set of the seed routine with reps and a weight — in Debian's Chromium on a 360 px phone, then
times, from navigation start:
  - the history page until every session and exercise is drawn (#history[data-ready]);
  - workout mode until the first set shows last time's figures.
A benchmark, not a test: the figures depend on the machine. Prints the page's storage estimate too.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, SiteServer  # noqa: E402
from tests.conftest import SEED, build_site  # noqa: E402

WEEKS = 52
PER_WEEK = 4

FILL = """async ([weeks, perWeek, plan]) => {
  const log = window.repcardLog;
  const day = 864e5;
  const start = Date.now() - weeks * 7 * day;
  const sessions = [], sets = [];
  for (let w = 0; w < weeks; w++) for (let k = 0; k < perWeek; k++) {
    const started = start + (w * 7 + k * 2) * day + 18 * 36e5;
    const id = "bench-" + w + "-" + k;
    sessions.push({ id, routine: "/repcard/", title: "Bench routine", started, finished: started + 40 * 6e4 });
    plan.forEach(([slug, name, set], i) => sets.push({ id: id + "|" + slug + ":" + set, session: id,
      step: slug + ":" + set, exercise: slug, name, set, reps: 8 + (w + i) % 5, weight: 10 + w / 4,
      unit: "kg", timed: false, at: started + i * 9e4 }));
  }
  await log.inStores("readwrite", (s) => {
    for (const x of sessions) s.sessions.put(x);
    for (const x of sets) s.sets.put(x);
  });
  return [sessions.length, sets.length];
}"""

SINCE_NAVIGATION = "performance.now()"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(SEED, Path(tmp) / "site")
        server = SiteServer(site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            page.goto(server.url + "workout/")
            plan = page.evaluate("""[...document.querySelectorAll('.step.set')].map(li => [
              li.dataset.step.split(':')[0], li.querySelector('h2').textContent.replace(/^\\s*\\S+\\s+/, '').trim(),
              Number(li.dataset.step.split(':')[1])])""")
            counts = page.evaluate(FILL, [WEEKS, PER_WEEK, plan])
            usage = page.evaluate("navigator.storage.estimate().then(e => e.usage)")
            history, workout = [], []
            for _ in range(runs):
                page.goto(server.url + "history/")
                page.wait_for_selector("#history[data-ready=true]", state="attached")
                history.append(page.evaluate(SINCE_NAVIGATION))
                page.goto(server.url + "workout/")
                page.wait_for_function("(document.querySelector('.step.current .last') || {}).textContent")
                workout.append(page.evaluate(SINCE_NAVIGATION))
            drawn = page.goto(server.url + "history/") and page.wait_for_selector("#history[data-ready=true]",
                                                                                  state="attached")
            sessions_shown = page.locator(".sessions > li").count() if drawn else 0
            browser.close()
        server.close()
    print(f"a year of history: {counts[0]} sessions, {counts[1]} sets, about {usage / 1e6:.1f} MB of storage")
    print(f"history page, all {sessions_shown} sessions drawn: median {statistics.median(history):.0f} ms "
          f"(each: {', '.join(f'{x:.0f}' for x in history)})")
    print(f"workout start, last time shown: median {statistics.median(workout):.0f} ms "
          f"(each: {', '.join(f'{x:.0f}' for x in workout)})")


if __name__ == "__main__":
    main()
