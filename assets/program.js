// What a program prescribes: which week and session come next, from the sessions logged, and
// each set's weight and reps today, from the program's rules and the log. Pure: plain values in,
// plain values out — no storage, no clock, no page — so tests call it directly
// (tests/test_program_js.py) and the pages (today.js, workout.js) only read the log and draw.
// The program's data is repcard/program_model.py's Program.data(); the rules are in README.md
// ("How a program progresses"). Loaded only by a program's pages and the home page that lists it.
"use strict";

(function (exports) {
  const KG_PER_LB = 0.45359237;

  function convert(weight, from, to) {
    if (from === to) return weight;
    return from === "lb" ? weight * KG_PER_LB : weight / KG_PER_LB;
  }

  // To the nearest multiple of `step`, without floating-point dust (2.5 * 17 = 42.5, not 42.50000001).
  const roundTo = (weight, step) => Math.round(Math.round(weight / step) * step * 1000) / 1000;

  // The page's words (assets/text.js), or the sources' English where there is no page (the tests' node).
  const fill = (message, values) => message.replace(/%\((\w+)\)s|%%/g, (found, name) => (name ? String(values[name]) : "%"));
  const words = () => (typeof window === "object" && window.repcardText && window.repcardText.words) ||
    { t: fill, number: (x) => String(Math.round(x * 100) / 100) };
  const t = (message, values = {}) => words().t(message, values);
  const kilos = (weight, unit) => `${words().number(weight)} ${unit}`;

  // "40 kg × 12, 12": what a session did, the weight named again only when it changes.
  function done(sets) {
    let said = "";
    return sets.map((s) => {
      const w = s.weight == null ? "" : kilos(s.weight, s.unit);
      const shown = w && w !== said ? `${w} × ${s.reps ?? "–"}` : String(s.reps ?? "–");
      said = w || said;
      return shown;
    }).join(", ");
  }

  // The week a page belongs to, by the page's path from the site's root ("/repcard/programs/x/week-3/").
  function weekOf(program, path, sitePath) {
    return program.weeks.find((w) => w.sessions.some((p) => sitePath + p === path)) || null;
  }

  // Which session comes next. A week is done when `perWeek` of its sessions were logged since the
  // lifter's last restart or move (`state`); the next is the first week from there that is not, so
  // a week missed on the calendar is done later, never skipped. A session not finished and started
  // within `idle` ms is still going on: it is offered again, to continue.
  // sessions: the log's {routine: page path, started, finished}; state: {since: ms, week: number}.
  // Returns {week, session, path, title (its routine's), going} or {finished: true} once every week is done.
  function nextSession(program, sessions, state, now, idle, sitePath) {
    const done = new Map(); // week number -> the pages of its sessions logged, in order
    const next = (week, session, path, going) =>
      ({ week: week.number, session, path, title: (week.titles || [])[week.sessions.indexOf(path)], going });
    let going = null;
    for (const s of [...sessions].sort((a, b) => a.started - b.started)) {
      const week = s.started >= (state.since || 0) && weekOf(program, s.routine, sitePath);
      if (!week || week.number < (state.week || 1)) continue;
      const path = s.routine.slice(sitePath.length);
      done.set(week.number, [...(done.get(week.number) || []), path]);
      going = !s.finished && now - s.started < idle ? next(week, done.get(week.number).length, path, true) : null;
    }
    if (going) return going;
    for (const week of program.weeks) {
      const paths = done.get(week.number) || [];
      if (week.number >= (state.week || 1) && paths.length < program.perWeek) {
        // The week's first session not done yet: day B done first, day A is next, not B again.
        const left = [...week.sessions];
        for (const path of paths) if (left.includes(path)) left.splice(left.indexOf(path), 1);
        return next(week, paths.length + 1, left[0], false);
      }
    }
    return { finished: true };
  }

  // An exercise's earlier sessions, oldest first, each with the program's week it was done in (0:
  // not this program's) and whether that week was a deload. sets: the log's sets of the exercise;
  // sessions: the log's sessions; except: the session going on now.
  function historyOf(program, sets, sessions, except, sitePath) {
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const groups = new Map();
    for (const s of sets) {
      if (s.session === except || !byId.has(s.session)) continue;
      if (!groups.has(s.session)) groups.set(s.session, []);
      groups.get(s.session).push(s);
    }
    return [...groups].map(([id, group]) => {
      const week = weekOf(program, byId.get(id).routine, sitePath);
      return { started: byId.get(id).started, week: week ? week.number : 0, deload: week ? week.deload : 0,
        sets: group.sort((a, b) => a.set - b.set) };
    }).sort((a, b) => a.started - b.started);
  }

  // Today's figures for one exercise: {weight (null: none known), unit, reps: one per set, why}, or null
  // when neither a rule nor a deload says anything (workout mode then offers last time's figures).
  // rule: the program's rule for the exercise, or null; history: historyOf(); week: {number, deload};
  // target: the week's {low, high, sets} for the exercise, as its page says; unit: the lifter's;
  // steps: the smallest weight step per unit.
  function prescribe(rule, history, week, target, unit, steps) {
    const step = steps[unit];
    const working = history.filter((h) => !h.deload && h.sets.length);
    const last = working[working.length - 1] || null;
    const weights = last ? last.sets.filter((s) => s.weight != null) : [];
    // Last time's top weight, in the lifter's unit; converted from the other, to the lifter's plates.
    const lastWeight = weights.length ? Math.max(...weights.map((s) =>
      (s.unit === unit ? s.weight : roundTo(convert(s.weight, s.unit, unit), step)))) : null;
    const seen = last ? t("%(sets)s last time", { sets: done(last.sets) }) : "";
    const each = (reps) => Array.from({ length: target.sets }, (_, i) => (Array.isArray(reps) ? reps[i] : reps));
    const plan = (weight, reps, why) => ({ weight, unit, reps: each(reps), why });
    const more = (amount, from) => { // a weight step up, never lost to rounding
      const next = roundTo(lastWeight + convert(amount, from, unit), step);
      return next > lastWeight ? next : roundTo(Math.floor(lastWeight / step + 1e-9) * step + step, step);
    };
    const start = () => (rule && rule.start != null ? roundTo(convert(rule.start, rule.startUnit, unit), step) : null);

    // A deload lightens a weight: a move done without one goes by its rule (more reps each week), or
    // by last time; one whose rule is a weight's, with none logged yet, is told of it.
    if (week.deload && (lastWeight != null || (rule && rule.kind !== "reps"))) {
      if (lastWeight == null) return plan(null, target.low, t("Deload week: %(percent)s%% of your working weight", { percent: week.deload }));
      const light = roundTo(lastWeight * week.deload / 100, step);
      return plan(light, target.low, t("Deload week: %(percent)s%% of %(weight)s — %(light)s today, %(reps)s reps",
        { percent: week.deload, weight: kilos(lastWeight, unit), light: kilos(light, unit), reps: target.low }));
    }
    if (!rule) return null;
    if (rule.kind === "reps") {
      const values = { week: week.number, reps: target.low, more: rule.addReps, top: rule.upTo };
      const why = rule.addReps === 1 ? t("Week %(week)s: %(reps)s reps, one more each week up to %(top)s", values)
        : t("Week %(week)s: %(reps)s reps, %(more)s more each week up to %(top)s", values);
      return plan(lastWeight, target.low, lastWeight == null ? why
        : t("%(why)s; %(weight)s as last time", { why, weight: kilos(lastWeight, unit) }));
    }
    const low = target.low || rule.low; // the page's: a week may change a rule's range
    const high = target.high || rule.high || low;
    if (lastWeight == null) {
      const first = start();
      const range = low === high ? `${low}` : `${low}–${high}`;
      return plan(first, low, first == null ? t("First time: choose a weight you can lift %(range)s times, well", { range })
        : t("First session: %(weight)s, %(range)s reps", { weight: kilos(first, unit), range }));
    }
    if (rule.kind === "double") {
      if (last.sets.every((s) => (s.reps || 0) >= high)) {
        const heavier = more(rule.add, rule.unit);
        return plan(heavier, low, t("%(seen)s: all at the top — %(weight)s today, aim for %(reps)s", { seen, weight: kilos(heavier, unit), reps: low }));
      }
      const aims = []; // one more rep than last time's same set, within the range
      for (let i = 0; i < target.sets; i++) {
        const s = last.sets[i];
        aims.push(s ? Math.min(high, Math.max(low, (s.reps || 0) + 1)) : aims[i - 1] ?? low);
      }
      return plan(lastWeight, aims, t("%(seen)s — %(weight)s again, aim for %(reps)s (top: %(top)s)",
        { seen, weight: kilos(lastWeight, unit), reps: aims.join(", "), top: high }));
    }
    // linear: more each session (or each new week) in which every set made its reps
    if (rule.every === "week" && last.week === week.number) {
      return plan(lastWeight, low, t("%(seen)s this week — %(weight)s again; more next week", { seen, weight: kilos(lastWeight, unit) }));
    }
    if (last.sets.every((s) => (s.reps || 0) >= low)) {
      const heavier = more(rule.add, rule.unit);
      return plan(heavier, low, t("%(seen)s: every set made %(reps)s — %(weight)s today", { seen, reps: low, weight: kilos(heavier, unit) }));
    }
    return plan(lastWeight, low, t("%(seen)s: not every set made %(reps)s — %(weight)s again", { seen, reps: low, weight: kilos(lastWeight, unit) }));
  }

  // The figures for set `n` today: the plan's, except that a weight the lifter changed on an earlier
  // set of this session carries on (they know the bar better than the rule does).
  // logged: this session's sets of the exercise so far.
  function forSet(plan, n, logged) {
    const reps = plan.reps[Math.min(n, plan.reps.length) - 1];
    const earlier = logged.filter((s) => s.set < n && s.weight != null).sort((a, b) => b.set - a.set)[0];
    if (earlier) return { reps, weight: earlier.weight, unit: earlier.unit };
    return { reps, weight: plan.weight, unit: plan.unit };
  }

  Object.assign(exports, { KG_PER_LB, convert, roundTo, weekOf, nextSession, historyOf, prescribe, forSet });
})(typeof module === "object" && module.exports ? module.exports : (window.repcardProgram = {}));
