"""After one visit, every page loads with the network off."""

from __future__ import annotations

from ..conftest import build_site
from .conftest import site_pages


def test_every_page_loads_offline_after_one_visit(browser, served, seed_site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(served.url)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == served.url  # registered relative to the site, so its scope is the site's prefix

    context.set_offline(True)
    for path in site_pages(seed_site):
        if path == "404.html":
            continue
        response = page.goto(served.url + path)
        assert response.ok, path
        assert page.locator("main h1").count() == 1, path
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui"), path
    page.goto(served.url + "workout/")
    page.locator("#done").click()  # workout mode works offline too
    assert "1 of 12" in page.locator("#progress").inner_text()
    context.close()


def test_a_new_build_changes_the_cache_version(tmp_path, seed):
    first = build_site(seed, tmp_path / "one").joinpath("sw.js").read_text()
    (seed / "exercises/step-ups.md").write_text(
        (seed / "exercises/step-ups.md").read_text().replace("reps: 10–12", "reps: 8-10"))
    second = build_site(seed, tmp_path / "two").joinpath("sw.js").read_text()
    version = [line for line in first.splitlines() if line.startswith("const CACHE")]
    assert version and version[0] not in second
