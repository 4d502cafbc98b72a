"""Print committee pack…: tick the decisions of a pack, name it, then preview or save it.

The list is the register (searchable, as in the register's own search field); the rows
selected in the register arrive ticked. The dialog only chooses: PdfActions renders the pack
through the same worker, preview and save path as one record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop.domain.queries import RegisterQuery

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

LIMIT = 500  # decisions listed at once; the search narrows a bigger register


class PackDialog(QDialog):
    """Choose the decisions of a committee pack. After exec(), `choice` is "preview" or
    "save", `ticked_ids()` the decisions in the order they were listed, `pack_title()` the
    title printed on the pack's cover."""

    def __init__(self, service: DecisionService, ticked: list[str], parent=None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Print committee pack")
        self.choice = ""
        self._ticked: dict[str, str] = {}  # id -> label, in the order ticked
        for decision_id in ticked:
            self._ticked[decision_id] = ""

        layout = QVBoxLayout(self)
        title_label = QLabel("&Pack title")
        self.title = QLineEdit("Committee pack")
        self.title.setAccessibleName("Pack title")
        title_label.setBuddy(self.title)
        hint = QLabel("Printed on the pack's cover and in every page's footer.")
        hint.setObjectName("hint")
        search_label = QLabel("&Search decisions")
        self.search = QLineEdit()
        self.search.setAccessibleName("Search decisions")
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        list_label = QLabel("&Decisions in the pack (Space ticks or unticks)")
        self.list = QListWidget()
        self.list.setAccessibleName("Decisions in the pack")
        list_label.setBuddy(self.list)
        self.count = QLabel()
        for w in (title_label, self.title, hint, search_label, self.search, list_label,
                  self.list, self.count):
            layout.addWidget(w)

        buttons = QDialogButtonBox()
        self.preview_button = QPushButton("Pre&view pack")
        self.save_button = QPushButton("&Save pack PDF…")
        self.save_button.setDefault(True)
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(lambda: self._choose("preview"))
        self.save_button.clicked.connect(lambda: self._choose("save"))
        layout.addWidget(buttons)

        self.search.textChanged.connect(self.reload)
        self.list.itemChanged.connect(self._item_changed)
        self.resize(640, 520)
        self.reload()

    # ---- the list ---------------------------------------------------------------------------
    def reload(self) -> None:
        rows = self.service.register(RegisterQuery(search=self.search.text().strip(),
                                                   sort="reference", descending=False),
                                     limit=LIMIT)
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            label = " · ".join(x for x in (row.reference, row.title, row.status.label) if x)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = row.id in self._ticked
            if ticked:
                self._ticked[row.id] = label
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()

    def _item_changed(self, item: QListWidgetItem) -> None:
        decision_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._ticked[decision_id] = item.text()
        else:
            self._ticked.pop(decision_id, None)
        self._update()

    def _update(self) -> None:
        n = len(self._ticked)
        self.count.setText(f"{n:,} decision{'' if n == 1 else 's'} ticked")
        self.preview_button.setEnabled(n > 0)
        self.save_button.setEnabled(n > 0)

    def set_ticked(self, decision_id: str, ticked: bool) -> None:
        """Tick or untick a listed decision (as Space or a click does)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == decision_id:
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    # ---- the answer -------------------------------------------------------------------------
    def ticked_ids(self) -> list[str]:
        return list(self._ticked)

    def pack_title(self) -> str:
        return self.title.text().strip() or "Committee pack"

    def _choose(self, choice: str) -> None:
        if self._ticked:
            self.choice = choice
            self.accept()
