"""The command line: build, check, serve, import, new and check-site, with problems printed
one a line. Settings come from the flags, then repcard.toml, then the defaults."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from . import __version__, config, theme, write
from .pipeline import Options, build, build_files, report
from .problem import ContentError, Problem

COMMANDS = ("build", "check", "serve", "check-site")


def flag_type(check):
    """A config.KEYS check as an argparse type: the same rule for the flag as for the key."""
    def parse(value: str):
        try:
            return check(value)
        except config.Wrong as wrong:
            raise argparse.ArgumentTypeError(f"{wrong}, got {value!r}") from None
    return parse


def make_parser(prog: str, where: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        # Every command in the first lines, `new` and `import` too (their own arguments: --help after them).
        # argparse puts the name in (a "%" in build.py's path would be read as a placeholder here).
        usage=f"%(prog)s [options] [{'|'.join(COMMANDS)}]\n       %(prog)s new DIR [--force]\n"
              "       %(prog)s import [--content DIR] [--force] SOURCE...",
        description="Build workout routines written in Markdown into a static site.",
        epilog="Problems are printed one a line as path:line: message; exit status 1 for problems, "
               f"2 for a wrong command line. `{prog} new DIR` starts a site of your own ({prog} new --help); "
               f"`{prog} import [--content DIR] [--force] SOURCE...` imports exercises from "
               f"free-exercise-db ({prog} import --help).")
    parser.add_argument("--version", action="version", version=f"repcard {__version__}")
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS,
                        help="build (default): write the site; check: validate the content only; "
                             "serve: build, serve on this machine and rebuild on every change; "
                             "check-site: check a built site (page weight, links, the card's pages)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help=f"the site's settings (default: repcard.toml {where}, if there is one); "
                             "a flag wins over the file")
    parser.add_argument("--content", type=flag_type(config.folder), metavar="DIR",
                        help="the content: index.md, exercises/*.md and, for a library, routines/*.md "
                             f"(default: content/ beside the config file, else {where})")
    parser.add_argument("--output", type=flag_type(config.folder), metavar="DIR",
                        help=f"where the site is written (default: site/ beside the config file, else {where})")
    parser.add_argument("--base-url", type=flag_type(config.base_url), metavar="URL",
                        help="the site's absolute address, e.g. https://you.github.io/repcard/; "
                             "enables canonical links, the sitemap and the card's QR code")
    parser.add_argument("--cache", type=flag_type(config.folder), metavar="DIR",
                        help="where resized photos and parsed files are kept between builds (default: .cache/ "
                             f"beside the config file, else {where}; delete it to start cold)")
    parser.add_argument("--strict", action="store_true",
                        help="every warning is a problem: the build stops, the site is left as it was")
    parser.add_argument("--verbose", action="store_true",
                        help="also name the site's own templates and assets that override the theme's")
    parser.add_argument("--host", default="127.0.0.1",
                        help="serve: address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default: 8000)")
    parser.add_argument("--chromium", type=Path, metavar="PATH",
                        help="check-site: the Chromium or Chrome that prints the cards "
                             "(default: chromium, chromium-browser or google-chrome, found on the PATH)")
    return parser


def main(argv: list[str] | None = None, prog: str = "repcard", root: Path | None = None) -> int:
    """`root`: where the default folders and repcard.toml are: beside build.py for a checkout's
    build.py, the working directory for the `repcard` command."""
    argv = sys.argv[1:] if argv is None else argv
    where = "beside build.py, wherever you run it from" if root is not None else "in the working directory"
    root = root if root is not None else Path.cwd()
    if argv[:1] == ["new"]:
        from . import newsite

        return interruptible(lambda: newsite.main(argv[1:], prog), lambda: "the files written so far stay, each whole")
    if argv[:1] == ["import"]:  # its own arguments: sources to import
        from . import importer

        values, problems = settings_file(root / config.FILE_NAME, strict=False)
        if problems:
            report(problems, None)
            return 1
        return interruptible(lambda: importer.main(argv[1:], prog=f"{prog} import", default_content=folder(
            values, "content", root / config.FILE_NAME, root)), lambda: "the files written so far stay, each whole")
    args = make_parser(prog, where).parse_args(argv)
    path = args.config or theme.shown(root / config.FILE_NAME)
    values, problems = settings_file(path, args.strict, required=args.config is not None)
    if problems:
        report(problems, None if args.command in ("check", "check-site")
               else args.output or folder(values, "output", path, root))  # the folder this build would write
        return 1
    options = Options(
        content=args.content or folder(values, "content", path, root),
        output=followed(args.output or folder(values, "output", path, root)),
        base_url=values.get("base_url", "") if args.base_url is None else args.base_url,
        cache=args.cache or folder(values, "cache", path, root),
        overrides=path.parent,
        settings=config.Settings(**{key: values[key] for key in ("weight_unit", "paper", "raw_html", "language") if key in values}),
        strict=args.strict)
    if args.verbose:
        say_overrides(options)
    return interruptible(lambda: run(args, options, prog), lambda: "nothing was written"
                         if args.command in ("check", "check-site") else left_as(options.output))


def followed(output: Path) -> Path:
    """An output folder that is a symbolic link is built where the link leads: a build swaps the new
    folder into the old one's place, which would replace the link, the folder it led to left stale."""
    try:
        return output.resolve() if output.is_symlink() and output.is_dir() else output
    except (OSError, RuntimeError):  # a loop of links: said by the build's check of its folders
        return output


def interruptible(command: Callable[[], int], outcome: Callable[[], str]) -> int:
    """Run `command`; Ctrl-C or SIGTERM is one line saying what it left (`outcome`), not a traceback."""
    received: list[int] = []

    def interrupt(signum: int, frame) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    handled = (signal.SIGINT, signal.SIGTERM)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = [signal.signal(signum, interrupt) for signum in handled] if in_main_thread else []
    try:
        return command()
    except KeyboardInterrupt:
        print(f"repcard: interrupted; {outcome()}", file=sys.stderr, flush=True)
        return 128 + (received[-1] if received else signal.SIGINT)
    finally:
        for signum, handler in zip(handled, previous):
            signal.signal(signum, handler)


def settings_file(path: Path, strict: bool, required: bool = False) -> tuple[dict[str, object], list[Problem]]:
    """repcard.toml's values and its problems; its warnings are said here, once a run, or
    with `strict` are problems. No file is no settings, unless it was named (`required`)."""
    if not path.exists() and not required:
        return {}, []
    values, problems, warnings = config.read_config(path)
    if strict:
        return values, problems + warnings
    for warning in warnings:
        print(warning, file=sys.stderr)
    return values, problems


def folder(values: dict[str, object], key: str, path: Path, root: Path) -> Path:
    """A folder repcard.toml names (relative to it), else the default beside it, or in `root`."""
    default = {"content": "content", "output": "site", "cache": ".cache"}[key]
    base = path.parent if path.exists() else root
    return theme.shown(base.absolute() / values.get(key, Path(default)))


def say_overrides(options: Options) -> None:
    """--verbose: where the theme is, then the site's own templates and assets and what each
    does to the theme."""
    print(f"repcard: the theme: {options.templates} and {options.assets}")
    for folders in (options.template_folders, options.asset_folders):
        for path, overrides in theme.own_files(folders):
            did = "overrides the theme's" if overrides else "adds"
            print(f"repcard: {theme.shown(path)} {did} {path.relative_to(folders[0]).as_posix()}")


def left_as(output: Path) -> str:
    """What an interrupted run left in the output folder, truthfully."""
    if write.half_updated(output):
        return f"{output} was left half-updated; the next build rebuilds it whole"
    return f"{output} was left as it was"


def run(args: argparse.Namespace, options: Options, prog: str) -> int:
    if args.command == "check":
        try:
            build_files(options)
        except ContentError as error:
            report(error.problems, None)
            return 1
        print(f"repcard: {options.content} is valid")
        return 0
    if args.command == "check-site":
        from . import sitecheck  # its browser loads only when checking a site

        return sitecheck.main(options.output, options.base_url, args.chromium, options.strict)
    if args.command == "serve":
        from . import serve  # livereload and tornado load only when serving

        return serve.serve(options, args.host, args.port)
    problems = build(options)
    if problems:
        report(problems, options.output)
        return 1
    pages = sum(1 for _ in options.output.rglob("*.html"))
    # Not "open site/index.html": from the disk a browser lists a folder where a link names one.
    given = [(flag, value) for flag, value in (("--config", args.config), ("--content", args.content),
                                               ("--output", args.output), ("--cache", args.cache)) if value]
    serve = f"{prog} {shlex.join([*(str(part) for pair in given for part in pair), 'serve'])}"  # as it was run
    print(f"repcard: built {pages} pages into {options.output}; see it with `{serve}`")
    return 0
