"""Import exercises from the public-domain free-exercise-db into content/exercises/.

Each move of that database is `exercises/<Id>.json` naming its photos `<Id>/0.jpg` and
`<Id>/1.jpg`; it becomes `exercises/<slug>.md` in this project's format, with its photos
copied to `exercises/<slug>/`. `exercise_text(name, ...)` makes the file's text and is
pure; `import_exercises` reads only the files it is given (and the photos they name,
from beside them) and writes only inside the content folder, never over a file that
exists unless told to.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .fields import MAX_SLUG
from .model import slugged
from .problem import Problem
from .read import read_picture
from .write import whole_file

MAX_JSON = 1024 * 1024  # bytes: an exercise is a few KB; anything larger is not one
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
NO_EQUIPMENT = ("body only",)  # what the database writes for "nothing needed"
EXISTS = "exists already; not overwritten (--force replaces it)"


@dataclass(frozen=True)
class Photo:
    source: Path  # the database's file
    name: str  # its name beside the exercise file: "<slug>/0.jpg"
    alt: str


@dataclass(frozen=True)
class Move:
    """One exercise of the database, checked and ready to write."""

    source: Path  # its JSON file
    slug: str
    title: str
    muscles: tuple[str, ...]
    equipment: tuple[str, ...]
    steps: tuple[str, ...]
    photos: tuple[Photo, ...]


# --- reading the database ---------------------------------------------------------------


def exercise_files(source: Path) -> tuple[list[Path], list[Problem]]:
    """The JSON files a SOURCE names: the file itself, a folder's `*.json` (not its
    subfolders), or for the repository's root, the `*.json` in its `exercises/`."""
    if source.is_file():
        return [source], []
    if not source.is_dir():
        return [], [Problem(str(source), None, "does not exist: name an exercise .json file or a folder of them")]
    folder = source / "exercises" if (source / "exercises").is_dir() else source
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    if not files:
        return [], [Problem(str(folder), None, "holds no exercise files (*.json)")]
    return files, []


def read_move(path: Path) -> tuple[Move | None, list[Problem]]:
    """Read one exercise's JSON and check the photos it names exist beside it."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_JSON + 1)
    except OSError as error:
        return None, [Problem(str(path), None, f"cannot read the file: {error.strerror or error}")]
    if len(raw) > MAX_JSON:
        return None, [Problem(str(path), None, f"is over {MAX_JSON // 1024} KiB: not an exercise file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [Problem(str(path), line, f"not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be decoded")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Problem(str(path), error.lineno, f"not valid JSON: {error.msg}")]
    except (ValueError, RecursionError) as error:  # a 5,000-digit number; [[[[...]]]] nested too deep
        return None, [Problem(str(path), None, f"not valid JSON: {error}")]
    return parse_move(path, data, text)


def parse_move(path: Path, data: Any, text: str = "") -> tuple[Move | None, list[Problem]]:
    """Check the JSON's fields; photos are resolved against the file's folder. `text`,
    the file as read, only gives problems their line."""
    where = str(path)
    if not isinstance(data, dict):
        return None, [Problem(where, 1 if text else None, "expected a JSON object with 'name', 'instructions', "
                                                          "'images', ...")]
    problems: list[Problem] = []

    def problem(key: str, message: str, value: str | None = None) -> Problem:
        """At the line of `value` (a string in the file) if given and found, else of the key."""
        for needle in ([json.dumps(value), json.dumps(value, ensure_ascii=False)] if value is not None else []) \
                + [json.dumps(key) + ":", json.dumps(key)]:
            if (at := text.find(needle)) >= 0:
                return Problem(where, text.count("\n", 0, at) + 1, message)
        return Problem(where, None, message)

    def plain(value: Any) -> str:
        return _one_line(value) if isinstance(value, str) else ""

    def texts(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problems.append(problem(key, f"'{key}': expected a list of text"))
            return ()
        return tuple(item for item in map(_one_line, value) if item)

    title = plain(data.get("name"))
    if not title:
        problems.append(problem("name", "'name': missing; expected the exercise's name as text"))
    ident = data.get("id", path.stem)
    slug = make_slug(ident) if isinstance(ident, str) else ""
    if not slug:
        problems.append(problem("id", f"'id': expected text with letters or digits, got {ident!r}"))
    equipment = data.get("equipment")
    if equipment is not None and not isinstance(equipment, str):
        problems.append(problem("equipment", "'equipment': expected text or null"))
    equipment = plain(equipment)
    muscles = tuple(dict.fromkeys(texts("primaryMuscles") + texts("secondaryMuscles")))
    steps = texts("instructions")
    images = data.get("images") or []
    if not isinstance(images, list) or not all(isinstance(item, str) for item in images):
        problems.append(problem("images", "'images': expected a list of file names"))
        images = []
    photos = []
    for number, name in enumerate(images):
        found, message = _photo(path, name)
        if message:
            problems.append(problem("images", f"image '{name}': {message}", name))
        elif found:
            photos.append(Photo(found, f"{slug}/{number}{found.suffix.lower()}", _alt(title, number, len(images))))
    if problems:
        return None, problems
    return Move(path, slug, title, muscles, () if equipment.lower() in NO_EQUIPMENT or not equipment else (equipment,),
                steps, tuple(photos)), []


def _photo(path: Path, name: str) -> tuple[Path | None, str]:
    """The photo `name` (relative to the JSON file's folder), or why it cannot be used."""
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or re.match(r"[A-Za-z]:", name):
        return None, f"must be a path inside {path.parent}, without '..'"
    if relative.suffix.lower() not in PHOTO_SUFFIXES:
        return None, f"expected a JPEG, PNG or WebP file ({', '.join(PHOTO_SUFFIXES)})"
    found = path.parent.joinpath(*relative.parts)
    if not found.is_file():
        return None, f"no such file beside the exercise ({found})"
    if not found.resolve().is_relative_to(path.parent.resolve()):
        return None, f"is a link to {found.resolve()}, outside {path.parent}"
    return found, ""


def make_slug(ident: str) -> str:
    """`Band_Good_Morning` -> `band-good-morning`: lowercase, runs of anything else one hyphen;
    at most as long as the build takes a file name."""
    return slugged(ident)[:MAX_SLUG].strip("-")


def _one_line(text: str) -> str:
    """Names and steps are one line each: control characters go, whitespace runs are one space."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


def _alt(title: str, number: int, count: int) -> str:
    if count == 1:
        return title
    if number == 0:
        return f"{title}, starting position"
    if number == count - 1:
        return f"{title}, end position"
    return f"{title}, position {number + 1}"


# --- writing this project's format -----------------------------------------------------------


def exercise_text(move: Move) -> str:
    """The exercise file: YAML front matter (safe_dump: any text round-trips) and the steps."""
    fields: dict[str, Any] = {"title": move.title}
    if move.muscles:
        fields["muscles"] = list(move.muscles)
    if move.equipment:
        fields["equipment"] = list(move.equipment)
    if move.photos:
        fields["photos"] = [{"src": photo.name, "alt": photo.alt} for photo in move.photos]
    photos = fields.pop("photos", None)
    # Lists of words in flow style ([glutes, hamstrings]), photos as a block list.
    front = _yaml(fields, flow=None) + (_yaml({"photos": photos}, flow=False) if photos else "")
    body = "".join(f"{number}. {markdown_text(step)}\n" for number, step in enumerate(move.steps, 1))
    return f"---\n{front}---\n{body}"


def _yaml(fields: dict[str, Any], flow: bool | None) -> str:
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=2**20, default_flow_style=flow)


# What at the start of a list item would begin a heading, a quote, a nested list or a rule.
_BLOCK_START = re.compile(r"([#>+-]|\d+(?=[.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def markdown_text(text: str) -> str:
    """Plain text as Markdown that shows exactly that text: the database is not this
    site's author, so its `<script>` is shown, not run, and a leading `#` or `1.` stays
    text, not a heading or a list."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    if found := _BLOCK_START.match(text):
        end = found.end()
        text = text[:end] + "\\" + text[end:] if found[0][0].isdigit() else "\\" + text
    return text


# --- the import -----------------------------------------------------------------------------


def import_exercises(sources: list[Path], content_dir: Path, force: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write every good exercise of `sources` into `content_dir/exercises/`; return the
    files written (photos first, then the exercise file naming them) and every problem:
    bad sources, and exercises skipped because a file of theirs exists (message EXISTS)."""
    problems: list[Problem] = []
    moves: list[Move] = []
    seen: dict[str, Path] = {}
    for source in sources:
        files, found = exercise_files(source)
        problems += found
        for path in files:
            move, found = read_move(path)
            problems += found
            if not move:
                continue
            if move.slug in seen:
                if seen[move.slug].resolve() != path.resolve():
                    problems.append(Problem(str(path), None, f"has the same file name '{move.slug}.md' as "
                                                             f"{seen[move.slug]}; imported only the first"))
                continue
            seen[move.slug] = path
            moves.append(move)
    folder = content_dir / "exercises"
    written: list[Path] = []
    for move in moves:
        targets = [folder / photo.name for photo in move.photos] + [folder / f"{move.slug}.md"]
        if outside := next((t for t in targets if not _inside(t, content_dir)), None):
            problems.append(Problem(str(outside), None, f"leads out of {content_dir}: not written"))
            continue
        if not force and (existing := next((t for t in reversed(targets) if t.exists()), None)):
            problems.append(Problem(str(existing), None, EXISTS))
            continue
        read = [(folder / photo.name, *read_picture(photo.source)) for photo in move.photos]
        if refused := [problem for _, _, problem in read if problem]:
            problems += refused
            continue
        files = [(target, data) for target, data, _ in read]
        # The photos first: an exercise file never names a photo that is not there yet.
        files.append((folder / f"{move.slug}.md", exercise_text(move).encode()))
        for target, data in files:
            try:
                written.append(_write(target, data))
            except OSError as error:
                problems.append(Problem(str(target), None, f"cannot write the file: {error.strerror or error}"))
                break
    return written, problems


def _inside(path: Path, folder: Path) -> bool:
    """A link in the content folder (exercises/ pointing elsewhere) must not take us out."""
    return path.resolve().is_relative_to(folder.resolve())


def _write(path: Path, data: bytes) -> Path:
    """Whole or not at all, as an editor would save it (read-write, within the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    whole_file(path, data, 0o644 & ~_umask())
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- the command line -----------------------------------------------------------------------


def main(argv: list[str], default_content: Path | None = None, prog: str = "repcard import") -> int:
    """`repcard import [--content DIR] [--force] SOURCE...`: 0 when all imported,
    1 on any problem (printed one a line on stderr), 2 for a wrong command line."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Import exercises from free-exercise-db (github.com/yuhonas/free-exercise-db): each "
                    "SOURCE is an exercise .json file, a folder of them, or the repository's root.")
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE")
    parser.add_argument("--content", type=Path, default=default_content, required=default_content is None,
                        metavar="DIR", help="the content folder to write exercises/ into"
                        + (f" (default {default_content})" if default_content else ""))
    parser.add_argument("--force", action="store_true", help="replace exercise files and photos that exist")
    try:
        options = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a wrong command line
        return int(stop.code or 0)
    written, problems = import_exercises(options.sources, options.content, options.force)
    pages = [path for path in written if path.suffix == ".md"]
    for path in pages:
        print(f"wrote {path}")
    for problem in problems:
        print(problem, file=sys.stderr)
    skipped = sum(problem.message == EXISTS for problem in problems)
    others = len(problems) - skipped
    print(f"imported {len(pages)} exercise{'s' * (len(pages) != 1)}, {len(written) - len(pages)} photos into "
          f"{options.content / 'exercises'}; {skipped} skipped"
          + (f"; {others} problem{'s' * (others != 1)}" if others else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
