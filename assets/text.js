// The page's words (repcard/scripts.py writes them into <script type="application/json" id="words">,
// plurals by CLDR category; none in English) and its numbers and dates through Intl. Pure: make()
// takes plain values. Loaded first by every page. Messages are found by a hash of their English,
// as i18n.py's key() makes it, so a page does not carry the English twice.
"use strict";

(function (exports) {
  const pad = (n) => String(n).padStart(2, "0"); // two digits: 09:05
  // "%(name)s" as the templates' messages write it; "%%" a percent sign.
  const fill = (text, values) => text.replace(/%\((\w+)\)s|%%/g, (found, name) => (!name ? "%" : name in values ? String(values[name]) : found));

  function key(message) { // FNV-1a over UTF-16 code units, in base 36
    let h = 0x811c9dc5;
    for (let i = 0; i < message.length; i++) h = Math.imul(h ^ message.charCodeAt(i), 16777619);
    return (h >>> 0).toString(36);
  }

  function make(lang, messages) {
    const en = lang === "en"; // English by hand: an Intl formatter costs a phone ~100 ms to make
    const made = new Map();
    const intl = (name, Kind, settings) => made.get(name) ||
      made.set(name, new Kind(lang, Object.assign({ numberingSystem: "latn" }, settings))).get(name);
    const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
    const DAYS = "Sun Mon Tue Wed Thu Fri Sat".split(" ");
    const dated = (name, settings, english) => (ms) => (en ? english(new Date(ms)) : intl(name, Intl.DateTimeFormat, settings).format(ms));

    // "42.5" ("42,5" in French), two decimals at most; `grouped` for totals ("1 234"), never in a field.
    const number = (x, grouped = false) => (en ? String(Math.round(x * 100) / 100)
      : intl(grouped ? "g" : "n", Intl.NumberFormat, { maximumFractionDigits: 2, useGrouping: grouped }).format(x));
    const t = (message, values = {}) => fill(typeof messages[key(message)] === "string" ? messages[key(message)] : message, values);
    function tn(one, other, n, values = {}) { // `one` and `other` are English's forms
      const category = intl("p", Intl.PluralRules).select(n);
      const said = messages[key(one)];
      return fill(said ? said[category] || said.other : category === "one" ? one : other, Object.assign({ num: number(n) }, values));
    }
    // "12 kg × 10, 10": a weight is named again only when it changes; once any set has one, a set
    // without says so ("20 kg × 15, — × 15"), rather than reading as the weight before it.
    function figures(sets) {
      const weighed = sets.some((s) => s.weight != null);
      const reps = (s) => (s.reps == null ? "–" : s.timed ? `${number(s.reps)} s` : number(s.reps));
      let previous = null;
      return sets.map((s) => {
        const w = s.weight == null ? (weighed ? "—" : "") : `${number(s.weight)} ${s.unit}`;
        const text = w && w !== previous ? `${w} × ${reps(s)}` : reps(s);
        previous = w;
        return text;
      }).join(", ");
    }
    return {
      lang, t, tn, number, figures,
      date: dated("d", { weekday: "short", day: "numeric", month: "short", year: "numeric" },
        (d) => `${DAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`), // "Mon 4 Mar 2024"
      time: dated("t", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`),
      day: dated("day", { day: "numeric", month: "short" }, (d) => `${d.getDate()} ${MONTHS[d.getMonth()]}`), // a chart's ticks
      month: (ms, year) => dated(year ? "my" : "m", year ? { month: "short", year: "numeric" } : { month: "short" },
        (d) => MONTHS[d.getMonth()] + (year ? " " + d.getFullYear() : ""))(ms),
      // "3 days ago", "il y a 3 jours": calendar days from `ms` to `now`
      ago: (ms, now) => intl("r", Intl.RelativeTimeFormat, { numeric: "auto" })
        .format(Math.round((new Date(now).setHours(0, 0, 0, 0) - new Date(ms).setHours(0, 0, 0, 0)) / -864e5), "day"),
    };
  }

  exports.key = key;
  exports.make = make;
  exports.pad = pad;
  if (typeof document === "object") {
    const block = document.getElementById("words");
    exports.words = make(document.documentElement.lang || "en", block ? JSON.parse(block.textContent) : {});
  }
})(typeof module === "object" && module.exports ? module.exports : (window.repcardText = {}));
