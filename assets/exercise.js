// An exercise page's "Your progress": the chart and records of this exercise from the log in
// this browser, shown only when the log has it. Loaded by exercise pages, after log.js,
// progress.js and chart.js.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("exercise-progress");
  if (!section) return;
  window.repcardLog.summary(section.dataset.exercise).then((summary) => {
    if (!summary || !summary.sessions.length) return;
    section.hidden = false; // first, so the chart is laid out at the width it is shown at
    const heading = document.querySelector("h1"); // "1A Glute Bridge": the name without its slot
    const slot = heading.querySelector(".slot");
    const name = heading.textContent.trim().slice(slot ? slot.textContent.length : 0).trim();
    const box = section.querySelector(".progress");
    const shown = window.repcardProgress.series(summary.sessions);
    window.repcardChart.exercise(box, shown, window.repcardLog.dateText, name);
    box.prepend(window.repcardChart.recordList(shown, window.repcardLog.dateText));
  }).catch(() => {
    // no database here (a private window that refuses it): the page is the same without a chart
  }).then(() => (section.dataset.ready = "true"));
});
