"""The appraisal's criteria as a form: one row each, its title and kind, its weight 0-100 and
its must-pass tick, and a Remove link for the author's own criteria. Rows are updated in
place (not rebuilt) when the record comes back from a save, so the focus stays put."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.domain.appraisal import KIND_LABELS, MAX_WEIGHT, Criterion
from desktop.ui.widgets import LinkButton, text_label


class WeightBox(QLineEdit):
    """A weight, typed as a whole number 0-100 (a line edit, not a spin box: under the style
    sheet a spin box without arrows drew no text, and its arrows were two thin lines)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QIntValidator(0, MAX_WEIGHT, self))
        self.setMaxLength(3)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("100") + 40)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def value(self) -> int:
        return int(self.text()) if self.text().isdigit() else 0

    def setValue(self, weight: int) -> None:  # noqa: N802 - the spin box's name
        self.setText(str(weight))


class CriteriaTable(QWidget):
    """Emits what the user asked for; the page decides whether it is allowed and saves it."""

    weight_edited = Signal(str, int)  # criterion id, weight typed (on Enter or leaving it)
    must_pass_toggled = Signal(str, bool)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 0, 4, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(0, 1)
        self.headings = [text_label(text, "label")
                         for text in ("Criterion", "Weight (0 to 100)", "Must pass")]
        for column, heading in enumerate(self.headings):
            self.grid.addWidget(heading, 0, column)
        self._ids: tuple[str, ...] = ()
        self._widgets: list[QWidget] = []
        self.weights: dict[str, WeightBox] = {}
        self.must_pass: dict[str, QCheckBox] = {}
        self.removers: dict[str, LinkButton] = {}

    def show_criteria(self, criteria: tuple[Criterion, ...], locked: bool,
                      read_only: bool) -> None:
        self.headings[1].setText("Weight (locked)" if locked else "Weight (0 to 100)")
        ids = tuple(c.id for c in criteria)
        if ids != self._ids:
            self._rebuild(criteria)
        for c in criteria:
            box, tick = self.weights[c.id], self.must_pass[c.id]
            # Written only when an edit is finished, so what is stored is what to show (a
            # change declined goes back to the stored weight).
            box.blockSignals(True)
            box.setValue(c.weight)
            box.blockSignals(False)
            box.setReadOnly(read_only)
            box.setAccessibleName(f"Weight of {c.title or c.id}"
                                  + (" (locked: a change is recorded)" if locked else ""))
            tick.blockSignals(True)
            tick.setChecked(c.must_pass)
            tick.blockSignals(False)
            tick.setEnabled(not locked and not read_only)
            if c.id in self.removers:
                self.removers[c.id].setVisible(not locked and not read_only)

    def _rebuild(self, criteria: tuple[Criterion, ...]) -> None:
        for w in self._widgets:
            self.grid.removeWidget(w)
            w.deleteLater()
        self._widgets, self.weights, self.must_pass, self.removers = [], {}, {}, {}
        self._ids = tuple(c.id for c in criteria)
        for row, c in enumerate(criteria, start=1):
            name = c.title or c.id
            title = QWidget()  # the title, and under it (in grey) its kind
            lines = QVBoxLayout(title)
            lines.setContentsMargins(0, 0, 0, 0)
            lines.setSpacing(0)
            lines.addWidget(text_label(name))
            lines.addWidget(text_label(KIND_LABELS.get(c.kind, c.kind), "hint"))
            box = WeightBox()
            box.setValue(c.weight)
            box.editingFinished.connect(lambda cid=c.id, b=box: self.weight_edited.emit(
                cid, b.value()))
            tick = QCheckBox("Must pass")
            tick.setAccessibleName(f"{name} must pass")
            tick.toggled.connect(lambda on, cid=c.id: self.must_pass_toggled.emit(cid, on))
            self.grid.addWidget(title, row, 0)
            self.grid.addWidget(box, row, 1, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(tick, row, 2, Qt.AlignmentFlag.AlignTop)
            self._widgets += [title, box, tick]
            self.weights[c.id], self.must_pass[c.id] = box, tick
            if c.kind == "custom":
                remove = LinkButton("Remove")
                remove.setAccessibleName(f"Remove {name}")
                remove.clicked.connect(lambda _=False, cid=c.id: self.remove_requested.emit(cid))
                self.grid.addWidget(remove, row, 3, Qt.AlignmentFlag.AlignTop)
                self._widgets.append(remove)
                self.removers[c.id] = remove
        # Shown now, not when the layout gets round to it, so the focus can go to a new row
        # at once (an own criterion just added, the first weight of an appraisal started).
        for w in self._widgets:
            w.setVisible(True)

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for cid in self._ids:
            chain += [self.weights[cid], self.must_pass[cid]]
            if cid in self.removers:
                chain.append(self.removers[cid])
        return chain
