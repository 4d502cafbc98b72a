"""Long work off the GUI thread, its outcome back on it (after Anki's QueryOp).

    op = BackgroundOp(work, success=show, failure=report, parent=window)
    op.start()

`work(context)` runs in a worker thread. It gets plain data (captured in a closure) and a
`Context`, never a widget: "don't call UI routines in the op". It may report progress
through the context, which also tells it whether the user cancelled. Its outcome comes back
through queued signals, so `success(result)`, `failure(exc)`, `progress(done, total)` and
`cancelled()` all run on the GUI thread, where touching widgets is allowed.

A SQLite connection belongs to the thread that opened it: work that reads the register
opens a connection of its own and closes it (see desktop/ui/lifecycle/audit_check.py), or
is given records already read on the GUI thread (desktop/ui/pdf/actions.py).

`GuiThreadCall(fn)` is the same hop for a callback that a worker started elsewhere (the
storage layer's start-up check, which knows nothing of Qt) calls from its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop.ui.worker_thread import WorkerThread


class Cancelled(Exception):
    """Raised inside the work by Context.progress once the user has cancelled."""


class Context:
    """What the work may touch: progress reports and the cancel flag (thread-safe)."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._report = report
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        """Report progress to the GUI thread; raises Cancelled if the user has cancelled."""
        if self._cancel.is_set():
            raise Cancelled
        self._report(done, total)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def request_cancel(self) -> None:
        self._cancel.set()


class BackgroundOp(QObject):
    """One run of `work` in a worker thread; the callbacks run on the GUI thread.

    `running()` is true from start() until the outcome has been delivered, so a caller that
    allows one op of a kind at a time keeps the op and asks it.
    """

    _progressed = Signal(int, int)
    _outcome = Signal(str, object)  # "success" | "failure" | "cancelled", and the value

    def __init__(self, work: Callable[[Context], Any], *,
                 success: Callable[[Any], object],
                 failure: Callable[[Exception], object] | None = None,
                 progress: Callable[[int, int], object] | None = None,
                 cancelled: Callable[[], object] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._success, self._failure, self._cancelled = success, failure, cancelled
        self._context = Context(self._progressed.emit)
        if progress is not None:
            self._progressed.connect(progress)  # receiver on the GUI thread: queued
        self._outcome.connect(self._deliver)  # a slot of this object (GUI thread): queued
        self._thread: WorkerThread | None = None
        self._running = False

    def start(self) -> None:
        """Run the work in a new worker thread (once)."""
        if self._thread is not None:
            raise RuntimeError("a BackgroundOp runs once")
        from desktop.ui.worker_thread import WorkerThread  # QThread's enums: not at start-up

        self._thread = WorkerThread(self._run, self)
        self._running = True
        self._thread.start()

    def _run(self) -> None:  # the worker thread: emit signals only
        try:
            result = self._work(self._context)
        except Cancelled:
            self._outcome.emit("cancelled", None)
            return
        except Exception as exc:  # noqa: BLE001 - handed to failure() on the GUI thread
            self._outcome.emit("failure", exc)
            return
        self._outcome.emit("cancelled" if self._context.cancelled else "success", result)

    def _deliver(self, kind: str, value: object) -> None:  # the GUI thread
        if self._thread is not None:
            self._thread.wait()  # it has emitted its last signal: it is ending
        self._running = False
        if kind == "success":
            self._success(value)
        elif kind == "cancelled":
            if self._cancelled is not None:
                self._cancelled()
        else:
            assert isinstance(value, Exception)
            if self._failure is None:
                raise value  # no failure callback: a bug in the work, for the excepthook
            self._failure(value)

    def running(self) -> bool:
        return self._running

    def cancel(self) -> None:
        """Ask the work to stop: its next progress report raises Cancelled."""
        self._context.request_cancel()

    def wait(self, ms: int | None = None) -> None:
        """Block until the worker thread ends (at close: no thread may outlive its window)."""
        if self._thread is not None:
            if ms is None:
                self._thread.wait()
            else:
                self._thread.wait(ms)


class GuiThreadCall(QObject):
    """`fn` made callable from any thread: each call runs `fn` with the same arguments on the
    GUI thread (make it on the GUI thread; it lives as long as its parent)."""

    _called = Signal(tuple)

    def __init__(self, fn: Callable[..., object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._called.connect(self._call)  # a slot of this object (GUI thread): queued

    def __call__(self, *args: object) -> None:
        self._called.emit(args)

    def _call(self, args: tuple) -> None:
        self._fn(*args)
