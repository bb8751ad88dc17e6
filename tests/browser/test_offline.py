"""After one visit, every page loads with the network off, in every engine."""

from __future__ import annotations

from ..conftest import build_site
from .conftest import SiteServer, site_pages


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
