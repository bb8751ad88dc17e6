"""Lighthouse (mobile) scores: the library's home, a routine, an exercise page with photos, workout mode,
the library's index, the history page, a program's page and a program week's workout mode.

    make lighthouse        (installs npm's lighthouse into bench/lighthouse/, then runs this)

Lighthouse drives Debian's Chromium; the sample library (tests/fixtures/library) is built and
served under /repcard/ as on GitHub Pages. Prints performance, accessibility, best practices and SEO per page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, SiteServer  # noqa: E402
from tests.conftest import ROOT as PROJECT, build_site  # noqa: E402

LIGHTHOUSE = ROOT / "bench/node_modules/.bin/lighthouse"
CHROME = "/usr/lib/chromium/chromium"  # the binary behind Debian's /usr/bin/chromium wrapper
LIBRARY = PROJECT / "tests/fixtures/library"
PAGES = {"home": "", "routine": "routines/whole-workout/", "exercise": "exercises/glute-bridge/",
         "workout": "routines/whole-workout/workout/", "library": "exercises/", "history": "history/",
         "program": "programs/six-weeks/", "week": "programs/six-weeks/week-3/workout/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def scores(url: str, out: Path) -> dict[str, int]:
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
         f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}"],
        check=True, env=os.environ | {"CHROME_PATH": CHROME}, timeout=300)
    report = json.loads(out.read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main(names: list[str]) -> None:
    """`names`: some of PAGES only (python bench/lighthouse.py program week); all of them by default."""
    with tempfile.TemporaryDirectory() as tmp:
        server = SiteServer(Path(tmp) / "site")
        build_site(LIBRARY, Path(tmp) / "site", "--base-url", server.url, "--cache", Path(tmp) / "cache")
        print(f"{'page':10} " + " ".join(f"{c:>15}" for c in CATEGORIES))
        for name, path in PAGES.items():
            if names and name not in names:
                continue
            result = scores(server.url + path, Path(tmp) / f"{name}.json")
            print(f"{name:10} " + " ".join(f"{result[c]:>15}" for c in CATEGORIES))
        server.close()


if __name__ == "__main__":
    main(sys.argv[1:])
