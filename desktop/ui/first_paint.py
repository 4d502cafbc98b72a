"""A measuring hook: quit once the register has been painted for the first time.

Set DECISION_CHECKLIST_EXIT_AFTER_PAINT=1 and the app exits right after its first painted
register; `make bench` times start-up this way against a bare PySide6 window that does the same.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

ENV = "DECISION_CHECKLIST_EXIT_AFTER_PAINT"


def requested() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


class _QuitAfterRegisterPaint(QObject):
    """Quits after the first paint of a register view that has rows, or of an empty register."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.done or event.type() != QEvent.Type.Paint or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window:
            return False
        views = [v for v in self.window.findChildren(QAbstractItemView)
                 if v.isVisible() and v.model() is not None and v.model().rowCount() > 0]
        if views and not any(watched is v.viewport() for v in views):
            return False
        self.done = True
        QTimer.singleShot(0, self.app.quit)  # after this paint pass has been flushed
        return False


def exit_after_first_paint(app: QApplication, window: QWidget) -> None:
    """Install the hook when DECISION_CHECKLIST_EXIT_AFTER_PAINT is set; otherwise do nothing."""
    if requested():
        app.installEventFilter(_QuitAfterRegisterPaint(app, window))
