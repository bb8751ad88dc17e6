"""The command line: build, check and serve, with problems printed one a line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

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
                        help="the routine: index.md and exercises/*.md (default: content/ beside build.py, "
                             "wherever you run it from)")
    parser.add_argument("--output", type=Path, default=project_path("site"), metavar="DIR",
                        help="where the site is written (default: site/ beside build.py, wherever you run it from)")
    parser.add_argument("--base-url", type=parse_base_url, default="", metavar="URL",
                        help="the site's absolute address, e.g. https://you.github.io/repcard/; "
                             "enables canonical links, the sitemap and the card's QR code")
    parser.add_argument("--cache", type=Path, default=project_path(".cache"), metavar="DIR",
                        help="where resized photos are kept between builds (default: .cache/ beside build.py; "
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
    if args.command == "check":
        try:
            build_files(options)
        except ContentError as error:
            report(error.problems, None)
            return 1
        print(f"repcard: {options.content} is valid")
        return 0
    if args.command == "serve":
        from . import serve  # livereload and tornado load only when serving

        return serve.serve(options, args.host, args.port)
    problems = build(options)
    if problems:
        report(problems, options.output)
        return 1
    print(f"repcard: built {options.output}")
    return 0
