"""A file's text -> its `---` front matter, parsed as YAML, and its Markdown body.

Every key keeps its line, so a problem can name it; YAML that could blow up the loader
(aliases, deep nesting) is refused before anything is built."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .problem import Problem


# The C loader parses the same YAML about five times faster; fall back where it is missing.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FRONT_MATTER = 64 * 1024  # bytes: plenty for a routine, small enough that no YAML can blow up
MAX_BRACKETS = 500  # in a body: 500 links or images at most, built in 0.2 s at worst; 4,000 took 3 s, 20,000 hours
MAX_NESTING = 8  # levels of lists and mappings; the format needs three


@dataclass(frozen=True)
class Document:
    """A file split into its front matter (a mapping) and its Markdown body."""

    path: str
    fields: dict[str, Any]
    lines: dict[str, int]  # "key" or "key.subkey" -> line in the file
    body: str
    body_line: int = 1  # the body's first line in the file

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


def split_document(path: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Split `---` front matter from the body and parse it as a YAML mapping: the Document, beside
    the problems that leave it readable (control characters in the body: its front matter is
    checked all the same, its body once they are gone), or None and what stops it being read."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [Problem(path, 1, "no front matter: the file must start with a '---' line")]
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(path, 1, "front matter is not closed: add a '---' line after it")]
    source = "\n".join(lines[1:end])
    if len(source.encode()) > MAX_FRONT_MATTER:
        return None, [Problem(path, 2, f"front matter is over {MAX_FRONT_MATTER // 1024} KiB")]
    data, key_lines, problems = _load_yaml(path, source, first_line=2)
    if problems:
        return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = _kind(data)
        return None, [Problem(path, 2, f"front matter must be a mapping of 'key: value' lines, not {kind}")]
    body = "\n".join(lines[end + 1 :])
    if _CONTROL.search(body):  # as the front matter's YAML refuses them: no page should carry one; each line said
        said = [Problem(path, end + 2 + n, f"control character{'s' * (len(found) > 1)} "
                                           f"{', '.join(f'U+{ord(c):04X}' for c in found)} in the text: remove "
                                           f"{'them' if len(found) > 1 else 'it'}")
                for n, line in enumerate(lines[end + 1:]) if (found := sorted(set(_CONTROL.findall(line))))]
        more = [Problem(path, said[10].line, f"and control characters on {len(said) - 10} more lines")] \
            if len(said) > 11 else []  # at the first of them: said after the ten
        problems = (said[:10] + more) if more else said  # eleven lines are said as they are
        body = ""  # not read: Markdown drops some of them, and what is found in it would be at the wrong line
    elif (count := body.count("[")) > MAX_BRACKETS:  # Markdown's time grows as their square
        at = -1
        for _ in range(MAX_BRACKETS + 1):
            at = body.find("[", at + 1)
        problems = [Problem(path, end + 2 + body.count("\n", 0, at), f"{count} '[' in the text, from this line on: "
                            f"expected at most {MAX_BRACKETS} (links, images); Markdown reads each against the rest "
                            "of its paragraph, and this many would take minutes to build")]
        body = ""
    return Document(path, data, key_lines, body, body_line=end + 2), problems


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line ends aside


def _load_yaml(path: str, source: str, first_line: int):
    """Safe-load YAML and note the line of every key, counted in the whole file."""
    loader = _SafeLoader(source)
    row = _rows(source)

    def line(mark: yaml.Mark) -> int:
        return first_line + row(mark)

    try:
        if refusal := _refuse_structure(source):
            mark, message = refusal
            return None, {}, [Problem(path, line(mark), message)]
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        if duplicates := _duplicate_keys(path, node, line):  # the last of two kept would mislead what follows
            return None, {}, duplicates
        data = loader.construct_document(node)
    except (ValueError, KeyError, OverflowError) as error:  # a value the resolver took for a date, a number...
        bad = _unreadable(node) or node
        shown = bad.value if isinstance(bad.value, str) else ""
        kind = bad.tag.rsplit(":", 1)[-1]
        return None, {}, [Problem(path, line(bad.start_mark), f"invalid YAML: {shown[:40]!r} cannot be read "
                                 f"as {_KINDS.get(kind, kind)} ({str(error)[:60]}); put it in quotes if it is text")]
    except yaml.constructor.ConstructorError as error:
        at = error.problem_mark and line(error.problem_mark)
        if "unhashable" in (error.problem or ""):  # `[1, 2]: x`
            return None, {}, [Problem(path, at, "invalid YAML: a key is a word or a number, not a [list] or {mapping}")]
        message = f"YAML tag {error.problem.split()[-1] if error.problem else ''} is not allowed: use plain values"
        return None, {}, [Problem(path, at, message)]
    except yaml.MarkedYAMLError as error:
        at, message = _what_to_do(error, source.split("\n"), row)
        return None, {}, [Problem(path, None if at is None else first_line + at, f"invalid YAML: {message}")]
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
        line = first_line + source.count("\n", 0, max(0, error.position))
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return None, {}, [Problem(path, line, f"invalid YAML: control character U+{code:04X} is not allowed")]
    except yaml.YAMLError as error:
        return None, {}, [Problem(path, first_line, f"invalid YAML: {error}")]
    finally:
        loader.dispose()
    return data, _key_lines(node, line), []


_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML 1.1; within a line to an editor


def _rows(source: str) -> Callable[[yaml.Mark], int]:
    """A mark's line in `source` (0-based) as an editor counts lines, which YAML does too but
    where NEL, LS or PS (U+0085, U+2028, U+2029) is written: then each shifts later lines."""
    if _YAML_ONLY_BREAKS.search(source) is None:
        return lambda mark: mark.line
    return lambda mark: source.count("\n", 0, mark.index)


_KINDS = {"timestamp": "a date", "int": "a whole number", "float": "a number", "bool": "true or false"}


_UNMADE = object()


def _made(node: yaml.ScalarNode) -> object:
    """The value YAML makes of a scalar (`02` the number 2, `true` True), or _UNMADE when it
    resolves to a type it then cannot make (2024-13-45 a date, a number of 5,000 digits, `!!bool maybe`)."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, KeyError, OverflowError):
        return _UNMADE


def _unreadable(node: yaml.Node) -> yaml.Node | None:
    """The first value under `node` that YAML cannot make (see _made), or None."""
    if isinstance(node, yaml.ScalarNode):
        return node if _made(node) is _UNMADE else None
    children = [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else node.value
    return next((bad for child in children if (bad := _unreadable(child)) is not None), None)


def _what_to_do(error: yaml.MarkedYAMLError, lines: list[str], row: Callable[[yaml.Mark], int]
                ) -> tuple[int | None, str]:
    """PyYAML's words for the common mistakes, as what to do, at the line that is wrong
    (0-based in the front matter, as `row` counts): PyYAML often marks the line after it."""
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    at = row(mark) if mark else None
    line = lines[at] if at is not None and at < len(lines) else ""
    opened = row(error.context_mark) if error.context_mark else at
    if "\t" in line:
        return at, "a tab character; YAML is indented with spaces, never tabs"
    for where in sorted({opened, at} - {None}):
        if where < len(lines) and (hidden := _unquoted_break(lines[where])):
            return where, f"U+{ord(hidden):04X}, a line break to YAML, in this line: remove it or put the text in quotes"
    if problem.startswith("mapping values are not allowed"):
        key, _, value = line.strip().partition(": ")
        if ": " in value or value.endswith(":"):  # a second colon in the value, not a nested key
            return at, f"text with ': ' in it needs quotes: {key}: \"{value}\""
        return at, "check the indentation of this line: it is indented under a value, not under a key"
    if problem.startswith("did not find expected key") or problem.startswith("did not find expected '-'"):
        if _AFTER_QUOTES.match(line):  # cue: "Slow" and steady
            return at, "text after the closing quote: put quotes around the whole value, or none"
        return at, "check the indentation of this line: the items of one list or mapping start in the same column"
    if "quoted scalar" in context:
        return opened, "a quote opened on this line is not closed"
    if problem.startswith("could not find expected ':'"):
        return opened, "this line is not 'key: value': add ': ' and a value, or put quotes around text"
    if context.startswith("while parsing a flow"):
        return opened, "a [list] or {mapping} opened on this line is not closed"
    return at, problem or context


# key: "text" more, or - 'text' more: a quoted value (its quotes escaped as YAML escapes them), then more.
_AFTER_QUOTES = re.compile(r"""\s*(?:-\s+|(?:-\s+)?[^\s:#"'][^:]*:\s+)(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*[^\s#]""")


def _unquoted_break(line: str) -> str | None:
    """A line break to YAML only (_YAML_ONLY_BREAKS) outside quotes, where it cuts the line; in
    quotes it is text. A quote opens a value only at its start: "don't" opens none."""
    quote, before = None, ":"
    for char in line:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'" and before in ":[{,-":
            quote = char
        elif _YAML_ONLY_BREAKS.match(char):
            return char
        before = char if not char.isspace() else before
    return None


def _refuse_structure(source: str) -> tuple[yaml.Mark, str] | None:
    """Refuse, before building anything, what could make the loader blow up or crash.

    Aliases can expand exponentially ("billion laughs"), and libyaml's composer recurses
    once per nesting level, so a few thousand brackets crash the process. Front matter
    needs neither: a scan of the parser's events (iterative, so safe) finds both.
    """
    depth = 0
    for event in yaml.parse(source, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return event.start_mark, "YAML anchors and aliases (&name, *name) are not supported"
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark, f"front matter is nested more than {MAX_NESTING} levels deep"
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def _duplicate_keys(path: str, node: yaml.Node, line_of: Callable[[yaml.Mark], int]) -> list[Problem]:
    """A key written twice in one mapping, at any level: YAML keeps the last without a word, so
    `2A:` twice in a routine would drop an exercise. Named with both lines, as Zola does for TOML."""
    problems = []
    pending: list[tuple[yaml.Node, str]] = [(node, "")]
    while pending:  # nesting is bounded (MAX_NESTING), but a loop needs no recursion at all
        current, prefix = pending.pop()
        if isinstance(current, yaml.SequenceNode):
            pending.extend((item, prefix) for item in reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, value in current.value:
                line = line_of(key.start_mark)
                name = f"{prefix}{key.value}"
                if isinstance(key, yaml.ScalarNode):
                    # One key to YAML (`2` and `02`, `1` and `1.0`: it keeps the last) or to the parsers,
                    # which read keys as text (`2` and `"2"`).
                    made = _read_as(key)
                    if (first := seen.get(made, seen.get(str(made)))) is not None:
                        problems.append(Problem(path, line, f"{name}: written twice, on lines {first} and "
                                                            f"{line}; keep one"))
                    seen.setdefault(made, line)
                    seen.setdefault(str(made), line)
                pending.append((value, f"{name}."))
    return sorted(problems, key=lambda p: p.line or 0)


def _read_as(key: yaml.Node) -> object:
    """A key as YAML reads it; its text when it cannot be made."""
    if key.tag == _TEXT:  # nearly every key: nothing to make
        return key.value
    value = _made(key)
    try:
        hash(value)  # `!!seq a: 1` makes a list
    except TypeError:
        return key.value
    return key.value if value is _UNMADE else value


_TEXT = "tag:yaml.org,2002:str"


def _key_lines(node: yaml.Node, line_of: Callable[[yaml.Mark], int], prefix: str = "", depth: int = 5
               ) -> dict[str, int]:
    """Map "key", "key.subkey", "key.0" (a list's first item), ... five levels deep (a program's
    weeks.3.exercises.step-ups.sets), to their lines; a key named as the parsers see it (`true:` as
    "True", `02:` as "2")."""
    lines: dict[str, int] = {}
    if depth == 0:
        return lines
    if isinstance(node, yaml.SequenceNode):  # "photos.0", "photos.0.src": each item's own line
        for number, item in enumerate(node.value):
            name = f"{prefix}{number}"
            lines[name] = line_of(item.start_mark)
            lines |= _key_lines(item, line_of, f"{name}.", depth - 1)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}{_read_as(key)}"
            lines[name] = line_of(key.start_mark)
            lines |= _key_lines(value, line_of, f"{name}.", depth - 1)
    return lines


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "a mapping", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)
