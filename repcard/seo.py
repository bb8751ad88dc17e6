"""Structured data for search engines: schema.org JSON-LD for the routine and each exercise.

Plain dicts, serialised by the templates with `tojson` (which escapes `<`, `>`, `&` and
quotes, so content cannot close the <script> it sits in). URLs appear only when the
site's absolute address is known.
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache
from html.parser import HTMLParser
from typing import Any

from .model import Circuit, Exercise, Reps, Routine, Slot, Use

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


class Plan(dict):
    """One exercise's plan, serialised once (`json`): a routine's JSON-LD lists every exercise's,
    and a rebuild after an edit changes one."""

    @cached_property
    def json(self) -> str:
        return json.dumps(self, sort_keys=True)


def dumps(value: Any, **options: Any) -> str:
    """json.dumps for the templates' `tojson`, the same text, with each Plan in a list serialised
    once rather than on every page that lists it."""
    if not isinstance(value, dict) or options != {"sort_keys": True} or not any(
            isinstance(v, list) and v and isinstance(v[0], Plan) for v in value.values()):
        return json.dumps(value, **options)
    return "{" + ", ".join(f"{json.dumps(key)}: {_listed(value[key])}" for key in sorted(value)) + "}"


def _listed(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], Plan):
        return "[" + ", ".join(v.json if isinstance(v, Plan) else json.dumps(v, sort_keys=True) for v in value) + "]"
    return json.dumps(value, sort_keys=True)


@lru_cache(maxsize=1 << 14)  # the same slot, rest and address make the same plan (a Plan: never changed)
def exercise_plan(slot: Slot, rest: int, url: str) -> Plan:
    """One exercise's prescription in a routine: sets, reps and rest."""
    plan = Plan({
        "@type": "ExercisePlan",
        "name": slot.title,
        "exerciseType": "Strength training",
        "additionalVariable": f"{slot.sets} {'set' if slot.sets == 1 else 'sets'} of {slot.reps}",
        "restPeriods": _seconds(rest),
    })
    if (repetitions := _repetitions(slot.reps)) is not None:
        plan["repetitions"] = repetitions
    if slot.exercise.cue:
        plan["description"] = slot.exercise.cue
    if url:
        plan["url"] = url
    return plan


@lru_cache(maxsize=1 << 12)
def _circuit_plans(circuit: Circuit, base_url: str) -> tuple[Plan, ...]:
    return tuple(exercise_plan(s, circuit.rest, base_url and f"{base_url}exercises/{s.slug}/") for s in circuit.slots)


def routine_data(routine: Routine, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ExercisePlan",
        "name": routine.title,
        "exerciseType": "Circuit training",
        "restPeriods": _seconds(routine.rest),
        "hasPart": [plan for c in routine.circuits for plan in _circuit_plans(c, base_url)],
    }
    if routine.description:
        data["description"] = routine.description
    if base_url:
        data["url"] = f"{base_url}{routine.path}"
    return data


def exercise_data(exercise: Exercise, uses: tuple[Use, ...], base_url: str) -> dict[str, Any]:
    """The exercise's steps as a HowTo, and its plan in each routine that uses it."""
    url = base_url and f"{base_url}exercises/{exercise.slug}/"
    how_to: dict[str, Any] = {
        "@type": "HowTo",
        "name": f"How to do {exercise.title}",
        "step": [{"@type": "HowToStep", "position": n, "text": text}
                 for n, text in enumerate(list_items(exercise.body_html), 1)],
    }
    if exercise.equipment:
        how_to["tool"] = [{"@type": "HowToTool", "name": item} for item in exercise.equipment]
    if url:
        how_to["url"] = url
    plans = [exercise_plan(use.slot, use.circuit.rest, url) for use in uses]
    return {"@context": CONTEXT, "@graph": [*plans, how_to]}


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


def list_items(html: str) -> tuple[str, ...]:
    parser = _ListItems()
    parser.feed(html)
    return tuple(" ".join(item.split()) for item in parser.items if item.strip())
