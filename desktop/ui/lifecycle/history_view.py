"""A decision's history: every audited change, the versions, the redline, and the audit check."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.application.integrity import IntegrityReport, check_integrity
from desktop.domain.checklist import Checklist
from desktop.domain.dates import short_date
from desktop.domain.decision import Rating, Status
from desktop.domain.history import Edit, fold_edits
from desktop.domain.redline import field_label
from desktop.ui import theme
from desktop.ui.lifecycle.redline import RedlineView
from desktop.ui.widgets import fit_to_screen, text_label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from desktop.application.decisions import DecisionService
    from desktop.ui.lifecycle.audit_check import AuditCheckRunner

COLUMNS = ("When", "Who", "Version", "What changed", "Before", "After")
ALTERED = "Altered outside the app: "


def when_text(at: str) -> str:
    """An audit timestamp (UTC) in local time, e.g. '25 Nov 2026 09:00:01'."""
    try:
        moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    local = moment.astimezone()
    return f"{short_date(local.date().isoformat())} {local:%H:%M:%S}"


def value_text(value: str | None, field: str = "") -> str:
    """An audited value as a reader sees it (ratings by name, lists one item per line)."""
    if value is None:
        return "—"
    if field.endswith(".rating") and value in set(Rating):
        return Rating(value).label
    if field == "status" and value in set(Status):
        return Status(value).label
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return value
        if isinstance(items, list) and all(isinstance(i, dict) for i in items):
            return "\n".join(
                " · ".join(str(v) for v in item.values() if v not in (None, "")) for item in items
            ) or "(none)"
    return value


class AuditTableModel(QAbstractTableModel):
    """A person's edits to one decision (fold_edits: a field's rapid autosaves read as one
    edit, the value before and after); edits with a row the check found altered are marked."""

    def __init__(self, entries: list[Edit], checklist: Checklist | None = None,
                 parent=None, shown: dict[int, str] | None = None) -> None:
        super().__init__(parent)
        self.entries = list(entries)
        self.checklist = checklist
        self.tampered: set[int] = set()
        # row id -> what it shows instead of its value (imported_sign_offs.shown_values)
        self.shown = shown or {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def text(self, row: int, column: int) -> str:
        e = self.entries[row]
        if column == 0:
            prefix = ALTERED if self._tampered(e) else ""
            when = when_text(e.at)
            if e.saves > 1:  # "25 Nov 2026 09:00:01 – 09:03:12 (5 saves)"
                start = when_text(e.started_at)
                same_day = start[:-8] == when[:-8]
                when = f"{start} – {when[-8:] if same_day else when} ({e.saves} saves)"
            return prefix + when
        if column == 1:
            return e.user
        if column == 2:
            return str(e.version) if e.version else "—"
        if column == 3:
            return field_label(e.field, self.checklist)
        if column == 5 and e.id in self.shown:
            return self.shown[e.id]
        return value_text(e.old_value if column == 4 else e.new_value, e.field)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.text(row, column)
            return text if len(text) <= 160 else text[:159] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.text(row, column)
        tampered = self._tampered(self.entries[row])
        if role == Qt.ItemDataRole.FontRole and tampered:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and tampered:
            return QBrush(QColor("#f6d7d2"))
        return None

    def _tampered(self, e: Edit) -> bool:
        return any(i in self.tampered for i in e.ids)

    def set_entries(self, entries: list[Edit]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def mark_tampered(self, ids) -> None:
        self.tampered = set(ids)
        if self.entries:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.entries) - 1, len(COLUMNS) - 1))


class HistoryView(QDialog):
    """History of one decision: changes, the redline since an earlier version, the check."""

    # The check's verdict. The name hides QDialog.result() (a dialog's exit code), which this
    # dialog never sets or reads.
    result: QLabel  # type: ignore[assignment]

    def __init__(self, service: DecisionService, decision_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.decision = service.get(decision_id)
        d = self.decision
        self.setWindowTitle(f"History — {d.title}")
        fit_to_screen(self, 1100, 680, parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 16, 24, 16)
        col.setSpacing(12)
        col.addWidget(text_label(f"History of “{d.title}”", "h1"))
        versions = service.lifecycle.versions(d.id)
        col.addWidget(text_label(" · ".join(
            f"Version {v}: {s.label}{' (current)' if v == d.version else ''}"
            for v, s in versions), "caption"))
        if versions and versions[0][0] > 1:  # imported at a later version
            self.missing = text_label(service.lifecycle.held_versions(d.id).missing(), "caption")
            col.addWidget(self.missing)

        top = QHBoxLayout()
        self.check_button = QPushButton("Check audit trail")
        self.check_button.setToolTip("Check that no change was made outside the app")
        self.check_button.clicked.connect(self.check_in_background)
        self._checker: AuditCheckRunner | None = None
        top.addWidget(self.check_button)
        top.addStretch(1)
        col.addLayout(top)
        self.result_box = QWidget()
        box = QHBoxLayout(self.result_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        self.result_strip = QFrame()  # green when intact, red when not; the words say which
        self.result_strip.setFixedWidth(8)
        box.addWidget(self.result_strip)
        self.result = text_label("")
        box.addWidget(self.result, 1)
        self.result_box.hide()
        col.addWidget(self.result_box)

        self.tabs = QTabWidget()
        self._redline_tab: int | None = None  # the "Changes since version N" tab, if any
        # Newest first: the latest change is what a reader usually looks for.
        from desktop.domain.imported_sign_offs import shown_values

        history = service.lifecycle.history(d.id)
        self.model = AuditTableModel(fold_edits(history)[::-1], service.checklist_for(d), self,
                                     shown_values(history))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for c in range(3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, 320)
        for c in (4, 5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Every change to this decision")
        self.tabs.addTab(self.table, "Changes")

        self.redline = RedlineView()
        self.compare = QComboBox()
        self.compare.setAccessibleName("Compare with version")
        for v, s in versions:
            if v < d.version:
                self.compare.addItem(f"Changes since version {v} ({s.label.lower()})", v)
        holder = QWidget()
        h = QVBoxLayout(holder)
        h.setContentsMargins(0, 8, 0, 0)
        h.addWidget(self.compare, 0, Qt.AlignmentFlag.AlignLeft)
        h.addWidget(self.redline, 1)
        if self.compare.count():
            self.compare.setCurrentIndex(self.compare.count() - 1)
            self.compare.currentIndexChanged.connect(lambda _i: self.show_redline())
            self.show_redline()
            self._redline_tab = self.tabs.addTab(holder, f"Changes since version {d.version - 1}")
        else:
            holder.hide()
        col.addWidget(self.tabs, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        col.addLayout(bottom)

    def show_redline(self) -> None:
        since = self.compare.currentData()
        if since is None:
            return
        changes = self.service.lifecycle.changes_since(self.decision, since)
        self.redline.show_changes(changes, since, self.decision.amendment_reason)
        if self._redline_tab is not None:  # the tab names the version it compares with
            self.tabs.setTabText(self._redline_tab, f"Changes since version {since}")

    def check_in_background(self) -> None:
        """The button: run the check off the GUI thread (seconds on a large register)."""
        from desktop.ui.lifecycle.audit_check import AuditCheckRunner

        if self._checker is None:
            self._checker = AuditCheckRunner(self.service, self)
            self._checker.finished.connect(self._checked)
        if self._checker.start():
            self.check_button.setEnabled(False)
            self.check_button.setText("Checking the audit trail…")

    def _checked(self, result) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText("Check audit trail")
        if isinstance(result, IntegrityReport):
            self.show_report(result)
        else:
            self.result.setText(str(result))
            self.result_strip.setStyleSheet(f"background: {theme.RED};")
            self.result_box.show()

    def check(self) -> IntegrityReport:
        """Run the audit check over the whole database now and show what it found."""
        return self.show_report(check_integrity(self.service))

    def show_report(self, report: IntegrityReport) -> IntegrityReport:
        self.model.mark_tampered(report.tampered_rows)
        lines = report.lines()
        text = report.summary() + ("\n" + "\n".join(f"• {x}" for x in lines) if lines else "")
        self.result.setText(text)
        colour = theme.GREEN if report.ok else theme.RED
        self.result_strip.setStyleSheet(f"background: {colour};")
        self.result.setAccessibleName(text)
        self.result_box.show()
        return report
