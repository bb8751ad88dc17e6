// Service worker: keeps every page and asset of this build so the routine works with no signal.
// Its scope is the folder it is served from, so the site works under any URL prefix.
const CACHE = {{ ("repcard-" ~ version) | tojson }};
const FILES = {{ urls | tojson }};
const NETWORK_WAIT = 2500; // ms a page may take from the network before the saved copy is shown

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
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("repcard-") && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// Pages: the network when it answers soon (fresh after a rebuild), else the saved copy.
// Everything else: the saved copy, which this build's cache name keeps current.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetworkOrCache(request));
  } else {
    event.respondWith(caches.match(request).then((saved) => saved || fetch(request)));
  }
});

async function pageFromNetworkOrCache(request) {
  const saved = caches.match(request, { ignoreSearch: true });
  const network = fetch(request);
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT));
  try {
    const fresh = await Promise.race([network, timeout.then(() => saved)]);
    if (fresh) return fresh;
  } catch (error) {
    // offline: fall through to the saved copy
  }
  return (await saved) || (await caches.match("404.html")) || network;
}
