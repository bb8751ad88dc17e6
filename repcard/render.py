"""Draw pages: a Page (pages.py) and the site's fixed values in, the page's bytes out. Pure: no
disk writes.

A page is drawn one of two ways, to the same bytes. A build that keeps nothing streams it, in
pieces of 64 KiB, so that a page listing 10,000 exercises is never whole in memory. The dev
server keeps what it drew: the page whole, hashed once, the templates that drew it, and for a
page drawn around fragments (a routine's circuits) each fragment, so that an edit to one move
draws its circuit again and joins the page's bytes around it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import csp
from .config import Settings
from .model import Site, term_slug
from .pages import Page, Pictures, page_url
from .write import Whole


class Environment(jinja2.Environment):
    """Jinja's, noting the name of every template it hands out while `reading` is a set: a
    page's own, and those it extends, imports and includes, and its fragments'."""

    reading: set[str] | None = None

    def get_template(self, name, parent=None, globals=None):
        if self.reading is not None:
            self.reading.add(name if isinstance(name, str) else name.name)
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if self.reading is not None and not isinstance(names, jinja2.Undefined):
            self.reading.update(name if isinstance(name, str) else name.name for name in names)
        return super().select_template(names, parent, globals)


def make_environment(templates: Path | Sequence[Path]) -> Environment:
    """Templates looked up in `templates`, the first folder holding a name winning: a site's
    own folder, then the theme's (theme.search_path). Compiled once: the dev server makes a
    new environment when a template changes rather than ask the disk at every page."""
    env = Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # every template is HTML; content text is escaped unless marked safe
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["term_slug"] = term_slug
    env.globals["csp"] = Markup(csp.site_policy(env))  # our own text: its quotes need no escaping
    return env


def relative_root(path: str) -> str:
    """The prefix that leads from the page at `path` back to the site's root, e.g. '../../'."""
    return "../" * path.count("/") or "./"


@dataclass(frozen=True)
class Piece:
    """A fragment as drawn: its text, and the templates that drew it."""

    data: bytes
    templates: frozenset[str]


@dataclass(frozen=True, eq=False)
class Drawn:
    """A page as the dev server keeps it: its bytes, the templates that drew it (the inline
    scripts' too: every page's policy names their hashes), and its fragments by what each was
    drawn from."""

    file: Whole
    templates: frozenset[str]
    pieces: dict[tuple, Piece]


CHUNK = 1 << 16  # bytes: pieces of a streamed page are gathered to this size
MARK = "\x00repcard:fragment\x00"  # where a fragment goes, while the page around it is drawn


@dataclass(frozen=True)
class Renderer:
    """Draws the pages of one site with one set of templates.

    `base_url` is the absolute address of the site's root, or "" when unknown (all links
    are relative, through `root`, so the site works at any URL prefix); `pictures` what each
    photo is shown as; `settings` what repcard.toml sets for the pages.
    """

    env: Environment
    site: Site
    base_url: str = ""
    settings: Settings = Settings()
    pictures: Pictures | None = None

    def variables(self, page: Page, fragment) -> dict:
        data = page.structured_data
        return {"site": self.site, "settings": self.settings, "path": page.path,
                "url_path": page_url(page.path).removeprefix("./"), "root": relative_root(page.path),
                "base_url": self.base_url, "structured_data": data() if callable(data) else data,
                "renditions": self.pictures or {}, "fragment": fragment, **page.context}

    def fragment(self, root: str, template: str, **shown) -> Markup:
        """A piece of a large page, drawn by `template` from `shown` and the page's `root`
        alone, so that they are what it was drawn from (the template sees nothing else: a
        name it reads beyond them fails the build, as an undefined one)."""
        return Markup(self.env.get_template(template).render(shown, root=root))

    def stream(self, page: Page) -> Iterator[bytes]:
        """The page's bytes in pieces of about CHUNK, drawn as they are asked for."""
        fragment = partial(self.fragment, relative_root(page.path))
        return _gathered(self.env.get_template(page.template).generate(self.variables(page, fragment)))

    def draw(self, page: Page, before: Drawn | None = None, stale: frozenset[str] = frozenset()) -> Drawn:
        """The page whole, with what drew it. Its fragments are drawn only when `before` has none
        drawn from the same values by templates none of which is `stale` (changed since)."""
        root = relative_root(page.path)
        calls: list[tuple[str, dict]] = []

        def placed(template: str, **shown) -> Markup:
            calls.append((template, shown))
            return Markup(MARK)

        self.env.reading = reading = set(csp.INLINE_SCRIPTS)
        try:
            text = self.env.get_template(page.template).render(self.variables(page, placed))
        finally:
            self.env.reading = None
        parts = text.split(MARK)
        if len(parts) != len(calls) + 1:  # the content wrote our mark: draw the page in one go
            return Drawn(Whole.of(b"".join(self.stream(page))), frozenset(reading | self._all_templates()), {})
        kept = before.pieces if before else {}
        pieces: dict[tuple, Piece] = {}
        data = [parts[0].encode()]
        for (template, shown), after in zip(calls, parts[1:]):
            key = (template, root, tuple(shown.items()))
            piece = pieces.get(key) or kept.get(key)
            if piece is None or not piece.templates.isdisjoint(stale):
                self.env.reading = used = set()
                try:
                    piece = Piece(self.fragment(root, template, **shown).encode(), frozenset(used))
                finally:
                    self.env.reading = None
            pieces[key] = piece
            data += (piece.data, after.encode())
            reading |= piece.templates
        return Drawn(Whole.of(b"".join(data)), frozenset(reading), pieces)

    def _all_templates(self) -> set[str]:
        return set(self.env.list_templates())


def _gathered(pieces: Iterable[str]) -> Iterator[bytes]:
    """A template's many small pieces of text as fewer, larger pieces of UTF-8."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(batch).encode()
            batch, size = [], 0
    yield "".join(batch).encode()


VERSION_BITS = 64


def version_part(path: str, digest: bytes) -> int:
    """One file's share of the service worker's version. The version is the sum of every file's
    share, so a rebuild that changes three files adds and takes away three shares instead of
    hashing the whole site again."""
    return int.from_bytes(hashlib.sha256(path.encode() + b"\0" + digest).digest()[:VERSION_BITS // 8], "big")


def version(total: int) -> str:
    """The version that names the service worker's cache: changes whenever any file does."""
    return f"{total % (1 << VERSION_BITS):0{VERSION_BITS // 4}x}"
