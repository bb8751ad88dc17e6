"""repcard.toml: a site's settings, read with tomllib and checked key by key.

One table of known keys, each with its check (as MkDocs' config_options): every problem is
a `repcard.toml:line: message`, all of them in one run, as content problems are. tomllib
says nothing of where a key stands, so `key_lines` finds each key's line in the text.

A key that a release renames stays readable: RENAMED maps the old name to the new, and
the build says once, at the key's line, what to write instead.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .card import PAPERS
from .i18n import shipped
from .problem import Problem
from .read import read_text

FILE_NAME = "repcard.toml"


@dataclass(frozen=True)
class Settings:
    """What repcard.toml sets for the pages, beyond the folders and the address."""

    weight_unit: str = "kg"  # workout mode's unit until the person picks one
    paper: str = "A4 or Letter"  # the sheet the card is planned and printed on
    raw_html: bool = False  # raw HTML in Markdown bodies let through, site-wide
    language: str = "en"  # the language of the site's words, unless index.md says; a multilingual site's own


class Wrong(ValueError):
    """A value a key cannot take: the message says what the key expects."""


def base_url(value: object) -> str:
    """The site's absolute address, ending in a slash; "" for none."""
    if not isinstance(value, str):
        raise Wrong("expected an absolute http(s) address such as https://you.github.io/site/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise Wrong("expected an absolute http(s) address such as https://you.github.io/site/")
    if _NOT_IN_URLS.search(value):  # written as they are into the sitemap and every canonical link
        raise Wrong("expected an address without spaces, quotes or <>{}|\\^`: write a space as %20")
    return value if value.endswith("/") else value + "/"


_NOT_IN_URLS = re.compile(r'[\s"<>{}|\\^`]')


def folder(value: object) -> Path:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise Wrong('expected a folder, as a string such as "content" (relative to repcard.toml)')
    return Path(value)


def one_of(*choices: str) -> Callable[[object], str]:
    """A word from `choices`, in any case; the value is the choice as written here."""
    said = ", ".join(f'"{choice}"' for choice in choices[:-1]) + f' or "{choices[-1]}"' if len(choices) > 1 \
        else f'"{choices[0]}"'

    def check(value: object) -> str:
        for choice in choices:
            if isinstance(value, str) and value.strip().casefold() == choice.casefold():
                return choice
        raise Wrong(f"expected {said}")
    return check


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Wrong("expected true or false (no quotes)")
    return value


# Every key repcard.toml may hold, at its top level, with its check.
KEYS: dict[str, Callable[[object], object]] = {
    "content": folder,  # the content folder (default "content")
    "output": folder,  # where the site is written (default "site")
    "cache": folder,  # resized photos and parsed files kept between builds (default ".cache")
    "base_url": base_url,  # the site's address: canonical links, the sitemap, the card's QR code
    "weight_unit": one_of("kg", "lb"),
    "paper": one_of(*PAPERS),
    "raw_html": boolean,
    "language": one_of(*shipped()),  # the languages repcard has catalogues for
}


@dataclass(frozen=True)
class Renamed:
    new: str  # the key's name now
    release: str  # the release that renamed it


# Keys renamed by a release: old name -> its new name. None yet; an entry stays for a few
# releases, so a site that upgrades is told what to write and still builds meanwhile.
RENAMED: dict[str, Renamed] = {}


def read_config(path: Path) -> tuple[dict[str, object], list[Problem], list[Problem]]:
    """repcard.toml's values by their current names, its problems and its warnings."""
    text, problems = read_text(path)
    if text is None:
        return {}, problems, []
    return parse_config(str(path), text)


def parse_config(path: str, text: str, renamed: dict[str, Renamed] | None = None
                 ) -> tuple[dict[str, object], list[Problem], list[Problem]]:
    """The text of repcard.toml -> (values by key, problems, warnings). Pure."""
    renamed = RENAMED if renamed is None else renamed
    text = text.removeprefix("\ufeff")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return {}, [toml_problem(path, error, text)], []
    except ValueError as error:  # a value TOML reads but Python cannot hold: an integer of 5,000 digits
        return {}, [Problem(path, None, f"cannot read a value: {str(error).split(';')[0]}")], []
    except RecursionError:  # tomllib reads nested arrays and tables by recursion: [[[[ ... a thousand deep
        return {}, [Problem(path, None, "invalid TOML: values nested too deeply; repcard.toml's are plain values")], []
    lines = key_lines(text)
    values: dict[str, object] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for key, value in raw.items():
        line = lines.get(key)
        name = key
        if key in renamed:
            name = renamed[key].new
            if name in raw:
                problems.append(Problem(path, line, f"{key} is called {name} since repcard {renamed[key].release}, "
                                        f"and {name} is set too (line {lines.get(name)}): remove {key}"))
                continue
            warnings.append(Problem(path, line, f"warning: {key} is called {name} since repcard "
                                    f"{renamed[key].release}: rename it here (it is read as {name} meanwhile)"))
        check = KEYS.get(name)
        if check is None:
            problems.append(Problem(path, line, unknown(key, isinstance(value, dict))))
            continue
        try:
            values[name] = check(value)
        except Wrong as wrong:
            problems.append(Problem(path, line, f"{key}: {wrong}, got {shown(value)}"))
    return values, problems, warnings


def unknown(key: str, table: bool) -> str:
    what = f"table [{key}]" if table else f"key '{key}'"
    close = difflib.get_close_matches(key.replace("-", "_").lower(), KEYS, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    where = "; repcard.toml has no tables, its keys stand at the top" if table else ""
    return f"unknown {what}{hint}{where}; allowed: {', '.join(KEYS)}"


def shown(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def toml_problem(path: str, error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """tomllib's message, its position as the problem's line and column; a key written twice
    said as the content files say it, with both lines."""
    message = str(error)
    if found := _WHERE.search(message):
        line, lines = int(found[1]), text.split("\n")
        before = lines[:line - 1]
        if (message.startswith("Cannot overwrite a value") and (key := _PLAIN_KEY_LINE.match(lines[line - 1]))
                and not any(map(_TABLE_LINE.match, before))):  # a top-level key, as repcard.toml's all are
            if first := key_lines("\n".join(before)).get(name := _name(key[1])):
                return Problem(path, line, f"{name}: written twice, on lines {first} and {line}; keep one")
        return Problem(path, line, f"invalid TOML: {message[:found.start()]} (column {found[2]})")
    return Problem(path, None, f"invalid TOML: {message}")


# --- where each key stands ------------------------------------------------------------------------

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY_LINE = re.compile(rf"[ \t]*({_KEY})(?:[ \t]*\.[ \t]*{_KEY})*[ \t]*=")
_TABLE_LINE = re.compile(rf"[ \t]*\[\[?[ \t]*({_KEY})")
_PLAIN_KEY_LINE = re.compile(rf"[ \t]*({_KEY})[ \t]*=")  # not a.b = ...


def key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key and table of a TOML text that tomllib parsed.

    A key is its statement's first name (`a.b = 1` sets `a`); a table header `[a]` or
    `[[a]]` stands for `a`. Multi-line strings and arrays are walked over, so text inside
    them that looks like a key is never taken for one; keys inside a table are not top-level.
    """
    lines: dict[str, int] = {}
    in_table = False
    inside: str | None = None  # the delimiter of the multi-line string the line starts in
    depth = 0  # open brackets and braces of a value spanning lines
    for number, line in enumerate(text.split("\n"), 1):
        if inside is None and depth == 0:
            if table := _TABLE_LINE.match(line):
                in_table = True
                lines.setdefault(_name(table[1]), number)
            elif (key := _KEY_LINE.match(line)) and not in_table:
                lines.setdefault(_name(key[1]), number)
        inside, depth = _walk(line, inside, depth)
    return lines


def _name(key: str) -> str:
    """A key as tomllib reads it: quoted keys unquoted, with their escapes."""
    return tomllib.loads(f"k = {key}")["k"] if key[0] in "\"'" else key


def _walk(line: str, inside: str | None, depth: int) -> tuple[str | None, int]:
    """What a line leaves open: a multi-line string, and brackets. Strings and comments
    hide brackets and quotes."""
    i = 0
    while i < len(line):
        if inside is not None:
            end = _closing(line, i, inside)
            if end < 0:
                return inside, depth
            i, inside = end, None
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith(('"""', "'''"), i):
            inside, i = line[i:i + 3], i + 3
        elif char in "\"'":
            end = _closing(line, i + 1, char)
            i = end if end >= 0 else len(line)
        else:
            depth += (char in "[{") - (char in "]}")
            i += 1
    return inside, depth


def _closing(line: str, start: int, delimiter: str) -> int:
    """Where the string closed by `delimiter` ends (the index after it), or -1 on this line."""
    i = start
    while i < len(line):
        if delimiter[0] == '"' and line[i] == "\\":
            i += 2
            continue
        if line.startswith(delimiter, i):
            end = i + len(delimiter)
            while len(delimiter) == 3 and end < len(line) and line[end] == delimiter[0]:
                end += 1  # """a"""" ends with a quote in the string: the last three close it
            return end
        i += 1
    return -1
