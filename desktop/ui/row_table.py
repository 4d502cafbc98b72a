"""An editable table made of ordinary inputs (one row per item), so every cell is reachable by Tab."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.ui.widgets import LinkButton, text_label


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    stretch: int = 1
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for a drop-down
    placeholder: str = ""
    width: int = 0
    spoken: str = field(default="")  # accessible name stem, e.g. "Owner of action"
    check: tuple[str, str] = ()  # a tick box: (text when ticked, text when not); value "yes"/""
    live: bool = False  # stays editable when the table is read-only (follow-up after sign-off)


class RowTable(QWidget):
    """Rows of QLineEdit/QComboBox cells with a header, 'Remove' links and an 'Add' button."""

    edited = Signal()
    rows_changed = Signal()  # a row was added or removed (the page re-chains its tab order)
    toggled = Signal(int, str, bool)  # row, column key, ticked: a tick box was changed by the user

    def __init__(self, columns: list[Column], noun: str, add_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.noun = noun
        self._rows: list[list[QWidget]] = []
        self._removers: list[LinkButton] = []
        self._read_only = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(8)
        for c, col in enumerate(columns):
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
                else:
                    row[col.key] = w.currentData() if isinstance(w, QComboBox) else w.text()
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
        for cells, remover in zip(self._rows, self._removers, strict=True):
            chain.extend(cells)
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
        self._rows[-1][0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _append(self, values: dict[str, str]) -> None:
        r = len(self._rows) + 1  # grid row (0 is the header)
        cells: list[QWidget] = []
        for c, col in enumerate(self.columns):
            name = f"{col.spoken or col.header} {r}"
            if col.check:
                w = QCheckBox()
                w.setChecked(values.get(col.key) == "yes")
                w.setEnabled(col.live or not self._read_only)
                self._label_check(w, col)
                w.toggled.connect(lambda on, b=w, c=col: self._check_toggled(b, c, on))
            elif col.choices:
                w: QWidget = QComboBox()
                # Long choices must not force the page wider than a small screen.
                w.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                w.setMinimumContentsLength(8)
                for value, label in col.choices:
                    w.addItem(label, value)
                i = w.findData(values.get(col.key, col.choices[0][0]))
                w.setCurrentIndex(max(i, 0))
                w.setEnabled(not self._read_only)
                w.currentIndexChanged.connect(self.edited)
            else:
                w = QLineEdit(values.get(col.key) or "")
                w.setCursorPosition(0)  # show the start of a long entry, not its end
                if col.width and not col.stretch:  # a fixed-size entry such as a date
                    w.setMaximumWidth(col.width)
                w.setPlaceholderText(col.placeholder)
                w.setReadOnly(self._read_only)
                w.textEdited.connect(self.edited)
            w.setAccessibleName(name)
            w.setMinimumWidth(60)
            self.grid.addWidget(w, r, c)
            cells.append(w)
        remover = LinkButton("Remove")
        remover.setAccessibleName(f"Remove {self.noun} {r}")
        remover.setVisible(not self._read_only)
        remover.clicked.connect(lambda _=False, b=remover: self._remove_clicked(b))
        self.grid.addWidget(remover, r, len(self.columns))
        self._rows.append(cells)
        self._removers.append(remover)

    @staticmethod
    def _label_check(box: QCheckBox, col: Column) -> None:
        # The word says the state, so a ticked box never relies on the tick (or colour) alone.
        box.setText(col.check[0] if box.isChecked() else col.check[1])

    def _check_toggled(self, box: QCheckBox, col: Column, on: bool) -> None:
        self._label_check(box, col)
        row = next(i for i, cells in enumerate(self._rows) if box in cells)
        self.toggled.emit(row, col.key, on)

    def set_checked(self, row: int, key: str, on: bool) -> None:
        """Set a tick box without reporting it as the user's change."""
        box = self.cell(row, key)
        box.blockSignals(True)
        box.setChecked(on)
        box.blockSignals(False)
        self._label_check(box, next(c for c in self.columns if c.key == key))

    def _remove_clicked(self, button: LinkButton) -> None:
        index = self._removers.index(button)
        values = self.values()
        del values[index]
        self.set_values(values, self._read_only)
        self.edited.emit()
        chain = self.focus_chain()
        target = self._rows[min(index, len(self._rows) - 1)][0] if self._rows else chain[-1]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop(self, index: int) -> None:
        for w in [*self._rows[index], self._removers[index]]:
            self.grid.removeWidget(w)
            w.hide()
            w.deleteLater()
        del self._rows[index]
        del self._removers[index]

    def _sync_empty(self) -> None:
        self.grid_holder.setVisible(bool(self._rows))
        self.empty_label.setVisible(not self._rows)
