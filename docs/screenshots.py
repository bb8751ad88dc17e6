"""Take the README's pictures: the site on a 360 x 740 phone, and the printed cards.

    make screenshots                      (builds the sample routine and the sample library, writes docs/*.png)
    .venv/bin/python docs/screenshots.py program     (only the program's, and the home page that lists it)
    .venv/bin/python docs/screenshots.py languages   (only French, Arabic and the German card)

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
IMPORTS = ROOT / "tests/fixtures/imports"
# What a session logs for the log's pictures: {exercise: (reps, weight)}.
ENTRIES = {"glute-bridge": ("10", "12"), "hip-extension-with-leg-curl": ("12", "20"), "romanian-deadlift": ("10", "30")}


def draw_every_chart(page) -> None:
    """The history page draws each exercise's chart as it comes into view: all of them, before a picture."""
    for section in page.locator(".exercise-log").all():
        section.scroll_into_view_if_needed()
        section.locator("svg.chart").wait_for()


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
    page.wait_for_function("() => document.querySelector('.step.current .hint').textContent")
    page.screenshot(path=DOCS / f"log-set-{scheme}.png")
    page.get_by_label("Weight").fill("22.5")
    page.locator("#done").click()
    page.locator("#done").click()
    page.clock.run_for(72_000)
    page.screenshot(path=DOCS / f"log-rest-{scheme}.png")
    page.evaluate("repcardLog.idle()")
    page.goto(url + "history/")
    page.wait_for_selector("#history[data-ready=true]")
    draw_every_chart(page)
    page.locator("#sessions").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('sessions').previousElementSibling.scrollIntoView()")
    page.screenshot(path=DOCS / f"history-{scheme}.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    csv = Path(download.value.path()).read_text()
    page.wait_for_function("() => document.getElementById('message').textContent")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=DOCS / f"export-{scheme}.png")
    (DOCS / "export-sample.csv").write_text(csv)
    context.close()


# Six months of a lifter's log, as a person's looks: weights that climb, stall and drop back after
# a week off, reps that wander; two or three sessions a week.
LIFTER = """async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const day = 864e5;
  const now = new Date(); now.setHours(18, 0, 0, 0);
  const plan = [["romanian-deadlift", "Romanian Deadlift", 3, 40], ["glute-bridge", "Glute Bridge", 2, 20],
                ["band-walking", "Band Walking", 2, null]];
  const sessions = [], sets = [];
  let load = 1;
  for (let w = 25; w >= 0; w--) {
    if (w === 12) continue; // a week off
    load = w === 11 ? load - 0.1 : Math.min(load + (random() < 0.6 ? 0.05 : 0), 1.9);
    for (const d of (random() < 0.5 ? [0, 3] : [0, 2, 4])) {
      const started = now.getTime() - (w * 7 + 5 - d) * day;
      if (started > Date.now()) continue;
      const id = "lifter-" + w + "-" + d;
      sessions.push({ id, routine: "/repcard/", title: "Wake Up Your Glutes and Hamstrings", started, finished: started + 35 * 6e4 });
      let at = started;
      for (const [slug, name, count, base] of plan) {
        const weight = base == null ? null : Math.round(base * load / 2.5) * 2.5;
        for (let set = 1; set <= count; set++) sets.push({ id: id + "|" + slug + ":" + set, session: id, step: slug + ":" + set,
          exercise: slug, name, set, reps: base == null ? 15 + Math.floor(random() * 6) : 8 + Math.floor(random() * 5),
          weight, unit: "kg", timed: false, at: at += 15e4 });
      }
    }
  }
  await repcardLog.inStores("readwrite", (s) => { for (const x of sessions) s.sessions.put(x); for (const x of sets) s.sets.put(x); });
  return sessions.length;
}"""


def progress_pictures(browser, url: str, scheme: str) -> None:
    """An exercise's chart, the weeks' bars, a record in workout mode and an import's names (issue 22)."""
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, device_scale_factor=2)
    page = context.new_page()
    page.goto(url + "history/")
    page.evaluate(LIFTER)
    page.goto(url + "exercises/romanian-deadlift/")
    page.wait_for_selector("#exercise-progress[data-ready=true] svg.chart")
    page.evaluate("document.getElementById('exercise-progress').scrollIntoView()")
    page.screenshot(path=DOCS / f"progress-chart-{scheme}.png")
    page.goto(url + "history/")
    page.wait_for_selector("#history[data-ready=true]")
    page.evaluate("document.getElementById('weeks').scrollIntoView()")
    page.screenshot(path=DOCS / f"progress-weeks-{scheme}.png")
    page.goto(url + "workout/")
    page.wait_for_function("() => document.querySelector('.step.current .log .last').textContent.startsWith('Last time: ')")
    page.get_by_label("Weight").fill("45")  # the glute bridge's best was 37.5 kg
    page.locator("#done").click()
    page.wait_for_function("() => document.getElementById('record').textContent")
    page.screenshot(path=DOCS / f"progress-record-{scheme}.png")
    page.goto(url + "history/")
    page.wait_for_selector("#history[data-ready=true]")
    page.locator("#import").set_input_files(str(IMPORTS / "strong.csv"))
    page.wait_for_selector("#mapping")
    page.evaluate("document.getElementById('mapping').scrollIntoView(), scrollBy(0, -12)")
    page.screenshot(path=DOCS / f"progress-import-{scheme}.png")
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
        page.wait_for_function("() => document.querySelector('.step.current .hint').textContent")
        page.screenshot(path=DOCS / f"program-set-{scheme}.png")
        card = context.new_page()
        card.set_viewport_size({"width": 820, "height": 1180})  # a tablet: the sheet as it prints
        card.goto(url + PROGRAM + "week-3/card/")
        card.screenshot(path=DOCS / f"card-week-{scheme}.png")
        context.close()
    print_card(browser, url + PROGRAM + "week-3/card/", DOCS / "card-week-3", tmp)


MULTILINGUAL = ROOT / "tests/fixtures/multilingual"
ARABIC = ROOT / "tests/fixtures/arabic"


def language_pictures(browser, tmp: Path) -> None:
    """The site in the author's language (issue 24): workout mode and the history in French, the
    Arabic site right to left, and the card printed in German."""
    site = build_site(MULTILINGUAL, tmp / "multilingual", "--cache", tmp / "cache")
    server = SiteServer(site)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme, timezone_id="Europe/Paris", locale="fr-FR")
        page = context.new_page()
        page.clock.install(time=datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc))
        page.goto(server.url + "fr/routines/whole-workout/workout/")
        while "finish" not in page.locator(".step.current").get_attribute("class"):
            step = page.locator(".step.current").get_attribute("data-step")
            reps, weight = ENTRIES.get(step.split(":")[0], ("", ""))
            if reps:
                page.get_by_label("Répétitions").fill(reps)
                page.get_by_label("Charge").fill(weight.replace(".", ","))
            page.locator("#done").click()
            page.clock.run_for(150_000)
        page.evaluate("repcardLog.idle()")
        page.clock.set_system_time(datetime(2026, 11, 23, 18, 5, tzinfo=timezone.utc))
        page.goto(server.url + "fr/routines/whole-workout/workout/")
        for _ in range(6):
            page.locator("#done").click()
        page.wait_for_function("() => document.querySelector('.step.current .hint').textContent")
        page.screenshot(path=DOCS / f"fr-workout-{scheme}.png")
        page.goto(server.url + "fr/history/")
        page.wait_for_selector("#history[data-ready=true]")
        draw_every_chart(page)
        page.evaluate("document.getElementById('sessions').previousElementSibling.scrollIntoView()")
        page.screenshot(path=DOCS / f"fr-history-{scheme}.png")
        context.close()
    server.close()
    arabic = SiteServer(build_site(ARABIC, tmp / "arabic"))
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport=PHONE, color_scheme=scheme)
        page.goto(arabic.url)
        page.screenshot(path=DOCS / f"ar-routine-{scheme}.png")
        page.goto(arabic.url + "workout/")
        page.wait_for_selector('.step.current .log .last:not(:empty)')
        page.screenshot(path=DOCS / f"ar-workout-{scheme}.png")
        page.close()
    print_card(browser, arabic.url + "card/", DOCS / "card-ar", tmp)
    arabic.close()
    (tmp / "repcard.toml").write_text('language = "de"\n')
    german = SiteServer(build_site(SEED, tmp / "german", "--config", tmp / "repcard.toml",
                                   "--base-url", "https://example.github.io/repcard/"))
    print_card(browser, german.url + "card/", DOCS / "card-de", tmp)
    german.close()


def main() -> None:
    if sys.argv[1:] == ["languages"]:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            language_pictures(browser, Path(tmp))
            browser.close()
        return
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
                    page.wait_for_function("() => !document.querySelector('.log .last')?.matches(':empty')")
                    page.screenshot(path=DOCS / f"{name}-{scheme}.png")
                page.close()
                log_pictures(browser, server.url, scheme)
                progress_pictures(browser, server.url, scheme)
            print_card(browser, server.url + "card/", DOCS / "card", Path(tmp))
            library_pictures(browser, Path(tmp))
            language_pictures(browser, Path(tmp))
            browser.close()
        server.close()
    print(f"wrote {', '.join(sorted(p.name for p in DOCS.glob('*.png')))}")


if __name__ == "__main__":
    main()
