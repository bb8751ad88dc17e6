// The history page: what the log shows over time — the last weeks' bars and streak, each
// exercise's chart and records, sessions newest first — editing and deleting a logged set, and
// backup: CSV export, the JSON backup shared or saved, and an import that merges without
// duplicates: repcard's own backups, and Strong's and Hevy's CSVs with each of their exercise
// names matched to this site's (files.js reads them). A backup is untrusted: its shape and size
// are checked, its text shown only as text, and nothing stored changes when it is refused.
// It draws from the log's sessions and per-exercise summaries (log.js), never every set, so years
// of history draw nearly as fast as a month's. Starts once the page is parsed.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const log = window.repcardLog;
  const progress = window.repcardProgress;
  const charts = window.repcardChart;
  const backup = window.repcardBackup;
  const { inStores, all, done, figures, summarise, dateText, timeText, stamp, volume } = log;
  const { t, tn, number } = window.repcardText.words;
  const root = document.documentElement.dataset.root; // this language's pages
  const siteRoot = document.documentElement.dataset.site || root; // the site's assets
  const MAX_BYTES = 5e6; // a backup bigger than this is refused: years of sets take far less
  const PAGE = 10; // sessions drawn at first, and more at each "Show older sessions"
  let shown = PAGE;
  const page = document.getElementById("history");
  let drawn = false; // the first draw is done: later ones draw the charts in view at once
  // Years of history are drawn in several short tasks, none long enough to hold up a tap.
  const pause = () => new Promise((resolve) => setTimeout(resolve));

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text; // stored text is only ever text, never HTML
    if (className) e.className = className;
    return e;
  }

  function button(text, onClick, className = "button secondary small") {
    const b = element("button", text, className);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function say(text) {
    document.getElementById("message").textContent = text;
  }

  const unitShown = () => log.unit(page.dataset.unit === "lb" ? "lb" : "kg"); // workout mode's, else the site's

  // Drawn again after each change; the sessions open stay open, and `done` (what an edit or delete
  // did) is said inside its session, where the thumb is, rather than up in the backup's message.
  async function drawHistory(done) {
    const [sessions, summaries] = await log.overview();
    const totals = new Map(); // session id -> its sets, volume and last set, from the summaries
    for (const summary of summaries) {
      for (const e of summary.sessions) {
        const t = totals.get(e.session) || { sets: 0, volume: { kg: 0, lb: 0 }, end: 0 };
        t.sets += e.sets;
        t.volume.kg += e.kg;
        t.volume.lb += e.lb;
        t.end = Math.max(t.end, e.end);
        totals.set(e.session, t);
      }
    }
    const kept = sessions.filter((s) => totals.has(s.id)).sort((a, b) => b.started - a.started);
    const count = [...totals.values()].reduce((sum, t) => sum + t.sets, 0);
    const sessionCount = tn("%(num)s session", "%(num)s sessions", kept.length);
    const setCount = tn("%(num)s set", "%(num)s sets", count);
    document.getElementById("summary").textContent = kept.length
      ? t("%(sessions)s, %(sets)s logged in this browser.", { sessions: sessionCount, sets: setCount })
      : t("Nothing logged yet: the sets you mark Done in workout mode appear here.");
    drawWeeks(kept, totals);
    await drawSessions(kept, totals, done);
    await pause();
    drawExercises(summaries, new Map(sessions.map((s) => [s.id, s])));
  }

  function drawWeeks(kept, totals) {
    const section = document.getElementById("weeks");
    section.hidden = !kept.length;
    if (!kept.length) return;
    const now = Date.now();
    const weeks = progress.weeks(kept.map((s) => ({ started: s.started, ...totals.get(s.id) })), now, unitShown());
    const run = progress.streak(kept.map((s) => s.started), now);
    document.getElementById("streak").textContent = !run ? t("Streak: none — no workout last week or this week yet.")
      : weeks[weeks.length - 1].sessions
        ? tn("Streak: %(num)s week in a row with a workout.", "Streak: %(num)s weeks in a row with a workout.", run)
        : tn("Streak: %(num)s week in a row with a workout, none yet this week.",
          "Streak: %(num)s weeks in a row with a workout, none yet this week.", run);
    weeksShown = weeks;
    if (drawn) drawInView();
  }

  async function drawSessions(kept, totals, done) {
    const list = document.getElementById("sessions");
    const opened = list.children.length ? new Set([...list.querySelectorAll("details[open]")].map((d) => d.dataset.session)) : null;
    const items = []; // put in place at once with their sets: the old list stays till then, so nothing jumps
    const drawing = [];
    kept.slice(0, shown).forEach((session, i) => {
      const total = totals.get(session.id);
      const end = session.finished || total.end;
      const li = element("li");
      const details = element("details");
      details.dataset.session = session.id;
      details.open = opened ? opened.has(session.id) : i === 0;
      const title = session.title || t("Workout");
      details.append(element("summary", `${dateText(session.started)}, ${timeText(session.started)} · ${title}`));
      details.append(element("p", [t("%(minutes)s min", { minutes: Math.max(1, Math.round((end - session.started) / 60000)) }),
        tn("%(num)s set", "%(num)s sets", total.sets), t("volume %(volume)s", { volume: volume(total.volume) })]
        .concat(session.finished ? [] : [t("not finished")]).join(" · "), "meta"));
      let setsShown = null; // read and drawn when the session is first opened
      const drawSets = () => {
        setsShown = setsShown || log.inSession(session.id).then((mine) => {
          const ol = element("ol", null, "logged");
          for (const s of mine.sort((a, b) => a.at - b.at)) ol.append(setRow(s));
          details.querySelector(".meta").after(ol);
        });
        return setsShown;
      };
      if (done && done.session === session.id) {
        const said = element("p", done.text, "said");
        said.setAttribute("role", "status");
        said.tabIndex = -1;
        details.append(said);
        details.open = true;
      }
      if (details.open) drawing.push(drawSets());
      details.addEventListener("toggle", () => details.open && drawSets());
      li.append(details);
      items.push(li);
    });
    const more = document.getElementById("more");
    more.hidden = kept.length <= shown;
    more.textContent = t("Show older sessions (%(count)s more)", { count: kept.length - shown });
    await Promise.all(drawing);
    list.replaceChildren(...items);
    const said = list.querySelector(".said");
    if (said) said.focus();
    else if (done) say(done.text); // its session went with its last set, or is further down
  }

  function setRow(s) {
    const li = element("li");
    const values = { name: s.name, number: s.set, figures: figures([s]) };
    const text = element("span", s.warmup ? t("%(name)s · warm-up %(number)s: %(figures)s", values)
      : t("%(name)s · set %(number)s: %(figures)s", values));
    let armed = false;
    const remove = button(t("Delete"), async () => {
      if (!armed) {
        armed = true;
        remove.textContent = t("Tap again to delete");
        return;
      }
      await inStores("readwrite", (st) => st.sets.delete(s.id));
      await summarise([s.exercise]);
      await drawHistory({ session: s.session, text: t("Deleted %(name)s set %(number)s.", { name: s.name, number: s.set }) });
    });
    const edit = button(t("Edit"), () => {
      const form = element("form", null, "edit");
      const field = (label, name, mode) => {
        const wrap = element("label", label + " ");
        const input = Object.assign(element("input", null, name), { type: "text", inputMode: mode, maxLength: 8 });
        wrap.append(input);
        return wrap;
      };
      const save = Object.assign(element("button", t("Save"), "button small"), { type: "submit" });
      const cancel = Object.assign(element("button", t("Cancel"), "button secondary small cancel"), { type: "button" });
      const problem = element("p", null, "problem");
      problem.setAttribute("role", "alert");
      form.append(field(t("Reps"), "reps", "numeric"), " ", field(t("Weight"), "weight", "decimal"), " ", save, " ", cancel, problem);
      form.querySelector(".reps").value = s.reps == null ? "" : s.reps;
      form.querySelector(".weight").value = s.weight == null ? "" : number(s.weight);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const reps = log.amount(form.querySelector(".reps").value, true);
        const weight = log.amount(form.querySelector(".weight").value, false);
        if (reps === undefined || weight === undefined) {
          form.querySelector(".problem").textContent =
            t("Not saved: reps and weight are numbers from 0 to %(most)s, like 42.5 or 42,5.", { most: log.MAX_AMOUNT });
          return;
        }
        // The set as stored now, not as this page read it: workout mode in another tab may have
        // logged it again since, or taken it out (then nothing is brought back).
        let changed = null;
        await inStores("readwrite", (st) => {
          const now = st.sets.get(s.id); // plain callbacks keep the transaction active
          now.onsuccess = () => now.result && st.sets.put(changed = Object.assign(now.result, { reps, weight }));
        });
        await summarise([s.exercise]);
        await drawHistory({ session: s.session, text: changed ? t("Saved %(name)s set %(number)s: %(figures)s.",
          { name: s.name, number: s.set, figures: figures([changed]) }) : t("Not saved: that set is no longer in the log.") });
      });
      form.querySelector(".cancel").addEventListener("click", () => {
        li.replaceChildren(...shown);
        edit.focus();
      });
      const shown = [...li.childNodes];
      li.replaceChildren(text, form);
      form.querySelector(".reps").focus();
    });
    li.append(text, " ", edit, " ", remove);
    return li;
  }

  // Each exercise: its name, records and chart, and its last sessions. Charts are drawn once in
  // view (drawInView, then as the page scrolls): a lifter of many years has many exercises.
  let watching = null;
  const shownOf = new WeakMap(); // an exercise's section -> the figures its chart shows

  let weeksShown = null; // the weeks' figures, drawn as bars once the page shows (at its width)
  let width = 0; // of the charts, read once a page draw

  // What is on screen stays where it is when `change` makes `box`, above it, taller or shorter.
  // Chromium and Firefox keep it so themselves (scroll anchoring); WebKit does not, and all of it
  // slid some 360 px under the finger as a chart was drawn above: a tap on Export CSV, just after
  // the page had scrolled down to it, landed on a session. The page is scrolled by how far the
  // box's end moved, which is nothing where the browser has kept it in place.
  function keepInPlace(box, above, change) {
    if (!above) return change();
    const end = box.getBoundingClientRect().bottom;
    change();
    const moved = box.getBoundingClientRect().bottom - end;
    if (moved) scrollBy(0, moved);
  }

  // `above`: the section starts above the top of the screen.
  function drawChart(section, above = false) {
    if (section.dataset.drawn) return;
    section.dataset.drawn = "true";
    if (watching) watching.unobserve(section);
    keepInPlace(section, above, () => charts.exercise(section.querySelector(".progress"), shownOf.get(section), dateText,
      section.querySelector("h3").textContent, width));
  }

  // The charts on screen or just below it: the layout is read once, before any is drawn; each is
  // drawn in a task of its own.
  async function drawInView() {
    const sections = [...document.querySelectorAll(".exercise-log:not([data-drawn])")];
    const near = sections.map((section) => [section, section.getBoundingClientRect().top])
      .filter(([, top]) => top < innerHeight + 200);
    width = charts.widthOf(document.getElementById("exercises"));
    if (weeksShown) charts.weeks(document.getElementById("week-bars"), weeksShown, unitShown(), dateText, width);
    weeksShown = null;
    for (const [section, top] of near) {
      await pause();
      drawChart(section, top < 0);
    }
  }

  // Drawn again (after an import, an edit) while the lifter is further down the page, the
  // sections come back without their charts until drawInView draws them: kept in place.
  function drawExercises(summaries, sessions) {
    const out = document.getElementById("exercises");
    keepInPlace(out, drawn && out.getBoundingClientRect().bottom < 0, () => fillExercises(out, summaries, sessions));
    if (drawn) drawInView();
  }

  function fillExercises(out, summaries, sessions) {
    out.replaceChildren();
    if (watching) watching.disconnect();
    watching = "IntersectionObserver" in window ? new IntersectionObserver((seen) => {
      for (const e of seen) if (e.isIntersecting) drawChart(e.target, e.boundingClientRect.top < 0);
    }, { rootMargin: "200px" }) : null;
    // An exercise is headed by the name this site logged it under last; a name an import brought
    // (another app's, another site's) only when the site never logged it.
    const mySite = (e) => sessions.has(e.session) && sessions.get(e.session).routine.startsWith(log.sitePath);
    const nameOf = (entries) => {
      const own = entries.filter(mySite);
      return (own.length ? own : entries)[(own.length ? own : entries).length - 1].name;
    };
    const named = summaries.map((summary) => [summary, nameOf(summary.sessions)]);
    for (const [summary, name] of named.sort((a, b) => a[1].localeCompare(b[1]))) {
      const section = element("section", null, "exercise-log");
      section.dataset.exercise = summary.exercise;
      const shown = progress.series(summary.sessions);
      shownOf.set(section, shown);
      section.append(element("h3", name), charts.recordList(shown, dateText), element("div", null, "progress"));
      const ul = element("ul", null, "recent");
      for (const e of summary.sessions.slice(-3).reverse()) {
        const when = sessions.get(e.session) ? sessions.get(e.session).started : e.at;
        ul.append(element("li", `${dateText(when)}: ${e.figures}`));
      }
      section.append(ul);
      out.append(section);
      if (watching) watching.observe(section);
      else drawChart(section);
    }
  }

  async function drawStorage() {
    const meta = await inStores("readonly", (s) => done(s.meta.get("backup")));
    const kept = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted().catch(() => false) : false;
    const line = kept
      ? t("This browser has promised to keep the log until you delete it.")
      : t("The browser may delete this log when space runs low, and Safari deletes it after 7 days without a visit unless the site is on the home screen. Export a backup now and then.");
    document.getElementById("storage").textContent = line + " " + (meta
      ? t("Last backup: %(ago)s, %(date)s, %(time)s.", { ago: window.repcardText.words.ago(meta.at, Date.now()),
        date: dateText(meta.at), time: timeText(meta.at) })
      : t("Last backup: never."));
  }

  // --- backup

  // repcard's own CSV and JSON, and Strong's and Hevy's CSVs, are read and written by files.js,
  // loaded the first time a file is exported or chosen: most visits never need it.
  let filesLoading = null;
  const files = () => (filesLoading = filesLoading || new Promise((resolve, reject) => {
    const script = element("script");
    script.src = siteRoot + "assets/files.js";
    script.onload = () => resolve(window.repcardFiles);
    script.onerror = () => {
      filesLoading = null;
      reject(t("its reader could not be loaded; try again with a signal"));
    };
    document.head.append(script);
  }));

  async function exportCsv() {
    const [formats, [sessions, sets]] = await Promise.all([files(), all()]);
    const name = backup.fileName("csv");
    backup.download(formats.toCsv(sessions, sets), "text/csv", name);
    await backup.noteSaved();
    say(t("Saved %(name)s.", { name }));
    drawStorage();
  }

  // --- Strong and Hevy: each of their exercise names matched to one of this site's

  // The exercises a name can become: this site's (`sites`, their slugs) and those only the log has.
  async function choices(summaries) {
    let library = [];
    try {
      const response = await fetch(root + "history/exercises.json"); // the titles in this language
      const isText = (x, max) => typeof x === "string" && x.length <= max;
      library = (await response.json()).filter((x) => x && isText(x.slug, 200) && isText(x.title, 300));
    } catch (error) {
      // offline before the first visit, say: the log's own exercises are still there to choose
    }
    const listed = new Set(library.map((x) => x.slug));
    const logged = summaries.filter((x) => !listed.has(x.exercise))
      .map((x) => ({ slug: x.exercise, title: x.sessions[x.sessions.length - 1].name }));
    return { options: library.concat(logged).sort((a, b) => a.title.localeCompare(b.title)), sites: listed };
  }

  // Shows each name of the file with the exercise it would become (what was chosen last time,
  // else the best guess; "keep as its own exercise" when none is close), and the weights' unit
  // when the file does not say it; resolves with what was chosen, or null for Cancel.
  async function chooseMapping(found, remembered, options, guess) {
    const form = element("form", null, "mapping");
    form.id = "mapping";
    form.setAttribute("aria-labelledby", "mapping-h");
    const heading = element("h3", t("Which exercise is each of %(app)s's?", { app: found.format }));
    heading.id = "mapping-h";
    heading.tabIndex = -1;
    const first = Math.min(...found.rows.map((r) => r.started));
    const last = Math.max(...found.rows.map((r) => r.started));
    const warmups = found.rows.filter((r) => r.warmup).length;
    const left = [found.left.cardio ? tn("%(num)s set of distance only (runs, rides) left out",
      "%(num)s sets of distance only (runs, rides) left out", found.left.cardio) : "",
    warmups ? tn("%(num)s warm-up set kept and marked, not counted in records",
      "%(num)s warm-up sets kept and marked, not counted in records", warmups) : ""].filter(Boolean);
    const workouts = tn("%(num)s workout", "%(num)s workouts", found.workouts);
    const setCount = tn("%(num)s set", "%(num)s sets", found.rows.length);
    const what = t("%(workouts)s, %(sets)s, %(first)s to %(last)s", { workouts, sets: setCount, first: dateText(first), last: dateText(last) });
    form.append(heading, element("p", [what, ...left].join("; ") + ". " +
      t("Choose what each name is on this site; the same names are matched so next time.")));
    let unit = null;
    if (!found.unit) {
      const label = element("label", t("Its weights are in") + " ", "unit-choice");
      unit = element("select");
      for (const u of ["kg", "lb"]) unit.append(Object.assign(element("option", u), { value: u }));
      unit.value = unitShown();
      label.append(unit);
      form.append(label);
    }
    const list = element("ul", null, "names");
    const picks = found.names.map(({ name, sets }) => {
      const li = element("li");
      const label = element("label");
      label.append(element("span", name, "from"), " ", element("span", tn("%(num)s set", "%(num)s sets", sets), "count"));
      const select = element("select");
      select.append(Object.assign(element("option", t("Keep as its own exercise")), { value: "" }));
      for (const choice of options) select.append(Object.assign(element("option", choice.title), { value: choice.slug }));
      const before = remembered[name];
      select.value = before !== undefined && (before === "" || options.some((c) => c.slug === before)) ? before
        : guess(name, options);
      label.append(select);
      li.append(label);
      list.append(li);
      return [name, select];
    });
    form.append(list);
    const actions = element("p", null, "actions");
    const go = element("button", tn("Import %(num)s set", "Import %(num)s sets", found.rows.length), "button");
    go.type = "submit";
    const cancel = button(t("Cancel"), null, "button secondary");
    actions.append(go, cancel);
    form.append(actions);
    document.getElementById("message").before(form);
    heading.focus();
    const chosen = await new Promise((resolve) => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        resolve(true);
      });
      cancel.addEventListener("click", () => resolve(false));
    });
    form.remove();
    if (!chosen) return null;
    const bySlug = new Map(options.map((c) => [c.slug, c]));
    return { mapping: Object.fromEntries(picks.map(([name, select]) => [name, bySlug.get(select.value) || null])),
      names: Object.fromEntries(picks.map(([name, select]) => [name, select.value])), unit: unit ? unit.value : found.unit };
  }

  // --- import: merged without duplicates, or refused whole with nothing stored changed

  async function importFile(file) {
    say("");
    document.getElementById("import").disabled = true;
    try {
      if (file.size > MAX_BYTES) throw t("it is %(size)s MB; a backup may be at most 5 MB", { size: number(Math.round(file.size / 1e5) / 10) });
      const text = await file.text();
      const [formats, [sessions, sets]] = await Promise.all([files(), all()]);
      const existing = { sessions, sets };
      let data = formats.fromBackup(text, existing);
      let names = null;
      if (!data) {
        const found = formats.read(text);
        if (!found) throw t("its first line is not repcard's (%(columns)s), Strong's or Hevy's", { columns: formats.COLUMNS.join(",") });
        if (!found.rows.length) throw t("it holds no sets");
        const remembered = await inStores("readonly", (s) => done(s.meta.get("names")));
        const [, summaries] = await log.overview();
        const { options, sites } = await choices(summaries);
        const chosen = await chooseMapping(found, (remembered && remembered.map) || {}, options, formats.guess);
        if (!chosen) throw t("cancelled");
        data = formats.toLog(found, chosen.mapping, chosen.unit, sites); // checked as a backup is
        names = Object.assign((remembered && remembered.map) || {}, chosen.names);
      }
      say(await merge(data, existing, names));
    } catch (error) {
      const reason = typeof error === "string" ? error : t("it could not be read");
      say(t("Not imported: %(reason)s. Nothing stored was changed.", { reason }));
    } finally {
      document.getElementById("import").disabled = false;
    }
  }

  async function merge(data, { sessions, sets }, names) {
    const haveSession = new Set(sessions.map((s) => s.id));
    const haveSet = new Set(sets.map((s) => s.id));
    // The same set twice: same id, or the same session start, routine, exercise and set number.
    const started = new Map([...sessions, ...data.sessions].map((s) => [s.id, s]));
    const natural = (s) => started.get(s.session) &&
      `${stamp(started.get(s.session).started)}|${started.get(s.session).title}|${s.exercise}|${s.warmup ? "w" : ""}${s.set}`;
    const haveNatural = new Set(sets.map(natural));
    for (const s of data.sets) if (!started.has(s.session)) throw t("set %(id)s belongs to no session", { id: s.id.slice(0, 60) });
    const newSets = data.sets.filter((s) => !haveSet.has(s.id) && !haveNatural.has(natural(s)));
    const newSessions = data.sessions.filter((s) => !haveSession.has(s.id) && newSets.some((x) => x.session === s.id));
    // A session already here that a backup knows better (its finish, its routine page: a CSV of
    // repcard before 0.3 has neither) is completed from it, never otherwise changed. Found by its
    // id, else its title and start to the second, else to the minute (such a CSV's, whose starts
    // are whole minutes): a key two sessions share (a set, Start over, a set in one minute) finds neither.
    const keysOf = (s) => [s.id, ...(s.started % 6e4 ? [Math.floor(s.started / 1000) + "|" + s.title] : []),
      stamp(s.started) + "|" + s.title];
    const byKey = new Map();
    for (const s of sessions) for (const key of keysOf(s)) byKey.set(key, byKey.has(key) ? null : s);
    const mended = new Map();
    for (const s of data.sessions) {
      const found = keysOf(s).map((key) => byKey.get(key)).find((x) => x !== undefined);
      const have = found && (mended.get(found.id) || found);
      if (have && ((!have.finished && s.finished) || (!have.routine && s.routine))) {
        mended.set(have.id, Object.assign({}, have, { finished: have.finished || s.finished, routine: have.routine || s.routine }));
      }
    }
    await inStores("readwrite", (st) => {
      for (const s of newSessions) st.sessions.add(s);
      for (const s of mended.values()) st.sessions.put(s);
      for (const s of newSets) st.sets.add(s);
      if (names) st.meta.put({ key: "names", map: names });
    });
    await summarise([...new Set(newSets.map((s) => s.exercise))]);
    await drawHistory();
    const said = [tn("Imported %(num)s set", "Imported %(num)s sets", newSets.length) + " " +
      tn("in %(num)s new session", "in %(num)s new sessions", newSessions.length),
    tn("%(num)s already here", "%(num)s already here", data.sets.length - newSets.length)];
    if (mended.size) said.push(tn("%(num)s session completed from it", "%(num)s sessions completed from it", mended.size));
    return said.join("; ") + ".";
  }

  document.getElementById("export-csv").addEventListener("click", exportCsv);
  backup.wire(document.getElementById("save-backup"), document.getElementById("message"), drawStorage);
  document.getElementById("more").addEventListener("click", () => {
    shown += 2 * PAGE;
    drawHistory();
  });
  const input = document.getElementById("import");
  input.addEventListener("change", () => {
    if (input.files[0]) importFile(input.files[0]).then(() => (input.value = ""));
  });
  // Laid out while drawn, so that what is in view is known, and shown once drawn with the charts
  // of its first screen, whole: filled in on screen, it would jump as each part arrived.
  page.classList.add("drawing");
  page.hidden = false;
  Promise.all([drawHistory(), drawStorage()])
    .then(drawInView)
    .then(() => {
      drawn = true;
      page.dataset.ready = "true";
    }, (error) => say(t("The log cannot be read in this browser: %(error)s.", { error: error.message || error })))
    .then(() => page.classList.remove("drawing"));
});
