"""Bring the background integrity check's verdict to the GUI thread and tell the user.

The check runs in a worker thread (desktop/storage/background_check.py, which knows nothing of
Qt and must start before the window exists). Its report arrives here through a GuiThreadCall
(desktop/ui/ops.py), so widgets and the database connection are only touched on the GUI
thread. A damaged file is switched to refusing writes and the user is told what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.ui.ops import GuiThreadCall

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


class StartUpChecks(QObject):
    """Receives report(problem) from the worker thread; acts on the GUI thread."""

    def __init__(self, dialogs) -> None:
        super().__init__()
        self.dialogs = dialogs
        self.window = None
        self.service: DecisionService | None = None
        self._on_gui_thread = GuiThreadCall(self._on_damaged, self)

    def attach(self, window, service: DecisionService) -> None:
        self.window = window
        self.service = service

    def report(self, problem: str | None) -> None:
        """Called in the worker thread: None when the file passed."""
        if problem:
            self._on_gui_thread(problem)

    def _on_damaged(self, problem: str) -> None:
        # The window's service is on a LazyDatabase (bootstrap.open_service_for_window), which
        # has the write gate; the type allows the plain sqlite-utils one the command line uses.
        if self.service is not None and self.service.db.refused is None:  # type: ignore[union-attr]
            self.service.db.refuse_writes(problem)  # type: ignore[union-attr]
        self.dialogs.error(
            self.window, "This database is damaged",
            f"{problem} Nothing will be saved to it: you can read and export what it holds, "
            "and restore a backup from the File menu.")
