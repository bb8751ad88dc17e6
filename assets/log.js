// repcard's log, the part shared by workout mode and the history page: every set done, kept in
// this browser's IndexedDB. Loaded only by those two pages.
//
// Storage, version 1: its stores and fields are in README.md ("Storage"); later releases
// read it, and upgrade() is where they migrate it.
"use strict";

window.repcardLog = (() => {
  let opening = null;
  let pending = Promise.resolve();
  const sitePath = new URL(document.documentElement.dataset.root || "./", location.href).pathname;

  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  function upgrade(db, from) {
    if (from < 1) {
      db.createObjectStore("sessions", { keyPath: "id" });
      const sets = db.createObjectStore("sets", { keyPath: "id" });
      sets.createIndex("exercise", "exercise");
      sets.createIndex("session", "session");
      db.createObjectStore("meta", { keyPath: "key" });
    }
    // if (from < 2): version 2's changes, reading what version 1 wrote.
  }

  function open() {
    opening = opening || new Promise((resolve, reject) => {
      const request = indexedDB.open("repcard:" + sitePath, 1);
      request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opening;
  }

  // Runs fn(stores) in one transaction; resolves with fn's result once it is committed.
  async function inStores(mode, fn) {
    const t = (await open()).transaction(["sessions", "sets", "meta"], mode);
    const result = fn({ sessions: t.objectStore("sessions"), sets: t.objectStore("sets"), meta: t.objectStore("meta") });
    await new Promise((resolve, reject) => {
      t.oncomplete = resolve;
      t.onerror = t.onabort = () => reject(t.error);
    });
    return result;
  }

  const all = () => inStores("readonly", (s) => Promise.all([done(s.sessions.getAll()), done(s.sets.getAll())]));
  const byExercise = (slug) => inStores("readonly", (s) => done(s.sets.index("exercise").getAll(slug)));
  const sessions = () => inStores("readonly", (s) => done(s.sessions.getAll())); // a program's weeks (today.js)

  // Writes one after another; idle() resolves when all are stored.
  function queue(work) {
    pending = pending.then(work).catch((error) => console.error("repcard log:", error));
    return pending;
  }

  const number = (x) => String(Math.round(x * 100) / 100);
  const repsText = (s) => (s.reps == null ? "–" : s.timed ? `${s.reps} s` : String(s.reps));

  // The largest reps, seconds or weight a field takes, and a backup may hold.
  const MAX_AMOUNT = 9999;

  // A typed figure: "" is none (null); "42,5" and "42.5" are 42.5 in every engine (a decimal comma
  // is what many phones' keypads offer); anything else, or over MAX_AMOUNT, is undefined: refused.
  function amount(text, whole) {
    const typed = String(text).trim();
    if (typed === "") return null;
    if (!(whole ? /^\d+$/ : /^\d+([.,]\d*)?$|^[.,]\d+$/).test(typed)) return undefined;
    const x = Number(typed.replace(",", "."));
    return x <= MAX_AMOUNT ? x : undefined;
  }

  // "12 kg × 10, 10": a weight is named again only when it changes; once any set has one, a set
  // without says so ("20 kg × 15, — × 15"), rather than reading as the weight before it.
  function figures(sets) {
    const weighed = sets.some((s) => s.weight != null);
    let previous = null;
    return sets.map((s) => {
      const w = s.weight == null ? (weighed ? "—" : "") : `${number(s.weight)} ${s.unit}`;
      const text = w && w !== previous ? `${w} × ${repsText(s)}` : repsText(s);
      previous = w;
      return text;
    }).join(", ");
  }

  // "720 kg", "1,200 kg + 40 lb" or "no weights": weight × reps of the untimed sets, per unit.
  function volume(sets) {
    const total = { kg: 0, lb: 0 };
    for (const s of sets) if (s.weight != null && s.reps != null && !s.timed) total[s.unit] += s.weight * s.reps;
    const parts = ["kg", "lb"].filter((u) => total[u]).map((u) => `${Math.round(total[u]).toLocaleString("en")} ${u}`);
    return parts.length ? parts.join(" + ") : "no weights";
  }

  // The sets of the latest session that did this exercise, other than `except`, by set number.
  function lastSets(sets, except) {
    let latest = null;
    for (const s of sets) if (s.session !== except && (!latest || s.at > latest.at)) latest = s;
    return latest ? sets.filter((s) => s.session === latest.session).sort((a, b) => a.set - b.set) : [];
  }

  // Exercise pages show "Last time" from this line per exercise, so they need no database code.
  async function summarise(slugs) {
    const key = "repcard:last:" + sitePath;
    let summary = {};
    try {
      summary = JSON.parse(localStorage.getItem(key) || "{}");
    } catch (error) {
      // rebuilt below
    }
    for (const slug of slugs) {
      const sets = lastSets(await byExercise(slug), null);
      if (sets.length) summary[slug] = figures(sets);
      else delete summary[slug];
    }
    try {
      localStorage.setItem(key, JSON.stringify(summary));
    } catch (error) {
      // full storage: the exercise pages go without
    }
  }

  const pad = (n) => String(n).padStart(2, "0");
  const dateText = (ms) => new Date(ms).toDateString().replace(/^(\w+) (\w+) (\d+) (\d+)$/, (_, w, m, d, y) => `${w} ${+d} ${m} ${y}`);
  const timeText = (ms) => `${pad(new Date(ms).getHours())}:${pad(new Date(ms).getMinutes())}`;
  const stamp = (ms, seconds) => { // 2026-11-25 18:30 (or 18:30:05), local time: the CSV's times
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${timeText(ms)}` +
      (seconds ? ":" + pad(d.getSeconds()) : "");
  };

  return { open, inStores, all, byExercise, sessions, done, queue, idle: () => pending, number, MAX_AMOUNT, amount, figures, volume, lastSets,
    summarise, dateText, timeText, stamp, sitePath };
})();
