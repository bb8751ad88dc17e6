"""A program file's text -> a ProgramSpec, and every problem in it, each at its line; weeks.py
then builds it on the library's routines and exercises.

    weeks:
      1-2: {routine: whole-workout, rounds: 2}
      3:   {routines: [day-a, day-b], variation: harder, note: "Heavier, fewer reps."}
    progression:
      romanian-deadlift: {reps: 8-12, add: 2.5 kg}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .fields import MAX_REPS, MAX_REST, MAX_SETS, SLUG, Fields, parse_reps
from .frontmatter import Document, _kind, split_document
from .markup import render_markdown, unsafe_link_problems
from .model import RawBody, Reps
from .problem import Problem
from .program_model import DEFAULT_STEPS, Amount

PROGRAM_KEYS = ("title", "description", "sessions_per_week", "weight_step", "weeks", "progression")
WEEK_KEYS = ("routine", "routines", "rounds", "reps", "rest", "variation", "exercises", "note", "deload")
CHANGE_KEYS = ("sets", "reps", "variation")  # weeks.<n>.exercises.<slug>
RULE_KEYS = ("reps", "add", "every", "add_reps", "up_to", "start")
MAX_WEEKS, MAX_SESSIONS = 52, 14
MAX_INCREMENT, MAX_WEIGHT = 100, 1000  # in the amount's unit: bounds that catch a slip, not a lifter

WEEK_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})")
AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kg|kgs|lb|lbs)\.?", re.IGNORECASE)
PERCENT = re.compile(r"(\d{1,2})\s*%")


@dataclass(frozen=True)
class Change:
    """weeks.<n>.exercises.<slug>: what one week changes for one exercise."""

    exercise: str
    sets: int | None
    reps: Reps | None
    variation: str
    name: str  # the key, for messages: weeks.3.exercises.step-ups
    line: int | None


@dataclass(frozen=True)
class WeekSpec:
    """One entry of `weeks:`, a week or a range of weeks, before the library is known."""

    first: int
    last: int
    name: str  # the key, for messages: weeks.1-2
    line: int | None
    routines: tuple[str, ...]
    rounds: int | None
    reps: Reps | None
    rest: int | None
    variation: str
    note: str
    deload: int
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RuleSpec:
    exercise: str
    kind: str  # "": the rule has mistakes of its own, and only its exercise is looked up
    reps: Reps | None
    add: Amount | None
    every: str
    add_reps: int
    up_to: int
    start: Amount | None
    name: str
    line: int | None


@dataclass(frozen=True)
class ProgramSpec:
    """What a program file says, before its routines and exercises are looked up."""

    title: str
    description: str
    sessions_per_week: int | None  # None: as many as the busiest week has routines
    weeks: tuple[WeekSpec, ...]  # by first week
    rules: tuple[RuleSpec, ...]
    steps: tuple[Amount, ...]
    intro_html: str
    doc: Document
    raw_intro: RawBody | None = None


def parse_program(path: str, text: str) -> tuple[ProgramSpec | None, list[Problem]]:
    """The program's text -> what it says, and its problems. Unlike a routine, a program with problems
    still comes back, made of what was right, so that build_program says what else is wrong in the
    same run (a routine that is not there, a variation an exercise lacks)."""
    doc, problems = split_document(path, text)
    if doc is None:
        return None, problems
    fields = Fields(doc, PROGRAM_KEYS, problems=problems)
    title = fields.text("title", fields.get("title"), required=True, one_line=True)
    description = fields.text("description", fields.get("description"), one_line=True)
    per_week = fields.integer("sessions_per_week", fields.get("sessions_per_week"), minimum=1,
                              maximum=MAX_SESSIONS, default=0) or None
    steps = _parse_steps(fields)
    weeks = _parse_weeks(fields)
    rules = _parse_rules(fields)
    intro = render_markdown(doc.body)
    fields.problems += unsafe_link_problems(doc, intro)
    return ProgramSpec(title, description, per_week, weeks, rules, steps, intro.html, doc,
                       intro.raw(doc.body_line)), fields.problems


def _mapping(fields: Fields, name: str, value: Any, expected: str, allowed: tuple[str, ...]) -> dict | None:
    """`value` as a mapping with only `allowed` keys (each unknown one said), else None."""
    if not isinstance(value, dict):
        fields.add(name, f"{name}: expected {expected}, got {_kind(value)}")
        return None
    for key in value:
        if str(key) not in allowed:
            fields.unknown(str(key), allowed, key_prefix=f"{name}.")
            if value[key] is None and " " in str(key):  # {note: Deload, light and easy.}
                fields.add(f"{name}.{key}", f"{name}: inside {{ }} a comma ends a value: put quotes around "
                                            "text with a comma, like note: \"Deload, light and easy.\"")
    return value


def _parse_weeks(fields: Fields) -> tuple[WeekSpec, ...]:
    value = fields.mapping("weeks", "a mapping from week (or weeks, like 1-2) to what is done, like "
                                    "'1-2: {routine: whole-workout}'")
    if value is None:
        return ()
    weeks = []
    spans: list[tuple[int, int, str]] = []  # every key read as weeks, whatever is wrong with what it says
    for key, spec in value.items():
        name = f"weeks.{key}"
        span = _week_span(key)
        if isinstance(span, str):
            fields.add(name, f"weeks: {span}")
            continue
        spans.append((*span, name))
        spec = _mapping(fields, name, spec, "a mapping like {routine: whole-workout, rounds: 2}", WEEK_KEYS)
        if spec is None:
            continue
        routines = _week_routines(fields, name, spec)
        weeks.append(WeekSpec(
            span[0], span[1], name, fields.doc.line(name), routines,
            fields.integer(f"{name}.rounds", spec.get("rounds"), minimum=1, maximum=MAX_SETS, default=0) or None,
            _reps(fields, f"{name}.reps", spec.get("reps")),
            fields.integer(f"{name}.rest", spec.get("rest"), minimum=0, maximum=MAX_REST, default=-1)
            if spec.get("rest") is not None else None,
            fields.text(f"{name}.variation", spec.get("variation"), one_line=True),
            fields.text(f"{name}.note", spec.get("note"), one_line=True),
            _percent(fields, f"{name}.deload", spec.get("deload")),
            _changes(fields, f"{name}.exercises", spec.get("exercises"))))
    weeks.sort(key=lambda w: (w.first, w.last))
    _check_coverage(fields, sorted(spans, key=lambda span: span[:2]), complete=len(spans) == len(value))
    return tuple(weeks)


def _week_span(key: Any) -> tuple[int, int] | str:
    """`3` or `1-2` (also `1–2`, `1 to 2`) -> (first, last); else what is wrong."""
    text = str(key).strip()
    if type(key) is int or re.fullmatch(r"[0-9]+", text):  # not str.isdigit: "¹" is a digit int() refuses
        first = last = int(text)
    elif match := WEEK_RANGE.fullmatch(text):
        first, last = int(match[1]), int(match[2])
        if first >= last:
            return f"expected a range from the first week to the last, like 1-2, got '{text}'"
    else:
        return f"expected a week number or a range of weeks, like 3 or 1-2, got '{text}'"
    if not 1 <= first <= last <= MAX_WEEKS:
        return f"expected weeks from 1 to {MAX_WEEKS}, got '{text}'"
    return first, last


def _week_routines(fields: Fields, name: str, spec: dict) -> tuple[str, ...]:
    expected = "the file name of a routine in routines/ without .md, like whole-workout"
    if "routine" in spec and "routines" in spec:
        fields.add(f"{name}.routines", f"{name}: routine and routines both given; keep one")
        return ()
    if "routine" not in spec and "routines" not in spec:
        if not {f"{name}.routine", f"{name}.routines"} & fields.meant:  # `routin:` is said as a misspelling
            fields.add(name, f"{name}: routine: missing; expected {expected} (or routines: [day-a, day-b])")
        return ()
    key = "routine" if "routine" in spec else "routines"
    names = spec[key] if key == "routines" and isinstance(spec[key], list) else [spec[key]]
    if key == "routines" and not (isinstance(spec[key], list) and spec[key]):
        fields.add(f"{name}.routines", f"{name}.routines: expected a list of routines, like [day-a, day-b]")
        return ()
    slugs = []
    for slug in names:
        if not isinstance(slug, str) or not SLUG.fullmatch(slug.strip()):
            shown = f"'{slug}'" if isinstance(slug, str) else _kind(slug)
            fields.add(f"{name}.{key}", f"{name}.{key}: expected {expected}, got {shown}")
        else:
            slugs.append(slug.strip())
    return tuple(slugs)


def _changes(fields: Fields, name: str, value: Any) -> tuple[Change, ...]:
    """weeks.<n>.exercises: `step-ups: {variation: harder, sets: 3, reps: 8}`, one exercise at a time."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        fields.add(name, f"{name}: expected a mapping from exercise to its changes, like 'step-ups: {{variation: "
                         f"harder}}', got {_kind(value)}")
        return ()
    changes = []
    for slug, spec in value.items():
        at = f"{name}.{slug}"
        spec = _mapping(fields, at, spec, "a mapping like {sets: 3, reps: 8, variation: harder}", CHANGE_KEYS)
        if spec is None:
            continue
        changes.append(Change(
            str(slug), fields.integer(f"{at}.sets", spec.get("sets"), minimum=1, maximum=MAX_SETS, default=0) or None,
            _reps(fields, f"{at}.reps", spec.get("reps")),
            fields.text(f"{at}.variation", spec.get("variation"), one_line=True), at, fields.doc.line(at)))
    return tuple(changes)


def _reps(fields: Fields, name: str, value: Any) -> Reps | None:
    if value is None:
        return None
    parsed = parse_reps(value)
    if isinstance(parsed, str):
        fields.add(name, f"{name}: {parsed}")
        return None
    return parsed


def _percent(fields: Fields, name: str, value: Any) -> int:
    """`deload: 60%` (or 60): the share of the working weight a deload week lifts."""
    if value is None:
        return 0
    match = PERCENT.fullmatch(str(value).strip()) if not isinstance(value, bool) else None
    percent = int(match[1]) if match else value if type(value) is int else 0
    if not 1 <= percent <= 99:
        fields.add(name, f"{name}: expected a share of the working weight from 1% to 99%, like 60%, got {value!r}")
        return 0
    return percent


def _amount(fields: Fields, name: str, value: Any, what: str, maximum: float) -> Amount | None:
    """`2.5 kg`, `5 lb`: a weight must say its unit."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fields.add(name, f"{name}: {what} without a unit: write {value:g} kg or {value:g} lb")
        return None
    match = AMOUNT.fullmatch(str(value).strip())
    amount = float(match[1].replace(",", ".")) if match else 0
    if not match or not 0 < amount <= maximum:
        fields.add(name, f"{name}: expected {what} with its unit, more than 0 and at most {maximum}, like 2.5 kg "
                         f"or 5 lb, got {value!r}")
        return None
    return Amount(amount, "kg" if match[2].lower().startswith("kg") else "lb")


def _parse_steps(fields: Fields) -> tuple[Amount, ...]:
    """`weight_step: [1.25 kg, 2.5 lb]`: the smallest weight change, per unit (2.5 kg and 5 lb if not said)."""
    value = fields.get("weight_step")
    given = value if isinstance(value, list) else [] if value is None else [value]
    steps = dict(DEFAULT_STEPS)
    said: set[str] = set()
    for item in given:
        if amount := _amount(fields, "weight_step", item, "a weight step", MAX_INCREMENT):
            if amount.unit in said:
                fields.add("weight_step", f"weight_step: {amount.unit} given twice; give one step per unit")
            said.add(amount.unit)
            steps[amount.unit] = amount.value
    return tuple(Amount(value, unit) for unit, value in steps.items())


def _parse_rules(fields: Fields) -> tuple[RuleSpec, ...]:
    value = fields.get("progression")
    if value is None:
        return ()
    if not isinstance(value, dict):
        fields.add("progression", "progression: expected a mapping from exercise to its rule, like "
                                  "'romanian-deadlift: {reps: 8-12, add: 2.5 kg}'")
        return ()
    rules = []
    for slug, spec in value.items():
        name = f"progression.{slug}"
        spec = _mapping(fields, name, spec, "a rule like {reps: 8-12, add: 2.5 kg} or {add_reps: 1, up_to: 15}",
                        RULE_KEYS)
        if spec is None:
            continue
        if rule := _rule(fields, name, str(slug), spec):
            rules.append(rule)
    return tuple(rules)


def _rule(fields: Fields, name: str, slug: str, spec: dict) -> RuleSpec | None:
    before = len(fields.problems)
    reps = _reps(fields, f"{name}.reps", spec.get("reps"))
    add = _amount(fields, f"{name}.add", spec.get("add"), "an increment", MAX_INCREMENT)
    start = _amount(fields, f"{name}.start", spec.get("start"), "a starting weight", MAX_WEIGHT)
    add_reps = fields.integer(f"{name}.add_reps", spec.get("add_reps"), minimum=1, maximum=20)
    up_to = fields.integer(f"{name}.up_to", spec.get("up_to"), minimum=1, maximum=MAX_REPS)
    every = spec.get("every", "session")
    if every not in ("session", "week"):
        fields.add(f"{name}.every", f"{name}.every: expected session or week, got {every!r}")
    if reps and (reps.low is None or reps.timed):
        fields.add(f"{name}.reps", f"{name}.reps: expected a count or a range of reps, like 5 or 8-12")
    if "add_reps" in spec:
        kind = "reps"
        if "up_to" not in spec:
            fields.add(name, f"{name}: add_reps needs up_to, the most reps it goes to, like {{add_reps: 1, up_to: 15}}")
        for key in ("add", "reps", "every"):
            if key in spec:
                fields.add(f"{name}.{key}", f"{name}.{key}: goes with add, not with add_reps; a rule adds weight "
                                            "or reps, not both")
    elif "add" in spec:
        kind = "double" if reps and reps.low != reps.high else "linear"
        if kind == "double" and "every" in spec:
            fields.add(f"{name}.every", f"{name}.every: double progression adds weight when the range is topped, "
                                        "not every session or week; leave every out")
    else:
        fields.add(name, f"{name}: expected add (a weight, like {{reps: 8-12, add: 2.5 kg}}) or add_reps "
                         "(reps a week, like {add_reps: 1, up_to: 15})")
    if len(fields.problems) > before:  # no kind: only its exercise is looked up, a misspelt one said in the same run
        return RuleSpec(slug, "", None, None, "session", 0, 0, None, name, fields.doc.line(name))
    return RuleSpec(slug, kind, reps, add, every, add_reps, up_to, start, name, fields.doc.line(name))


def _check_coverage(fields: Fields, spans: list[tuple[int, int, str]], complete: bool) -> None:
    """Every week from 1 to the last, each once: a week given twice or in two ranges is said, and
    with every key read as weeks (`complete`), a week missing."""
    covered: dict[int, str] = {}
    for first, last, name in spans:  # by first week: an entry is said once, at the first week it shares
        if shared := [n for n in range(first, last + 1) if n in covered]:
            other = covered[shared[0]]
            line = fields.doc.line(other)
            where = f"{other[6:]} (line {line})" if line else other[6:]
            what = f"week {shared[0]} is given twice: here and in {where}" if first == last else \
                f"overlaps {where}: {week_list(shared)} in both"
            fields.add(name, f"{name}: {what}; give each week once")
        for number in range(first, last + 1):
            covered.setdefault(number, name)
    missing = [n for n in range(1, max(covered, default=0) + 1) if n not in covered]
    if missing and complete:
        fields.add("weeks", f"weeks: {week_list(missing)} missing; give every week from 1 to {max(covered)} "
                            "(a range like 3-4 gives two)")


def week_list(numbers: list[int]) -> str:
    return f"week {numbers[0]} is" if len(numbers) == 1 else f"weeks {', '.join(map(str, numbers))} are"
