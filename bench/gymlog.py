"""Years of logged workouts on a phone's CPU: the history page, an exercise's chart, workout mode's
last time, and workout mode's prescription in a program's week.

    .venv/bin/python bench/gymlog.py [RUNS] [YEARS]      (default 5 runs of 3 years; prints medians)

Fills the log (IndexedDB, through log.js, so each exercise's summary is kept as on a phone) with
YEARS of synthetic history — 4 sessions a week, every set of the seed routine with reps and a
weight: 624 sessions and 7,488 sets for three years — in Debian's Chromium on a 360 px phone; and
the same years of a program's weeks (tests/fixtures/library's six-weeks, each session one of its
weeks' in turn) in the log of that site. Then,
with the CPU slowed 4× (Emulation.setCPUThrottlingRate, as Lighthouse's mobile run does), it traces
each page from the navigation until it is ready:
  - the history page, until every session and exercise it shows at first is drawn (#history[data-ready]);
  - an exercise page, until its chart is drawn (#exercise-progress[data-ready]);
  - workout mode, until the first set shows last time's figures;
  - a program week's workout mode, until the same, which waits for today's prescription
    (log.js finds the move's latest working session, assets/program.js applies the rule).
For each: main-thread time (the renderer main thread's tasks, summed), the longest task, and tasks
over 50 ms (long tasks), all at 4× slower; and the wall time from navigation. Then the same pages
unthrottled, whose main thread's CPU time times 4 is what a 4× slower CPU spends whatever else runs
on the machine, with an empty log beside it: what the pages cost without history; and the measure's
floor, a page of one heading and one script (FLOOR): what any page costs by it. Last, workout
mode's own work for its first set (last time's figures; today's prescription), timed in the loaded
page with the CPU slowed 4× (COMPUTE). A benchmark, not a test: the figures depend on the machine
and on what else runs on it.
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

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, PREFIX, SiteServer  # noqa: E402
from tests.conftest import SEED, build_site  # noqa: E402

LIBRARY = ROOT / "tests/fixtures/library"

PER_WEEK = 4
SLOWDOWN = 4  # Lighthouse's mobile CPU
LONG_TASK_MS = 50

# Written as workout mode writes: one transaction, the sets through log.js (summaries kept).
FILL = """async ([weeks, perWeek, plan, routines]) => {
  const day = 864e5;
  const start = Date.now() - weeks * 7 * day;
  const sessions = [], sets = [];
  for (let w = 0; w < weeks; w++) for (let k = 0; k < perWeek; k++) {
    const started = start + (w * 7 + k * 2) * day + 18 * 36e5;
    const id = "bench-" + w + "-" + k;
    sessions.push({ id, routine: routines[(w * perWeek + k) % routines.length], title: "Bench routine", started,
      finished: started + 40 * 6e4 });
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


def fill(page, workout_url: str, years: float, routines: list[str]) -> tuple[int, int]:
    """The log of the page's site filled with `years` of the workout's every set, the sessions
    those of `routines` (page paths) in turn: (sessions, sets)."""
    page.goto(workout_url)
    return page.evaluate(FILL, [round(52 * years), PER_WEEK, page.evaluate(PLAN), routines])


# Workout mode's own work for the first set, timed in the page (its scripts loaded, the log filled),
# as workout.js does it, through the same modules with the page's values: last time's figures
# (log.js), and in a program's week today's prescription (the move's latest working session found,
# program.js's rule applied).
COMPUTE = """async () => {
  const log = window.repcardLog, rules = window.repcardProgram, app = window.repcard;
  const step = document.querySelector(".step.set");
  const slug = step.dataset.step.split(":")[0];
  const data = document.getElementById("program-data");
  const program = data && rules ? JSON.parse(data.textContent) : null;
  const week = program && rules.weekOf(program, app.routinePath, app.languagePath);
  const started = performance.now();
  await log.lastTime(slug);
  const lastDone = performance.now();
  if (!week) return [lastDone - started, null];
  const found = await log.latest(slug, null, (s) => !(rules.weekOf(program, s.routine, app.languagePath) || {}).deload);
  const target = { low: Number(step.dataset.low) || null, high: Number(step.dataset.high) || null,
    sets: [...document.querySelectorAll(".step.set")].filter((li) => li.dataset.step.startsWith(slug + ":")).length };
  rules.prescribe(program.rules[slug] || null,
    found ? rules.historyOf(program, found.sets, [found.session], null, app.languagePath) : [], week, target, "kg",
    program.steps);
  return [lastDone - started, performance.now() - lastDone];
}"""


def computed(page, url: str, runs: int) -> list[list[float | None]]:
    """COMPUTE's figures, `runs` times, in the page at `url` once it has drawn its first set."""
    with page.expect_console_message(lambda m: m.text.startswith("repcard-ready"), timeout=60_000):
        page.goto(url)
    return [page.evaluate(COMPUTE) for _ in range(runs)]


CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]


def main_thread(trace: bytes, slowdown: float) -> dict[str, float]:
    """From a trace of one navigation: the ready page's renderer main thread's tasks until ready,
    each counted once (a task nested in another is part of it).

    `main`, `longest`, `long`: the tasks' time as traced (throttled, it is 4x slower; on a machine
    shared with other work it also holds the time the thread waited for a core). `cpu` and its
    kin: their CPU time (the thread's own, which other processes leave out) times `slowdown`, read
    from an unthrottled run, as Chromium's throttle spends CPU time of its own. `drawing`: the
    same CPU time from the task that runs the site's first script (log.js) on.
    """
    events = json.loads(trace)["traceEvents"]
    ready = next((e for e in events if e.get("name") == "TimeStamp"
                  and e.get("args", {}).get("data", {}).get("message") == "repcard-ready"), None)
    if ready is None:
        raise LookupError("the trace lacks the page's ready mark")
    thread = (ready["pid"], ready["tid"])  # tracing starts on about:blank: all that follows is this page's
    tasks = sorted((e["ts"], e["ts"] + e.get("dur", 0), e.get("tdur", 0)) for e in events
                   if (e["pid"], e["tid"]) == thread and e.get("ph") == "X" and e["ts"] <= ready["ts"]
                   and e.get("name") in ("RunTask", "ThreadControllerImpl::RunTask"))
    merged: list[list[float]] = []
    for start, end, cpu in tasks:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, cpu])
    first = min(e["ts"] for e in events if (e["pid"], e["tid"]) == thread and e.get("name") == "EvaluateScript"
                and "/assets/" in e.get("args", {}).get("data", {}).get("url", ""))
    wall = [(end - start) / 1000 for start, end, _ in merged]
    cpu = [slowdown * c / 1000 for _, _, c in merged]
    return {"main": sum(wall), "longest": max(wall, default=0), "long": sum(1 for x in wall if x > LONG_TASK_MS),
            "cpu": sum(cpu), "cpu_longest": max(cpu, default=0), "cpu_long": sum(1 for x in cpu if x > LONG_TASK_MS),
            "drawing": sum(slowdown * c / 1000 for start, end, c in merged if end >= first)}


def measure(browser, page, url: str, slowdown: float) -> dict[str, float]:
    for attempt in range(3):  # now and then a trace comes back without the ready mark: again
        page.goto("about:blank")  # the page before leaves nothing behind in the trace
        browser.start_tracing(page=page, categories=CATEGORIES)
        with page.expect_console_message(lambda m: m.text.startswith("repcard-ready"), timeout=60_000) as message:
            page.goto(url, wait_until="commit")
        wall = float(message.value.text.split()[1])
        try:
            return main_thread(browser.stop_tracing(), slowdown) | {"wall": wall}
        except LookupError:
            if attempt == 2:
                raise


def median_of(runs: list[dict[str, float]], key: str) -> str:
    return f"{statistics.median(r[key] for r in runs):.0f} ms ({min(r[key] for r in runs):.0f}–{max(r[key] for r in runs):.0f})"


def traced(name: str, runs: list[dict[str, float]]) -> str:
    return (f"  {name}: main thread {median_of(runs, 'main')}, longest task {max(r['longest'] for r in runs):.0f} ms, "
            f"tasks over {LONG_TASK_MS} ms in a run: {max(r['long'] for r in runs):.0f} at most; "
            f"ready {median_of(runs, 'wall')} after navigating")


def cpu_time(name: str, runs: list[dict[str, float]], empty: list[dict[str, float]]) -> str:
    return (f"  {name}: main thread {median_of(runs, 'cpu')}, of it from the site's scripts on "
            f"{median_of(runs, 'drawing')}; longest task {max(r['cpu_longest'] for r in runs):.0f} ms; "
            f"with an empty log {median_of(empty, 'cpu')}, scripts on {median_of(empty, 'drawing')}")


# The measure's floor: a page of one heading and one script that says it is ready (at a history page's
# path, as READY waits there), nothing else: what any page costs by this measure before it does anything
# of its own (the navigation, a renderer's new context, the parse, one style and layout).
FLOOR = {"history/index.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                               'content="width=device-width"><title>Floor</title><script src="../assets/ready.js" '
                               'defer></script></head><body><main id="history"><h1>History</h1></main></body></html>',
         "assets/ready.js": 'document.getElementById("history").dataset.ready = "true";'}

PROGRAM = "programs/six-weeks/"
# Each site: its fixture, the workout page whose sets fill the log, the routines its sessions were
# of (page paths), and the pages measured.
SITES = [
    (SEED, "workout/", [PREFIX],
     {"history page": "history/", "exercise chart": "exercises/romanian-deadlift/", "workout mode, last time": "workout/"}),
    (LIBRARY, f"{PROGRAM}week-1/workout/", [f"{PREFIX}{PROGRAM}week-{n}/" for n in range(1, 7)],
     {"workout mode, prescription": f"{PROGRAM}week-1/workout/"}),
]
PAGES = [name for *_, pages in SITES for name in pages]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    years = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    found: dict[tuple[str, str], list] = {}  # (log, throttle) -> {page: runs}
    with tempfile.TemporaryDirectory() as tmp:
        servers = [SiteServer(build_site(content, Path(tmp) / content.name)) for content, *_ in SITES]
        for name, text in FLOOR.items():
            (Path(tmp) / "floor" / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / "floor" / name).write_text(text)
        floor_server = SiteServer(Path(tmp) / "floor")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=PHONE)
            context.add_init_script(READY)
            page = context.new_page()
            cdp = context.new_cdp_session(page)

            def each_page(log: str) -> None:
                for rate in (SLOWDOWN, 1):
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                    found[log, rate] = {name: [] for name in PAGES}
                    for _ in range(runs):
                        for server, (*_, pages) in zip(servers, SITES):
                            for name, path in pages.items():
                                found[log, rate][name].append(measure(browser, page, server.url + path, SLOWDOWN))

            floor = {}
            for rate in (SLOWDOWN, 1):
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                floor[rate] = [measure(browser, page, floor_server.url + "history/", SLOWDOWN) for _ in range(runs)]
            each_page("empty")
            counts = [fill(page, server.url + workout, years, routines)
                      for server, (_, workout, routines, _) in zip(servers, SITES)]
            each_page("years")
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN})
            work = {name: computed(page, server.url + path, max(runs, 5)) for server, (*_, pages) in zip(servers, SITES)
                    for name, path in pages.items() if "workout" in path}
            browser.close()
        for server in (*servers, floor_server):
            server.close()
    print(f"{years:g} years of history: " + "; ".join(f"{content.name}, {sessions} sessions and {sets} sets"
                                                    for (content, *_), (sessions, sets) in zip(SITES, counts)) +
          f"; {runs} runs of each page, medians (and ranges)")
    print(f"As traced with Chromium's CPU throttled {SLOWDOWN}x (Emulation.setCPUThrottlingRate):")
    for name in PAGES:
        print(traced(name, found["years", SLOWDOWN][name]))
    print("  the same with an empty log:")
    for name in PAGES:
        print(traced(name, found["empty", SLOWDOWN][name]))
    print(f"  the measure's floor, a page of one heading and one script: {traced('', floor[SLOWDOWN]).lstrip(' :')}")
    print(f"CPU time of an unthrottled run times {SLOWDOWN} (what other work on the machine cannot lengthen):")
    for name in PAGES:
        print(cpu_time(name, found["years", 1][name], found["empty", 1][name]))
    print(f"  the measure's floor, a page of one heading and one script: main thread {median_of(floor[1], 'cpu')}")
    print(f"Workout mode's own work for the first set, in the loaded page, CPU throttled {SLOWDOWN}x (wall time, "
          "IndexedDB's reads included):")
    for name, figures in work.items():
        for n, what in enumerate(("last time's figures", "today's prescription")):
            if (times := [f[n] for f in figures if f[n] is not None]):
                print(f"  {name}: {what} {statistics.median(times):.0f} ms ({min(times):.0f}–{max(times):.0f})")


if __name__ == "__main__":
    main()
