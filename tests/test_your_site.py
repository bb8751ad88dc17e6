"""Checks that hold for ANY valid routine: what the Pages workflow runs on a fork's own content.

    make publish BASE_URL=https://you.github.io/repo/    (what .github/workflows/pages.yml runs)

With REPCARD_SITE set (by `make publish`), these check that built site; otherwise they build
content/ (whatever a user put there) into a temporary folder. They assert nothing about
what the routine is: only what every site must be — light pages, links that stay under the
site's address, a card that prints on the pages the build announced.
"""

from __future__ import annotations

import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.pageweight import BUDGET, WITH_DEFERRED, render_weights
from repcard.card import plan_card
from repcard.content import load

from .conftest import ROOT, build_site
from .htmltools import parse, references, resolve

CONTENT = Path(os.environ.get("REPCARD_CONTENT", ROOT / "content"))
BASE_URL = os.environ.get("REPCARD_BASE_URL", "https://someone.github.io/repcard/")
CHROMIUM = os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if built := os.environ.get("REPCARD_SITE"):
        return Path(built)
    return build_site(CONTENT, tmp_path_factory.mktemp("yours") / "site", "--base-url", BASE_URL)


def test_every_page_is_light(site):
    # 14 KB is one round trip: what renders a page (HTML, CSS, blocking scripts), with its deferred
    # scripts within 32 KB. A page listing a long routine (workout mode) may pass them and still load
    # fast: past them is a warning; past twice them, a failure.
    weights = render_weights(site)
    heavy = {page: w for page, w in weights.items() if w[0] > BUDGET or w[1] > WITH_DEFERRED}
    if heavy:
        warnings.warn(f"pages over {BUDGET:,} bytes gzipped to render or {WITH_DEFERRED:,} with deferred "
                      f"scripts (render, with deferred): {heavy}")
    over = {page: w for page, w in heavy.items() if w[0] > 2 * BUDGET or w[1] > 2 * WITH_DEFERRED}
    assert not over, f"pages over twice the budget: {over}"


def test_every_link_stays_under_the_sites_address_and_leads_somewhere(site):
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    broken = []
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        # GitHub Pages serves 404.html at whatever address was missed: its <base> makes its
        # links resolve from the site's root.
        base = "index.html" if path == "404.html" else path
        for url in references(parse(page.read_bytes())):
            if url.startswith(BASE_URL):  # canonical links, the 404 page's <base>
                continue
            if url.startswith(("http:", "https:", "//", "/")):
                broken.append(f"{path}: {url} leaves the site's address {BASE_URL}")
            elif resolve(base, url) not in files:
                broken.append(f"{path}: {url} leads nowhere in the site")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_card_prints_on_the_pages_the_build_announced(site, paper):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from .browser.conftest import CHROMIUM_ARGS, SiteServer

    server = SiteServer(site)
    printed = {}

    def print_cards() -> None:  # on a thread of its own: the suite may run another Playwright here
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for routine in load(CONTENT).every_routine:  # a program's weeks have cards too
                announced = plan_card(routine, with_qr=True).pages  # more than 1: the build warned
                page = browser.new_page()
                page.goto(f"{server.url}{routine.path}card/")
                pages = len(PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
                printed[routine.path or "card/"] = (pages, announced)
                page.close()
            browser.close()

    try:
        with ThreadPoolExecutor(1) as thread:
            thread.submit(print_cards).result()
    finally:
        server.close()
    wrong = {card: f"prints on {pages} pages of {paper}; the build said {announced}"
             for card, (pages, announced) in printed.items() if pages > announced}
    assert not wrong, wrong
