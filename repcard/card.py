"""Fit the printed circuit card onto one sheet, and draw its QR code.

The card is designed for the area A4 and US Letter share inside 10 mm margins:
190 x 259 mm; a site that prints on A4 alone (repcard.toml's `paper`) has 277 mm of
height. The build cannot ask a browser how tall the card will print, so it estimates
from the text, counting characters generously so that it errs on the tall side. It
picks the largest type that fits with every text in full, in one column, then in two;
only when none fits does it cut long texts to a few lines (and says which), and when
even that does not fit, the build warns with the number of pages.

This module is the one source of the card's sizes: the build writes them as CSS custom
properties for card.css (`stylesheet`, site/assets/card-sizes.css), and the card names its
layout's scale and whether texts are cut in data attributes, so the page needs no `style`
attribute (which the pages' Content-Security-Policy refuses).
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from .model import Circuit, Routine, Slot
from .words import ENGLISH, Words

PAGE_WIDTH = 190.0  # mm: A4's 210 less two 10 mm margins
PAGE_HEIGHT = 259.0  # mm: Letter's 279.4 less two 10 mm margins, rounded down
PAPERS = {"A4 or Letter": PAGE_HEIGHT, "A4": 277.0, "Letter": PAGE_HEIGHT}  # the height each leaves, in mm
PT = 25.4 / 72  # mm per point
CHAR_WIDTH = 0.56  # a character's width in em, generous for DejaVu Sans and system sans fonts
WRAP_FILL = 0.9  # lines break between words, so a line holds less than its width
LINE_HEIGHT = 1.25
COLUMN_GAP = 6.0  # mm
QR_SIZE = 30.0  # mm, with its quiet zone: scans from arm's length
SLOT_COLUMN = 10.0  # mm at scale 1: the slot badge; 2 mm of gap follow it
TICK_BOX, TICK_GAP = 4.5, 1.2  # mm at scale 1: a box to tick per set
SCALES = (1.3, 1.15, 1.0)  # the largest that fits wins: read at arm's length


@dataclass(frozen=True)
class Text:
    """A kind of text on the card: its type size and the lines it may take when cut."""

    size: float  # pt at scale 1
    lines: int


TITLE, META, CIRCUIT, FLOW = Text(20, 2), Text(9.5, 2), Text(13, 0), Text(10, 0)  # 0: never cut
NOTE, NAME, REPS, CUE, VARIATIONS = Text(9, 1), Text(13, 2), Text(11, 2), Text(10, 2), Text(9, 2)
TEXTS = {"title": TITLE, "meta": META, "circuit": CIRCUIT, "flow": FLOW, "note": NOTE, "name": NAME,
         "reps": REPS, "cue": CUE, "vars": VARIATIONS}


@dataclass(frozen=True)
class Cut:
    """A text the card shows cut to `lines` lines: named so the author can shorten it."""

    source: str  # the file it comes from
    field: str  # "variations", "circuits.2.note", ...
    lines: int

    def __str__(self) -> str:
        return (f"{self.source}: {self.field}: cut to {self.lines} line{'s' if self.lines > 1 else ''} "
                "on the printed card (card/index.html); shorten it to print it in full")


@dataclass(frozen=True)
class CardLayout:
    columns: int
    scale: float
    height: float  # mm, estimated
    cuts: tuple[Cut, ...] = ()  # empty: every text prints in full
    split: int = 0  # with two columns: how many circuits the first holds
    paper: str = "A4 or Letter"  # what it is planned for: a key of PAPERS

    def columns_of(self, circuits: tuple) -> list[tuple]:
        """The circuits column by column. The card sets its own break rather than leave it to
        CSS columns, which WebKit prints as one column and Firefox balances past the page."""
        return [circuits] if self.columns == 1 else [circuits[:self.split], circuits[self.split:]]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.height / PAPERS[self.paper]))

    @property
    def scale_name(self) -> str:
        """The scale as the card's data-scale attribute names it, and card-sizes.css selects it."""
        return _number(self.scale)


def stylesheet() -> str:
    """The card's sizes as CSS custom properties on `.card`, for card.css: every scale the
    card may be drawn at (data-scale), and each text's line limit once texts are cut (data-cut)."""
    sizes = [("line-height", _number(LINE_HEIGHT)), ("column-gap", f"{_number(COLUMN_GAP)}mm"),
             ("qr", f"{_number(QR_SIZE)}mm"), ("slot", f"{_number(SLOT_COLUMN)}mm"),
             ("tick", f"{_number(TICK_BOX)}mm"), ("tick-gap", f"{_number(TICK_GAP)}mm")]
    sizes += [(name, f"{_number(text.size)}pt") for name, text in TEXTS.items()]
    sizes += [(f"{name}-lines", "none") for name in TEXTS]
    rules = ["/* The card's sizes, written by repcard/card.py: it plans the card with them. */",
             ".card { " + " ".join(f"--{name}: {value};" for name, value in sizes) + " }"]
    rules += [f'.card[data-scale="{_number(scale)}"] {{ --s: {_number(scale)}; }}' for scale in SCALES]
    rules.append(".card[data-cut] { " + " ".join(f"--{name}-lines: {text.lines};"
                                                  for name, text in TEXTS.items() if text.lines) + " }")
    return "\n".join(rules) + "\n"


def _number(value: float) -> str:
    """A size as CSS writes it: 1.3, 1, 6."""
    return f"{value:g}"


LAYOUTS = [(columns, scale, cut) for cut in (False, True) for columns in (1, 2) for scale in SCALES]  # roomiest first
DENSEST = [LAYOUTS.index((columns, SCALES[-1], True)) for columns in (1, 2)]  # the last is the last of LAYOUTS
Estimates = list[tuple[float, tuple[Cut, ...]] | None]  # by layout (its place in LAYOUTS): height, cuts


class Kept:
    """Each circuit's estimates at every layout, kept from one plan of a routine's card for the
    next: the dev server plans the card again after each edit, which changes one circuit of hundreds."""

    def __init__(self) -> None:
        self.estimates: dict[tuple[Circuit, bool], Estimates] = {}  # by circuit, and whether it is the last


def plan_card(routine: Routine, with_qr: bool, paper: str = "A4 or Letter", words: Words = ENGLISH,
              kept: Kept | None = None) -> CardLayout:
    """The roomiest layout that fits one sheet of `paper` with every text in full; else, with
    long texts cut, the roomiest that fits; else the densest one (the caller warns). `words`:
    the site's language, whose words the card prints and this measures (German's are long);
    `kept`: the estimates of the last plan of this routine's card, updated to this one's."""
    equipment = routine.equipment  # gathered from every exercise: once, not at each layout
    last = len(routine.circuits) - 1
    keys = [(c, i == last) for i, c in enumerate(routine.circuits)]
    before = kept.estimates if kept else {}
    known = [before.get(key) or [None] * len(LAYOUTS) for key in keys]
    if kept:
        kept.estimates = dict(zip(keys, known))  # the circuits gone, gone with them
    def planned(n: int) -> CardLayout:
        columns, scale, cut = LAYOUTS[n]
        estimate = _Estimate(columns, scale, cut, words)
        height = estimate.card(routine, equipment, known, n, with_qr)
        cuts = (*estimate.cuts, *(cut for found in known for cut in found[n][1]))
        return CardLayout(columns, scale, height, cuts, estimate.split, paper)

    # A card grows with its type and shrinks when texts are cut, whatever the columns: when
    # the densest layout of one column and of two does not fit, none does (a routine of
    # hundreds), and the densest of two is the card, without estimating the other ten.
    densest = [planned(n) for n in DENSEST]
    if all(layout.height > PAPERS[paper] for layout in densest):
        return densest[-1]
    for n in range(len(LAYOUTS)):
        layout = planned(n)
        if layout.height <= PAPERS[paper] or n + 1 == len(LAYOUTS):  # the densest when none fits
            return layout
    raise AssertionError("unreachable: the last layout is returned")


def qr_svg(url: str, title: str) -> str:
    """The URL as an inline SVG QR code: error correction Q, the 4-module quiet zone kept;
    `title` says what it is, in the site's language."""
    import segno  # only sites with a --base-url have a QR code; the rest skip its import

    code = segno.make(url, error="q", boost_error=False, micro=False)
    return code.svg_inline(omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", title=title)


class _Estimate:
    """The printed height of a card at one layout, noting the texts it had to cut."""

    def __init__(self, columns: int, scale: float, cut: bool, words: Words):
        self.column = (PAGE_WIDTH - COLUMN_GAP * (columns - 1)) / columns
        self.columns, self.scale, self.cut, self.words = columns, scale, cut, words
        self.cuts: list[Cut] = []
        self.split = 0

    def width(self, text: str, kind: Text) -> float:
        """How long the text would run on one line, in mm."""
        return len(text) * kind.size * self.scale * PT * CHAR_WIDTH

    def height(self, length: float, box: float, kind: Text, source: str = "", field: str = "") -> float:
        """The height of text `length` mm long in a box `box` mm wide; a text that names
        its source and field may be cut to its kind's lines."""
        lines = math.ceil(length / (box * WRAP_FILL)) if length else 0
        if self.cut and field and lines > kind.lines:
            lines = kind.lines
            self.cuts.append(Cut(source, field, kind.lines))
        return lines * kind.size * self.scale * PT * LINE_HEIGHT

    def card(self, routine: Routine, equipment: tuple[str, ...], known: list[Estimates], layout: int,
             with_qr: bool) -> float:
        """The card's height at this layout (the `layout`-th of LAYOUTS); the circuits' cuts stay in `known`."""
        header = self.header(routine, equipment, with_qr)
        last = len(routine.circuits) - 1
        circuits = [(found[layout] or self.circuit(c, routine.source, i == last, found, layout))[0]
                    for i, (c, found) in enumerate(zip(routine.circuits, known))]
        if self.columns == 1:
            return header + sum(circuits)
        # Two columns that never split a circuit, broken where the taller is shortest (the
        # first such break: heights equal to a nanometre are a tie, whatever the rounding).
        # Every circuit has a height, so the taller column shrinks until the middle and then
        # grows: the break is one of the two around the middle.
        before = list(itertools.accumulate(circuits, initial=0))  # the first column's height, by break
        total = before[-1]
        middle = bisect.bisect_left(before, total / 2)
        self.split = min((k for k in (middle - 1, middle) if 0 <= k < len(before)),
                         key=lambda k: round(max(before[k], total - before[k]), 6))
        return header + max(sum(circuits[:self.split]), sum(circuits[self.split:]))

    def header(self, routine: Routine, equipment: tuple[str, ...], with_qr: bool) -> float:
        box = PAGE_WIDTH - (QR_SIZE + 4 if with_qr else 0)
        _ = self.words._  # the words card.html prints before each line
        needed = _("You need:") + " " + ", ".join(equipment) if equipment else ""
        checkin = _("Check in:") + " " + routine.checkin if routine.checkin else ""
        # a program's week: card.html's line under the title, never cut
        week_line = self.words.week_line(routine.week) if routine.week else ""
        text = (self.height(self.width(routine.title, TITLE), box, TITLE, routine.source, "title")
                + self.height(self.width(week_line, META), box, META)
                + self.height(self.width(needed, META), box, META)  # gathered from every exercise: never cut
                + self.height(self.width(checkin, META), box, META, routine.source, "checkin"))
        return max(text, QR_SIZE if with_qr else 0) + 4  # + the rule under the header

    def circuit(self, circuit: Circuit, source: str, last: bool, known: Estimates, layout: int
                ) -> tuple[float, tuple[Cut, ...]]:
        """The circuit's height and cuts at this layout, kept in `known` for the next plan."""
        alone = _Estimate(self.columns, self.scale, self.cut, self.words)
        known[layout] = alone.estimate_circuit(circuit, source, last), tuple(alone.cuts)
        return known[layout]

    def estimate_circuit(self, circuit: Circuit, source: str, last: bool) -> float:
        heading = self.width(f"{circuit.number}  {self.words.circuit_label(circuit)}", CIRCUIT) + \
            self.width(self.words.flow(circuit, last), FLOW)
        note = self.width(circuit.note, NOTE)
        return (self.height(heading, self.column, CIRCUIT)  # a name and the order: never cut
                + self.height(note, self.column, NOTE, source, f"circuits.{circuit.number}.note")
                + sum(self.slot(s) for s in circuit.slots)
                + 3)  # the gap below a circuit

    def slot(self, slot: Slot) -> float:
        exercise = slot.exercise
        box = self.column - (SLOT_COLUMN + 2) * self.scale
        name_box = box - (slot.sets * (TICK_BOX + TICK_GAP) + 2) * self.scale
        detail = self.width(f"{slot.sets} × {self.words.reps(slot.reps)}", REPS) + \
            self.width(f" · {exercise.cue}" if exercise.cue else "", CUE)
        variations = f"{self.words.this_week(slot.variation)} {slot.variation.text}" if slot.variation else \
            " · ".join(f"{self.words.variation_label(v)}: {v.text}" for v in exercise.variations)
        return (self.height(self.width(exercise.title, NAME), name_box, NAME, exercise.source, "title")
                + self.height(detail, box, REPS, exercise.source, "cue")
                + self.height(self.width(variations, VARIATIONS), box, VARIATIONS, exercise.source, "variations")
                + 2.5)  # padding and the rule between rows
