"""Fit the printed circuit card onto one sheet, and draw its QR code.

The card is designed for the area A4 and US Letter share inside 10 mm margins:
190 x 259 mm. The build cannot ask a browser how tall the card will print, so it
estimates from the text: every block on the card has a fixed line height and a
clamped number of lines (card.css), and the estimate counts characters generously,
so it errs on the tall side. It picks the largest type that fits in one column, then in two;
when nothing fits the build warns with the number of pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Circuit, Exercise, Routine

PAGE_WIDTH = 190.0  # mm: A4's 210 less two 10 mm margins
PAGE_HEIGHT = 259.0  # mm: Letter's 279.4 less two 10 mm margins, rounded down
PT = 25.4 / 72  # mm per point
CHAR_WIDTH = 0.56  # a character's width in em, generous for DejaVu Sans and system sans fonts
WRAP_FILL = 0.9  # lines break between words, so a line holds less than its width
COLUMN_GAP = 6.0  # mm
QR_SIZE = 30.0  # mm, with its quiet zone: scans from arm's length

# Type sizes in pt at scale 1 and how many lines each block may take; card.css uses the same.
LINE_HEIGHT = 1.25
TITLE, META, CIRCUIT, FLOW, NAME, CUE, VARIATIONS = 20, 9.5, 13, 10, 13, 10, 9
REPS, TICK = 11, 5.7  # pt, leading the cue's lines; mm per tick box with its gap
TITLE_LINES, META_LINES, NOTE_LINES, NAME_LINES, CUE_LINES, VARIATION_LINES = 2, 2, 1, 2, 2, 2
SCALES = (1.3, 1.15, 1.0)  # the largest that fits wins: read at arm's length


@dataclass(frozen=True)
class CardLayout:
    columns: int
    scale: float
    height: float  # mm, estimated

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.height / PAGE_HEIGHT))


def plan_card(routine: Routine, with_qr: bool) -> CardLayout:
    """The roomiest layout whose estimated height fits one sheet, else the densest one."""
    for columns in (1, 2):
        for scale in SCALES:
            layout = CardLayout(columns, scale, _height(routine, with_qr, columns, scale))
            if layout.height <= PAGE_HEIGHT:
                return layout
    return layout  # the densest: the caller warns about the pages it needs


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code: error correction Q, the 4-module quiet zone kept."""
    import segno  # only sites with a --base-url have a QR code; the rest skip its import

    code = segno.make(url, error="q", boost_error=False, micro=False)
    return code.svg_inline(omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code",
                            title=f"QR code: {url}")


def _width(text: str, size_pt: float) -> float:
    """How long the text would run on one line, in mm."""
    return len(text) * size_pt * PT * CHAR_WIDTH


def _lines(length: float, width: float, most: int) -> int:
    """Lines that text `length` mm long takes in a box `width` mm wide, clamped to `most`."""
    return min(most, math.ceil(length / (width * WRAP_FILL))) if length else 0


def _line(size_pt: float, scale: float) -> float:
    return size_pt * scale * PT * LINE_HEIGHT


def _height(routine: Routine, with_qr: bool, columns: int, scale: float) -> float:
    column = (PAGE_WIDTH - COLUMN_GAP * (columns - 1)) / columns
    header = _header_height(routine, with_qr, scale)
    circuits = [_circuit_height(c, column, scale) for c in routine.circuits]
    if columns == 1:
        return header + sum(circuits)
    # Two balanced columns that never split a circuit: the browser finds the break
    # that makes the taller column as short as it can be.
    return header + min(max(sum(circuits[:k]), sum(circuits[k:])) for k in range(len(circuits) + 1))


def _header_height(routine: Routine, with_qr: bool, scale: float) -> float:
    width = PAGE_WIDTH - (QR_SIZE + 4 if with_qr else 0)
    equipment = "You need: " + ", ".join(routine.equipment) if routine.equipment else ""
    checkin = "Check in: " + routine.checkin if routine.checkin else ""
    text = (_lines(_width(routine.title, TITLE * scale), width, TITLE_LINES) * _line(TITLE, scale)
            + _lines(_width(equipment, META * scale), width, META_LINES) * _line(META, scale)
            + _lines(_width(checkin, META * scale), width, META_LINES) * _line(META, scale))
    return max(text, QR_SIZE if with_qr else 0) + 4  # + the rule under the header


def _circuit_height(circuit: Circuit, width: float, scale: float) -> float:
    flow = " → ".join(e.pair for e in circuit.exercises) + f" × {circuit.rounds} · rest {circuit.rest} s"
    heading = _width(f"{circuit.number}  {circuit.label}", CIRCUIT * scale) + _width(flow, FLOW * scale)
    return (_lines(heading, width, 3) * _line(CIRCUIT, scale)
            + _lines(_width(circuit.note, VARIATIONS * scale), width, NOTE_LINES) * _line(VARIATIONS, scale)
            + sum(_exercise_height(e, width, scale) for e in circuit.exercises)
            + 3)  # the gap below a circuit


def _exercise_height(exercise: Exercise, width: float, scale: float) -> float:
    text_width = width - 12 * scale  # the slot badge's column
    name_width = text_width - (exercise.sets * TICK + 2) * scale
    detail = _width(f"{exercise.sets} × {exercise.reps}", REPS * scale) + _width(f" · {exercise.cue}" if exercise.cue else "", CUE * scale)
    variations = " · ".join(f"{v.label}: {v.text}" for v in exercise.variations)
    return (_lines(_width(exercise.title, NAME * scale), name_width, NAME_LINES) * _line(NAME, scale)
            + _lines(detail, text_width, CUE_LINES) * _line(REPS, scale)
            + _lines(_width(variations, VARIATIONS * scale), text_width, VARIATION_LINES) * _line(VARIATIONS, scale)
            + 2.5)  # padding and the rule between rows
