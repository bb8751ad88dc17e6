"""Structured data for search engines: schema.org JSON-LD for the routine and each exercise.

Plain dicts, serialised by the templates with `tojson` (which escapes `<`, `>`, `&` and
quotes, so content cannot close the <script> it sits in). URLs appear only when the
site's absolute address is known.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from html import unescape
from html.parser import HTMLParser
from typing import Any, Protocol

from jinja2.utils import htmlsafe_json_dumps

from .model import Circuit, Exercise, Reps, Routine, Slot, Use
from .words import ENGLISH, Words

CONTEXT = "https://schema.org"


def _seconds(value: int) -> dict[str, Any]:
    return {"@type": "QuantitativeValue", "value": value, "unitCode": "SEC"}


def _repetitions(reps: Reps) -> dict[str, Any] | None:
    if reps.low is None:
        return None
    count: dict[str, Any] = {"@type": "QuantitativeValue"}
    if reps.low == reps.high:
        count["value"] = reps.low
    else:
        count |= {"minValue": reps.low, "maxValue": reps.high}
    if reps.unit:
        count["unitText"] = reps.unit
    return count


class Memo(Protocol):
    def get_or(self, key: Any, make: Callable[[], str]) -> str: ...


class Listed(tuple):
    """A JSON list given as its items' JSON texts, a few at a time, escaped as `tojson` escapes:
    a routine's plans, each circuit's serialised once (a routine's JSON-LD lists every exercise's
    plan, and a rebuild after an edit changes one circuit's); the exercises an import can choose."""


def dumps(value: Any, splice: Callable[[tuple[str, ...]], str] | None = None, **options: Any) -> str:
    """json.dumps for the templates' `tojson`, the same text, with a Listed spliced in as it is:
    its items joined by commas, or by `splice` (the page's, render.py: each item a piece of the page)."""
    def listed(items: Listed) -> str:
        return "[" + (splice or ", ".join)(tuple(filter(None, items))) + "]"

    if isinstance(value, Listed) and options == {"sort_keys": True}:
        return listed(value)
    if options != {"sort_keys": True} or not isinstance(value, dict) or \
            not any(isinstance(v, Listed) for v in value.values()):
        return json.dumps(value, **options)
    return "{" + ", ".join(f"{json.dumps(key)}: " + (listed(item) if isinstance(item := value[key], Listed)
                                                       else json.dumps(item, sort_keys=True))
                           for key in sorted(value)) + "}"


def item_json(value: Any) -> str:
    """One item of a Listed: its JSON as `tojson` leaves it for a <script> (<, >, & and ' escaped)."""
    return str(htmlsafe_json_dumps(value, sort_keys=True))


def exercise_plan(slot: Slot, rest: int, url: str, words: Words = ENGLISH) -> dict[str, Any]:
    """One exercise's prescription in a routine: sets, reps and rest, said in the site's language."""
    plan: dict[str, Any] = {
        "@type": "ExercisePlan",
        "name": slot.title,
        "exerciseType": words.exercise_type(circuit=False),
        "additionalVariable": words.prescription(slot.sets, slot.reps),
        "restPeriods": _seconds(rest),
    }
    if (repetitions := _repetitions(slot.reps)) is not None:
        plan["repetitions"] = repetitions
    if slot.exercise.cue:
        plan["description"] = slot.exercise.cue
    if url:
        plan["url"] = url
    return plan


def _circuit_plans(circuit: Circuit, base_url: str, words: Words) -> str:
    """The JSON of the circuit's exercises' plans, joined by commas (a text, lighter to keep than dicts),
    escaped for the page already, so that a page can take it as it is (dumps' `splice`)."""
    return ", ".join(item_json(exercise_plan(s, circuit.rest, base_url and f"{base_url}exercises/{s.slug}/", words))
                     for s in circuit.slots)


def routine_data(routine: Routine, base_url: str, words: Words = ENGLISH, memo: Memo | None = None) -> dict[str, Any]:
    """The routine as an ExercisePlan with each exercise's; `base_url`: the address of the site's root
    in the page's language. `memo` (the page's, render.py) keeps each circuit's plans for the page's
    next drawing, which then works out only the changed circuits'."""
    def plans(c: Circuit) -> str:
        return memo.get_or((c, base_url), partial(_circuit_plans, c, base_url, words)) if memo is not None else \
            _circuit_plans(c, base_url, words)

    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ExercisePlan",
        "name": routine.title,
        "exerciseType": words.exercise_type(circuit=True),
        "inLanguage": words.language.code,
        "restPeriods": _seconds(routine.rest),
        "hasPart": Listed(map(plans, routine.circuits)),
    }
    if routine.description:
        data["description"] = routine.description
    if base_url:
        data["url"] = f"{base_url}{routine.path}"
    return data


def exercise_data(exercise: Exercise, uses: tuple[Use, ...], base_url: str, words: Words = ENGLISH,
                  memo: Memo | None = None) -> dict[str, Any]:
    """The exercise's steps as a HowTo, and its plan in each routine that uses it."""
    url = base_url and f"{base_url}exercises/{exercise.slug}/"
    how_to: dict[str, Any] = {
        "@type": "HowTo",
        "name": words.how_to(exercise.title),
        "inLanguage": words.language.code,
        "step": [{"@type": "HowToStep", "position": n, "text": text}
                 for n, text in enumerate(list_items(exercise.body_html, generated=_generated(exercise)), 1)],
    }
    if exercise.equipment:
        how_to["tool"] = [{"@type": "HowToTool", "name": item} for item in exercise.equipment]
    if url:
        how_to["url"] = url
    plans = [exercise_plan(use.slot, use.circuit.rest, url, words) for use in uses]
    return {"@context": CONTEXT, "@graph": [*plans, how_to]}


def _generated(exercise: Exercise) -> bool:
    """Is the body's HTML Python-Markdown's own: no raw HTML in it, or none let through?"""
    return exercise.raw_body is None or exercise.body_html != exercise.raw_body.html


class _ListItems(HTMLParser):
    """Collects the text of each item of the first <ol> in some HTML: the exercise's steps."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.depth = 0  # nesting of <ol> while inside the first one
        self.done = False

    def handle_starttag(self, tag, attrs):
        if tag == "ol" and not self.done:
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "ol" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth and self.items:
            self.items[-1] += data


def list_items(html: str, generated: bool = False) -> tuple[str, ...]:
    """The text of each item of the first <ol>: an exercise's steps. `generated`: the HTML is
    Python-Markdown's own (no raw HTML let through), whose tags are plain and whose text has
    no `<` or `>`: read by a scan of its tags, three times as fast as HTMLParser, which reads
    any HTML."""
    if not generated:
        parser = _ListItems()
        parser.feed(html)
        items = parser.items
    else:
        items = _generated_list_items(html)
    return tuple(" ".join(item.split()) for item in items if item.strip())


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def _generated_list_items(html: str) -> list[str]:
    """As _ListItems reads it (the items of the first <ol>, with the text of everything in each,
    lists within included), for HTML made by Python-Markdown alone."""
    items: list[str] = []
    depth = 0  # nesting of <ol> within the first
    start = html.find("<ol")
    if start < 0:
        return items
    at = start
    for tag in _TAG.finditer(html, start):
        if depth and items:
            items[-1] += html[at:tag.start()]
        at = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if name == "ol":
            depth += -1 if closing else 1
            if depth == 0:
                break
        elif name == "li" and not closing and depth == 1:
            items.append("")
    return [unescape(item) for item in items]
