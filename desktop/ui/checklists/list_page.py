"""The register's checklists: each version with its title, id, sections, whether new decisions
use it and how many decisions are answered against it; and what can be done with them
(copy into a draft, make default, import, export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.checklist import Checklist
from desktop.ui.widgets import ButtonRow, primary_button, scroll_page, text_label

if TYPE_CHECKING:
    from desktop.application.checklists import ChecklistEntry, ChecklistService

COLUMNS = ("Checklist", "Version", "Sections", "Decisions")
DEFAULT_LINE = "Used for new decisions"  # under the default checklist's title and id


class ChecklistsPage(QWidget):
    """The table of checklist versions and the actions on the selected one."""

    def __init__(self, checklists: ChecklistService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklists = checklists
        self.entries: list[ChecklistEntry] = []
        content = QWidget()
        col = QVBoxLayout(content)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        col.addWidget(text_label("Checklists", "h1"))
        col.addWidget(text_label(
            "Each decision is answered against one version of one checklist, and always prints "
            "with it. To change a checklist, copy it, edit the copy and save it as a new "
            "version: new decisions then use the new version.", "caption"))
        self.draft_note = text_label("", "warning")
        self.draft_note.hide()
        col.addWidget(self.draft_note)
        self.unreadable_note = text_label("", "warning")  # stored definitions left out
        self.unreadable_note.hide()
        col.addWidget(self.unreadable_note)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Checklists")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        # Every row whole: titles wrap, and the table is as tall as its rows (the page
        # scrolls instead), so nothing is cut off at 1024x768 and 150%.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self._fit_rows())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        col.addWidget(self.table)

        self.continue_button = primary_button("Continue the draft")
        self.new_version_button = QPushButton("Copy as a new version…")
        self.new_version_button.setToolTip("A draft of the selected checklist's next version")
        self.new_checklist_button = QPushButton("Copy as a new checklist…")
        self.new_checklist_button.setToolTip("A draft of a checklist of its own, with a new id")
        self.default_button = QPushButton("Use for new decisions")
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.close_button = QPushButton("Close")
        first = ButtonRow(8)
        for button in (self.continue_button, self.new_version_button,
                       self.new_checklist_button, self.default_button):
            first.add(button)
        second = ButtonRow(8)
        for button in (self.import_button, self.export_button, self.close_button):
            second.add(button)
        col.addWidget(first)
        col.addWidget(second)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_page(content))

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text, the table as tall as its rows."""
        self.table.resizeRowsToContents()
        height = (self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
                  + sum(self.table.rowHeight(r) for r in range(self.table.rowCount())))
        self.table.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_rows()

    # ---- what it shows ----------------------------------------------------------------------
    def refresh(self, select: Checklist | None = None) -> None:
        """Read the register's checklists again (after a save, import or default)."""
        chosen = select or self.selected()
        self.entries = self.checklists.entries()
        counts = self.checklists.use_counts()
        self.table.setRowCount(len(self.entries))
        row_to_select = 0
        for row, entry in enumerate(self.entries):
            c = entry.checklist
            used = counts.get(c.sha256, 0)
            name = f"{c.title}\n{c.id}" + (f"\n{DEFAULT_LINE}" if entry.is_default else "")
            values = (name, str(c.version), str(len(c.principles)), f"{used:,}")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if chosen is not None and (c.id, c.version) == (chosen.id, chosen.version):
                row_to_select = row
        self._fit_rows()
        if self.entries:
            self.table.selectRow(row_to_select)
        kept = self.checklists.kept_draft()
        self.continue_button.setVisible(kept is not None)
        if kept is not None:
            self.draft_note.setText(
                f"You have a draft that is not saved yet: {kept.get('title') or '(no title)'}, "
                f"version {kept.get('version')} of {kept.get('id') or '(no id)'}.")
        self.draft_note.setVisible(kept is not None)
        unreadable = self.checklists.unreadable()
        self.unreadable_note.setText("\n".join(
            f"{bad.line()[0].upper()}{bad.line()[1:]}. Ask whoever looks after the register "
            "to restore it from a backup or import it again." for bad in unreadable))
        self.unreadable_note.setVisible(bool(unreadable))
        self._update_buttons()

    def selected(self) -> Checklist | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.entries):
            return None
        return self.entries[rows[0].row()].checklist

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for button in (self.new_version_button, self.new_checklist_button, self.export_button):
            button.setEnabled(chosen is not None)
        self.default_button.setEnabled(chosen is not None
                                       and chosen.id != self.checklists.default_id())
