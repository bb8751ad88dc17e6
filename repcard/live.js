// repcard's dev server puts this first in every page it serves (serve.py; never in site/).
// After a rebuild, livereload.js asks its plugins before reloading the page: this one fetches
// the page again and, when the author's edit changed only text and attribute values, writes
// just those into the open page: no reload, no second page load (most of the time from a
// save to the page showing it), the scroll position kept. Anything else reloads the page,
// as before: a change of structure, a script's code, or a value the page's own scripts
// changed since (its version and the server's are compared with the page as last served).
// The page's scripts do not run again: what one worked out from the page when it loaded
// stays as it was until a reload.
(function () {
  "use strict";
  var script = document.currentScript;
  var told = script.dataset; // by serve.py: live_script
  var build = told.build; // the rebuild this page shows
  var served = null; // the page as the server last sent it, parsed: the base of the next update
  var busy = false;
  var again = false;

  function fetchPage() {
    return fetch(location.href, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      var made = response.headers.get(told.header);
      return response.text().then(function (text) {
        return { build: made, page: new DOMParser().parseFromString(text, "text/html") };
      });
    });
  }

  // livereload.js's own script element, added to the head after the page was served.
  function added(node) {
    return node.nodeName === "SCRIPT" && /\/livereload\.js\b/.test(node.getAttribute("src") || "");
  }

  function liveChildren(node) {
    return Array.prototype.filter.call(node.childNodes, function (child) { return !added(child); });
  }

  // Walk the page as last served (before), as served now (after) and as it is (open) side by
  // side; push an edit for each text or attribute the server changed. False: reload instead.
  function compare(before, after, open, edits) {
    if (!open || before.nodeType !== after.nodeType || before.nodeName !== after.nodeName ||
        open.nodeType !== before.nodeType || open.nodeName !== before.nodeName) return false;
    if (before.nodeType !== Node.ELEMENT_NODE) {
      if (before.nodeValue === after.nodeValue) return true;
      if (open.nodeValue !== before.nodeValue) return false;
      edits.push(function () { open.nodeValue = after.nodeValue; });
      return true;
    }
    if (before.id === script.id) return true; // this script: its build number always differs
    var names = before.getAttributeNames();
    if (names.join(" ") !== after.getAttributeNames().join(" ")) return false;
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var value = after.getAttribute(name);
      if (before.getAttribute(name) === value) continue;
      if (open.getAttribute(name) !== before.getAttribute(name)) return false;
      if (before.nodeName === "SCRIPT" || (before.nodeName === "LINK" && name === "href")) return false;
      edits.push(function (name, value) { open.setAttribute(name, value); }.bind(null, name, value));
    }
    // Parsed here without scripting, a <noscript>'s content is markup; in the page, text.
    if (before.nodeName === "NOSCRIPT" || before.nodeName === "TEMPLATE") {
      return before.innerHTML === after.innerHTML;
    }
    if (before.nodeName === "SCRIPT" && before.textContent !== after.textContent &&
        before.getAttribute("type") !== "application/ld+json") return false; // new code: run it
    var was = before.childNodes;
    var now = after.childNodes;
    var shown = liveChildren(open);
    if (was.length !== now.length || shown.length !== was.length) return false;
    for (var j = 0; j < was.length; j++) {
      if (!compare(was[j], now[j], shown[j], edits)) return false;
    }
    return true;
  }

  function reload() {
    location.reload();
  }

  function update() {
    if (busy) { again = true; return; } // one update at a time; the latest build wins
    busy = true;
    fetchPage().then(function (latest) {
      var edits = [];
      if (!served || !compare(served.documentElement, latest.page.documentElement, document.documentElement, edits)) {
        return reload();
      }
      edits.forEach(function (edit) { edit(); });
      served = latest.page;
      build = latest.build;
      // For bench/devloop.py: when the updated page has been painted (the task after the frame).
      requestAnimationFrame(function () { setTimeout(function () { performance.mark("repcard:updated"); }); });
    }).catch(reload).then(function () {
      busy = false;
      if (again) { again = false; update(); }
    });
  }

  // The base for updates: this page as served, unless a rebuild ended meanwhile.
  fetchPage().then(function (first) {
    if (first.build !== build) return;
    served = first.page;
    performance.mark("repcard:ready"); // tests wait for it
  }, function () {});

  function Updater() {}
  Updater.identifier = "repcard";
  Updater.version = "1.0";
  // The server names the reload `told.pages` when it rewrote HTML pages only; any other
  // file (a style sheet, a script, a photo) reloads the page.
  Updater.prototype.reload = function (path) {
    if (path !== told.pages) return false;
    update();
    return true; // livereload.js does nothing more
  };
  window.LiveReloadPluginRepcard = Updater; // found by livereload.js when it loads after this script
  if (window.LiveReload) window.LiveReload.addPlugin(Updater); // it loaded first

  // A page loaded just before a rebuild, whose live-reload socket connects just after it,
  // would miss that rebuild: once connected, it asks which build is the latest.
  document.addEventListener("LiveReloadConnect", function () {
    fetch(told.latest, { cache: "no-store" }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (latest) {
      if (latest && latest !== build) reload();
    });
  });
})();
