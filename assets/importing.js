// The history page's import, loaded by history.js the first time a file is chosen (most visits
// never import one): repcard's own backups and CSVs, and Strong's and Hevy's CSVs with each of their
// exercise names matched to this site's (files.js reads them all), merged into the log without
// duplicates. A file is untrusted: its shape and size are checked, its text shown only as text, and
// nothing stored changes when it is refused.
"use strict";

// `history`: what the page lends it, { root, say, element, button, unit, files, redraw }. Gives the
// page's importFile(file).
window.repcardImporting = (history) => {
  const log = window.repcardLog;
  const { inStores, all, done, summarise, dateText, stamp } = log;
  const { t, tn, number } = window.repcardText.words;
  const { root, say, element, button, files, unit: unitShown, redraw: drawHistory } = history;
  const MAX_BYTES = 5e6; // a backup bigger than this is refused: years of sets take far less

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

  return importFile;
};
