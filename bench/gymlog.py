"""Years of logged workouts on a phone's CPU: the history page, an exercise's chart, workout mode's
last time.

    .venv/bin/python bench/gymlog.py [RUNS] [YEARS]      (default 5 runs of 3 years; prints medians)

Fills the log (IndexedDB, through log.js, so each exercise's summary is kept as on a phone) with
YEARS of synthetic history — 4 sessions a week, every set of the seed routine with reps and a
weight: 624 sessions and 7,488 sets for three years — in Debian's Chromium on a 360 px phone. Then,
with the CPU slowed 4× (Emulation.setCPUThrottlingRate, as Lighthouse's mobile run does), it traces
each page from the navigation until it is ready:
  - the history page, until every session and exercise it shows at first is drawn (#history[data-ready]);
  - an exercise page, until its chart is drawn (#exercise-progress[data-ready]);
  - workout mode, until the first set shows last time's figures (and today's prescription, where
    the routine has one: assets/program.js, issue 21, is not on this branch).
For each: main-thread time (the renderer main thread's tasks, summed), the longest task, and tasks
over 50 ms (long tasks), all at 4× slower; and the wall time from navigation. A benchmark, not a
test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, SiteServer  # noqa: E402
from tests.conftest import SEED, build_site  # noqa: E402

PER_WEEK = 4
SLOWDOWN = 4  # Lighthouse's mobile CPU
LONG_TASK_MS = 50

# Written as workout mode writes: one transaction, the sets through log.js (summaries kept).
FILL = """async ([weeks, perWeek, plan]) => {
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
  await repcardLog.inStores("readwrite", (s) => {
    for (const x of sessions) s.sessions.put(x);
    for (const x of sets) s.sets.put(x);
  });
  return [sessions.length, sets.length];
}"""

# Says when a page is ready, as a console message with the time since navigation (measurement only:
# the pages do not know of it). It watches only what says "ready", so it costs the page nearly nothing;
# the harness waits for the message instead of running code in the page while it loads.
READY = """(() => {
  const ready = () => {
    console.debug("repcard-ready " + performance.now());
    console.timeStamp("repcard-ready");
  };
  const path = location.pathname;
  if (path.includes("history") || path.includes("exercises")) {
    const selector = path.includes("history") ? "#history[data-ready]" : "#exercise-progress[data-ready]";
    new MutationObserver((changes, observer) => {
      if (document.querySelector(selector)) ready(), observer.disconnect();
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
  } else if (path.includes("workout")) {
    document.addEventListener("DOMContentLoaded", () => {
      const last = document.querySelector(".step.current .log .last") || document.querySelector(".log .last");
      new MutationObserver((changes, observer) => {
        if (last.textContent) ready(), observer.disconnect();
      }).observe(last, { subtree: true, childList: true, characterData: true });
    });
  }
})();"""

# The sets of the workout page on screen: [exercise slug, name, set number] each.
PLAN = """[...document.querySelectorAll('.step.set')].map((li) => [li.dataset.step.split(':')[0],
  li.querySelector('h2').textContent.replace(/^\\s*\\S+\\s+/, '').trim(), Number(li.dataset.step.split(':')[1])])"""


def fill(page, workout_url: str, years: float) -> tuple[int, int]:
    """The log of the page's site filled with `years` of the workout's every set: (sessions, sets)."""
    page.goto(workout_url)
    return page.evaluate(FILL, [round(52 * years), PER_WEEK, page.evaluate(PLAN)])


CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]


def main_thread(trace: bytes) -> dict[str, float]:
    """From a trace of one navigation: the ready page's renderer main thread's tasks until ready.

    Two measures of each task: its time as traced (wall time, at 4x slower: on a machine shared
    with other work it also holds the time the thread waited for a core), and its CPU time (the
    thread's own, `tdur`, which throttling's pauses and other processes leave out) times SLOWDOWN:
    what the task costs a CPU 4x slower, whatever else runs beside it.
    """
    events = json.loads(trace)["traceEvents"]
    ready = next(e for e in events if e.get("name") == "TimeStamp"
                 and e.get("args", {}).get("data", {}).get("message") == "repcard-ready")
    thread = (ready["pid"], ready["tid"])  # tracing starts on about:blank: all that follows is this page's
    tasks = sorted((e["ts"], e["ts"] + e.get("dur", 0), e.get("tdur", 0)) for e in events
                   if (e["pid"], e["tid"]) == thread and e.get("ph") == "X" and e["ts"] <= ready["ts"]
                   and e.get("name") in ("RunTask", "ThreadControllerImpl::RunTask"))
    merged: list[list[float]] = []  # nested tasks counted once, as the outer one
    for start, end, cpu in tasks:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, cpu])
    wall = [(end - start) / 1000 for start, end, _ in merged]
    cpu = [SLOWDOWN * c / 1000 for _, _, c in merged]
    # The drawing: from the task that runs the first of the site's scripts (log.js) until ready.
    first = min(e["ts"] for e in events if (e["pid"], e["tid"]) == thread and e.get("name") == "EvaluateScript"
                and "/assets/" in e.get("args", {}).get("data", {}).get("url", ""))
    drawing = [SLOWDOWN * c / 1000 for start, end, c in merged if end >= first]
    return {"main": sum(wall), "longest": max(wall, default=0), "long": sum(1 for x in wall if x > LONG_TASK_MS),
            "cpu": sum(cpu), "cpu_longest": max(cpu, default=0), "cpu_long": sum(1 for x in cpu if x > LONG_TASK_MS),
            "drawing": sum(drawing)}


def measure(browser, page, url: str) -> dict[str, float]:
    page.goto("about:blank")  # the page before leaves nothing behind in the trace
    browser.start_tracing(page=page, categories=CATEGORIES)
    with page.expect_console_message(lambda m: m.text.startswith("repcard-ready"), timeout=60_000) as message:
        page.goto(url, wait_until="commit")
    wall = float(message.value.text.split()[1])
    figures = main_thread(browser.stop_tracing())
    return figures | {"wall": wall}


def summary(name: str, runs: list[dict[str, float]]) -> str:
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    each = {key: ", ".join(f"{r[key]:.0f}" for r in runs) for key in ("cpu", "main", "drawing")}
    return (f"{name}: CPU time x{SLOWDOWN} {med['cpu']:.0f} ms (each: {each['cpu']}), of which the site's scripts "
            f"on: {med['drawing']:.0f} ms (each: {each['drawing']}), "
            f"longest task {max(r['cpu_longest'] for r in runs):.0f} ms, over {LONG_TASK_MS} ms: {max(r['cpu_long'] for r in runs):.0f}; "
            f"as traced, throttled: {med['main']:.0f} ms (each: {each['main']}), "
            f"longest task {max(r['longest'] for r in runs):.0f} ms, over {LONG_TASK_MS} ms: {max(r['long'] for r in runs):.0f}; "
            f"ready after {med['wall']:.0f} ms")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    years = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(SEED, Path(tmp) / "site")
        server = SiteServer(site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=PHONE)
            context.add_init_script(READY)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN})
            pages = {"history page": "history/", "exercise chart": "exercises/romanian-deadlift/",
                     "workout mode, last time": "workout/"}
            empty = {name: [measure(browser, page, server.url + path) for _ in range(runs)] for name, path in pages.items()}
            counts = fill(page, server.url + "workout/", years)
            usage = page.evaluate("navigator.storage.estimate().then(e => e.usage)")
            found = {name: [] for name in pages}
            for _ in range(runs):
                for name, path in pages.items():
                    found[name].append(measure(browser, page, server.url + path))
            browser.close()
        server.close()
    print(f"{years:g} years of history: {counts[0]} sessions, {counts[1]} sets, about {usage / 1e6:.1f} MB of storage; "
          f"CPU {SLOWDOWN}x slower, {runs} runs, medians")
    for name, measured in found.items():
        print(summary(name, measured))
    print("The same pages with an empty log, for what the pages cost without history:")
    for name, measured in empty.items():
        print(summary(name, measured))


if __name__ == "__main__":
    main()
