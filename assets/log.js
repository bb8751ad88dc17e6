// repcard's log, the part shared by workout mode, the history page and the exercise pages' charts:
// every set done, kept in this browser's IndexedDB, and a summary per exercise kept with it.
//
// Storage, version 2: its stores and fields are in README.md ("Storage"); upgrade() migrates what
// earlier versions wrote, and later releases read it.
"use strict";

window.repcardLog = (() => {
  const VERSION = 2;
  const STORES = ["sessions", "sets", "meta", "summaries"];
  let opening = null;
  let pending = Promise.resolve();
  // The site's root, not this language's: one log for every language of a site.
  const html = document.documentElement;
  const sitePath = new URL(html.dataset.site || html.dataset.root || "./", location.href).pathname;
  const words = window.repcardText.words;

  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  function upgrade(db, from, t) {
    if (from < 1) {
      db.createObjectStore("sessions", { keyPath: "id" });
      const sets = db.createObjectStore("sets", { keyPath: "id" });
      sets.createIndex("exercise", "exercise");
      sets.createIndex("session", "session");
      db.createObjectStore("meta", { keyPath: "key" });
    }
    if (from < 2) {
      // Version 2: an exercise's sets by time (last time without reading every set), and a
      // summary per exercise, made here from every set version 1 stored.
      const sets = t.objectStore("sets");
      sets.createIndex("exercise-at", ["exercise", "at"]);
      const summaries = db.createObjectStore("summaries", { keyPath: "exercise" });
      sets.getAll().onsuccess = (event) => {
        for (const summary of summariesOf(event.target.result)) summaries.put(summary);
      };
    }
  }

  function open() {
    opening = opening || new Promise((resolve, reject) => {
      const request = indexedDB.open("repcard:" + sitePath, VERSION);
      request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction);
      request.onsuccess = () => {
        // A newer page in another tab asks to upgrade: let it, and open again when next needed.
        request.result.onversionchange = () => {
          request.result.close();
          opening = null;
        };
        request.result.onclose = () => (opening = null); // lost (WebKit's database server gone): open again
        resolve(request.result);
      };
      request.onerror = () => {
        opening = null; // tried again at the next write, not refused for the page's life
        reject(request.error);
      };
    });
    return opening;
  }

  // Runs fn(stores) in one transaction; resolves with fn's result once it is committed. Every set
  // written, added or deleted through stores.sets updates its exercise's summary in the same
  // transaction, so a summary never disagrees with the sets.
  async function inStores(mode, fn) {
    const t = (await open()).transaction(STORES, mode);
    const stores = Object.fromEntries(STORES.map((name) => [name, t.objectStore(name)]));
    const keeper = mode === "readwrite" ? keepSummaries(t) : null;
    if (keeper) stores.sets = keeper.sets;
    const result = fn(stores);
    if (keeper) keeper.start();
    await new Promise((resolve, reject) => {
      t.oncomplete = resolve;
      t.onerror = t.onabort = () => reject(t.error);
    });
    return result;
  }

  // The sets store as fn sees it in a readwrite transaction: each put, add or delete notes the
  // exercise and session it touches; once fn has made its requests, start() brings those
  // exercises' summaries up to date, one after another, by requests queued behind the writes.
  function keepSummaries(t) {
    const sets = t.objectStore("sets");
    const summaries = t.objectStore("summaries");
    const touched = new Map(); // exercise -> Set of sessions
    let started = false;
    let running = false;
    const note = (set) => {
      if (!set || typeof set.exercise !== "string") return;
      if (!touched.has(set.exercise)) touched.set(set.exercise, new Set());
      touched.get(set.exercise).add(set.session);
      if (started && !running) next();
    };
    const wrapped = new Proxy(sets, {
      get(store, name) {
        if (name === "put" || name === "add") return (value, key) => (note(value), store[name](value, key));
        if (name === "delete") {
          return (key) => {
            const before = store.get(key); // its exercise and session, read before it goes
            before.onsuccess = () => note(before.result);
            return store.delete(key);
          };
        }
        const value = store[name];
        return typeof value === "function" ? value.bind(store) : value;
      },
    });

    function next() {
      const [exercise, sessions] = touched.entries().next().value || [];
      running = !!exercise;
      if (!exercise) return;
      touched.delete(exercise);
      const save = (summary) => {
        if (summary.sessions.length) summaries.put(summary);
        else summaries.delete(exercise);
        next();
      };
      const got = summaries.get(exercise);
      got.onsuccess = () => {
        if (!got.result || sessions.size > 8) { // many sessions (an import): made again from all its sets
          const all = sets.index("exercise").getAll(exercise);
          all.onsuccess = () => save(summaryOf(exercise, all.result));
          return;
        }
        const fresh = [];
        for (const session of sessions) {
          const read = sets.index("session").getAll(session);
          read.onsuccess = () => {
            fresh.push(read.result.filter((s) => s.exercise === exercise));
            if (fresh.length < sessions.size) return;
            const kept = got.result.sessions.filter((e) => !sessions.has(e.session));
            save({ exercise, sessions: byTime(kept.concat(fresh.filter((x) => x.length).map(entryOf))) });
          };
        }
      };
    }

    return { sets: wrapped, start: () => { started = true; if (!running) next(); } };
  }

  const byTime = (entries) => entries.sort((a, b) => a.at - b.at);

  // One session of one exercise, summed up: what the charts, records and history read instead
  // of its sets. Flat, as years of them are read at once: `kg` and `lb` its volume in each unit,
  // `best` the most reps done at each weight, warm-ups left out, as [weight, unit, reps, ...]
  // (weight and unit null for a set without weight), `timed` only when its sets are.
  function entryOf(sets) {
    const done = [...sets].sort((a, b) => a.at - b.at);
    const working = done.filter((s) => !s.warmup);
    const best = new Map();
    for (const s of working) {
      if (s.reps == null) continue;
      const weight = s.weight > 0 ? s.weight : null;
      const key = weight == null ? "" : number(weight) + s.unit;
      if (!best.has(key) || s.reps > best.get(key)[2]) best.set(key, [weight, weight == null ? null : s.unit, s.reps]);
    }
    const last = done[done.length - 1];
    const { kg, lb } = volumes(done);
    const entry = { session: last.session, name: last.name, at: done[0].at, end: last.at, sets: done.length, kg, lb,
      figures: figures((working.length ? working : done).sort((a, b) => a.set - b.set)), best: [...best.values()].flat() };
    if (done.some((s) => s.timed)) entry.timed = true;
    return entry;
  }

  function summaryOf(exercise, sets) {
    const bySession = new Map();
    for (const s of sets) {
      if (!bySession.has(s.session)) bySession.set(s.session, []);
      bySession.get(s.session).push(s);
    }
    return { exercise, sessions: byTime([...bySession.values()].map(entryOf)) };
  }

  function summariesOf(sets) {
    const byExercise = new Map();
    for (const s of sets) {
      if (!byExercise.has(s.exercise)) byExercise.set(s.exercise, []);
      byExercise.get(s.exercise).push(s);
    }
    return [...byExercise].map(([exercise, mine]) => summaryOf(exercise, mine));
  }

  const all = () => inStores("readonly", (s) => Promise.all([done(s.sessions.getAll()), done(s.sets.getAll())]));
  const sessions = () => inStores("readonly", (s) => done(s.sessions.getAll())); // a program's weeks (today.js)
  const inSession = (id) => inStores("readonly", (s) => done(s.sets.index("session").getAll(id)));
  const summary = (slug) => inStores("readonly", (s) => done(s.summaries.get(slug)));
  // Sessions and summaries: what the history page draws from, without reading every set.
  const overview = () => inStores("readonly", (s) => Promise.all([done(s.sessions.getAll()), done(s.summaries.getAll())]));

  // The latest session that did this exercise with working sets, other than `except`, that
  // `accept(session)` (any, without it) and, when `weighted`, in which a set had a weight: {session
  // (read only for `accept`, else null), sets: its working sets of the exercise by set number}, or
  // null. Walked through the exercise's sets by time, newest first: a few reads, not years of sets
  // (but for a move `weighted` asks a weight of and that has gone without one for long).
  function latest(slug, except, accept, weighted = false) {
    return inStores("readonly", (s) => new Promise((resolve, reject) => {
      const asked = (request) => Object.assign(request, { onerror: () => reject(request.error) });
      const walk = asked(s.sets.index("exercise-at").openCursor(IDBKeyRange.bound([slug, -Infinity], [slug, Infinity]), "prev"));
      const seen = new Set([except]);
      walk.onsuccess = () => {
        const cursor = walk.result;
        if (!cursor) return resolve(null);
        const id = cursor.value.session;
        if (seen.has(id)) return cursor.continue();
        seen.add(id);
        const take = (session) => {
          const read = asked(s.sets.index("session").getAll(id));
          read.onsuccess = () => {
            const sets = read.result.filter((x) => x.exercise === slug && !x.warmup).sort((a, b) => a.set - b.set);
            if (sets.length && (!weighted || sets.some((x) => x.weight != null))) resolve({ session, sets });
            else cursor.continue(); // warm-ups alone, or no weight where one is asked for
          };
        };
        if (!accept) return take(null);
        const session = asked(s.sessions.get(id));
        session.onsuccess = () => (session.result && accept(session.result) ? take(session.result) : cursor.continue());
      };
    }));
  }

  // The working sets of the latest session that did this exercise, other than `except`, by set number.
  const lastTime = (slug, except) => latest(slug, except).then((found) => (found ? found.sets : []));

  // Writes one after another; idle() resolves when all are stored.
  function queue(work) {
    pending = pending.then(work).catch((error) => console.error("repcard log:", error));
    return pending;
  }

  const number = (x) => String(Math.round(x * 100) / 100); // as files and fields hold it: "42.5"
  // 1,234,567: grouped by hand in English, as the first toLocaleString() of a page costs a phone
  // ~100 ms; in the page's language otherwise ("1 234 567").
  const grouped = (x) => (words.lang === "en" ? String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
    : words.number(Math.round(x), true));

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

  const figures = words.figures; // "12 kg × 10, 10", in the page's language (text.js)

  // Weight × reps of the untimed sets, per unit.
  function volumes(sets) {
    const total = { kg: 0, lb: 0 };
    for (const s of sets) if (s.weight != null && s.reps != null && !s.timed) total[s.unit] += s.weight * s.reps;
    return total;
  }

  // "720 kg", "1,200 kg + 40 lb" or "no weights", from sets or from totals per unit.
  function volume(sets) {
    const total = Array.isArray(sets) ? volumes(sets) : sets;
    const parts = ["kg", "lb"].filter((u) => total[u]).map((u) => `${grouped(total[u])} ${u}`);
    return parts.length ? parts.join(" + ") : words.t("no weights");
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
      const sets = await lastTime(slug, null);
      // The figures, not their words: each page says them in its own language (app.js).
      if (sets.length) summary[slug] = sets.map((s) => ({ weight: s.weight, unit: s.unit, reps: s.reps, timed: s.timed }));
      else delete summary[slug];
    }
    try {
      localStorage.setItem(key, JSON.stringify(summary));
    } catch (error) {
      // full storage: the exercise pages go without
    }
  }

  // The weights' unit picked in this browser (workout mode's menu), else `fallback`, the site's
  // (repcard.toml's weight_unit). This site's own: two sites on one origin may weigh otherwise;
  // the one key of every site before it ("repcard:unit") counts until this site has its own.
  const UNIT_KEY = "repcard:unit:" + sitePath;
  function unit(fallback) {
    try {
      const picked = localStorage.getItem(UNIT_KEY) || localStorage.getItem("repcard:unit");
      return picked === "lb" || picked === "kg" ? picked : fallback;
    } catch (error) {
      return fallback;
    }
  }
  function pickUnit(value) {
    try {
      localStorage.setItem(UNIT_KEY, value);
    } catch (error) {
      // not remembered
    }
  }

  const pad = window.repcardText.pad;
  const dateText = words.date; // "Tue 1 Dec 2026", in the page's language
  const timeText = words.time;
  const stamp = (ms, seconds) => { // 2026-11-25 18:30 (or 18:30:05), local time: the CSV's times, in any language
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}` +
      (seconds ? ":" + pad(d.getSeconds()) : "");
  };

  return { VERSION, open, inStores, all, sessions, inSession, summary, overview, latest, lastTime, done, queue,
    idle: () => pending, number, grouped, MAX_AMOUNT, amount, figures, volumes, volume, lastSets, entryOf, summaryOf, summarise,
    dateText, timeText, stamp, sitePath, unit, pickUnit };
})();
