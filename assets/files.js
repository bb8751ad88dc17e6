// The log's files: repcard's own CSV written and read, its JSON backup read, and other apps'
// history read into the log — Strong's and Hevy's CSV exports. Everything read is untrusted: every
// field is checked, and the first problem is thrown as one line of text ("line 7: ..."). Pure:
// text in, plain values out; the history page loads it when a file is exported or chosen, asks
// which exercise each of another app's names is, then stores what toLog() makes.
//
// The formats, as their exports write them (checked against public samples and converters):
// - Strong: Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps, Distance,
//   Seconds, Notes, Workout Notes, RPE; dates "2024-03-04 18:30:00" (or "6:30:00 PM"), durations
//   "1h 5m" or "58min"; Set Order a number, W (warm-up), D (drop set) or F (failure), and rows of
//   rest timers and notes. Weights are in the app's unit, which the file does not say, unless an
//   older export's Weight Unit column (kg or lbs) does. Older exports also use ";" between cells
//   and "Workout Duration" at the end.
// - Hevy: title, start_time, end_time, description, exercise_title, superset_id, exercise_notes,
//   set_index (from 0), set_type (normal, warmup, dropset, failure), weight_kg or weight_lbs, reps,
//   distance_km or distance_miles, duration_seconds, rpe; dates "7 Aug 2026, 08:27".
// Notes, RPE and distances are not kept (the log has no place for them); a set of distance only
// (a run) is left out and counted.
"use strict";

window.repcardFiles = (() => {
  const { stamp, number, MAX_AMOUNT } = window.repcardLog; // the log's own time stamps and limits
  const { t } = window.repcardText.words; // what is refused, said in the page's language
  const { pad } = window.repcardText;
  const MAX_ROWS = 500000;
  const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

  // Cells split at `separator` (or, when not given, whichever of "," and ";" the first line uses
  // more), with quotes, doubled quotes and line breaks inside quotes; blank lines dropped.
  function parseCsv(text, separator) {
    text = text.replace(/^\uFEFF/, "");
    separator = separator || separatorOf(text);
    const rows = [];
    let row = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === separator) { row.push(field); field = ""; } else if (c === "\n" || c === "\r") {
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

  function separatorOf(text) {
    const first = text.slice(0, text.search(/\r|\n|$/)).replace(/"[^"]*"/g, "");
    return (first.match(/;/g) || []).length > (first.match(/,/g) || []).length ? ";" : ",";
  }

  // A letter of a script but Latin (µ and ℌ are of none: they kept the slugs they had).
  const OTHER_SCRIPT = /[^\P{L}\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

  // A name's slug: its Latin letters and digits. A name in another script (Жим лёжа) has few or
  // none, and every such name was "exercise", their sets one exercise: a hash of the whole name
  // keeps two names two. Latin names keep the slugs they always had, so an import made before
  // finds its sets again.
  const slugify = (name) => (OTHER_SCRIPT.test(name) ? hashed(name) : latin(name).slice(0, 80) || "exercise");
  const latin = (name) => name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

  function hashed(name) {
    let hash = 0x811c9dc5; // FNV-1a
    for (const c of name) hash = Math.imul(hash ^ c.codePointAt(0), 0x01000193) >>> 0;
    return `${latin(name).slice(0, 72) || "exercise"}-${hash.toString(36)}`;
  }

  // "2024-03-04 18:30:00", "2024-03-04 6:30:00 PM" (any space before PM) or "4 Mar 2024, 18:30":
  // local time in ms, or NaN.
  function when(text) {
    const t = text.trim().replace(/[\u00a0\u202f]/g, " ");
    let m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d{1,2}):(\d\d)(?::(\d\d))?(?: ?([AP]M))?$/i.exec(t);
    if (m) return local(+m[1], +m[2], +m[3], hours(+m[4], m[7]), +m[5], +(m[6] || 0));
    m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d\d)(?::(\d\d))?(?: ?([AP]M))?$/i.exec(t);
    if (m && MONTHS.includes(m[2].toLowerCase())) {
      return local(+m[3], MONTHS.indexOf(m[2].toLowerCase()) + 1, +m[1], hours(+m[4], m[7]), +m[5], +(m[6] || 0));
    }
    return NaN;
  }

  const hours = (h, half) => (!half ? h : (h % 12) + (/pm/i.test(half) ? 12 : 0));

  function local(year, month, day, hour, minute, second) {
    const d = new Date(year, month - 1, day, hour, minute, second);
    const real = d.getMonth() === month - 1 && d.getDate() === day && hour < 24 && minute < 60 && second < 60;
    return real && year > 1970 && year < 2200 ? d.getTime() : NaN;
  }

  // "1h 5m", "58min", "45m", "30s" or seconds alone: seconds, or NaN.
  function duration(text) {
    const t = text.trim().toLowerCase();
    if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
    const m = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?$/.exec(t);
    return m && t ? (+(m[1] || 0)) * 3600 + (+(m[2] || 0)) * 60 + (+(m[3] || 0)) : NaN;
  }

  // A cell's number: "" is none (null); with ";" between cells a decimal comma is allowed.
  function amount(text, comma) {
    const t = text.trim();
    if (t === "") return null;
    if (!(comma ? /^-?\d+([.,]\d+)?$/ : /^-?\d+(\.\d+)?$/).test(t)) return undefined;
    return Number(t.replace(",", "."));
  }

  // A cell a spreadsheet would run as a formula gets a leading apostrophe; so does what follows a
  // ";" or a tab inside it, where a spreadsheet in a locale that splits on them starts a cell.
  function cell(value) {
    let text = value == null ? "" : String(value).replace(/([;\t])([=+\-@])/g, "$1'$2");
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    const quoted = /[",\n\r]/.test(text); // (not after `return`: Babel's extractor would read it as a division)
    return quoted ? `"${text.replace(/"/g, '""')}"` : text;
  }

  // repcard's CSV: one row per set, the sessions' start and finish and each set's time to the
  // second, local time as a spreadsheet shows it, and the offset from UTC they were written in
  // (the session's start's), so a CSV round trip gives the same history in any time zone. CSVs
  // without the offset (local time where read), of the first twelve columns (repcard 0.3) and of
  // the first seven (before 0.3) are still read; the latter's sessions stay unfinished.
  const COLUMNS = ["date", "routine", "exercise", "set", "reps", "weight", "unit",
    "seconds", "logged", "finished", "exercise_slug", "routine_page", "warmup", "utc_offset"];
  const READABLE = [COLUMNS, COLUMNS.slice(0, 13), COLUMNS.slice(0, 12), COLUMNS.slice(0, 7)];

  // "UTC+01:00" for a time in a zone an hour ahead of UTC (not "+01:00", which a spreadsheet
  // would take for a formula), and back to minutes (null if not one).
  const offsetText = (ms) => {
    const minutes = -new Date(ms).getTimezoneOffset();
    return `UTC${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  };
  const offsetOf = (text) => {
    const m = /^UTC([+-])(\d\d):([0-5]\d)$/.exec(text);
    return m && +m[2] <= 14 ? (m[1] === "-" ? -1 : 1) * (+m[2] * 60 + +m[3]) : null;
  };

  function toCsv(sessions, sets) {
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const rows = sets.filter((s) => byId.has(s.session)).map((s) => [byId.get(s.session), s])
      .sort((a, b) => a[0].started - b[0].started || a[1].at - b[1].at)
      .map(([session, s]) => [stamp(session.started, true), session.title, s.name, s.set, s.timed ? null : s.reps,
        s.weight == null ? "" : number(s.weight), s.weight == null ? "" : s.unit, s.timed ? s.reps : null,
        stamp(s.at, true), session.finished ? stamp(session.finished, true) : "", s.exercise, session.routine,
        s.warmup ? "yes" : "", offsetText(session.started)]
        .map(cell).join(","));
    return [COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
  }

  // Checks every field of an untrusted backup; returns clean copies or throws a message.
  const isText = (x, max) => typeof x === "string" && x.length <= max;
  const isTime = (x) => Number.isFinite(x) && x > 0 && x < 1e14;
  const isAmount = (x) => x === null || (Number.isFinite(x) && x >= 0 && x <= MAX_AMOUNT); // as the fields

  function checkSession(x, i) {
    if (!x || typeof x !== "object" || !isText(x.id, 100) || !isText(x.routine, 500) || !isText(x.title, 300) ||
        !isTime(x.started) || !(x.finished === 0 || isTime(x.finished))) throw t("session %(number)s is not a session", { number: i + 1 });
    return { id: x.id, routine: x.routine, title: x.title, started: x.started, finished: x.finished };
  }

  function checkSet(x, i) {
    if (!x || typeof x !== "object" || !isText(x.id, 300) || !isText(x.session, 100) || !isText(x.step, 200) ||
        !isText(x.exercise, 200) || !/^[a-z0-9-]+$/.test(x.exercise) || !isText(x.name, 300) ||
        !Number.isInteger(x.set) || x.set < 1 || x.set > 100 || !isAmount(x.reps) || !isAmount(x.weight) ||
        (x.unit !== "kg" && x.unit !== "lb") || !isTime(x.at) || !(x.warmup === undefined || typeof x.warmup === "boolean")) {
      throw t("set %(number)s is not a set", { number: i + 1 });
    }
    const clean = { id: x.id, session: x.session, step: x.step, exercise: x.exercise, name: x.name, set: x.set,
      reps: x.reps, weight: x.weight, unit: x.unit, timed: x.timed === true, at: x.at };
    if (x.warmup) clean.warmup = true;
    return clean;
  }

  // Any JSON (even `null`) is read as a backup; what is not JSON but looks like it is said so.
  function fromJson(text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      if (/^\s*[[{]/.test(text)) throw t("it is not JSON");
      return null;
    }
    if (!data || data.app !== "repcard") throw t("it is not a repcard backup");
    if (data.version !== 1 && data.version !== window.repcardBackup.BACKUP_VERSION) {
      throw t("it is version %(version)s; this page reads versions 1 and %(latest)s",
        { version: String(data.version).slice(0, 20), latest: window.repcardBackup.BACKUP_VERSION });
    }
    if (!Array.isArray(data.sessions) || !Array.isArray(data.sets)) throw t("it has no sessions and sets");
    if (data.sessions.length > 20000 || data.sets.length > 500000) throw t("it holds more than a log can");
    return checked(data);
  }

  // The first item whose id an earlier one has: { number, first }, counted from 1; else null.
  function repeated(list) {
    const seen = new Map();
    for (const [i, x] of list.entries()) {
      if (seen.has(x.id)) return { number: i + 1, first: seen.get(x.id) + 1 };
      seen.set(x.id, i);
    }
    return null;
  }

  // What cell() wrote, as it was: its apostrophes before a formula's first character taken out
  // (the one after a ";" too: a workout called "A;=B" came back "A;'=B").
  const unescape = (text) => text.replace(/^'([=+\-@\t\r])/, "$1").replace(/([;\t])'([=+\-@])/g, "$1$2");

  // "2026-11-25 18:30" or "2026-11-25 18:30:05", as stamp() writes it: in ms, at `offset` minutes
  // from UTC, or local time when null; NaN if not a time.
  function fromStamp(text, offset = null) {
    const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)(?::(\d\d))?$/.exec(text);
    if (!m) return NaN;
    return offset === null ? new Date(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)).getTime()
      : Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) - offset * 6e4;
  }

  // repcard's own CSV (any of its versions), or null when the header is not one of them.
  // `existing` (the log's sessions and sets) gives a row's session and exercise the ids they
  // have here.
  function fromCsv(rows, existing) {
    const header = rows.length ? rows[0].join(",").toLowerCase() : "";
    const columns = READABLE.find((c) => c.join(",") === header);
    if (!columns) return null;
    if (rows.length > 500001) throw t("it holds more than a log can");
    const slugs = new Map(existing.sets.map((s) => [s.name, s.exercise]));
    // A session is its start and title: to the second where the file says it (two can start in one
    // minute: a set, Start over, a set), to the minute (local time) in a CSV of repcard before 0.3;
    // a key two sessions here share finds neither.
    const second = (ms) => Math.floor(ms / 1000);
    const known = new Map();
    for (const s of existing.sessions) {
      for (const key of [stamp(s.started) + "|" + s.title, second(s.started) + "|" + s.title]) known.set(key, known.has(key) ? null : s);
    }
    const sessions = new Map();
    const sets = [];
    let lastSecond = NaN;
    let sameSecond = 0;
    rows.slice(1).forEach((r, i) => {
      const line = i + 2;
      if (r.length !== columns.length) throw t("line %(line)s has %(cells)s cells, not %(columns)s", { line, cells: r.length, columns: columns.length });
      const [date, title, name, set, reps, weight, unit, seconds = "", logged = "", finished = "", slug = "", routine = "",
        warmup = "", zone = ""] = r.map(unescape);
      const offset = offsetOf(zone);
      const started = fromStamp(date, offset);
      const toNumber = (x) => (x === "" ? null : Number(x));
      const timed = seconds !== "";
      const entry = { set: Number(set), reps: toNumber(timed ? seconds : reps), weight: toNumber(weight), unit: unit || "kg" };
      // Rows are in the order done; sets logged within the same second keep it, a millisecond apart.
      const loggedAt = logged === "" ? started : fromStamp(logged, offset);
      const at = loggedAt + (loggedAt === lastSecond ? ++sameSecond : (sameSecond = 0));
      lastSecond = loggedAt;
      const end = finished === "" ? 0 : fromStamp(finished, offset);
      if (!isTime(started) || !isText(title, 300) || !name || !isText(name, 300) || !Number.isInteger(entry.set) ||
          entry.set < 1 || entry.set > 100 || !isAmount(entry.reps) || !isAmount(entry.weight) || (timed && reps !== "") ||
          (entry.unit !== "kg" && entry.unit !== "lb") || !isTime(at) || !(end === 0 || isTime(end)) ||
          !(slug === "" || (isText(slug, 200) && /^[a-z0-9-]+$/.test(slug))) || !isText(routine, 500) ||
          (warmup !== "" && warmup !== "yes") || (zone !== "" && offset === null)) {
        throw t("line %(line)s is not a logged set", { line });
      }
      const key = (date.length > 16 ? second(started) : date) + "|" + title;
      if (!sessions.has(key)) {
        const have = known.get(key); // its sets join it; merge() completes it from this row
        sessions.set(key, { id: have ? have.id : `csv-${started.toString(36)}-${slugify(title)}`.slice(0, 100),
          routine, title, started: have ? have.started : started, finished: end });
      }
      const session = sessions.get(key);
      const exercise = slug || slugs.get(name) || slugify(name);
      const step = `${exercise}:${warmup ? "w" : ""}${entry.set}`;
      sets.push(Object.assign(entry, { id: session.id + "|" + step, session: session.id, step, exercise, name, timed, at },
        warmup ? { warmup: true } : {}));
    });
    return checked({ sessions: [...sessions.values()], sets });
  }

  // What an import will store, checked as a backup is: a CSV's figures can make a session or set
  // (a finish in the year 5000, a step too long) that the log's next backup would refuse.
  function checked(data) {
    const sessions = data.sessions.map(checkSession);
    const sets = data.sets.map(checkSet);
    // Two with one id (a backup's, a CSV's row written twice): storing the second failed, and the
    // import said only "it could not be read".
    let twice = repeated(sessions);
    if (twice) throw t("session %(number)s has the id of session %(first)s", twice);
    twice = repeated(sets);
    if (twice) throw t("set %(number)s has the id of set %(first)s", twice);
    return { sessions, sets };
  }

  // A repcard backup, JSON or CSV, as sessions and sets; null when the text is neither.
  const fromBackup = (text, existing) => fromJson(text) || fromCsv(parseCsv(text, ","), existing);

  // The columns a format needs, by the names its header gives them (lower case); the first name
  // found wins.
  const FORMATS = {
    Strong: {
      date: ["date"], title: ["workout name"], duration: ["duration", "workout duration", "duration (sec)"],
      name: ["exercise name"], order: ["set order"], weight: ["weight", "weight (kg)", "weight (lbs)"],
      unit: ["weight unit"], reps: ["reps"], distance: ["distance", "distance (km)", "distance (m)", "distance (meters)"],
      seconds: ["seconds"],
      required: ["date", "title", "name", "order", "weight", "reps"],
    },
    Hevy: {
      title: ["title"], date: ["start_time"], end: ["end_time"], name: ["exercise_title"], type: ["set_type"],
      weight: ["weight_kg", "weight_lbs"], reps: ["reps"], distance: ["distance_km", "distance_miles"],
      seconds: ["duration_seconds"],
      required: ["title", "date", "name", "weight", "reps"],
    },
  };
  // The columns as the other app names them, in its language; the first three are repcard's words.
  const LABELS = { date: t("its date"), title: t("its workout's name"), name: t("its exercise's name"), order: "Set Order",
    weight: "Weight", reps: "Reps", seconds: "Seconds", distance: "Distance", duration: "Duration", end: "end_time",
    type: "set_type", unit: "Weight Unit" };

  // Which app wrote the file, from its header: "Strong", "Hevy" or null.
  function formatOf(header) {
    const h = header.map((x) => x.trim().toLowerCase());
    if (h.includes("exercise_title") && h.includes("start_time")) return "Hevy";
    if (h.includes("exercise name") && h.includes("set order")) return "Strong";
    return null;
  }

  // A Strong or Hevy CSV as rows the log can take, every one checked; throws the first problem
  // as text ("line 7: Reps is not a whole number from 0 to 9999"). Returns { format, unit (null
  // when the file does not say), rows, names: [{ name, sets }], workouts, left: {cardio, empty} }.
  function read(text) {
    const separator = separatorOf(text.replace(/^\uFEFF/, ""));
    const table = parseCsv(text, separator);
    const format = table.length ? formatOf(table[0]) : null;
    if (!format) return null;
    if (table.length > MAX_ROWS + 1) throw t("it holds more than a log can");
    const spec = FORMATS[format];
    const header = table[0].map((x) => x.trim().toLowerCase());
    const column = {};
    for (const [key, names] of Object.entries(spec)) {
      if (key === "required") continue;
      const found = names.find((n) => header.includes(n));
      if (found) column[key] = { at: header.indexOf(found), name: found };
    }
    const missing = spec.required.filter((key) => !column[key]);
    if (missing.length) throw t("its first line has no column for %(columns)s", { columns: missing.map((k) => LABELS[k]).join(", ") });
    const headerUnit = /lbs/.test(column.weight.name) ? "lb" : /kg/.test(column.weight.name) ? "kg" : null;
    const rows = [];
    const left = { cardio: 0, empty: 0 };
    const names = new Map();
    const workouts = new Set();
    table.slice(1).forEach((cells, i) => {
      const line = i + 2;
      if (cells.length < header.length - 1 || cells.length > header.length + 1) {
        throw t("line %(line)s has %(cells)s cells, not %(columns)s", { line, cells: cells.length, columns: header.length });
      }
      const cell = (key) => (column[key] ? (cells[column[key].at] || "").trim() : "");
      const problem = (what) => { throw t("line %(line)s: %(problem)s", { line, problem: what }); };
      const figure = (key, whole) => {
        const x = amount(cell(key), separator === ";");
        if (x === undefined || (x !== null && (x > MAX_AMOUNT || (whole && !Number.isInteger(x)) || (key !== "weight" && x < 0)))) {
          const values = { column: LABELS[key], value: cell(key).slice(0, 20), most: MAX_AMOUNT };
          problem(whole ? t("%(column)s \"%(value)s\" is not a whole number from 0 to %(most)s", values)
            : t("%(column)s \"%(value)s\" is not a number from 0 to %(most)s", values));
        }
        return x;
      };
      const order = format === "Strong" ? cell("order") : "";
      const name = cell("name");
      if (format === "Strong" && (/^(rest timer|note)$/i.test(order) || /^rest timer$/i.test(name))) return void left.empty++;
      if (format === "Strong" && !/^(\d+|[WDF])$/i.test(order)) problem(t("Set Order \"%(value)s\" is not a set number, W, D or F", { value: order.slice(0, 20) }));
      const started = when(cell("date"));
      if (!Number.isFinite(started)) problem(t("\"%(value)s\" is not a date and time like %(example)s", { value: cell("date").slice(0, 40), example: "2024-03-04 18:30:00" }));
      if (!name || name.length > 200) problem(t("the exercise's name is missing or over 200 characters"));
      const title = cell("title");
      if (title.length > 300) problem(t("the workout's name is over 300 characters"));
      let length = 0;
      if (format === "Strong" && cell("duration")) { // a workout's length, where the file gives it
        length = duration(cell("duration"));
        if (!Number.isFinite(length)) problem(t("Duration \"%(value)s\" is not a time like 1h 5m", { value: cell("duration").slice(0, 20) }));
      } else if (format === "Hevy" && cell("end")) {
        const end = when(cell("end"));
        if (!Number.isFinite(end)) problem(t("\"%(value)s\" is not a date and time like %(example)s", { value: cell("end").slice(0, 40), example: "4 Mar 2024, 18:30" }));
        length = Math.max(0, (end - started) / 1000);
      }
      let weight = figure("weight", false);
      const reps = figure("reps", true);
      const seconds = figure("seconds", false);
      const distance = figure("distance", false);
      if (weight !== null && weight <= 0) weight = null; // bodyweight (0), or assistance (below 0): no weight
      let unit = headerUnit;
      if (column.unit) {
        const said = cell("unit").toLowerCase();
        if (said === "kg" || said === "lbs" || said === "lb") unit = said === "kg" ? "kg" : "lb";
        else if (weight !== null) problem(t("Weight Unit \"%(value)s\" is not kg or lbs", { value: said.slice(0, 20) }));
      }
      if (!reps && distance > 0) return void left.cardio++; // a run or a ride: the log has no distances
      const timed = !reps && seconds > 0;
      if (!reps && !timed) return void left.empty++;
      const warmup = format === "Strong" ? /^w$/i.test(order) : /^warm/i.test(cell("type"));
      rows.push({ line, started, length, title, name, warmup, weight, unit, reps: timed ? Math.round(seconds) : reps, timed });
      names.set(name, (names.get(name) || 0) + 1);
      workouts.add(started + "|" + title);
    });
    const needsUnit = rows.some((r) => r.weight !== null && !r.unit);
    return { format, unit: needsUnit ? null : headerUnit || (rows.find((r) => r.unit) || {}).unit || "kg", rows, workouts: workouts.size,
      names: [...names].map(([name, sets]) => ({ name, sets })), left };
  }

  // The words of a name, for matching: lower case, accents and brackets' punctuation gone,
  // simple plurals made singular ("Squats (Barbell)" -> ["squat", "barbell"]).
  const words = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").split(/[^a-z0-9]+/)
    .filter((w) => w && !["the", "a", "an", "with", "and", "of", "on"].includes(w))
    .map((w) => (w.length > 2 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
  const likeness = (a, b) => {
    const x = new Set(a);
    const y = new Set(b);
    const common = [...x].filter((w) => y.has(w)).length;
    return x.size + y.size ? (2 * common) / (x.size + y.size) : 0;
  };

  // The library exercise a name most likely is ({ slug, title } choices), or "" for none: the
  // name's words, with and without what its brackets say ("Deadlift (Barbell)": equipment),
  // against each title's; at least half in common.
  function guess(name, choices) {
    const whole = words(name);
    const bare = words(name.replace(/\([^)]*\)/g, " "));
    let best = { slug: "", score: 0.5 - 1e-9 };
    for (const choice of choices) {
      const title = words(choice.title);
      const score = choice.slug === slugify(name) ? 2 : Math.max(likeness(whole, title), likeness(bare, title));
      if (score > best.score) best = { slug: choice.slug, score };
    }
    return best.slug;
  }

  // The log's sessions and sets from what read() found: `mapping` names each file name's exercise
  // ({ slug, title }, or null to keep it as its own), `unit` the weights' unit when the file does
  // not say, `sites` the slugs of this site's exercises: a name kept as its own whose slug is one
  // of them ("Glute Bridge") takes the hashed slug, or its sets would be that exercise's. Sets are
  // numbered in the order done, warm-ups apart (w1, w2 …); each is known by its workout, the
  // file's name for its exercise and its number under that name, so importing the same file
  // again, whatever the names are matched to this time, finds them already there.
  function toLog(found, mapping, unit, sites = new Set()) {
    const sessions = new Map();
    const sets = [];
    const counts = new Map();
    for (const row of found.rows) {
      const key = row.started + "|" + row.title;
      if (!sessions.has(key)) {
        // Known by the time the file writes, not the moment this phone's time zone makes of it: the
        // same export imported again after a flight found none of its workouts and added them all.
        const written = row.started - new Date(row.started).getTimezoneOffset() * 6e4;
        const id = `${found.format.toLowerCase()}-${written.toString(36)}-${slugify(row.title || "workout")}`.slice(0, 100);
        sessions.set(key, { id, routine: "", title: row.title || t("%(app)s workout", { app: found.format }), started: row.started,
          finished: row.length ? row.started + row.length * 1000 : 0, sets: 0 });
      }
      const session = sessions.get(key);
      const target = mapping[row.name];
      const own = slugify(row.name);
      const exercise = target ? target.slug : sites.has(own) ? hashed(row.name) : own;
      const counter = `${session.id}|${exercise}|${row.warmup ? "w" : ""}`;
      const set = (counts.get(counter) || 0) + 1;
      if (set > 100) throw t("line %(line)s: more than 100 sets of %(name)s in one workout", { line: row.line, name: row.name.slice(0, 60) });
      counts.set(counter, set);
      const step = `${exercise}:${row.warmup ? "w" : ""}${set}`;
      const asNamed = `${session.id}|${slugify(row.name)}:${row.warmup ? "w" : ""}`;
      counts.set(asNamed, (counts.get(asNamed) || 0) + 1);
      session.sets += 1;
      const entry = { id: asNamed + counts.get(asNamed), session: session.id, step, exercise, name: target ? target.title : row.name,
        set, reps: row.reps, weight: row.weight, unit: row.weight === null ? unit : row.unit || unit, timed: row.timed,
        at: row.started + session.sets * 1000 };
      if (row.warmup) entry.warmup = true;
      sets.push(entry);
    }
    // A workout whose length the file does not give ends with its last set.
    const last = new Map(sets.map((s) => [s.session, s.at]));
    const list = [...sessions.values()].map(({ sets: _, ...s }) => Object.assign(s, { finished: s.finished || last.get(s.id) }));
    return checked({ sessions: list, sets });
  }

  return { COLUMNS, toCsv, fromJson, fromCsv, fromBackup, parseCsv, slugify, when, duration, read, guess, toLog };
})();
