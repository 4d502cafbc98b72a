"""The editor for one decision: a task list beside the pages, Back/Continue, and autosave."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.checklist import Checklist
from desktop.domain.decision import (
    Decision,
    Rating,
    Status,
    answer_state,
    completed_slugs,
    detail_problems,
)
from desktop.domain.errors import KnownError, NotFound, Refused, Unreachable
from desktop.domain.merge import EditConflict, changed_parts, part_label, part_value
from desktop.domain.rules import allowed
from desktop.ui import theme
from desktop.ui.editor.appraisal_page import PAGE_WIDTH as APPRAISAL_WIDTH
from desktop.ui.editor.appraisal_page import AppraisalPage, appraisal_state
from desktop.ui.editor.conflict_note import CHANGED_ELSEWHERE, ConflictNote
from desktop.ui.editor.details_page import DetailsPage
from desktop.ui.editor.principle_page import PrinciplePage
from desktop.ui.editor.summary_page import SummaryPage
from desktop.ui.widgets import Banner, LinkButton, primary_button, scroll_page, text_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

AUTOSAVE_MS = 600
RETRY_MS = 5000
# While the shared register's server cannot be reached: tries 1, 2, 4... s apart, at most 30.
AWAY_FIRST_MS, AWAY_LONGEST_MS = 1000, 30000
# ...and this soon after a key typed meanwhile (a try never waits: the repository connects
# on a thread of its own, one attempt at a time, and the window saves once it is back).
AWAY_TYPED_MS = 500
AWAY = ("The shared register can't be reached. Your changes are kept here and will be saved "
        "when it is back.")


STATE_ROLE = Qt.ItemDataRole.UserRole + 1
RATING_ROLE = Qt.ItemDataRole.UserRole + 2


class TaskDelegate(QStyledItemDelegate):
    """Per task: the name (wrapped, never cut off), then the status on the left and the rating
    on the right.

    In a narrow list (150% scale) the rating goes on a line of its own rather than over the status.
    """

    @staticmethod
    def _name_lines(option, name: str, width: int) -> int:
        """How many lines the bold name needs in the list's inner width."""
        bold = QFont(option.font)
        bold.setBold(True)
        fm = QFontMetrics(bold)
        box = fm.boundingRect(QRect(0, 0, max(width - 24, 40), 10_000),
                              int(Qt.TextFlag.TextWordWrap), name)
        return max(1, round(box.height() / fm.lineSpacing()))

    @staticmethod
    def _crowded(option, index, width: int) -> bool:
        rating = index.data(RATING_ROLE)
        if not rating:
            return False
        bold = QFont(option.font)
        bold.setBold(True)
        state = index.data(STATE_ROLE) or ""
        state_font = bold if state not in ("Completed", "") else QFont(option.font)
        needed = (QFontMetrics(state_font).horizontalAdvance(state) + 16
                  + QFontMetrics(bold).horizontalAdvance(theme.rating_text(Rating(rating))))
        return needed > width - 24  # the inner margins, as in paint()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        fm = option.fontMetrics
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListWidget) else 200
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        lines = self._name_lines(option, name, width) + 1
        lines += 1 if self._crowded(option, index, width) else 0
        return QSize(200, fm.lineSpacing() * lines + 14)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if selected:
            colour = theme.FOCUS if focused else "#c6dbee"
            painter.fillRect(rect, QColor(colour))
        painter.setPen(QColor(theme.BORDER))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        inner = rect.adjusted(12, 6, -12, -6)
        fm = option.fontMetrics
        line = fm.lineSpacing()
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.LINK if not selected else theme.TEXT))
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        name_height = line * self._name_lines(option, name, rect.width())
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), name_height),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, name)
        state = index.data(STATE_ROLE) or ""
        rating = Rating(index.data(RATING_ROLE)) if index.data(RATING_ROLE) else None
        second = QRect(inner.left(), inner.top() + name_height, inner.width(), line)
        plain = QFont(option.font)
        plain.setBold(state not in ("Completed", ""))
        painter.setFont(plain)
        painter.setPen(QColor(theme.TEXT if state == "Completed" or selected else theme.SECONDARY))
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, state)
        if rating is not None:
            rating_font = QFont(option.font)
            rating_font.setBold(True)
            painter.setFont(rating_font)
            painter.setPen(theme.rating_colour(rating))
            place, align = second, Qt.AlignmentFlag.AlignRight
            if self._crowded(option, index, rect.width()):
                place, align = second.translated(0, line), Qt.AlignmentFlag.AlignLeft
            painter.drawText(place, align | Qt.AlignmentFlag.AlignVCenter,
                             theme.rating_text(rating))
        painter.restore()


class TaskList(QListWidget):
    """The side list: details, the options appraisal, the checklist's sections with state and
    rating, the summary. Its rows are in reading order; each is asked for and reports by its
    page (the editor's index of the page, which need not be its row)."""

    page_requested = Signal(int)

    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sections of this decision")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(TaskDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)  # row heights follow the width
        self._order: list[int] = []
        self.set_titles(titles)
        self.currentRowChanged.connect(self._current_changed)

    def set_titles(self, titles: list[str], order: list[int] | None = None) -> None:
        """One row per page (the pages change with the decision's checklist): `titles` in
        reading order, `order` the page of each row (default: the row's own number)."""
        self._order = list(range(len(titles))) if order is None else list(order)
        self.blockSignals(True)
        self.clear()
        for title in titles:
            item = QListWidgetItem(title)
            item.setToolTip(title)
            self.addItem(item)
        self.blockSignals(False)

    def _current_changed(self, row: int) -> None:
        if row >= 0:
            self.page_requested.emit(self._order[row])

    def row_of(self, page: int) -> int:
        return self._order.index(page)

    def set_current(self, page: int) -> None:
        self.blockSignals(True)
        self.setCurrentRow(self.row_of(page))
        self.blockSignals(False)
        self.viewport().update()

    def title(self, page: int) -> str:
        return self.item(self.row_of(page)).text()

    # A page's state; it hides QAbstractItemView.state() (the view's drag or edit state),
    # which nothing asks of this list.
    def state(self, page: int) -> str:  # type: ignore[override]
        return self.item(self.row_of(page)).data(STATE_ROLE) or ""

    def set_state(self, page: int, state: str, rating=None) -> None:
        item = self.item(self.row_of(page))
        item.setData(STATE_ROLE, state)
        item.setData(RATING_ROLE, rating.value if rating else "")
        spoken = f"{item.text()}: {state}" + (f", {theme.rating_text(rating)}" if rating else "")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
        item.setToolTip(spoken)


class DecisionEditor(QWidget):
    """Edits one decision; every change reaches the database within about a second."""

    saved = Signal(str)  # "HH:MM:SS"
    save_failed = Signal(str)  # what the status bar says, e.g. "Not saved yet — will try again"
    record_changed = Signal(object)  # the Decision, after a save or reload
    record_gone = Signal(str)  # its id: the open record was deleted elsewhere
    page_changed = Signal(int)
    close_requested = Signal()
    export_requested = Signal()
    sign_off_requested = Signal()

    def __init__(self, service: DecisionService, dialogs, autosave_ms: int = AUTOSAVE_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialogs = dialogs
        self._decision: Decision | None = None  # the record as last read or saved
        # Per page, the record its content was loaded from: the base of its next save, whose
        # edit is what changed since (so a save never undoes what someone else saved).
        self._bases: dict[int, Decision] = {}
        # Per page, the last save refused for parts someone else changed too (kept until the
        # user shows the saved version, or a save of that page goes through).
        self._conflicts: dict[int, EditConflict] = {}
        self._happened = ""  # what another process did to the open record, once noticed
        self._state_note = ""  # the banner's own text (signed off, withdrawn...)
        self._away = False  # the shared register's server could not be reached at the last save
        self._away_ms = AWAY_FIRST_MS  # the pace of the tries while it is away
        self._read_only = False
        self._dirty: set[int] = set()
        self._unsaved: list[int] = []  # pages typed on when the record was locked elsewhere
        self._last_error = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(autosave_ms)
        self._timer.timeout.connect(self.save_now)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.save_now)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(24, 8, 24, 8)
        self.back_to_register = LinkButton("← All decisions")
        self.back_to_register.setAccessibleName("Back to all decisions")
        self.back_to_register.clicked.connect(self.close_requested)
        top.addWidget(self.back_to_register)
        top.addSpacing(16)
        self.title_label = text_label("", "caption", wrap=False)
        # A long title must not widen the window: it is cut here and shown whole in the tooltip.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title_label, 1)
        outer.addLayout(top)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.conflict_note = ConflictNote()
        self.conflict_note.reload_requested.connect(self.show_saved_version)
        outer.addWidget(self.conflict_note)

        self.details = DetailsPage()
        self.principles: list[PrinciplePage] = []  # the sections of the checklist shown
        self._checklist: Checklist | None = None
        self._guidance = True
        self.summary = SummaryPage()
        # Its writes are saved at once through the service (not autosaved like typing).
        self.appraisal = AppraisalPage(service.appraisals, dialogs)
        self.appraisal.changed.connect(self._appraisal_saved)
        self.appraisal.details_requested.connect(lambda: self.go_to(0, "options"))
        side = QWidget()
        s = QVBoxLayout(side)
        s.setContentsMargins(24, 16, 8, 16)
        s.setSpacing(8)
        self.progress_label = text_label("", "label")
        s.addWidget(self.progress_label)
        self.task_list = TaskList([])
        self.task_list.setMinimumWidth(220)
        s.addWidget(self.task_list, 1)

        self.stack = QStackedWidget()
        # Pages by index: the details, one per section (show_checklist), the summary, and the
        # appraisal last; the task list and Back/Continue go in reading order (self.order).
        self.scrolls = [scroll_page(p) for p in (self.details, self.summary, self.appraisal)]
        self.appraisal.setMaximumWidth(APPRAISAL_WIDTH)  # wider than a reading column
        for area in self.scrolls:
            self.stack.addWidget(area)
        right = QWidget()
        r = QVBoxLayout(right)
        r.setContentsMargins(0, 0, 0, 0)
        r.setSpacing(0)
        r.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(32, 8, 32, 16)
        self.back_button = QPushButton("Back")
        self.next_button = primary_button("Continue")
        footer.addWidget(self.back_button)
        footer.addSpacing(16)
        footer.addWidget(self.next_button)
        footer.addStretch(1)
        r.addLayout(footer)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(side)
        self.splitter.addWidget(right)
        # A narrower window (small screen, 150% scale) takes a quarter of its loss from the
        # task list, which keeps its minimum, so the page keeps room for its inputs.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 960])
        outer.addWidget(self.splitter, 1)

        self.details.edited.connect(lambda: self._edited(0))
        self.show_checklist(service.checklist)
        self.summary.go_to.connect(self.go_to)
        self.summary.appraisal_requested.connect(self._to_appraisal)
        self.summary.export_requested.connect(self.export_requested)
        self.summary.sign_off_requested.connect(self.sign_off_requested)
        self.task_list.page_requested.connect(self.go_to)
        self.back_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        QWidget.setTabOrder(self.task_list, self.details.focus_chain()[0])

    def show_checklist(self, checklist: Checklist) -> None:
        """One page per section of this checklist, between the details and the summary
        (rebuilt only when a decision is answered against another checklist)."""
        if self._checklist is not None and self._checklist.sha256 == checklist.sha256:
            return
        self._checklist = checklist
        for area in self.scrolls[1:-2]:
            self.stack.removeWidget(area)
            area.deleteLater()
        self.principles = [PrinciplePage(p, checklist.position(p)) for p in checklist.principles]
        areas = [scroll_page(p) for p in self.principles]
        for i, (page, area) in enumerate(zip(self.principles, areas, strict=True), start=1):
            self.stack.insertWidget(i, area)
            page.follow_viewport(area.viewport())  # two columns when there is room
            page.set_guidance_visible(self._guidance)
            page.edited.connect(lambda i=i: self._edited(i))
            page.action_done.connect(lambda row, done, i=i: self.set_action_done(i, row, done))
            page.guidance_toggled.connect(self.set_guidance_visible)
        self.scrolls = [self.scrolls[0], *areas, *self.scrolls[-2:]]
        self.task_list.set_titles(["Decision details", "Options appraisal",
                                   *(f"{p.number}. {p.title}" for p in checklist.principles),
                                   "Check your answers"], self.order)

    @property
    def summary_page(self) -> int:
        """The index of "Check your answers": after the details and every section."""
        return len(self.principles) + 1

    @property
    def appraisal_page(self) -> int:
        """The index of "Options appraisal": after the summary, though it reads (in the task
        list, and by Continue) straight after the details. A section's page keeps its
        number as its index."""
        return len(self.principles) + 2

    @property
    def order(self) -> list[int]:
        """The pages in reading order."""
        return [0, self.appraisal_page, *range(1, self.summary_page + 1)]

    # ---- state ------------------------------------------------------------------------------
    @property
    def decision(self) -> Decision | None:
        return self._decision

    @property
    def read_only(self) -> bool:
        return self._read_only

    def current_page(self) -> int:
        return self.stack.currentIndex()

    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def open(self, decision_id: str, page: int = 0) -> None:
        """Show a decision (saving whatever was open before)."""
        self.save_now()
        self._dirty.clear()
        self._decision = self.service.get(decision_id)
        self.show_checklist(self.service.checklist_for(self._decision))
        self._forget_conflicts()
        self._load_all()
        self.go_to(page)

    def reload(self) -> None:
        """Re-read the record after a change made elsewhere (sign-off, amendment)."""
        if self._decision is None:
            return
        self.save_now()
        self._decision = self.service.get(self._decision.id)
        self._forget_conflicts()
        self._load_all()
        self.go_to(self.current_page())
        self.record_changed.emit(self._decision)

    def clear(self) -> None:
        self.save_now()
        self._decision = None
        self._dirty.clear()
        self._forget_conflicts()

    def _load_all(self) -> None:
        d = self._decision
        assert d is not None  # called once a decision is loaded
        self._unsaved = []
        # Once anyone has signed, the content they signed must not change under the later
        # signers (the service refuses it too): the pages are read-only until the last sign-off
        # locks the version, or the sign-offs are removed.
        rules = allowed(d)
        self._read_only = not rules.edit
        self.details.call_in_days = self.service.call_in_days_for(d)
        self.details.load(d, self._read_only)
        for page in self.principles:
            page.load(d.answer(page.principle.slug), self._read_only,
                      follow_up=rules.mark_actions)
        self.appraisal.load(d, self._read_only)
        self._bases = dict.fromkeys(range(self.summary_page), d)
        if d.status == Status.SIGNED_OFF:
            self.set_banner(f"Version {d.version} is signed off and locked. "
                            "To change it, make an amendment; this version will be kept.")
        elif d.status == Status.WITHDRAWN:
            self.set_banner("This decision has been withdrawn. It is kept for the record "
                            "and cannot be changed.")
        elif d.sign_offs:
            signed = len(d.sign_offs)
            self.set_banner(
                f"{signed} sign-off{'s' if signed != 1 else ''} recorded, so this version cannot "
                "change now. Record the rest (Decision ▸ Record sign-off…), or remove one "
                "recorded by mistake (Decision ▸ Remove a recorded sign-off…).")
        else:
            self.set_banner("")
        self._refresh_tasks()

    def set_banner(self, text: str) -> None:
        """The notice above the pages; sign-off and amendment code may set its own text.
        What another process did to the record, once noticed, stays at its start."""
        self._state_note = text
        self.banner.show_message(" ".join(
            x for x in (self._happened, AWAY if self._away else "", text) if x))

    def _register_away(self, away: bool) -> None:
        """Shows or takes down the calm notice that the server is away, and paces the next
        tries: sooner at first, then further apart (the first after a second)."""
        if away:
            self._away_ms = AWAY_FIRST_MS if not self._away else min(
                self._away_ms * 2, AWAY_LONGEST_MS)
            self._retry.start(self._away_ms)
        else:
            self._retry.setInterval(RETRY_MS)
        if away != self._away:
            self._away = away
            self.set_banner(self._state_note)

    def _refresh_tasks(self) -> None:
        d = self._decision
        if d is None:
            return
        from desktop.ui.register.model import EXAMPLE_PREFIX

        title = (EXAMPLE_PREFIX if self.service.is_example(d.id) else "") + d.title
        self.title_label.setText(title)
        self.title_label.setToolTip(title)
        self.task_list.set_state(0, "Incomplete" if detail_problems(d) else "Completed")
        for i, page in enumerate(self.principles, start=1):
            answer = d.answer(page.principle.slug)
            self.task_list.set_state(i, answer_state(answer), answer.rating)
            page.show_progress(answer)
        self.task_list.set_state(self.summary_page, d.status.label)
        self.task_list.set_state(self.appraisal_page, appraisal_state(d))
        if self._checklist is not None:
            self.progress_label.setText(self._checklist.progress(completed_slugs(d)))

    # ---- autosave ------------------------------------------------------------------------------
    def _edited(self, page: int) -> None:
        if self._read_only or self._decision is None:
            return
        self._dirty.add(page)
        # Not restarted on every key: someone typing without a pause must still be saved
        # within AUTOSAVE_MS of the first unsaved key (the crash test kills a typing window).
        # While the server is away, the paced tries ask it, and one soon after typing.
        if self._away:
            if not self._retry.isActive() or self._retry.remainingTime() > AWAY_TYPED_MS:
                self._retry.start(AWAY_TYPED_MS)
        elif not self._timer.isActive():
            self._timer.start()

    def server_back(self) -> None:
        """The shared register can be reached again: what waits for it is saved at once."""
        if self._away or self._dirty:
            self.save_now()

    def unsaveable(self) -> list[str]:
        """Typed text that autosave cannot store (each page shows its own error beside it)."""
        if self._unsaved:
            return [f"what you typed on {self._pages(self._unsaved)}: the decision changed elsewhere "
                    "(see the notice at the top), so it can no longer be saved"]
        refused: list[str] = []
        if self._decision is None or self._read_only:
            return refused
        if self._dirty and self._last_error:  # typed, but the register refused to save it
            refused.append(f"what you typed on {self._pages(self._dirty)}: {self._last_error}")
        refused.extend(f"{label}: what you typed was not saved (changed by someone else)"
                       for label, _theirs, _mine in self._conflicted_parts())
        return [*refused, *self.details.unsaveable(),
                *(x for p in self.principles for x in p.unsaveable())]

    def save_now(self) -> bool:
        """Write every pending edit now. False (and the text kept on screen) if it failed."""
        self._timer.stop()
        self._retry.stop()
        if self._decision is not None and not self._read_only:
            self.appraisal.save_rejected()  # its wording, if typed and not yet saved
            self.appraisal.save_long_list()  # likewise the long list
        if not self._dirty or self._decision is None or self._read_only:
            self._register_away(False)  # nothing is waiting for the server
            return True
        try:
            for page in sorted(self._dirty):
                # The service writes the page's edit (what changed since the record it was
                # loaded from) and returns the record as written, merged with what someone
                # else saved meanwhile.
                self.page_widget(page).show_problems()
                try:
                    saved = self._save_page(page, self._bases.get(page, self._decision))
                except EditConflict as conflict:
                    self._conflicts[page] = conflict
                    self._dirty.discard(page)
                    self._show_stored(conflict.saved)
                    continue
                self._conflicts.pop(page, None)
                self._dirty.discard(page)
                self._bases[page] = saved
                self._show_stored(saved)
        except (Refused, NotFound) as exc:
            # The record changed state elsewhere (signed, amended, withdrawn, deleted): the
            # window shows it as it is now, and what was typed beside it. Never retried.
            if not self.stored_changed():
                self._last_error = str(exc)
                self.save_failed.emit("Not saved")
                self.dialogs.error(self, "Your changes could not be saved",
                                   f"{exc}\n\nWhat you typed is still on screen.")
            return False
        except Unreachable as exc:
            # The server is away (stopped, restarting, the network): the text stays on the
            # pages, the banner says so calmly, and the paced tries save it once it is back.
            self._last_error = str(exc)
            self.save_failed.emit("Not saved yet — will try again")
            self._register_away(True)
            return False
        except KnownError as exc:
            message = str(exc)
            self.save_failed.emit("Not saved yet — will try again")
            self._retry.setInterval(RETRY_MS)
            self._retry.start()
            if message != self._last_error:
                self._last_error = message
                self.dialogs.error(
                    self, "Your changes are not saved yet",
                    f"{message}\n\nWhat you typed is still on screen. The app will try again "
                    "when you next type, or in a few seconds.")
            return False
        finally:
            self._show_conflicts()
        self._last_error = ""
        self._register_away(False)
        self._refresh_tasks()
        if self._conflicts:
            self.save_failed.emit(f"Not saved: {CHANGED_ELSEWHERE.lower()} (see above the page)")
        else:
            self.saved.emit(dt.datetime.now().strftime("%H:%M:%S"))
        self.record_changed.emit(self._decision)
        return not self._conflicts

    def stored_changed(self) -> bool:
        """Read the open record again after another process changed the register. True if
        its state changed (signed off, amended, withdrawn, deleted, a sign-off recorded or
        removed): the pages then show it as stored, read-only where it may not change; or,
        if something typed there was not saved yet, they go read-only with it still on them
        (to be copied), and the notice at the top says what happened. Never retried. A change
        of content alone is shown, and merged with what is typed, as an autosave does."""
        held = self._decision
        if held is None:
            return False
        try:
            fresh: Decision | None = self.service.get(held.id)
        except NotFound:
            fresh = None
        if fresh == held:
            return False
        if fresh is not None and _state(fresh) == _state(held):
            # Shown on every page with nothing unsaved on it; a page with typing keeps its
            # base, so its autosave merges what was typed there into this.
            self._show_stored(fresh)
            self._refresh_tasks()
            self.record_changed.emit(fresh)
            return False
        typed = sorted(self._dirty | set(self._conflicts))
        if typed and fresh is not None and fresh.version == held.version and allowed(fresh).edit:
            self._show_stored(fresh)  # editable still (a sign-off removed): merged on saving
            self.record_changed.emit(fresh)
            return False
        self._timer.stop()
        self._retry.stop()
        self._dirty.clear()
        self._conflicts.clear()
        self._show_conflicts()
        self._last_error = ""
        at = dt.datetime.now().strftime("%H:%M")
        happened = _what_happened(held, fresh)
        self._decision = fresh
        if typed:
            # Read-only, with what was typed left on the pages to be copied; never retried.
            self._unsaved = typed
            self._read_only = True
            self.details.lock_as_typed()
            for page in self.principles:
                page.lock_as_typed()
            self.appraisal.load(held, True)
            self._happened = (
                f"Not saved: while you were typing, this decision {happened} elsewhere at {at} "
                "(from the command line or another copy of the app), so it can no longer be "
                f"changed here. What you typed on {self._pages(typed)} since the last save is still "
                "on screen: select it and copy it (Ctrl+C) before you leave this decision.")
            self.save_failed.emit("Not saved: the decision changed elsewhere (see the notice)")
        elif fresh is None:
            self._read_only = True
            self.details.load(held, True)
            for page in self.principles:
                page.load(held.answer(page.principle.slug), True, follow_up=False)
            self.appraisal.load(held, True)
            self._happened = (f"This decision {happened} elsewhere at {at}. What is shown is "
                              "what was last saved.")
        else:
            self._happened = f"This decision {happened} elsewhere at {at}."
            self._load_all()  # its notice follows what happened
            self.go_to(self.current_page())
        if fresh is None:
            self.record_gone.emit(held.id)
        else:
            self._refresh_tasks()
            self.record_changed.emit(fresh)  # the lifecycle actions follow allowed(fresh)
        if typed or fresh is None:
            self.set_banner("")  # what happened, alone
        return True

    def _save_page(self, page: int, held: Decision) -> Decision:
        if page == 0:
            return self.service.update(held, **self.details.changes())
        p = self.principles[page - 1]
        return self.service.set_answer(held, p.principle.slug, p.answer())

    def _show_stored(self, decision: Decision, appraisal: bool = True) -> None:
        """Hold `decision` (as stored now) and show it on every page with nothing unsaved on
        it; a page refused for a conflict keeps what was typed in the parts concerned.
        `appraisal=False`: the appraisal page shows it already (it wrote it)."""
        self._decision = decision
        if appraisal:
            self.appraisal.load(decision, self._read_only)
        for page in range(self.summary_page):
            if page in self._dirty:
                continue
            conflict = self._conflicts.get(page)
            keep = frozenset(_page_part(page, c) for c in conflict.conflicts) if conflict else (
                frozenset())
            if page == 0:
                self.details.refresh(decision, keep)
            else:
                p = self.principles[page - 1]
                p.refresh(decision.answer(p.principle.slug), keep)
            if conflict is None:
                self._bases[page] = decision

    def _conflicted_parts(self) -> list[tuple[str, object, object]]:
        """(label, saved elsewhere, typed here) of each part refused for a conflict."""
        assert self._decision is not None or not self._conflicts
        return [item for page, conflict in sorted(self._conflicts.items())
                for item in self._typed_parts(page, conflict.conflicts, self._decision)]

    def _typed_parts(self, page: int, names: tuple[str, ...] | None,
                     stored: Decision | None) -> list[tuple[str, object, object]]:
        """(label, stored value, typed value) of the parts `names` of a page (None: every
        part typed there since it was loaded)."""
        base = self._bases.get(page, self._decision)
        if base is None:
            return []
        if page == 0:
            typed = replace(base, **self.details.changes())
        else:
            p = self.principles[page - 1]
            typed = replace(base, answers={**base.answers, p.principle.slug: p.answer()})
        titles = {p.principle.slug: f"{p.principle.number}. {p.principle.title}"
                  for p in self.principles}
        names = changed_parts(base, typed) if names is None else names
        return [(part_label(name, titles), part_value(stored or base, name),
                 part_value(typed, name)) for name in names]

    def _pages(self, pages) -> str:
        """'the details, principle 3, duty 11': the editor's pages, as their sections are
        named (page n is section n)."""
        return ", ".join("the details" if page == 0
                         else f"{self.principles[page - 1].principle.noun} {page}"
                         if 0 < page <= len(self.principles) else f"page {page}"
                         for page in sorted(pages))

    def _show_conflicts(self) -> None:
        self.conflict_note.show_parts(self._conflicted_parts())

    def _forget_conflicts(self) -> None:
        self._conflicts.clear()
        self._happened = ""
        self._show_conflicts()

    def show_saved_version(self) -> None:
        """Replace what was typed in the parts someone else changed with what is stored now
        (the notice offers it once the user has copied what they typed)."""
        if self._decision is None:
            return
        self.save_now()
        self._forget_conflicts()
        self._decision = self.service.get(self._decision.id)
        self._load_all()
        self.record_changed.emit(self._decision)

    def _to_appraisal(self) -> None:
        self.go_to(self.appraisal_page)
        self.appraisal.focus_field()

    def _appraisal_saved(self, decision: Decision) -> None:
        """The appraisal page wrote the record: every other page holds it as stored now."""
        self._show_stored(decision, appraisal=False)
        self._refresh_tasks()
        self.saved.emit(dt.datetime.now().strftime("%H:%M:%S"))
        self.record_changed.emit(decision)

    def set_action_done(self, page: int, row: int, done: bool) -> bool:
        """Tick an action done (or not): allowed after sign-off too, and audited."""
        if self._decision is None or not self.save_now() or self.stored_changed():
            return False  # changed elsewhere: the window shows the record as it is now
        p = self.principles[page - 1]
        try:
            self._decision = self.service.lifecycle.set_action_done(
                self._decision.id, p.principle.slug, row, done, self._decision.version)
        except KnownError as exc:
            self.dialogs.error(self, "Cannot update this action", str(exc))
            return False
        p.set_done(row, done)
        self._refresh_tasks()
        self.saved.emit(dt.datetime.now().strftime("%H:%M:%S"))
        self.record_changed.emit(self._decision)
        return True

    # ---- navigation ------------------------------------------------------------------------------
    def go_to(self, page: int, field: str = "") -> None:
        self.save_now()
        last = self.summary_page
        page = max(0, min(self.appraisal_page, page))
        if page == last and self._decision is not None:
            self.summary.show_decision(self._decision, self.service.checklist_for(self._decision),
                                       self.service.lifecycle.imported_sign_offs(self._decision))
        self.stack.setCurrentIndex(page)
        self.task_list.set_current(page)
        self.back_button.setEnabled(page > 0)
        self.next_button.setVisible(page != last)
        nxt = self.task_list.title(self._step(page, 1))
        self.next_button.setToolTip(f"Go to {nxt} (Ctrl+PgDown)")
        self.next_button.setAccessibleDescription(f"Go to {nxt}")
        self.page_changed.emit(page)
        if field:
            self.page_widget(page).focus_field(field)
        else:
            self.scrolls[page].verticalScrollBar().setValue(0)

    def page_widget(self, page: int):
        return ([self.details, *self.principles, self.summary, self.appraisal])[page]

    def _step(self, page: int, by: int) -> int:
        """The page `by` steps on from `page` in reading order (staying at either end)."""
        order = self.order
        return order[max(0, min(len(order) - 1, order.index(page) + by))]

    def focus_first_field(self) -> None:
        self.page_widget(self.current_page()).focus_field()

    def next_page(self) -> None:
        self.go_to(self._step(self.current_page(), 1))
        self.focus_first_field()

    def previous_page(self) -> None:
        self.go_to(self._step(self.current_page(), -1))
        self.focus_first_field()

    def guidance_visible(self) -> bool:
        return self._guidance

    def set_guidance_visible(self, visible: bool) -> None:
        """Show or hide the guidance on every section's page: the choice follows the user."""
        self._guidance = visible
        for page in self.principles:
            page.set_guidance_visible(visible)

    # ---- settings -------------------------------------------------------------------------------
    def save_state(self, settings) -> None:
        settings.setValue("editor/splitter", self.splitter.saveState())
        settings.setValue("editor/guidance", "shown" if self.guidance_visible() else "hidden")

    def restore_state(self, settings) -> None:
        state = settings.value("editor/splitter")
        if isinstance(state, QByteArray | bytes):
            self.splitter.restoreState(QByteArray(state))
        self.set_guidance_visible(settings.value("editor/guidance") != "hidden")


def _page_part(page: int, name: str) -> str:
    """A part merge() names, as the page calls it: "title", or "response" for an answer."""
    return name if page == 0 else name.rsplit(".", 1)[1]


def _state(d: Decision) -> tuple[object, ...]:
    """What decides what may be done to a record (desktop/domain/rules.py)."""
    return d.version, d.status, d.sign_offs


def _what_happened(held: Decision, fresh: Decision | None) -> str:
    """What another process did to the open record: "was signed off", "was deleted"."""
    if fresh is None:
        return "was deleted"
    if fresh.version != held.version:
        return f"was amended (version {fresh.version} is now the current one)"
    if fresh.status != held.status and fresh.status in (Status.SIGNED_OFF, Status.WITHDRAWN):
        return f"was {fresh.status.label.lower()}"
    if len(fresh.sign_offs) > len(held.sign_offs):
        return "had a sign-off recorded"
    if len(fresh.sign_offs) < len(held.sign_offs):
        return "had a sign-off removed"
    return "was changed"
