"""The QThread a BackgroundOp (desktop/ui/ops.py) runs its work in.

A module of its own: naming QThread builds PySide's QThread type and its enums, which the
window's first paint does without (its start-up check runs in a plain Python thread)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread


class WorkerThread(QThread):
    """Runs `body` once, in the new thread."""

    def __init__(self, body: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._body = body

    def run(self) -> None:
        self._body()
