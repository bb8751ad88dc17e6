// A program's "today", on its page and on the home page: the next week and session from the log
// (assets/program.js decides), a button that starts it, and on the program's page Restart and
// Move to week. Loaded only by those pages, after log.js and program.js; without script the box
// offers the program's start, and Move and Restart stay hidden.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const app = window.repcard;
  const log = window.repcardLog;
  const rules = window.repcardProgram;
  const root = document.documentElement.dataset.root || "./";
  const { t } = window.repcardText.words;
  const languagePath = app.languagePath; // the program's pages are this language's

  // Where the lifter restarted or moved to: sessions before `since`, and weeks before `week`, do not count.
  const keyOf = (box) => "repcard:program:" + new URL(box.dataset.program, location.href).pathname;

  function stateOf(box) {
    try {
      const saved = JSON.parse(localStorage.getItem(keyOf(box)) || "{}") || {};
      return { since: Number(saved.since) || 0, week: Number(saved.week) || 1 };
    } catch (error) {
      return { since: 0, week: 1 };
    }
  }

  function keep(box, state) {
    try {
      localStorage.setItem(keyOf(box), JSON.stringify(state));
    } catch (error) {
      // private mode or full storage: the choice lasts until the page closes
    }
  }

  async function show(box) {
    const state = stateOf(box);
    const program = JSON.parse(box.querySelector(".program-data").textContent);
    let sessions = [];
    try {
      sessions = await log.sessions();
    } catch (error) {
      // no database (a private window may refuse it): today is the first week not moved past
    }
    const next = rules.nextSession(program, sessions, state, Date.now(), app.IDLE, languagePath);
    const line = box.querySelector(".next-session");
    const start = box.querySelector(".start");
    const card = box.querySelector(".week-card");
    start.hidden = Boolean(next.finished);
    if (card) card.hidden = Boolean(next.finished);
    if (next.finished) {
      line.textContent = t("All %(weeks)s weeks done. Restart the program to go through it again.", { weeks: program.weeks.length });
    } else {
      const week = program.weeks.find((w) => w.number === next.week);
      const values = { week: next.week, weeks: program.weeks.length, session: next.session, sessions: program.perWeek,
        title: next.title, percent: week.deload };
      line.textContent = week.deload
        ? t("Today: week %(week)s of %(weeks)s, session %(session)s of %(sessions)s, %(title)s — a deload week, %(percent)s%% of your working weight.", values)
        : t("Today: week %(week)s of %(weeks)s, session %(session)s of %(sessions)s, %(title)s.", values);
      start.textContent = next.going ? t("Continue week %(week)s, session %(session)s", values)
        : t("Start week %(week)s, session %(session)s", values);
      start.href = root + next.path + "workout/";
      if (card) card.href = root + next.path + "card/";
      const select = document.querySelector(".move .week");
      if (select) select.value = String(next.week);
    }
    box.dataset.ready = "true"; // the log's answer is on screen
  }

  const boxes = [...document.querySelectorAll(".today")];
  boxes.forEach((box) => show(box));

  // The program page's Move and Restart: its one program's.
  const controls = document.querySelector(".move");
  if (!controls || boxes.length !== 1) return;
  const [box] = boxes;
  const said = controls.querySelector(".said");
  controls.querySelector(".move-to").addEventListener("click", () => {
    const week = Number(controls.querySelector(".week").value);
    keep(box, { since: Date.now(), week });
    said.textContent = t("Moved to week %(week)s: its sessions count from now.", { week });
    show(box);
  });
  // Restart sits at the foot of the page, apart from Start: no tap lands on it by chance.
  controls.querySelector(".restart").addEventListener("click", () => {
    keep(box, { since: Date.now(), week: 1 });
    said.textContent = t("Restarted at week 1. The log keeps every set you did.");
    show(box);
  });
  controls.hidden = false;
});
