"""Browser fixtures: Debian's Chromium through Playwright, and the built site served under a prefix.

These tests never skip: a machine without Chromium fails them, and `make test` installs it.
"""

from __future__ import annotations

import functools
import os
import http.server
import threading
from pathlib import Path

import pytest

from ..conftest import SEED, build_site

CHROMIUM = os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium")  # set by the Makefile
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PREFIX = "/repcard/"  # as on a GitHub Pages project site: nothing is served at /
PHONE = {"width": 360, "height": 740}


class PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only, as GitHub Pages does: 404.html for what is missing.

    Notes every request's path and status in `log`.
    """

    def __init__(self, *args, log: list[tuple[str, int]], **kwargs):
        self.log = log
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(PREFIX):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-"):
        self.log.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, *args):
        pass


class SiteServer:
    def __init__(self, site: Path):
        self.site = site
        self.log: list[tuple[str, int]] = []  # (path, status) of every request
        handler = functools.partial(PrefixHandler, directory=str(site), log=self.log)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def requests(self) -> list[str]:
        return [path for path, _ in self.log]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    return build_site(SEED, tmp_path_factory.mktemp("seed") / "site")


@pytest.fixture(scope="session")
def served(seed_site):
    server = SiteServer(seed_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    yield context
    context.close()


def site_pages(site: Path) -> list[str]:
    """Every HTML page's URL path relative to the site root, directory style."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        pages.append(rel.removesuffix("index.html"))
    return pages
