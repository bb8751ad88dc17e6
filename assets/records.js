// What counts as a record, and when a backup is due: the decisions workout mode makes at the
// moment of the set and at its end, also read by the charts (progress.js). Pure: plain values in,
// plain values out; no storage, no DOM, the time of day passed in.
//
// An exercise's figures come from its summary (log.js keeps one per exercise): one entry per
// session, { session, name, at, end, sets, kg, lb, figures, best, timed? }, where `best` holds the
// most reps done at each weight in that session, warm-ups left out, flat: [weight or null, unit or
// null, reps, ...]. Every record is found from those lists.
"use strict";

window.repcardRecords = (() => {
  const { t, tn, number: shown } = window.repcardText.words;
  const LB = 0.45359237; // kg in a pound, exactly
  const DAY = 864e5;
  const EPSILON = 1e-9;

  const toKg = (weight, unit) => (unit === "lb" ? weight * LB : weight);
  const fromKg = (kg, unit) => (unit === "lb" ? kg / LB : kg);
  const round = (x, places = 1) => Math.round(x * 10 ** places) / 10 ** places;
  const number = (x) => String(round(x, 2));

  // Epley: weight × (1 + reps / 30); a single is its own weight, and no reps estimate nothing.
  function epley(weight, reps) {
    if (!(weight > 0) || !(reps > 0)) return null;
    return reps === 1 ? weight : weight * (1 + reps / 30);
  }

  // Calls fn(weight, unit, reps) for each weight in an entry's `best`.
  function eachBest(entry, fn) {
    for (let i = 0; i < entry.best.length; i += 3) fn(entry.best[i], entry.best[i + 1], entry.best[i + 2]);
  }

  const weightKey = (weight, unit) => (weight > 0 ? `${number(weight)} ${unit}` : "");
  const setText = (weight, unit, reps, timed) =>
    (weight > 0 ? `${shown(weight)} ${unit} × ` : "") + (timed ? `${shown(reps)} s` : weight > 0 ? shown(reps) : tn("%(num)s rep", "%(num)s reps", reps));

  // The bests of an exercise so far, from its summary's entries and any sets not in them yet
  // ([weight, unit, reps, at, timed] lists): the heaviest weight, the best estimated
  // 1RM, the most reps at each weight ("" for none) — each with the set and when.
  function bests(entries, extra = []) {
    const found = { weight: null, e1rm: null, repsAt: new Map(), any: false, timed: false };
    const consider = (weight, unit, reps, at, timed) => {
      if (reps == null) return;
      found.any = true;
      found.timed = found.timed || timed;
      const set = { weight, unit, reps, at, timed };
      const key = weightKey(weight, unit);
      if (!found.repsAt.has(key) || reps > found.repsAt.get(key).reps) found.repsAt.set(key, set);
      if (!(weight > 0)) return;
      const kg = toKg(weight, unit);
      if (!found.weight || kg > found.weight.kg + EPSILON || (Math.abs(kg - found.weight.kg) < EPSILON && reps > found.weight.reps)) {
        found.weight = Object.assign({ kg }, set);
      }
      const e1rm = epley(kg, reps);
      if (e1rm && (!found.e1rm || e1rm > found.e1rm.kg + EPSILON)) found.e1rm = Object.assign({ kg: e1rm }, set);
    };
    for (const entry of entries) eachBest(entry, (w, u, r) => consider(w, u, r, entry.at, entry.timed === true));
    for (const [w, u, r, at, timed] of extra) consider(w, u, r, at, timed);
    return found;
  }

  // What a set beats of the bests before it: "weight", "e1rm", "reps" (at its weight, or without
  // weight). Nothing for a warm-up, a set without reps, or an exercise never done before.
  function beaten(before, set) {
    if (!before.any || set.warmup || !(set.reps > 0)) return [];
    const kinds = [];
    const loaded = set.weight > 0;
    if (loaded) {
      const kg = toKg(set.weight, set.unit);
      if (!before.weight || kg > before.weight.kg + EPSILON) kinds.push("weight");
      const e1rm = epley(kg, set.reps);
      if (before.e1rm && e1rm > before.e1rm.kg + EPSILON) kinds.push("e1rm");
    }
    const same = before.repsAt.get(weightKey(set.weight, set.unit));
    if (same && set.reps > same.reps) kinds.push("reps");
    return kinds;
  }

  // "New best: 45 kg × 10 — heaviest weight, best estimated 1RM (60 kg)".
  function recordText(set, kinds) {
    const words = {
      weight: t("heaviest weight"),
      e1rm: t("best estimated 1RM (%(weight)s)", { weight: `${shown(round(epley(set.weight, set.reps)))} ${set.unit}` }),
      reps: set.timed ? t("longest yet") : set.weight > 0 ? t("most reps at %(weight)s", { weight: `${shown(set.weight)} ${set.unit}` })
        : t("most reps"),
    };
    return t("New best: %(set)s — %(what)s", { set: setText(set.weight, set.unit, set.reps, set.timed), what: kinds.map((k) => words[k]).join(", ") });
  }

  // Workout mode's end offers a backup when the last one (or, with none, the first session) is
  // 7 days old and 3 sessions have started since; once, until the next backup.
  function backupDue(backupAt, offeredAt, starts, now) {
    const since = backupAt || Math.min(...starts);
    if (!Number.isFinite(since) || offeredAt > (backupAt || 0)) return false;
    return now - since >= 7 * DAY && starts.filter((t) => t > (backupAt || 0)).length >= 3;
  }

  return { LB, EPSILON, eachBest, toKg, fromKg, round, number, epley, setText, bests, beaten, recordText, backupDue };
})();
