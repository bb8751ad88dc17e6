// Service worker: keeps every page and asset of this build so the routine works with no signal.
// Its scope is the folder it is served from, so the site works under any URL prefix.
// Its cache is named after this build and where the site is: two sites on one origin (a GitHub user's
// projects, or the same build at two prefixes) keep a cache each.
const CACHE = {{ (cache_prefix ~ version) | tojson }} + " " + self.registration.scope;
const FILES = {{ urls | tojson }};
const LANGUAGES = {{ languages | tojson }}; // a multilingual site's other languages' folders: "fr/"

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(FILES.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith({{ cache_prefix | tojson }}) && key !== CACHE)
        .map(deleteIfOurs)))
      .then(() => self.clients.claim()),
  );
});

// An earlier build's cache of this site is deleted: one named after this site's address (even left
// empty by an install cut short), or one named before the address was in the name that holds this
// site's home page. Another site's stays.
async function deleteIfOurs(key) {
  const scope = self.registration.scope;
  if (key.endsWith(" " + scope) || await (await caches.open(key)).match(scope)) await caches.delete(key);
}

// Pages: the saved copy at once, refreshed from the network behind it (a weak signal never
// holds a page up; a new build's sw.js replaces the whole cache on the next visit).
// Everything else: the saved copy, which this build's cache name keeps current.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, event));
  } else {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request)).then((saved) => saved || fetch(request)));
  }
});

async function page(request, event) {
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (url.pathname.endsWith("/index.html")) url.pathname = url.pathname.slice(0, -"index.html".length);
  const cache = await caches.open(CACHE);
  const saved = await cache.match(url.href);
  const network = fetch(request).then((response) => {
    if (response.ok && saved) return cache.put(url.href, response.clone()).then(() => response);
    return response;
  });
  if (saved) {
    event.waitUntil(network.catch(() => {})); // refresh behind the saved copy
    return saved;
  }
  try {
    return await network;
  } catch (error) {
    return notFound(url); // offline, and not a page of this site
  }
}

// The saved 404 page in the language of the address missed, with a <base> at that language's root
// so that its relative links, styles and scripts work from whatever address was missed.
async function notFound(url) {
  const folder = LANGUAGES.find((prefix) => url.href.startsWith(self.registration.scope + prefix)) || "";
  const root = self.registration.scope + folder;
  const saved = await (await caches.open(CACHE)).match(new URL("404.html", root).href);
  if (!saved) return Response.error();
  let html = await saved.text();
  if (!/<base\s/i.test(html)) {
    const base = `<base href="${root.replace(/["<>&]/g, "")}">`;
    html = html.replace(/<meta charset="utf-8">/i, (meta) => meta + "\n" + base);
  }
  return new Response(html, { status: 404, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
