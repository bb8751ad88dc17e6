"""What only a browser shows: the pages on a phone-sized screen."""

from __future__ import annotations

import pytest

from .conftest import site_pages


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [320, 360])
def test_no_page_scrolls_sideways_on_a_phone(browser, served, seed_site, width):
    context = browser.new_context(viewport={"width": width, "height": 740})
    page = context.new_page()
    for path in site_pages(seed_site):
        page.goto(served.url + path)
        assert no_horizontal_overflow(page), f"{path} overflows at {width} px"
    context.close()


def test_routine_page_on_a_phone_shows_circuits_in_order(phone, served):
    page = phone.new_page()
    page.goto(served.url)
    links = page.locator("section.circuit ol.exercises a").all_inner_texts()
    assert [" ".join(t.split()) for t in links] == [
        "1A Glute Bridge", "1B Band Walking", "2A Hip Extension With Leg Curl", "2B Step-Ups",
        "3A Reverse Lunge", "3B Romanian Deadlift"]
    page.get_by_role("link", name="1B Band Walking").first.click()
    page.wait_for_url("**/exercises/band-walking/")
    assert page.locator("h1").inner_text().split() == ["1B", "Band", "Walking"]
    assert not [r for r in served.requests if not r.startswith("/repcard/")]
