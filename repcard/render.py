"""Render the model into the site's files: (path inside site/, bytes) pairs. Pure: no disk writes.

Two parts: `pages(site)` is the plain list of the pages a site has (a new kind of page
is one entry there), and `render_site` turns every page, and every other file, into bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import csp, seo
from .card import CardLayout, qr_svg
from .config import Settings
from .i18n import Language
from .model import Picture, Routine, Site, term_slug
from .program_model import Program
from .words import Words
from .write import Known, Linked, Whole


def make_environment(templates: Path | Sequence[Path], language: Language = Language("en")) -> jinja2.Environment:
    """Templates looked up in `templates`, the first folder holding a name winning: a site's
    own folder, then the theme's (theme.search_path). One environment a language: its gettext
    (Jinja's i18n extension, new-style: `_("Set %(n)s", n=...)`, escaped as autoescape says),
    its `words` (words.py) and `script_words`, the messages a page's scripts use, which the
    pipeline sets for each build's scripts (scripts.py)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # every template is HTML; content text is escaped unless marked safe
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(language.translations, newstyle=True)
    env.filters["term_slug"] = term_slug
    env.globals["csp"] = Markup(csp.site_policy(env))  # our own text: its quotes need no escaping
    env.globals |= {"lang": language, "words": Words(language),
                    "script_words": lambda names: {}}
    return env


# Files no page loads as it shows, read by a page's script only when asked (the exercises the
# history page's import can match another app's names to): a change to them alone still lets the
# dev server update an open page in place (serve.py).
FETCHED_LATER = "history/exercises.json"


def relative_root(path: str) -> str:
    """The prefix that leads from the page at `path` back to the site's root, e.g. '../../'."""
    return "../" * path.count("/") or "./"


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes, the template that draws it, what it shows."""

    path: str
    template: str
    context: dict = field(default_factory=dict, hash=False)
    # JSON-LD, or what makes it: made only when the page is rendered, not when it is cached
    structured_data: dict | Callable[[], dict] | None = field(default=None, hash=False)
    # What the page shows (None: rendered every time; a routine's pages, whose every
    # circuit is a fragment cached on its own: see render_site)
    cache_key: tuple | None = None


def pages(site: Site, cards: dict[str, CardLayout], base_url: str = "",
          pictures: dict[tuple[str, str], tuple[Picture, ...]] | None = None, words: Words = Words()) -> list[Page]:
    """Every page the site has, in a fixed order.

    Each page's cache key holds what it shows beyond the site's title and description
    (render_site adds those, the templates and the base URL), so that the dev server
    renders again only the pages an edit shows on.
    """
    found: list[Page] = []
    if not site.classic:
        found.append(Page("index.html", "home.html", {"cards": cards},
                          cache_key=("home", site.intro_html, site.routines, site.programs, len(site.exercises),
                                     tuple(sorted(cards.items())))))
    for routine in site.routines:
        found += routine_pages(routine, cards[routine.path], base_url, words)
    for program in site.programs:  # its page, then each week's sessions as routines of their own
        found.append(Page(f"{program.path}index.html", "program.html", {"program": program},
                          cache_key=("program", program)))
        found += [page for routine in program.routines
                  for page in routine_pages(routine, cards[routine.path], base_url, words, program)]
    if site.routines:  # the sets logged in this browser, every routine's
        found.append(Page("history/index.html", "history.html", cache_key=("history",)))
        # what an import from another app can match its exercise names to (read by history.js)
        choices = [{"slug": e.slug, "title": e.title} for e in site.exercises]
        found.append(Page(FETCHED_LATER, "exercises.json", {"choices": choices},
                          cache_key=("choices", tuple((e.slug, e.title) for e in site.exercises))))
    for exercise in site.exercises:
        uses = site.uses[exercise.slug]
        programs = tuple(use for program in site.programs if (use := program.use_of(exercise)))
        context = {"exercise": exercise, "uses": uses, "programs": programs, "only": None, "previous": None,
                   "next": None}
        if len(uses) == 1:  # in one routine: lead on to the moves before and after it there
            slots = uses[0].routine.slots
            i = uses[0].routine.position(uses[0].slot)
            context |= {"only": uses[0], "previous": slots[i - 1] if i > 0 else None,
                        "next": slots[i + 1] if i + 1 < len(slots) else None}
        path = f"exercises/{exercise.slug}/index.html"
        nexts = tuple(use.routine.next_up(use.slot) for use in uses)
        found.append(Page(path, "exercise.html", context,
                          partial(seo.exercise_data, exercise, uses, base_url, words),
                          cache_key=(exercise, tuple((u.routine.slug, u.routine.title, u.slot) for u in uses),
                                     programs, nexts, context.get("previous"), context.get("next"),
                                     tuple((pictures or {}).get((exercise.slug, p.src)) for p in exercise.photos))))
    if not site.classic:  # the library, browsable without script
        found += library_pages(site, words)
        for kind, terms in (("muscles", site.muscles), ("equipment", site.equipment)):
            for term, exercises in terms.items():
                heading = term[:1].upper() + term[1:]  # the author's word
                found.append(Page(f"{kind}/{term_slug(term)}/index.html", "library.html",
                                  {"heading": heading, "kind": kind, "listed": exercises, "initials": {}},
                                  cache_key=("library", heading, tuple(exercises))))
    found.append(Page("404.html", "404.html", cache_key=("404",)))
    found.append(Page("manifest.webmanifest", "manifest.webmanifest", cache_key=("manifest",)))
    return found


LIBRARY_PAGE = 200  # exercises one page lists at most; past that, a page per initial keeps pages light


def library_pages(site: Site, words: Words) -> list[Page]:
    """The index of every exercise: one page, or for a large library a page of initials
    that leads to a page per initial (a phone scans 800 moves faster that way too)."""
    everything = {"heading": words._("Every exercise"), "kind": None, "listed": site.exercises, "initials": {}}
    index_key = ("library", site.exercises, tuple(site.muscles), tuple(site.equipment))  # it links every term
    if len(site.exercises) <= LIBRARY_PAGE:
        return [Page("exercises/index.html", "library.html", everything, cache_key=index_key)]
    initials: dict[str, list] = {}
    for exercise in site.exercises:
        initial = exercise.title[:1].upper()
        initials.setdefault(initial if initial.isalpha() else "#", []).append(exercise)
    slugs = {initial: term_slug(initial) if initial != "#" else "other" for initial in initials}
    pages = [Page("exercises/index.html", "library.html",
                  everything | {"listed": (), "initials": {slugs[i]: (i, len(e)) for i, e in initials.items()}},
                  cache_key=index_key)]
    pages += [Page(f"library/{slugs[initial]}/index.html", "library.html",
                   {"heading": words._("Exercises: %(initial)s", initial=initial), "kind": "initial", "listed": tuple(exercises), "initials": {}},
                   cache_key=("library", initial, tuple(exercises)))
              for initial, exercises in initials.items()]
    return pages


def routine_pages(routine: Routine, card: CardLayout, base_url: str, words: Words,
                  program: Program | None = None) -> list[Page]:
    """A routine's page, its workout mode and its printable card; `program` for a program's week.

    No cache key: they show every exercise of the routine, so nearly any edit changes
    them; each is drawn again around its circuits, which are fragments cached each on
    its own (at 1,000 exercises the workout page is 2 MB, one circuit 4 KB).
    """
    context = {"routine": routine, "program": program}
    url = base_url and f"{base_url}{routine.path}"
    return [
        Page(f"{routine.path}index.html", "routine.html", context, partial(seo.routine_data, routine, base_url, words)),
        Page(f"{routine.path}workout/index.html", "workout.html", context),
        Page(f"{routine.path}card/index.html", "card.html",
             context | {"card": card, "qr": _qr_svg(url, words._("QR code: %(url)s", url=url)) if url else ""}),
    ]


_qr_svg = lru_cache(maxsize=64)(qr_svg)  # the same address draws the same code: drawn once per server


PageCache = dict[tuple, Whole | Markup]  # what a page or fragment was rendered from -> the page, or its text
SiteFile = tuple[str, Iterable[bytes]]  # path inside the output folder, its contents in pieces
CHUNK = 1 << 16  # bytes: pieces of a page are gathered to this size before they are written


@dataclass(frozen=True)
class Edition:
    """One language of the site: its content, its templates' environment (with that language's
    words), its cards and photos, and where its pages go: "" for the site's language, "fr/"
    for another of a multilingual site (pages under /fr/)."""

    site: Site
    env: jinja2.Environment
    cards: dict[str, CardLayout] = field(hash=False)
    pictures: dict[tuple[str, str], tuple[Picture, ...]] | None = field(default=None, hash=False)
    prefix: str = ""

    @property
    def language(self) -> Language:
        return self.env.globals["lang"]


def render_site(editions: Sequence[Edition], static: dict[str, bytes | Linked], base_url: str = "",
                cache: PageCache | None = None, settings: Settings = Settings()) -> Iterator[SiteFile]:
    """Every file of the site, one at a time, each as its path and its bytes in pieces.

    All links are relative (through `root`, the language's root, and `site_root`), so the site
    works at any URL prefix. `editions` are its languages, the site's own first; `base_url` is
    the absolute address of the site's root, or "" when unknown; `static` the files copied as
    they are (assets/, the images exercise bodies show, resized photos); `settings` what
    repcard.toml sets for the pages (the default weight unit, the card's paper).

    Files and their contents stream, so that the pages listing 10,000 exercises are
    never whole in memory. The service worker, last, names a hash of every file, so
    each file's pieces must be read before the next file is asked for.

    `cache` (kept by the dev server) reuses a page whose cache key is unchanged: the key
    holds everything the page shows, so a hit is the page a render would give. It also
    keeps the fragments that templates draw with `fragment`.
    """
    digests: dict[str, bytes] = {}
    fingerprints = {edition.prefix: templates_fingerprint(edition.env) if cache is not None else b""
                    for edition in editions}
    used: set[tuple] = set()
    listed = {edition.prefix: pages(edition.site, edition.cards, base_url + edition.prefix, edition.pictures,
                                    edition.env.globals["words"]) for edition in editions}
    where = {edition.prefix: {page.path for page in listed[edition.prefix]} for edition in editions}

    def variables(edition: Edition, page: Page) -> dict:
        root = relative_root(page.path)
        site_root = relative_root(edition.prefix + page.path)
        # The same page in each language (True), or that language's home page when it has no such page.
        others = [(other.language, site_root + other.prefix + (page_url(page.path) if page.path in where[other.prefix]
                                                                else "./").removeprefix("./"),
                   page.path in where[other.prefix]) for other in editions]
        return {"site": edition.site, "settings": settings, "path": page.path,
                "url_path": page_url(page.path).removeprefix("./"), "root": root, "site_root": site_root,
                "base_url": base_url + edition.prefix, "site_url": base_url, "languages": others if len(editions) > 1 else [],
                "structured_data": data() if callable(data := page.structured_data) else data,
                "renditions": edition.pictures or {}, "fragment": partial(fragment, edition, root), **page.context}

    def fragment(edition: Edition, root: str, template: str, **shown) -> Markup:
        """A piece of a large page, drawn by `template` from `shown` and the page's `root`
        alone (in the edition's language), so that they are its cache key (the template sees
        nothing else: a name it reads beyond them fails the build, as an undefined one)."""
        env = edition.env
        if cache is None:
            return Markup(env.get_template(template).render(shown, root=root))
        key = (fingerprints[edition.prefix], edition.language, template, root, tuple(shown.items()))
        used.add(key)
        if (text := cache.get(key)) is None:
            text = cache[key] = Markup(env.get_template(template).render(shown, root=root))
        return text

    def emit(path: str, chunks: bytes | Linked | Whole | Iterable[bytes]) -> SiteFile:
        if isinstance(chunks, bytes):  # a small file, whole already
            chunks = Whole.of(chunks)
        if isinstance(chunks, Known):  # its digest is known: a page kept, a photo in the cache
            digests[path] = chunks.digest
            return path, chunks

        def hashed() -> Iterator[bytes]:
            digest = hashlib.sha256()
            for chunk in chunks:
                digest.update(chunk)
                yield chunk
            digests[path] = digest.digest()

        return path, hashed()

    def render(edition: Edition, page: Page) -> SiteFile:
        path = edition.prefix + page.path
        if cache is None:  # a one-off build: streamed, as a page may list 10,000 exercises
            return emit(path, _gathered(edition.env.get_template(page.template).generate(variables(edition, page))))
        if page.cache_key is None:
            return emit(path, whole(edition, page))
        site = edition.site
        key = (fingerprints[edition.prefix], base_url, settings, path, tuple(where), site.title, site.description,
               site.classic, page.cache_key)
        used.add(key)
        if (data := cache.get(key)) is None:
            data = cache[key] = whole(edition, page)
        return emit(path, data)

    def whole(edition: Edition, page: Page) -> Whole:
        """The dev server's pages: whole, hashed once."""
        return Whole.of(edition.env.get_template(page.template).render(variables(edition, page)).encode())

    for edition in editions:
        for page in listed[edition.prefix]:
            yield render(edition, page)
    if cache is not None:  # forget pages that no longer exist as they were
        for stale in cache.keys() - used:
            del cache[stale]
    first = editions[0]
    if base_url:  # search engines want absolute addresses: every language's pages
        urls = [edition.prefix + page_url(p.path).removeprefix("./") for edition in editions
                for p in sorted(listed[edition.prefix], key=lambda p: p.path) if p.path.endswith("index.html")]
        yield render(first, Page("sitemap.xml", "sitemap.xml", {"pages": urls}))
        yield render(first, Page("robots.txt", "robots.txt"))
    for path, data in static.items():
        yield emit(path, data)
    # Offline, a phone keeps every page (of every language) and the photos of the moves its
    # routines use, not the whole library's.
    library_only = {edition.prefix + picture.path for edition in editions
                    for (slug, _), shown in (edition.pictures or {}).items() if not edition.site.uses[slug]
                    for picture in shown}
    yield render(first, Page("sw.js", "sw.js", {"version": content_hash(digests),
                                                "urls": [page_url(p) for p in sorted(digests) if p not in library_only],
                                                "languages": [e.prefix for e in editions[1:]]}))


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


def templates_fingerprint(env: jinja2.Environment) -> bytes:
    """Changes when any template does, so cached pages never outlive their template."""
    digest = hashlib.sha256()
    for name in env.list_templates():
        digest.update(name.encode() + b"\0" + env.loader.get_source(env, name)[0].encode())
    return digest.digest()


def page_url(path: str) -> str:
    """The URL a file is asked for by, relative to the site root: 'exercises/x/' for its index.html."""
    if path == "index.html":
        return "./"
    return path.removesuffix("index.html")


def content_hash(digests: dict[str, bytes]) -> str:
    """Changes whenever any file does: names the service worker's cache, so users get each build."""
    digest = hashlib.sha256()
    for path in sorted(digests):
        digest.update(path.encode() + b"\0" + digests[path])
    return digest.hexdigest()[:16]
