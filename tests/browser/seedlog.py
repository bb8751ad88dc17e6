"""A log of many weeks, written into the page's IndexedDB through log.js as workout mode writes it
(so the per-exercise summaries are kept as they are on a phone): for the progress tests, the
README's screenshots and bench/gymlog.py.

    sessions, sets, starts = seed_log(page, weeks=12, per_week=3, plan=PLAN)   # engines.py's page or Playwright's

Each session does every exercise of `plan` — (slug, name, sets, first weight or None) — its weight
going up 2.5 a fortnight and its reps 8 to 12 round and round, the last session `days_ago` days
before now; a weighed move's first set of each session is a warm-up at half the weight when
`warmups` is set.
"""

from __future__ import annotations

PLAN = [("glute-bridge", "Glute Bridge", 2, 20), ("band-walking", "Band Walking", 2, None),
        ("romanian-deadlift", "Romanian Deadlift", 3, 40)]

FILL = """async (arg) => {
  const [weeks, perWeek, plan, daysAgo, warmups] = arg;
  const day = 864e5;
  const last = new Date(Date.now() - daysAgo * day);
  last.setHours(18, 0, 0, 0);
  const first = last.getTime() - ((weeks - 1) * 7 + (perWeek - 1) * 2) * day;
  const sessions = [], sets = [];
  for (let w = 0; w < weeks; w++) for (let k = 0; k < perWeek; k++) {
    const started = first + (w * 7 + k * 2) * day;
    const id = "seed-" + w + "-" + k;
    sessions.push({ id, routine: "/repcard/", title: "Seeded routine", started, finished: started + 40 * 6e4 });
    let at = started;
    plan.forEach(([slug, name, count, weight], i) => {
      const load = weight == null ? null : weight + Math.floor(w / 2) * 2.5;
      if (warmups && load != null) sets.push({ id: id + "|" + slug + ":w1", session: id, step: slug + ":w1", exercise: slug,
        name, set: 1, reps: 10, weight: load / 2, unit: "kg", timed: false, at: at += 6e4, warmup: true });
      for (let set = 1; set <= count; set++) sets.push({ id: id + "|" + slug + ":" + set, session: id, step: slug + ":" + set,
        exercise: slug, name, set, reps: 8 + (w * perWeek + k + i) % 5, weight: load, unit: "kg", timed: false, at: at += 9e4 });
    });
  }
  await repcardLog.inStores("readwrite", (s) => {
    for (const x of sessions) s.sessions.put(x);
    for (const x of sets) s.sets.put(x);
  });
  return [sessions.length, sets.length, sessions.map((s) => s.started)];
}"""


def seed_log(page, weeks: int = 12, per_week: int = 3, plan=PLAN, days_ago: int = 1, warmups: bool = False):
    """Fills the log of the page's site; returns the number of sessions and sets written, and each
    session's start (ms), in the order done."""
    arg = [weeks, per_week, [list(p) for p in plan], days_ago, warmups]
    if hasattr(page, "engine"):  # engines.py's page takes an expression of `arg`
        return page.evaluate(f"({FILL})(arg)", arg)
    return page.evaluate(FILL, arg)  # Playwright's takes a function
