"""The register's table (and the open actions'): one line a row, sorted by its headings."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QPaintEvent

    from desktop.ui.register.model import PagedTableModel


class RegisterTable(QTableView):
    """Enter or Return opens the current decision, as does a double click."""

    open_requested = Signal(QModelIndex)
    painted = Signal()  # after each paint of the rows

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        self.painted.emit()

    def list_of(self, name: str, selection: QAbstractItemView.SelectionMode) -> None:
        """A read-only list of rows, one line each, sorted by its headings (the register's,
        the open actions')."""
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(selection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setAccessibleName("Column headings: choose one to sort by it")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def selectAll(self) -> None:  # noqa: N802 - Qt override
        # Rows arrive a page at a time: "all" must mean every decision that matches, not
        # only those scrolled into view (a committee pack of "all" silently held the first 100).
        model = cast("PagedTableModel | None", self.model())  # a register's or an actions list's
        if model is not None and model.canFetchMore():
            model.fetchMore(everything=True)
        super().selectAll()
