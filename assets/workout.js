// Workout mode: one step at a time, Reps and Weight for each set (logged by log.js), last time's
// figures, records as they happen (records.js), rest and timed-set countdowns with a beep and a
// buzz, the screen kept on, and a backup offered at the end when one is due (backup.js).
// Loaded by the workout page only; starts once app.js (which loads after it) has run.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const app = window.repcard;
  const log = window.repcardLog;
  const { t, tn, number } = window.repcardText.words;
  const workout = document.getElementById("workout");
  const steps = [...workout.querySelectorAll(".step")];
  const $ = (id) => document.getElementById(id);
  let timer = 0;
  const p = () => app.progress;

  function setDone(id, done) {
    p().done = p().done.filter((x) => x !== id);
    if (done) p().done.push(id);
    app.save();
  }

  // --- alerts: a beep (Web Audio, unlocked by the first tap as iOS wants) and a buzz

  let audio = null;

  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    try {
      if (!audio && Context) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (error) {
      audio = null;
    }
  }

  function alertUser() {
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    if (!audio) return;
    const t = audio.currentTime;
    for (const at of [0, 0.3]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.3, t + at);
      gain.gain.exponentialRampToValueAtTime(0.001, t + at + 0.25);
      tone.connect(gain).connect(audio.destination);
      tone.start(t + at);
      tone.stop(t + at + 0.25);
    }
  }

  // --- steps

  // The first step not done; a rest counts as done once a set after it is (sets ticked on an
  // exercise page must not leave the workout on an old rest before them).
  function currentIndex() {
    let laterSetDone = false;
    let index = steps.length - 1;
    for (let i = steps.length - 2; i >= 0; i--) {
      const done = p().done.includes(steps[i].dataset.step);
      const isSet = steps[i].classList.contains("set");
      if (isSet && done) laterSetDone = true;
      if (!done && (isSet || !laterSetDone)) index = i;
    }
    return index;
  }

  const isTimedUnit = (step) => "timed" in step.dataset; // the build decides: Reps.timed
  const timed = (step) => isTimedUnit(step) && Number(step.dataset.low) > 0;

  // The button that appears under the thumb ignores taps for a moment: a double tap on Done
  // counts once, and never lands on the next step's Done or "Skip the rest".
  const SETTLE_MS = 350;
  let shownIndex = -1;
  let settling = 0;

  function settle() {
    clearTimeout(settling);
    const done = $("done");
    const focused = document.activeElement === done; // a keyboard's: disabled, the button loses it
    done.disabled = true;
    settling = setTimeout(() => {
      done.disabled = false;
      if (focused && document.activeElement === document.body) done.focus();
    }, SETTLE_MS);
  }

  function showCurrentStep() {
    const index = currentIndex();
    const step = steps[index];
    const moved = index !== shownIndex;
    if (moved && shownIndex !== -1) settle();
    shownIndex = index;
    steps.forEach((li, i) => {
      li.classList.toggle("current", i === index);
      li.classList.toggle("past", i < index);
      li.classList.remove("rest-over");
    });
    const sets = steps.filter((li) => li.classList.contains("set"));
    const doneSets = sets.filter((li) => p().done.includes(li.dataset.step)).length;
    $("progress").textContent = tn("%(done)s of %(num)s set done", "%(done)s of %(num)s sets done", sets.length, { done: doneSets });
    const finished = step.classList.contains("finish");
    $("done").hidden = finished;
    $("done").textContent = step.classList.contains("rest") ? t("Skip the rest") : t("Done");
    $("back").disabled = index === 0;
    clearInterval(timer);
    if (step.classList.contains("rest")) countDown(step, p().restStarted, Number(step.dataset.rest));
    if (step.classList.contains("set")) {
      setTools(step);
      showLog(step);
    }
    if (finished && !p().finished) {
      p().finished = Date.now();
      app.save();
      finishSession();
      log.queue(() => window.repcardBackup.offer($("backup-offer")));
    }
    if (finished) {
      releaseScreen();
      showSummary();
    }
    if (moved) {
      window.scrollTo(0, 0);
      keepInSight(step);
    }
  }

  // What a step asks the thumb for, in sight above the controls, which cover the foot of the screen:
  // a set's fields, what is wrong with them, and its timer or side, a rest's clock and its ±15 s.
  // On a 320 × 640 phone, or with a long name in a long language, they are under the controls at
  // the top of the page.
  // Scrolled just enough, never past the step's top (its name stays in sight) and never up; on a
  // phone on its side, where the controls stand beside the step, down to the screen's foot.
  const TAPPED = ".log .fields, .log .problem, .countdown, .side, .big, .adjust";
  const GAP_PX = 8; // between them and the controls

  function keepInSight(step) {
    const bottom = Math.max(0, ...[...step.querySelectorAll(TAPPED)].map((e) => e.getBoundingClientRect().bottom));
    if (!bottom) return; // the finish
    const box = step.getBoundingClientRect();
    const controls = $("controls").getBoundingClientRect();
    const beside = box.right <= controls.left || box.left >= controls.right;
    const hidden = bottom + GAP_PX - (beside ? innerHeight : controls.top);
    if (hidden > 0) window.scrollBy(0, Math.max(0, Math.min(hidden, box.top)));
  }

  // The finish says what was done: "12 sets in 34 min · volume 720 kg".
  function showSummary() {
    const id = p().session;
    const line = $("finish-summary");
    if (!id) return (line.textContent = "");
    log.idle().then(() => log.inStores("readonly", (s) => Promise.all([log.done(s.sessions.get(id)),
      log.done(s.sets.index("session").getAll(id))]))).then(([session, sets]) => {
      if (!session || !sets.length) return;
      const end = session.finished || Math.max(...sets.map((s) => s.at));
      const minutes = Math.max(1, Math.round((end - session.started) / 60000));
      line.textContent = tn("%(num)s set in %(minutes)s min · volume %(volume)s", "%(num)s sets in %(minutes)s min · volume %(volume)s",
        sets.length, { minutes, volume: log.volume(sets) });
    }).catch(() => {
      // no database: the finish says only that it is done
    });
  }

  const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

  // A rest, or a timed set once started: counts down, then shows the time past zero (+0:12).
  // It alerts once, on reaching zero; a reload after that does not alert again.
  function countDown(step, starts, length) {
    const id = step.dataset.step;
    if (!starts[id]) {
      starts[id] = Date.now();
      app.save();
    }
    const display = step.querySelector(".timer");
    const adjust = step.querySelector(".adjust");
    if (adjust) adjust.hidden = false;
    const tick = () => {
      const left = length + (p().restShift[id] || 0) - (Date.now() - starts[id]) / 1000;
      const over = left <= 0;
      const shown = !over ? String(Math.ceil(left)) : left > -1 ? "0" : "+" + clock(Math.floor(-left));
      if (display.textContent !== shown) display.textContent = shown;
      step.classList.toggle("rest-over", over);
      // Rewriting a button's text while it is pressed loses the tap in WebKit: only on a change.
      const label = over ? t("Go on") : t("Skip the rest");
      if (step.classList.contains("rest") && $("done").textContent !== label) $("done").textContent = label;
      if (over && !p().alerted[id]) {
        p().alerted[id] = true;
        app.save();
        alertUser();
      }
    };
    tick();
    clearInterval(timer);
    timer = setInterval(tick, 250);
  }

  function shiftRest(seconds) {
    const step = steps[currentIndex()];
    const id = step.dataset.step;
    p().restShift[id] = (p().restShift[id] || 0) + seconds;
    const started = p().restStarted[id] || p().timers[id];
    if (Number(step.dataset.rest || step.dataset.low) + p().restShift[id] > (Date.now() - started) / 1000) {
      delete p().alerted[id]; // time left again: alert again at the new zero
    }
    app.save();
    showCurrentStep();
  }

  // Timed sets get a countdown started with a tap; per-side sets say which side is on.
  function setTools(step) {
    const id = step.dataset.step;
    if (timed(step)) {
      if (!step.querySelector(".countdown")) {
        const box = document.createElement("p");
        box.className = "countdown";
        box.innerHTML = '<button class="button secondary" type="button"></button> <span class="big timer"></span>';
        box.firstChild.textContent = t("Start the %(seconds)s s timer", { seconds: step.dataset.low });
        box.firstChild.addEventListener("click", () => {
          p().timers[id] = Date.now();
          delete p().alerted[id];
          delete p().restShift[id];
          app.save();
          showCurrentStep();
        });
        step.querySelector(".set").after(box);
      }
      if (p().timers[id]) countDown(step, p().timers, Number(step.dataset.low));
    }
    if ("sides" in step.dataset && !step.querySelector(".side")) { // Reps.per_side
      const side = document.createElement("p");
      side.className = "side";
      side.innerHTML = '<button class="button secondary" type="button" aria-live="polite"></button>';
      side.firstChild.textContent = t("Left side now");
      side.firstChild.addEventListener("click", (event) => {
        const b = event.currentTarget;
        b.dataset.right = b.dataset.right ? "" : "1";
        b.textContent = b.dataset.right ? t("Right side now") : t("Left side now");
      });
      step.querySelector(".set").after(side);
    }
  }

  function advance() {
    const step = steps[currentIndex()];
    if (step.classList.contains("set") && !checked(step)) {
      settle(); // a double tap must not answer the question it asks
      keepInSight(step); // nor may the question stand under the controls
      return;
    }
    if (step.classList.contains("set")) record(step);
    setDone(step.dataset.step, true);
    showCurrentStep();
  }

  function goBack() {
    const index = currentIndex();
    if (index === 0) return;
    const previous = steps[index - 1];
    const id = previous.dataset.step;
    // The step left and the one gone back to start again: a set done again starts its rest afresh.
    for (const map of [p().restStarted, p().restShift, p().alerted, p().timers]) {
      delete map[id];
      delete map[steps[index].dataset.step];
    }
    p().finished = 0;
    if (previous.classList.contains("set")) unrecord(previous);
    setDone(id, false);
    showCurrentStep();
  }

  // Start over asks first: the first tap arms it for four seconds, a second one clears the ticks.
  // What was logged stays in the history; the next Done opens a new session.
  let armed = 0;

  function startOver(event) {
    const button = event.currentTarget;
    if (!armed) {
      button.textContent = t("Tap again to start over");
      armed = setTimeout(() => {
        armed = 0;
        button.textContent = t("Start over");
      }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = 0;
    button.textContent = t("Start over");
    app.progress = app.fresh();
    app.save();
    newSession();
    showCurrentStep();
  }

  // --- the screen: kept on during the workout, let go at its end
  // The lock drops when the page is hidden, and WebKit refuses it without a tap: it is asked
  // for on load, on every tap while not held, and when the page comes back.

  let wakeLock = null;

  async function keepScreenOn() {
    const status = $("wake");
    if (p().finished) return;
    if (!("wakeLock" in navigator)) {
      status.textContent = t("This browser cannot keep the screen on; everything else works.");
      return;
    }
    if (wakeLock && !wakeLock.released) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      if (p().finished) return releaseScreen();
      status.textContent = t("Screen stays on during the workout.");
      wakeLock.addEventListener("release", () => {
        if (!p().finished) status.textContent = t("Screen may sleep.");
      });
    } catch (error) {
      status.textContent = t("Screen may sleep (the browser refused to keep it on).");
    }
  }

  function releaseScreen() {
    if (wakeLock && !wakeLock.released) wakeLock.release();
    wakeLock = null;
    $("wake").textContent = t("Workout over: the screen may sleep again.");
  }

  // --- the log: Reps, Weight and unit for the set on screen, last time's figures beside it

  let shownStep = null;
  let lastShown = null; // last time's same set as the one on screen, for checked()
  let confirming = ""; // the figures an implausible-figure question is about
  let prefill = Promise.resolve(null); // the figures the set on screen is prefilled with, once read
  const lastCache = new Map(); // slug -> Promise of last time's sets, sessions before this one
  const slugOf = (step) => step.dataset.step.split(":")[0];
  const roundOf = (step) => Number(step.dataset.step.split(":")[1]);
  const unit = () => log.unit(workout.dataset.unit === "lb" ? "lb" : "kg"); // picked here, else the site's

  // In the page, in its first set (workout-circuit.html); showLog moves it from set to set.
  const box = workout.querySelector(".log");
  const field = (name) => box.querySelector("." + name);
  const setUnit = (value) => { // the menu's value, and the unit of the weight shown beside it
    field("unit").value = box.dataset.unit = value;
  };
  // A weight the lifter did not type (last time's, the program's) stays the same load in the new
  // unit, not the same number: 42.5 kg relabelled 42.5 lb was logged at under half the load. Rounded
  // to the program's plates, else to half a unit.
  field("unit").addEventListener("change", (event) => {
    const to = event.target.value === "lb" ? "lb" : "kg";
    const from = box.dataset.unit;
    setUnit(to);
    log.pickUnit(to);
    plans.clear(); // a program's figures, in the new unit from the next set on
    const weight = log.amount(field("weight").value, false);
    if (field("weight").dataset.edited || weight == null || !from || from === to) return;
    const { toKg, fromKg, round } = window.repcardRecords;
    const step = program ? program.steps[to] : 0.5;
    fill("weight", round(Math.round(fromKg(toKg(weight, from), to) / step) * step, 2));
  });

  // What is typed is kept with the progress until the set is logged: a reload (iOS drops
  // background tabs) finds it again.
  for (const input of box.querySelectorAll("input")) {
    input.addEventListener("input", () => {
      input.dataset.edited = "1";
      input.removeAttribute("aria-invalid");
      field("problem").textContent = "";
      confirming = "";
      if (!shownStep) return;
      p().typed[shownStep] = { reps: field("reps").dataset.edited ? field("reps").value : null,
        weight: field("weight").dataset.edited ? field("weight").value : null };
      app.save();
    });
  }

  function fill(name, value) {
    if (!field(name).dataset.edited) field(name).value = value == null ? "" : number(value); // "42,5" in French
  }

  function restoreTyped(id) {
    const typed = p().typed[id];
    if (!typed) return;
    for (const name of ["reps", "weight"]) {
      if (typeof typed[name] !== "string") continue;
      field(name).value = typed[name].slice(0, 20);
      field(name).dataset.edited = "1";
    }
    if (typed.unit === "kg" || typed.unit === "lb") setUnit(typed.unit);
  }

  function lastTime(slug) {
    if (!lastCache.has(slug)) lastCache.set(slug, log.lastTime(slug, p().session));
    return lastCache.get(slug);
  }

  // This session's sets of the step's exercise, once every write before them is stored.
  function loggedNow(step) {
    const session = p().session;
    if (!session) return Promise.resolve([]);
    return log.idle().then(() => log.inSession(session)).then((sets) => sets.filter((s) => s.exercise === slugOf(step)));
  }

  // --- a program's week (issue 21): today's figures from the program's rules and the log, decided by
  // assets/program.js. Pages without #program-data (every routine's own) go on as before.

  const programData = document.getElementById("program-data");
  const program = programData ? JSON.parse(programData.textContent) : null;
  const plans = new Map(); // slug -> Promise of today's plan for it, for the session on screen

  function planned(step) {
    const rules = window.repcardProgram;
    const week = program && rules.weekOf(program, app.routinePath, app.languagePath);
    if (!week) return Promise.resolve(null);
    const slug = slugOf(step);
    if (!plans.has(slug)) {
      const session = p().session;
      const target = { low: Number(step.dataset.low) || null, high: Number(step.dataset.high) || null,
        sets: steps.filter((li) => li.classList.contains("set") && slugOf(li) === slug).length };
      // The rules look back to the latest session of the move outside a deload week, in the program or
      // not; a rule of weight to the latest with one (a day done with a band did not start it over).
      const working = (s) => !(rules.weekOf(program, s.routine, app.languagePath) || {}).deload;
      const rule = program.rules[slug] || null;
      plans.set(slug, log.latest(slug, session, working, !!rule && rule.kind !== "reps").then((found) =>
        rules.prescribe(rule,
          found ? rules.historyOf(program, found.sets, [found.session], session, app.languagePath) : [],
          week, target, unit(), program.steps)));
    }
    return plans.get(slug);
  }

  // --- end of a program's week

  // Prefilled with what this session logged for the set, else a program's figures for it, else this
  // session's set before it (40 kg on set 1 is 40 kg on set 2), else last time's same set, else the
  // target; what was typed wins.
  function showLog(step) {
    if (shownStep === step.dataset.step) return; // keep what was typed
    shownStep = step.dataset.step;
    for (const input of box.querySelectorAll("input")) delete input.dataset.edited;
    field("what").textContent = isTimedUnit(step) ? t("Seconds") : t("Reps");
    field("last").textContent = field("hint").textContent = "";
    const low = Number(step.dataset.low) || null;
    for (const input of box.querySelectorAll("input")) input.removeAttribute("aria-invalid");
    field("problem").textContent = "";
    confirming = "";
    lastShown = null;
    restoreTyped(shownStep);
    fill("reps", low);
    fill("weight", null);
    setUnit(unit());
    const line = step.querySelector(".set");
    if (box.previousElementSibling !== line) line.after(box); // each move lays it out again
    const id = shownStep;
    const round = roundOf(step);
    const figures = Promise.all([lastTime(slugOf(step)), loggedNow(step), planned(step)]).then(([last, now, plan]) => {
      const before = now.filter((s) => s.set < round).sort((a, b) => b.set - a.set)[0];
      return { last, plan, from: now.find((s) => s.set === round) || (plan && window.repcardProgram.forSet(plan, round, now)) ||
        before || last.find((s) => s.set === round) || last[last.length - 1] };
    });
    prefill = figures.then((x) => x.from, () => null);
    figures.then(({ last, plan, from }) => {
      if (shownStep !== id) return;
      lastShown = last.find((s) => s.set === round) || null;
      restoreTyped(id); // figures a Back has just taken out of the log
      if (from) {
        fill("reps", from.reps);
        fill("weight", from.weight);
        if (from.weight != null && !field("weight").dataset.edited) setUnit(from.unit);
      }
      field("last").textContent = last.length ? t("Last time: %(figures)s", { figures: log.figures(last) }) : t("Last time: none yet");
      // Double progression: every set at the range's top last time, so more load — or, for a move
      // done without weight that has a harder variation, that variation.
      const high = Number(step.dataset.high);
      if (plan) {
        field("hint").textContent = plan.why;
      } else if (high > low && last.length && last.every((s) => s.reps >= high)) {
        const next = last.some((s) => s.weight != null) || !step.dataset.harder ? t("add weight?")
          : t("try the harder variation: %(variation)s", { variation: step.dataset.harder });
        field("hint").textContent = t("%(low)s–%(high)s: last time %(reps)s, every set at the top — %(next)s",
          { low, high, reps: last.map((s) => s.reps).join(", "), next });
      }
      keepInSight(step); // last time on two lines, a hint: the fields lower
    }).catch(() => {
      // no database (e.g. a private window that refuses it): the workout works without the log
    });
  }

  function newId() {
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    return Date.now().toString(36) + "-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A figure that is not a number is refused on the spot; one over twice last time's same set is
  // logged only when Done is tapped again (a slip of the thumb: 425 for 42.5).

  function checked(step) {
    if (shownStep !== step.dataset.step) return true; // fields not shown yet: the prefill is logged
    const problems = [];
    const figures = {};
    for (const [name, label, whole] of [["reps", field("what").textContent, true], ["weight", t("Weight"), false]]) {
      figures[name] = log.amount(field(name).value, whole);
      const bad = figures[name] === undefined;
      field(name).toggleAttribute("aria-invalid", bad);
      if (bad) {
        problems.push(whole ? t("%(field)s: type a number from 0 to %(most)s.", { field: label, most: log.MAX_AMOUNT })
          : t("%(field)s: type a number from 0 to %(most)s, like 42.5 or 42,5.", { field: label, most: log.MAX_AMOUNT }));
      }
    }
    if (problems.length) {
      field("problem").textContent = problems.join(" ");
      return false;
    }
    const previous = lastShown;
    const big = [];
    if (previous && figures.reps != null && previous.reps > 0 && figures.reps > 2 * previous.reps) {
      big.push(tn("%(num)s rep", "%(num)s reps", figures.reps));
    }
    if (previous && figures.weight != null && previous.weight > 0 && previous.unit === field("unit").value &&
        figures.weight > 2 * previous.weight) big.push(`${number(figures.weight)} ${previous.unit}`);
    const asked = big.length > 1 ? t("%(some)s and %(last)s", { some: big[0], last: big[1] }) : big.join("");
    if (big.length && confirming !== asked) {
      confirming = asked;
      field("problem").textContent = t("%(figures)s: over twice last time's %(last)s. Tap Done again to log it.",
        { figures: asked, last: log.figures([previous]) });
      return false;
    }
    return true;
  }

  function record(step) {
    sayBesideDone("");
    if (shownStep !== step.dataset.step) showLog(step);
    if (!p().session) p().session = newId(); // a session starts at its first Done, not when the page opened
    const session = { id: p().session, routine: app.routinePath, title: workout.dataset.title || "", started: Date.now(),
      finished: 0 };
    delete p().typed[step.dataset.step];
    const amount = (name, whole) => log.amount(field(name).value, whole) ?? null;
    const entry = {
      id: p().session + "|" + step.dataset.step, session: p().session, step: step.dataset.step,
      exercise: slugOf(step), name: step.querySelector("h2").textContent.replace(/^\s*\S+\s+/, "").trim(),
      set: roundOf(step), reps: amount("reps", true), weight: amount("weight", false),
      unit: field("unit").value === "lb" ? "lb" : "kg", timed: isTimedUnit(step), at: Date.now(),
    };
    shownStep = null;
    const edited = (name) => field(name).dataset.edited;
    const typed = { reps: edited("reps"), weight: edited("weight") };
    const read = prefill;
    log.queue(async () => {
      const from = await read; // a tap quicker than the database: what the fields were about to show
      if (from && !typed.reps) entry.reps = from.reps;
      if (from && !typed.weight && from.weight != null && entry.weight == null) {
        Object.assign(entry, { weight: from.weight, unit: from.unit });
      }
      try {
        await log.inStores("readwrite", (s) => {
          // The session is stored with the first of its sets that reaches the log: the progress names
          // it at once, and a reload or a kill before the first set's write must not orphan the next.
          const stored = s.sessions.get(session.id); // plain callbacks keep the transaction active
          stored.onsuccess = () => stored.result || s.sessions.put(session);
          s.sets.put(entry);
        });
      } catch (error) {
        // Not stored (a full disk, a database gone): said beside Done, its figures kept for Back.
        p().typed[entry.step] = typedOf(entry);
        app.save();
        sayBesideDone(t("This set was not saved (%(error)s): tap Back, then Done, to log it again.",
          { error: error && error.message || String(error) }), true);
        throw error;
      }
      await log.summarise([entry.exercise]);
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      await announce(entry);
    });
  }

  // A record, or a set that could not be stored, said in the line beside Done.
  function sayBesideDone(text, failed = false) {
    $("record").textContent = text;
    $("record").classList.toggle("failed", failed);
  }

  // A set's figures as the fields hold them, typed.
  const typedOf = (entry) => {
    const text = (x) => (x == null ? "" : number(x));
    return { reps: text(entry.reps), weight: text(entry.weight), unit: entry.unit };
  };

  // Back takes a logged set out of the log, and its figures back into the fields, as if typed.
  function unrecord(step) {
    const session = p().session;
    const id = step.dataset.step;
    shownStep = null;
    sayBesideDone("");
    if (!session) return;
    log.queue(async () => {
      const key = session + "|" + id;
      const entry = await log.inStores("readonly", (s) => log.done(s.sets.get(key)));
      if (entry) p().typed[id] = typedOf(entry);
      app.save();
      await log.inStores("readwrite", (s) => s.sets.delete(key));
      await log.summarise([slugOf(step)]);
    });
  }

  function finishSession() {
    const id = p().session;
    const at = Date.now();
    if (!id) return;
    log.queue(() => log.inStores("readwrite", (s) => {
      const request = s.sessions.get(id); // plain callbacks keep the transaction active
      request.onsuccess = () => {
        if (request.result && !request.result.finished) s.sessions.put(Object.assign(request.result, { finished: at }));
      };
    }));
  }

  // --- records (issue 22): a set that beats the exercise's heaviest weight, its most reps at that
  // weight or its best estimated 1RM says so on the spot, once (records.js decides what counts).

  async function announce(entry) {
    const heard = (p().records = p().records || []);
    if (heard.includes(entry.id)) return;
    const [summary, today] = await Promise.all([log.summary(entry.exercise), log.inSession(entry.session)]);
    const others = summary ? summary.sessions.filter((e) => e.session !== entry.session) : [];
    const earlier = today.filter((s) => s.exercise === entry.exercise && s.id !== entry.id && !s.warmup && s.at < entry.at)
      .map((s) => [s.weight, s.unit, s.reps, s.at, s.timed]);
    const kinds = window.repcardRecords.beaten(window.repcardRecords.bests(others, earlier), entry);
    if (!kinds.length) return;
    heard.push(entry.id);
    app.save();
    sayBesideDone(window.repcardRecords.recordText(entry, kinds));
  }

  function newSession() {
    shownStep = null;
    lastCache.clear();
    plans.clear();
  }

  // --- wiring

  $("done").addEventListener("click", advance);
  $("back").addEventListener("click", goBack);
  $("reset").addEventListener("click", startOver);
  window.repcardBackup.wire($("save-backup"), $("backup-said"));
  for (const b of workout.querySelectorAll(".adjust .less")) b.addEventListener("click", () => shiftRest(-15));
  for (const b of workout.querySelectorAll(".adjust .more")) b.addEventListener("click", () => shiftRest(15));
  document.addEventListener("pointerdown", () => {
    unlockAudio();
    keepScreenOn();
  }, true);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    const before = p().session;
    app.progress = app.load(); // hours later, a fresh session
    if (before !== p().session) newSession();
    keepScreenOn();
    showCurrentStep(); // the timers catch up with the time the phone was locked
  });
  app.onChange = showCurrentStep;
  // A phone turned, a window resized: the step's fields in sight again.
  window.addEventListener("resize", () => keepInSight(steps[currentIndex()]));
  try {
    showCurrentStep();
  } finally {
    document.documentElement.classList.add("workout-started"); // shows the step and controls
  }
  setTimeout(keepScreenOn); // its own task, after the step is on screen
});
