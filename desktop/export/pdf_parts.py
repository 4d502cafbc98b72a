"""Small flowables and helpers shared by the record and the pack. No Qt."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.doctemplate import ActionFlowable

from desktop.export.pdf_styles import BORDER, LIGHT_FILL, REGULAR, TEXT, colour

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def long_date(value: str | None) -> str:
    """'2026-12-09' -> '9 December 2026' (the form used in committee papers)."""
    if not value:
        return ""
    try:
        d = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


class SetContext(ActionFlowable):
    """Switches the header/footer/watermark for the pages that start after this point."""

    def __init__(self, renderer, context) -> None:
        super().__init__()
        self.renderer, self.new_context = renderer, context

    def apply(self, doc) -> None:
        self.renderer.context = self.new_context
        self.renderer.section_starts = True


class Progress(ActionFlowable):
    """Reports how far the build has got; the callback may raise to cancel the build."""

    def __init__(self, callback, done: int, total: int) -> None:
        super().__init__()
        self.callback, self.done, self.total = callback, done, total

    def apply(self, doc) -> None:
        self.callback(self.done, self.total)


class Anchor(Flowable):
    """A named place: a PDF destination, an outline entry, and a page number for the contents."""

    def __init__(self, key: str, outline: str = "", level: int = 0) -> None:
        super().__init__()
        self.key, self.outline, self.level = key, outline, level
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        canv.bookmarkHorizontal(self.key, 0, 0)
        if self.outline:
            canv.addOutlineEntry(self.outline, self.key, level=self.level, closed=self.level == 0)
        if hasattr(canv, "anchor"):
            canv.anchor(self.key)


class PageRef(Flowable):
    """The page number of an anchor, filled in when the document is saved (forward reference)."""

    def __init__(self, key: str, width: float = 14 * mm, height: float = 12) -> None:
        super().__init__()
        self.key, self.width, self.height = key, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.page_number_of(self.key, self.width, 2)
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


def table(data: list[list], colWidths: list[float], style=(), **kwargs) -> Table:  # noqa: N803
    """A Table whose plain-string cells use the embedded font (ReportLab defaults to Helvetica)."""
    kwargs.setdefault("hAlign", "LEFT")
    style = [tuple(_colour(x) for x in command) for command in style]
    return Table(data, colWidths=colWidths,
                 style=TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 9.5), *style]), **kwargs)


def _colour(value):
    """'#rrggbb' as a Color object: ReportLab would parse the string again for every cell."""
    return colour(value) if isinstance(value, str) and value.startswith("#") else value


class Pieces(list):
    """The paragraphs of one cell's user text; grid_table gives each its own table row."""


def _expand(data: list[list]) -> tuple[list[list], list[int]]:
    """One table row per piece of long cell text, so the table splits between rows (cheap)
    rather than inside a cell, which makes ReportLab re-measure the whole cell at every page.
    Returns the rows and the index of the last row of each original row."""
    rows: list[list] = []
    ends: list[int] = []
    for row in data:
        depth = max((len(c) for c in row if isinstance(c, Pieces)), default=1)
        for k in range(depth):
            rows.append([(c[k] if k < len(c) else "") if isinstance(c, Pieces)
                         else (c if k == 0 else "") for c in row])
        ends.append(len(rows) - 1)
    return rows, ends


def grid_table(data: list[list], widths: list[float], *, header: bool = True,
               extra: list | None = None) -> Table:
    """A plain ruled table that flows across pages, its header repeated on each.

    Long cell text arrives as Pieces of a few lines each, one table row apiece, so the table
    splits between rows. splitInRow stays off: in ReportLab 5.1, splitInRow=1 with
    repeatRows=1 draws the header a second time in the middle of some pages (reproduced
    with plain ReportLab), and re-measuring a huge cell at every page is quadratic."""
    rows, ends = _expand(data)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
    ]
    starts = [0] + [e + 1 for e in ends[:-1]]
    for start, end in zip(starts, ends, strict=True):
        commands += [("TOPPADDING", (0, start), (-1, start), 4),
                     ("BOTTOMPADDING", (0, end), (-1, end), 5),
                     ("LINEBELOW", (0, end), (-1, end), 0.5, BORDER)]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 1.2, TEXT),
                     ("BACKGROUND", (0, 0), (-1, 0), LIGHT_FILL)]
    return table(rows, widths, commands + (extra or []), repeatRows=1 if header else 0,
                 splitInRow=0)


class QrCode(Flowable):
    """A QR code drawn as one filled path of horizontal runs (the graphics widget draws each
    module as its own shape, which made it a sixth of a record's render time)."""

    def __init__(self, text: str, size: float) -> None:
        from reportlab.graphics.barcode import qrencoder

        super().__init__()
        self.value, self.width, self.height = text, size, size
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(text)
        qr.make()
        n = qr.getModuleCount()
        self.modules = n + 8  # four modules of quiet zone on each side
        self.runs = []  # (row, first column, length) of dark modules
        for r in range(n):
            c = 0
            while c < n:
                if qr.isDark(r, c):
                    start = c
                    while c < n and qr.isDark(r, c):
                        c += 1
                    self.runs.append((r, start, c - start))
                else:
                    c += 1

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        unit = self.width / self.modules
        canv = self.canv
        path = canv.beginPath()
        for r, c, length in self.runs:
            path.rect((c + 4) * unit, self.height - (r + 5) * unit, length * unit, unit)
        canv.setFillColor("#000000")
        canv.drawPath(path, stroke=0, fill=1)


def qr_drawing(text: str, size: float) -> QrCode:
    """A QR code of the verification code, size points square."""
    return QrCode(text, size)
