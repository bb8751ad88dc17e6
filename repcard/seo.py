"""Structured data for search engines: schema.org JSON-LD for the routine and each exercise.

Plain dicts, serialised by the templates with `tojson` (which escapes `<`, `>`, `&` and
quotes, so content cannot close the <script> it sits in). URLs appear only when the
site's absolute address is known.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from .model import Exercise, Reps, Routine, Slot, Use
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


def routine_data(routine: Routine, base_url: str, words: Words = ENGLISH) -> dict[str, Any]:
    """`base_url`: the address of the site's root in the page's language."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ExercisePlan",
        "name": routine.title,
        "exerciseType": words.exercise_type(circuit=True),
        "inLanguage": words.language.code,
        "restPeriods": _seconds(routine.rest),
        "hasPart": [
            exercise_plan(s, c.rest, base_url and f"{base_url}exercises/{s.slug}/", words)
            for c in routine.circuits for s in c.slots
        ],
    }
    if routine.description:
        data["description"] = routine.description
    if base_url:
        data["url"] = f"{base_url}{routine.path}"
    return data


def exercise_data(exercise: Exercise, uses: tuple[Use, ...], base_url: str, words: Words = ENGLISH) -> dict[str, Any]:
    """The exercise's steps as a HowTo, and its plan in each routine that uses it."""
    url = base_url and f"{base_url}exercises/{exercise.slug}/"
    how_to: dict[str, Any] = {
        "@type": "HowTo",
        "name": words.how_to(exercise.title),
        "inLanguage": words.language.code,
        "step": [{"@type": "HowToStep", "position": n, "text": text}
                 for n, text in enumerate(list_items(exercise.body_html), 1)],
    }
    if exercise.equipment:
        how_to["tool"] = [{"@type": "HowToTool", "name": item} for item in exercise.equipment]
    if url:
        how_to["url"] = url
    plans = [exercise_plan(use.slot, use.circuit.rest, url, words) for use in uses]
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
