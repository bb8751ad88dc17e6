"""What only a browser shows: the pages on a phone-sized screen, in every engine."""

from __future__ import annotations

import pytest

from .conftest import site_pages

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("width", [320, 360])
def test_no_page_scrolls_sideways_on_a_phone(page, every_site, width):
    site, served = every_site
    page.set_viewport(width, 740)
    overflowing = []
    for path in site_pages(site):
        page.goto(served.url + path)
        if not page.evaluate(NO_OVERFLOW):
            overflowing.append((path, page.evaluate("document.documentElement.scrollWidth")))
    assert not overflowing, f"{page.engine}: pages wider than {width} px: {overflowing}"


def test_routine_page_on_a_phone_shows_circuits_in_order(page, served):
    page.goto(served.url)
    links = page.texts("section.circuit ol.exercises a")
    assert [" ".join(t.split()) for t in links] == [
        "1A Glute Bridge", "1B Band Walking", "2A Hip Extension With Leg Curl", "2B Step-Ups",
        "3A Reverse Lunge", "3B Romanian Deadlift"]
    page.click('section.circuit ol.exercises a[href$="exercises/band-walking/"]')
    page.wait_for("location.pathname.endsWith('/exercises/band-walking/')")
    assert page.text("h1").split() == ["1B", "Band", "Walking"]
    assert not [r for r in served.requests if not r.startswith("/repcard/")]
