"""An editable table made of ordinary inputs (one row per item), so every cell is reachable by Tab."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.editor.date_field import DateField
from desktop.ui.theme import BORDER
from desktop.ui.widgets import LinkButton, PlainText, text_label


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    stretch: int = 1
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for a drop-down
    placeholder: str = ""
    width: int = 0
    spoken: str = field(default="")  # accessible name stem, e.g. "Owner of action"
    check: str = ""  # a tick box with this fixed label ("Done"; the tick shows the state); "yes"/""
    live: bool = False  # stays editable when the table is read-only (follow-up after sign-off)
    line: int = 0  # in a stacked table, the line of each item this cell sits on (0 = first)
    lines: int = 0  # > 0: a text box this many lines high that wraps long entries
    date: bool = False  # a DateField (typed UK dates, a calendar, shown as 15 Sep 2027)


class RowTable(QWidget):
    """Rows of QLineEdit/QComboBox cells with a header, 'Remove' links and an 'Add' button.

    When a column has `line` > 0 the table is stacked: each item is a small block of labelled
    lines, so a long first cell (an action) gets the whole width of a narrow column.
    """

    edited = Signal()
    rows_changed = Signal()  # a row was added or removed (the page re-chains its tab order)
    toggled = Signal(int, str, bool)  # row, column key, ticked: a tick box was changed by the user

    def __init__(self, columns: list[Column], noun: str, add_text: str,
                 parent: QWidget | None = None, *, reorder: bool = False) -> None:
        super().__init__(parent)
        self.columns = columns
        self.noun = noun
        # reorder: each row has "Move up" and "Move down" links (and Alt+Up, Alt+Down in its
        # cells), for a list whose order matters, such as numbered recommendations.
        self.reorder = reorder
        self._movers: list[tuple[LinkButton, LinkButton]] = []
        self._link_boxes: list[QWidget] = []  # each row's three links (reorder only)
        self._rows: list[list[QWidget]] = []
        self._removers: list[LinkButton] = []
        self._cards: list[QWidget] = []
        self._read_only = False
        self.stacked = any(col.line for col in columns)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(8)
        for c, col in enumerate(columns):
            if self.stacked:  # each item labels its own cells
                break
            self.grid.addWidget(text_label(col.header, "label"), 0, c)
            self.grid.setColumnStretch(c, col.stretch)
            if col.width:
                self.grid.setColumnMinimumWidth(c, col.width)
        outer.addWidget(self.grid_holder)
        self.empty_label = text_label(f"No {noun}s yet.", "hint")
        outer.addWidget(self.empty_label)
        self.add_button = LinkButton(add_text)
        self.add_button.setAccessibleName(add_text)
        self.add_button.clicked.connect(self._add_clicked)
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._sync_empty()

    # ---- content --------------------------------------------------------------------------
    def values(self) -> list[dict[str, str]]:
        out = []
        for cells in self._rows:
            row = {}
            for col, w in zip(self.columns, cells, strict=True):
                if isinstance(w, QCheckBox):
                    row[col.key] = "yes" if w.isChecked() else ""
                elif isinstance(w, QComboBox):
                    row[col.key] = w.currentData()
                else:  # a QLineEdit (a DateField too) or a WrappingLine
                    row[col.key] = cast("QLineEdit | WrappingLine", w).text()
            out.append(row)
        return out

    def set_values(self, rows: list[dict[str, str]], read_only: bool = False) -> None:
        self._read_only = read_only
        while self._rows:
            self._drop(len(self._rows) - 1)
        for row in rows:
            self._append(row)
        self.add_button.setVisible(not read_only)
        self._sync_empty()
        self.rows_changed.emit()

    def cell(self, row: int, key: str) -> QWidget:
        return self._rows[row][[c.key for c in self.columns].index(key)]

    def row_count(self) -> int:
        return len(self._rows)

    def focus_chain(self) -> list[QWidget]:
        """Every focusable widget in reading order: row by row, then the Add button."""
        chain: list[QWidget] = []
        for i, (cells, remover) in enumerate(zip(self._rows, self._removers, strict=True)):
            chain.extend(cells)
            if self.reorder:
                chain.extend(self._movers[i])
            chain.append(remover)
        chain.append(self.add_button)
        return chain

    # ---- rows -----------------------------------------------------------------------------
    def add_row(self, values: dict[str, str] | None = None) -> None:
        self._append(values or {})
        self._sync_empty()
        self.rows_changed.emit()
        self.edited.emit()

    def _add_clicked(self) -> None:
        self.add_row()
        self._show_rows()
        self._rows[-1][0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_rows(self) -> None:
        """Show the rows now, not when the layout gets round to it: a cell focused while
        hidden loses the focus when it appears, and Tab skips cells not yet shown."""
        if self.stacked:
            for card in self._cards:
                card.show()
        else:
            for cells, remover in zip(self._rows, self._removers, strict=True):
                for w in cells:
                    w.show()
                remover.setVisible(not self._read_only)

    def _append(self, values: dict[str, str]) -> None:
        r = len(self._rows) + 1  # grid row (0 is the header)
        cells: list[QWidget] = []
        for c, col in enumerate(self.columns):
            name = f"{col.spoken or col.header} {r}"
            w: QWidget
            if col.check:
                # A fixed label: one that changed with the tick ("Open" / "Done") read as the
                # action to take, so the box seemed to say the opposite of its state.
                w = box = QCheckBox(col.check)
                box.setChecked(values.get(col.key) == "yes")
                box.setEnabled(col.live or not self._read_only)
                box.toggled.connect(lambda on, b=box, c=col: self._check_toggled(b, c, on))
            elif col.lines:
                w = wrapping = WrappingLine(col.lines)
                wrapping.setPlainText(values.get(col.key) or "")
                wrapping.setPlaceholderText(col.placeholder)
                wrapping.setReadOnly(self._read_only)
                wrapping.textChanged.connect(self.edited)
            elif col.date:
                w = date = DateField(values.get(col.key) or "")
                date.setReadOnly(self._read_only)
                date.textEdited.connect(self.edited)
            elif col.choices:
                w = combo = QComboBox()
                # Long choices must not force the page wider than a small screen.
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(8)
                for value, label in col.choices:
                    combo.addItem(label, value)
                    combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
                i = combo.findData(values.get(col.key, col.choices[0][0]))
                combo.setCurrentIndex(max(i, 0))
                combo.setEnabled(not self._read_only)
                combo.currentIndexChanged.connect(self.edited)
            else:
                w = line = QLineEdit(values.get(col.key) or "")
                line.setCursorPosition(0)  # show the start of a long entry, not its end
                if col.width and not col.stretch:  # a fixed-size entry such as a date
                    line.setMaximumWidth(col.width)
                line.setPlaceholderText(col.placeholder)
                line.setReadOnly(self._read_only)
                line.textEdited.connect(self.edited)
            w.setAccessibleName(name)
            w.setMinimumWidth(60)
            if not self.stacked:
                self.grid.addWidget(w, r, c)
            cells.append(w)
        remover = LinkButton("Remove")
        remover.setAccessibleName(f"Remove {self.noun} {r}")
        remover.setVisible(not self._read_only)
        remover.clicked.connect(lambda _=False, b=remover: self._remove_clicked(b))
        if self.reorder and not self.stacked:
            self._add_movers(r, cells, remover)
        elif self.stacked:
            card = self._card(r, cells, remover)
            self.grid.addWidget(card, r, 0, 1, len(self.columns) + 1)
            self._cards.append(card)
        else:
            self.grid.addWidget(remover, r, len(self.columns))
        self._rows.append(cells)
        self._removers.append(remover)
        self._sync_movers()
        if self.grid_holder.isVisible():
            # Qt shows a widget added to a shown table only later (it posts that): show the
            # row now, or the focus cannot move into it (it stayed on "Add", or was lost
            # when a row was moved).
            index = len(self._rows) - 1
            links = self._link_boxes[index:index + 1] or (
                [] if self._read_only else [remover])
            tops = [self._cards[index]] if self.stacked else [*cells, *links]
            for w in tops:
                w.show()

    def _add_movers(self, r: int, cells: list[QWidget], remover: LinkButton) -> None:
        """Move up, Move down and Remove one above the other beside the row (side by side
        they made the page wider than a 1024 px screen at 150%)."""
        from PySide6.QtGui import QKeySequence, QShortcut

        links = QWidget()
        box = QVBoxLayout(links)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        pair = []
        for text, delta in (("Move up", -1), ("Move down", 1)):
            link = LinkButton(text)
            link.setAccessibleName(f"{text.replace('Move', f'Move {self.noun} {r}')}")
            link.clicked.connect(lambda _=False, b=link, d=delta: self._move_clicked(b, d))
            box.addWidget(link, 0, Qt.AlignmentFlag.AlignLeft)
            pair.append(link)
            for cell in cells:
                key = QShortcut(QKeySequence("Alt+Up" if delta < 0 else "Alt+Down"), cell)
                key.setContext(Qt.ShortcutContext.WidgetShortcut)
                key.activated.connect(lambda w=cell, d=delta: self._move_cell(w, d))
        box.addWidget(remover, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        self.grid.addWidget(links, r, len(self.columns))
        self._link_boxes.append(links)
        self._movers.append((pair[0], pair[1]))

    def move_row(self, index: int, delta: int) -> bool:
        """Move row `index` up (-1) or down (+1); False at either end."""
        target = index + delta
        if self._read_only or not (0 <= index < len(self._rows) and 0 <= target < len(self._rows)):
            return False
        values = self.values()
        values[index], values[target] = values[target], values[index]
        self.set_values(values, self._read_only)
        self.edited.emit()
        return True

    def _move_clicked(self, button: LinkButton, delta: int) -> None:
        index = next(i for i, pair in enumerate(self._movers) if button in pair)
        if self.move_row(index, delta):
            target = index + delta
            up, down = self._movers[target]
            # The same link on the moved row, or its other link where this one is gone.
            link = (up if delta < 0 else down)
            (link if link.isVisible() else (down if delta < 0 else up)).setFocus(
                Qt.FocusReason.OtherFocusReason)

    def _move_cell(self, cell: QWidget, delta: int) -> None:
        index = next(i for i, cells in enumerate(self._rows) if cell in cells)
        column = self._rows[index].index(cell)
        if self.move_row(index, delta):
            self._rows[index + delta][column].setFocus(Qt.FocusReason.OtherFocusReason)

    def _sync_movers(self) -> None:
        last = len(self._movers) - 1
        for i, (up, down) in enumerate(self._movers):
            up.setVisible(not self._read_only and i > 0)
            down.setVisible(not self._read_only and i < last)

    def _card(self, r: int, cells: list[QWidget], remover: LinkButton) -> QWidget:
        """One item as labelled lines: the first line's cell is named with the item's number."""
        card = _Card()
        box = QVBoxLayout(card)
        box.setContentsMargins(0, 0, 0, 12)
        box.setSpacing(8)
        lines = sorted({col.line for col in self.columns})
        for n, line in enumerate(lines):
            grid = QGridLayout()
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(4)
            members = [(col, w) for col, w in zip(self.columns, cells, strict=True)
                       if col.line == line]
            for c, (col, w) in enumerate(members):
                label = text_label(f"{col.header} {r}" if n == 0 and c == 0 else col.header,
                                   "label", wrap=False)
                label.setBuddy(w)
                grid.addWidget(label, 0, c)
                grid.addWidget(w, 1, c)
                grid.setColumnStretch(c, col.stretch)
                if col.width:
                    grid.setColumnMinimumWidth(c, col.width)
            if n == len(lines) - 1:
                grid.addWidget(remover, 1, len(members))
            box.addLayout(grid)
        return card

    def _check_toggled(self, box: QCheckBox, col: Column, on: bool) -> None:
        row = next(i for i, cells in enumerate(self._rows) if box in cells)
        self.toggled.emit(row, col.key, on)

    def set_checked(self, row: int, key: str, on: bool) -> None:
        """Set a tick box without reporting it as the user's change."""
        box = cast(QCheckBox, self.cell(row, key))  # a tick-box column's cell
        box.blockSignals(True)
        box.setChecked(on)
        box.blockSignals(False)

    def _remove_clicked(self, button: LinkButton) -> None:
        index = self._removers.index(button)
        values = self.values()
        del values[index]
        self.set_values(values, self._read_only)
        self.edited.emit()
        self._show_rows()
        chain = self.focus_chain()
        target = self._rows[min(index, len(self._rows) - 1)][0] if self._rows else chain[-1]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop(self, index: int) -> None:
        # A stacked item goes with its block (the cells are the block's children).
        doomed = [self._cards.pop(index)] if self.stacked else [*self._rows[index],
                                                                 self._removers[index]]
        if self._link_boxes:  # the links go with their box
            doomed = [*self._rows[index], self._link_boxes.pop(index)]
            del self._movers[index]
        for w in doomed:
            self.grid.removeWidget(w)
            w.hide()
            w.deleteLater()
        del self._rows[index]
        del self._removers[index]
        self._sync_movers()

    def _sync_empty(self) -> None:
        self.grid_holder.setVisible(bool(self._rows))
        self.empty_label.setVisible(not self._rows)


class _Card(QWidget):
    """One item of a stacked table, ruled off from the next by a thin grey line."""

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setPen(QColor(BORDER))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        p.end()


class WrappingLine(PlainText):
    """One entry that wraps onto the next line instead of scrolling sideways: Enter adds no break.

    At least `lines` high, it grows with what is typed (up to MAX_LINES) so all of it shows.
    """

    MAX_LINES = 6

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(lines, parent)
        self.textChanged.connect(self._grow)

    def _fit(self) -> None:
        self._grow()

    def _grow(self) -> None:
        doc = self.document()
        first = doc.firstBlock()
        # The laid-out line is a little taller than lineSpacing(): measure it where we can.
        per_line = float(self.fontMetrics().lineSpacing() + 2)
        if first.layout() and first.layout().lineCount():
            per_line = self.blockBoundingRect(first).height() / first.layout().lineCount()
        shown = sum(b.layout().lineCount() if b.layout() else 1 for b in _blocks(doc))
        lines = min(max(shown, self._lines), self.MAX_LINES)
        chrome = self.height() - self.viewport().height() if self.isVisible() else 16
        height = int(per_line * lines + 2 * doc.documentMargin() + chrome + 1)
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self, self._grow)  # after the text is wrapped to the new width

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._grow()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)

    def text(self) -> str:
        return " ".join(self.toPlainText().split("\n"))


def _blocks(doc):
    block = doc.firstBlock()
    while block.isValid():
        yield block
        block = block.next()
