"""The register page: search, filters, the table of decisions, and the empty-register greeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.decision import Rating, Status
from desktop.domain.errors import KnownError
from desktop.ui import theme
from desktop.ui.register.model import COLUMNS, RegisterTableModel, header_labels
from desktop.ui.widgets import READING_WIDTH, LinkButton, primary_button, text_label

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from desktop.application.decisions import DecisionService
    from desktop.ui.register.table import RegisterTable

# A search over 10,000 decisions takes about 15 ms, so results follow each keystroke at once.
# A zero-interval timer still coalesces keystrokes that arrive while a query is running.
SEARCH_DELAY_MS = 0
STATUS_CHOICES = [(s.value, s.label) for s in Status]
STATUS_VALUES = frozenset(s.value for s in Status)
RATING_CHOICES = [(r.value, theme.rating_text(r)) for r in (Rating.RED, Rating.AMBER, Rating.GREEN,
                                                             Rating.NOT_APPLICABLE)]
RATING_CHOICES.append(("none", "Not rated yet"))
# The order they give way on a narrow window; the reference always stays (it is how a clerk
# finds a decision), as do the title, status, completeness and rating.
# Shown while there is room, in this order. The timeline comes first (it says the decision
# date too, where nothing more pressing does): at 1280 px it shows, and the meeting date not.
OPTIONAL_COLUMNS = ("timeline", "meeting_date", "decision_maker")
# The timeline's filters sit with the statuses (after a rule): a button of their own pushed
# "New decision" past the search box at 1024 px and 150%.
TIMELINE_CHOICES = [("call-in", "In call-in"), ("challenge", "Challenge window open")]
# The room Fusion (the app's only style) leaves either side of a cell's text, less one: its
# PM_FocusFrameHMargin, 2 px at every scale and font DPI. Asking the style builds PySide's
# QStyle type and its enums (~4 ms and 0.5 MiB before the first paint of a register with
# rows); tests/gui/register/test_register_layout.py checks the style still says 2.
FOCUS_FRAME_MARGIN = 2


class FilterButton(QToolButton):
    """A drop-down of checkable choices; its label counts how many are ticked."""

    changed = Signal()

    def __init__(self, label: str, choices: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        self._label = label
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAccessibleName(f"Filter by {label.lower()}")
        menu = QMenu(self)
        self.actions_by_value: dict[str, QAction] = {}
        for value, text in choices:
            if value == "-":  # a rule between groups of choices
                menu.addSeparator()
                continue
            act = menu.addAction(text)
            act.setCheckable(True)
            act.toggled.connect(self._toggled)
            self.actions_by_value[value] = act
        self.setMenu(menu)
        # As wide as its widest label ("Status (5) ▾"), so ticking a choice moves nothing.
        widths = []
        for n in (0, len([v for v, _ in choices if v != "-"])):
            self._relabel(n)
            widths.append(self.sizeHint().width())
        self.setFixedWidth(max(widths))
        self._relabel()

    def values(self) -> tuple[str, ...]:
        return tuple(v for v, a in self.actions_by_value.items() if a.isChecked())

    def set_values(self, values) -> None:
        for v, a in self.actions_by_value.items():
            a.blockSignals(True)
            a.setChecked(v in values)
            a.blockSignals(False)
        self._relabel()
        self.changed.emit()

    def _toggled(self) -> None:
        self._relabel()
        self.changed.emit()

    def _relabel(self, n: int | None = None) -> None:
        n = len(self.values()) if n is None else n
        self.setText(f"{self._label} ({n}) ▾" if n else f"{self._label} ▾")


class RegisterView(QWidget):
    """The list of decisions with search and filters; asks the window to open or create one."""

    open_requested = Signal(str)
    new_requested = Signal()
    example_requested = Signal()
    counts_changed = Signal()
    current_row_changed = Signal()  # the table's current row

    def __init__(self, service: DecisionService, parent: QWidget | None = None, *, defer: bool = False) -> None:
        """defer=True (the window's start-up): what the first frame does not show waits for
        finish_start_up(). PySide builds the ~95 enums of its `Qt` namespace (~15 ms) the first
        time anything names it, and the bare window the bench compares against never does: an
        empty register paints its greeting without building the table (its sort indicator,
        and Qt's calls to the model's headerData, name `Qt`), and the labels get their
        plain-text format and the link its hand cursor (both `Qt` enums) just after."""
        super().__init__(parent)
        self.service = service
        self._later: list | None = [] if defer else None
        self._table: RegisterTable | None = None
        self.model = RegisterTableModel(service, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 8)
        layout.setSpacing(8)

        heading = text_label("Decisions", "h1", later=self._later)
        layout.addWidget(heading)
        # Two rows, so nothing overlaps at 1024 px or 150%: the search on its own line, then
        # the filters and the primary button (in reading order, which is the tab order).
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, proposals and answers")
        self.search.setAccessibleName("Search decisions")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        # The search and the row under it share one column, so "New decision" ends where the
        # search box ends at every width, never past it.
        toolbar = QWidget()
        toolbar.setMaximumWidth(READING_WIDTH)
        column = QVBoxLayout(toolbar)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.search)
        layout.addWidget(toolbar)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.status_filter = FilterButton("Status", [*STATUS_CHOICES, ("-", ""),
                                                     *TIMELINE_CHOICES])
        self.status_filter.setToolTip("Status; or in call-in, or within the three months for a "
                                      "legal challenge, as of today")
        self.rating_filter = FilterButton("Rating", RATING_CHOICES)
        self.overdue_filter = QToolButton()
        self.overdue_filter.setText("Overdue")
        self.overdue_filter.setCheckable(True)
        self.overdue_filter.setAccessibleName("Show only overdue reviews and actions")
        self.overdue_filter.setToolTip("Review date passed, or an action is past its due date")
        self.clear_filters = LinkButton("Clear filters", later=self._later)
        # Hidden until a filter is on, but its room is kept, so nothing moves when it appears.
        policy = self.clear_filters.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.clear_filters.setSizePolicy(policy)
        for w in (self.status_filter, self.rating_filter, self.overdue_filter, self.clear_filters):
            bar.addWidget(w)
        bar.addStretch(1)
        self.new_button = primary_button("New decision")
        self.new_button.setToolTip("Start a new decision (Ctrl+N)")
        self.new_button.setMinimumWidth(self.new_button.sizeHint().width())  # never clipped
        # As tall as the filter buttons beside it, so the row lines up top and bottom.
        self.new_button.setMinimumHeight(self.status_filter.sizeHint().height())
        bar.addWidget(self.new_button)
        column.addLayout(bar)
        self.count_label = text_label("", "hint", later=self._later)
        layout.addWidget(self.count_label)

        self.stack = QStackedWidget()
        self._table_slot = QWidget()  # index 0 until the table is built
        self.stack.addWidget(self._table_slot)
        self.stack.addWidget(self._empty_page())
        layout.addWidget(self.stack, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        self.status_filter.changed.connect(self.apply_filters)
        self.rating_filter.changed.connect(self.apply_filters)
        self.overdue_filter.toggled.connect(self.apply_filters)
        self.clear_filters.clicked.connect(self.clear)
        self.new_button.clicked.connect(self.new_requested)
        # Sorting and filtering do not change the data, so the window's totals (and its
        # overdue counts, 300 ms on 10,000 decisions) are recounted only after refresh().
        self._data_changed = True
        self._everything: int | None = None  # decisions in the register, until refresh()
        self.model.modelReset.connect(self._update_counts)
        self.model.total_changed.connect(self._update_counts)
        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.rating_filter)
        self.setTabOrder(self.rating_filter, self.overdue_filter)
        self.setTabOrder(self.overdue_filter, self.clear_filters)
        self.setTabOrder(self.clear_filters, self.new_button)
        if not defer:
            self._build_table()
        self._update_counts()
        self._ensure_current()

    def finish_start_up(self) -> None:
        """After the first paint (defer=True): the plain-text formats, the hand cursor, the table."""
        later, self._later = self._later or [], None
        for fn in later:
            fn()
        self._build_table()

    @property
    def table(self) -> RegisterTable:
        """The register's table, built the first time it is needed."""
        return self._build_table()

    def _build_table(self) -> RegisterTable:
        if self._table is not None:
            return self._table
        # The table's module (and PySide's item-view and header types, their ~15 enums) loads
        # only for a register with rows: an empty one paints its greeting without it.
        from PySide6.QtWidgets import QAbstractItemView, QHeaderView

        from desktop.ui.register.table import RegisterTable

        table = self._table = RegisterTable()
        header = table.horizontalHeader()
        # The header paints its headings from plain items (header_labels): each call Qt makes
        # to the model's headerData() hands PySide a Qt.Orientation, and the first builds the
        # ~95 enums of the `Qt` namespace (~15 ms, 1.5 MiB) before the first paint. Hidden
        # while the model is set, neither header measures itself from the model (for the row
        # numbers, never shown, that was 400 calls). A screen reader still asks the model.
        table.verticalHeader().hide()
        header.hide()
        table.setModel(self.model)
        header.setModel(header_labels(COLUMNS, table))
        header.show()
        table.list_of("Register of decisions",
                      QAbstractItemView.SelectionMode.ExtendedSelection)
        if self._later is None:
            self._sortable(table)
        else:  # sorting names `Qt` too: switched on just after the first paint, and until
            header.setSortIndicatorShown(False)  # then no arrow, as after _sortable()
            self._later.append(lambda: self._sortable(table))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        widths = {"reference": 120, "decision_maker": 150, "meeting_date": 120, "status": 160,
                  "complete": 90, "overall_rating": 140, "timeline": 190, "matched_in": 200}
        header.setMinimumSectionSize(80)
        # "Not yet rated (3 of 10)" reads whole beside the others' "✓ Green".
        widths["overall_rating"] = max(widths["overall_rating"],
                                       table.fontMetrics().horizontalAdvance(
                                           "Not yet rated (10 of 10)") + 16)
        bold = header.font()
        bold.setBold(True)
        fm = QFontMetrics(bold)
        self._widths: dict[str, int] = {}
        self._least: dict[str, int] = {}  # the bold heading and its sort arrow, no less
        # A status reads whole at any width ("Ready for sign-off", not "Ready for si…"); only
        # a version number after it may be cut short.
        margin = 2 * (FOCUS_FRAME_MARGIN + 1) + 8
        statuses = max(table.fontMetrics().horizontalAdvance(s.label) for s in Status) + margin
        for i, (key, label) in enumerate(COLUMNS):
            if key in widths:
                self._least[key] = fm.horizontalAdvance(label) + 32
                if key == "status":
                    self._least[key] = max(self._least[key], statuses)
                self._widths[key] = max(widths[key], fm.horizontalAdvance(label) + 40)
                table.setColumnWidth(i, self._widths[key])
        table.open_requested.connect(self._open_index)
        table.painted.connect(self._count_after_paint)
        table.doubleClicked.connect(self._open_index)
        table.selectionModel().currentRowChanged.connect(lambda *_: self.current_row_changed.emit())
        on_greeting = self.stack.currentIndex() == 1
        self.stack.removeWidget(self._table_slot)
        self._table_slot.deleteLater()
        self.stack.insertWidget(0, table)
        self.stack.setCurrentIndex(1 if on_greeting else 0)
        self.setTabOrder(self.new_button, table)
        if self.isVisible():  # built after the first paint: resizeEvent has been and gone
            self.fit_columns(self.width())
        return table

    @staticmethod
    def _sortable(table: RegisterTable) -> None:
        """Sort by a click on a heading. No column's arrow: the model starts newest first
        (updated_at). The indicator is cleared first because switching sorting on sorts by
        the indicated column (the first, by default): that loaded the first page again, by
        reference."""
        from PySide6.QtCore import Qt

        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(8, 32, 8, 8)
        col.setSpacing(16)
        col.addWidget(text_label("Test a decision against ten leadership principles", "h2",
                                 later=self._later))
        intro = text_label(
            "This app walks you through ten leadership principles for a proposed decision, "
            "one page at a time, and saves every word as you type. When all ten are complete "
            "you can export the assurance record for committee and record the sign-offs.",
            later=self._later,
        )
        intro.setMaximumWidth(720)
        col.addWidget(intro)
        buttons = QHBoxLayout()
        self.start_button = primary_button("Start a new decision")
        self.example_button = LinkButton("Open an example", later=self._later)
        self.start_button.clicked.connect(self.new_requested)
        self.example_button.clicked.connect(self.example_requested)
        buttons.addWidget(self.start_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.example_button)
        buttons.addStretch(1)
        col.addLayout(buttons)
        col.addStretch(1)
        return page

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_columns(event.size().width())

    def fit_columns(self, width: int) -> None:
        """On a narrow window (small screen, 150% scale) the title matters more than the
        meeting date and decision maker: show those only while the title keeps about a third
        of the table. Narrower still (1024 px at 150%), the columns that stay give up room in
        proportion, down to their headings, so the title still reads."""
        if self._table is None:
            return
        keys = [k for k, _ in COLUMNS]
        table = width - 48  # the page margins
        searching = bool(self.model.query.search.strip())
        self.table.setColumnHidden(keys.index("matched_in"), not searching)
        kept = [k for k in self._widths if k not in OPTIONAL_COLUMNS
                and (searching or k != "matched_in")]
        shown = sum(self._widths[k] for k in kept) + 24
        title = max(240, table * 3 // 10)
        for key in OPTIONAL_COLUMNS:
            fits = shown + self._widths[key] + title <= table
            self.table.setColumnHidden(keys.index(key), not fits)
            if fits:
                shown += self._widths[key]
        room = table - 24 - max(160, table * 3 // 10)
        wanted = sum(self._widths[k] for k in kept)
        for key in kept:
            share = self._widths[key] if wanted <= room else self._widths[key] * room // wanted
            self.table.setColumnWidth(keys.index(key), max(self._least[key], share))

    # ---- behaviour ------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.update_query(
            search=self.search.text(),
            statuses=tuple(v for v in self.status_filter.values() if v in STATUS_VALUES),
            ratings=self.rating_filter.values(),
            overdue_only=self.overdue_filter.isChecked(),
            in_call_in="call-in" in self.status_filter.values(),
            challenge_open="challenge" in self.status_filter.values(),
        )
        searching = bool(self.model.query.search.strip())
        if self._table is not None and searching == self.table.isColumnHidden(
                [k for k, _ in COLUMNS].index("matched_in")):
            self.fit_columns(self.width())  # "Matched in" shows only while searching
        self._ensure_current()

    def clear(self) -> None:
        self.search.clear()
        self.status_filter.set_values(())
        self.rating_filter.set_values(())
        self.overdue_filter.setChecked(False)
        self.apply_filters()

    def refresh(self) -> None:
        """Reload after a change elsewhere, keeping the selection on the same decision."""
        current = self.current_id()
        self._data_changed = True
        self.model.refresh()
        if current:
            self.select(current)
        self._ensure_current()

    def _ensure_current(self) -> None:
        # A current row from the start, so Enter opens it and the record actions apply; and
        # the highlighted row is always that row (a decision that vanished in a refresh, such
        # as an untouched new one, once left one row highlighted and another acted on).
        if self.model.rowCount() == 0:  # the empty register's table is not even built yet
            return
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        current = self.table.currentIndex()
        if current.isValid() and not self.table.selectionModel().isRowSelected(current.row()):
            self.table.selectRow(current.row())

    def select(self, decision_id: str) -> None:
        row = self.model.row_of(decision_id)
        if row >= 0:
            self.table.selectRow(row)

    def current_id(self) -> str | None:
        if self._table is None:  # not built yet: nothing is current
            return None
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[str]:
        if self._table is None:
            return []
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.row_id(r) for r in rows]
        return [i for i in ids if i]

    def focus_search(self) -> None:
        from PySide6.QtCore import Qt

        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _open_index(self, index: QModelIndex) -> None:
        decision_id = self.model.row_id(index.row())
        if decision_id:
            self.open_requested.emit(decision_id)

    def _count_after_paint(self) -> None:
        """A search's first page is painted: count its matches next (model.count_deferred)."""
        if not self.model.total_known:
            QTimer.singleShot(0, self.model.count_deferred)

    @staticmethod
    def _count_text(everything: int, filtered: int) -> str:
        if everything == 0:
            return "No decisions yet."
        if filtered == everything:
            return f"{everything:,} decision{'s' if everything != 1 else ''}"
        if filtered == 0:
            return (f"No decisions match (of {everything:,}). "
                    "Try other words or clear the filters.")
        return f"Showing {filtered:,} of {everything:,} decisions"

    def _update_counts(self) -> None:
        # The whole register's count changes only with the data (refresh()), not per keystroke.
        if self._everything is None or self._data_changed:
            try:
                self._everything = self.service.register_count(type(self.model.query)())
            except KnownError:  # the shared register is away: counted when read again
                if self._everything is None:
                    return
        everything = self._everything
        empty = everything == 0
        if not empty:
            self._build_table()
        self.stack.setCurrentIndex(1 if empty else 0)
        # A search's count comes just after its first page is painted (total_changed): until
        # then the label keeps what it said.
        if self.model.total_known:
            self.count_label.setText(self._count_text(everything, self.model.total))
        for w in (self.search, self.status_filter, self.rating_filter, self.overdue_filter,
                  self.count_label, self.new_button):
            w.setVisible(not empty)
        q = self.model.query
        self.clear_filters.setVisible(
            not empty and bool(q.search.strip() or q.statuses or q.ratings or q.overdue_only
                               or q.in_call_in or q.challenge_open))
        if self._data_changed:
            self._data_changed = False
            self.counts_changed.emit()
