"""Draw pages: a Page (pages.py) and the site's fixed values in, the page's bytes out. Pure: no
disk writes.

A page is drawn one of two ways, to the same bytes. A build that keeps nothing streams it, in
pieces of 64 KiB, so that a page listing 10,000 exercises is never whole in memory. The dev
server keeps what it drew: the page whole, hashed once, the templates that drew it, and for a
page drawn around fragments (a routine's circuits) each fragment, so that an edit to one move
draws its circuit again and joins the page's bytes around it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from . import csp, seo
from .config import Settings
from .i18n import Language
from .model import Circuit, Routine, Site, term_slug
from .pages import Page, Pictures, page_url
from .scripts import Bundles
from .words import Words
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


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by earlier builds, kept in the cache folder: compiling the theme's is most
    of a small site's cold build (0.2 s of the seed's 0.36 s). Jinja writes each file whole (a
    rename) and compiles again what it cannot read; a folder that cannot be written costs only time."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


def make_environment(templates: Path | Sequence[Path], language: Language = Language("en"),
                     compiled: Path | None = None) -> Environment:
    """Templates looked up in `templates`, the first folder holding a name winning: a site's
    own folder, then the theme's (theme.search_path). Compiled once: the dev server makes a
    new environment when a template changes rather than ask the disk at every page.

    One environment a language: its gettext (Jinja's i18n extension, new-style:
    `_("Set %(n)s", n=...)`, escaped as autoescape says), its `words` (words.py), and
    `script_words` and `scripts_file`, the messages a page's scripts use and the file they are
    served from, which the build sets for its scripts (scripts.py). `compiled`: where compiled
    templates are kept between builds (CompiledTemplates)."""
    env = Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # every template is HTML; content text is escaped unless marked safe
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=CompiledTemplates(str(compiled)) if compiled else None,
    )
    env.install_gettext_translations(language.translations, newstyle=True)
    env.filters["term_slug"] = term_slug
    env.filters["tojson"] = tojson
    env.globals["csp"] = Markup(csp.site_policy(env))  # our own text: its quotes need no escaping
    env.globals |= {"lang": language, "words": Words(language),
                    "script_words": lambda names: {}, "scripts_file": Bundles().path}
    return env


@jinja2.pass_context
def tojson(context: jinja2.runtime.Context, value, indent: int | None = None) -> Markup:
    """Jinja's `tojson`, the same text; a routine's JSON-LD (seo.Listed: each circuit's plans serialised
    once) spliced in by the page's `spliced`, each circuit's plans a piece of the page of its own."""
    return htmlsafe_json_dumps(value, partial(seo.dumps, splice=context.get("spliced")), sort_keys=True,
                               **({} if indent is None else {"indent": indent}))


def relative_root(path: str) -> str:
    """The prefix that leads from the page at `path` back to the site's root, e.g. '../../'."""
    return "../" * path.count("/") or "./"


@dataclass(frozen=True)
class Piece:
    """A fragment as drawn: its text, its digest, the templates that drew it, and the objects
    its key names by identity (kept alive with it, so that no other object takes their ids)."""

    data: bytes
    digest: bytes
    templates: frozenset[str]
    held: tuple = ()


class Memo(dict):
    """What a page's drawing worked out beside its fragments (a routine's JSON-LD, circuit by
    circuit), by what from: the next drawing of the page starts from it, and keeps only what
    it asks for again."""

    def __init__(self, before: dict | None = None) -> None:
        super().__init__()
        self.before = before or {}

    def get_or(self, key, make: Callable[[], object]):
        if key not in self:
            self[key] = self.before[key] if key in self.before else make()
        return self[key]


@dataclass(frozen=True, eq=False)
class Drawn:
    """A page as the dev server keeps it: its bytes, the templates that drew it (the inline
    scripts' too: every page's policy names their hashes), its fragments by what each was
    drawn from, and its memo."""

    file: Whole
    templates: frozenset[str]
    pieces: dict[tuple, Piece]
    memo: dict = field(default_factory=dict)


CHUNK = 1 << 16  # characters: a streamed page's text is gathered to about this size
# Where the fragments of the n-th call go while the page around them is drawn: never in the output,
# and content cannot write one (it cannot guess the nonce).
_NONCE = secrets.token_hex(8)
MARK = re.compile(f"\x00{_NONCE}:(\\d+)\x00")
Call = list[tuple[str | None, dict | tuple[str, str], tuple, tuple]]  # the fragments one call in a template asks for:
# each template, with its names, what it is drawn from (its key among the page's fragments) and the objects that key
# names by identity; or None, with a text made elsewhere and what goes before it (`spliced`)


@dataclass(frozen=True)
class Renderer:
    """Draws the pages of one site's edition (its language's) with one set of templates.

    `base_url` is the absolute address of the site's root, or "" when unknown (all links
    are relative, through `root`, the language's root, and `site_root`, so the site works at
    any URL prefix); `prefix` where the edition's pages are ("" for the site's language, "fr/"
    for another); `pictures` what each photo is shown as; `settings` what repcard.toml sets
    for the pages; `languages` a multilingual site's editions, the site's own first: each
    language, its prefix and its pages' paths (for the switcher and hreflang).
    """

    env: Environment
    site: Site
    base_url: str = ""
    settings: Settings = Settings()
    pictures: Pictures | None = None
    prefix: str = ""
    languages: tuple[tuple[Language, str, frozenset[str]], ...] = ()

    def variables(self, page: Page, calls: list[Call], memo: Memo) -> dict:
        """What the page's template sees; its `fragment`, `circuits` and `each` note what they are
        asked to draw in `calls` and leave a mark in the page, where the fragments go once drawn."""
        data = page.structured_data

        def fragment(template: str, **shown) -> Markup:
            """A piece of a large page, drawn by `template` from `shown` and the page's `root` alone,
            so that they are what it was drawn from (the template sees nothing else: a name it reads
            beyond them fails the build, as an undefined one)."""
            calls.append([(template, shown, (template, tuple(shown.items())), ())])
            return _mark(len(calls) - 1)

        def circuits(template: str, routine: Routine, part: Sequence[Circuit] | None = None) -> Markup:
            """Every circuit of `routine` (or those of `part`, a card's column), each a fragment drawn
            by `template` from `circuit`, `following` (the routine's next circuit, or none), `first`
            and `last` (whether it is the routine's first, its last) and `root`."""
            every, call = routine.circuits, []
            for i in map(routine.index, part or every):
                following, first, last = every[i + 1] if i + 1 < len(every) else None, i == 0, i + 1 == len(every)
                # Known by identity: an unchanged circuit is the same object build after build, and
                # hashing 1,000 circuits' values for each long page was a tenth of a rebuild.
                call.append((template, {"circuit": every[i], "following": following, "first": first, "last": last},
                             (template, id(every[i]), id(following), first, last), (every[i], following)))
            calls.append(call)
            return _mark(len(calls) - 1)

        def spliced(texts: tuple[str, ...]) -> str:
            """Texts made elsewhere, joined by commas, each a fragment (a routine's JSON-LD, circuit
            by circuit: 370 KB at 1,000 exercises, of which an edit changes one circuit's)."""
            calls.append([(None, (", " if n else "", text), (None, id(text), n == 0), (text,))
                          for n, text in enumerate(texts)])
            return str(_mark(len(calls) - 1))

        def each(template: str, name: str, items: Sequence) -> Markup:
            """Each of `items`, a fragment drawn by `template` from the item, as `name`, and `root`
            (a library's list: one exercise's line drawn again when it changes, not 1,000)."""
            calls.append([(template, {name: item}, (template, name, id(item)), (item,)) for item in items])
            return _mark(len(calls) - 1)

        path = page.path.removeprefix(self.prefix)  # where it is in its language's pages
        site_root = relative_root(page.path)
        # The same page in each language (True), or that language's home page when it has no such page.
        others = [(language, site_root + prefix + (page_url(path) if path in paths else "./").removeprefix("./"),
                   path in paths) for language, prefix, paths in self.languages]
        return {"site": self.site, "settings": self.settings, "path": path,
                "url_path": page_url(path).removeprefix("./"), "root": self.root(page), "site_root": site_root,
                "base_url": self.base_url and self.base_url + self.prefix, "site_url": self.base_url, "languages": others,
                "structured_data": data(memo) if callable(data) else data, "renditions": self.pictures or {},
                "fragment": fragment, "circuits": circuits, "each": each, "spliced": spliced, **page.context}

    def root(self, page: Page) -> str:
        """The page's way back to its language's root, which its fragments' links start from."""
        return relative_root(page.path.removeprefix(self.prefix))

    def fragment(self, root: str, template: str | None, shown: dict | tuple[str, str]) -> str:
        if template is None:  # spliced: a text made elsewhere, after its separator
            return "".join(shown)
        return self.env.get_template(template).render(shown, root=root)

    def stream(self, page: Page, done: Callable[[bytes], None]) -> Iterator[bytes]:
        """The page's bytes in pieces of about CHUNK, drawn as they are asked for; its digest,
        the same as `draw` gives, handed to `done` once the last has passed."""
        root = self.root(page)
        calls: list[Call] = []
        around = self.env.get_template(page.template).generate(self.variables(page, calls, Memo()))
        digests: list[bytes] = []
        between = hashlib.sha256()  # the page's text since the last fragments

        def drawn() -> Iterator[bytes]:
            nonlocal between
            for text in _joined(around):
                parts = MARK.split(text) if "\x00" in text else (text,)  # a mark is never split between two
                for n, part in enumerate(parts):
                    if n % 2 == 0:  # the page's own text
                        data = part.encode()
                        between.update(data)
                        yield data
                        continue
                    digests.append(between.digest())
                    between = hashlib.sha256()
                    for template, shown, _, _ in calls[int(part)]:
                        data = self.fragment(root, template, shown).encode()
                        digests.append(hashlib.sha256(data).digest())
                        yield data
            digests.append(between.digest())
            done(_digest(digests))

        return drawn()

    def draw(self, page: Page, before: Drawn | None = None, stale: frozenset[str] = frozenset()) -> Drawn:
        """The page whole, with what drew it. Its fragments are drawn only when `before` has none
        drawn from the same values by templates none of which is `stale` (changed since)."""
        root = self.root(page)
        calls: list[Call] = []
        memo = Memo(before.memo if before else None)
        self.env.reading = reading = set(csp.INLINE_SCRIPTS)
        try:
            parts = MARK.split(self.env.get_template(page.template).render(self.variables(page, calls, memo)))
        finally:
            self.env.reading = None
        kept = before.pieces if before else {}
        pieces: dict[tuple, Piece] = {}
        data = [parts[0].encode()]
        digests = [hashlib.sha256(data[0]).digest()]
        for call, after in zip(parts[1::2], parts[2::2]):
            for template, shown, key, held in calls[int(call)]:
                piece = pieces.get(key) or kept.get(key)
                if piece is None or not piece.templates.isdisjoint(stale):
                    self.env.reading = used = set()
                    try:
                        text = self.fragment(root, template, shown).encode()
                    finally:
                        self.env.reading = None
                    piece = Piece(text, hashlib.sha256(text).digest(), frozenset(used), held)
                pieces[key] = piece
                data.append(piece.data)
                digests.append(piece.digest)
                reading |= piece.templates
            data.append(after.encode())
            digests.append(hashlib.sha256(data[-1]).digest())
        return Drawn(Whole(tuple(data), _digest(digests)), frozenset(reading), pieces, dict(memo))


def _digest(parts: list[bytes]) -> bytes:
    """A page's digest from its parts' (its text between fragments, each fragment): the sha256 of
    its bytes when it has no fragments, and otherwise of the parts' digests, so that a rebuild
    that changes one fragment of a 2 MB page hashes that fragment and not the page."""
    return parts[0] if len(parts) == 1 else hashlib.sha256(b"".join(parts)).digest()


def _mark(n: int) -> Markup:
    return Markup(f"\x00{_NONCE}:{n}\x00")


def _joined(pieces: Iterable[str]) -> Iterator[str]:
    """A template's many small pieces of text as fewer, larger ones, of about CHUNK characters."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(batch)
            batch, size = [], 0
    yield "".join(batch)


VERSION_BITS = 64


def version_part(path: str, digest: bytes) -> int:
    """One file's share of the service worker's version. The version is the sum of every file's
    share, so a rebuild that changes three files adds and takes away three shares instead of
    hashing the whole site again."""
    return int.from_bytes(hashlib.sha256(path.encode() + b"\0" + digest).digest()[:VERSION_BITS // 8], "big")


def version(total: int) -> str:
    """The version that names the service worker's cache: changes whenever any file does."""
    return f"{total % (1 << VERSION_BITS):0{VERSION_BITS // 4}x}"
