"""Status marks (DRAFT, FOR SIGNATURE, SUPERSEDED, WITHDRAWN) drawn as outlines, not text.

A mark drawn as text gets into what a reader copies and what a screen reader reads ("RA" and
"FT" in the middle of a paragraph of Reasons). Drawn as filled paths it is only ink: nothing
that extracts text can find it. The outlines are the glyphs of the shipped DejaVu Sans Bold,
read with fontTools (imported only when a mark is first drawn) and kept per process, so a
mark costs its reading once; each document then draws it once, as a form XObject, which every
page draws last, multiplied into the page (see draw_mark).
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary
    from reportlab.pdfgen.canvas import Canvas

MARK_FONT = "DejaVuSans-Bold.ttf"
MARK_COLOUR = "#d8d8d8"
MARK_ANGLE = 50  # degrees, bottom left to top right
MARK_SIZE = 110  # points, at most; a longer mark is made smaller to fit the page
MARK_MARGIN = 25 * 72 / 25.4  # the mark's rotated box stays this far inside the page's edges
LINE_GAP = 1.2  # baseline to baseline, in sizes

# One path operator with its points, in the font's units (rounded: a unit is 1/2048 em).
Op = tuple[str, tuple[int, ...]]
# (glyph set, cmap, units per em, advance widths, cap height in em); fontTools ships no types.
Font = tuple[Any, dict[int, str], int, Any, float]


_reading = threading.RLock()  # fontTools reads tables and glyphs lazily: one thread at a time


@lru_cache(maxsize=1)
def _font() -> Font:
    """(glyph set, cmap, units per em, advance widths, cap height in em) of the mark's font."""
    with _reading:
        return _read_font()


def _read_font() -> Font:
    from fontTools.ttLib import TTFont

    from desktop import paths

    font = TTFont(str(paths.resource("fonts", MARK_FONT)), lazy=True)
    upm = font["head"].unitsPerEm
    cap = getattr(font["OS/2"], "sCapHeight", 0) or 0.73 * upm
    return font.getGlyphSet(), font.getBestCmap(), upm, font["hmtx"], cap / upm


def _pen_class() -> type[Any]:
    from fontTools.pens.basePen import BasePen

    class OpsPen(BasePen):  # type: ignore[misc]  # fontTools ships no types: BasePen is Any
        """Records a glyph's contours, shifted right by `x`; BasePen turns the quadratic
        curves of TrueType into cubic ones, which is all PDF has."""

        def __init__(self, glyphs: Any, x: int) -> None:
            super().__init__(glyphs)
            self.ops: list[Op] = []
            self.x = x

        def _p(self, *points: tuple[float, float]) -> tuple[int, ...]:
            return tuple(round(v) for px, py in points for v in (self.x + px, py))

        def _moveTo(self, pt: tuple[float, float]) -> None:  # noqa: N802 - fontTools' names
            self.ops.append(("m", self._p(pt)))

        def _lineTo(self, pt: tuple[float, float]) -> None:  # noqa: N802
            self.ops.append(("l", self._p(pt)))

        def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float],  # noqa: N802
                        p3: tuple[float, float]) -> None:
            self.ops.append(("c", self._p(p1, p2, p3)))

        def _closePath(self) -> None:  # noqa: N802
            self.ops.append(("h", ()))

        _endPath = _closePath  # noqa: N815 - fontTools calls the pen by this name

    return OpsPen


@lru_cache(maxsize=64)
def outline(text: str) -> tuple[tuple[Op, ...], int]:
    """The outline of one line of text, starting at x = 0 on the baseline, and its advance
    width, in font units. A character the font lacks takes its .notdef box (never text)."""
    with _reading:
        return _outline(text)


def _outline(text: str) -> tuple[tuple[Op, ...], int]:
    glyphs, cmap, _, hmtx, _ = _font()
    pen_class = _pen_class()
    ops: list[Op] = []
    x = 0
    for ch in text:
        name = cmap.get(ord(ch), ".notdef")
        pen = pen_class(glyphs, x)
        glyphs[name].draw(pen)
        ops += pen.ops
        x += hmtx[name][0]
    return tuple(ops), x


def layout(lines: tuple[str, ...], width: float, height: float) -> float:
    """The size, in points, at which the lines fit the page when turned MARK_ANGLE degrees."""
    upm, cap = _font()[2], _font()[4]
    widest = max(outline(line)[1] for line in lines) / upm
    tall = (len(lines) - 1) * LINE_GAP + cap
    a = math.radians(MARK_ANGLE)
    across = widest * math.cos(a) + tall * math.sin(a)  # the rotated box, per point of size
    up = widest * math.sin(a) + tall * math.cos(a)
    return min(MARK_SIZE, (width - 2 * MARK_MARGIN) / across, (height - 2 * MARK_MARGIN) / up)


MULTIPLY = "MarkMultiply"  # the form's graphics state: its colour multiplied into the page's


def form_resources() -> PDFResourceDictionary:
    """The resources of the mark's form XObject: only its blend mode. (ReportLab's own
    setBlendMode would name it in every page's resources instead: 60 bytes a page.)"""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFResourceDictionary

    return PDFResourceDictionary(  # with the basic ProcSet, as every resource dictionary has
        ExtGState=PDFDictionary({MULTIPLY: PDFDictionary({"BM": PDFName("Multiply")})}))


# (lines, width, height) -> the operators draw_mark made
_drawn: dict[tuple[tuple[str, ...], float, float], list[str]] = {}


def draw_mark(canvas: Canvas, lines: tuple[str, ...], width: float, height: float) -> None:
    """Fill the lines' outlines across the page's centre, each line centred, light grey,
    multiplied into what is under them: drawn over the page, the mark shows on shaded table
    cells too, and black text stays black. For a form with form_resources().

    The operators depend only on the lines and the page size (the colour and the transforms
    are set and undone inside them), so they are made once per process and replayed."""
    key = (lines, width, height)
    ops = _drawn.get(key)
    if ops is None:
        # ReportLab's list of the page's operators (a private attribute, not in the stubs).
        start = len(canvas._code)  # type: ignore[attr-defined]
        _draw(canvas, lines, width, height)
        if len(_drawn) >= 64:  # superseded marks carry dates: keep the cache small
            _drawn.clear()
        _drawn[key] = ops = canvas._code[start:]  # type: ignore[attr-defined]
    else:
        canvas._code.extend(ops)  # type: ignore[attr-defined]


def _draw(canvas: Canvas, lines: tuple[str, ...], width: float, height: float) -> None:
    # ReportLab's fill rule constant; the stubs leave it out.
    from reportlab.pdfgen.canvas import FILL_NON_ZERO  # type: ignore[attr-defined]

    from desktop.export.pdf.styles import colour

    size = layout(lines, width, height)
    upm, cap = _font()[2], _font()[4]
    lead = LINE_GAP * size
    canvas.saveState()
    # The graphics state named in form_resources(), on ReportLab's private operator list.
    canvas._code.append(f"/{MULTIPLY} gs")  # type: ignore[attr-defined]
    canvas.setFillColor(colour(MARK_COLOUR))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(MARK_ANGLE)
    top = (len(lines) - 1) * lead / 2 - cap * size / 2  # the first baseline: block centred
    for i, line in enumerate(lines):
        ops, wide = outline(line)
        canvas.saveState()
        canvas.translate(-wide * size / upm / 2, top - i * lead)
        canvas.scale(size / upm, size / upm)
        path = canvas.beginPath()
        for op, pts in ops:
            if op == "m":
                path.moveTo(*pts)
            elif op == "l":
                path.lineTo(*pts)
            elif op == "c":
                path.curveTo(*pts)
            else:
                path.close()
        canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
        canvas.restoreState()
    canvas.restoreState()
