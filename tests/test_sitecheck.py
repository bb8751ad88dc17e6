"""`check-site`: what holds for any built site (page weight, links, the card's pages), as the
Pages workflow runs it on a site before publishing it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bench.generate import generate
from repcard.sitecheck import BUDGET, broken_links, card_problems, check_site, heavy_pages

from .conftest import ROOT, build_site, run_build, write_tree

BASE_URL = "https://someone.github.io/repcard/"
CHROMIUM = Path(os.environ.get("REPCARD_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return build_site(ROOT / "tests/fixtures/library", tmp_path_factory.mktemp("library") / "site",
                      "--base-url", BASE_URL)


def test_a_good_site_passes_every_check_and_says_so(library):
    result = run_build("check-site", "--output", library, "--base-url", BASE_URL, "--chromium", CHROMIUM)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"repcard: {library} passed the site checks (page weight, links, the cards' pages)\n"
    assert result.stderr == ""


def test_a_link_that_leads_nowhere_or_leaves_the_address_is_a_problem(tmp_path):
    site = write_tree(tmp_path / "site", {
        "index.html": '<a href="exercises/">all</a><a href="gone/">gone</a><a href="https://elsewhere.example/">x</a>'
                      f'<a href="{BASE_URL}">home</a><a href="#top">top</a>',
        "exercises/index.html": '<a href="../">home</a><img src="a.webp">'})
    assert [str(p) for p in broken_links(site, BASE_URL)] == [
        f"{site}/exercises/index.html: a.webp leads nowhere in the site",
        f"{site}/index.html: gone/ leads nowhere in the site",
        f"{site}/index.html: https://elsewhere.example/ leaves the site's address {BASE_URL}"]


def test_a_heavy_page_is_a_warning_and_twice_the_budget_a_problem(tmp_path):
    def noise(size: int) -> str:  # random hex gzips to about half its length
        return os.urandom(size).hex()

    site = write_tree(tmp_path / "site", {"index.html": "<p>light</p>", "heavy.html": noise(BUDGET + 2000),
                                          "heavier.html": noise(3 * BUDGET)})
    problems, warnings = heavy_pages(site)
    assert [p.path for p in warnings] == [f"{site}/heavy.html"] and "over the budget" in warnings[0].message
    assert [p.path for p in problems] == [f"{site}/heavier.html"] and "over twice the budget" in problems[0].message


def test_strict_makes_a_heavy_page_fail_the_check(tmp_path):
    site = write_tree(tmp_path / "site", {"index.html": os.urandom(BUDGET + 2000).hex()})  # gzipped, past the budget
    relaxed = run_build("check-site", "--output", site)
    assert relaxed.returncode == 0 and ": warning: " in relaxed.stderr
    strict = run_build("check-site", "--output", site, "--strict")
    assert strict.returncode == 1 and strict.stderr.splitlines()[-1] == f"repcard: 1 problem in {site}"


def test_a_card_that_prints_on_more_pages_than_announced_is_a_problem(tmp_path):
    site = build_site(generate(tmp_path / "big", 30, per_circuit=2, long=True), tmp_path / "site")
    assert card_problems(site, CHROMIUM) == []  # the build announced what it prints
    card = site / "card/index.html"
    announced = re.search(r'data-pages="(\d+)"', card.read_text())[1]
    assert int(announced) > 1
    card.write_text(card.read_text().replace(f'data-pages="{announced}"', 'data-pages="1"'))
    problems = [str(p) for p in card_problems(site, CHROMIUM)]
    assert problems and all(re.fullmatch(rf"{card}: prints on \d+ pages of (A4|Letter); the build announced 1", p)
                            for p in problems), problems


def test_no_site_or_no_browser_is_said_plainly(tmp_path, library):
    assert [str(p) for p in check_site(tmp_path, "", CHROMIUM)[0]] == [
        f"{tmp_path}: no site here (no index.html): build it first"]
    [problem] = card_problems(library, tmp_path / "no-chrome")
    assert str(problem) == (f"{library}: no Chromium or Chrome to print the cards with ({tmp_path}/no-chrome): "
                            "install one, or name it with --chromium PATH")
