"""The dev server's edit loop: every save reaches the open page, and problems show in it.

Bounded in time, never timed: the speed is measured in bench/devloop.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import project_copy
from ..test_serve import fetch, free_port, wait_for
from .engines import Page

CHROMIUM = os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium")


def start(project: Path, tmp_path: Path, *args: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(project / "build.py"), "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=project,
                                   env=os.environ | {"PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url)[0] == 200, "the server to answer", timeout=60)
    except AssertionError:
        stop(process)
        raise
    return process, url, log


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_copy(tmp_path)


@pytest.fixture
def served(project: Path, tmp_path: Path):
    process, url, log = start(project, tmp_path)
    try:
        yield project, url, log
    finally:
        stop(process)
    assert process.returncode is not None  # nothing left running


def box_text(page) -> str:
    """The problems' box once the page shows it (the page may reload meanwhile: a save can
    be seen as two, the file emptied and then written)."""
    return page.wait_for_function("() => document.getElementById('repcard-problems')?.innerText",
                                  timeout=20_000).json_value()


def open_page(browser, url: str):
    """A page at `url` whose live-reload socket is ready to hear of the next rebuild."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("() => window.LiveReload !== undefined")  # livereload.js has loaded
    return page


# livereload.js has connected, and live.js holds the page as served (the base of an update).
READY = ("window.LiveReload && window.LiveReload.connector.protocol > 0"
         " && performance.getEntriesByName('repcard:ready').length > 0")


def save(path: Path, text: str) -> None:
    """Save as an editor that writes a new file and renames it over the old one: one rebuild
    (a file emptied and then written can be seen as two saves, and reload the page twice)."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text)
    os.replace(new, path)


def open_in(page: Page, url: str) -> None:
    """`url` in an engine's page, ready for updates, with a mark that a reload would wipe."""
    page.goto(url)
    page.wait_for(READY, timeout=20)
    page.evaluate("window.sameDocument = true")


def wait_through_reloads(page: Page, expression: str, timeout: float = 20) -> None:
    """page.wait_for, through the reloads that cut an evaluation short."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            page.wait_for(expression, timeout=max(0.0, deadline - time.monotonic()))
            return
        except TimeoutError:
            raise
        except Exception:  # noqa: BLE001 - each engine says "the page went away" its own way
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_a_text_edit_updates_the_open_page_in_place_and_a_new_element_reloads_it(served, page):
    project, url, _ = served
    open_in(page, url + "exercises/step-ups/")
    exercise = project / "content/exercises/step-ups.md"
    good = exercise.read_text()
    save(exercise, good.replace("title: Step-Ups", "title: Step-Ups <b>slow</b>")
         .replace("Lower\n   slowly", "Lower\n   very slowly"))
    page.wait_for("document.querySelector('h1').textContent.includes('Step-Ups <b>slow</b>')", timeout=20)
    assert page.evaluate("window.sameDocument") is True  # updated, not reloaded
    assert page.count("h1 b") == 0  # text from content stays text
    assert page.evaluate("document.title").startswith("2B Step-Ups <b>slow</b>")
    assert "very slowly" in page.text("main")
    assert page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
                         "['@graph'][0].name") == "Step-Ups <b>slow</b>"
    template = project / "templates/exercise.html"  # an attribute's value, in every page
    save(template, template.read_text().replace('<p class="muscles">', '<p class="muscles worked">'))
    page.wait_for("document.querySelector('p.muscles.worked')", timeout=20)
    assert page.evaluate("window.sameDocument") is True

    save(exercise, good.replace("## Cues", "4. Step down with the left foot.\n\n## Cues"))  # a new <li>
    wait_through_reloads(page, "document.querySelectorAll('main ol li').length === 4")
    assert page.evaluate("window.sameDocument") is None  # reloaded
    assert "Step-Ups" in page.text("h1") and "slow" not in page.text("h1")


def test_a_page_its_scripts_changed_or_a_style_change_reloads(served, page):
    project, url, _ = served
    open_in(page, url + "workout/")  # workout.js has moved the log's fields and marked the step
    exercise = project / "content/exercises/glute-bridge.md"
    save(exercise, exercise.read_text().replace("title: Glute Bridge", "title: Glute Bridge Hold", 1))
    wait_through_reloads(page, "document.body.textContent.includes('Glute Bridge Hold')")
    assert page.evaluate("window.sameDocument") is None

    page.wait_for(READY, timeout=20)
    page.evaluate("window.sameDocument = true")
    style = project / "assets/style.css"
    save(style, style.read_text() + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
    wait_through_reloads(page, "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'")
    assert page.evaluate("window.sameDocument") is None


def test_ten_quick_saves_all_reach_the_open_page(served, browser):
    project, url, _ = served
    page = open_page(browser, url + "exercises/step-ups/")
    exercise = project / "content/exercises/step-ups.md"
    good = exercise.read_text()
    for n in range(1, 11):
        exercise.write_text(good.replace("title: Step-Ups", f"title: Step-Ups take {n}"))
        time.sleep(0.5)
    # The browser reloads by itself; the test only watches.
    page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('take 10')", timeout=20_000)
    assert "take 10" in fetch(url + "exercises/step-ups/")[1]


def test_a_content_error_shows_over_every_page_escaped_and_clears_on_the_fix(served, browser):
    project, url, log = served
    page = open_page(browser, url)
    exercise = project / "content/exercises/step-ups.md"
    good = exercise.read_text()
    exercise.write_text(good.replace("sets: 2", "sets: <script>alert(1)</script>"))
    box = box_text(page)  # the browser was told to reload
    assert "repcard: 1 problem" in box
    assert "step-ups.md:" in box and "<script>alert(1)</script>" in box  # shown as text, not run
    status, html = fetch(url + "exercises/glute-bridge/")
    assert status == 200 and 'id="repcard-problems"' in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Step-Ups" in fetch(url + "exercises/step-ups/")[1]  # the last good site, under the box
    assert "repcard-problems" not in (project / "site/index.html").read_text()  # never written into the site
    assert fetch(url + "assets/style.css")[1].lstrip().startswith((":root", "html", "body", "*"))  # no box in it

    exercise.write_text(good.replace("title: Step-Ups", "title: Fixed Step-Ups"))
    page.wait_for_function("() => document.body.textContent.includes('Fixed Step-Ups')"
                           " && !document.getElementById('repcard-problems')", timeout=20_000)
    assert "repcard-problems" not in fetch(url + "exercises/step-ups/")[1]


def test_a_template_error_shows_in_the_page_and_clears_on_the_fix(served, browser):
    project, url, log = served
    page = open_page(browser, url)
    template = project / "templates/routine.html"
    good = template.read_text()
    template.write_text(good.replace("{{ routine.title }}</h1>", "{{ routine.titel }}</h1>"))
    box = box_text(page)
    assert "repcard: 1 problem" in box and "templates/routine.html:" in box and "template error" in box
    status, html = fetch(url)
    assert status == 200 and "Wake Up Your Glutes" in html and 'id="repcard-problems"' in html  # the last good page

    template.write_text(good.replace("{{ routine.title }}</h1>", "{{ routine.title }} today</h1>"))
    page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('today')"
                           " && !document.getElementById('repcard-problems')", timeout=20_000)
    assert "repcard-problems" not in fetch(url)[1]


def test_an_open_page_reloads_only_when_told(served, browser):
    project, url, _ = served
    status, build = fetch(url + "__repcard__/build")
    assert status == 200 and re.fullmatch(r"\d+\.\d+", build)  # this server, its build
    with urllib.request.urlopen(url, timeout=5) as response:  # a page says which build it is, when it knows
        assert response.headers["X-Repcard-Build"] == build
    page = open_page(browser, url)
    loads = []
    page.on("load", lambda: loads.append(1))
    time.sleep(3)  # connected meanwhile, and asked for the latest build: the one it shows
    assert loads == []


def test_the_dev_server_keeps_no_offline_copies(served):
    project, url, _ = served
    status, worker = fetch(url + "sw.js")
    assert status == 200 and "unregister" in worker and "addAll" not in worker
    assert "addAll" in (project / "site/sw.js").read_text()  # the site itself is as built
