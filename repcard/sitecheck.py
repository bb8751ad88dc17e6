"""`repcard check-site`: what holds for any built site, checked before it is published.

Nothing here knows the routine: every page light (what renders it within 14 KB gzipped, one
round trip; a warning past that, a problem past twice), every link leading somewhere under
the site's address, every card printing on no more pages than the build announced (printed
by an installed Chromium or Chrome through Playwright, counted with pypdf: the `publish`
extra). The Pages workflow runs it after the build; so does `make publish`.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import posixpath
import re
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from .problem import Problem

BUDGET = 14_000  # bytes, gzipped: what renders a page (HTML, CSS, scripts that block), one round trip
WITH_DEFERRED = 32_000  # bytes, gzipped: the same with the deferred scripts, which run after the paint
# Stylesheets and scripts a page loads (the templates write them in this one form).
RESOURCE = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')
DEFERRED = re.compile(r'<script src="([^"]+)" defer>')
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPERS = {"A4 or Letter": ("A4", "Letter"), "A4": ("A4",), "Letter": ("Letter",)}  # a card's data-paper


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_weights(site: Path) -> dict[str, dict[str, int]]:
    """{page: {file: gzipped bytes}} for every HTML page: the page and what it loads."""
    weights = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_bytes()
        files = {page.relative_to(site).as_posix(): gzipped(html)}
        for url in RESOURCE.findall(html.decode()):
            target = (page.parent / url).resolve()
            files[target.relative_to(site.resolve()).as_posix()] = gzipped(target.read_bytes())
        weights[page.relative_to(site).as_posix()] = files
    return weights


def render_weights(site: Path) -> dict[str, tuple[int, int]]:
    """{page: (bytes that render it, bytes with its deferred scripts)}, gzipped."""
    weights = {}
    for page, files in page_weights(site).items():
        deferred = {(site / page).parent.joinpath(url).resolve().relative_to(site.resolve()).as_posix()
                    for url in DEFERRED.findall((site / page).read_text())}
        total = sum(files.values())
        weights[page] = (total - sum(size for name, size in files.items() if name in deferred), total)
    return weights


def heavy_pages(site: Path) -> tuple[list[Problem], list[Problem]]:
    """Pages past the budget (warnings: a long routine's workout page may be) and past twice it (problems)."""
    problems, warnings = [], []
    for page, (render, total) in render_weights(site).items():
        if render > 2 * BUDGET or total > 2 * WITH_DEFERRED:
            problems.append(Problem(str(site / page), None, f"{render:,} bytes gzipped to render, {total:,} with its "
                                    f"deferred scripts: over twice the budget ({BUDGET:,} and {WITH_DEFERRED:,})"))
        elif render > BUDGET or total > WITH_DEFERRED:
            warnings.append(Problem(str(site / page), None, f"warning: {render:,} bytes gzipped to render, {total:,} "
                                    f"with its deferred scripts: over the budget ({BUDGET:,} and {WITH_DEFERRED:,})"))
    return problems, warnings


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src") and value and not value.startswith("#")]


def references(html: str) -> list[str]:
    """Every URL a page points at: links, stylesheets, scripts, images, icons."""
    links = _Links()
    links.feed(html)
    return links.urls


def resolve(page_path: str, url: str) -> str:
    """The site file a relative URL on page_path leads to ('dir/' means 'dir/index.html'), its
    percent-escapes decoded as a server does."""
    url = unquote(url.split("#")[0].split("?")[0])
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), url))
    if url.endswith("/") or url in ("", "."):
        target = posixpath.join(target, "index.html")
    return target.removeprefix("./")


def broken_links(site: Path, base_url: str) -> list[Problem]:
    """Links that leave the site's address or lead to no file of the site."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken = []
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        # GitHub Pages serves 404.html at whatever address was missed: its <base> makes its
        # links resolve from the site's root.
        base = "index.html" if path == "404.html" else path
        for url in references(page.read_text()):
            if base_url and url.startswith(base_url):  # canonical links, the 404 page's <base>
                continue
            if url.startswith(("http:", "https:", "//", "/")):
                broken.append(Problem(str(page), None, f"{url} leaves the site's address {base_url or '(none given)'}"))
            elif resolve(base, url) not in files:
                broken.append(Problem(str(page), None, f"{url} leads nowhere in the site"))
    return broken


_CARD = re.compile(r'<article class="card"[^>]* data-pages="(\d+)" data-paper="([^"]+)"')


def card_problems(site: Path, chromium: Path | None) -> list[Problem]:
    """Every card printed on its paper (both, for "A4 or Letter"): more pages than announced is a problem."""
    cards = {}
    for page in sorted(site.rglob("card/index.html")):
        if found := _CARD.search(page.read_text()):
            cards[page] = int(found[1]), PAPERS.get(found[2], ("A4", "Letter"))
    if not cards:
        return []
    try:
        import pypdf  # noqa: F401
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        return [Problem(str(site), None, "printing the cards needs Playwright and pypdf: "
                        "pip install \"repcard[publish]\" (the same version as repcard)")]
    browser = chromium or next((Path(found) for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None or not browser.is_file():
        return [Problem(str(site), None, f"no Chromium or Chrome to print the cards with ({browser or 'none on the PATH'}): "
                        "install one, or name it with --chromium PATH")]
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API on a thread of its own: a caller may run another
        printed = thread.submit(_print, site, cards, browser).result()
    return [Problem(str(page), None, f"prints on {pages} pages of {paper}; the build announced {cards[page][0]}")
            for (page, paper), pages in printed.items() if pages > cards[page][0]]


def _print(site: Path, cards: dict[Path, tuple[int, tuple[str, ...]]], browser: Path) -> dict[tuple[Path, str], int]:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    printed = {}
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(browser), args=CHROMIUM_ARGS)
            for page_path, (_, papers) in cards.items():
                page = chromium.new_page()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_path.relative_to(site).parent.as_posix()}/")
                for paper in papers:
                    printed[page_path, paper] = len(PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
                page.close()
            chromium.close()
    finally:
        server.shutdown()
        server.server_close()
    return printed


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the standard library's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A page closed while its files were sent (the browser moves on): nothing to say."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def check_site(site: Path, base_url: str, chromium: Path | None) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of the built site in `site`."""
    if not (site / "index.html").is_file():
        return [Problem(str(site), None, "no site here (no index.html): build it first")], []
    problems, warnings = heavy_pages(site)
    return problems + broken_links(site, base_url) + card_problems(site, chromium), warnings


def main(site: Path, base_url: str, chromium: Path | None, strict: bool) -> int:
    problems, warnings = check_site(site, base_url, chromium)
    if strict:
        problems, warnings = problems + warnings, []
    for line in warnings + problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"repcard: {len(problems)} problem{'s' * (len(problems) != 1)} in {site}", file=sys.stderr)
        return 1
    print(f"repcard: {site} passed the site checks (page weight, links, the cards' pages)")
    return 0
