"""Run something once the register has been painted for the first time.

Work the first screen does not need (building the decision editor) waits for the first paint,
so the register appears sooner. With DECISION_CHECKLIST_EXIT_AFTER_PAINT=1 the app exits right
after that paint instead: `make bench` times start-up this way against a bare PySide6 window.

The watcher filters the window alone. An application-wide Python event filter sees every
event of every object, and PySide builds the Python type (and its enums) of each new kind of
event and object it hands over: about 25 ms before the first paint. Asking a table for its
viewport() costs ~10 ms more (PySide initialises every QWidget subclass to name a plain
QWidget). The window's first paint is one pass that paints its children too (the register
with its rows), and the callback runs after that pass, so watching the window is enough.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV = "DECISION_CHECKLIST_EXIT_AFTER_PAINT"


def requested() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


class _AfterFirstPaint(QObject):
    """Calls back once the window's first paint pass (its register included) has finished."""

    def __init__(self, window: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.callback = callback
        self.done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.done or event.type() != QEvent.Type.Paint:
            return False
        self.done = True
        self.window.removeEventFilter(self)
        QTimer.singleShot(0, self.callback)  # after this paint pass has been flushed
        return False


def after_first_paint(app: QApplication, window: QWidget, callback: Callable[[], object]) -> None:
    """Call callback (on the GUI thread) once the window has first painted its register."""
    _AfterFirstPaint(window, callback)


PAINT_MARK = "first-paint-epoch"


def report_and_quit(app: QApplication) -> None:
    """Print when the first paint finished (wall-clock seconds) on stderr, then quit.

    The bench measures start-up as this moment minus the moment it spawned the process, so
    the figure is start-up to first paint and never includes the process's exit."""
    import sys
    import time

    print(f"{PAINT_MARK} {time.time():.6f}", file=sys.stderr, flush=True)
    app.quit()


def exit_after_first_paint(app: QApplication, window: QWidget) -> None:
    """Quit after the first painted register when DECISION_CHECKLIST_EXIT_AFTER_PAINT is set."""
    if requested():
        after_first_paint(app, window, lambda: report_and_quit(app))
