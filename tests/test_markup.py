"""Bodies are safe by default (issue 20): raw HTML shown as text with a warning naming its line,
let through only when index.md says `raw_html: true`; javascript:, data: and vbscript: targets refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repcard.content import load
from repcard.markup import render_markdown
from repcard.seo import list_items

from .conftest import MINIMAL_INDEX, exercise_text, run_build, write_tree
from .test_content import load_problems, problems_of

BODY = "1. Squeeze.\n\n<script>alert(1)</script>\n\nThen <b>hold</b>.\n"


def test_raw_html_is_text_and_noted_with_its_line():
    body = render_markdown(BODY)
    assert "<script>" not in body.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in body.html
    assert "&lt;b&gt;hold&lt;/b&gt;" in body.html
    assert body.raw_tags == ((3, "<script>"), (3, "</script>"), (5, "<b>"), (5, "</b>"))
    assert "<script>alert(1)</script>" in body.raw_html  # the rendering a site may choose
    assert render_markdown("Plain *text* & `<code>`.").raw_html == ""  # made only when needed


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "\tjavascript:x",
                                    "data:text/html,x", "vbscript:x",
                                    # as the browser reads an attribute: its character references decoded
                                    "java&#115;cript:x", "&#106;avascript:x", "javascript&colon;x", "&#x6A;avascript:x"])
def test_a_link_or_image_to_a_script_target_is_refused_with_its_line(target):
    # Browsers drop a tab inside a scheme and spaces before it; Markdown takes those only in <...>.
    for link in ([f"[tap]({target})"] if target.strip() == target and "\t" not in target else []) + [f"![photo](<{target}>)"]:
        text = exercise_text("Bridge", "1A") + f"\nThen {link}.\n"
        problems = problems_of(text)
        assert len(problems) == 1 and problems[0].startswith("content/exercises/x.md:9: a link or image to "), problems
        assert problems[0].endswith("javascript:, data: and vbscript: targets are refused; "
                                    "link to a page, a file or an https:// address")


@pytest.mark.parametrize("target", ["https://example.com/", "../bridge/", "#steps", "photo.jpg", "mailto:a@b.c"])
def test_ordinary_targets_pass(target):
    assert render_markdown(f"[x]({target})").unsafe_links == ()


def test_a_site_shows_raw_html_as_text_and_warns_unless_index_md_lets_it_through(tmp_path):
    files = {"index.md": MINIMAL_INDEX, "exercises/bridge.md": exercise_text("Bridge", "1A").replace("1. Do it.\n", BODY)}
    site = load(write_tree(tmp_path / "shown", files))
    [exercise] = site.exercises
    assert "&lt;script&gt;" in exercise.body_html and "<script>" not in exercise.body_html
    assert [str(w) for w in site.warnings] == [
        f"{tmp_path}/shown/exercises/bridge.md:9: warning: raw HTML <script> (and 3 more) is shown as text, not run; "
        "to let HTML through, set raw_html = true in repcard.toml (or raw_html: true in index.md)"]
    assert load(tmp_path / "shown", raw_html=True).warnings == ()  # repcard.toml's raw_html, site-wide
    allowed = MINIMAL_INDEX.replace("---\n", "---\nraw_html: true\n", 1)
    site = load(write_tree(tmp_path / "let", files | {"index.md": allowed}))
    assert "<script>alert(1)</script>" in site.exercises[0].body_html and site.warnings == ()
    bad = write_tree(tmp_path / "bad", files | {"index.md": MINIMAL_INDEX.replace("---\n", "---\nraw_html: yes please\n", 1)})
    assert load_problems(bad) == [f"{bad}/index.md:2: raw_html: expected true (let raw HTML in bodies through) "
                                  "or false (show it as text)"]


def test_the_build_prints_the_warning_and_goes_on(tmp_path):
    files = {"index.md": MINIMAL_INDEX + "An <iframe src=x></iframe> intro.\n", "exercises/bridge.md": exercise_text("Bridge", "1A")}
    content = write_tree(tmp_path / "content", files)
    result = run_build("--content", content, "--output", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert f"{content}/index.md:" in result.stderr and ": warning: raw HTML <iframe src=x> (and 1 more) is shown as text" in result.stderr
    assert "&lt;iframe" in (tmp_path / "site/index.html").read_text()


MARKDOWN_PIECES = ["1. ", "2. ", "3) ", "- ", "* ", "    ", "  ", "\n", "\n\n", "## Cues\n", "*em*", "**strong**", "`code <b>`",
                   "[link](https://x.org/?a=1&b=2 \"t > i\")", "![alt > x](a.png)", "&amp;", "&#39;", "<", ">", "&",
                   "'quote'", "\"quote\"", "Step", "hold", "é", "→", "<b>raw</b>", "<!-- c -->", "<script>x</script>",
                   "    code block\n", "> quote\n", "***\n", "a  \nb"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=30).map("".join))
def test_steps_read_from_markdowns_own_html_are_those_htmlparser_reads(text):
    """seo reads an exercise's steps from Python-Markdown's HTML with a scan of its tags:
    the same items as HTMLParser, which reads any HTML, finds (raw HTML is never let through here)."""
    html = render_markdown(text).html
    assert list_items(html, generated=True) == list_items(html)
