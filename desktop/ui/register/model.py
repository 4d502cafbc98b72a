"""The register as a table model that filters, sorts and pages in SQL (fetchMore)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QTimer,
    Signal,
)

from desktop.domain.dates import short_date
from desktop.domain.decision import Status
from desktop.domain.queries import RegisterQuery, RegisterRow
from desktop.domain.visible import visible_controls
from desktop.ui import theme

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItemModel

    from desktop.application.decisions import DecisionService

COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "Reference"),
    ("title", "Title"),
    ("decision_maker", "Decision maker"),
    ("meeting_date", "Meeting date"),
    ("status", "Status"),
    ("complete", "Complete"),
    ("overall_rating", "Overall rating"),
    ("timeline", "Timeline"),  # where it stands today: call-in, challenge window, short notice
    ("matched_in", "Matched in"),  # shown only while searching
)
UNSORTED = ("timeline", "matched_in")  # worked out for the rows shown, not sortable in SQL
EXAMPLE_PREFIX = "Example: "  # the shipped example, wherever it shows
MATCH_BATCH = 40  # rows whose "Matched in" is read at once: about a screenful
# Qt.ItemDataRole values as ints (Qt passes roles to data() as plain ints): naming PySide's
# `Qt` namespace builds its ~95 enums, ~15 ms that an empty register's first paint never needs.
DISPLAY_ROLE, DECORATION_ROLE, TOOLTIP_ROLE = 0, 1, 3
TEXT_ALIGNMENT_ROLE, FOREGROUND_ROLE, ACCESSIBLE_TEXT_ROLE = 7, 9, 11
ID_ROLE = 256 + 1  # Qt.ItemDataRole.UserRole + 1
HEADING_ALIGNMENT = 0x0001 | 0x0080  # Qt.AlignmentFlag.AlignLeft | AlignVCenter, as an int
_Index = QModelIndex | QPersistentModelIndex
COUNT_AT_LATEST_MS = 100  # a deferred count runs by then even if no view painted the page


def _rated(row: RegisterRow):
    """The overall rating the register shows: none until every section is complete, so an
    early draft (three greens) never looks assured beside a finished record."""
    done = 0 < row.sections <= row.complete or row.status in (Status.READY, Status.SIGNED_OFF)
    return row.overall_rating if done else None


def timeline_text(row: RegisterRow, spoken: bool, *, today: str, whole: bool = False) -> str:
    """Where a decision's timeline stands `today` ("In call-in to 7 Dec 2026"), from the
    dates stored with it; `whole`: every date, for the tooltip."""
    now = today
    warning = "Short notice" if row.short_notice else ""
    if whole:
        parts = [warning + (": fewer than 28 clear days on the forward plan" if warning else "")]
        for label, value in (("Decision", row.decision_date),
                             ("Published", row.publication_date),
                             ("Call-in ends", row.call_in_end),
                             ("Implementable from", row.implementable_from),
                             ("Challenge window ends", row.challenge_end)):
            if value:
                parts.append(f"{label} {short_date(value)}")
        return ". ".join(p for p in parts if p)
    state = ""
    if row.publication_date and row.call_in_end and row.publication_date <= now <= row.call_in_end:
        state = f"In call-in to {short_date(row.call_in_end)}"
    elif row.decision_date and row.decision_date > now:
        state = f"Decision {short_date(row.decision_date)}"
    elif row.challenge_end and row.challenge_end >= now:
        state = f"Challenge to {short_date(row.challenge_end)}"
    elif row.decision_date:
        state = f"Decided {short_date(row.decision_date)}"
    if warning and not spoken:  # the warning first and alone: the rest is in the tooltip
        return f"! {warning}"
    return "; ".join(p for p in (warning, state) if p)


class PagedTableModel(QAbstractTableModel):
    """Rows that come a page at a time from a query run in SQL: `_count(query)` and
    `_page(query, offset, limit)` say how; only the pages scrolled into view are loaded.
    `columns` are (key, heading) pairs.

    A first page that is not full holds every match, so it is the count. A query that
    `_defer_count` names is counted just after its first page has been painted (a view calls
    count_deferred; total_known is False until then, total_changed says when it is): on 100,000 decisions, counting a common
    word's matches takes longer than finding and painting the first page."""

    columns: tuple[tuple[str, str], ...] = ()
    total_changed = Signal()  # a deferred count has run: total is exact again

    def __init__(self, query, page_size: int = 100, parent=None) -> None:
        super().__init__(parent)
        self._page_size = page_size
        self._query = query
        self._rows: list = []
        self._total = 0
        self._counted = True  # False: _total is provisional until the deferred count runs
        self._generation = 0  # which refresh a deferred count belongs to
        self.refresh()

    def _count(self, query) -> int:
        raise NotImplementedError

    def _page(self, query, offset: int, limit: int) -> list:
        raise NotImplementedError

    def _defer_count(self, query) -> bool:
        """True: count this query only after its first page has been shown."""
        return False

    # ---- what is shown ------------------------------------------------------------------
    @property
    def query(self):
        return self._query

    @property
    def total(self) -> int:
        """How many rows match the query (loaded or not); counts now if the count is due."""
        self._finish_count()
        return self._total

    @property
    def total_known(self) -> bool:
        """False between a refresh whose count is deferred and that count."""
        return self._counted

    def _finish_count(self) -> bool:
        """Run a deferred count now; True if one was due."""
        if self._counted:
            return False
        self._counted = True
        self._total = max(self._count(self._query), len(self._rows))
        return True

    def count_deferred(self) -> None:
        """Run a deferred count (a view calls this once it has painted the first page)."""
        if self._finish_count():
            self.total_changed.emit()

    def _count_later(self, generation: int) -> None:
        if generation == self._generation:
            self.count_deferred()

    def set_query(self, query) -> None:
        if query != self._query:
            self._query = query
            self.refresh()

    def update_query(self, **changes) -> None:
        self.set_query(replace(self._query, **changes))

    def refresh(self) -> None:
        """Re-run the query from the first page (after an edit or a filter change). If the
        register cannot be read (a shared register's server away), the rows stay as they were
        and the error goes to the caller, the reset ended either way."""
        self.beginResetModel()
        try:
            self._generation += 1
            self._rows = self._page(self._query, 0, self._page_size)
            self._counted = len(self._rows) < self._page_size or not self._defer_count(self._query)
            if len(self._rows) < self._page_size:  # the first page holds every match
                self._total = len(self._rows)
            elif self._counted:
                self._total = self._count(self._query)
            else:
                self._total = len(self._rows)  # until the count: nothing more to fetch
                # The view counts once it has painted the page; unpainted, it is counted soon.
                generation = self._generation
                QTimer.singleShot(COUNT_AT_LATEST_MS, lambda: self._count_later(generation))
        finally:
            self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # ---- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex(), *, everything: bool = False) -> None:  # noqa: N802, B008
        """The next page of rows; everything=True: every row still to come, in one query."""
        if parent.isValid():
            return
        if self._finish_count():
            self.total_changed.emit()
        size = max(self._total - len(self._rows), 1) if everything else self._page_size
        more = self._page(self._query, len(self._rows), size)
        more = more[: max(0, self._total - len(self._rows))]
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY_ROLE):
        from PySide6.QtCore import Qt

        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
                return self.columns[section][1]
            if role == TEXT_ALIGNMENT_ROLE:
                return HEADING_ALIGNMENT
        return None


def header_labels(columns: tuple[tuple[str, str], ...], parent: QObject) -> QStandardItemModel:
    """The headings of `columns` as plain items for a header view to paint, as
    PagedTableModel.headerData() gives them (left-aligned), without a call into Python for
    each (each hands PySide a Qt.Orientation: see RegisterView._build_table)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    labels = QStandardItemModel(0, len(columns), parent)
    for i, (_key, heading) in enumerate(columns):
        item = QStandardItem(heading)
        item.setData(HEADING_ALIGNMENT, TEXT_ALIGNMENT_ROLE)
        labels.setHorizontalHeaderItem(i, item)
    return labels


class RegisterTableModel(PagedTableModel):
    """Rows come from service.register(query, offset, limit); only visible pages are loaded."""

    columns = COLUMNS

    def __init__(self, service: DecisionService, page_size: int = 100, parent=None) -> None:
        self._service = service
        self._matches: dict[str, str] = {}
        examples: object = getattr(service, "example_ids", frozenset())
        self._examples = examples if isinstance(examples, frozenset) else frozenset()
        super().__init__(RegisterQuery(sort="updated_at", descending=True), page_size, parent)

    def _count(self, query: RegisterQuery) -> int:
        return self._service.register_count(query)

    def _page(self, query: RegisterQuery, offset: int, limit: int) -> list[RegisterRow]:
        return self._service.register(query, offset, limit)

    def _defer_count(self, query: RegisterQuery) -> bool:
        # Counting a search's matches reads the full-text index's list for each word: 33 ms
        # for a common word on 100,000 decisions, where its first page takes 3 ms.
        return bool(query.search.strip())

    def refresh(self) -> None:
        self._matches = {}
        super().refresh()

    def matched_in(self, row: int) -> str:
        """Where the search found this row ("title", "answers: 3. Staff", ...); "" when not
        searching. Worked out for the rows painted, a page at a time."""
        search = self._query.search
        if not search.strip() or not 0 <= row < len(self._rows):
            return ""
        r = self._rows[row]
        if r.id not in self._matches:
            batch = [x for x in self._rows[row:row + MATCH_BATCH] if x.id not in self._matches]
            found = self._service.search_matches(search, batch)
            self._matches.update({x.id: found.get(x.id, "") for x in batch})
        return self._matches[r.id]

    def row_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, decision_id: str) -> int:
        """The loaded row showing this decision, or -1."""
        for i, r in enumerate(self._rows):
            if r.id == decision_id:
                return i
        return -1

    # flags(): QAbstractTableModel's own (enabled, selectable, never has children; nothing for
    # an invalid index) is what the register needs, without a Python call per cell.

    def data(self, index: _Index, role: int = DISPLAY_ROLE):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if key == "matched_in":
            if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE, TOOLTIP_ROLE):
                found = self.matched_in(index.row())
                return f"Matched in {found}" if role == TOOLTIP_ROLE and found else found
            return None
        if key == "timeline":
            if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE, TOOLTIP_ROLE):
                today = self._service.today()
                return timeline_text(row, role != DISPLAY_ROLE, today=today,
                                     whole=role == TOOLTIP_ROLE) or None
            return None
        example = EXAMPLE_PREFIX if row.id in self._examples else ""
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
            text = self._text(row, key, role == ACCESSIBLE_TEXT_ROLE)
            return example + text if key == "title" else text
        if role == TOOLTIP_ROLE:
            if key == "title":
                return example + (visible_controls(row.title) or "")
            return self._text(row, key, True) or None
        if role == ID_ROLE:
            return row.id
        if key == "overall_rating":
            rated = _rated(row)
            if role == DECORATION_ROLE:
                return theme.rating_icon(rated)
            if role == FOREGROUND_ROLE:
                return theme.rating_colour(rated)
        return None

    @staticmethod
    def _text(row: RegisterRow, key: str, spoken: bool) -> str:
        if key == "meeting_date":
            return short_date(row.meeting_date)
        if key == "status":
            label = row.status.label
            return f"{label} (version {row.version})" if row.version > 1 else label
        if key == "complete":
            return (f"{row.complete} of {row.sections}" if spoken
                    else f"{row.complete}/{row.sections}")
        if key == "overall_rating":
            if row.overall_rating is not None and _rated(row) is None:
                return f"Not yet rated ({row.complete} of {row.sections})"
            if row.overall_rating is None:
                return "Not rated yet"
            return theme.rating_text(row.overall_rating) if spoken else row.overall_rating.label
        if key in ("title", "reference"):  # a bidi override cannot disguise one as another
            return visible_controls(getattr(row, key)) or ""
        return getattr(row, key) or ""

    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:
        from PySide6.QtCore import Qt

        if not 0 <= column < len(COLUMNS) or COLUMNS[column][0] in UNSORTED:
            return
        self.update_query(sort=COLUMNS[column][0],
                          descending=order == Qt.SortOrder.DescendingOrder)
