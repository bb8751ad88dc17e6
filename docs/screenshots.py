"""Take the README's pictures: the site on a 360 x 740 phone, and the printed cards.

    make screenshots                      (builds the sample routine and the sample library, writes docs/*.png)
    .venv/bin/python docs/screenshots.py program     (only the program's, and the home page that lists it)

The card is printed to PDF by Chromium and turned into a PNG by pdftoppm, as paper would show it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from datetime import datetime, timezone

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, SiteServer  # noqa: E402
from tests.conftest import ROOT, SEED, build_site  # noqa: E402

LIBRARY = ROOT / "tests/fixtures/library"
LIBRARY_PAGES = [("home", ""), ("exercise-photos", "exercises/glute-bridge/"), ("library", "exercises/")]
CARDS = {"card-whole-workout": "routines/whole-workout/card/", "card-before-a-run": "routines/before-a-run/card/"}

PHONE_PAGES = [("routine", ""), ("exercise", "exercises/hip-extension-with-leg-curl/"), ("workout", "workout/")]
# What a session logs for the log's pictures: {exercise: (reps, weight)}.
ENTRIES = {"glute-bridge": ("10", "12"), "hip-extension-with-leg-curl": ("12", "20"), "romanian-deadlift": ("10", "30")}


def log_pictures(browser, url: str, scheme: str) -> None:
    """A set with last time, a rest past zero, the history page and the export, a day after a session."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, timezone_id="UTC", accept_downloads=True)
    page = context.new_page()
    page.clock.install(time=datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc))
    page.goto(url + "workout/")
    while "finish" not in page.locator(".step.current").get_attribute("class"):
        step = page.locator(".step.current").get_attribute("data-step")
        reps, weight = ENTRIES.get(step.split(":")[0], ("", ""))
        if reps:
            page.get_by_label("Reps").fill(reps)
            page.get_by_label("Weight").fill(weight)
        page.locator("#done").click()
        page.clock.run_for(150_000)
    page.evaluate("repcardLog.idle()")
    page.clock.set_system_time(datetime(2026, 11, 23, 18, 5, tzinfo=timezone.utc))
    page.goto(url + "workout/")
    for _ in range(6):
        page.locator("#done").click()
    page.wait_for_function("document.querySelector('.step.current .hint').textContent")
    page.screenshot(path=DOCS / f"log-set-{scheme}.png")
    page.get_by_label("Weight").fill("22.5")
    page.locator("#done").click()
    page.locator("#done").click()
    page.clock.run_for(72_000)
    page.screenshot(path=DOCS / f"log-rest-{scheme}.png")
    page.evaluate("repcardLog.idle()")
    page.goto(url + "history/")
    page.wait_for_selector("#history[data-ready=true]")
    page.locator("#sessions").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('sessions').previousElementSibling.scrollIntoView()")
    page.screenshot(path=DOCS / f"history-{scheme}.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    csv = Path(download.value.path()).read_text()
    page.wait_for_function("document.getElementById('message').textContent")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=DOCS / f"export-{scheme}.png")
    (DOCS / "export-sample.csv").write_text(csv)
    context.close()


def print_card(browser, url: str, out: Path, tmp: Path) -> None:
    """The card printed to PDF by Chromium, then a PNG of it as paper would show it."""
    page = browser.new_page()
    page.goto(url)
    pdf = tmp / f"{out.name}.pdf"
    page.pdf(path=pdf, format="A4")
    page.close()
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", pdf, out], check=True)


def library_pictures(browser, tmp: Path) -> None:
    """The library: its home page, an exercise with photos, the index, and both routines' cards."""
    site = build_site(LIBRARY, tmp / "library", "--base-url", "https://example.github.io/repcard/",
                      "--cache", tmp / "cache")
    server = SiteServer(site)
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport=PHONE, color_scheme=scheme)
        for name, path in LIBRARY_PAGES:
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=DOCS / f"{name}-{scheme}.png", full_page=name == "exercise-photos")
        page.close()
    for name, path in CARDS.items():
        print_card(browser, server.url + path, DOCS / name, tmp)
    program_pictures(browser, server.url, tmp)
    server.close()


PROGRAM = "programs/six-weeks/"


def program_pictures(browser, url: str, tmp: Path) -> None:
    """The sample program after week 1's two sessions (the Romanian deadlift at the top of its range):
    its page opening on week 2, the set that prescribes the increment, and week 3's card."""
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme, timezone_id="UTC")
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(".today[data-ready]")
        page.screenshot(path=DOCS / f"home-{scheme}.png")
        page.clock.install(time=datetime(2026, 11, 16, 18, 0, tzinfo=timezone.utc))
        for day in (16, 19):  # Monday and Thursday of week 1
            page.clock.set_system_time(datetime(2026, 11, day, 18, 0, tzinfo=timezone.utc))
            page.goto(url + PROGRAM + "week-1/workout/")
            while "finish" not in page.locator(".step.current").get_attribute("class"):
                if page.locator(".step.current").get_attribute("data-step").startswith("romanian-deadlift:"):
                    page.get_by_label("Reps").fill("12")
                    page.get_by_label("Weight").fill("40")
                page.locator("#done").click()
                page.clock.run_for(90_000)
            page.evaluate("repcardLog.idle()")
        page.clock.set_system_time(datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc))
        page.goto(url + PROGRAM)
        page.wait_for_selector(".today[data-ready]")
        page.screenshot(path=DOCS / f"program-{scheme}.png")
        page.locator(".today .start").click()
        page.wait_for_selector(".workout-started")
        while page.locator(".step.current").get_attribute("data-step") != "romanian-deadlift:1":
            page.locator("#done").click()
        page.wait_for_function("document.querySelector('.step.current .hint').textContent")
        page.screenshot(path=DOCS / f"program-set-{scheme}.png")
        card = context.new_page()
        card.set_viewport_size({"width": 820, "height": 1180})  # a tablet: the sheet as it prints
        card.goto(url + PROGRAM + "week-3/card/")
        card.screenshot(path=DOCS / f"card-week-{scheme}.png")
        context.close()
    print_card(browser, url + PROGRAM + "week-3/card/", DOCS / "card-week-3", tmp)


def main() -> None:
    if sys.argv[1:] == ["program"]:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
            site = build_site(LIBRARY, Path(tmp) / "library", "--base-url", "https://example.github.io/repcard/",
                              "--cache", Path(tmp) / "cache")
            server = SiteServer(site)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            program_pictures(browser, server.url, Path(tmp))
            browser.close()
            server.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(SEED, Path(tmp) / "site", "--base-url", "https://example.github.io/repcard/")
        server = SiteServer(site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                page = browser.new_page(viewport=PHONE, color_scheme=scheme)
                for name, path in PHONE_PAGES:
                    page.goto(server.url + path)
                    # workout mode's "Last time" line fills in once the log's database answers
                    page.wait_for_function("!document.querySelector('.log .last')?.matches(':empty')")
                    page.screenshot(path=DOCS / f"{name}-{scheme}.png")
                page.close()
                log_pictures(browser, server.url, scheme)
            print_card(browser, server.url + "card/", DOCS / "card", Path(tmp))
            library_pictures(browser, Path(tmp))
            browser.close()
        server.close()
    print(f"wrote {', '.join(sorted(p.name for p in DOCS.glob('*.png')))}")


if __name__ == "__main__":
    main()
