// repcard in the browser: offline support, ticked sets and the progress they share with
// workout mode (assets/workout.js), and "last time" on exercise pages.
// Every page shows everything without this script; it only adds behaviour.
"use strict";

const root = document.documentElement.dataset.root || "./";
const sitePath = new URL(root, location.href).pathname;
// Progress is per routine, keyed by the routine page's path: routines on one site never share ticks.
const routineLink = document.querySelector("[data-routine]");
const routinePath = new URL(routineLink ? routineLink.dataset.routine : root, location.href).pathname;
const storeKey = "repcard:progress:" + routinePath;
const OLD_KEY = "repcard:" + sitePath; // version 0: one routine per site prefix, no times
const IDLE = 3 * 3600e3; // ms: a session left this long starts afresh
const AFTER_FINISH = 30 * 60e3; // ms: a finished session shows this long, then a fresh one begins

const fresh = () => ({ version: 1, done: [], restStarted: {}, restShift: {}, alerted: {}, timers: {},
  touched: 0, finished: 0, session: "" });

// Progress as it is now: what was saved, or a fresh start after another day, idle hours or a finish.
function loadProgress() {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(storeKey) || localStorage.getItem(OLD_KEY));
  } catch (error) {
    // unreadable or blocked storage: start afresh
  }
  if (!saved || !Array.isArray(saved.done)) return fresh();
  const p = Object.assign(fresh(), saved, { version: 1 });
  const now = Date.now();
  const touched = p.touched || now;
  if (new Date(touched).toDateString() !== new Date(now).toDateString() || now - touched > IDLE ||
      (p.finished && now - p.finished > AFTER_FINISH)) return fresh();
  return p;
}

function saveProgress() {
  repcard.progress.touched = Date.now();
  try {
    localStorage.setItem(storeKey, JSON.stringify(repcard.progress));
  } catch (error) {
    // private mode or full storage: progress lasts until the page closes
  }
}

// Shared with workout.js and history.js, which run once the page is parsed.
const repcard = window.repcard = { progress: loadProgress(), load: loadProgress, save: saveProgress, fresh,
  sitePath, routinePath, onChange: null };

function setDone(step, done) {
  const p = repcard.progress;
  p.done = p.done.filter((id) => id !== step);
  if (done) p.done.push(step);
  saveProgress();
}

// Another tab (the workout in one, an exercise page in another) changed the progress.
window.addEventListener("storage", (event) => {
  if (event.key !== storeKey) return;
  repcard.progress = loadProgress();
  showTicks();
  if (repcard.onChange) repcard.onChange();
});

// --- ticks and last time on exercise pages --------------------------------------------------

const ticks = [...document.querySelectorAll("input[data-step]")];

function showTicks() {
  for (const box of ticks) box.checked = repcard.progress.done.includes(box.dataset.step);
}

for (const box of ticks) {
  box.addEventListener("change", () => setDone(box.dataset.step, box.checked));
}
showTicks();

if (ticks.length) { // the log keeps a line per exercise, so this page needs no database
  try {
    const last = JSON.parse(localStorage.getItem("repcard:last:" + sitePath) || "{}")[ticks[0].dataset.step.split(":")[0]];
    if (typeof last === "string" && last) {
      const line = document.createElement("p");
      line.className = "last";
      line.textContent = "Last time: " + last;
      ticks[0].closest("fieldset").before(line);
    }
  } catch (error) {
    // no summary: nothing to show
  }
}

// --- offline --------------------------------------------------------------------------------

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(root + "sw.js").catch(() => {
    // no offline copy (e.g. a file:// URL); the site works as usual
  });
}
