"""The pipeline: read and validate content, render it, write the site. Used by the command
line (cli.py) and the dev server (serve.py), which import it and never each other.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import card, content, read, render, theme, write
from .config import Settings
from .i18n import Language
from .model import ContentError, Picture, Problem, Routine, Site, shared
from .scripts import ScriptWords, served
from .words import Words
from .write import Linked


CARD_SIZES = "assets/card-sizes.css"  # written by the build from repcard/card.py


@dataclass(frozen=True)
class Options:
    content: Path
    output: Path
    base_url: str
    templates: Path = theme.shown(theme.TEMPLATES)  # the theme's
    assets: Path = theme.shown(theme.ASSETS)
    cache: Path = Path(".cache")  # resized photos, kept between builds; safe to delete
    overrides: Path | None = None  # the site's folder: its templates/ and assets/ shadow the theme's
    settings: Settings = Settings()  # from repcard.toml
    strict: bool = False  # every warning is a problem

    @property
    def template_folders(self) -> tuple[Path, ...]:
        return theme.search_path(self.overrides and self.overrides / "templates", self.templates)

    @property
    def asset_folders(self) -> tuple[Path, ...]:
        return theme.search_path(self.overrides and self.overrides / "assets", self.assets)


@dataclass
class BuildCache:
    """What one build leaves for the next, so the dev server redoes only what changed."""

    parsed: content.ParseCache = field(default_factory=dict)
    pages: render.PageCache = field(default_factory=dict)
    site: write.Site | None = None  # what the output folder holds, once built
    # The content the last build read, by language, its objects shared by the next (model.shared)
    models: dict[str, Site] = field(default_factory=dict)
    # Compiled templates, one environment a language: compiling them is most of a small rebuild.
    # Made anew whenever a template may have changed; between rebuilds Jinja also reloads one
    # whose file changed.
    envs: dict[str, jinja2.Environment] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)  # the warnings standing since the last build

    def environment(self, templates: tuple[Path, ...], changed: set[Path] | None, language: Language) -> jinja2.Environment:
        if changed is None or any(path.is_relative_to(folder.resolve()) for path in changed for folder in templates):
            self.envs.clear()
        if language.code not in self.envs:
            self.envs[language.code] = render.make_environment(templates, language)
        return self.envs[language.code]


def site_files(options: Options, cache: BuildCache | None = None, changed: set[Path] | None = None,
               parsed: content.ParseCache | None = None, prune_photos: bool = False) -> Iterator[render.SiteFile]:
    """Read, validate and render: every file of the site, one at a time.

    Content problems raise ContentError before the first file; a template problem
    raises it while rendering; with `strict`, so do warnings. `parsed`: what earlier builds
    parsed, when no `cache` holds it. `prune_photos`: drop the photo cache's entries this
    site does not use and no build read for a month.

    A site in one language is content/ itself; a multilingual one is a folder per language
    (content.language_folders): each is loaded and drawn as an edition of its own, the site's
    language at the root and every other under /<lang>/, one service worker over them all.
    """
    folders = content.language_folders(options.content)
    problems: list[Problem] = []
    loaded: list[tuple[str | None, Site]] = []
    for code, folder in (folders or {None: options.content}).items():
        try:
            site = content.load(folder, cache.parsed if cache is not None else parsed, changed,
                                raw_html=options.settings.raw_html)
        except ContentError as error:
            problems += error.problems
            continue
        if code and site.language and site.language != code:
            problems.append(Problem(str(folder / "index.md"), None, f"language: {site.language} in the folder of "
                                    f"{code}: a multilingual site's language is its folder's name; remove the key"))
        if cache is not None:
            site = cache.models[code or ""] = shared(cache.models.get(code or ""), site)
        loaded.append((code or site.language or options.settings.language, site))
    if problems:
        raise ContentError(problems)
    default = options.settings.language
    loaded.sort(key=lambda found: (found[0] != default, found[0]))  # the site's language first, at the root
    static = {path: served(data) if path.endswith(".js") else data
              for path, data in read.load_assets(options.asset_folders).items()}
    scripts = ScriptWords(static)
    if any(site.routines for _, site in loaded):  # the card's sizes, from their one source
        static[CARD_SIZES] = card.stylesheet().encode()
    warnings: list[Problem] = []
    editions = []
    for n, (code, site) in enumerate(loaded):
        prefix = f"{code}/" if n else ""
        language = Language(code)
        static |= {prefix + path: data for path, data in read.load_images(site).items()}
        pictures, picture_files, photo_warnings = resize_photos(site, options, prune_photos)
        static |= {prefix + path: data for path, data in picture_files.items()}
        warnings += photo_warnings
        cards = {}  # by routine page: a program's weeks have cards too
        words = Words(language)
        for routine in site.every_routine:
            cards[routine.path], card_warnings = plan_card(routine, bool(options.base_url), options.settings.paper,
                                                           words, prefix)
            warnings += card_warnings
        env = cache.environment(options.template_folders, changed, language) if cache is not None \
            else render.make_environment(options.template_folders, language)
        env.globals["script_words"] = functools.partial(scripts.page_messages, language)  # this build's scripts
        editions.append(render.Edition(site, env, cards, pictures, prefix))
        warnings += site.warnings
    say(warnings, options.strict, cache)
    return _naming_template_problems(
        render.render_site(editions, static, options.base_url, cache.pages if cache is not None else None,
                           options.settings),
        options.template_folders)


def say(warnings: list[Problem], strict: bool, cache: BuildCache | None) -> None:
    """Print the warnings, or with `strict` stop the build with them as its problems.

    The dev server's rebuilds (`cache`) print only the warnings that were not standing
    after the last one: at 1,000 exercises, hundreds of lines a save otherwise.
    """
    if strict and warnings:
        raise ContentError(warnings)
    standing = cache.warned if cache is not None else set()
    for warning in warnings:
        if str(warning) not in standing:
            print(warning, file=sys.stderr)
    if cache is not None:  # one gone and back is said again
        cache.warned = {str(warning) for warning in warnings}


def resize_photos(site: Site, options: Options, prune: bool = False
                  ) -> tuple[dict[tuple[str, str], tuple[Picture, ...]], dict[str, bytes | Linked], list[Problem]]:
    """Every exercise photo at phone widths, from the cache where it was made before.

    Returns what each photo is shown as, by (exercise slug, src), the files to write
    (links to the cache's files, or their bytes when the cache could not keep them) and
    a warning when the cache could not keep them. Raises ContentError naming every photo
    that is no image it can read.
    """
    wanted = [(exercise, photo) for exercise in site.exercises for photo in exercise.photos]
    if not wanted:
        return {}, {}, []
    from . import photos  # Pillow loads only for sites with photos

    cache = photos.RenditionCache(options.cache / "photos")
    results = photos.renditions_many([read.image_path(e, p) for e, p in wanted], cache, os.cpu_count() or 1)
    warnings = []
    if cache.write_error:  # the build goes on; the next one resizes those photos again
        warnings.append(repcard_warning(f"cannot keep resized photos in {options.cache}: {cache.write_error}"))
    elif prune:
        cache.prune(cache.keys_of(results))
    pictures, files, problems = {}, {}, []
    for (exercise, photo), result in zip(wanted, results):
        if isinstance(result, str):
            problems.append(Problem(exercise.source, photo.line, f"photos: {photo.src} {result}"))
            continue
        name = photo.src.rsplit(".", 1)[0].replace("/", "-")
        shown = tuple(Picture(f"exercises/{exercise.slug}/{name}-{r.width}.webp", r.width, r.height) for r in result)
        pictures[(exercise.slug, photo.src)] = shown
        files |= {picture.path: Linked(r.file, r.digest) if r.file else r.webp for picture, r in zip(shown, result)}
    if problems:
        raise ContentError(problems)
    return pictures, dict(sorted(files.items())), warnings


def plan_card(routine: Routine, with_qr: bool, paper: str, words: Words = Words(),
              prefix: str = "") -> tuple[card.CardLayout, list[Problem]]:
    """The routine's card in `words`' language, with a warning for each text it cuts and when
    it needs more pages; `prefix`: where the language's pages are ("fr/")."""
    layout = card.plan_card(routine, with_qr, paper, words)
    where = f"{prefix}{routine.path}card/index.html"
    warnings = [repcard_warning(str(cut).replace("card/index.html", where)) for cut in layout.cuts]
    if layout.pages > 1:
        warnings.append(repcard_warning(f"{where} needs {layout.pages} pages of {paper}, not one: "
                                        "fewer exercises, or shorter cues and variations, would fit"))
    return layout, warnings


def repcard_warning(message: str) -> Problem:
    """A warning about the build as a whole, said as `repcard: warning: ...`."""
    return Problem("repcard", None, f"warning: {message}")


def _naming_template_problems(files: Iterator[render.SiteFile], templates: tuple[Path, ...]) -> Iterator[render.SiteFile]:
    """Turn a template error into a Problem, whether it is raised while the next file is
    asked for (a template that does not compile) or while a file's pieces are read."""
    def named(chunks):
        try:
            yield from chunks
        except jinja2.TemplateError as error:
            raise ContentError([template_problem(error, templates)]) from None

    try:
        for path, chunks in files:
            yield path, chunks if isinstance(chunks, write.Known) else named(chunks)  # rendered already, or a link
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, templates)]) from None


def build_files(options: Options) -> dict[str, bytes]:
    """The whole site in memory, for `check` and for tests. Raises ContentError."""
    return {path: b"".join(chunks) for path, chunks in site_files(options)}


def build(options: Options, cache: BuildCache | None = None, changed: set[Path] | None = None) -> list[Problem]:
    """Build the site into options.output; return the problems (empty on success).

    `changed` (from the dev server's file watcher) names the files changed since the last
    build with this cache; None when unknown, and every file is looked at.
    """
    if refusal := unsafe_output(options):
        return [refusal]
    parsed = stored_parses(options) if cache is None else None
    kept = set(parsed or ())  # a key's result never changes: the same keys, nothing to store
    try:
        # A one-off build tidies the photo cache; the dev server's rebuilds leave it be.
        files = site_files(options, cache, changed, parsed, prune_photos=cache is None)
        if cache is not None and cache.site is not None:
            site = write.update_site(files, options.output, cache.site)
        else:
            site = write.write_site(files, options.output)
    except ContentError as error:
        return error.problems
    except OSError as error:
        return [Problem(str(options.output), None, f"cannot write the site: {error}")]
    finally:
        if parsed is not None and parsed.keys() != kept:
            store_parses(options, parsed)
    if cache is not None:
        cache.site = site
    return []


# --- what a build parsed, kept for the next one -----------------------------------------------
# Parsing (Markdown, YAML) is most of a build whose photos are cached. The results are kept
# beside the photos, one file per content folder, for files whose path, size and time stamp
# are unchanged; any change to repcard's code or its parsers starts afresh. Pickle, like
# Python's own __pycache__: the folder is this project's, written only by its builds.


def _parses_path(options: Options) -> Path:
    folder = hashlib.sha256(str(options.content.resolve()).encode()).hexdigest()[:16]
    return options.cache / "parsed" / f"{folder}.pickle"


@functools.cache
def _code_fingerprint() -> str:
    import markdown
    import yaml

    digest = hashlib.sha256(f"{sys.version}\0{markdown.__version__}\0{yaml.__version__}".encode())
    for source in sorted(theme.PACKAGE.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def stored_parses(options: Options) -> content.ParseCache:
    """What earlier builds of this content folder parsed; empty when unknown or stale."""
    try:
        with open(_parses_path(options), "rb") as file:
            fingerprint, parsed = pickle.load(file)
    except Exception:  # noqa: BLE001 - missing, cut short, another version's: parse again
        return {}
    return parsed if fingerprint == _code_fingerprint() and isinstance(parsed, dict) else {}


def store_parses(options: Options, parsed: content.ParseCache) -> None:
    """Keep `parsed` for the next build, whole or not at all; a failure costs only time."""
    path = _parses_path(options)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write.clear_killed_writes(path.parent)
        write.whole_file(path, pickle.dumps((_code_fingerprint(), parsed), pickle.HIGHEST_PROTOCOL), 0o600)


def unsafe_output(options: Options) -> Problem | None:
    """The output folder is replaced whole: refuse one that holds anything but a site, or
    the folders the site is made from (a site's own templates/ and assets/, repcard itself)."""
    if os.path.lexists(options.output) and not options.output.is_dir():
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it is not a folder")
    try:
        output = options.output.resolve()
        sources = [(source, source.resolve()) for source in
                   (options.content, *options.template_folders, *options.asset_folders, theme.PACKAGE,
                    *([options.overrides] if options.overrides else []))]
    except RuntimeError as error:  # Python 3.11's word for a loop of symbolic links
        return Problem(str(options.output), None, f"cannot find the folders: {error}")
    for source, resolved in sources:
        if resolved.is_relative_to(output):
            return Problem(str(options.output), None, f"refusing to replace {options.output}: it holds {source}")
    if output.is_dir() and any(output.iterdir()) and not (output / "index.html").is_file():
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it is not empty and "
                       "holds no index.html, so it is no site built before; choose a new or empty folder")
    return None


def template_problem(error: jinja2.TemplateError, templates: tuple[Path, ...]) -> Problem:
    """Name the template file (the site's own or the theme's) and line of a Jinja error,
    found in its traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(error.filename or str(templates[-1] / (error.name or "?")), error.lineno,
                       f"template error: {error.message}")
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename and any(Path(f.filename).is_relative_to(folder) for folder in templates)]
    where = frames[-1] if frames else None
    return Problem(where.filename if where else str(templates[0]), where.lineno if where else None,
                   f"template error: {error}")


def report(problems: list[Problem], output: Path | None) -> None:
    """Every problem on its own line, then what became of the site (`None`: nothing was to be written)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    outcome = f"{output} was left as it was" if output else "nothing was written"
    print(f"repcard: {count}; {outcome}", file=sys.stderr)
