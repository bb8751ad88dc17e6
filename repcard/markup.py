"""A body's Markdown -> HTML, safe by default, as Hugo's renderer is (`unsafe = false`).

Raw HTML in a body (`<script>`, `<div>`, a comment) is shown as the text it is, and noted
with its line so the build can say so; a site that wants it (`raw_html: true` in index.md)
gets the other rendering, made only for the rare body that has any. A link or image to a
`javascript:`, `data:` or `vbscript:` target is noted too: the parsers refuse it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions.sane_lists import SaneListExtension
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .frontmatter import Document
from .model import RawBody
from .problem import Problem


@dataclass(frozen=True)
class Rendered:
    html: str  # raw HTML shown as text
    raw_html: str = ""  # with the raw HTML let through; "" when the body has none
    raw_tags: tuple[tuple[int, str], ...] = ()  # (line in the body, the tag) of each piece of raw HTML
    unsafe_links: tuple[tuple[int, str], ...] = ()  # (line in the body, the target)

    def raw(self, body_line: int) -> RawBody | None:
        """The rendering with raw HTML let through, lines counted in the file; None without any."""
        if not self.raw_tags:
            return None
        return RawBody(self.raw_html, tuple((body_line + line - 1, tag) for line, tag in self.raw_tags))


def unsafe_link_problems(doc: Document, body: Rendered) -> list[Problem]:
    return [Problem(doc.path, doc.body_line + line - 1,
                    f"a link or image to '{target[:60]}': javascript:, data: and vbscript: targets are refused; "
                    "link to a page, a file or an https:// address")
            for line, target in body.unsafe_links]


# Browsers drop tabs, newlines and leading spaces or controls before a scheme: "java\tscript:" runs.
UNSAFE_TARGET = re.compile(r"^[\x00-\x20]*(?:javascript|vbscript|data)[\x00-\x20]*:", re.IGNORECASE)
_IGNORED_IN_SCHEME = re.compile(r"[\t\n\r]")


class _HtmlAsText(InlineProcessor):
    """Raw HTML, whether a tag in a line or a block of them, left as text (escaped on output)."""

    def __init__(self, md: markdown.Markdown, found: list[str]):
        super().__init__(HTML_RE, md)
        self.found = found

    def handleMatch(self, m, data):
        self.found.append(m.group(0))
        return m.group(0), m.start(0), m.end(0)


class _UnsafeTargets(Treeprocessor):
    def __init__(self, md: markdown.Markdown, found: list[str]):
        super().__init__(md)
        self.found = found

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                target = element.get(attribute)
                # As the browser reads it: "java&#115;cript:" is written as it is, and runs.
                if target is not None and UNSAFE_TARGET.match(_IGNORED_IN_SCHEME.sub("", html.unescape(target))):
                    self.found.append(target)


def _converter(raw: bool) -> tuple[markdown.Markdown, list[str], list[str]]:
    # No "smarty" extension: it doubled the cost of Markdown (bench/RESULTS.md); authors who
    # want curly quotes type them.
    # The extension itself, not its name: looking a name up among the installed packages' entry
    # points was a tenth of the start-up of every build.
    md = markdown.Markdown(extensions=[SaneListExtension()], output_format="html")
    tags: list[str] = []
    targets: list[str] = []
    if not raw:  # the raw rendering is made only beside this one, which notes what both hold
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.register(_HtmlAsText(md, tags), "html", 90)
        md.treeprocessors.register(_UnsafeTargets(md, targets), "unsafe_targets", 0)
    return md, tags, targets


# One converter each, reset between bodies: building one costs more than a page.
_SAFE, _TAGS, _TARGETS = _converter(raw=False)
_RAW, _, _ = _converter(raw=True)


def render_markdown(text: str) -> Rendered:
    """Markdown to HTML with raw HTML as text, and where raw HTML and unsafe targets are."""
    _TAGS.clear()
    _TARGETS.clear()
    html = _SAFE.reset().convert(text)
    tags, targets = _lines_of(text, _TAGS), _lines_of(text, _TARGETS)
    return Rendered(html, _RAW.reset().convert(text) if tags else "", tags, targets)


def _lines_of(text: str, pieces: list[str]) -> tuple[tuple[int, str], ...]:
    """Each piece with its line in `text` (1 for the first), found in order."""
    found, at = [], 0
    for piece in pieces:
        where = text.find(piece, at)
        if where < 0:  # rewritten by Markdown (an entity): look from the start
            where = max(text.find(piece), 0)
        else:
            at = where + len(piece)
        found.append((text.count("\n", 0, where) + 1, piece))
    return tuple(found)
