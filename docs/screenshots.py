"""Take the README's pictures: the site on a 360 x 740 phone, and the printed card.

    make screenshots      (builds the seed routine, writes docs/*.png)

The card is printed to PDF by Chromium and turned into a PNG by pdftoppm, as paper would show it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, SiteServer  # noqa: E402
from tests.conftest import SEED, build_site  # noqa: E402

PHONE_PAGES = [("routine", ""), ("exercise", "exercises/hip-extension-with-leg-curl/"), ("workout", "workout/")]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(SEED, Path(tmp) / "site", "--base-url", "https://example.github.io/repcard/")
        server = SiteServer(site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                page = browser.new_page(viewport=PHONE, color_scheme=scheme)
                for name, path in PHONE_PAGES:
                    page.goto(server.url + path)
                    page.screenshot(path=DOCS / f"{name}-{scheme}.png")
                page.close()
            page = browser.new_page()
            page.goto(server.url + "card/")
            pdf = Path(tmp) / "card.pdf"
            page.pdf(path=pdf, format="A4")
            browser.close()
        server.close()
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", pdf, DOCS / "card"], check=True)
    print(f"wrote {', '.join(sorted(p.name for p in DOCS.glob('*.png')))}")


if __name__ == "__main__":
    main()
