"""Open actions: every action not yet done across the register, overdue first.

A page of the main window (View ▸ Open actions, or the overdue count in the status bar). A
text filter on the owner ("my actions"), a sort chosen from the keyboard or the column
headings, Enter opening the decision at the action's principle, and an export as CSV.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.action_queries import ActionQuery, ActionRow
from desktop.domain.dates import short_date
from desktop.domain.decision import Rating
from desktop.domain.errors import KnownError
from desktop.ui import theme
from desktop.ui.register.model import (
    ACCESSIBLE_TEXT_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TOOLTIP_ROLE,
    PagedTableModel,
    _Index,
)
from desktop.ui.register.table import RegisterTable
from desktop.ui.widgets import READING_WIDTH, text_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

COLUMNS: tuple[tuple[str, str], ...] = (
    ("due", "Due date"),
    ("owner", "Owner"),
    ("action", "Action"),
    ("decision", "Decision"),
    ("principle", "Principle or duty"),
)
# The sorts offered from the keyboard, as (label, sort key, descending); the column headings
# offer the same sorts by mouse.
SORTS: tuple[tuple[str, str, bool], ...] = (
    ("Due date, earliest first", "due", False),
    ("Due date, latest first", "due", True),
    ("Owner, A to Z", "owner", False),
    ("Owner, Z to A", "owner", True),
    ("Decision, A to Z", "decision", False),
    ("Principle or duty, in order", "principle", False),
    ("Action, A to Z", "action", False),
)
CSV_FILTER = "CSV files (*.csv)"
EXPORT_LIMIT = 1_000_000  # every matching action: the file is the whole list, not a page


class ActionsModel(PagedTableModel):
    """Open actions a page at a time from service.open_actions."""

    columns = COLUMNS

    def __init__(self, service: DecisionService, parent=None) -> None:
        self._service = service
        # the shipped checklist's slug -> ("3. Staff", page number in the editor): sizes
        # the column; each row is named by its own decision's checklist (section())
        self.principles = {p.slug: (f"{p.number}. {p.title}", i)
                           for i, p in enumerate(service.checklist.principles, start=1)}
        self._sections: dict[str, dict[str, tuple[str, int]]] = {}  # by decision id
        super().__init__(ActionQuery(), parent=parent)

    def section(self, row: ActionRow) -> tuple[str, int]:
        """("3. Staff", its page in the editor) for the section a row's action is under, as
        its decision's checklist names it (read once per decision shown)."""
        named = self._sections.get(row.decision_id)
        if named is None:
            d = self._service.get(row.decision_id)
            checklist = self._service.checklist_for(d)
            named = {p.slug: (f"{p.number}. {p.title}", i)
                     for i, p in enumerate(checklist.principles, start=1)}
            self._sections[row.decision_id] = named
        return named.get(row.slug, (row.slug, 0))

    def _count(self, query: ActionQuery) -> int:
        return self._service.open_actions_count(query)

    def _page(self, query: ActionQuery, offset: int, limit: int) -> list[ActionRow]:
        return self._service.open_actions(query, offset, limit)

    def principle_name(self, row: ActionRow) -> str:
        return self.section(row)[0]

    def data(self, index: _Index, role: int = DISPLAY_ROLE):
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE, TOOLTIP_ROLE):
            return self.text(row, key)
        if role == FOREGROUND_ROLE and key == "due" and row.overdue:
            return theme.rating_colour(Rating.RED)
        return None

    def text(self, row: ActionRow, key: str) -> str:
        if key == "due":
            if not row.due:
                return "No due date"
            # the word first, so it is never cut off and never left to the colour alone
            return f"Overdue: {short_date(row.due)}" if row.overdue else short_date(row.due)
        if key == "decision":
            return " · ".join(x for x in (row.reference, row.title) if x)
        if key == "principle":
            return self.principle_name(row)
        return getattr(row, key) or ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.update_query(sort=COLUMNS[column][0],
                              descending=order == Qt.SortOrder.DescendingOrder)


class ActionsView(QWidget):
    """The open actions page; asks the window to open a decision at a principle's page."""

    open_requested = Signal(str, int)  # decision id, editor page of the action's principle
    message = Signal(str)  # for the status bar: "Saved 1,204 actions to open-actions.csv."

    def __init__(self, service: DecisionService, dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialogs = dialogs
        self.model = ActionsModel(service, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 8)
        layout.setSpacing(8)
        layout.addWidget(text_label("Open actions", "h1"))
        layout.addWidget(text_label(
            "Every action not yet done, on decisions that are not withdrawn. Overdue actions "
            "come first. Press Enter on one to open its decision at that principle.", "hint"))

        # Two rows, so nothing overlaps at 1024 px or 150%: the owner filter with its hint,
        # then the sort and the export (reading order, which is the tab order).
        owners = QHBoxLayout()
        owners.setSpacing(8)
        owner_label = QLabel("&Owner")
        self.owner = QLineEdit()
        self.owner.setAccessibleName("Filter by owner")
        self.owner.setAccessibleDescription("Any part of the owner's name; your own name "
                                            "lists your actions")
        self.owner.setClearButtonEnabled(True)
        self.owner.setMinimumWidth(160)
        self.owner.setMaximumWidth(READING_WIDTH // 2)
        owner_label.setBuddy(self.owner)
        owners.addWidget(owner_label)
        owners.addWidget(self.owner, 1)
        owners.addWidget(text_label("Any part of a name: your own lists your actions.", "hint"),
                         1)
        layout.addLayout(owners)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        sort_label = QLabel("&Sort by")
        self.sort_choice = QComboBox()
        self.sort_choice.setAccessibleName("Sort actions by")
        for label, _key, _desc in SORTS:
            self.sort_choice.addItem(label)
        self.sort_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        sort_label.setBuddy(self.sort_choice)
        self.export_button = QPushButton("&Export as CSV…")
        self.export_button.setToolTip("Save the actions listed (all of them, not only those "
                                      "in view) as a spreadsheet file")
        for w in (sort_label, self.sort_choice):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.count_label = text_label("", "hint")
        layout.addWidget(self.count_label)

        table = self.table = RegisterTable()
        header = table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setModel(self.model)
        table.list_of("Open actions", QAbstractItemView.SelectionMode.SingleSelection)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        fm = table.fontMetrics()
        bold = header.font()
        bold.setBold(True)
        heading = QFontMetrics(bold)
        longest = max((name for name, _page in self.model.principles.values()),
                      key=fm.horizontalAdvance, default="")
        # The widths the date, owner and principle want, and the least they give way to: the
        # whole date, and the others' headings and sort arrow (see fit_columns).
        self._wanted = {0: fm.horizontalAdvance("Overdue: 30 Sep 2027") + 24,
                        1: fm.horizontalAdvance("Community Engagement Lead") + 24,
                        4: min(fm.horizontalAdvance(longest) + 24, fm.averageCharWidth() * 30)}
        self._least = {c: heading.horizontalAdvance(COLUMNS[c][1]) + 32 for c in self._wanted}
        self._least[0] = max(self._least[0], self._wanted[0])
        layout.addWidget(table, 1)

        self._owner_timer = QTimer(self)
        self._owner_timer.setSingleShot(True)
        self._owner_timer.setInterval(0)  # coalesces keystrokes that arrive during a query
        self._owner_timer.timeout.connect(self.apply_filter)
        self.owner.textChanged.connect(self._owner_timer.start)
        self.sort_choice.activated.connect(self._sort_chosen)
        header.sortIndicatorChanged.connect(self._header_sorted)
        table.open_requested.connect(self._open_index)
        table.doubleClicked.connect(self._open_index)
        self.export_button.clicked.connect(self.export_csv)
        self.model.modelReset.connect(self._after_reset)
        self.setTabOrder(self.owner, self.sort_choice)
        self.setTabOrder(self.sort_choice, self.export_button)
        self.setTabOrder(self.export_button, table)
        self._after_reset()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_columns(event.size().width())

    def fit_columns(self, width: int) -> None:
        """The action and the decision (which stretch) keep at least 40% of the table: on a
        narrow window (1024 px, 150%) the owner and principle give up room in proportion,
        down to their headings; the date stays whole. Every cell's text is in its tooltip."""
        room = (width - 48) * 6 // 10  # the page margins, then 60%
        self.table.setColumnWidth(0, self._wanted[0])
        room -= self._wanted[0]
        wanted = self._wanted[1] + self._wanted[4]
        for column in (1, 4):
            want = self._wanted[column]
            share = want if wanted <= room else want * room // wanted
            self.table.setColumnWidth(column, max(self._least[column], share))

    # ---- behaviour ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.refresh()

    def apply_filter(self) -> None:
        self._owner_timer.stop()
        self.model.update_query(owner=self.owner.text())

    def _sort_chosen(self, index: int) -> None:
        _label, key, descending = SORTS[index]
        column = [k for k, _ in COLUMNS].index(key)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)  # sorts the model

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        for i, (_label, k, d) in enumerate(SORTS):
            if k == key and d == descending:
                self.sort_choice.setCurrentIndex(i)
                return
        for i, (_label, k, _d) in enumerate(SORTS):  # Decision Z to A: the nearest choice
            if k == key:
                self.sort_choice.setCurrentIndex(i)
                return

    def _after_reset(self) -> None:
        total = self.model.total
        owner = self.model.query.owner.strip()
        noun = f"open action{'s' if total != 1 else ''}"
        if total == 0 and owner:
            text = f"No open actions for owners matching “{owner}”."
        elif total == 0:
            text = "No open actions."
        elif owner:
            text = f"{total:,} {noun} for owners matching “{owner}”"
        else:
            text = f"{total:,} {noun}"
        self.count_label.setText(text)
        self.export_button.setEnabled(total > 0)
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def current_row(self) -> ActionRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_requested.emit(row.decision_id, self.model.section(row)[1])

    def export_csv(self) -> None:
        from desktop.application.userfiles import atomic_write
        from desktop.export.actions_csv import actions_csv

        path = self.dialogs.save_file(self, "Export open actions", "open-actions.csv",
                                      CSV_FILTER)
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        try:
            rows = self.service.open_actions(self.model.query, 0, EXPORT_LIMIT)
            atomic_write(path, actions_csv(rows, self.model.principle_name))
        except KnownError as exc:
            self.dialogs.error(self, "Cannot save the actions", str(exc))
            return
        self.message.emit(f"Saved {len(rows):,} action{'s' if len(rows) != 1 else ''} to "
                          f"{Path(path).name}.")
