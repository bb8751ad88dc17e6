"""Browser fixtures: a page in each engine (engines.py), Playwright's Chromium, and the built site
served under a prefix.

`page` runs a test once per engine ([chromium], [webkit], [firefox]); `@pytest.mark.engines("chromium")`
narrows that. `browser` and `phone` are Playwright's own Chromium objects, for Playwright-only checks.
These tests never skip: a machine without an engine fails them, and `make test` installs it.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

import pytest

from ..conftest import SEED, build_site
from .engines import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (docs/screenshots.py and bench/ use them)
from .engines import ENGINES, EngineMissing, Engines, Page, selected_engines

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


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that left a page while a file was on its way (a broken pipe, a reset) is no
        error of the test: not a traceback in the test run's output. Anything else is printed."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class SiteServer:
    def __init__(self, site: Path):
        self.site = site
        self.log: list[tuple[str, int]] = []  # (path, status) of every request
        handler = functools.partial(PrefixHandler, directory=str(site), log=self.log)
        self.httpd = QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def requests(self) -> list[str]:
        return [path for path, _ in self.log]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class OriginServer:
    """Serves `folder` at an origin's root, quietly: sites in its subfolders (/a/, /b/) share the
    origin, as a GitHub user's project sites share https://<user>.github.io."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # not a line a request in the test run's output
            pass

    def __init__(self, folder: Path):
        self.httpd = QuietServer(("127.0.0.1", 0), functools.partial(self.Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

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
def library_site(tmp_path_factory) -> Path:
    """The sample library: two routines, photos, the index and its muscle and equipment pages."""
    folder = tmp_path_factory.mktemp("library")
    return build_site(SEED.parent / "library", folder / "site", "--cache", folder / "cache")


@pytest.fixture(scope="session")
def library_served(library_site):
    server = SiteServer(library_site)
    yield server
    server.close()


@pytest.fixture(params=["classic", "library"])
def every_site(request) -> tuple[Path, SiteServer]:
    """Each layout's site and its server: the one-routine classic and the library."""
    if request.param == "classic":
        return request.getfixturevalue("seed_site"), request.getfixturevalue("served")
    return request.getfixturevalue("library_site"), request.getfixturevalue("library_served")


def pytest_configure(config):
    config.addinivalue_line("markers", "engines(*names): run this test's `page` only in these engines")


def pytest_report_header(config):
    chosen = selected_engines()
    left_out = [name for name in ENGINES if name not in chosen]
    return [f"browser engines: {', '.join(chosen)}"
            + (f" (not selected: {', '.join(left_out)}; REPCARD_ENGINES)" if left_out else "")]


def pytest_generate_tests(metafunc):
    """Every test that takes `page` (or `engine`) runs once per selected engine, id'd by its name."""
    if "engine" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("engines")
    wanted = marker.args if marker else ENGINES
    unknown = [name for name in wanted if name not in ENGINES]
    if unknown:
        raise ValueError(f"{metafunc.definition.nodeid}: unknown engine {unknown}")
    chosen = [name for name in selected_engines() if name in wanted]
    if not chosen:  # say so, rather than pytest's bare "empty parameter set"
        reason = f"runs only in {', '.join(wanted)}, which REPCARD_ENGINES leaves out"
        chosen = [pytest.param(wanted[0], marks=pytest.mark.skip(reason=reason))]
    metafunc.parametrize("engine", chosen)


@pytest.fixture(scope="session")
def engines():
    """Every engine, each started on first use and stopped at the end of the session."""
    pool = Engines()
    yield pool
    pool.close()


@pytest.fixture
def page(engines, engine) -> Page:
    """A fresh 360 x 740 page in `engine`, with empty storage and no service worker."""
    try:
        new = engines.new_page(engine)
    except EngineMissing as error:
        pytest.fail(str(error))
    yield new
    new.close()


@pytest.fixture(scope="session")
def browser(engines):
    """Playwright's Chromium browser, for checks only Playwright can make."""
    try:
        return engines.get("chromium").browser
    except EngineMissing as error:
        pytest.fail(str(error))


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
