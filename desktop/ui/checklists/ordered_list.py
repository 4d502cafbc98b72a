"""A list the user orders by keyboard: add, remove, move up and down (Alt+Up, Alt+Down, or the
buttons), and in place edits (F2 or a double click) when the items are words to type.

The checklist editor uses it for sections, a section's questions and the sign-off roles. It
holds only the texts it shows (and a tick per item if checkable); whoever owns it keeps the
data and follows `moved`, `removed`, `added` and `edited`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets import ButtonRow

MOVE_UP_KEYS = "Alt+Up"
MOVE_DOWN_KEYS = "Alt+Down"


class OrderedList(QWidget):
    """A QListWidget (`view`) and its buttons: Add, Remove, Move up, Move down."""

    added = Signal(int)  # the new item's row (its text is what `add` was given)
    removed = Signal(int)  # the row taken out
    moved = Signal(int, int)  # from row, to row
    edited = Signal(int)  # a row whose text (or tick) the user changed in place
    current_changed = Signal(int)  # -1 when the list is empty

    def __init__(self, noun: str, *, add_text: str, editable: bool = False,
                 checkable: bool = False, rows: int = 5,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun  # "section", "question", "role": what the buttons' names say
        self.editable = editable
        self.checkable = checkable
        self._filling = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        self.view = QListWidget()
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        self.view.setSpacing(2)  # a wrapped item reads as one, apart from the next
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            if editable else QAbstractItemView.EditTrigger.NoEditTriggers)
        line = self.view.fontMetrics().lineSpacing() + 12
        self.view.setMinimumHeight(line * min(rows, 3) + 8)
        self.view.setMaximumHeight(line * rows + 8)
        self.view.currentRowChanged.connect(self._current_changed)
        self.view.itemChanged.connect(self._item_changed)
        col.addWidget(self.view)
        buttons = ButtonRow(8)
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.up_button.setToolTip(f"Move the selected {noun} up ({MOVE_UP_KEYS})")
        self.down_button.setToolTip(f"Move the selected {noun} down ({MOVE_DOWN_KEYS})")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.add(button)
        self.remove_button.setAccessibleName(f"Remove the selected {noun}")
        self.up_button.setAccessibleName(f"Move the selected {noun} up")
        self.down_button.setAccessibleName(f"Move the selected {noun} down")
        col.addWidget(buttons)
        self.add_button.clicked.connect(lambda: self.add(""))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        # Alt+Up/Down while the list has the focus (a text field keeps its own arrows).
        for keys, step in ((MOVE_UP_KEYS, -1), (MOVE_DOWN_KEYS, 1)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=step: self.move_current(s))
        self._update_buttons()

    # ---- what it shows ----------------------------------------------------------------------
    def set_items(self, texts: list[str], checks: list[bool] | None = None,
                  current: int = 0) -> None:
        """Show these texts (and ticks), `current` selected; no signal but current_changed."""
        self._filling = True
        try:
            self.view.clear()
            for i, text in enumerate(texts):
                self.view.addItem(self._item(text, checks[i] if checks else False))
        finally:
            self._filling = False
        if texts:
            self.view.setCurrentRow(max(0, min(current, len(texts) - 1)))
        self._update_buttons()
        self.current_changed.emit(self.view.currentRow())

    def set_text(self, row: int, text: str) -> None:
        """Change what a row says (the owner's data changed), without `edited`."""
        item = self.view.item(row)
        if item is not None and item.text() != text:
            self._filling = True
            try:
                item.setText(text)
            finally:
                self._filling = False

    def texts(self) -> list[str]:
        return [self.view.item(i).text() for i in range(self.view.count())]

    def checks(self) -> list[bool]:
        return [self.view.item(i).checkState() == Qt.CheckState.Checked
                for i in range(self.view.count())]

    def current(self) -> int:
        return self.view.currentRow()

    def select(self, row: int) -> None:
        if 0 <= row < self.view.count():
            self.view.setCurrentRow(row)

    # ---- what the user does -----------------------------------------------------------------
    def add(self, text: str = "") -> int:
        """Append an item, select it, and (if editable) open it for typing."""
        self._filling = True
        try:
            self.view.addItem(self._item(text, self.checkable))
        finally:
            self._filling = False
        row = self.view.count() - 1
        self.view.setCurrentRow(row)
        self._update_buttons()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.editable:
            self.view.editItem(self.view.item(row))
        self.added.emit(row)  # last: the owner may move the focus on
        return row

    def remove_current(self) -> None:
        row = self.view.currentRow()
        if row < 0:
            return
        self._filling = True
        try:
            self.view.takeItem(row)
        finally:
            self._filling = False
        self.removed.emit(row)
        if self.view.count():
            self.view.setCurrentRow(min(row, self.view.count() - 1))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()
        self.current_changed.emit(self.view.currentRow())

    def move_current(self, step: int) -> None:
        row = self.view.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.view.count():
            return
        self._filling = True
        try:
            item = self.view.takeItem(row)
            self.view.insertItem(to, item)
        finally:
            self._filling = False
        self.moved.emit(row, to)
        self.view.setCurrentRow(to)
        self._update_buttons()

    # ---- inside -----------------------------------------------------------------------------
    def _item(self, text: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(text)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        if self.checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setFlags(flags)
        return item

    def _item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            self.edited.emit(self.view.row(item))

    def _current_changed(self, row: int) -> None:
        self._update_buttons()
        if not self._filling:
            self.current_changed.emit(row)

    def _update_buttons(self) -> None:
        # Move up and Move down stay enabled at the ends (and do nothing there): a button
        # disabled under the keyboard focus would throw the focus elsewhere.
        self.remove_button.setEnabled(self.view.currentRow() >= 0)
