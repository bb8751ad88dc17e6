"""The command line: build, check and serve, with problems printed one a line."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from . import card, content, render, write
from .model import ContentError, Problem

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


@dataclass
class BuildCache:
    """What one build leaves for the next, so the dev server redoes only what changed."""

    parsed: content.ParseCache = field(default_factory=dict)
    pages: render.PageCache = field(default_factory=dict)
    site: write.Site | None = None  # what the output folder holds, once built


def site_files(options: Options, cache: BuildCache | None = None) -> Iterator[render.SiteFile]:
    """Read, validate and render: every file of the site, one at a time.

    Content problems raise ContentError before the first file; a template problem
    raises it while rendering.
    """
    routine = content.load(options.content, cache.parsed if cache is not None else None)
    assets = content.load_assets(options.assets)
    layout = card.plan_card(routine, with_qr=bool(options.base_url))
    if layout.pages > 1:
        print(f"repcard: warning: card/index.html needs {layout.pages} pages of A4 or Letter, not one: "
              "fewer exercises, or shorter cues and variations, would fit", file=sys.stderr)
    env = render.make_environment(options.templates)
    return _naming_template_problems(
        render.render_site(routine, env, layout, assets, options.base_url,
                           cache.pages if cache is not None else None),
        options.templates)


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
            yield path, named(chunks)
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, templates)]) from None


def build_files(options: Options) -> dict[str, bytes]:
    """The whole site in memory, for `check` and for tests. Raises ContentError."""
    return {path: b"".join(chunks) for path, chunks in site_files(options)}


def build(options: Options, cache: BuildCache | None = None) -> list[Problem]:
    """Build the site into options.output; return the problems (empty on success)."""
    if refusal := unsafe_output(options):
        return [refusal]
    try:
        files = site_files(options, cache)
        if cache is not None and cache.site is not None:
            site = write.update_site(files, options.output, cache.site)
        else:
            site = write.write_site(files, options.output)
    except ContentError as error:
        return error.problems
    except OSError as error:
        return [Problem(str(options.output), None, f"cannot write the site: {error}")]
    if cache is not None:
        cache.site = site
    return []


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


def report(problems: list[Problem], output: Path) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    print(f"repcard: {count}; {output} was left as it was", file=sys.stderr)


def parse_base_url(value: str) -> str:
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(
            f"expected an absolute http(s) address such as https://you.github.io/repcard/, got {value!r}")
    return value if value.endswith("/") else value + "/"


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build a workout routine written in Markdown into a static site.",
        epilog="Problems in the content are printed one a line as path:line: message; "
               "exit status 1 for content problems, 2 for a wrong command line.",
    )
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve"),
                        help="build (default): write the site; check: validate the content only; "
                             "serve: build, serve on this machine and rebuild on every change")
    parser.add_argument("--content", type=Path, default=project_path("content"), metavar="DIR",
                        help="the routine: index.md and exercises/*.md (default: content/)")
    parser.add_argument("--output", type=Path, default=project_path("site"), metavar="DIR",
                        help="where the site is written (default: site/)")
    parser.add_argument("--base-url", type=parse_base_url, default="", metavar="URL",
                        help="the site's absolute address, e.g. https://you.github.io/repcard/; "
                             "enables canonical links, the sitemap and the card's QR code")
    parser.add_argument("--host", default="127.0.0.1",
                        help="serve: address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default: 8000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    options = Options(args.content, args.output, args.base_url)
    received: list[int] = []

    def interrupt(signum: int, frame) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    handled = (signal.SIGINT, signal.SIGTERM)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = [signal.signal(signum, interrupt) for signum in handled] if in_main_thread else []
    try:
        return run(args.command, options, args.host, args.port)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: a line, not a traceback
        print(f"repcard: interrupted; {left_as(options.output)}", file=sys.stderr, flush=True)
        return 128 + (received[-1] if received else signal.SIGINT)
    finally:
        for signum, handler in zip(handled, previous):
            signal.signal(signum, handler)


def left_as(output: Path) -> str:
    """What an interrupted run left in the output folder, truthfully."""
    if write.half_updated(output):
        return f"{output} was left half-updated; the next build rebuilds it whole"
    return f"{output} was left as it was"


def run(command: str, options: Options, host: str, port: int) -> int:
    if command == "check":
        try:
            build_files(options)
        except ContentError as error:
            report(error.problems, options.output)
            return 1
        print(f"repcard: {options.content} is valid")
        return 0
    if command == "serve":
        from . import serve  # livereload and tornado load only when serving

        return serve.serve(options, host, port)
    problems = build(options)
    if problems:
        report(problems, options.output)
        return 1
    print(f"repcard: built {options.output}")
    return 0
