"""The pages a site has: for each, where it goes, the template that draws it, what it shows and
what it reads. Pure: a Site in, Pages out; a new kind of page is one entry here.

Each page names its inputs (changes.py's vocabulary): a rebuild looks again only at the pages
that read an input the edit changed. Those it looks at, it draws again only when their key,
what they show beyond the site's title (render.py adds that and the templates), differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

from . import changes as c
from . import seo
from .card import CardLayout, qr_svg
from .graph import Input
from .model import Picture, Routine, Site, term_slug
from .program_model import Program
from .words import ENGLISH, Words

Pictures = dict[tuple[str, str], tuple[Picture, ...]]  # (exercise slug, photo src) -> what the photo is shown as


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes, the template that draws it, what it shows."""

    path: str
    template: str
    context: dict = field(default_factory=dict, hash=False)
    # JSON-LD, or what makes it (given the page's memo, render.Memo): made only when the page is drawn
    structured_data: dict | Callable[..., dict] | None = field(default=None, hash=False)
    # What the page shows. None: drawn whenever it is looked at (a routine's pages, each drawn
    # around its circuits, which render.py keeps one by one)
    key: tuple | None = None
    inputs: frozenset[Input] = frozenset()  # what it reads: a change to one has it looked at again
    edition: str = ""  # where its language's pages are: "" for the site's language, "fr/" for another


# Files no page loads as it shows, read by a page's script only when asked (the exercises the
# history page's import can match another app's names to): a change to them alone still lets the
# dev server update an open page in place (serve.py).
FETCHED_LATER = "history/exercises.json"


def pages(site: Site, cards: dict[str, CardLayout], base_url: str = "", pictures: Pictures | None = None,
          words: Words = ENGLISH, prefix: str = "") -> dict[str, Callable[[], Page]]:
    """Every page the site has, by path, in a fixed order: each with what makes it, so that a
    rebuild knows every path and spends nothing on the pages an edit does not reach (and a
    build of 10,000 exercises holds one page at a time). `words`: the site's language;
    `prefix`: where its pages go ("fr/" for a multilingual site's other languages), and
    `base_url` the address of that language's root."""
    found = _pages(site, cards, base_url, pictures, words)
    if not prefix:
        return found
    return {prefix + path: partial(_moved, make, prefix) for path, make in found.items()}


def _moved(make: Callable[[], Page], prefix: str) -> Page:
    page = make()
    return replace(page, path=prefix + page.path, edition=prefix)


def _pages(site: Site, cards: dict[str, CardLayout], base_url: str, pictures: Pictures | None, words: Words
           ) -> dict[str, Callable[[], Page]]:
    found: dict[str, Callable[[], Page]] = {}
    every = frozenset({c.SITE})
    if not site.classic:
        found["index.html"] = lambda: Page(
            "index.html", "home.html", {"cards": cards},
            key=("home", site.intro_html, site.routines, site.programs, len(site.exercises), tuple(sorted(cards.items()))),
            inputs=every | {c.INTRO, c.LIBRARY, c.ROUTINES, c.PROGRAMS, *map(c.card, cards),
                            *(c.routine(r.path) for r in site.routines), *(c.program(p.slug) for p in site.programs)})
    for routine in site.routines:
        found |= routine_pages(routine, cards[routine.path], base_url, words)
    for program in site.programs:  # its page, then each week's sessions as routines of their own
        found[f"{program.path}index.html"] = partial(program_page, program)
        for routine in program.routines:
            found |= routine_pages(routine, cards[routine.path], base_url, words, program)
    if site.routines:  # the sets logged in this browser, every routine's
        found["history/index.html"] = lambda: Page("history/index.html", "history.html", key=("history",), inputs=every)
        found[FETCHED_LATER] = partial(import_choices, site)
    for exercise in site.exercises:
        found[f"exercises/{exercise.slug}/index.html"] = partial(exercise_page, site, exercise.slug, base_url, pictures,
                                                                 words)
    if not site.classic:  # the library, browsable without script
        found |= library_pages(site, words)
        for kind, terms in (("muscles", site.muscles), ("equipment", site.equipment)):
            for term, exercises in terms.items():
                found[f"{kind}/{term_slug(term)}/index.html"] = partial(term_page, kind, term, exercises)
    found["404.html"] = lambda: Page("404.html", "404.html", key=("404",), inputs=every)
    found["manifest.webmanifest"] = lambda: Page("manifest.webmanifest", "manifest.webmanifest", key=("manifest",),
                                                 inputs=every)
    return found


def program_page(program: Program) -> Page:
    return Page(f"{program.path}index.html", "program.html", {"program": program}, key=("program", program),
                inputs=frozenset({c.SITE, c.program(program.slug)}))


def import_choices(site: Site) -> Page:
    """What an import from another app can match its exercise names to (read by history.js)."""
    choices = seo.Listed(_choice(e.slug, e.title) for e in site.exercises)
    return Page(FETCHED_LATER, "exercises.json", {"choices": choices}, key=("choices", site.exercises),
                inputs=frozenset({c.SITE, c.LIBRARY}))


@lru_cache(maxsize=4096)  # the same text each time: the page's unchanged pieces (render.py) are kept by identity
def _choice(slug: str, title: str) -> str:
    return seo.item_json({"slug": slug, "title": title})


def exercise_page(site: Site, slug: str, base_url: str, pictures: Pictures | None, words: Words) -> Page:
    """An exercise's page: the move, and where it sits in each routine and program that uses it."""
    exercise = site.exercise(slug)
    uses = site.uses(slug)
    programs = tuple(use for program in site.programs if (use := program.use_of(exercise)))
    context = {"exercise": exercise, "uses": uses, "programs": programs, "only": None, "previous": None, "next": None}
    if len(uses) == 1:  # in one routine: lead on to the moves before and after it there
        slots = uses[0].routine.slots
        i = uses[0].routine.position(uses[0].slot)
        context |= {"only": uses[0], "previous": slots[i - 1] if i > 0 else None,
                    "next": slots[i + 1] if i + 1 < len(slots) else None}
    nexts = tuple(use.routine.next_up(use.slot) for use in uses)
    inputs = {c.SITE, c.exercise(slug), c.uses(slug), c.photos(slug)}
    for use in uses:  # its circuit and the next (what follows a set), the previous (the move before)
        inputs |= {c.heading(use.routine.path), *(c.circuit(use.routine.path, near.number)
                                                   for near in use.routine.around(use.slot.circuit))}
    inputs |= {c.program(program.slug) for program in site.programs if program.use_of(exercise)}
    return Page(f"exercises/{slug}/index.html", "exercise.html", context,
                partial(seo.exercise_data, exercise, uses, base_url, words),
                key=(exercise, tuple((u.routine.slug, u.routine.title, u.slot) for u in uses), programs, nexts,
                     context["previous"], context["next"],
                     tuple((pictures or {}).get((slug, p.src)) for p in exercise.photos)),
                inputs=frozenset(inputs))


def term_page(kind: str, term: str, exercises: tuple) -> Page:
    heading = term[:1].upper() + term[1:]
    return Page(f"{kind}/{term_slug(term)}/index.html", "library.html",
                {"heading": heading, "kind": kind, "listed": exercises, "initials": {}},
                key=("library", heading, exercises),
                inputs=frozenset({c.SITE, c.term(kind, term)}))


LIBRARY_PAGE = 200  # exercises one page lists at most; past that, a page per initial keeps pages light


def library_pages(site: Site, words: Words) -> dict[str, Callable[[], Page]]:
    """The index of every exercise: one page, or for a large library a page of initials
    that leads to a page per initial (a phone scans 800 moves faster that way too)."""
    everything = {"heading": words._("Every exercise"), "kind": None, "listed": site.exercises, "initials": {}}
    terms = (tuple(site.muscles), tuple(site.equipment))  # the index links every term
    index_inputs = frozenset({c.SITE, c.LIBRARY, c.TERMS})
    if len(site.exercises) <= LIBRARY_PAGE:
        return {"exercises/index.html": lambda: Page(
            "exercises/index.html", "library.html", everything, key=("library", site.exercises, terms),
            inputs=index_inputs | {c.exercise(e.slug) for e in site.exercises})}
    initials: dict[str, list] = {}
    for exercise in site.exercises:
        initial = exercise.title[:1].upper()
        initials.setdefault(initial if initial.isalpha() else "#", []).append(exercise)
    slugs = {initial: term_slug(initial) if initial != "#" else "other" for initial in initials}
    counts = {slugs[i]: (i, len(e)) for i, e in initials.items()}
    found = {"exercises/index.html": lambda: Page(
        "exercises/index.html", "library.html", everything | {"listed": (), "initials": counts},
        key=("library", counts, terms, len(site.exercises)), inputs=index_inputs)}
    for initial, exercises in initials.items():
        found[f"library/{slugs[initial]}/index.html"] = partial(initial_page, initial, slugs[initial], tuple(exercises), words)
    return found


def initial_page(initial: str, slug: str, exercises: tuple, words: Words) -> Page:
    return Page(f"library/{slug}/index.html", "library.html",
                {"heading": words._("Exercises: %(initial)s", initial=initial), "kind": "initial", "listed": exercises, "initials": {}},
                key=("library", initial, exercises), inputs=frozenset({c.SITE, c.LIBRARY, *map(c.exercise, (e.slug for e in exercises))}))


def routine_pages(routine: Routine, card: CardLayout, base_url: str, words: Words, program: Program | None = None
                  ) -> dict[str, Callable[[], Page]]:
    """A routine's page, its workout mode and its printable card; `program` for a program's week.

    No key: they show every exercise of the routine, so any edit in it changes them; each
    is drawn again around its circuits, which render.py keeps one by one (at 1,000
    exercises the workout page is 2 MB, one circuit 4 KB).
    """
    context = {"routine": routine, "program": program}
    url = base_url and f"{base_url}{routine.path}"
    inputs = frozenset({c.SITE, c.routine(routine.path), c.card(routine.path), *([c.program(program.slug)] if program else [])})
    return {
        f"{routine.path}index.html": lambda: Page(f"{routine.path}index.html", "routine.html", context,
                                                  partial(seo.routine_data, routine, base_url, words), inputs=inputs),
        f"{routine.path}workout/index.html": lambda: Page(f"{routine.path}workout/index.html", "workout.html", context,
                                                          inputs=inputs),
        f"{routine.path}card/index.html": lambda: Page(
            f"{routine.path}card/index.html", "card.html",
            context | {"card": card, "qr": _qr_svg(url, words._("QR code: %(url)s", url=url)) if url else ""},
            inputs=inputs),
    }


_qr_svg = lru_cache(maxsize=64)(qr_svg)  # the same address draws the same code: drawn once per server


def page_url(path: str) -> str:
    """The URL a file is asked for by, relative to the site root: 'exercises/x/' for its index.html."""
    if path == "index.html":
        return "./"
    return path.removesuffix("index.html")


def sitemap(paths: list[str], prefixes: tuple[str, ...] = ("",)) -> Page:
    """Search engines' list of the pages, with absolute addresses (built only with a base URL):
    the site's language's first, then each other language's (`prefixes`, the site's "" first)."""
    def edition(path: str) -> int:
        return next((n for n, prefix in enumerate(prefixes) if prefix and path.startswith(prefix)), 0)

    urls = [page_url(path).removeprefix("./") for path in sorted(paths, key=lambda path: (edition(path), path))
            if path.endswith("index.html")]
    return Page("sitemap.xml", "sitemap.xml", {"pages": urls}, key=("sitemap", tuple(urls)), inputs=frozenset({c.PAGES}))


def robots() -> Page:
    return Page("robots.txt", "robots.txt", key=("robots",))


CACHE_PREFIX = "repcard-"  # of the service worker's caches' names: also how a folder repcard built is known


def service_worker(version: str, urls: list[str], languages: tuple[str, ...] = ()) -> Page:
    """The service worker: it saves every file at `urls` under a cache named after `version`;
    `languages`: a multilingual site's other languages' folders ("fr/")."""
    return Page("sw.js", "sw.js", {"version": version, "cache_prefix": CACHE_PREFIX, "urls": urls,
                                   "languages": list(languages)},
                key=("sw", version, tuple(urls), languages))
