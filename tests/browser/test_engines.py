"""The page API itself (engines.py), the same in every engine."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader


def test_the_page_api_reads_clicks_and_evaluates(page, served):
    page.goto(served.url)
    assert page.url == served.url
    assert page.text("h1") == "Wake Up Your Glutes and Hamstrings"
    assert page.count("section.circuit") == 3 and len(page.texts("section.circuit h3")) == 3
    assert page.visible("main") and not page.visible("#no-such-thing")
    assert page.attribute("html", "lang") == "en" and page.attribute("html", "no-such") is None
    assert page.evaluate("[innerWidth, innerHeight]") == [360, 740]
    assert page.evaluate("arg.n + 1", {"n": 41}) == 42
    assert page.evaluate("new Promise(r => setTimeout(() => r('later'), 50))") == "later"
    assert page.evaluate("localStorage.length") == 0  # a fresh page remembers nothing
    page.evaluate("localStorage.setItem('left-over', '1')")
    page.click("section.circuit ol.exercises a")
    page.wait_for("location.pathname.endsWith('/exercises/glute-bridge/')")
    assert page.text("h1").split() == ["1A", "Glute", "Bridge"]
    page.reload()
    assert page.text("h1").split() == ["1A", "Glute", "Bridge"]
    page.set_viewport(320, 600)
    assert page.evaluate("[innerWidth, innerHeight]") == [320, 600]
    shot = Image.open(io.BytesIO(page.screenshot()))
    assert shot.width / shot.height == 320 / 600


def test_a_fresh_page_forgets_the_last_ones_storage(page, served):
    page.goto(served.url)
    assert page.evaluate("localStorage.getItem('left-over')") is None


def test_the_page_prints_to_pdf(page, served):
    page.goto(served.url + "card/")
    assert len(PdfReader(io.BytesIO(page.pdf("Letter"))).pages) == 1
