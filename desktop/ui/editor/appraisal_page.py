"""The options appraisal page: the criteria and their weights (locked before any score), the
matrix of scores, the results (totals, ranking, must-pass fails, sensitivity, where the
principle pages disagree, a chart) and the "alternative options considered and rejected"
paragraph.

Each change is one write through AppraisalWrites, saved at once (not autosaved like typed
text): the record comes back as stored and the page shows it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appraisal import (
    CSF_TITLES,
    MAX_CUSTOM,
    Appraisal,
    Criterion,
    LongListEntry,
    appraisal_problems,
    leader,
    ranking,
    shortlist_problems,
    unscored,
)
from desktop.domain.appraisal_text import (
    criterion_title,
    disagreement_messages,
    generated_rejected_paragraph,
    option_label,
    rejected_options_text,
    sensitivity_line,
    total_label,
)
from desktop.domain.dates import short_date
from desktop.domain.decision import Decision
from desktop.domain.errors import KnownError
from desktop.ui.editor.appraisal_chart import Bar, TotalsChart
from desktop.ui.editor.appraisal_matrix import MatrixView
from desktop.ui.editor.appraisal_writes import AppraisalWrites
from desktop.ui.editor.criteria_table import CriteriaTable
from desktop.ui.editor.row_table import Column, RowTable
from desktop.ui.editor.score_dialog import ScoreDialog
from desktop.ui.widgets import (
    READING_WIDTH,
    ButtonRow,
    Field,
    LinkButton,
    PlainText,
    primary_button,
    text_label,
)

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START = (
    "Not started", "In progress", "Completed", "Cannot start yet")
# The page is wider than a reading column: six options across need about 900 px. Its text
# stays at READING_WIDTH.
PAGE_WIDTH = 1100
REJECTED_SAVE_MS = 800
LONG_LIST_SAVE_MS = 800
LONG_LIST_COLUMNS = [
    Column("name", "Option considered", 3, spoken="Long-list option", lines=1),
    Column("kept", "Kept or dropped", 1, (("kept", "Kept"), ("dropped", "Dropped")),
           spoken="Kept or dropped, long-list option"),
    Column("reason", "Why", 4, spoken="Why kept or dropped, long-list option", lines=2),
]
INTRO = ("Compare the shortlisted options against the checklist's sections and the Green "
         "Book's five critical success factors. Weights are set and locked before any option "
         "is scored, so nobody can weight after the fact to get the answer they wanted.")


def appraisal_state(decision: Decision) -> str:
    """The page's status in the task list."""
    if decision.appraisal is None:
        return CANNOT_START if shortlist_problems(decision.options) else NOT_STARTED
    return IN_PROGRESS if appraisal_problems(decision.appraisal, decision.options) else COMPLETED


def own_id(title: str, taken: tuple[str, ...]) -> str:
    """An own criterion's id from its title: lower-case words joined by hyphens, never one
    already used (nor a critical success factor's)."""
    stem = "-".join(re.findall(r"[a-z0-9]+", title.lower())) or "own"
    found, n = stem, 2
    while found in taken or found in CSF_TITLES:
        found, n = f"{stem}-{n}", n + 1
    return found


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _column(text_width: bool = True) -> QWidget:
    """A block of the page; text blocks keep to the reading width."""
    block = QWidget()
    if text_width:
        block.setMaximumWidth(READING_WIDTH)
    return block


class AppraisalPage(QWidget):
    """Shows one decision's appraisal and makes each change through `writes`."""

    changed = Signal(object)  # the Decision as stored after a write
    details_requested = Signal()  # "Go to Decision details" (to fix the shortlist)

    def __init__(self, writes: AppraisalWrites, dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.writes = writes
        self.dialogs = dialogs
        self._decision: Decision | None = None
        self._shown: tuple[object, ...] = ()  # what the page was last drawn from
        self._read_only = False
        self.score_dialog: ScoreDialog | None = None
        self.setMaximumWidth(PAGE_WIDTH)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(24)
        col.addWidget(text_label("Options appraisal", "h1"))
        self.intro = text_label(INTRO, "caption")
        self.intro.setMaximumWidth(READING_WIDTH)
        col.addWidget(self.intro)

        # What stops the appraisal (the shortlist), with the way to the page that fixes it.
        self.problem_box = QFrame()
        self.problem_box.setObjectName("problemBox")
        self.problem_box.setMaximumWidth(READING_WIDTH)
        pb = QVBoxLayout(self.problem_box)
        pb.addWidget(text_label("The shortlist is not ready", "h2"))
        self.problems = text_label("")
        pb.addWidget(self.problems)
        self.to_details = LinkButton("Go to Decision details to change the options")
        self.to_details.clicked.connect(self.details_requested)
        pb.addWidget(self.to_details)
        col.addWidget(self.problem_box)

        self.start_button = primary_button("Start the options appraisal")
        self.start_button.clicked.connect(self.start)
        self.start_row = ButtonRow()
        self.start_row.add(self.start_button)
        col.addWidget(self.start_row)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(24)
        # What is still to do before the appraisal is complete (the shortlist's own problems
        # are in the box above).
        self.todo = text_label("", "label")
        self.todo.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.todo)
        col.addWidget(self.body)
        self._build_long_list(body)
        self._build_criteria(body)
        self._build_matrix(body)
        self._build_results(body)
        self._build_rejected(body)
        self._build_remove(body)
        col.addStretch(1)

    # ---- building ------------------------------------------------------------------------
    def _build_long_list(self, body: QVBoxLayout) -> None:
        body.addWidget(text_label("The long list", "h2"))
        hint = text_label("Optional. Every option you considered before the shortlist, whether "
                          "it was kept for the shortlist or dropped, and why. It is printed "
                          "before the matrix.", "hint")
        hint.setMaximumWidth(READING_WIDTH)
        body.addWidget(hint)
        self.long_list = RowTable(LONG_LIST_COLUMNS, "long-list option",
                                  "Add an option to the long list")
        self.long_list.setMaximumWidth(READING_WIDTH)
        self.long_list.edited.connect(self._long_list_typed)
        self.long_list.rows_changed.connect(self._chain)
        body.addWidget(self.long_list)
        self._long_list_timer = QTimer(self)
        self._long_list_timer.setSingleShot(True)
        self._long_list_timer.setInterval(LONG_LIST_SAVE_MS)
        self._long_list_timer.timeout.connect(self.save_long_list)
        self._long_list_for: tuple[str, bool] | None = None  # (decision, read-only) shown

    def _build_remove(self, body: QVBoxLayout) -> None:
        self.remove_row = ButtonRow()
        self.remove_button = QPushButton("Remove the options appraisal")
        self.remove_button.setAccessibleDescription(
            "Takes the criteria, weights, scores and evidence off this record, after asking. "
            "The removal is recorded in the audit log.")
        self.remove_button.clicked.connect(self.remove)
        self.remove_row.add(self.remove_button)
        body.addWidget(self.remove_row)

    def _build_criteria(self, body: QVBoxLayout) -> None:
        body.addWidget(text_label("1. Criteria and weights", "h2"))
        self.weights_hint = text_label("", "hint")
        self.weights_hint.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.weights_hint)
        self.criteria = CriteriaTable()
        self.criteria.setMaximumWidth(READING_WIDTH)
        self.criteria.weight_edited.connect(self._weight_edited)
        self.criteria.must_pass_toggled.connect(self._must_pass_toggled)
        self.criteria.remove_requested.connect(self._remove_own)
        body.addWidget(self.criteria)
        self.own_block = _column()
        ob = QVBoxLayout(self.own_block)
        ob.setContentsMargins(0, 0, 0, 0)
        self.own_title = QLineEdit()
        self.own_title.returnPressed.connect(self.add_own)
        self.own_field = Field("Your own criterion", self.own_title,
                               f"Up to {MAX_CUSTOM}, e.g. 'Social value and local jobs'.")
        ob.addWidget(self.own_field)
        self.add_button = QPushButton("Add criterion")
        self.add_button.clicked.connect(self.add_own)
        row = ButtonRow()
        row.add(self.add_button)
        ob.addWidget(row)
        body.addWidget(self.own_block)
        self.lock_button = primary_button("Lock weights")
        self.lock_button.setAccessibleDescription(
            "Fixes the weights so that scoring can begin. A later change is recorded and "
            "printed with the record.")
        self.lock_button.clicked.connect(self.lock)
        self.lock_row = ButtonRow()
        self.lock_row.add(self.lock_button)
        body.addWidget(self.lock_row)
        self.changes = text_label("")
        self.changes.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.changes)

    def _build_matrix(self, body: QVBoxLayout) -> None:
        body.addWidget(text_label("2. Scores", "h2"))
        self.matrix_hint = text_label("", "hint")
        self.matrix_hint.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.matrix_hint)
        self.matrix = MatrixView()
        self.matrix.open_cell.connect(self.open_cell)
        body.addWidget(self.matrix)
        self.gaps = text_label("", "hint")
        body.addWidget(self.gaps)

    def _build_results(self, body: QVBoxLayout) -> None:
        body.addWidget(text_label("3. Results", "h2"))
        self.results = QTableWidget(0, 4)
        # Two-line headings and no eliding: at 150% in a narrow window a long option name
        # wraps at its words instead of ending in "…", and no heading is clipped.
        self.results.setHorizontalHeaderLabels(["Rank", "Option", "Weighted\ntotal",
                                                "Must\npass"])
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.results.setAccessibleName("Results: each option's rank and weighted total")
        self.results.verticalHeader().hide()
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.results.setWordWrap(True)
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.results.horizontalHeader()
        for c, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                  QHeaderView.ResizeMode.Stretch,
                                  QHeaderView.ResizeMode.ResizeToContents,
                                  QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(c, mode)
        self.results.setMaximumWidth(READING_WIDTH)
        header.sectionResized.connect(lambda *_: self._fit_results())
        body.addWidget(self.results)
        self.chart = TotalsChart()
        self.chart.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.chart)
        self.sensitivity = text_label("", "label")
        self.sensitivity.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.sensitivity)
        self.left_out = text_label("")
        self.left_out.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.left_out)
        self.disagreements = text_label("", "warning")
        self.disagreements.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.disagreements)

    def _build_rejected(self, body: QVBoxLayout) -> None:
        body.addWidget(text_label("4. Alternative options considered and rejected", "h2"))
        self.rejected_hint = text_label("", "hint")
        self.rejected_hint.setMaximumWidth(READING_WIDTH)
        body.addWidget(self.rejected_hint)
        self.rejected = PlainText(6)
        self.rejected.setMaximumWidth(READING_WIDTH)
        self.rejected.setAccessibleName("Alternative options considered and rejected, and why")
        self.rejected.textChanged.connect(self._rejected_typed)
        body.addWidget(self.rejected)
        self.use_generated = QPushButton("Use generated text")
        self.use_generated.clicked.connect(self.restore_generated)
        row = ButtonRow()
        row.add(self.use_generated)
        body.addWidget(row)
        self._rejected_timer = QTimer(self)
        self._rejected_timer.setSingleShot(True)
        self._rejected_timer.setInterval(REJECTED_SAVE_MS)
        self._rejected_timer.timeout.connect(self.save_rejected)
        self._loading = False

    # ---- showing ------------------------------------------------------------------------
    @property
    def decision(self) -> Decision | None:
        return self._decision

    def load(self, decision: Decision, read_only: bool = False) -> None:
        """Show the record as stored; `read_only` when it may not change (signed, withdrawn).
        Nothing is redrawn when what the page shows is unchanged (the editor hands it the
        record after every autosave of another page, and the sensitivity takes a moment)."""
        shown = (decision.id, decision.appraisal, decision.options, read_only,
                 tuple((slug, a.rating) for slug, a in sorted(decision.answers.items())))
        self._decision = decision
        if shown == self._shown:
            return
        self._shown = shown
        self._read_only = read_only
        a = decision.appraisal
        problems = shortlist_problems(decision.options)
        self.problems.setText("\n".join(f"• {p}." for p in problems))
        self.problem_box.setVisible(bool(problems))
        self.to_details.setVisible(not read_only)
        self.start_row.setVisible(a is None and not problems and not read_only)
        self.body.setVisible(a is not None)
        if a is None:
            return
        todo = [p for p in appraisal_problems(a, decision.options) if p not in problems]
        self.todo.setText("To complete the appraisal:\n" + "\n".join(f"• {p}." for p in todo)
                          if todo else "The appraisal is complete.")
        locked = a.weights_locked
        self._show_long_list(decision, a)
        self.remove_row.setVisible(not read_only)
        self._show_criteria(a, locked)
        self.matrix.show_decision(decision)
        if locked:
            self.matrix_hint.setText("Arrow keys or Tab move between the cells; Enter or F2 "
                                     "opens a cell's score and evidence.")
        else:
            self.matrix_hint.setText("Scoring opens once the weights are locked (above).")
        gaps = unscored(a, len(decision.options))
        total = len(decision.options) * len(a.criteria)
        self.gaps.setText(f"{len(gaps)} of {total} cells not scored yet." if gaps
                          else f"All {total} cells scored.")
        self._show_results(decision, a)
        self._show_rejected(decision, a)
        self._chain()

    def _chain(self) -> None:
        """Tab goes down the page as it reads: the criteria (rebuilt with them), adding one,
        locking, the matrix, the results, the paragraph."""
        chain = [*self.long_list.focus_chain(), *self.criteria.focus_chain(), self.own_title,
                 self.add_button, self.lock_button, self.matrix, self.results, self.rejected,
                 self.use_generated, self.remove_button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def redraw(self) -> None:
        """Show the record held again (what was typed over it put back)."""
        if self._decision is not None:
            self._shown = ()
            self.load(self._decision, self._read_only)

    def _show_criteria(self, a: Appraisal, locked: bool) -> None:
        self.criteria.show_criteria(a.criteria, locked, self._read_only)
        if locked:
            by = f" by {a.weights_locked_by}" if a.weights_locked_by else ""
            self.weights_hint.setText(
                f"Weights locked on {short_date(a.weights_locked_at)}{by}. A weight changed "
                "now asks first, and the change is recorded and printed with the record.")
        else:
            self.weights_hint.setText(
                "Give each criterion a weight from 0 (not counted) to 100, and tick must pass "
                "where a 0 rules an option out whatever it scores elsewhere. Then lock the "
                "weights: only then can the options be scored.")
        own = sum(1 for c in a.criteria if c.kind == "custom")
        self.own_block.setVisible(not locked and not self._read_only)
        self.add_button.setEnabled(own < MAX_CUSTOM)
        self.own_title.setEnabled(own < MAX_CUSTOM)
        self.own_field.hint.setText(
            f"Up to {MAX_CUSTOM}, e.g. 'Social value and local jobs'." if own < MAX_CUSTOM
            else f"You have {MAX_CUSTOM} of your own criteria, the most there can be.")
        self.lock_row.setVisible(not locked and not self._read_only)
        self.changes.setText("\n".join(
            ["Weights changed after the lock (printed with the record):",
             *(f"• {criterion_title(a, w.criterion) if w.criterion in a.criterion_ids else w.criterion}: "
               f"{w.old} to {w.new}" + (f", by {w.changed_by}" if w.changed_by else "")
               + f", on {short_date(w.changed_at)}" for w in a.weight_changes)]
        ) if a.weight_changes else "")
        self.changes.setVisible(bool(a.weight_changes))

    def _show_results(self, decision: Decision, a: Appraisal) -> None:
        n = len(decision.options)
        ranked = ranking(a, n)
        self.results.setRowCount(len(ranked))
        for row, r in enumerate(ranked):
            fails = ", ".join(criterion_title(a, f) for f in r.fails)
            cells = (ordinal(r.rank), f"{r.option + 1}. {option_label(decision.options, r.option)}",
                     total_label(r.total), f"Fails: {fails}" if fails else "Passes")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.results.setItem(row, column, item)
        self._fit_results()
        places = {r.option: r for r in ranked}
        self.chart.set_bars([
            Bar(f"{o + 1}. {option_label(decision.options, o)}: {total_label(places[o].total)}, "
                f"ranked {ordinal(places[o].rank)}"
                + (", fails a must-pass criterion" if places[o].failed else ""),
                places[o].total, places[o].failed) for o in range(n)])
        self.sensitivity.setText(sensitivity_line(decision))
        first = leader(ranked)
        lines = []
        if first is not None:
            for c in a.criteria:
                other = leader(ranking(a, n, leave_out=c.id))
                if other is not None and other != first:
                    lines.append(f"• Without {c.title or c.id}, "
                                 f"{option_label(decision.options, other)} would rank first.")
        self.left_out.setText("Left out in turn:\n" + "\n".join(lines) if lines else (
            "Leaving out any one criterion does not change which option ranks first."
            if first is not None else ""))
        self.left_out.setVisible(bool(self.left_out.text()))
        messages = disagreement_messages(decision)
        self.disagreements.setText("\n".join(f"! {m}" for m in messages))
        self.disagreements.setVisible(bool(messages))

    def _fit_results(self) -> None:
        """Rows as tall as their wrapped text at the table's width now; no scroll bar."""
        table = self.results
        table.resizeRowsToContents()
        for row in range(table.rowCount()):  # room above and below a wrapped name
            table.setRowHeight(row, table.rowHeight(row) + 8)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + sum(table.rowHeight(r) for r in range(table.rowCount()))
                             + 2 * table.frameWidth() + 2)

    def long_list_entries(self) -> tuple[LongListEntry, ...]:
        """The long list as typed (rows without a name are not saved yet)."""
        return tuple(LongListEntry(row["name"].strip(), row["kept"] == "kept",
                                   row["reason"].strip())
                     for row in self.long_list.values() if row["name"].strip())

    def _show_long_list(self, decision: Decision, a: Appraisal) -> None:
        """The stored long list; rows being typed (and blank rows just added) are left alone
        while they say what is stored."""
        held = (decision.id, self._read_only)
        if held == self._long_list_for and (self._long_list_timer.isActive()
                                            or self.long_list_entries() == a.long_list):
            return  # what is typed is saved shortly, and shown then
        self._long_list_for = held
        self.long_list.set_values([{"name": e.name, "kept": "kept" if e.kept else "dropped",
                                    "reason": e.reason} for e in a.long_list],
                                  read_only=self._read_only)

    def _long_list_typed(self) -> None:
        if not self._read_only:
            self._long_list_timer.start()

    def save_long_list(self) -> None:
        self._long_list_timer.stop()
        d = self._decision
        if d is None or d.appraisal is None or self._read_only:
            return
        entries = self.long_list_entries()
        if entries != d.appraisal.long_list:
            self._write("Cannot save the long list",
                        lambda i: self.writes.set_long_list(i, entries))

    def remove(self) -> None:
        """Take the appraisal off the record, after asking (the removal is audited)."""
        d = self._decision
        if d is None or d.appraisal is None or self._read_only:
            return
        if not self.dialogs.confirm(
                self, "Remove the options appraisal?",
                f"This takes the long list, the {len(d.appraisal.criteria)} criteria and their "
                f"weights, and all {len(d.appraisal.scores)} scores and their evidence off "
                f"'{d.title}'. The removal is recorded in the audit log with your name and "
                "the time; it cannot be undone from here, and the appraisal would have to be "
                "entered again.", "Remove the appraisal"):
            return
        self._long_list_timer.stop()
        self._rejected_timer.stop()
        if self._write("Cannot remove the options appraisal", self.writes.remove):
            self.focus_field()

    def _show_rejected(self, decision: Decision, a: Appraisal) -> None:
        edited = bool(a.rejected_text.strip())
        self.rejected_hint.setText(
            "Your own wording: it is kept as you wrote it, and printed in the record."
            if edited else
            "Generated from the appraisal and each option's reason, and kept up to date with "
            "them. Edit it if you wish: your wording is then kept.")
        self.use_generated.setVisible(edited and not self._read_only)
        self.rejected.setReadOnly(self._read_only)
        if not self.rejected.hasFocus() and not self._rejected_timer.isActive():
            text = rejected_options_text(decision)
            if text != self.rejected.text():
                self._loading = True
                self.rejected.setPlainText(text)
                self._loading = False

    # ---- writing ------------------------------------------------------------------------
    def _write(self, title: str, write: Callable[[str], Decision]) -> bool:
        """One write of the appraisal; on a refusal the user is told why and the page shows
        the record as it was."""
        if self._decision is None:
            return False
        try:
            saved = write(self._decision.id)
        except KnownError as exc:
            self.dialogs.error(self, title, str(exc))
            self.redraw()
            return False
        self.load(saved, self._read_only)
        self.changed.emit(saved)
        return True

    def _appraisal(self) -> Appraisal:
        assert self._decision is not None and self._decision.appraisal is not None
        return self._decision.appraisal

    def start(self) -> None:
        if self._write("Cannot start the options appraisal", self.writes.start):
            self.focus_field()

    def _set_criteria(self, criteria: tuple[Criterion, ...]) -> bool:
        return self._write("Cannot change the criteria",
                           lambda d: self.writes.set_criteria(d, criteria))

    def _weight_edited(self, criterion: str, weight: int) -> None:
        a = self._appraisal()
        old = a.criterion(criterion)
        if weight == old.weight or self._read_only:
            return
        if not a.weights_locked:
            self._set_criteria(tuple(c if c.id != criterion else
                                     Criterion(c.id, c.kind, c.title, weight, c.must_pass)
                                     for c in a.criteria))
            return
        title = old.title or old.id
        if not self.dialogs.confirm(
                self, "Change a locked weight?",
                f"The weights were locked on {short_date(a.weights_locked_at)}. Changing the "
                f"weight of {title} from {old.weight} to {weight} is recorded, with your name "
                "and the time, and printed with the record.", "Change the weight"):
            self.redraw()
            return
        self._write("Cannot change the weight",
                    lambda d: self.writes.change_weight(d, criterion, weight))

    def _must_pass_toggled(self, criterion: str, on: bool) -> None:
        a = self._appraisal()
        self._set_criteria(tuple(c if c.id != criterion else
                                 Criterion(c.id, c.kind, c.title, c.weight, on)
                                 for c in a.criteria))

    def add_own(self) -> None:
        title = self.own_title.text().strip()
        if not title:
            self.own_field.set_error("Give your criterion a title")
            self.own_title.setFocus()
            return
        a = self._appraisal()
        c = Criterion(own_id(title, a.criterion_ids), "custom", title)
        if self._set_criteria((*a.criteria, c)):
            self.own_field.set_error("")
            self.own_title.clear()
            self.criteria.weights[c.id].setFocus()

    def _remove_own(self, criterion: str) -> None:
        a = self._appraisal()
        self._set_criteria(tuple(c for c in a.criteria if c.id != criterion))
        self.own_title.setFocus()

    def lock(self) -> None:
        a = self._appraisal()
        weighted = sum(1 for c in a.criteria if c.weight)
        if not self.dialogs.confirm(
                self, "Lock the weights?",
                f"{weighted} of {len(a.criteria)} criteria have a weight above 0. Once the "
                "weights are locked the options can be scored, and the criteria cannot be "
                "added to or removed. A weight changed after this is recorded, with who "
                "changed it and when, and printed with the record.", "Lock weights"):
            return
        if self._write("Cannot lock the weights", self.writes.lock_weights):
            self.matrix.setFocus()

    def open_cell(self, row: int, column: int) -> None:
        """The cell's score and evidence, in a dialog; refused before the weights are locked."""
        d = self._decision
        if d is None or d.appraisal is None:
            return
        a = d.appraisal
        if not a.weights_locked and not self._read_only:
            self.dialogs.error(
                self, "Lock the weights before scoring",
                "The options are scored only once the weights are locked, so that nobody can "
                "weight after the fact to get the answer they wanted. Set the weights in "
                "'1. Criteria and weights', then choose Lock weights.")
            return
        c = a.criteria[row]
        dialog = ScoreDialog(option_label(d.options, column), c, a.score(column, c.id),
                             read_only=self._read_only, dialogs=self.dialogs, parent=self)
        dialog.saved.connect(lambda score, evidence: self._write(
            "Cannot save the score",
            lambda i: self.writes.score(i, column, c.id, score, evidence)))
        dialog.cleared.connect(lambda: self._write(
            "Cannot clear the score", lambda i: self.writes.clear_score(i, column, c.id)))
        dialog.finished.connect(self._back_to_matrix)
        self.score_dialog = dialog
        dialog.open()

    def _back_to_matrix(self, _result: int = 0) -> None:
        """After the score dialog: the keyboard is back on the cell it was opened from."""
        self.activateWindow()
        self.matrix.setFocus()

    def _rejected_typed(self) -> None:
        if not self._loading and not self._read_only:
            self._rejected_timer.start()

    def save_rejected(self) -> None:
        """The author's wording (the generated paragraph typed back unchanged counts as none)."""
        self._rejected_timer.stop()
        d = self._decision
        if d is None or d.appraisal is None or self._read_only:
            return
        text = self.rejected.text()
        if text.strip() == generated_rejected_paragraph(d).strip():
            text = ""
        if text != d.appraisal.rejected_text:
            self._write("Cannot save the wording",
                        lambda i: self.writes.set_rejected_text(i, text))

    def restore_generated(self) -> None:
        self._rejected_timer.stop()
        if self._write("Cannot restore the generated text",
                       lambda i: self.writes.set_rejected_text(i, "")):
            self._loading = True
            assert self._decision is not None
            self.rejected.setPlainText(generated_rejected_paragraph(self._decision))
            self._loading = False
            self.rejected.setFocus()

    # ---- what the editor asks of a page --------------------------------------------------
    def focus_field(self, _key: str = "") -> None:
        for w in (self.start_button, self.to_details):
            if w.isVisibleTo(self):
                w.setFocus()
                return
        d = self._decision
        chain = self.criteria.focus_chain()
        if d is None or d.appraisal is None:
            return
        (self.matrix if d.appraisal.weights_locked or not chain else chain[0]).setFocus()

    def show_problems(self) -> None:
        """Nothing typed waits here: every change is saved as it is made (but the wording and
        the long list, saved shortly after typing stops, or now)."""
        self.save_long_list()
        self.save_rejected()

    def unsaveable(self) -> list[str]:
        return []
