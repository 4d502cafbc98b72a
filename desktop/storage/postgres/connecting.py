"""`Connecting`: one connection being opened on a thread of its own.

A window's event loop must never wait for a server that does not answer (a host that drops
packets holds a connect for its whole connect_timeout). So a window's repository and watcher
open their new connection here: the caller starts an attempt and carries on; the attempt
calls `done(ok)` from its thread when it ends (a window hops that onto its own thread), and
the caller takes the connection, or the error it met, with `take()` on its own thread. A
psycopg connection may be handed between threads when only one uses it at a time: the
attempt's thread has finished with it before `done` is called. No Qt here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Connecting(Generic[T]):
    """`open_()` run once on a thread of its own (see the module)."""

    def __init__(self, open_: Callable[[], T], close: Callable[[T], object],
                 done: Callable[[bool], object] | None = None) -> None:
        self._open = open_
        self._close = close
        self._done = done
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="dc-connecting", daemon=True)
        self._thread.start()

    def _run(self) -> None:  # the attempt's own thread
        result: T | None = None
        error: BaseException | None = None
        try:
            result = self._open()
        except Exception as exc:  # noqa: BLE001 - handed to take() on the caller's thread
            error = exc
        with self._lock:
            abandoned = self._abandoned
            self._result, self._error = result, error
            self._finished.set()
        if abandoned:
            if result is not None:
                with contextlib.suppress(Exception):
                    self._close(result)
            return
        if self._done is not None:
            with contextlib.suppress(Exception):  # its receiver may be gone (a window closed)
                self._done(error is None)

    @property
    def finished(self) -> bool:
        """True once the attempt has ended (take() then returns or raises at once)."""
        return self._finished.is_set()

    def take(self) -> T:
        """The open connection, or the error the attempt met (call once it is finished)."""
        assert self._finished.is_set(), "take() before the attempt ended"
        if self._error is not None:
            raise self._error
        assert self._result is not None
        result, self._result = self._result, None
        return result

    def abandon(self) -> None:
        """Nobody will take it: a connection it made (now or later) is closed, and `done`
        is not called any more."""
        with self._lock:
            self._abandoned = True
            result, self._result = self._result, None
        if result is not None:
            with contextlib.suppress(Exception):
                self._close(result)
