"""Run the audit-trail check off the GUI thread; the result comes back as a signal.

The check reads every audit row and re-derives every signed-off version's code: seconds on
10,000 decisions. A sqlite connection belongs to the thread that opened it, so the worker
opens its own connection to the same file and closes it when done. No widget is touched
from the worker: it only emits `done` (a queued connection back to the GUI thread).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QThread, Signal

from desktop.application.bootstrap import check_file
from desktop.domain.errors import KnownError


class _CheckThread(QThread):
    done = Signal(object)  # an IntegrityReport, or a message string if the check could not run

    def __init__(self, db_path: str, service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self._service = service  # only its plain attributes are read; never its connection

    def run(self) -> None:
        try:
            result: object = check_file(self._db_path, self._service)
        except KnownError as exc:
            result = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, not a crash in a thread
            result = f"The check could not run: {exc}"
        self.done.emit(result)


class AuditCheckRunner(QObject):
    """Starts one check at a time; `started` and `finished` bracket it for busy indicators."""

    started = Signal()
    finished = Signal(object)  # IntegrityReport or an error message

    def __init__(self, service, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._thread: _CheckThread | None = None
        if parent is not None:
            parent.installEventFilter(self)  # closing or hiding the parent waits for the check

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Close, QEvent.Type.Hide):
            self.wait()
        return False

    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> bool:
        """Begin a check; False if one is already running."""
        if self._thread is not None:
            return False
        thread = _CheckThread(self.service.db_path(), self.service, self)
        thread.done.connect(self._done)
        self._thread = thread
        self.started.emit()
        thread.start()
        return True

    def _done(self, result: object) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        self.finished.emit(result)

    def wait(self, ms: int = 30000) -> None:
        """Block until a running check ends (at close, so no thread outlives the window)."""
        if self._thread is not None:
            self._thread.wait(ms)
