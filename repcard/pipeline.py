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

from . import card, content, read, render, write
from .model import ContentError, Picture, Problem, Routine, Site, shared
from .write import Linked

PROJECT = Path(__file__).resolve().parent.parent  # templates/ and assets/ live beside build.py


def project_path(name: str) -> Path:
    """A folder beside build.py, shown relative to the working directory when inside it."""
    path = PROJECT / name
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


@dataclass(frozen=True)
class Options:
    content: Path
    output: Path
    base_url: str
    templates: Path = project_path("templates")
    assets: Path = project_path("assets")
    cache: Path = project_path(".cache")  # resized photos, kept between builds; safe to delete


@dataclass
class BuildCache:
    """What one build leaves for the next, so the dev server redoes only what changed."""

    parsed: content.ParseCache = field(default_factory=dict)
    pages: render.PageCache = field(default_factory=dict)
    site: write.Site | None = None  # what the output folder holds, once built
    model: Site | None = None  # the content the last build read, its objects shared by the next (model.shared)
    # Compiled templates: compiling them is most of a small rebuild. Made anew whenever a
    # template may have changed; between rebuilds Jinja also reloads one whose file changed.
    env: jinja2.Environment | None = None
    warned: dict[str, set[str]] = field(default_factory=dict)  # the card warnings standing, by routine page

    def environment(self, templates: Path, changed: set[Path] | None) -> jinja2.Environment:
        if self.env is None or changed is None or any(path.is_relative_to(templates.resolve()) for path in changed):
            self.env = render.make_environment(templates)
        return self.env


def site_files(options: Options, cache: BuildCache | None = None, changed: set[Path] | None = None,
               parsed: content.ParseCache | None = None, prune_photos: bool = False) -> Iterator[render.SiteFile]:
    """Read, validate and render: every file of the site, one at a time.

    Content problems raise ContentError before the first file; a template problem
    raises it while rendering. `parsed`: what earlier builds parsed, when no `cache` holds it.
    `prune_photos`: drop the photo cache's entries this site does not use and no build read
    for a month.
    """
    site = content.load(options.content, cache.parsed if cache is not None else parsed, changed)
    for warning in site.warnings:
        print(warning, file=sys.stderr)
    if cache is not None:
        site = cache.model = shared(cache.model, site)
    static = read.load_assets(options.assets) | read.load_images(site)
    pictures, picture_files = resize_photos(site, options, prune_photos)
    said = cache.warned if cache is not None else None
    cards = {routine.path: plan_card(routine, bool(options.base_url), said) for routine in site.every_routine}
    if said is not None:  # a routine gone is forgotten: its warnings are said again if it comes back
        for gone in said.keys() - cards.keys():
            del said[gone]
    env = cache.environment(options.templates, changed) if cache is not None else render.make_environment(options.templates)
    return _naming_template_problems(
        render.render_site(site, env, cards, static | picture_files, options.base_url,
                           cache.pages if cache is not None else None, pictures),
        options.templates)


def resize_photos(site: Site, options: Options, prune: bool = False) -> tuple[dict[tuple[str, str], tuple[Picture, ...]],
                                                                            dict[str, bytes | Linked]]:
    """Every exercise photo at phone widths, from the cache where it was made before.

    Returns what each photo is shown as, by (exercise slug, src), and the files to write:
    links to the cache's files, or their bytes when the cache could not keep them.
    Raises ContentError naming every photo that is no image it can read.
    """
    wanted = [(exercise, photo) for exercise in site.exercises for photo in exercise.photos]
    if not wanted:
        return {}, {}
    from . import photos  # Pillow loads only for sites with photos

    cache = photos.RenditionCache(options.cache / "photos")
    results = photos.renditions_many([read.image_path(e, p) for e, p in wanted], cache, os.cpu_count() or 1)
    if cache.write_error:  # the build goes on; the next one resizes those photos again
        print(f"repcard: warning: cannot keep resized photos in {options.cache}: {cache.write_error}",
              file=sys.stderr)
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
    return pictures, dict(sorted(files.items()))


def plan_card(routine: Routine, with_qr: bool, said: dict[str, set[str]] | None = None) -> card.CardLayout:
    """The routine's card, with a warning for each text it cuts and when it needs more pages.

    `said` (the dev server's, by routine): the warnings standing since an earlier rebuild,
    which are not printed again (at 1,000 exercises, hundreds of lines a save).
    """
    layout = card.plan_card(routine, with_qr)
    where = f"{routine.path}card/index.html"
    warnings = [f"repcard: warning: {cut}".replace("card/index.html", where) for cut in layout.cuts]
    if layout.pages > 1:
        warnings.append(f"repcard: warning: {where} needs {layout.pages} pages of A4 or Letter, not one: "
                        "fewer exercises, or shorter cues and variations, would fit")
    before = said.get(routine.path, set()) if said is not None else set()
    for warning in warnings:
        if warning not in before:
            print(warning, file=sys.stderr)
    if said is not None:
        said[routine.path] = set(warnings)
    return layout


def _naming_template_problems(files: Iterator[render.SiteFile], templates: Path) -> Iterator[render.SiteFile]:
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
    for source in sorted((PROJECT / "repcard").glob("*.py")):
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
    """The output folder is replaced whole: refuse one that holds anything but a site."""
    if os.path.lexists(options.output) and not options.output.is_dir():
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it is not a folder")
    try:
        output = options.output.resolve()
        sources = [(source, source.resolve()) for source in
                   (options.content, options.templates, options.assets, PROJECT)]
    except RuntimeError as error:  # Python 3.11's word for a loop of symbolic links
        return Problem(str(options.output), None, f"cannot find the folders: {error}")
    for source, resolved in sources:
        if resolved.is_relative_to(output):
            return Problem(str(options.output), None, f"refusing to replace {options.output}: it holds {source}")
    if output.is_dir() and any(output.iterdir()) and not (output / "index.html").is_file():
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it is not empty and "
                       "holds no index.html, so it is no site built before; choose a new or empty folder")
    return None


def template_problem(error: jinja2.TemplateError, templates: Path) -> Problem:
    """Name the template file and line of a Jinja error, found in its traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(str(templates / (error.name or "?")), error.lineno, f"template error: {error.message}")
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename and Path(f.filename).is_relative_to(templates)]
    where = frames[-1] if frames else None
    return Problem(where.filename if where else str(templates), where.lineno if where else None,
                   f"template error: {error}")


def report(problems: list[Problem], output: Path | None) -> None:
    """Every problem on its own line, then what became of the site (`None`: nothing was to be written)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    outcome = f"{output} was left as it was" if output else "nothing was written"
    print(f"repcard: {count}; {outcome}", file=sys.stderr)
