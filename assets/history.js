// The history page: sessions newest first, each exercise's recent entries and best set, editing
// and deleting a logged set, and backup: CSV and JSON export, and an import that merges without
// duplicates. A backup is untrusted: its shape and size are checked, its text shown only as text.
// Loaded by the history page only, with log.js; starts once the page is parsed.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const log = window.repcardLog;
  const { inStores, all, done, figures, number, summarise, dateText, timeText, stamp, volume } = log;
  const MAX_BYTES = 5e6; // a backup bigger than this is refused: years of sets take far less
  // A CSV holds what the history shows: each session's start and finish, each set's time, timed sets'
  // seconds apart from reps, and the slugs that tie a row to its exercise and routine page. A CSV of
  // the first seven columns (repcard's before 0.3) is still read; its sessions stay "not finished".
  const COLUMNS = ["date", "routine", "exercise", "set", "reps", "weight", "unit",
    "seconds", "logged", "finished", "exercise_slug", "routine_page"];
  const OLD_COLUMNS = COLUMNS.slice(0, 7);

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

  // Drawn again after each change; the sessions open stay open, and `done` (what an edit or delete
  // did) is said inside its session, where the thumb is, rather than up in the backup's message.
  async function drawHistory(done) {
    const list = document.getElementById("sessions");
    const opened = list.children.length ? new Set([...list.querySelectorAll("details[open]")].map((d) => d.dataset.session)) : null;
    const [sessions, sets] = await all();
    const bySession = new Map(sessions.map((s) => [s.id, []]));
    for (const s of sets) if (bySession.has(s.session)) bySession.get(s.session).push(s);
    const kept = sessions.filter((s) => bySession.get(s.id).length).sort((a, b) => b.started - a.started);
    document.getElementById("summary").textContent = kept.length
      ? `${kept.length} ${kept.length === 1 ? "session" : "sessions"}, ${sets.length} ${sets.length === 1 ? "set" : "sets"} logged in this browser.`
      : "Nothing logged yet: the sets you mark Done in workout mode appear here.";
    list.replaceChildren();
    kept.forEach((session, i) => {
      const mine = bySession.get(session.id).sort((a, b) => a.at - b.at);
      const end = session.finished || mine[mine.length - 1].at;
      const li = element("li");
      const details = element("details");
      details.dataset.session = session.id;
      details.open = opened ? opened.has(session.id) : i === 0;
      details.append(element("summary", `${dateText(session.started)}, ${timeText(session.started)} · ${session.title || "Workout"}`));
      details.append(element("p", `${Math.max(1, Math.round((end - session.started) / 60000))} min · ` +
        `${mine.length} ${mine.length === 1 ? "set" : "sets"} · volume ${volume(mine)}` +
        (session.finished ? "" : " · not finished"), "meta"));
      const drawSets = () => {
        if (details.querySelector("ol")) return;
        const ol = element("ol", null, "logged");
        for (const s of mine) ol.append(setRow(s));
        details.append(ol);
      };
      if (done && done.session === session.id) {
        const said = element("p", done.text, "said");
        said.setAttribute("role", "status");
        said.tabIndex = -1;
        details.append(said);
        details.open = true;
      }
      if (details.open) drawSets();
      details.addEventListener("toggle", drawSets);
      li.append(details);
      list.append(li);
    });
    drawExercises(sets, new Map(sessions.map((s) => [s.id, s])));
    const said = list.querySelector(".said");
    if (said) said.focus();
    else if (done) say(done.text); // its session went with its last set
  }

  function setRow(s) {
    const li = element("li");
    const text = element("span", `${s.name} · set ${s.set}: ${figures([s])}`);
    let armed = false;
    const remove = button("Delete", async () => {
      if (!armed) {
        armed = true;
        remove.textContent = "Tap again to delete";
        return;
      }
      await inStores("readwrite", (st) => st.sets.delete(s.id));
      await summarise([s.exercise]);
      await drawHistory({ session: s.session, text: `Deleted ${s.name} set ${s.set}.` });
    });
    const edit = button("Edit", () => {
      const form = element("form", null, "edit");
      form.innerHTML = '<label>Reps <input class="reps" type="text" inputmode="numeric" maxlength="8"></label> ' +
        '<label>Weight <input class="weight" type="text" inputmode="decimal" maxlength="8"></label> ' +
        '<button class="button small" type="submit">Save</button> <button class="button secondary small cancel" type="button">Cancel</button>' +
        '<p class="problem" role="alert"></p>';
      form.querySelector(".reps").value = s.reps == null ? "" : s.reps;
      form.querySelector(".weight").value = s.weight == null ? "" : s.weight;
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const reps = log.amount(form.querySelector(".reps").value, true);
        const weight = log.amount(form.querySelector(".weight").value, false);
        if (reps === undefined || weight === undefined) {
          form.querySelector(".problem").textContent =
            `Not saved: reps and weight are numbers from 0 to ${log.MAX_AMOUNT}, like 42.5 or 42,5.`;
          return;
        }
        const changed = Object.assign({}, s, { reps, weight });
        await inStores("readwrite", (st) => st.sets.put(changed));
        await summarise([s.exercise]);
        await drawHistory({ session: s.session, text: `Saved ${s.name} set ${s.set}: ${figures([changed])}.` });
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

  function drawExercises(sets, sessions) {
    const groups = new Map();
    for (const s of sets) {
      if (!groups.has(s.exercise)) groups.set(s.exercise, []);
      groups.get(s.exercise).push(s);
    }
    const out = document.getElementById("exercises");
    out.replaceChildren();
    // An exercise is headed by the name this site logged it under last; a name an import brought
    // (another app's, another site's) only when the site never logged it.
    const mySite = (s) => sessions.has(s.session) && sessions.get(s.session).routine.startsWith(log.sitePath);
    const nameOf = (mine) => {
      const own = mine.filter(mySite);
      return (own.length ? own : mine).reduce((a, b) => (b.at > a.at ? b : a)).name;
    };
    const named = [...groups].map(([slug, mine]) => [slug, mine, nameOf(mine)]);
    for (const [slug, mine, name] of named.sort((a, b) => a[2].localeCompare(b[2]))) {
      const section = element("section", null, "exercise-log");
      section.append(element("h3", name));
      const best = mine.reduce((a, b) => ((b.weight || 0) > (a.weight || 0) ||
        ((b.weight || 0) === (a.weight || 0) && (b.reps || 0) > (a.reps || 0)) ? b : a));
      section.append(element("p", `Best set: ${figures([best])} (${dateText(best.at)})`, "best"));
      const recent = new Map();
      for (const s of mine.sort((a, b) => b.at - a.at)) {
        if (!recent.has(s.session) && recent.size >= 3) break;
        if (!recent.has(s.session)) recent.set(s.session, []);
        recent.get(s.session).push(s);
      }
      const ul = element("ul", null, "recent");
      for (const [id, group] of recent) {
        const when = sessions.get(id) ? sessions.get(id).started : group[0].at;
        ul.append(element("li", `${dateText(when)}: ${figures(group.sort((a, b) => a.set - b.set))}`));
      }
      section.append(ul);
      section.dataset.exercise = slug;
      out.append(section);
    }
  }

  async function drawStorage() {
    const meta = await inStores("readonly", (s) => done(s.meta.get("backup")));
    const kept = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted().catch(() => false) : false;
    const line = kept
      ? "This browser has promised to keep the log until you delete it."
      : "The browser may delete this log when space runs low, and Safari deletes it after 7 days without a visit unless the site is on the home screen. Export a backup now and then.";
    document.getElementById("storage").textContent =
      `${line} Last backup: ${meta ? `${dateText(meta.at)}, ${timeText(meta.at)}` : "never"}.`;
  }

  // --- backup

  // A cell a spreadsheet would run as a formula gets a leading apostrophe.
  function cell(value) {
    let text = value == null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  async function exportCsv() {
    const [sessions, sets] = await all();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const rows = sets.filter((s) => byId.has(s.session)).map((s) => [byId.get(s.session), s])
      .sort((a, b) => a[0].started - b[0].started || a[1].at - b[1].at)
      .map(([session, s]) => [stamp(session.started, true), session.title, s.name, s.set, s.timed ? null : s.reps,
        s.weight == null ? "" : number(s.weight), s.weight == null ? "" : s.unit, s.timed ? s.reps : null,
        stamp(s.at, true), session.finished ? stamp(session.finished, true) : "", s.exercise, session.routine]
        .map(cell).join(","));
    save([COLUMNS.join(","), ...rows].join("\r\n") + "\r\n", "text/csv", "csv");
  }

  async function exportJson() {
    const [sessions, sets] = await all();
    save(JSON.stringify({ app: "repcard", version: 1, exported: new Date().toISOString(), sessions, sets }, null, 1),
      "application/json", "json");
  }

  async function save(text, type, ext) {
    const link = element("a");
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = `repcard-log-${stamp(Date.now()).slice(0, 10)}.${ext}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    await inStores("readwrite", (s) => s.meta.put({ key: "backup", at: Date.now() }));
    say(`Saved ${link.download}.`);
    drawStorage();
  }

  // Checks every field of an untrusted backup; returns clean copies or throws a message.
  const isText = (x, max) => typeof x === "string" && x.length <= max;
  const isTime = (x) => Number.isFinite(x) && x > 0 && x < 1e14;
  const isAmount = (x) => x === null || (Number.isFinite(x) && x >= 0 && x <= log.MAX_AMOUNT); // as the fields

  function checkSession(x, i) {
    if (!x || typeof x !== "object" || !isText(x.id, 100) || !isText(x.routine, 500) || !isText(x.title, 300) ||
        !isTime(x.started) || !(x.finished === 0 || isTime(x.finished))) throw `session ${i + 1} is not a session`;
    return { id: x.id, routine: x.routine, title: x.title, started: x.started, finished: x.finished };
  }

  function checkSet(x, i) {
    if (!x || typeof x !== "object" || !isText(x.id, 300) || !isText(x.session, 100) || !isText(x.step, 200) ||
        !isText(x.exercise, 200) || !/^[a-z0-9-]+$/.test(x.exercise) || !isText(x.name, 300) ||
        !Number.isInteger(x.set) || x.set < 1 || x.set > 100 || !isAmount(x.reps) || !isAmount(x.weight) ||
        (x.unit !== "kg" && x.unit !== "lb") || !isTime(x.at)) throw `set ${i + 1} is not a set`;
    return { id: x.id, session: x.session, step: x.step, exercise: x.exercise, name: x.name, set: x.set,
      reps: x.reps, weight: x.weight, unit: x.unit, timed: x.timed === true, at: x.at };
  }

  // Any JSON (even `null`) is read as a backup; what is not JSON but looks like it is said so.
  function fromJson(text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      if (/^\s*[[{]/.test(text)) throw "it is not JSON";
      return null;
    }
    if (!data || data.app !== "repcard") throw "it is not a repcard backup";
    if (data.version !== 1) throw `it is version ${String(data.version).slice(0, 20)}; this page reads version 1`;
    if (!Array.isArray(data.sessions) || !Array.isArray(data.sets)) throw "it has no sessions and sets";
    if (data.sessions.length > 20000 || data.sets.length > 500000) throw "it holds more than a log can";
    return { sessions: data.sessions.map(checkSession), sets: data.sets.map(checkSet) };
  }

  function parseCsv(text) {
    const rows = [];
    let row = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(field); field = ""; } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(field);
        rows.push(row);
        row = [];
        field = "";
      } else field += c;
    }
    if (field || row.length) rows.push([...row, field]);
    return rows.filter((r) => r.length > 1 || r[0]);
  }

  const slugify = (name) => name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "exercise";
  const unescape = (text) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

  // "2026-11-25 18:30" or "2026-11-25 18:30:05", local time, as stamp() writes it; NaN if not.
  function fromStamp(text) {
    const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)(?::(\d\d))?$/.exec(text);
    return m ? new Date(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)).getTime() : NaN;
  }

  function fromCsv(text, existing) {
    const rows = parseCsv(text);
    const header = rows.length ? rows[0].join(",").toLowerCase() : "";
    const columns = header === COLUMNS.join(",") ? COLUMNS : header === OLD_COLUMNS.join(",") ? OLD_COLUMNS : null;
    if (!columns) throw `its first line is not ${COLUMNS.join(",")}`;
    if (rows.length > 500001) throw "it holds more than a log can";
    const slugs = new Map(existing.sets.map((s) => [s.name, s.exercise]));
    const known = new Map(existing.sessions.map((s) => [stamp(s.started) + "|" + s.title, s]));
    const sessions = new Map();
    const sets = [];
    let lastSecond = NaN;
    let sameSecond = 0;
    rows.slice(1).forEach((r, i) => {
      const line = i + 2;
      if (r.length !== columns.length) throw `line ${line} has ${r.length} cells, not ${columns.length}`;
      const [date, title, name, set, reps, weight, unit, seconds = "", logged = "", finished = "", slug = "", routine = ""] =
        r.map(unescape);
      const started = fromStamp(date);
      const toNumber = (x) => (x === "" ? null : Number(x));
      const timed = seconds !== "";
      const entry = { set: Number(set), reps: toNumber(timed ? seconds : reps), weight: toNumber(weight), unit: unit || "kg" };
      // Rows are in the order done; sets logged within the same second keep it, a millisecond apart.
      const second = logged === "" ? started : fromStamp(logged);
      const at = second + (second === lastSecond ? ++sameSecond : (sameSecond = 0));
      lastSecond = second;
      const end = finished === "" ? 0 : fromStamp(finished);
      if (!isTime(started) || !isText(title, 300) || !name || !isText(name, 300) || !Number.isInteger(entry.set) ||
          entry.set < 1 || entry.set > 100 || !isAmount(entry.reps) || !isAmount(entry.weight) || (timed && reps !== "") ||
          (entry.unit !== "kg" && entry.unit !== "lb") || !isTime(at) || !(end === 0 || isTime(end)) ||
          !(slug === "" || (isText(slug, 200) && /^[a-z0-9-]+$/.test(slug))) || !isText(routine, 500)) {
        throw `line ${line} is not a logged set`;
      }
      const key = stamp(started) + "|" + title;
      if (!sessions.has(key)) {
        const have = known.get(key); // its sets join it; importFile() completes it from this row
        sessions.set(key, { id: have ? have.id : `csv-${started.toString(36)}-${slugify(title)}`.slice(0, 100),
          routine, title, started: have ? have.started : started, finished: end });
      }
      const session = sessions.get(key);
      const exercise = slug || slugs.get(name) || slugify(name);
      const step = `${exercise}:${entry.set}`;
      sets.push(Object.assign(entry, { id: session.id + "|" + step, session: session.id, step, exercise, name, timed, at }));
    });
    return { sessions: [...sessions.values()], sets };
  }

  async function importFile(file) {
    say("");
    try {
      if (file.size > MAX_BYTES) throw `it is ${(file.size / 1e6).toFixed(1)} MB; a backup may be at most 5 MB`;
      const text = await file.text();
      const [sessions, sets] = await all();
      const existing = { sessions, sets };
      const data = fromJson(text) || fromCsv(text, existing);
      const haveSession = new Set(sessions.map((s) => s.id));
      const haveSet = new Set(sets.map((s) => s.id));
      // The same set twice: same id, or the same session start, routine, exercise and set number.
      const started = new Map([...sessions, ...data.sessions].map((s) => [s.id, s]));
      const natural = (s) => started.get(s.session) && `${stamp(started.get(s.session).started)}|${started.get(s.session).title}|${s.exercise}|${s.set}`;
      const haveNatural = new Set(sets.map(natural));
      for (const s of data.sets) if (!started.has(s.session)) throw `set ${s.id.slice(0, 60)} belongs to no session`;
      const newSets = data.sets.filter((s) => !haveSet.has(s.id) && !haveNatural.has(natural(s)));
      const newSessions = data.sessions.filter((s) => !haveSession.has(s.id) && newSets.some((x) => x.session === s.id));
      // A session already here that a backup knows better (its finish, its routine page: a CSV of
      // repcard before 0.3 has neither) is completed from it, never otherwise changed.
      const byKey = new Map(sessions.map((s) => [s.id, s]).concat(sessions.map((s) => [stamp(s.started) + "|" + s.title, s])));
      const mended = new Map();
      for (const s of data.sessions) {
        const found = byKey.get(s.id) || byKey.get(stamp(s.started) + "|" + s.title);
        const have = found && (mended.get(found.id) || found);
        if (have && ((!have.finished && s.finished) || (!have.routine && s.routine))) {
          mended.set(have.id, Object.assign({}, have, { finished: have.finished || s.finished, routine: have.routine || s.routine }));
        }
      }
      await inStores("readwrite", (st) => {
        for (const s of newSessions) st.sessions.add(s);
        for (const s of mended.values()) st.sessions.put(s);
        for (const s of newSets) st.sets.add(s);
      });
      await summarise([...new Set(newSets.map((s) => s.exercise))]);
      await drawHistory();
      say(`Imported ${newSets.length} ${newSets.length === 1 ? "set" : "sets"} in ${newSessions.length} new ` +
        `${newSessions.length === 1 ? "session" : "sessions"}; ${data.sets.length - newSets.length} already here` +
        (mended.size ? `; ${mended.size} ${mended.size === 1 ? "session" : "sessions"} completed from it.` : "."));
    } catch (error) {
      const reason = typeof error === "string" ? error : "it could not be read";
      say(`Not imported: ${reason}. Nothing stored was changed.`);
    }
  }

  const page = document.getElementById("history");
  document.getElementById("export-csv").addEventListener("click", exportCsv);
  document.getElementById("export-json").addEventListener("click", exportJson);
  const input = document.getElementById("import");
  input.addEventListener("change", () => {
    if (input.files[0]) importFile(input.files[0]).then(() => (input.value = ""));
  });
  Promise.all([drawHistory(), drawStorage()])
    .then(() => (page.dataset.ready = "true"), (error) => say(`The log cannot be read in this browser: ${error.message || error}.`))
    .then(() => (page.hidden = false));
});
