"""Run something once the register has been painted for the first time.

Work the first screen does not need (building the decision editor) waits for the first paint,
so the register appears sooner. With DECISION_CHECKLIST_EXIT_AFTER_PAINT=1 the app exits right
after that paint instead: `make bench` times start-up this way against a bare PySide6 window.

The watcher filters the window and its item views' viewports, not the whole application: an
application-wide Python event filter sees every event of every object, and PySide builds the
Python type (and its enums) of each new kind of event and object it hands over, which cost
about 25 ms before the first paint.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

ENV = "DECISION_CHECKLIST_EXIT_AFTER_PAINT"


def requested() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


class _AfterRegisterPaint(QObject):
    """Calls back after the first paint of a register view that has rows, or of an empty one."""

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.callback = callback
        self.done = False
        # The window paints before its children, so an empty register is done at the
        # window's own paint; a register with rows waits for its table's viewport.
        self.watched = [window, *(v.viewport() for v in window.findChildren(QAbstractItemView))]
        for w in self.watched:
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.done or event.type() != QEvent.Type.Paint:
            return False
        views = [v for v in self.window.findChildren(QAbstractItemView)
                 if v.isVisible() and v.model() is not None and v.model().rowCount() > 0]
        if views and not any(watched is v.viewport() for v in views):
            return False
        self.done = True
        for w in self.watched:
            w.removeEventFilter(self)
        QTimer.singleShot(0, self.callback)  # after this paint pass has been flushed
        return False


def after_first_paint(app: QApplication, window: QWidget, callback: Callable[[], object]) -> None:
    """Call callback (on the GUI thread) once the window has first painted its register."""
    _AfterRegisterPaint(window, callback)


def exit_after_first_paint(app: QApplication, window: QWidget) -> None:
    """Quit after the first painted register when DECISION_CHECKLIST_EXIT_AFTER_PAINT is set."""
    if requested():
        after_first_paint(app, window, app.quit)
