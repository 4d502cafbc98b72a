"""Small flowables and helpers shared by the record and the pack. No Qt."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from reportlab import platypus
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Frame, Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.tables import CellStyle

from desktop.export.pdf.replay import MadeTables, ReplayTable, font_state, table_key, write_at
from desktop.export.pdf.styles import BORDER, LIGHT_FILL, REGULAR, TEXT, colour

if TYPE_CHECKING:
    from reportlab.lib.styles import PropertySet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from desktop.export.pdf.base import PageContext, Renderer

# A table's row: each cell a string, a flowable, or a list of flowables (ReportLab's cells).
Row = list[Any]


class SharedParagraph(Paragraph):
    """A Paragraph that remembers how it wrapped at each width, in a dict shared by every copy
    of the same text and style: a table wraps each cell once to measure it and again to draw
    it, and "Completed" or "Rating" wrap the same way in every record of a pack. Line-breaking
    was the largest single cost of a pack's build.

    The lines are only read when drawn. Splitting can change them, so a paragraph about to be
    split breaks its lines afresh first. The pieces of a split are plain SharedParagraphs
    without a shared dict, which wrap as usual."""

    # (ReportLab's own, set by Paragraph.wrap; not in the stubs.)
    blPara: Any  # noqa: N815 - ReportLab's names
    _wrapWidths: Any  # noqa: N815
    # The wraps and drawings of this text and style, shared by its copies (None: not shared).
    _shared: dict[Any, Any] | None
    _replayable: bool
    _made_as: tuple[str, int, str | None]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        shared = self.__dict__.get("_shared")
        if shared is None:
            return super().wrap(availWidth, availHeight)
        hit = shared.get(availWidth)
        if hit is None:
            width, height = super().wrap(availWidth, availHeight)
            if height < 0x7FFFFFFF:
                shared[availWidth] = (self.blPara, height, self._wrapWidths)
            return width, height
        self.blPara, self.height, self._wrapWidths = hit
        self.width = availWidth
        return availWidth, self.height

    def _kept_ops(self, canvas: Any) -> list[str] | None:
        """The operators kept for drawing this paragraph from the canvas's font state, if any."""
        shared = self.__dict__.get("_shared")
        if shared is None or not self.__dict__.get("_replayable"):
            return None
        ops: list[str] | None = shared.get(("ops", self.width, *font_state(canvas)))
        return ops

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - ReportLab's names
        """A copy already drawn writes its kept operators where Flowable.drawOn would put
        them, without saving and restoring the canvas's state in Python around them."""
        ops = self._kept_ops(canvas)
        if ops is None or getattr(self, "_showBoundary", None):
            super().drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]  # the stubs leave _sW out
            return
        write_at(canvas, self._hAlignAdjust(x, _sW), y, ops)  # type: ignore[attr-defined]  # ReportLab private

    def draw(self) -> None:
        """Draws; a copy of a paragraph already drawn at this width replays its operators.

        What a paragraph draws depends on its lines and on the font state it starts from
        (ReportLab leaves out a font change that the canvas has already made), so the
        operators are kept per width and starting font. Their positions are relative to the
        paragraph's origin, and fonts and colours are named document-wide, so the same
        operators are right on any page. Text with links or images (which add annotations
        or resources as they draw) is always drawn afresh."""
        shared = self.__dict__.get("_shared")
        if shared is None or not self.__dict__.get("_replayable"):
            return super().draw()
        canv: Any = self.canv  # its operators: ReportLab private, not in the stubs
        key = ("ops", self.width, *font_state(canv))
        ops = shared.get(key)
        code = canv._code
        if ops is None:
            start = len(code)
            super().draw()
            shared[key] = code[start:]
        else:
            code.extend(ops)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self.__dict__.get("_shared") is not None:
            self._shared = None
            super().wrap(availWidth, availHeight)
        return super().split(availWidth, availHeight)


class ParaCache:
    """Paragraphs made through one cache per document: each distinct (text, style) is parsed
    once. Nine in ten paragraphs of a pack repeat ("Rating", "Evidence", guidance questions,
    role names...), and parsing their markup was a quarter of a pack's build time.

    A hit is a new paragraph sharing the parsed fragments, which ReportLab only reads when it
    wraps, splits or draws (it clones a fragment before changing one)."""

    LIMIT = 600  # longer text (a user's paragraph) is rarely repeated: not kept

    def __init__(self) -> None:
        from desktop.export.pdf.plain_text import PlainFragments

        self._made: dict[tuple[str, int, str | None], dict[str, Any]] = {}
        self._plain = PlainFragments()

    def _new(self, text: str, style: PropertySet, bullet: str | None) -> SharedParagraph:
        """SharedParagraph(text, style, bullet); plain text without ReportLab's parser."""
        plain = self._plain.of(text, style)
        if plain is None:
            return SharedParagraph(text, style, bullet)
        cleaned, frags = plain
        return SharedParagraph(cleaned, style, bullet, frags=frags)

    def __call__(self, text: str, style: PropertySet,
                 bulletText: str | None = None) -> Paragraph:  # noqa: N803
        if len(text) > self.LIMIT:
            para = self._new(text, style, bulletText)
            para._shared = {}
            return para
        key = (text, id(style), bulletText)  # the made dict keeps the style alive
        made = self._made.get(key)
        if made is None:
            para = self._new(text, style, bulletText)
            para._shared = {}
            para._replayable = not any(hasattr(f, "cbDefn") or getattr(f, "link", None)
                                       or getattr(f, "us_lines", None) for f in para.frags)
            para._made_as = key  # what identifies it in a kept table (replay.cell_key)
            self._made[key] = dict(para.__dict__)
            return para
        para = SharedParagraph.__new__(SharedParagraph)
        para.__dict__.update(made)
        return para


class BodyFrame(Frame):
    """ReportLab's Frame, copied without a deep copy of each attribute when they are all plain
    values: KeepTogether (and every list of flowables measured as one) deep-copies the frame
    being filled, each time it is measured, which took a twentieth of a pack's build. The copy
    is the same: numbers and strings are shared, an empty list is a new empty list, and any
    other value is deep-copied as before."""

    def __deepcopy__(self, memo: dict[int, Any]) -> BodyFrame:
        import copy

        new = type(self).__new__(type(self))
        memo[id(self)] = new
        state = self.__dict__
        if all(type(v) in _PLAIN or (type(v) is list and not v) for v in state.values()):
            new.__dict__.update({k: [] if type(v) is list else v for k, v in state.items()})
        else:
            new.__dict__.update(copy.deepcopy(state, memo))
        return new


_PLAIN = frozenset({int, float, str, bool, type(None)})


class SetContext(ActionFlowable):
    """Switches the header/footer/status mark for the pages that start after this point."""

    def __init__(self, renderer: Renderer, context: PageContext) -> None:
        super().__init__()
        self.renderer, self.new_context = renderer, context

    def apply(self, doc: BaseDocTemplate) -> None:
        self.renderer.context = self.new_context
        self.renderer.section_starts = True
        self.renderer.part = ""


class PartMark(Flowable):
    """Zero size: a part of the record starts here ("8. Long term and strategic", or "" for
    none); a page that starts inside it names it at its top, "…, continued"."""

    _ZEROSIZE = 1

    def __init__(self, renderer: Renderer, label: str) -> None:
        super().__init__()
        self.renderer, self.label = renderer, label
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - ReportLab's names
        # Only noted: no empty save/move/restore written on the page.
        self.renderer.part_starts(self.label, canvas.absolutePosition(x, y)[1])


class Progress(ActionFlowable):
    """Reports how far the build has got; the callback may raise to cancel the build."""

    def __init__(self, callback: Callable[[int, int], object], done: int, total: int) -> None:
        super().__init__()
        self.callback, self.done, self.total = callback, done, total

    def apply(self, doc: BaseDocTemplate) -> None:
        self.callback(self.done, self.total)


class Spacer(platypus.Spacer):
    """ReportLab's Spacer, without the empty save, move and restore ReportLab writes on the
    page for every flowable it draws (nothing is drawn here: a pack had thousands)."""

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - ReportLab's names
        return


class Anchor(Flowable):
    """A named place: a PDF destination, an outline entry, and a page number for the contents."""

    def __init__(self, key: str, outline: str = "", level: int = 0) -> None:
        super().__init__()
        self.key, self.outline, self.level = key, outline, level
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - ReportLab's names
        """On the renderer's NumberedCanvas, only noted (no empty save/move/restore on the
        page); on any other canvas, drawn as ReportLab draws a flowable."""
        if hasattr(canvas, "anchor"):  # made when the page is written
            canvas.anchor(self.key, self.outline, self.level, at=(x, y))
            return
        super().drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]  # the stubs leave _sW out

    def draw(self) -> None:
        canv: Any = self.canv
        canv.bookmarkHorizontal(self.key, 0, 0)
        if self.outline:
            canv.addOutlineEntry(self.outline, self.key, level=self.level, closed=self.level == 0)


class PageRef(Flowable):
    """The page number of an anchor, filled in when the document is saved (forward reference)."""

    def __init__(self, key: str, width: float = 14 * mm, height: float = 12) -> None:
        super().__init__()
        self.key, self.width, self.height = key, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv  # the renderer's NumberedCanvas (base.py)
        canv.page_number_of(self.key, self.width, 2)
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


def table(data: Sequence[Row], colWidths: list[float],  # noqa: N803
          style: Sequence[tuple[Any, ...]] = (), cls: type[Table] = ReplayTable,
          made: MadeTables | None = None, **kwargs: Any) -> Table:
    """A Table whose plain-string cells use the embedded font (ReportLab defaults to Helvetica).
    Made as a ReplayTable (the default), its copies in the same document are measured and
    drawn once (replay.py); with `made` (the document's, Renderer.tables), a copy of one made
    before is not made again.

    The style's leading commands that set every cell alike (the font, alignment, paddings,
    text colour) become the class defaults of the table's cell styles (cell_style_class)
    instead of being worked through cell by cell (ReportLab sets each command on each cell:
    a quarter of a million assignments in a pack). The commands after them apply as before,
    in order, so each cell ends up styled exactly as the full list would style it."""
    kwargs.setdefault("hAlign", "LEFT")
    commands: list[Any] = [("FONT", (0, 0), (-1, -1), REGULAR, 9.5),
                           *(tuple(_colour(x) for x in command) for command in style)]
    key = None
    if issubclass(cls, ReplayTable):
        key = table_key(data, colWidths, commands, kwargs)
        key = None if key is None else (cls, key)
        if key is not None and made is not None:
            copy = made.copy_of(key)
            if copy is not None:
                return copy
    n = 0
    while n < len(commands) and _sets_every_cell(commands[n]):
        n += 1
    columns = max((len(row) for row in data), default=0)
    try:
        cell = cell_style_class(tuple(commands[:n]))
    except TypeError:  # a value that cannot be a cache key (a list): every command as before
        cell, n = CellStyle, 0
    styles = [[cell(repr((i, j))) for j in range(columns)] for i in range(len(data))]
    out = cls(data, colWidths=colWidths, style=TableStyle(commands[n:]),
              cellStyles=styles if columns else None, **kwargs)
    if isinstance(out, ReplayTable) and key is not None:
        out._replay_key = key
        if made is not None:
            made.keep(key, out)
    return out


_CELL_OPS = frozenset({"FONT", "FONTNAME", "FACE", "SIZE", "FONTSIZE", "LEADING", "TEXTCOLOR",
                       "ALIGN", "ALIGNMENT", "VALIGN", "LEFTPADDING", "RIGHTPADDING",
                       "TOPPADDING", "BOTTOMPADDING"})


def _sets_every_cell(command: tuple[Any, ...]) -> bool:
    return command[0] in _CELL_OPS and command[1] == (0, 0) and command[2] == (-1, -1)


@functools.lru_cache(maxsize=64)
def cell_style_class(commands: tuple[tuple[Any, ...], ...]) -> type[CellStyle]:
    """A CellStyle class whose defaults are ReportLab's cell style after `commands` (each
    setting every cell), applied by ReportLab's own code to one cell."""
    from reportlab.platypus.tables import (  # type: ignore[attr-defined]  # private: its semantics
        _setCellStyle,
    )

    proto = CellStyle("defaults")
    for op, _start, _stop, *values in commands:
        _setCellStyle([[proto]], 0, 0, op, values)
    defaults = {k: v for k, v in vars(proto).items() if k != "name"}
    return type("TableCellStyle", (CellStyle,), defaults)


def _colour(value: object) -> object:
    """'#rrggbb' as a Color object: ReportLab would parse the string again for every cell."""
    return colour(value) if isinstance(value, str) and value.startswith("#") else value


def line_pieces(para: Paragraph, width: float, lines: int,
                joined: PropertySet | None = None) -> list[Paragraph]:
    """A long paragraph cut, for speed, into pieces of `lines` printed lines each, at the
    ends of the lines it prints on at this width: each piece wraps exactly as its lines did
    in the whole paragraph, so the pieces read as one paragraph, with no break the author did
    not type. (ReportLab re-wraps the rest of a paragraph at every page break, which made one
    200,000-character paragraph take minutes; a piece is re-wrapped alone.)

    Every piece but the last takes `joined` (the style without space after). A last piece of
    fewer than three lines joins the one before it, so that no page starts with a widow."""
    para.wrap(width, _BIG)
    bl = para.blPara  # type: ignore[attr-defined]  # ReportLab's wrapped lines, not in the stubs
    total = len(bl.lines)
    if total <= lines + 2:
        return [para]
    cut = para._get_split_blParaFunc()  # type: ignore[attr-defined]  # ReportLab private
    stops = list(range(lines, total, lines))
    if total - stops[-1] < 3:
        stops.pop()
    stops.append(total)
    out: list[Paragraph] = []
    start = 0
    for stop in stops:
        style = para.style if stop == total or joined is None else joined
        # No text: the piece is its fragments (ReportLab allows it; the stubs want a str).
        piece = Paragraph(None, style, frags=cut(bl, start, stop))  # type: ignore[arg-type]
        out.append(piece)
        start = stop
    return out


class Pieces(list[Paragraph]):
    """The paragraphs of one cell's user text; grid_table cuts each long one at its printed
    lines (line_pieces) and gives each piece its own table row."""


CELL_LINES = 6  # printed lines of cell text in one table row


def _expand(data: Sequence[Row], widths: list[float],
            padding: float) -> tuple[list[Row], list[int], list[int]]:
    """One table row per piece of long cell text, so the table splits between rows (cheap)
    rather than inside a cell, which makes ReportLab re-measure the whole cell at every page.
    Returns the rows, the index of the last row of each original row, and the index of the
    original row each row comes from."""
    rows: list[Row] = []
    ends: list[int] = []
    origin: list[int] = []
    for n, row in enumerate(data):
        row = [Pieces(piece for para in c for piece in
                      line_pieces(para, widths[j] - padding, CELL_LINES))
               if isinstance(c, Pieces) else c for j, c in enumerate(row)]
        depth = max((len(c) for c in row if isinstance(c, Pieces)), default=1)
        for k in range(depth):
            rows.append([(c[k] if k < len(c) else "") if isinstance(c, Pieces)
                         else (c if k == 0 else "") for c in row])
            origin.append(n)
        ends.append(len(rows) - 1)
    return rows, ends, origin


class GridTable(Table):
    """A grid_table: when it splits inside one row's pieces, the rest of that row starts the
    next page with its other cells (an action's owner and due date) repeated and marked
    "continued", never as a row with blank cells under the repeated header."""

    _origin: list[int] | None = None  # per table row: which row of the caller's data
    _heads: dict[int, Row] | None = None  # caller's row -> the cells of its first table row
    _continued_style: PropertySet | None = None
    # (ReportLab's own, not in the stubs.)
    _cellvalues: list[Row]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        parts = super().split(availWidth, availHeight)
        origin = self._origin
        if len(parts) != 2 or not origin:
            return parts
        first, rest = cast("list[GridTable]", parts)  # Table.split makes its own class
        n, top = len(first._cellvalues), rest.repeatRows
        rest._origin = origin[:top] + origin[n:]
        rest._heads, rest._continued_style = self._heads, self._continued_style
        if top < len(rest._cellvalues) and n < len(origin) and origin[n] == origin[n - 1]:
            heads = cast("dict[int, Row]", self._heads)  # set with _origin, by grid_table
            head, style = heads[origin[n]], self._continued_style
            row = list(rest._cellvalues[top])
            for j, value in enumerate(row):
                if value == "" and head[j] != "":
                    row[j] = _continued(head[j], style)
                    style = None  # "(continued)" once, under the first repeated cell
            rest._cellvalues[top] = row
        return parts


def _continued(value: Any, style: PropertySet | None) -> list[Any]:
    """A cell repeated at the top of a page: its content again, marked as continued."""
    import copy

    note = [Paragraph("(continued)", style)] if style is not None else []
    if isinstance(value, list):
        return [copy.copy(v) for v in value] + note
    return [copy.copy(value), *note]


def grid_table(data: Sequence[Row], widths: list[float], *, header: bool = True,
               extra: list[tuple[Any, ...]] | None = None, padding: tuple[float, float] = (4, 4),
               continued_style: PropertySet | None = None) -> Table:
    """A plain ruled table that flows across pages, its header repeated on each.

    Long cell text arrives as Pieces, cut at their printed lines, one table row apiece, so
    the table splits between rows. splitInRow stays off: in ReportLab 5.1, splitInRow=1 with
    repeatRows=1 draws the header a second time in the middle of some pages (reproduced
    with plain ReportLab), and re-measuring a huge cell at every page is quadratic.
    `padding` is each cell's left and right padding (the text column is that much narrower)."""
    rows, ends, origin = _expand(data, widths, sum(padding))
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding[0]),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding[1]),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
    ]
    starts = [0] + [e + 1 for e in ends[:-1]]
    for first, last, single in _runs(starts, ends):
        if single:  # rows that are each a whole cell: one command for the run of them
            commands += [("TOPPADDING", (0, first), (-1, last), 4),
                         ("BOTTOMPADDING", (0, first), (-1, last), 5),
                         ("LINEBELOW", (0, first), (-1, last), 0.5, BORDER)]
        else:  # a long cell cut into rows: padded and ruled as one
            commands += [("TOPPADDING", (0, first), (-1, first), 4),
                         ("BOTTOMPADDING", (0, last), (-1, last), 5),
                         ("LINEBELOW", (0, last), (-1, last), 0.5, BORDER)]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 1.2, TEXT),
                     ("BACKGROUND", (0, 0), (-1, 0), LIGHT_FILL)]
    out = cast(GridTable, table(rows, widths, commands + (extra or []),
                                repeatRows=1 if header else 0, splitInRow=0, cls=GridTable))
    out._origin, out._continued_style = origin, continued_style
    out._heads = {origin[i]: rows[i] for i in starts}
    return out


def _runs(starts: list[int], ends: list[int]) -> list[tuple[int, int, bool]]:
    """The table's logical rows (first and last table row of each) as (first, last, single):
    consecutive rows of one table row each run together, single=True; a row cut into
    several table rows stays alone. Three style commands per run instead of per row (each
    command is worked through cell by cell when the table is built)."""
    out: list[tuple[int, int, bool]] = []
    for start, end in zip(starts, ends, strict=True):
        if start == end and out and out[-1][2] and out[-1][1] == start - 1:
            out[-1] = (out[-1][0], end, True)
        else:
            out.append((start, end, start == end))
    return out


class QrCode(Flowable):
    """A QR code drawn as one filled path of horizontal runs (the graphics widget draws each
    module as its own shape, which made it a sixth of a record's render time)."""

    def __init__(self, text: str, size: float) -> None:
        from reportlab.graphics.barcode import qrencoder

        from desktop.export.pdf import qr_mask

        super().__init__()
        self.value, self.width, self.height = text, size, size
        qr: Any = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # untyped in the stubs
        qr.addData(text)
        qr_mask.make(qr)  # qr.make(), choosing the same mask faster
        self.modules = qr.getModuleCount() + 8  # four modules of quiet zone on each side
        # (row, first column, length) of each run of dark modules
        self.runs: list[tuple[int, int, int]] = [
            (r, run.start(), len(run.group())) for r, row in enumerate(qr_mask.module_rows(qr.modules))
            for run in _DARK_RUN.finditer(row)]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        unit = self.width / self.modules
        canv = self.canv
        # Drawn in modules (whole numbers, a third of the bytes of points) scaled to size.
        canv.scale(unit, unit)
        path = canv.beginPath()
        for r, c, length in self.runs:
            path.rect(c + 4, self.modules - r - 5, length, 1)
        canv.setFillColor("#000000")
        canv.drawPath(path, stroke=0, fill=1)


_DARK_RUN = re.compile(rb"1+")


def qr_drawing(text: str, size: float) -> QrCode:
    """A QR code of the verification code, size points square."""
    return QrCode(text, size)


_BIG = 1e6


class KeepWithStart(Flowable):
    """Zero height: starts a new page unless `head` (headings) and the start of `following`
    (a table's heading row and first row, or a paragraph's first few lines) fit below this
    point. A heading never ends a page, yet a long table or text after it still starts on
    the same page (ReportLab's keepWithNext would move the whole table)."""

    # Not _ZEROSIZE: with no room left at all, the frame must refuse this (and turn the page)
    # without asking it, or the page would turn twice.

    def __init__(self, head: Sequence[Flowable], following: Flowable | None, lines: int = 3) -> None:
        super().__init__()
        self.head, self.following, self.lines = head, following, lines
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)
        if frame is not None and not getattr(frame, "_atTop", 0):
            need = sum(_full_height(f, available_width) for f in self.head)
            need += _start_height(self.following, available_width, self.lines)
            if available_height < need:
                from reportlab.platypus.doctemplate import FrameBreak

                # ReportLab private (the frame being filled), not in the stubs.
                self._doctemplateAttr("frame").add_generated_content(FrameBreak)  # type: ignore[attr-defined]
        return 0, 0

    def draw(self) -> None:
        pass


def _full_height(f: Flowable, width: float) -> float:
    height: float = f.wrap(width, _BIG)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return height


def _start_height(f: Flowable | None, width: float, lines: int) -> float:
    if f is None:
        return 0
    if isinstance(f, Paragraph):
        if f.text is None or len(f.text) > 240:  # long text (or a piece of it): its first lines
            return lines * f.style.leading + f.getSpaceBefore()
        return min(f.wrap(width, _BIG)[1], lines * f.style.leading) + f.getSpaceBefore()
    if isinstance(f, Table):
        cells: list[Row] = f._cellvalues  # type: ignore[attr-defined]  # ReportLab private
        rows = cells[: f.repeatRows + 1]
        height = 0.0
        for row in rows:
            tallest = 0.0
            for value, col_width in zip(row, f._argW, strict=False):  # type: ignore[attr-defined]  # ReportLab private
                items = value if isinstance(value, list | tuple) else [value]
                tallest = max(tallest, sum(_full_height(x, col_width - 8) for x in items
                                           if isinstance(x, Flowable)))
            height += tallest + 9
        return height
    return _full_height(f, width)


class SectionRule(Flowable):
    """A thin rule that opens a section flowing on from the last one; nothing at a page top.
    Put it inside what keeps the section's start together, so that it moves with it."""

    def __init__(self, space_before: float = 7 * mm, space_after: float = 3 * mm) -> None:
        super().__init__()
        self.spaceBefore, self._after, self.height = space_before, space_after, 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # Measured ahead (inside KeepTogether, KeepWithStart): as if drawn, to be safe.
        frame = getattr(self, "_frame", None)
        self.top = frame is not None and bool(getattr(frame, "_atTop", 0))
        self.width, self.height = available_width, 0 if self.top else 0.8
        return self.width, self.height

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return 0 if getattr(self, "top", False) else self._after

    def draw(self) -> None:
        if not self.top:
            self.canv.setStrokeColor(colour(BORDER))
            self.canv.setLineWidth(0.8)
            self.canv.line(0, 0.4, self.width, 0.4)
