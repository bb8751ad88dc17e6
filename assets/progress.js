// What the charts show: an exercise's best set per session with its records, round scales, time
// ticks, the last weeks' bars and the streak of weeks trained. Pure: plain values in, plain values
// out; no storage, no DOM, the time of day passed in. Reads records.js for what a record is.
// Loaded by the pages that draw charts (history, exercise pages), after records.js.
"use strict";

window.repcardProgress = (() => {
  const { EPSILON, eachBest, toKg, fromKg, round, setText, epley } = window.repcardRecords;
  const words = window.repcardText.words; // the ticks' days and months, in the page's language

  // The unit an exercise's weights are shown in: the unit of its latest weighed session.
  function unitOf(entries, fallback = "kg") {
    for (let i = entries.length - 1; i >= 0; i--) {
      let unit = null;
      eachBest(entries[i], (w, u) => (unit = unit || (w > 0 ? u : null)));
      if (unit) return unit;
    }
    return fallback;
  }

  // The chart of an exercise: one point a session, its best set. Loaded moves (any weight) get the
  // heaviest weight and the best estimated 1RM; others the most reps (seconds when timed).
  // A point is a record when it beats every session before it (the first beats nothing).
  function series(entries) {
    const sorted = [...entries].sort((a, b) => a.at - b.at);
    const loaded = sorted.some((e) => e.best.some((x, i) => i % 3 === 0 && x > 0));
    const unit = unitOf(sorted);
    const timed = sorted.some((e) => e.timed);
    const points = [];
    let top = -Infinity; // the heaviest weight so far, the best estimate and the most reps, in kg
    let e1rm = -Infinity;
    let most = -Infinity;
    for (const entry of sorted) {
      const point = { at: entry.at, session: entry.session, figures: entry.figures };
      const first = points.length === 0;
      if (loaded) {
        let heaviest = null; // [weight, unit, reps, kg] of the heaviest set, the most reps at it
        let estimate = null; // the best estimated 1RM in kg
        eachBest(entry, (w, u, r) => {
          if (!(w > 0)) return;
          const kg = toKg(w, u);
          if (!heaviest || kg > heaviest[3] + EPSILON || (Math.abs(kg - heaviest[3]) < EPSILON && r > heaviest[2])) heaviest = [w, u, r, kg];
          const e = epley(kg, r);
          if (e && !(estimate > e)) estimate = e;
        });
        if (!heaviest) continue;
        point.weight = round(fromKg(heaviest[3], unit), 2);
        point.reps = heaviest[2];
        point.top = setText(heaviest[0], heaviest[1], heaviest[2], false);
        point.e1rm = estimate ? round(fromKg(estimate, unit), 1) : null;
        point.record = !first && (heaviest[3] > top + EPSILON || (!!estimate && estimate > e1rm + EPSILON));
        top = Math.max(top, heaviest[3]);
        if (estimate) e1rm = Math.max(e1rm, estimate);
      } else {
        let reps = -Infinity;
        eachBest(entry, (w, u, r) => (reps = Math.max(reps, r)));
        if (!Number.isFinite(reps)) continue;
        point.reps = reps;
        point.top = setText(null, null, reps, timed);
        point.record = !first && reps > most;
        most = Math.max(most, reps);
      }
      points.push(point);
    }
    return { kind: loaded ? "weight" : timed ? "seconds" : "reps", unit, points };
  }

  // Round steps (1, 2, 2.5 or 5 × a power of ten) from min to max in at most `most` ticks; whole
  // numbers only for counts (`whole`: sessions, sets, reps).
  function scale(min, max, most = 5, whole = false) {
    if (!(max > min)) {
      const pad = Math.max(1, Math.abs(max) * 0.1);
      return scale(min - pad, max + pad, most, whole);
    }
    const rough = (max - min) / Math.max(1, most - 1);
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).filter((s) => !whole || Number.isInteger(s))
      .find((s) => Math.ceil(max / s) - Math.floor(min / s) + 1 <= most) || 10 * power;
    const low = Math.floor(min / step) * step;
    const high = Math.ceil(max / step) * step;
    const ticks = [];
    for (let v = low; v <= high + step / 2; v += step) ticks.push(round(v, 6));
    return { min: low, max: high, step, ticks };
  }

  // Time ticks in local time: weeks, months or years, whichever keeps them at most `most`.
  function timeTicks(from, to, most = 5) {
    const start = new Date(from);
    const weekly = (n) => {
      const first = startOfWeek(from);
      const out = [];
      for (let d = 0; ; d += 7 * n) {
        const t = new Date(first.getFullYear(), first.getMonth(), first.getDate() + d).getTime();
        if (t > to) break;
        if (t >= from) out.push(t);
      }
      return out;
    };
    const monthly = (n) => {
      const out = [];
      for (let m = Math.ceil(start.getMonth() / n) * n; ; m += n) {
        const t = new Date(start.getFullYear(), m, 1).getTime();
        if (t > to) break;
        if (t >= from) out.push(t);
      }
      return out;
    };
    for (const [n, unit] of [[1, "week"], [2, "week"], [1, "month"], [2, "month"], [3, "month"], [6, "month"], [12, "month"],
      [24, "month"], [60, "month"]]) {
      const ticks = unit === "week" ? weekly(n) : monthly(n);
      if (ticks.length <= most) {
        return ticks.map((t, i) => {
          const d = new Date(t);
          const label = unit === "week" ? words.day(t)
            : n >= 12 ? String(d.getFullYear())
            : words.month(t, d.getMonth() === 0 || i === 0);
          return [t, label];
        });
      }
    }
    return [];
  }

  // Monday 00:00, local time, of the week holding `ms`.
  function startOfWeek(ms) {
    const d = new Date(ms);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7));
  }

  const weekOf = (ms) => startOfWeek(ms).getTime();

  // The last `count` weeks, oldest first, up to the one holding `now`: sessions, sets and volume
  // (in `unit`, the other unit converted) of the sessions that started in each.
  // `sessions`: [{ started, sets, volume: {kg, lb} }].
  function weeks(sessions, now, unit = "kg", count = 12) {
    const last = startOfWeek(now);
    const out = [];
    for (let i = count - 1; i >= 0; i--) {
      const start = new Date(last.getFullYear(), last.getMonth(), last.getDate() - 7 * i).getTime();
      out.push({ start, sessions: 0, sets: 0, volume: 0 });
    }
    const byStart = new Map(out.map((w) => [w.start, w]));
    for (const s of sessions) {
      const week = byStart.get(weekOf(s.started));
      if (!week) continue;
      week.sessions += 1;
      week.sets += s.sets;
      week.volume += fromKg(toKg(s.volume.kg, "kg") + toKg(s.volume.lb, "lb"), unit);
    }
    for (const w of out) w.volume = Math.round(w.volume);
    return out;
  }

  // Weeks in a row with a session, up to this week — or to last week while this one has none yet.
  function streak(starts, now) {
    const trained = new Set(starts.map(weekOf));
    const week = startOfWeek(now);
    let d = trained.has(week.getTime()) ? 0 : 7;
    let count = 0;
    while (trained.has(new Date(week.getFullYear(), week.getMonth(), week.getDate() - d).getTime())) {
      count += 1;
      d += 7;
    }
    return count;
  }

  return { unitOf, series, scale, timeTicks, startOfWeek, weeks, streak };
})();
