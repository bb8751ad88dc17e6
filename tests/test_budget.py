"""Page weight budget and no third-party anything: read from the built files."""

from __future__ import annotations

import re

from bench.pageweight import BUDGET, WITH_DEFERRED, page_weights, render_weights

import pytest

from repcard.static import served

from .conftest import ROOT, SEED, build_site

LIBRARY = ROOT / "tests/fixtures/library"


@pytest.mark.parametrize("content, pages", [(SEED, 11), (LIBRARY, 44)], ids=["classic", "library"])  # history/ in both; the library's program 19
def test_every_page_renders_from_at_most_14_kb_gzipped_and_32_kb_with_deferred_scripts(tmp_path, content, pages):
    site = build_site(content, tmp_path / "site", "--base-url", "https://someone.github.io/repcard/",
                      "--cache", tmp_path / "cache")
    weights = page_weights(site)
    assert len(weights) == pages
    for page, files in weights.items():
        assert any(name.endswith("style.css") for name in files), page  # the measure sees the CSS
    for page, (render, total) in render_weights(site).items():
        assert render <= BUDGET and total <= WITH_DEFERRED, (page, render, total, weights[page])
    workout = render_weights(site)["workout/index.html" if content == SEED else "routines/before-a-run/workout/index.html"]
    assert workout[0] < workout[1]  # the measure tells deferred scripts apart


def test_no_web_fonts_no_framework_no_third_party_urls(tmp_path):
    site = build_site(SEED, tmp_path / "site")
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".css", ".js", ".webmanifest"):
            text = path.read_text()
            assert "@font-face" not in text, path
            assert not re.search(r"(src|href)=\"(https?:)?//", text), path
            assert not re.search(r"url\((['\"]?)(https?:)?//", text), path


def test_scripts_and_style_sheets_are_served_without_their_comments():
    sheet = b'''a { color: red; } /* gone */
b::before { content: "/* kept */"; background: url(x/*y.png); }
/* two
   lines */ c { content: 'it\\'s /* kept */'; }
d { background: url( "z/*.png" ); } /**/'''
    assert served("a.css", sheet) == b'''a { color: red; } 
b::before { content: "/* kept */"; background: url(x/*y.png); }
 c { content: 'it\\'s /* kept */'; }
d { background: url( "z/*.png" ); } '''
    assert served("b.css", b"a{background:URL(x/*y.png)} b{margin:1px/* two tokens */2px} /* c */"
                           b"d{background:url(e\\)/*f.png)} /*! licence */") == \
        b"a{background:URL(x/*y.png)} b{margin:1px/**/2px} d{background:url(e\\)/*f.png)} /*! licence */"
    assert served("a.js", b"// why\nconst a = 1; // kept: not a whole line\n  // why\nb();") == \
        b"const a = 1; // kept: not a whole line\nb();"
    # A line within a template literal or a block comment is kept, whatever it starts with.
    script = b"const a = `line\n// in the template\n${x}`;\n// gone\n/* a block\n// its end */\nb('`'); // in a string\n  // gone\nc();"
    assert served("b.js", script) == \
        b"const a = `line\n// in the template\n${x}`;\n/* a block\n// its end */\nb('`'); // in a string\nc();"
    assert served("a.svg", b"<svg><!-- kept --></svg>") == b"<svg><!-- kept --></svg>"
    for sheet in (ROOT / "assets").glob("*.css"):
        assert b"/*" not in served(sheet.name, sheet.read_bytes()), sheet
