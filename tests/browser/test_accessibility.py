"""axe-core on every page, light and dark: zero violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import site_pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page(browser, every_site, scheme):
    site, served = every_site
    axe = Axe()
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in site_pages(site):
        page.goto(served.url + path)
        results = axe.run(page)
        if results.violations_count:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    context.close()
    assert not found, found
