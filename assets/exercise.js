// An exercise page's "Your progress": the chart and records of this exercise from the log in
// this browser, shown only when the log has it. Loaded by exercise pages, after log.js,
// records.js, progress.js and chart.js.
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const section = document.getElementById("exercise-progress");
  if (!section) return;
  // Years of sessions are read, worked out and drawn in tasks of their own, none long enough to
  // hold up a tap.
  const pause = () => new Promise((resolve) => setTimeout(resolve));
  try {
    const summary = await window.repcardLog.summary(section.dataset.exercise);
    if (summary && summary.sessions.length) {
      await pause();
      const shown = window.repcardProgress.series(summary.sessions);
      const box = section.querySelector(".progress");
      const heading = document.querySelector("h1"); // "1A Glute Bridge": the name without its slot
      const slot = heading.querySelector(".slot");
      const name = heading.textContent.trim().slice(slot ? slot.textContent.length : 0).trim();
      await pause();
      section.hidden = false; // first, so that the chart is drawn at the width it is shown at
      window.repcardChart.exercise(box, shown, window.repcardLog.dateText, name);
      box.prepend(window.repcardChart.recordList(shown, window.repcardLog.dateText));
    }
  } catch (error) {
    // no database here (a private window that refuses it): the page is the same without a chart
  }
  section.dataset.ready = "true";
});
