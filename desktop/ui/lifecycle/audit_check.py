"""Run the audit-trail check off the GUI thread; the result comes back as a signal.

The check reads every audit row and re-derives every signed-off version's code: seconds on
10,000 decisions. A sqlite connection belongs to the thread that opened it, so the work
(check_file) opens its own connection to the same file and closes it when done. It runs as
a BackgroundOp (desktop/ui/ops.py): nothing in it touches a widget, and `finished` is
emitted on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal

from desktop.application.bootstrap import check_file
from desktop.domain.errors import KnownError
from desktop.ui.ops import BackgroundOp

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


def _message(exc: Exception) -> str:
    """What the user reads when the check could not run."""
    return str(exc) if isinstance(exc, KnownError) else f"The check could not run: {exc}"


class AuditCheckRunner(QObject):
    """Starts one check at a time; `started` and `finished` bracket it for busy indicators."""

    started = Signal()
    finished = Signal(object)  # IntegrityReport or an error message

    def __init__(self, service: DecisionService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._op: BackgroundOp | None = None
        if parent is not None:
            parent.installEventFilter(self)  # closing or hiding the parent waits for the check

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Close, QEvent.Type.Hide):
            self.wait()
        return False

    def running(self) -> bool:
        return self._op is not None

    def start(self) -> bool:
        """Begin a check; False if one is already running."""
        if self._op is not None:
            return False
        db_path, service = self.service.db_path(), self.service  # only its plain attributes
        self._op = BackgroundOp(lambda _context: check_file(db_path, service),
                                success=self._done,
                                failure=lambda exc: self._done(_message(exc)), parent=self)
        self.started.emit()
        self._op.start()
        return True

    def _done(self, result: object) -> None:
        op, self._op = self._op, None
        if op is not None:
            op.deleteLater()
        self.finished.emit(result)

    def wait(self, ms: int = 30000) -> None:
        """Block until a running check ends (at close, so no thread outlives the window)."""
        if self._op is not None:
            self._op.wait(ms)
