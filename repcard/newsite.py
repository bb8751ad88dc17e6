"""`repcard new DIR`: a site of its own, ready to build and to publish.

It writes the files of `newsite/` (a sample of one routine and two exercises, repcard.toml,
the Pages workflow, a .gitignore and a README for the author) into DIR. The workflow installs
repcard as it was installed here, at this version: from its git tag or commit when it came
from a repository, else from PyPI. DIR must be empty unless --force, and then no file that is
there is replaced; nothing is written outside DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
from importlib import metadata
from pathlib import Path

from . import __version__
from .problem import Problem

SAMPLE = Path(__file__).resolve().with_name("newsite")
# Kept in the package under names that neither git nor a wheel takes for their own.
RENAMED = {"gitignore": ".gitignore", "github": ".github"}


def requirement() -> tuple[str, str]:
    """What the site's workflow installs, and a note when that is not where this repcard came from."""
    pinned = f"repcard[publish]=={__version__}"
    try:
        installed = metadata.distribution("repcard")
        direct = json.loads(installed.read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        return pinned, ""
    if installed.version != __version__ or not isinstance(direct, dict):  # from PyPI, or not what runs here
        return pinned, ""
    vcs = direct.get("vcs_info")
    # Only https: the runner has no copy of a local clone (file://) and no key for ssh://.
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") \
            and str(direct.get("url")).startswith("https://"):
        asked = vcs.get("requested_revision") or ""
        pin = asked if re.fullmatch(r"v?\d+(\.\d+)*", asked) else vcs["commit_id"]  # a tag, or the commit
        return f"repcard[publish] @ git+{direct['url']}@{pin}", ""
    return pinned, (f"repcard was installed here from {direct.get('url')}, which GitHub's runner cannot reach: "
                    f"the workflow installs {pinned} from PyPI; change its Install step if you publish repcard elsewhere")


def sample_files(install: str) -> dict[str, bytes]:
    """The new site's files, by path inside it."""
    files = {}
    for path in sorted(SAMPLE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            name = path.relative_to(SAMPLE).as_posix()
            first, _, rest = name.partition("/")
            name = "/".join(part for part in (RENAMED.get(first, first), rest) if part)
            text = path.read_text().replace("{requirement}", install).replace("{version}", __version__)
            files[name] = text.encode()
    return files


def write_new_site(target: Path, files: dict[str, bytes], force: bool) -> tuple[list[Path], list[Problem]]:
    """Write `files` into `target`; return what was written and every problem."""
    if os.path.lexists(target) and not target.is_dir():
        return [], [Problem(str(target), None, "is not a folder: name a new or empty folder")]
    if target.is_dir() and any(target.iterdir()) and not force:
        return [], [Problem(str(target), None, "is not empty: name a new or empty folder, or add --force "
                            "to add the new site's files beside what is there (no file is replaced)")]
    target.mkdir(parents=True, exist_ok=True)
    written, problems = [], []
    for name, data in files.items():
        path = target / name
        try:
            if link := _folders_inside(target, path.parent):
                problems.append(Problem(str(path), None, f"not written: {link} is a link, and may lead outside {target}"))
                continue
            # O_EXCL: a file that is there (or a link in its place) stays as it is.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            problems.append(Problem(str(path), None, "is there already: kept as it is"))
            continue
        except OSError as error:
            problems.append(Problem(str(path), None, f"cannot write the file: {error.strerror or error}"))
            continue
        with open(fd, "wb") as file:
            file.write(data)
        written.append(path)
    return written, problems


def _folders_inside(target: Path, folder: Path) -> Path | None:
    """Make `folder` and those between it and `target`, never through a link: returns the
    first link found on the way (which may lead outside target), or None."""
    current = target
    for part in folder.relative_to(target).parts:
        current = current / part
        if current.is_symlink():
            return current
        current.mkdir(exist_ok=True)
    return None


def main(argv: list[str], prog: str = "repcard") -> int:
    parser = argparse.ArgumentParser(
        prog=f"{prog} new",
        description="Start a site of your own in DIR: a sample routine with two exercises, repcard.toml, "
                    "the GitHub Pages workflow (installing this repcard's version), a .gitignore and a README.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that is not empty, keeping every file that is there")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a wrong command line
        return int(stop.code or 0)
    install, note = requirement()
    written, problems = write_new_site(args.folder, sample_files(install), args.force)
    for path in written:
        print(f"wrote {path}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not written:
        return 1
    if note:  # about the workflow just written
        print(f"repcard: note: {note}", file=sys.stderr)
    print(f"repcard: a new site in {args.folder}, built with repcard {__version__}. Next: cd {shlex.quote(str(args.folder))} && "
          "repcard serve; to publish it, see its README.md")
    return 1 if any(not p.message.endswith("kept as it is") for p in problems) else 0
