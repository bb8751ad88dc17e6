"""The pages' Content-Security-Policy at work: with raw HTML let through, a script smuggled into a
body does not run, in any engine, while the site's own scripts (workout mode's inline one by its
hash, the log, history, the service worker) all do, and no page breaks the policy."""

from __future__ import annotations

import shutil

import pytest

from ..conftest import SEED, build_site
from .conftest import PHONE, SiteServer, site_pages

SMUGGLED = """
<div id="smuggled">
<script>document.documentElement.dataset.smuggled = "script";</script>
<img src="glute-bridge/0.jpg" alt="" onload="document.documentElement.dataset.smuggled = 'onload'">
<p style="display: none">Shown: an inline style is refused too.</p>
</div>
"""


@pytest.fixture(scope="module")
def smuggled(tmp_path_factory):
    """The sample library with `raw_html: true`, and hostile HTML in one exercise's body."""
    folder = tmp_path_factory.mktemp("smuggled")
    content = shutil.copytree(SEED.parent / "library", folder / "content")
    index = content / "index.md"
    index.write_text(index.read_text().replace("---\n", "---\nraw_html: true\n", 1))
    exercise = content / "exercises/glute-bridge.md"
    exercise.write_text(exercise.read_text() + SMUGGLED)
    server = SiteServer(build_site(content, folder / "site", "--cache", folder / "cache"))
    yield server
    server.close()


def test_a_smuggled_script_does_not_run_and_the_sites_own_scripts_do(page, smuggled):
    page.goto(smuggled.url + "exercises/glute-bridge/")
    assert page.count("#smuggled script") == 1  # let through into the page: raw HTML is allowed
    page.wait_for("document.querySelector('#smuggled img').complete")
    assert page.evaluate("document.documentElement.dataset.smuggled || 'nothing ran'") == "nothing ran"
    assert page.visible("#smuggled p")  # its style attribute was refused
    assert page.count("input[type=checkbox]") > 0  # app.js, the site's own, drew the set ticks

    page.goto(smuggled.url + "routines/before-a-run/workout/")
    assert page.evaluate("document.documentElement.classList.contains('workout-mode')")  # the hashed inline script
    page.click("#done")  # workout.js and log.js: a set logged
    assert page.text("#progress").startswith("1 of ")
    page.evaluate("repcardLog.idle()")
    page.goto(smuggled.url + "history/")
    page.wait_for("document.getElementById('summary').innerText.startsWith('1 session, 1 set')")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")


@pytest.mark.engines("chromium")
def test_no_page_of_the_site_breaks_its_policy(browser, library_site, smuggled):
    """Chromium reports every refusal on the console: none on any page, once each page's scripts ran."""
    server = SiteServer(library_site)
    context = browser.new_context(viewport=PHONE)
    refused = []
    context.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        page = context.new_page()
        for path in site_pages(library_site):
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(server.url + "routines/whole-workout/workout/")
        page.click("#done")
        assert refused == []
        page.goto(smuggled.url + "exercises/glute-bridge/")  # the test's own check: a refusal is seen
        page.wait_for_load_state("networkidle")
        assert any("inline script" in text for text in refused), refused
    finally:
        context.close()
        server.close()
