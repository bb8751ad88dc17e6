// repcard in the browser: offline support, ticked sets and the progress they share with
// workout mode (assets/workout.js), and "last time" on exercise pages.
// Every page shows everything without this script; it only adds behaviour.
"use strict";

const root = document.documentElement.dataset.root || "./"; // this language's pages
// The whole site's root: every language of a site shares one log, one service worker.
const siteRoot = document.documentElement.dataset.site || root;
const sitePath = new URL(siteRoot, location.href).pathname;
// Progress is per routine, keyed by the routine page's path: routines on one site never share ticks.
// A page about one routine names it on its first [data-routine]; an exercise page used by several
// routines names each on its set of tick boxes.
const keyOf = (routine) => "repcard:progress:" + new URL(routine, location.href).pathname;
const routineLink = document.querySelector("[data-routine]");
const routinePath = new URL(routineLink ? routineLink.dataset.routine : root, location.href).pathname;
const storeKey = keyOf(routinePath);
const OLD_KEY = "repcard:" + sitePath; // version 0: one routine per site prefix, no times
const IDLE = 3 * 3600e3; // ms: a session left this long starts afresh
const AFTER_FINISH = 30 * 60e3; // ms: a finished session shows this long, then a fresh one begins

// typed: the figures typed into a set's fields and not yet logged, by step (a reload keeps them).
const fresh = () => ({ version: 1, done: [], restStarted: {}, restShift: {}, alerted: {}, timers: {}, typed: {},
  touched: 0, finished: 0, session: "" });

// Progress as it is now: what was saved, or a fresh start after idle hours or a finish. Never the
// calendar: a workout that runs past midnight is one workout.
function loadProgress(key = storeKey) {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(key) || (key === storeKey ? localStorage.getItem(OLD_KEY) : null));
  } catch (error) {
    // unreadable or blocked storage: start afresh
  }
  if (!saved || !Array.isArray(saved.done)) return fresh();
  const p = Object.assign(fresh(), saved, { version: 1 });
  for (const map of ["restStarted", "restShift", "alerted", "timers", "typed"]) if (Object(p[map]) !== p[map]) p[map] = {};
  const now = Date.now();
  const touched = p.touched || now;
  if (now - touched > IDLE || now < touched - IDLE || (p.finished && now - p.finished > AFTER_FINISH)) return fresh();
  return p;
}

function saveProgress(progress = repcard.progress, key = storeKey) {
  progress.touched = Date.now();
  try {
    localStorage.setItem(key, JSON.stringify(progress));
  } catch (error) {
    // private mode or full storage: progress lasts until the page closes
  }
}

// Shared with workout.js and history.js, which run once the page is parsed.
// languagePath: this language's root, where a program's pages are found (programs are a language's own).
const repcard = window.repcard = { progress: loadProgress(), load: () => loadProgress(), save: () => saveProgress(), fresh,
  sitePath, languagePath: new URL(root, location.href).pathname, routinePath, IDLE, onChange: null };

function setDone(step, done) {
  const p = repcard.progress;
  p.done = p.done.filter((id) => id !== step);
  if (done) p.done.push(step);
  saveProgress();
}

// Another tab (the workout in one, an exercise page in another) changed the progress.
window.addEventListener("storage", (event) => {
  if (event.key === storeKey) {
    repcard.progress = loadProgress();
    if (repcard.onChange) repcard.onChange();
  }
  showTicks(); // another routine's ticks on this page may have changed too
});

// --- ticks and last time on exercise pages

const ticks = [...document.querySelectorAll("input[data-step]")];
const keyOfBox = (box) => keyOf(box.closest("[data-routine]").dataset.routine);

function showTicks() {
  for (const box of ticks) {
    const key = keyOfBox(box);
    box.checked = (key === storeKey ? repcard.progress : loadProgress(key)).done.includes(box.dataset.step);
  }
}

for (const box of ticks) {
  box.addEventListener("change", () => {
    const key = keyOfBox(box);
    if (key === storeKey) return setDone(box.dataset.step, box.checked);
    const progress = loadProgress(key); // another routine's sets, on this exercise's page
    progress.done = progress.done.filter((id) => id !== box.dataset.step);
    if (box.checked) progress.done.push(box.dataset.step);
    return saveProgress(progress, key);
  });
}
showTicks();

if (ticks.length) { // the log keeps a line per exercise, so this page needs no database
  try {
    const last = JSON.parse(localStorage.getItem("repcard:last:" + sitePath) || "{}")[ticks[0].dataset.step.split(":")[0]];
    const { t, figures } = window.repcardText.words;
    // The sets' figures, said in this page's language (before 0.3, the words of the page that logged them)
    const said = Array.isArray(last) ? figures(last) : last;
    if (typeof said === "string" && said) {
      const line = document.createElement("p");
      line.className = "last";
      line.textContent = t("Last time: %(figures)s", { figures: said });
      ticks[0].closest("fieldset").before(line);
    }
  } catch (error) {
    // no summary: nothing to show
  }
}

// --- offline

// After load: the worker's start never holds up the page.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => navigator.serviceWorker.register(siteRoot + "sw.js").catch(() => {
    // no offline copy (e.g. a file:// URL); the site works as usual
  }));
}
