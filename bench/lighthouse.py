"""Lighthouse (mobile) scores: the library's home, a routine, an exercise page with photos, workout mode,
the library's index, the history page, a program's page and a program week's workout mode; then the
history page and an exercise's chart with three years of history in the log.

    make lighthouse        (installs npm's lighthouse into bench/lighthouse/, then runs this)

Lighthouse drives Debian's Chromium; the sample library (tests/fixtures/library) is built and
served under /repcard/ as on GitHub Pages. Prints performance, accessibility, best practices and SEO per page.
For the pages with history, Chromium is started with a profile of its own, the log filled there as
bench/gymlog.py fills it, and Lighthouse run on that browser without clearing its storage.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gymlog import fill  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PREFIX, SiteServer  # noqa: E402
from tests.conftest import ROOT as PROJECT, build_site  # noqa: E402

LIGHTHOUSE = ROOT / "bench/node_modules/.bin/lighthouse"
CHROME = "/usr/lib/chromium/chromium"  # the binary behind Debian's /usr/bin/chromium wrapper
LIBRARY = PROJECT / "tests/fixtures/library"
PAGES = {"home": "", "routine": "routines/whole-workout/", "exercise": "exercises/glute-bridge/",
         "workout": "routines/whole-workout/workout/", "library": "exercises/", "history": "history/",
         "program": "programs/six-weeks/", "week": "programs/six-weeks/week-3/workout/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


WITH_HISTORY = {"history, 3 years": "history/", "chart, 3 years": "exercises/glute-bridge/"}


def scores(url: str, out: Path, *options: str) -> dict[str, int]:
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
         f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}", *options],
        check=True, env=os.environ | {"CHROME_PATH": CHROME}, timeout=300)
    report = json.loads(out.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_history(server: SiteServer, tmp: Path) -> dict[str, dict[str, int]]:
    """Lighthouse on pages of a browser whose log holds three years (624 sessions, 7,488 sets)."""
    port = free_port()
    chrome = subprocess.Popen([CHROME, "--headless=new", f"--remote-debugging-port={port}", f"--user-data-dir={tmp / 'profile'}",
                               *CHROMIUM_ARGS, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            for _ in range(100):  # until its DevTools answer
                try:
                    browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                    break
                except Exception:
                    time.sleep(0.1)
            page = browser.contexts[0].new_page()
            fill(page, server.url + "routines/whole-workout/workout/", 3, [PREFIX + "routines/whole-workout/"])
            page.close()
            browser.close()  # lets go of the connection; the browser and its profile stay
        return {name: scores(server.url + path, tmp / f"{name}.json", f"--port={port}", "--disable-storage-reset")
                for name, path in WITH_HISTORY.items()}
    finally:
        chrome.terminate()
        chrome.wait(30)


def main(names: list[str]) -> None:
    """`names`: some of PAGES or WITH_HISTORY only (python bench/lighthouse.py program week); all by default."""
    with tempfile.TemporaryDirectory() as tmp:
        server = SiteServer(Path(tmp) / "site")
        build_site(LIBRARY, Path(tmp) / "site", "--base-url", server.url, "--cache", Path(tmp) / "cache")
        print(f"{'page':10} " + " ".join(f"{c:>15}" for c in CATEGORIES))
        for name, path in PAGES.items():
            if names and name not in names:
                continue
            result = scores(server.url + path, Path(tmp) / f"{name}.json")
            print(f"{name:10} " + " ".join(f"{result[c]:>15}" for c in CATEGORIES))
        if not names or set(names) & WITH_HISTORY.keys():
            for name, result in with_history(server, Path(tmp)).items():
                print(f"{name:10} " + " ".join(f"{result[c]:>15}" for c in CATEGORIES))
        server.close()


if __name__ == "__main__":
    main(sys.argv[1:])
