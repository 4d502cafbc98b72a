"""Drawings kept and written again: a copy of a table or a paragraph already laid out and
drawn in this document takes the same measurements and writes the same operators. No Qt.

A pack repeats small tables a hundred times over: each principle's rating box ("Rating",
"State", Green, "Completed") and each unsigned signature block are the same in every record.
Measuring a table and drawing it cell by cell was a tenth of a pack's build; a copy now
takes the first one's row heights and column positions and writes its operators again.

What a drawing writes is positioned relative to its origin and names fonts and colours
document-wide (the characters it draws were added to the font subsets when it was first
drawn), so the same operators are right on any page of the same document. The kept
drawings live on the document's canvas (`kept_drawings`, see base.NumberedCanvas): on any
other canvas, nothing is kept and everything is drawn as ReportLab draws it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Spacer, Table

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


def kept_drawings(canvas: Any) -> dict[Hashable, Any] | None:
    """The document's kept measurements and operators, or None on a canvas that keeps none."""
    kept: dict[Hashable, Any] | None = getattr(canvas, "kept_drawings", None)
    return kept


def font_state(canvas: Any) -> tuple[Any, ...]:
    """What a drawing's operators depend on besides itself: the font the canvas has set
    (ReportLab leaves out a font change to the font already set)."""
    return canvas._fontname, canvas._fontsize, canvas._leading


def write_at(canvas: Canvas, x: float, y: float, ops: Sequence[str]) -> None:
    """Exactly what Flowable.drawOn writes around a drawing at (x, y) (a saved state, the move
    to x, y, the restore) with the kept operators in between. The canvas's own state is left
    as it was, as restoreState would leave it: a kept drawing sets nothing outside its q/Q."""
    code: list[str] = canvas._code  # type: ignore[attr-defined]  # ReportLab private
    code.append("q")
    code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
    code.extend(ops)
    code.append("Q")


def cell_key(value: Any) -> Hashable | None:
    """What identifies a table cell's content for keeping, or None if it cannot be kept: a
    plain string; a paragraph made through the document's ParaCache without links or
    images (parts.SharedParagraph, identified by its text, style and bullet); a Spacer; or
    a list of these."""
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, list | tuple):
        keys = tuple(cell_key(v) for v in value)
        return None if None in keys else ("list", keys)
    state = getattr(value, "__dict__", {})
    made = state.get("_made_as")  # set by ParaCache on the paragraphs it can replay
    if made is not None and state.get("_replayable"):
        return ("para", made)
    if isinstance(value, Spacer):  # ReportLab's (an empty move) or parts.Spacer (nothing)
        return ("spacer", type(value).__qualname__, value.width, value.height)
    return None


# Table commands whose cells write annotations as they draw: such a table is drawn afresh.
_ANNOTATING = frozenset({"HREF", "DESTINATION"})


def table_key(data: Sequence[Sequence[Any]], colWidths: Sequence[float],  # noqa: N803 - ReportLab's name
              commands: Sequence[tuple[Any, ...]], kwargs: dict[str, Any]) -> Hashable | None:
    """What identifies a table for keeping (its cells, widths, style and options), or None."""
    if any(c[0] in _ANNOTATING for c in commands):
        return None
    cells = tuple(tuple(cell_key(v) for v in row) for row in data)
    if any(None in row for row in cells):
        return None
    try:
        key = (cells, tuple(colWidths), tuple(commands), tuple(sorted(kwargs.items())))
        hash(key)
    except TypeError:  # a value that cannot be a key (a list of row heights): not kept
        return None
    return key


_MISSING = object()
_OWN = frozenset({"canv", "_cellvalues", "_cellStyles"})  # the copy's own, never taken


class ReplayTable(Table):
    """A Table (made by parts.table) whose copies share measurements and operators: the
    second of two tables with the same cells, widths and style takes the first one's
    geometry when wrapped at the same width, and writes its operators when drawn from the
    same font state. Its pieces, if it is ever split, are plain tables of this class with
    no key, measured and drawn as ReportLab does."""

    _replay_key: Hashable | None = None
    # (ReportLab's own, set by wrap; not in the stubs.)
    _width: float
    _height: float
    _hmax: int
    _cellvalues: list[Any]
    availWidth: float  # noqa: N815 - ReportLab's name

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        kept = kept_drawings(getattr(self, "canv", None)) if self._replay_key is not None else None
        if kept is None:
            return super().wrap(availWidth, availHeight)
        key = ("table-wrap", self._replay_key, availWidth)
        geometry = kept.get(key)
        if geometry is None:
            before = dict(self.__dict__)
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            if self._hmax == len(self._cellvalues):  # every row measured, none left for later
                kept[key] = {k: v for k, v in self.__dict__.items()
                             if k not in _OWN and before.get(k, _MISSING) is not v}
            return size
        self.__dict__.update({k: v.copy() if type(v) in (list, dict, set) else v
                              for k, v in geometry.items()})
        return self._width, self._height

    def _kept_ops(self, canvas: Any) -> tuple[dict[Hashable, Any] | None, Hashable]:
        kept = kept_drawings(canvas) if self._replay_key is not None else None
        return kept, ("table-ops", self._replay_key, getattr(self, "availWidth", None),
                      *font_state(canvas))

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - ReportLab's names
        kept, key = self._kept_ops(canvas)
        ops = kept.get(key) if kept is not None else None
        if ops is None or getattr(self, "_showBoundary", None):
            super().drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]  # the stubs leave _sW out
            return
        write_at(canvas, self._hAlignAdjust(x, _sW), y, ops)  # type: ignore[attr-defined]  # ReportLab private

    def draw(self) -> None:
        canvas: Any = self.canv
        kept, key = self._kept_ops(canvas)
        if kept is None:
            super().draw()
            return
        code = canvas._code
        start = len(code)
        super().draw()
        kept[key] = code[start:]


class MadeTables:
    """The tables of one document made through parts.table(made=...), by key: a table with
    the key of one made before is a copy of that one as it was made (before it was measured),
    so its style commands are not worked through cell by cell again. A copy has its own rows
    and lists; the cells' flowables are shared, which ReportLab only reads, measures and
    draws one table at a time."""

    def __init__(self) -> None:
        self._made: dict[Hashable, dict[str, Any]] = {}

    def keep(self, key: Hashable, table: ReplayTable) -> None:
        self._made.setdefault(key, _copied(table.__dict__))

    def copy_of(self, key: Hashable) -> ReplayTable | None:
        state = self._made.get(key)
        if state is None:
            return None
        table_class: type[ReplayTable] = key[0]  # type: ignore[index]  # parts.table's key: (class, content)
        copy = table_class.__new__(table_class)
        copy.__dict__.update(_copied(state))
        return copy


def _copied(state: dict[str, Any]) -> dict[str, Any]:
    """A table's attributes with its own lists (and rows of cells) and dictionaries."""
    out = {k: v.copy() if type(v) in (list, dict) else v for k, v in state.items()}
    out["_cellvalues"] = [list(row) for row in state["_cellvalues"]]
    return out
