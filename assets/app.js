// repcard in the browser: offline support, ticked sets, and workout mode.
// Every page shows everything without this script; it only adds behaviour.
"use strict";

const root = document.documentElement.dataset.root || "./";
// Progress is kept per routine, named by the routine page's path: routines never share ticks.
const keyOf = (routine) => "repcard:" + new URL(routine, location.href).pathname;
const workout = document.getElementById("workout");
const storeKey = workout ? keyOf(workout.dataset.routine) : "";

// --- progress, shared by the exercise pages' ticks and workout mode -------------------------

function loadProgress(key = storeKey) {
  try {
    const saved = JSON.parse(localStorage.getItem(key));
    if (saved && Array.isArray(saved.done)) return { done: saved.done, restStarted: saved.restStarted || {} };
  } catch (error) {
    // unreadable or blocked storage: start afresh
  }
  return { done: [], restStarted: {} };
}

function saveProgress(progress, key = storeKey) {
  try {
    localStorage.setItem(key, JSON.stringify(progress));
  } catch (error) {
    // private mode or full storage: progress lasts until the page closes
  }
}

let progress = loadProgress();

function setDone(step, done) {
  progress.done = progress.done.filter((id) => id !== step);
  if (done) progress.done.push(step);
  saveProgress(progress);
}

// Another tab (the workout in one, an exercise page in another) changed the progress.
window.addEventListener("storage", (event) => {
  showTicks();
  if (workout && event.key === storeKey) {
    progress = loadProgress();
    showCurrentStep();
  }
});

// --- ticks on exercise pages: one set of boxes per routine that uses the exercise -----------

const ticks = [...document.querySelectorAll("input[data-step]")].map((box) => ({
  box, key: keyOf(box.closest("[data-routine]").dataset.routine),
}));

function showTicks() {
  for (const { box, key } of ticks) box.checked = loadProgress(key).done.includes(box.dataset.step);
}

for (const { box, key } of ticks) {
  box.addEventListener("change", () => {
    const saved = loadProgress(key);
    saved.done = saved.done.filter((id) => id !== box.dataset.step);
    if (box.checked) saved.done.push(box.dataset.step);
    saveProgress(saved, key);
  });
}
showTicks();

// --- workout mode ---------------------------------------------------------------------------

const steps = workout ? [...workout.querySelectorAll(".step")] : [];
let timer = 0;

function currentIndex() {
  const index = steps.findIndex((li) => !progress.done.includes(li.dataset.step));
  return index === -1 ? steps.length - 1 : index;
}

function showCurrentStep() {
  const index = currentIndex();
  const step = steps[index];
  steps.forEach((li, i) => {
    li.classList.toggle("current", i === index);
    li.classList.toggle("past", i < index);
  });
  const sets = steps.filter((li) => li.classList.contains("set"));
  const doneSets = sets.filter((li) => progress.done.includes(li.dataset.step)).length;
  document.getElementById("progress").textContent = `${doneSets} of ${sets.length} sets done`;
  const finished = step.classList.contains("finish");
  const doneButton = document.getElementById("done");
  doneButton.hidden = finished;
  doneButton.textContent = step.classList.contains("rest") ? "Skip the rest" : "Done";
  document.getElementById("back").disabled = index === 0;
  clearInterval(timer);
  if (step.classList.contains("rest")) runRestTimer(step);
}

function runRestTimer(step) {
  const id = step.dataset.step;
  if (!progress.restStarted[id]) {
    progress.restStarted[id] = Date.now();
    saveProgress(progress);
  }
  const length = Number(step.dataset.rest);
  const display = step.querySelector(".timer");
  const tick = () => {
    const left = Math.max(0, Math.ceil(length - (Date.now() - progress.restStarted[id]) / 1000));
    display.textContent = String(left);
    if (left === 0) {
      clearInterval(timer);
      step.classList.add("rest-over");
      document.getElementById("done").textContent = "Go on";
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    }
  };
  tick();
  timer = setInterval(tick, 250);
}

function advance() {
  const step = steps[currentIndex()];
  setDone(step.dataset.step, true);
  showCurrentStep();
  window.scrollTo(0, 0);
}

function goBack() {
  const index = currentIndex();
  if (index === 0) return;
  const previous = steps[index - 1].dataset.step;
  delete progress.restStarted[previous];
  setDone(previous, false);
  showCurrentStep();
}

function startOver() {
  progress = { done: [], restStarted: {} };
  saveProgress(progress);
  showCurrentStep();
}

// Keep the screen on while working out; the lock is dropped when the page is hidden,
// so it is asked for again each time the page comes back.
let wakeLock = null;

async function keepScreenOn() {
  const status = document.getElementById("wake");
  status.hidden = false;
  if (!("wakeLock" in navigator)) {
    status.textContent = "This browser cannot keep the screen on; everything else works.";
    return;
  }
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    status.textContent = "Screen stays on during the workout.";
    wakeLock.addEventListener("release", () => {
      status.textContent = "Screen may sleep.";
    });
  } catch (error) {
    status.textContent = "Screen may sleep (the browser refused to keep it on).";
    // WebKit (every iPhone browser) grants the lock only in answer to a tap: ask again on the next one.
    document.addEventListener("click", keepScreenOn, { once: true });
  }
}

if (workout) {
  document.body.classList.add("workout-mode");
  document.getElementById("controls").hidden = false;
  document.getElementById("done").addEventListener("click", advance);
  document.getElementById("back").addEventListener("click", goBack);
  document.getElementById("reset").addEventListener("click", startOver);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      keepScreenOn();
      showCurrentStep(); // the rest timer catches up with the time the phone was locked
    }
  });
  showCurrentStep();
  keepScreenOn();
}

// --- offline --------------------------------------------------------------------------------

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(root + "sw.js").catch(() => {
    // no offline copy (e.g. a file:// URL); the site works as usual
  });
}
