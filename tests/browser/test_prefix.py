"""The site under a GitHub Pages project prefix: nothing broken, nothing outside it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from ..conftest import SEED, build_site
from ..htmltools import parse, references
from .conftest import PREFIX, SiteServer, site_pages

OK = (200, 304)  # 304: the browser's cached copy is still good


@pytest.fixture
def pages_site(tmp_path):
    """The seed built for, and served at, http://127.0.0.1:PORT/repcard/ with nothing at /."""
    server = SiteServer(tmp_path / "site")
    build_site(SEED, tmp_path / "site", "--base-url", server.url)
    yield server
    server.close()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def crawl(start: str) -> dict[str, int]:
    """Every URL reachable from `start`: links, stylesheets, scripts, icons, the manifest and
    its icons, the service worker and every file it saves. Returns {url: status}."""
    seen: dict[str, int] = {}
    queue = [start, urljoin(start, "sw.js")]  # app.js registers root + "sw.js"
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, body = fetch(url)
        seen[url] = status
        if status != 200 or not url.startswith(start):
            continue
        if url.endswith("/") or url.endswith(".html"):
            queue += [urljoin(url, ref).split("#")[0] for ref in references(parse(body))]
        elif url.endswith(".webmanifest"):
            queue += [urljoin(url, icon["src"]) for icon in json.loads(body)["icons"]]
            queue.append(urljoin(url, json.loads(body)["start_url"]))
        elif url.endswith("sw.js"):
            files = json.loads(body.decode().split("const FILES = ", 1)[1].split(";\n", 1)[0])
            queue += [urljoin(url, f) for f in files]
    return seen


def test_every_reference_answers_200_under_the_prefix(pages_site):
    statuses = crawl(pages_site.url)
    broken = {url: status for url, status in statuses.items() if status != 200}
    outside = [url for url in statuses if not urlsplit(url).path.startswith(PREFIX)]
    assert not broken and not outside, (broken, outside)
    assert len(statuses) >= 20
    assert pages_site.url + "exercises/romanian-deadlift/" in statuses
    assert pages_site.url + "assets/icon-maskable-512.png" in statuses


def test_a_browser_asks_for_nothing_outside_the_prefix(page, pages_site):
    for path in site_pages(pages_site.site):
        if path != "404.html":
            page.goto(pages_site.url + path)
    page.goto(pages_site.url)
    # its install fetches every saved file
    page.wait_for("navigator.serviceWorker.ready.then(r => r.active.state === 'activated')")
    failures = [(path, status) for path, status in pages_site.log if status not in OK]
    outside = [path for path, _ in pages_site.log if not path.startswith(PREFIX)]
    assert not failures and not outside, (page.engine, failures, outside)


def test_the_404_page_works_at_a_missing_nested_path(browser, pages_site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    response = page.goto(pages_site.url + "exercises/no-such-move/deeper/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # CSS loaded
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_url(pages_site.url)
    assert page.locator("h1").inner_text() == "Wake Up Your Glutes and Hamstrings"
    context.close()
    missing = [path for path, status in pages_site.log if status not in OK]
    assert missing == [PREFIX + "exercises/no-such-move/deeper/"]
