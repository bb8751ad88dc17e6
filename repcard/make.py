"""Make the site's files: every one on a first build, and after that only those an edit reaches.

One way for the command line and the dev server alike. A build reads the content (content.py
puts an edited exercise in place), names what changed (changes.py, and the templates, assets
and images the watcher saw), asks the dependency graph which files read any of it (graph.py),
and makes those again: a page whose key is unchanged is left as it is, a routine's long pages
are joined again around the circuits that changed (render.py). A build that keeps nothing (the
command line) streams every page to disk; the dev server keeps what it made (`Kept`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from . import card, changes, content, render, write
from .config import Settings
from .graph import Graph, Input
from .model import Problem, Routine, Site
from .pages import Page, Pictures, page_url, pages, robots, service_worker, sitemap
from .static import Static
from .write import Known, Linked, Whole

SiteFile = tuple[str, Iterable[bytes]]  # a path inside the output folder, its bytes in pieces


@dataclass(frozen=True, eq=False)
class Made:
    """One file of the site as a build made it: its digest, and what it was made from."""

    digest: bytes
    key: tuple | None = None  # a page's: what it shows, with the site's title and the settings
    drawn: render.Drawn | None = None  # a page's templates and fragments
    copied: bytes | Linked | None = None  # a copied file's data: the same object while unchanged


@dataclass(frozen=True)
class Card:
    """A routine's printed card as planned: its layout, its warnings, and (the dev server's) the
    circuits' estimates that planning it again after an edit starts from."""

    routine: Routine
    layout: card.CardLayout
    warnings: list[Problem]
    estimates: card.Kept | None


@dataclass
class BuildCache:
    """What one build leaves for the next (the dev server's): the content as loaded, the files
    copied, the compiled templates, and every file of the site with what it was made from."""

    loader: content.Loader | None = None
    static: Static = field(default_factory=Static)
    env: render.Environment | None = None
    model: Site | None = None  # the content the site on disk shows
    pages: frozenset[str] = frozenset()  # and its pages' paths
    cards: dict[str, Card] = field(default_factory=dict)  # by routine path
    pictures: Pictures = field(default_factory=dict)
    files: dict[str, Made] = field(default_factory=dict)
    graph: Graph = field(default_factory=Graph)
    total: int = 0  # the service worker's version, before its last digits are taken (render.version)
    pending: set[Path] | None = field(default_factory=set)  # changed since the last build written (None: anything)
    site: write.Site | None = None  # what the output folder holds, once written
    warned: set[str] = field(default_factory=set)  # the warnings standing since the last build

    def forget_site(self) -> None:
        """What the output folder holds is not known: the next build makes every file."""
        self.model, self.site, self.files, self.graph, self.pages, self.total = None, None, {}, Graph(), frozenset(), 0


@dataclass
class Plan:
    """A build's files to write (drawn as they are asked for, sw.js last), the paths to remove,
    and what to keep once they are written."""

    files: Iterator[SiteFile]
    removed: list[str]
    commit: Callable[[], None]


SERVICE_WORKER = "sw.js"


def plan(kept: BuildCache, template_folders: tuple[Path, ...], asset_folders: tuple[Path, ...], cache: Path,
         base_url: str, settings: Settings, changed: set[Path] | None, keep: bool,
         prune_photos: bool = False) -> tuple[Plan, list[Problem]]:
    """Read and validate the content, and decide what to make; with the warnings to say.

    `changed`: the paths the watcher saw change since the last build with `kept` (None:
    unknown, every file is looked at); `keep`: whether `kept` is the dev server's, to keep
    what is made (otherwise pages stream). Raises ContentError before the first file."""
    changed = None if changed is None or kept.pending is None else kept.pending | changed
    kept.pending = changed  # until a build is written: a failed one leaves its changes to the next
    site = kept.loader.load(changed)
    first = kept.model is None
    fired = set() if first else changes.changes(kept.model, site)
    stale = _stale_templates(template_folders, changed, kept)
    everything = first or stale is None or not keep  # every file made again, none compared with the last
    env = kept.env if kept.env is not None and stale == set() else render.make_environment(template_folders)
    stale = stale or set()
    fired |= {changes.template(name) for name in stale}
    static, pictures, warnings = kept.static.update(site, asset_folders, cache, changed, prune_photos)
    fired |= {changes.photos(slug) for slug in {s for s, _ in pictures.keys() ^ kept.pictures.keys()} |
              {s for (s, src), shown in pictures.items() if kept.pictures.get((s, src), shown) != shown}}
    cards = {}
    for routine in site.every_routine:
        before = kept.cards.get(routine.path)
        if before and before.routine is routine:
            cards[routine.path] = before
            continue
        estimates = before.estimates if before else card.Kept() if keep else None
        cards[routine.path] = Card(routine, *_plan_card(routine, base_url, settings.paper, estimates), estimates)
        if not before or before.layout != cards[routine.path].layout:
            fired.add(changes.card(routine.path))
    warnings = list(site.warnings) + [w for c in cards.values() for w in c.warnings] + warnings
    known = kept.files
    listed = pages(site, {path: c.layout for path, c in cards.items()}, base_url, pictures)
    extra = {"sitemap.xml": partial(sitemap, listed), "robots.txt": robots} if base_url else {}
    current = set(listed) | set(extra) | set(static) | {SERVICE_WORKER}
    removed = sorted(set(known) - current)
    reached = current if everything else kept.graph.reading(fired) | (current - known.keys())
    if not everything and listed.keys() != kept.pages:
        reached.add("sitemap.xml")
    renderer = render.Renderer(env, site, base_url, settings, pictures)
    made: dict[str, Made] = {}
    inputs: dict[str, frozenset[Input]] = {}
    total = [0 if everything else kept.total - sum(render.version_part(p, known[p].digest) for p in removed)]

    def shares(path: str, digest: bytes) -> None:
        """The file's share of the service worker's version, in place of its last one."""
        if not everything and path in known:
            total[0] -= render.version_part(path, known[path].digest)
        total[0] += render.version_part(path, digest)

    def draw(page: Page) -> Iterator[SiteFile]:
        """The page, if it is new or may have changed; noted in any case (its inputs may have)."""
        key = None if page.key is None else (base_url, settings, site.title, site.description, site.classic, page.key)
        before = None if everything else known.get(page.path)
        if not keep:
            yield page.path, renderer.stream(page, partial(shares, page.path))
            return
        if before and key is not None and before.key == key and before.drawn.templates.isdisjoint(stale):
            made[page.path] = before
            inputs[page.path] = page.inputs | _read(before.drawn.templates)
            return
        drawn = renderer.draw(page, before.drawn if before else None, frozenset(stale))
        made[page.path] = Made(drawn.file.digest, key, drawn)
        inputs[page.path] = page.inputs | _read(drawn.templates)
        if before is None or before.digest != drawn.file.digest:
            if page.path != SERVICE_WORKER:
                shares(page.path, drawn.file.digest)
            yield page.path, drawn.file

    def copy(path: str, data: bytes | Linked) -> Iterator[SiteFile]:
        before = None if everything else known.get(path)
        if before and before.copied is data:
            made[path] = before
            return
        digest = data.digest if isinstance(data, Linked) else hashlib.sha256(data).digest()
        made[path] = Made(digest, copied=data)
        if before is None or before.digest != digest:
            shares(path, digest)
            yield path, data if isinstance(data, Known) else Whole((data,), digest)

    def files() -> Iterator[SiteFile]:
        for path, make in (*listed.items(), *extra.items()):
            if path in reached:
                yield from draw(make())
        for path, data in static.items():
            yield from copy(path, data)
        # Offline, a phone keeps every page and the photos of the moves its routines use, not the
        # whole library's.
        library_only = {p.path for (slug, _), shown in pictures.items() if not site.uses(slug) for p in shown}
        urls = [page_url(path) for path in sorted(current - {SERVICE_WORKER}) if path not in library_only]
        yield from draw(service_worker(render.version(total[0]), urls))

    def commit() -> None:
        if not keep:
            return
        for path in removed:
            kept.graph.forget(path)
            del known[path]
        known.update(made)
        for path, read in inputs.items():
            kept.graph.record(path, read)
        kept.model, kept.pages, kept.env = site, frozenset(listed), env
        kept.pictures, kept.cards, kept.total, kept.pending = pictures, cards, total[0], set()

    return Plan(files(), removed, commit), warnings


def _stale_templates(folders: tuple[Path, ...], changed: set[Path] | None, kept: BuildCache) -> set[str] | None:
    """The names of the templates changed since the last build; None when that is not known."""
    if changed is None or kept.env is None:
        return None
    names: set[str] = set()
    for folder in (folder.resolve() for folder in folders):
        for path in changed:
            if folder.is_relative_to(path):  # the folder itself, or one above it, moved
                return None
            if path.is_relative_to(folder):
                names.add(path.relative_to(folder).as_posix())
    return names


@lru_cache(maxsize=256)
def _read(templates: frozenset[str]) -> frozenset[Input]:
    """Templates as the graph names them: a few sets of them serve every page."""
    return frozenset(map(changes.template, templates))


def _plan_card(routine: Routine, base_url: str, paper: str, kept: card.Kept | None
               ) -> tuple[card.CardLayout, list[Problem]]:
    """The routine's card, with a warning for each text it cuts and when it needs more pages."""
    layout = card.plan_card(routine, bool(base_url), paper, kept)
    where = f"{routine.path}card/index.html"
    warnings = [repcard_warning(str(cut).replace("card/index.html", where)) for cut in layout.cuts]
    if layout.pages > 1:
        warnings.append(repcard_warning(f"{where} needs {layout.pages} pages of {paper}, not one: "
                                        "fewer exercises, or shorter cues and variations, would fit"))
    return layout, warnings


def repcard_warning(message: str) -> Problem:
    """A warning about the build as a whole, said as `repcard: warning: ...`."""
    return Problem("repcard", None, f"warning: {message}")
