"""The printed circuit card: one page on A4 and Letter, checked by printing it in every engine, each
through its own print path (WebKit through WebKitGTK's print operation, as its WebDriver cannot print)."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bench.generate import generate
from repcard.card import plan_card
from repcard.content import load

from ..conftest import SEED, build_site, run_build
from .conftest import SiteServer

BASE_URL = "https://someone.github.io/repcard/"
# The area A4 and Letter share inside 10 mm margins, at 96 px an inch: 190 x 259 mm.
SHARED_AREA = {"width": 718, "height": 980}


def print_card(page, site, paper: str) -> PdfReader:
    """`site`'s card printed by `page`'s engine (engines.py: 10 mm margins, scale 1)."""
    server = SiteServer(site)
    try:
        page.goto(server.url + "card/")
        pdf = page.pdf(paper)
    finally:
        server.close()
    return PdfReader(io.BytesIO(pdf))


def card_geometry(browser, site) -> dict:
    server = SiteServer(site)
    try:
        page = browser.new_page(viewport=SHARED_AREA)
        page.goto(server.url + "card/")
        page.emulate_media(media="print")
        sizes = page.evaluate("""() => {
            const card = document.querySelector('.card');
            return {card: [card.scrollWidth, card.scrollHeight],
                    page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight]};
        }""")
        page.close()
    finally:
        server.close()
    return sizes


def pdf_text(reader: PdfReader) -> str:
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())  # undo ligatures such as "ﬀ"


@pytest.fixture(scope="module")
def routines(tmp_path_factory):
    """The seed and four generated routines of 12 exercises, realistic and at every length limit."""
    root = tmp_path_factory.mktemp("routines")
    sites = {"seed": None}
    for name, per_circuit, long in [("6x2", 2, False), ("4x3", 3, False),
                                    ("6x2-long", 2, True), ("4x3-long", 3, True)]:
        content = generate(root / name, 12, per_circuit=per_circuit, long=long)
        sites[name] = build_site(content, root / f"{name}-site", "--base-url", BASE_URL)
    return sites


@pytest.mark.parametrize("routine", ["seed", "6x2", "4x3", "6x2-long", "4x3-long"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_card_prints_on_one_page(page, routines, seed_site, routine, paper):
    # The card breaks its own two columns: CSS columns printed as one column in WebKit and
    # ran to a second page in Firefox.
    site = routines[routine] or seed_site
    reader = print_card(page, site, paper)
    starts = [" ".join(sheet.extract_text().split())[:80] for sheet in reader.pages]
    assert len(reader.pages) == 1, f"{page.engine}: {routine} prints {len(reader.pages)} pages on {paper}: {starts}"


@pytest.mark.parametrize("routine", ["seed", "6x2", "4x3", "6x2-long", "4x3-long"])
def test_card_fits_the_shared_area_without_being_scaled_down(browser, routines, seed_site, routine):
    # Chromium shrinks over-wide content to fit the paper, so a page count alone would pass it.
    sizes = card_geometry(browser, routines[routine] or seed_site)
    assert sizes["card"][0] <= SHARED_AREA["width"] and sizes["card"][1] <= SHARED_AREA["height"], sizes
    assert sizes["page"][0] <= SHARED_AREA["width"], sizes


def test_card_lists_every_exercise_in_doing_order(page, seed_site):
    text = pdf_text(print_card(page, seed_site, "A4"))
    names = ["Glute Bridge", "Band Walking", "Hip Extension With Leg Curl", "Step-Ups", "Reverse Lunge",
             "Romanian Deadlift"]
    positions = [text.find(name) for name in names]
    assert -1 not in positions and positions == sorted(positions), text
    assert "Alarm Clock" in text
    assert "You need: mini band, exercise ball" in text
    assert "Check in: Shoes off" in text
    assert "Easier: Leave out the curl" in text and "Harder: One leg at a time." in text
    assert "Print" not in text.split()  # no screen chrome on paper


def test_generated_card_keeps_doing_order_not_file_order(page, routines):
    text = pdf_text(print_card(page, routines["4x3"], "Letter"))
    # Firefox's PDF text has no space between a slot and its name ("1AStaggered").
    numbers = [int(n) for n in re.findall(r"\b\d[A-C] ?[A-Z][\w-]+ [A-Z][\w-]+ (\d+)\b", text)]
    assert numbers == list(range(1, 13)), text


def test_paper_is_black_on_white_even_in_dark_mode(browser, seed_site):
    server = SiteServer(seed_site)
    try:
        page = browser.new_page(color_scheme="dark")
        page.goto(server.url + "card/")
        assert page.locator("#print").is_visible()  # on screen: a Print button
        page.emulate_media(media="print", color_scheme="dark")
        colours = page.evaluate("""() => ({
            body: getComputedStyle(document.body).backgroundColor,
            name: getComputedStyle(document.querySelector('.ex .name')).color,
            cue: getComputedStyle(document.querySelector('.ex .cue')).color,
            toolbar: getComputedStyle(document.querySelector('.toolbar')).display,
            size: parseFloat(getComputedStyle(document.querySelector('.ex .vars')).fontSize),
        })""")
    finally:
        server.close()
    assert colours["body"] == "rgb(255, 255, 255)"
    assert colours["name"] == colours["cue"] == "rgb(0, 0, 0)"
    assert colours["toolbar"] == "none"
    assert colours["size"] >= 12  # px: 9 pt, the smallest text on the card


def test_no_qr_code_without_a_base_url(seed_site):
    html = (seed_site / "card/index.html").read_text()
    assert "<svg" not in html and "<img" not in html


def test_qr_code_opens_the_routine_page(browser, routines):
    server = SiteServer(routines["6x2"])
    try:
        page = browser.new_page(device_scale_factor=3)
        page.goto(server.url + "card/")
        png = page.locator("figure.qr svg").screenshot()
    finally:
        server.close()
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert barcode.text == BASE_URL
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.ec_level == "Q"


@pytest.mark.engines("chromium")  # the build's estimate is checked against one engine's print
def test_a_routine_too_long_for_one_page_builds_with_a_warning(page, tmp_path):
    content = generate(tmp_path / "big", 30, per_circuit=2, long=True)
    result = run_build("--content", content, "--output", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    warning = re.search(r"warning: card/index.html needs (\d+) pages of A4 or Letter", result.stderr)
    assert warning, result.stderr
    printed = len(print_card(page, tmp_path / "site", "A4").pages)
    assert printed > 1 and int(warning[1]) >= printed - 1


@pytest.mark.parametrize("routine", ["seed", "6x2", "4x3", "6x2-long", "4x3-long"])
def test_the_builds_estimate_is_never_shorter_than_the_printed_card(browser, routines, seed_site, routine):
    # The build picks the card's layout from its estimate of the printed height: an estimate
    # below the real height would let a card spill onto a second page unannounced.
    site = routines[routine] or seed_site
    content = site.parent / routine if routines[routine] else SEED
    layout = plan_card(load(content).routines[0], with_qr=routine != "seed")
    printed = card_geometry(browser, site)["card"][1] * 25.4 / 96  # CSS px to mm
    assert layout.height >= printed, f"{routine}: estimated {layout.height:.0f} mm, printed {printed:.0f} mm"
