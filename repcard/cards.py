"""Each routine's printed card as a build plans it: its layout (card.py), a warning for each text
it cuts and for a card past one page, planned again only for a routine that changed."""

from __future__ import annotations

from dataclasses import dataclass

from . import card, changes
from .graph import Input
from .model import Routine, Site
from .problem import Problem
from .words import Words


@dataclass(frozen=True)
class Card:
    """A routine's printed card as planned: its layout, its warnings, and (the dev server's) the
    circuits' estimates that planning it again after an edit starts from."""

    routine: Routine
    layout: card.CardLayout
    warnings: list[Problem]
    estimates: card.Kept | None


def plan_cards(kept: dict[str, Card], site: Site, base_url: str, paper: str, keep: bool, fired: set[Input],
               words: Words, prefix: str) -> dict[str, Card]:
    """Each routine's card, in `words`' language: `kept`'s (the last build's, by routine path) if
    its routine is the same, else planned again (`fired` gains it if its layout did)."""
    cards = {}
    for routine in site.every_routine:
        before = kept.get(routine.path)
        if before and before.routine is routine:
            cards[routine.path] = before
            continue
        estimates = before.estimates if before else card.Kept() if keep else None
        cards[routine.path] = Card(routine, *_plan_card(routine, base_url, paper, estimates, words, prefix), estimates)
        if not before or before.layout != cards[routine.path].layout:
            fired.add(changes.card(routine.path))
    return cards


def _plan_card(routine: Routine, base_url: str, paper: str, kept: card.Kept | None, words: Words, prefix: str
               ) -> tuple[card.CardLayout, list[Problem]]:
    """The routine's card in `words`' language, with a warning for each text it cuts and when it
    needs more pages; `prefix`: where the language's pages are ("fr/")."""
    layout = card.plan_card(routine, bool(base_url), paper, words, kept)
    where = f"{prefix}{routine.path}card/index.html"
    warnings = [repcard_warning(str(cut).replace("card/index.html", where)) for cut in layout.cuts]
    if layout.pages > 1:
        warnings.append(repcard_warning(f"{where} needs {layout.pages} pages of {paper}, not one: "
                                        "fewer exercises, or shorter cues and variations, would fit"))
    return layout, warnings


def repcard_warning(message: str) -> Problem:
    """A warning about the build as a whole, said as `repcard: warning: ...`."""
    return Problem("repcard", None, f"warning: {message}")
