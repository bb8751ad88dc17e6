"""The pipeline: read and validate content, render it, write the site. Used by the command
line (cli.py) and the dev server (serve.py), which import it and never each other.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import jinja2

from . import content, make, photos, render, theme, write
from .config import Settings
from .make import BuildCache
from .pages import CACHE_PREFIX
from .problem import ContentError, Problem, in_order
from .scripts import WORDS_FILE


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


def planned(options: Options, cache: BuildCache | None = None, changed: set[Path] | None = None,
            parsed: content.ParseCache | None = None, prune_photos: bool = False) -> make.Plan:
    """Read and validate the content, say its warnings, and plan the files to write.

    Content problems raise ContentError here; a template problem raises it while the plan's
    files are drawn; with `strict`, so do warnings. `cache`: the dev server's, which keeps
    what each build made, so that the next makes only what `changed` (the paths the watcher
    saw) reaches; without it every file is made and streamed. `parsed`: what earlier builds
    parsed, when no `cache` holds it. `prune_photos`: drop the photo cache's entries this
    site does not use and no build read for a month.
    """
    kept = cache if cache is not None else BuildCache()
    plan, warnings = make.plan(kept, options.content, parsed, options.template_folders, options.asset_folders,
                               options.cache, options.base_url, options.settings, changed, keep=cache is not None,
                               prune_photos=prune_photos,
                               compiled=options.cache / "templates" / _code_fingerprint()[:16])  # this repcard's
    say(warnings, options.strict, cache)
    plan.files = _naming_template_problems(plan.files, options.template_folders)
    return plan


def say(warnings: list[Problem], strict: bool, cache: BuildCache | None) -> None:
    """Print the warnings, or with `strict` stop the build with them as its problems.

    The dev server's rebuilds (`cache`) print only the warnings that were not standing
    after the last one: at 1,000 exercises, hundreds of lines a save otherwise.
    """
    if strict and warnings:
        raise ContentError(warnings)
    standing = cache.warned if cache is not None else set()
    for warning in in_order(warnings):
        if str(warning) not in standing:
            print(warning, file=sys.stderr)
    if cache is not None:  # one gone and back is said again
        cache.warned = {str(warning) for warning in warnings}


def _naming_template_problems(files: Iterator[make.SiteFile], templates: tuple[Path, ...]) -> Iterator[make.SiteFile]:
    """Turn a template error into a Problem, whether it is raised while the next file is
    asked for (a template that does not compile) or while a file's pieces are read."""
    def named(chunks):
        try:
            yield from chunks
        except jinja2.TemplateError as error:
            raise ContentError(_with_every_syntax_error(error, templates)) from None

    try:
        for path, chunks in files:
            yield path, chunks if isinstance(chunks, write.Known) else named(chunks)  # drawn already, or a link
    except jinja2.TemplateError as error:
        raise ContentError(_with_every_syntax_error(error, templates)) from None


def _with_every_syntax_error(error: jinja2.TemplateError, templates: tuple[Path, ...]) -> list[Problem]:
    """The error that stopped the drawing, and every template that does not compile: all said in
    one run, not one a run as the pages meet them."""
    problems = [template_problem(error, templates)]
    try:
        env = render.make_environment(templates)
        names = env.list_templates()
    except (jinja2.TemplateError, OSError):  # an inline script that does not compile: said already
        return problems
    kinds = {PurePosixPath(name).suffix for name in jinja2.FileSystemLoader(templates[-1]).list_templates()}
    for name in (name for name in names if PurePosixPath(name).suffix in kinds):  # not an editor's base.html~
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as broken:
            problems.append(template_problem(broken, templates))
        except (jinja2.TemplateError, OSError, UnicodeError):  # not a template's syntax: the drawing says it
            continue
    return in_order(list(dict.fromkeys(problems)))


def build_files(options: Options) -> dict[str, bytes]:
    """The whole site in memory, for `check` and for tests. Raises ContentError."""
    return {path: b"".join(chunks) for path, chunks in planned(options).files}


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
        plan = planned(options, cache, changed, parsed, prune_photos=cache is None)
        site = None
        if cache is not None and cache.site is not None:
            site = write.update_site(plan.files, plan.removed, options.output, cache.site)
            if site is None:  # the folder was replaced, or an update cut short: every file again
                cache.forget_site()
                plan = planned(options, cache)
        if site is None:
            site = write.write_site(plan.files, options.output)
        plan.commit()
        if cache is None:  # a one-off build tidies, as it does the photo cache; the dev server does not
            prune_compiled(options.cache / "templates")
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
            fingerprint, count = pickle.load(file)
            if fingerprint != _code_fingerprint():
                return {}
            return dict(pickle.load(file) for _ in range(count))
    except Exception:  # noqa: BLE001 - missing, cut short, another version's: parse again
        return {}


def _dump_parses(parsed: content.ParseCache, file: BinaryIO) -> None:
    """The fingerprint and the count, then each file's parse a pickle of its own: one pickle of
    them all kept a memo of every object in it, a tenth of a 10,000-exercise build's memory."""
    for item in ((_code_fingerprint(), len(parsed)), *parsed.items()):
        pickle.dump(item, file, protocol=pickle.HIGHEST_PROTOCOL)


def store_parses(options: Options, parsed: content.ParseCache) -> None:
    """Keep `parsed` for the next build, whole or not at all; a failure costs only time."""
    path = _parses_path(options)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write.clear_killed_writes(path.parent)
        write.whole_file(path, functools.partial(_dump_parses, parsed), 0o600)


_VERSION = re.compile(r"[0-9a-f]{16}")  # a folder per repcard (_code_fingerprint)
# Jinja's compiled templates (and the temporary files it writes them through), the scripts' words.
_COMPILED = re.compile(rf"__jinja2_\w+\.cache(\w+\.tmp)?|{re.escape(WORDS_FILE)}|{re.escape(write.TEMPORARY)}.*")


def prune_compiled(folder: Path, unused_for: float = 30 * 86400) -> None:
    """Drop the compiled templates (and scripts' words) no build has read for `unused_for` seconds
    (of a template since edited, of an older repcard), and the folders they leave empty; without
    it the folder grows by an entry at each template edit and a folder at each upgrade. Only
    what builds write there: the cache may be any folder a user names."""
    now = time.time()
    with contextlib.suppress(OSError):
        for version in os.scandir(folder):
            if not (version.is_dir(follow_symlinks=False) and _VERSION.fullmatch(version.name)):
                continue
            with os.scandir(version.path) as entries:
                for entry in entries:
                    if _COMPILED.fullmatch(entry.name) and photos.idle(entry, now) >= unused_for:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
            with contextlib.suppress(OSError):  # refused while it holds any file
                os.rmdir(version.path)


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
    if options.cache.resolve().is_relative_to(output):  # published (with the machine's paths), then wiped
        return Problem(str(options.output), None, f"refusing to build {options.output} with its cache "
                       f"{options.cache} inside it: choose a cache folder outside the site")
    if (output / ".git").exists():
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it holds .git, a "
                       "repository, and the folder is replaced whole; build into a folder of its own")
    if output.is_dir() and any(output.iterdir()) and not built_by_repcard(output):
        return Problem(str(options.output), None, f"refusing to replace {options.output}: it is not empty and is no "
                       "site repcard built (neither its sw.js nor its index.html is repcard's); choose a new or empty folder")
    return None


def built_by_repcard(folder: Path) -> bool:
    """A folder a build wrote: its service worker names its cache as repcard's do, or its home page
    says where the site's root is as repcard's pages do (a site whose own templates changed one of
    them). A folder of other files that merely holds an index.html, a gh-pages checkout, is neither."""
    return _opens_with(folder / make.SERVICE_WORKER, b'"' + CACHE_PREFIX.encode()) or \
        _opens_with(folder / "index.html", b' data-site="')


def _opens_with(path: Path, mark: bytes) -> bool:
    """Is `mark` in the file's first 4 KB?"""
    try:
        with open(path, "rb") as file:
            return mark in file.read(4096)
    except OSError:
        return False


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
