"""Make the site's files: every one on a first build, and after that only those an edit reaches.

One way for the command line and the dev server alike. A build reads the content (loader.py
puts an edited exercise in place), names what changed (changes.py, and the templates, assets
and images the watcher saw), asks the dependency graph which files read any of it (graph.py),
and makes those again: a page whose key is unchanged is left as it is, a routine's long pages
are joined again around the circuits that changed (render.py). A build that keeps nothing (the
command line) streams every page to disk; the dev server keeps what it made (`BuildCache`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import quote

from . import changes, content, render, workers, write
from .cards import Card, plan_cards
from .config import Settings
from .content import ParseCache
from .graph import Graph, Input
from .i18n import Language
from .loader import Loader
from .model import Site
from .pages import Page, Pictures, page_url, pages, robots, service_worker, sitemap
from .problem import ContentError, Problem
from .scripts import WORDS_FILE, Bundles, ScriptWords
from .static import Static
from .words import Words
from .write import Known, Linked, Whole

SiteFile = tuple[str, Iterable[bytes]]  # a path inside the output folder, its bytes in pieces


@dataclass(frozen=True, eq=False)
class Made:
    """One file of the site as a build made it: its digest, and what it was made from."""

    digest: bytes
    key: tuple | None = None  # a page's: what it shows, with the site's title and the settings
    drawn: render.Drawn | None = None  # a page's templates and fragments
    copied: bytes | Linked | None = None  # a copied file's data: the same object while unchanged
    scripts: frozenset[str] = frozenset()  # a page's: the files its scripts are joined in (scripts.Bundles)


@dataclass
class Edition:
    """One language of the site as the last build left it: its content as loaded (the loader
    keeps it), the files it copied, its cards and what its photos are shown as."""

    loader: Loader
    static: Static = field(default_factory=Static)
    model: Site | None = None  # the content the site on disk shows
    cards: dict[str, Card] = field(default_factory=dict)  # by routine path
    pictures: Pictures = field(default_factory=dict)


@dataclass
class BuildCache:
    """What one build leaves for the next (the dev server's): each language's content as loaded
    and files copied, the compiled templates, and every file of the site with what it was made from."""

    editions: dict[str, Edition] = field(default_factory=dict)  # by the language of content/<lang>/ ("": content/)
    envs: dict[str, render.Environment] = field(default_factory=dict)  # by language code
    languages: tuple[tuple[str, str], ...] = ()  # each edition's language and prefix, as the site on disk has them
    scripts: ScriptWords | None = None  # the scripts whose words the pages on disk carry
    bundles: Bundles = field(default_factory=Bundles)  # the files the pages on disk load their scripts from
    pages: frozenset[str] = frozenset()  # the site's pages' paths
    files: dict[str, Made] = field(default_factory=dict)
    graph: Graph = field(default_factory=Graph)
    total: int = 0  # the service worker's version, before its last digits are taken (render.version)
    pending: set[Path] | None = field(default_factory=set)  # changed since the last build written (None: anything)
    site: write.Site | None = None  # what the output folder holds, once written
    warned: set[str] = field(default_factory=set)  # the warnings standing since the last build

    def forget_site(self) -> None:
        """What the output folder holds is not known: the next build makes every file."""
        for edition in self.editions.values():
            edition.model = None
        self.site, self.files, self.graph, self.pages, self.total, self.languages = None, {}, Graph(), frozenset(), 0, ()
        self.bundles = Bundles()


SERVICE_WORKER = "sw.js"
SEARCH_FILES = ("sitemap.xml", "robots.txt")


def plan(kept: BuildCache, content_dir: Path, parsed: ParseCache | None, template_folders: tuple[Path, ...],
         asset_folders: tuple[Path, ...], cache: Path, base_url: str, settings: Settings, changed: set[Path] | None,
         keep: bool, prune_photos: bool = False, compiled: Path | None = None) -> tuple[Plan, list[Problem]]:
    """Read and validate the content, and decide what to make; with the warnings to say.

    A site in one language is content/ itself; a multilingual one a folder per language
    (content.language_folders), each loaded and drawn as an edition of its own: the site's
    language at the root, every other under /<lang>/, one service worker over them all.
    `changed`: the paths the watcher saw change since the last build with `kept` (None:
    unknown, every file is looked at); `keep`: whether `kept` is the dev server's, to keep
    what is made (otherwise pages stream); `compiled`: where compiled templates are kept
    (render.CompiledTemplates). Raises ContentError before the first file."""
    changed = None if changed is None or kept.pending is None else kept.pending | changed
    kept.pending = changed  # until a build is written: a failed one leaves its changes to the next
    loaded = _load(kept, content_dir, parsed, settings, changed, cache)
    languages = tuple((code, f"{code}/" if n else "") for n, (code, _, _) in enumerate(loaded))
    stale = _stale_templates(template_folders, changed, kept)
    everything = stale is None or not keep or kept.languages != languages  # every file made anew, none compared
    fired = {changes.template(name) for name in stale or ()}
    static: dict[str, bytes | Linked] = {}
    warnings: list[Problem] = []
    sites, renderers, listed, cards, pictures, local = {}, {}, {}, {}, {}, {}
    problems: list[Problem] = []
    for code, edition, site in loaded:
        prefix = dict(languages)[code]
        words = Words(Language(code))
        found = set() if edition.model is None or everything else changes.changes(edition.model, site)
        try:
            files, shown, said = edition.static.update(site, () if prefix else asset_folders, cache, changed,
                                                       prune_photos, any(s.routines for _, _, s in loaded))
        except ContentError as error:  # every language's images and photos said in one run
            problems += error.problems
            continue
        static |= {prefix + path: data for path, data in files.items()}
        found |= {changes.photos(slug) for slug in {s for s, _ in shown.keys() ^ edition.pictures.keys()} |
                  {s for (s, src), seen in shown.items() if edition.pictures.get((s, src), seen) != seen}}
        cards[code] = plan_cards(edition.cards, site, base_url, settings.paper, keep, found, words, prefix)
        warnings += list(site.warnings) + [w for c in cards[code].values() for w in c.warnings] + said
        fired |= {_in(prefix, i) for i in found}
        sites[prefix], pictures[code] = site, shown
        its = pages(site, {path: c.layout for path, c in cards[code].items()}, base_url and base_url + prefix, shown, words,
                    prefix)  # "" without a base URL: "fr/" alone is no address
        local[prefix] = frozenset(path.removeprefix(prefix) for path in its)
        listed |= its
    if problems:
        raise ContentError(problems)
    translated = languages != (("en", ""),)  # English pages carry no words for their scripts
    scripts = ScriptWords(static, needed=translated, kept=compiled and compiled / WORDS_FILE)
    if kept.scripts is not None and kept.scripts.sources != scripts.sources and translated:
        everything = True  # the words the pages carry for their scripts may have changed
    envs = {code: (kept.envs.get(code) if stale == set() else None) or
            render.make_environment(template_folders, Language(code), compiled) for code, _ in languages}
    every = tuple((Language(code), prefix, local[prefix]) for code, prefix in languages)
    for code, prefix in languages:
        renderers[prefix] = render.Renderer(envs[code], sites[prefix], base_url, settings, pictures[code] or None,
                                            prefix, every if len(languages) > 1 else ())
    if base_url:  # search engines want absolute addresses
        listed |= {"sitemap.xml": partial(sitemap, list(listed), tuple(p for _, p in languages)), "robots.txt": robots}
    if len(languages) > 1 and set(listed) - set(SEARCH_FILES) != kept.pages:
        everything = True  # every page's language switcher says which languages have it
    bundles = Bundles(None if everything else kept.bundles.asked)  # a page not drawn again loads what it did
    for code, _ in languages:
        envs[code].globals |= {"script_words": partial(scripts.page_messages, Language(code)),  # this build's scripts
                               "scripts_file": bundles.path}
    made = Plan(kept, loaded, languages, renderers, listed, static, cards, envs, scripts, bundles, everything, keep,
                frozenset(stale or ()))
    if not everything:
        made.reached = kept.graph.reading(fired) | (made.current - kept.files.keys())
        if set(listed) - set(SEARCH_FILES) != kept.pages:
            made.reached.add("sitemap.xml")
    return made, warnings


def _load(kept: BuildCache, content_dir: Path, parsed: ParseCache | None, settings: Settings,
          changed: set[Path] | None, cache: Path) -> list[tuple[str, Edition, Site]]:
    """Each language's content as it stands, the site's language first; raises ContentError
    with every problem of every language, their images' and photos' among them."""
    if not content_dir.is_dir():  # run from another folder, most likely: one line, not index.md's and exercises/'
        raise ContentError([Problem(str(content_dir), None, "no such folder: run repcard in your site's folder, "
                                    "beside repcard.toml, or name the content with --content")])
    folders, problems = content.language_folders(content_dir)
    folders = folders or {"": content_dir}
    for gone in kept.editions.keys() - folders.keys():
        del kept.editions[gone]
    loaded = []
    for code, folder in folders.items():
        edition = kept.editions.get(code)
        if edition is None:
            edition = kept.editions[code] = Edition(Loader(folder, parsed, settings.raw_html, code))
        try:
            site = edition.loader.load(changed)
        except ContentError as error:
            problems += error.problems + edition.static.problems_of(error.exercises, cache, changed)
            continue
        loaded.append((code or site.language or settings.language, edition, site))
    if problems:  # the languages that loaded have their images and photos said in this run too
        raise ContentError(problems + [p for _, edition, site in loaded
                                       for p in edition.static.problems_of(site.exercises, cache, changed)])
    return sorted(loaded, key=lambda found: (found[0] != settings.language, found[0]))


def _in(prefix: str, item: Input) -> Input:
    """An input of a language's edition: the site's language's as it is, another's under its prefix."""
    return (prefix, *item) if prefix else item


class Plan:
    """A build's files to write (drawn as they are asked for, sw.js last), the paths to remove,
    and what to keep once they are written (`commit`)."""

    def __init__(self, kept: BuildCache, loaded: list[tuple[str, Edition, Site]], languages: tuple[tuple[str, str], ...],
                 renderers: dict[str, render.Renderer], listed: dict[str, Callable[[], Page]],
                 static: dict[str, bytes | Linked], cards: dict[str, dict[str, Card]],
                 envs: dict[str, render.Environment], scripts: ScriptWords, bundles: Bundles, everything: bool,
                 keep: bool, stale: frozenset[str]) -> None:
        self.kept, self.loaded, self.languages, self.renderers = kept, loaded, languages, renderers
        self.listed, self.static, self.cards, self.envs, self.scripts = listed, static, cards, envs, scripts
        self.bundles, self.everything, self.keep, self.stale = bundles, everything, keep, stale
        self.current = set(listed) | set(static) | set(bundles.asked) | {SERVICE_WORKER}
        self.removed = sorted(set(kept.files) - self.current)
        self.reached = set(self.current)  # the files to look at: every one, unless the graph says fewer
        # A routine's pages list every exercise (25 MB at 10,000): streamed, never whole in memory.
        self.long = {f"{prefix}{r.path}{page}index.html" for prefix, renderer in renderers.items()
                     for r in renderer.site.every_routine for page in ("", "workout/", "card/")}
        self.made: dict[str, Made] = {}
        self.inputs: dict[str, frozenset[Input]] = {}
        known = kept.files
        self.total = 0 if everything else kept.total - sum(render.version_part(p, known[p].digest) for p in self.removed)
        self.files = self._files()

    def _files(self) -> Iterator[SiteFile]:
        wanted = [(path, make) for path, make in self.listed.items() if path in self.reached]
        # The pages but a routine's, a page per exercise mostly, drawn by workers meanwhile when they
        # pay: in a cold build of a site not too large (each worker ends up with a copy of most of the
        # site: 60 MB of a library of 10,000).
        apart = [path for path, _ in wanted if path not in self.long and not self.keep]
        if len(apart) <= DRAW_APART_TO and (count := workers.worth_it(len(apart), DRAW_APART_FROM)):
            yield from _drawn_apart(self, dict(wanted), apart, count, [m for p, m in wanted if p in self.long])
        else:
            for _, make in wanted:
                yield from self.draw(make())
        for path, data in self.static.items():
            yield from self._copy(path, data)
        if self.keep:  # the pages on disk, drawn now or before, load these and no others
            self._forget_unused_scripts()
        for path, data in self.bundles.files(self.static).items():  # the pages have asked for theirs
            self.current.add(path)
            if path in self.removed:  # a build of every file starts from none asked: the writer deletes
                self.removed.remove(path)  # `removed` once every file is written, so it keeps this one
            yield from self._copy(path, data)
        # Offline, a phone keeps every page (of every language) and the photos of the moves its
        # routines use, not the whole library's; at the addresses the pages ask for, percent-encoded
        # as photos are (the Cache API compares them as written: a photo "IMG (1).jpg" was missed).
        library_only = {prefix + p.path for prefix, renderer in self.renderers.items()
                        for (slug, _), shown in (renderer.pictures or {}).items() if not renderer.site.uses(slug)
                        for p in shown}
        urls = [quote(page_url(path)) for path in sorted(self.current - {SERVICE_WORKER}) if path not in library_only]
        yield from self.draw(service_worker(render.version(self.total), urls, tuple(p for _, p in self.languages[1:])))

    def shares(self, path: str, digest: bytes) -> None:
        """The file's share of the service worker's version, in place of its last one."""
        if path == SERVICE_WORKER:
            return
        if not self.everything and path in self.kept.files:
            self.total -= render.version_part(path, self.kept.files[path].digest)
        self.total += render.version_part(path, digest)

    def draw(self, page: Page) -> Iterator[SiteFile]:
        """The page, if it is new or may have changed; noted in any case (its inputs may have)."""
        renderer = self.renderers[page.edition]
        if not self.keep and page.path in self.long:
            yield page.path, renderer.stream(page, partial(self.shares, page.path))
            return
        if not self.keep:  # whole, for write.py's thread to write while the next is drawn
            data, digest = _drawn(renderer, page)
            self.shares(page.path, digest)
            yield page.path, Whole((data,), digest)
            return
        site = renderer.site
        key = None if page.key is None else (renderer.base_url, renderer.settings, site.title, site.description,
                                             site.classic, page.key)
        before = None if self.everything else self.kept.files.get(page.path)
        if before and key is not None and before.key == key and before.drawn.templates.isdisjoint(self.stale):
            self.made[page.path] = before
            self.inputs[page.path] = _inputs(page) | _read(before.drawn.templates)
            return
        self.bundles.by_page()  # none of another page's
        drawn = renderer.draw(page, before.drawn if before else None, self.stale)
        self.made[page.path] = Made(drawn.file.digest, key, drawn, scripts=frozenset(self.bundles.by_page()))
        self.inputs[page.path] = _inputs(page) | _read(drawn.templates)
        if before is None or before.digest != drawn.file.digest:
            self.shares(page.path, drawn.file.digest)
            yield page.path, drawn.file

    def _forget_unused_scripts(self) -> None:
        """The joined script files no page loads any more are removed, as a clean build would not make them
        (a template's scripts changed, a script of the site's own then deleted)."""
        used = {name for path in self.listed for made in [self.made.get(path) or self.kept.files.get(path)] if made
                for name in made.scripts}
        for path in self.bundles.keep_only(used):
            self.current.discard(path)
            if path in self.kept.files and path not in self.removed:
                self.removed.append(path)
                if not self.everything:
                    self.total -= render.version_part(path, self.kept.files[path].digest)

    def _copy(self, path: str, data: bytes | Linked) -> Iterator[SiteFile]:
        before = None if self.everything else self.kept.files.get(path)
        if before and before.copied is data:
            self.made[path] = before
            return
        digest = data.digest if isinstance(data, Linked) else hashlib.sha256(data).digest()
        self.made[path] = Made(digest, copied=data)
        if before is None or before.digest != digest:
            self.shares(path, digest)
            yield path, data if isinstance(data, Known) else Whole((data,), digest)

    def commit(self) -> None:
        """Keep what this build made, now that it is written (the dev server's)."""
        kept = self.kept
        if not self.keep:
            return
        for path in self.removed:
            kept.graph.forget(path)
            del kept.files[path]
        kept.files.update(self.made)
        for path, read in self.inputs.items():
            kept.graph.record(path, read)
        for code, edition, site in self.loaded:
            edition.model, edition.cards = site, self.cards[code]
            edition.pictures = self.renderers[dict(self.languages)[code]].pictures or {}
        kept.pages = frozenset(self.listed) - set(SEARCH_FILES)
        kept.envs, kept.languages, kept.scripts, kept.bundles = self.envs, self.languages, self.scripts, self.bundles
        kept.total, kept.pending = self.total, set()


def _inputs(page: Page) -> frozenset[Input]:
    """What the page reads, named as its edition's inputs are (_in)."""
    return frozenset(_in(page.edition, item) for item in page.inputs) if page.edition else page.inputs


DRAW_APART_FROM = 300  # pages to draw before worker processes pay for their start-up
DRAW_APART_TO = 3000  # and at most: past that, the copies of the site each worker makes weigh too much
_DRAWING: tuple[dict[str, render.Renderer], dict[str, Callable[[], Page]], Bundles] | None = None  # what forked workers draw from


def _drawn_apart(plan: Plan, makers: dict[str, Callable[[], Page]], apart: list[str], count: int,
                 here: list[Callable[[], Page]]) -> Iterator[SiteFile]:
    """The pages at `apart` drawn by `count` workers forked from this process (they see its site
    as it stands), while this one draws those `here`."""
    global _DRAWING
    _DRAWING = plan.renderers, makers, plan.bundles
    try:
        # Every chunk at once (DRAW_APART_TO pages at most): this process draws the long pages
        # meanwhile, half a second at 1,000, and two chunks a worker left the workers idle then.
        with workers.InOrder(_draw, apart, count, chunk=32, ahead=len(apart)) as drawn:
            _DRAWING = None  # the workers have their own copy
            for make in here:
                yield from plan.draw(make())
            for path, data, digest, bundles in drawn:
                plan.bundles.asked |= bundles
                plan.shares(path, digest)
                yield path, Whole((data,), digest)
    finally:
        _DRAWING = None


def _draw(paths: list[str]) -> list[tuple[str, bytes, bytes, dict[str, tuple[str, ...]]]]:
    """In a worker: the pages at `paths`, each with its bytes, digest and the script files it loads."""
    renderers, makers, bundles = _DRAWING
    return [(path, *_drawn(renderers[page.edition], page), bundles.by_page()) for path in paths
            for page in [makers[path]()]]


def _drawn(renderer: render.Renderer, page: Page) -> tuple[bytes, bytes]:
    """A page streamed into one piece of bytes, with its digest."""
    digest: list[bytes] = []
    data = b"".join(renderer.stream(page, digest.append))
    return data, digest[0]


def _stale_templates(folders: tuple[Path, ...], changed: set[Path] | None, kept: BuildCache) -> set[str] | None:
    """The names of the templates changed since the last build; None when that is not known."""
    if changed is None or not kept.envs:
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
