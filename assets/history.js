// The history page: what the log shows over time — the last weeks' bars and streak, each
// exercise's chart and records, sessions newest first — editing and deleting a logged set, and
// backup: CSV export, the JSON backup shared or saved, and an import that merges without
// duplicates (importing.js, loaded when a file is chosen).
// It draws from the log's sessions and per-exercise summaries (log.js), never every set, so years
// of history draw nearly as fast as a month's. Starts once the page is parsed.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const log = window.repcardLog;
  const progress = window.repcardProgress;
  const charts = window.repcardChart;
  const backup = window.repcardBackup;
  const { inStores, all, done, figures, summarise, dateText, timeText, volume } = log;
  const { t, tn, number } = window.repcardText.words;
  const root = document.documentElement.dataset.root; // this language's pages
  const siteRoot = document.documentElement.dataset.site || root; // the site's assets
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

  // Scripts most visits never need, loaded the first time: files.js reads and writes the log's
  // files (repcard's CSV and JSON, Strong's and Hevy's CSVs), importing.js merges one into the log.
  const loading = new Map();
  function script(name, global) {
    if (!loading.has(name)) {
      loading.set(name, new Promise((resolve, reject) => {
        const tag = element("script");
        tag.src = siteRoot + "assets/" + name;
        tag.onload = () => resolve(window[global]);
        tag.onerror = () => {
          loading.delete(name);
          tag.remove();
          reject(t("its reader could not be loaded; try again with a signal"));
        };
        document.head.append(tag);
      }));
    }
    return loading.get(name);
  }
  const files = () => script("files.js", "repcardFiles");

  async function exportCsv() {
    const [formats, [sessions, sets]] = await Promise.all([files(), all()]);
    const name = backup.fileName("csv");
    backup.download(formats.toCsv(sessions, sets), "text/csv", name);
    await backup.noteSaved();
    say(t("Saved %(name)s.", { name }));
    drawStorage();
  }

  document.getElementById("export-csv").addEventListener("click", exportCsv);
  backup.wire(document.getElementById("save-backup"), document.getElementById("message"), drawStorage);
  document.getElementById("more").addEventListener("click", () => {
    shown += 2 * PAGE;
    drawHistory();
  });
  let importFile = null;
  const input = document.getElementById("import");
  input.addEventListener("change", async () => {
    if (!input.files[0]) return;
    try {
      importFile = importFile || (await script("importing.js", "repcardImporting"))({ root, say, element, button,
        unit: unitShown, files, redraw: drawHistory });
      await importFile(input.files[0]);
    } catch (reason) { // importing.js not loaded: it says its own
      say(t("Not imported: %(reason)s. Nothing stored was changed.", { reason }));
    }
    input.value = "";
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
