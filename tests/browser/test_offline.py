"""After one visit, every page loads with the network off, in every engine."""

from __future__ import annotations

import shutil

from ..conftest import build_site
from .conftest import OriginServer, SiteServer, site_pages


def test_every_page_loads_offline_after_one_visit(page, seed_site):
    server = SiteServer(seed_site)  # its own server, to switch off: the phone loses its signal
    try:
        page.goto(server.url)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled by the service worker
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == server.url  # registered relative to the site, so its scope is the site's prefix
    finally:
        server.close()

    for path in site_pages(seed_site):
        if path == "404.html":
            continue
        page.goto(server.url + path)
        assert page.count("main h1") == 1, (page.engine, path)
        assert page.evaluate("navigator.serviceWorker.controller !== null"), (page.engine, path)
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui"), path
    page.goto(server.url + "workout/")
    page.click("#done")  # workout mode works offline too
    assert "1 of 12" in page.text("#progress")


def test_a_new_build_changes_the_cache_version(tmp_path, seed):
    first = build_site(seed, tmp_path / "one").joinpath("sw.js").read_text()
    (seed / "exercises/step-ups.md").write_text(
        (seed / "exercises/step-ups.md").read_text().replace("reps: 10–12", "reps: 8-10"))
    second = build_site(seed, tmp_path / "two").joinpath("sw.js").read_text()
    version = [line for line in first.splitlines() if line.startswith("const CACHE")]
    assert version and version[0] not in second


def test_two_sites_on_one_origin_each_keep_their_offline_copy(page, seed_site, tmp_path):
    """A GitHub user's sites share https://<user>.github.io: each worker deleted every repcard cache
    but its own, so visiting one site took the other's offline copy (the same build at two prefixes
    shared one cache, and updating one took the other's)."""
    www = tmp_path / "www"
    for name in ("a", "b"):
        shutil.copytree(seed_site, www / name)
    server = OriginServer(www)
    origin = server.url
    names = "caches.keys().then((keys) => keys.filter((k) => k.startsWith('repcard-')).sort())"
    try:
        for name in ("a", "b"):
            page.goto(origin + name + "/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()
            assert page.evaluate("navigator.serviceWorker.controller !== null")
        before = page.wait_for(f"{names}.then((keys) => keys.length === 2 && keys)")
        # Left by earlier builds: b's cache of a release that named caches by version alone (it holds
        # b's home page), one an install cut short left empty, and such an old one of a's.
        page.evaluate("""Promise.all([["repcard-0ld", arg + "b/"], ["repcard-cut " + arg + "b/", null],
          ["repcard-0ldA", arg + "a/"]].map(([key, home]) => caches.open(key)
          .then((cache) => home && cache.put(home, new Response("old")))))""", origin)
        # b's next build: its new worker replaces b's caches, and only b's.
        (www / "b/sw.js").write_text((www / "b/sw.js").read_text().replace('const CACHE = "repcard-',
                                                                           'const CACHE = "repcard-0'))
        page.goto(origin + "b/")
        page.wait_for(f"{names}.then((keys) => keys.length === 3 && !keys.includes(arg[1]) && keys)", 10, before)
        assert before[0] in page.evaluate(names) and "repcard-0ldA" in page.evaluate(names)
    finally:
        server.close()
    for name in ("a", "b"):  # the signal gone: each site as it was saved
        for path in ("", "workout/", "exercises/glute-bridge/"):
            page.goto(origin + name + "/" + path)
            assert page.count("main h1") == 1, (page.engine, name, path)
