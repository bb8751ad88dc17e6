// Drawing the log's progress as SVG: an exercise's best set per session over time, with its
// records marked, and the last weeks' bars. What to draw (points, scales, ticks, records) comes
// from progress.js and records.js; this module only lays it out. Each chart has a text alternative (its title
// and a table of the same figures), and its colours come from classes, so light and dark follow
// the page's style sheet (no style attributes: the pages' Content-Security-Policy allows none).
"use strict";

window.repcardChart = (() => {
  const progress = window.repcardProgress;
  const { grouped } = window.repcardLog;
  const { t, tn, number } = window.repcardText.words;
  const SVG = "http://www.w3.org/2000/svg";
  const MARGIN = { top: 26, right: 10, bottom: 22, left: 40 };
  let made = 0; // ids for titles, unique on the page

  function svg(name, attributes = {}, text = null) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  }

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  const figure = (x, thousands) => (thousands && x ? `${number(Math.round(x / 100) / 10)}k` : number(x));

  // The frame every chart shares: the svg, its title, the y axis with its ticks and unit.
  function frame(width, height, title, y, unit) {
    const id = `chart-${++made}`;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-labelledby": id,
      class: "chart", preserveAspectRatio: "xMidYMid meet" });
    root.append(svg("title", { id }, title));
    const top = MARGIN.top;
    const bottom = height - MARGIN.bottom;
    const toY = (v) => bottom - ((v - y.min) / (y.max - y.min)) * (bottom - top);
    const thousands = y.max >= 10000; // 5k, 10k, 15k: labels that fit beside the axis
    for (const tick of y.ticks) {
      const at = toY(tick);
      root.append(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: at, y2: at, class: "grid" }));
      root.append(svg("text", { x: MARGIN.left - 6, y: at + 4, "text-anchor": "end" }, figure(tick, thousands)));
    }
    // The unit above the figures, from the left edge: "répétitions" right-aligned to them began off the chart.
    if (unit) root.append(svg("text", { x: 0, y: 12, "text-anchor": "start", class: "unit" }, unit));
    return { root, toY };
  }

  // Lines over time: `lines` [{ className, points: [[ms, value], ...] }]; `marks` the records.
  function line({ width, height = 200, title, unit, lines, marks, whole = false }) {
    const values = lines.flatMap((l) => l.points.map(([, v]) => v)).filter((v) => v != null);
    const times = lines.flatMap((l) => l.points.map(([t]) => t));
    const pad = new Set(times).size > 1 ? 0 : 3 * 864e5; // a lone session sits in the middle of a week
    const from = Math.min(...times) - pad;
    const to = Math.max(...times) + pad;
    const y = progress.scale(Math.min(...values), Math.max(...values), 5, whole);
    const { root, toY } = frame(width, height, title, y, unit);
    const left = MARGIN.left + 6;
    const right = width - MARGIN.right - 6;
    const toX = (t) => left + ((t - from) / (to - from || 1)) * (right - left);
    for (const [t, label] of progress.timeTicks(from, to, Math.max(2, Math.floor((right - left) / 70)))) {
      root.append(svg("text", { x: toX(t), y: height - 6, "text-anchor": "middle" }, label));
      root.append(svg("line", { x1: toX(t), x2: toX(t), y1: height - MARGIN.bottom, y2: height - MARGIN.bottom + 4, class: "axis" }));
    }
    root.append(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: height - MARGIN.bottom,
      y2: height - MARGIN.bottom, class: "axis" }));
    // Circles of radius r at each point, as one path: years of records are one element, not hundreds.
    const rings = (points, r) => points.map(([t, v]) =>
      `M${(toX(t) - r).toFixed(1)} ${toY(v).toFixed(1)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`).join("");
    for (const { className, points } of lines) {
      const shown = points.filter(([, v]) => v != null);
      const path = shown.map(([t, v], i) => `${i ? "L" : "M"}${toX(t).toFixed(1)} ${toY(v).toFixed(1)}`).join("");
      root.append(svg("path", { d: path, class: `line ${className}` }));
      if (shown.length <= 60) root.append(svg("path", { d: rings(shown, 2.5), class: `dot ${className}` }));
    }
    if (marks.length) root.append(svg("path", { d: rings(marks, 5), class: "record" }));
    return root;
  }

  // Bars, one a week: `values` [{ label, value, current }]; every third week labelled.
  function bars({ width, height = 120, title, unit, values, whole = false }) {
    const y = progress.scale(0, Math.max(1, ...values.map((v) => v.value)), 4, whole);
    const { root, toY } = frame(width, height, title, y, unit);
    const slot = (width - MARGIN.left - MARGIN.right) / values.length;
    values.forEach((v, i) => {
      const x = MARGIN.left + i * slot;
      const top = toY(v.value);
      root.append(svg("rect", { x: x + slot * 0.15, y: top, width: slot * 0.7, height: Math.max(0, toY(0) - top),
        class: v.current ? "bar current" : "bar" }));
      if ((values.length - 1 - i) % 3 === 0) {
        root.append(svg("text", { x: x + slot / 2, y: height - 6, "text-anchor": "middle" }, v.label));
      }
    });
    root.append(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: toY(0), y2: toY(0), class: "axis" }));
    return root;
  }

  // A table of the same figures, drawn when opened: years of sessions make long tables.
  function table(summaryText, head, rows) {
    const details = element("details", null, "figures");
    details.append(element("summary", summaryText));
    details.addEventListener("toggle", () => {
      if (!details.open || details.querySelector("table")) return;
      const t = element("table");
      const tr = element("tr");
      for (const h of head) tr.append(Object.assign(element("th", h), { scope: "col" }));
      t.append(element("thead"));
      t.tHead.append(tr);
      const body = element("tbody");
      for (const row of rows()) {
        const r = element("tr");
        row.forEach((cell, i) => r.append(i ? element("td", cell) : Object.assign(element("th", cell), { scope: "row" })));
        body.append(r);
      }
      t.append(body);
      details.append(t);
    });
    return details;
  }

  // A chart is drawn at the width it is shown at, so its text is the page's size; `width` is read
  // once for many charts by the page (each read after a chart is drawn would lay the page out again).
  const widthOf = (box) => Math.max(240, Math.min(640, Math.round(box.clientWidth || 320)));

  // An exercise's records, as a list, from its chart's figures (progress.series): the heaviest set
  // and best estimated 1RM of a loaded move, the most reps (or longest set) of one done without
  // weight. `dateText` formats a day.
  function recordList({ kind, unit, points }, dateText) {
    const list = element("ul", null, "records");
    const said = (what, figures, at) => {
      const li = element("li", t("%(what)s:", { what }) + " ");
      li.append(element("strong", figures), `, ${dateText(at)}`);
      list.append(li);
    };
    const most = (value) => points.reduce((a, b) => (value(b) > value(a) ? b : a), points[0]);
    if (!points.length) return list;
    if (kind === "weight") {
      const top = most((p) => p.weight + p.reps / 1e4); // the heaviest, then the most reps at it
      said(t("Heaviest"), top.top, top.at);
      const e1rm = most((p) => p.e1rm || 0);
      if (e1rm.e1rm) said(t("Best estimated 1RM"), `${number(e1rm.e1rm)} ${unit}`, e1rm.at);
    } else {
      const top = most((p) => p.reps);
      said(kind === "seconds" ? t("Longest") : t("Most reps"), top.top, top.at);
    }
    return list;
  }

  // An exercise's chart of its best set per session into `box` (`shown`: progress.series of its
  // summary), with its legend, caption and table; `name` names it for screen readers.
  function exercise(box, { kind, unit, points }, dateText, name = "", width = widthOf(box)) {
    box.replaceChildren();
    if (!points.length) {
      box.append(element("p", t("Nothing to chart yet: these sets have no reps or weight."), "note"));
      return;
    }
    const what = kind === "weight" ? unit : kind === "seconds" ? t("seconds") : t("reps");
    const marked = tn("%(num)s record marked", "%(num)s records marked", points.filter((p) => p.record).length);
    const called = name || t("This exercise");
    const title = tn("%(name)s: best set of each of %(num)s session from %(first)s to %(last)s, in %(unit)s; %(records)s.",
      "%(name)s: best set of each of %(num)s sessions from %(first)s to %(last)s, in %(unit)s; %(records)s.", points.length,
      { name: called, first: dateText(points[0].at), last: dateText(points[points.length - 1].at), unit: what, records: marked });
    const lines = kind === "weight"
      ? [{ className: "weight", points: points.map((p) => [p.at, p.weight]) },
         { className: "e1rm", points: points.map((p) => [p.at, p.e1rm]) }]
      : [{ className: "weight", points: points.map((p) => [p.at, p.reps]) }];
    const marks = points.filter((p) => p.record).map((p) => [p.at, kind === "weight" ? Math.max(p.weight, p.e1rm || 0) : p.reps]);
    box.append(line({ width, title, unit: what, lines, marks, whole: kind !== "weight" }));
    const legend = element("p", null, "legend");
    const key = (className, text) => {
      const item = element("span", null, "key");
      item.append(element("span", null, `swatch ${className}`), text);
      legend.append(item, " ");
    };
    if (kind === "weight") {
      key("weight", t("heaviest weight"));
      key("e1rm", t("estimated 1RM"));
    } else key("weight", kind === "seconds" ? t("longest set, seconds") : t("most reps in a set"));
    if (marks.length) key("record", t("a record"));
    box.append(legend);
    if (kind === "weight") {
      box.append(element("p", t("Estimated 1RM (one-rep max) by Epley's formula: weight × (1 + reps ÷ 30); a single is its own weight."), "caption"));
    }
    const head = kind === "weight" ? [t("Date"), t("Heaviest set"), t("Estimated 1RM (%(unit)s)", { unit })] : [t("Date"), t("Best set")];
    const best = (p) => p.top + (p.record ? " — " + t("record") : "");
    box.append(table(tn("The %(num)s session as a table", "The %(num)s sessions as a table", points.length), head, () => [...points].reverse().map((p) => (kind === "weight"
      ? [dateText(p.at), best(p), p.e1rm == null ? "–" : number(p.e1rm)] : [dateText(p.at), best(p)]))));
  }

  // The last weeks: sessions, sets and volume as bars, and the same as a table.
  function weeks(box, list, unit, dateText, width = widthOf(box)) {
    box.replaceChildren();
    const label = (w) => window.repcardText.words.day(w.start);
    for (const [key, heading, what] of [["sessions", t("Sessions"), ""], ["sets", t("Sets"), ""], ["volume", t("Volume"), unit]]) {
      const total = list.reduce((sum, w) => sum + w[key], 0);
      box.append(element("h3", tn("%(what)s: %(total)s in %(num)s week", "%(what)s: %(total)s in %(num)s weeks", list.length,
        { what: heading, total: grouped(total) + (what ? " " + what : "") })));
      const title = tn("%(what)s a week, the last %(num)s week, oldest first: %(figures)s.",
        "%(what)s a week, the last %(num)s weeks, oldest first: %(figures)s.", list.length,
        { what: what ? heading + " (" + what + ")" : heading, figures: list.map((w) => grouped(w[key])).join(", ") });
      box.append(bars({ width, title, unit: what,
        values: list.map((w, i) => ({ label: label(w), value: w[key], current: i === list.length - 1 })), whole: key !== "volume" }));
    }
    box.append(table(tn("The %(num)s week as a table", "The %(num)s weeks as a table", list.length),
      [t("Week of"), t("Sessions"), t("Sets"), t("Volume (%(unit)s)", { unit })],
      () => [...list].reverse().map((w) => [dateText(w.start), String(w.sessions), String(w.sets), grouped(w.volume)])));
  }

  return { line, bars, table, widthOf, recordList, exercise, weeks };
})();
