"""Backups in the window: "Back up now" and "Restore from a backup…" in the File menu.

The restore dialog lists this database's backups (newest first, or any file chosen), shows
the register of the selected one read-only, and restores it only after the user confirms;
what is in the database now is backed up first. The work is done by desktop.application.backups.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.application import backups as backup
from desktop.application.backups import preview_register, restore_open_register
from desktop.domain.dates import padded_date
from desktop.domain.errors import KnownError
from desktop.ui import theme
from desktop.ui.widgets import LinkButton, fit_to_screen, primary_button, text_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

PREVIEW_ROWS = 500
COLUMNS = ("Reference", "Title", "Status", "Complete", "Overall rating")


class RestoreDialog(QDialog):
    """Pick a backup, look at its register, restore it after confirming."""

    restored = Signal(object)  # the backup made of the content that was replaced

    def __init__(self, service: DecisionService, dialogs, parent: QWidget | None = None, *,
                 folder: Path | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialogs = dialogs
        self.folder = folder
        self.db_path = Path(service.db_path())
        self.setWindowTitle("Restore from a backup")
        self.setModal(True)
        fit_to_screen(self, 1040, 600, parent)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(16)
        layout.addWidget(text_label("Restore from a backup", "h1"))
        layout.addWidget(text_label(
            "Choose a backup to see what it holds. Restoring replaces everything in "
            f"{self.db_path.name} with the backup; what is there now is backed up first, so "
            "nothing is lost.", "hint"))

        body = QHBoxLayout()
        body.setSpacing(16)
        left = QVBoxLayout()
        left.addWidget(text_label("Backups", "h2"))
        self.backups = QListWidget()
        self.backups.setAccessibleName("Backups, newest first")
        self.backups.setMinimumWidth(280)
        self.backups.setSpacing(4)
        self.backups.currentItemChanged.connect(lambda item, _old: self._show(item))
        left.addWidget(self.backups, 1)
        self.choose_file = LinkButton("Choose another backup file…")
        self.choose_file.setAccessibleName("Choose another backup file")
        self.choose_file.clicked.connect(self.choose_other_file)
        left.addWidget(self.choose_file)
        body.addLayout(left, 1)

        right = QVBoxLayout()
        self.summary = text_label("", "h2")
        right.addWidget(self.summary)
        self.preview = QTableWidget(0, len(COLUMNS))
        self.preview.setHorizontalHeaderLabels(COLUMNS)
        self.preview.setAccessibleName("Decisions in the selected backup")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setTabKeyNavigation(False)  # Tab leaves the table: no keyboard trap
        header = self.preview.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.preview, 1)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.restore_button = primary_button("Restore this backup")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.reload()

    # ---- listing and previewing --------------------------------------------------------------
    def reload(self) -> None:
        self.backups.clear()
        for info in backup.list_backups(self.db_path, self.folder):
            when = f"{padded_date(info.taken_at, weekday=True)}, {info.taken_at:%H:%M:%S}"
            self._add(info.path, f"{when}\n{info.why}")
        if self.backups.count():
            self.backups.setCurrentRow(0)
        else:
            self._show(None)

    def _add(self, path: Path, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.backups.addItem(item)
        return item

    def selected_path(self) -> Path | None:
        item = self.backups.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def choose_other_file(self) -> None:
        path = self.dialogs.open_file(self, "Choose a backup", "Databases (*.db);;All files (*)")
        if path:
            self.backups.setCurrentItem(self._add(Path(path), Path(path).name))

    def _show(self, item: QListWidgetItem | None) -> None:
        self.preview.setRowCount(0)
        self.restore_button.setEnabled(False)
        if item is None:
            self.summary.setText("There are no backups of this database yet.")
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        try:
            rows, total = preview_register(path, PREVIEW_ROWS)
        except KnownError as exc:
            self.summary.setText(f"This file cannot be restored. {exc}")
            return
        if total is None:
            self.summary.setText("This backup was made by an older version: it can be "
                                 "restored, but its register cannot be shown here.")
        else:
            shown = "" if total <= len(rows) else f" (the first {len(rows):,} are shown)"
            self.summary.setText(f"{total:,} decision{'s' if total != 1 else ''} in this "
                                 f"backup{shown}")
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.reference or "–", row.title, row.status.label, f"{row.complete}/{row.sections}",
                      theme.rating_text(row.overall_rating))
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.preview.setItem(r, c, cell)
        self.restore_button.setEnabled(True)

    # ---- restoring ---------------------------------------------------------------------------
    def restore_selected(self) -> bool:
        path = self.selected_path()
        if path is None:
            return False
        label = self.backups.currentItem().text().replace("\n", ", ")
        if not self.dialogs.confirm(
            self, "Restore this backup?",
            f"Everything in {self.db_path.name} will be replaced by the backup {label}. "
            "What is there now will be backed up first, so you can go back to it.",
            "Restore",
        ):
            return False
        try:
            saved = restore_open_register(self.service, path, folder=self.folder)
        except KnownError as exc:
            self.dialogs.error(self, "The backup was not restored", str(exc))
            return False
        where = f" What was there before is in {saved}." if saved else ""
        self.dialogs.info(self, "Restored", f"The backup {label} has been restored.{where}")
        self.restored.emit(saved)
        self.accept()
        return True


class BackupActions:
    """The File menu's backup actions for one window."""

    def __init__(self, window, service: DecisionService, dialogs, *, folder: Path | None = None) -> None:
        self.window = window
        self.service = service
        self.dialogs = dialogs
        self.folder = folder
        self.dialog: RestoreDialog | None = None
        self.backup_action = QAction("&Back up now", window)
        self.backup_action.setStatusTip("Make a copy of this database in the backups folder")
        self.backup_action.triggered.connect(self.back_up_now)
        self.restore_action = QAction("&Restore from a backup…", window)
        self.restore_action.setStatusTip("Look at a backup and put it back")
        self.restore_action.triggered.connect(self.open_restore_dialog)
        menu = window.file_menu
        menu.insertActions(window.quit_action, [self.backup_action, self.restore_action])
        menu.insertSeparator(window.quit_action)

    def back_up_now(self) -> Path | None:
        self.window.editor.save_now()
        try:
            made = backup.make_backup(Path(self.service.db_path()), self.service.file_db().conn,
                                      reason="manual", folder=self.folder)
        except KnownError as exc:
            self.dialogs.error(self.window, "The backup was not made", str(exc))
            return None
        self.dialogs.info(self.window, "Backed up", f"A copy of the database is in {made}.")
        return made

    def open_restore_dialog(self) -> RestoreDialog | None:
        if not self.window.editor.save_now():
            self.dialogs.error(self.window, "Cannot restore yet",
                               "Your latest changes are not saved yet; restore when they are.")
            return None
        self.dialog = RestoreDialog(self.service, self.dialogs, self.window, folder=self.folder)
        self.dialog.restored.connect(self._after_restore)
        self.dialog.open()
        return self.dialog

    def _after_restore(self, _saved) -> None:
        self.window.show_register()
        self.window.editor.clear()
        self.window.refresh()


def install_backup_actions(window, service: DecisionService, dialogs, *, folder: Path | None = None):
    """Add "Back up now" and "Restore from a backup…" to the window's File menu."""
    return BackupActions(window, service, dialogs, folder=folder)
