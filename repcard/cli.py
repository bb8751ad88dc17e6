"""The command line: build, check and serve, with problems printed one a line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from . import write
from .model import ContentError, Problem
from .pipeline import Options, build, build_files, project_path, report

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
               "exit status 1 for content problems, 2 for a wrong command line. "
               "`build.py import [--content DIR] [--force] SOURCE...` imports exercises from "
               "free-exercise-db (build.py import --help).",
    )
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve"),
                        help="build (default): write the site; check: validate the content only; "
                             "serve: build, serve on this machine and rebuild on every change")
    parser.add_argument("--content", type=Path, default=project_path("content"), metavar="DIR",
                        help="the content: index.md, exercises/*.md and, for a library, routines/*.md "
                             "(default: content/ beside build.py, "
                             "wherever you run it from)")
    parser.add_argument("--output", type=Path, default=project_path("site"), metavar="DIR",
                        help="where the site is written (default: site/ beside build.py, wherever you run it from)")
    parser.add_argument("--base-url", type=parse_base_url, default="", metavar="URL",
                        help="the site's absolute address, e.g. https://you.github.io/repcard/; "
                             "enables canonical links, the sitemap and the card's QR code")
    parser.add_argument("--cache", type=Path, default=project_path(".cache"), metavar="DIR",
                        help="where resized photos and parsed files are kept between builds (default: .cache/ beside build.py; "
                             "delete it to start cold)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="serve: address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default: 8000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:  # its own arguments: sources to import
        from . import importer

        return importer.main(argv[1:], default_content=project_path("content"))
    args = make_parser().parse_args(argv)
    options = Options(args.content, args.output, args.base_url, cache=args.cache)
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
        outcome = "nothing was written" if args.command == "check" else left_as(options.output)
        print(f"repcard: interrupted; {outcome}", file=sys.stderr, flush=True)
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
            report(error.problems, None)
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
    pages = sum(1 for _ in options.output.rglob("*.html"))
    print(f"repcard: built {pages} pages into {options.output}; open {options.output / 'index.html'} "
          "in a browser, or see it live with `build.py serve`")
    return 0
