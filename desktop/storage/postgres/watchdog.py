"""`Watchdog`: a bound on how long a window waits for a network that has gone silent.

A statement on a live connection waits for the server's answer on the caller's thread. When
the network stops forwarding but keeps the connection open (a proxy or a VPN that hangs,
a unix socket whose far end stalls), libpq waits for ever, and a window's event loop with
it. So a window's repository runs each statement, and each transaction, inside
`Watchdog.waiting(fd)`: if that wait has lasted `limit` seconds since it began, or since the
last statement a transaction sent (each is a wait nested in the transaction's), a thread of the watchdog's
own shuts the connection's socket down (on a duplicate of its descriptor: the connection
still owns and closes its own). libpq's blocked read or write then fails at once, the
connection is broken, and the repository says Unreachable: nothing is replayed; what was in
the transaction is rolled back by the server when it sees the socket go. `patient()` lifts
the bound for the rest of the outermost wait (an import, which may take the server longer).
No Qt here.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


class Watchdog:
    """Cuts the connection of a wait that has lasted longer than `limit` seconds."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.cuts = 0  # how many waits it has cut (for the tests and the docs)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._depth = 0  # waits open (a statement inside a transaction is a second)
        self._fd: int | None = None  # the outermost wait's socket
        self._deadline: float | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def waiting(self, fd: int) -> Iterator[None]:
        """A wait on the connection whose socket is `fd`, cut after `limit` seconds."""
        with self._lock:
            idle = self._deadline is None  # its thread waits for a deadline to be set
            if self._depth == 0:
                self._fd = fd
                self._deadline = time.monotonic() + self.limit
            elif self._deadline is not None:  # later than the last: its thread sees it
                self._deadline = time.monotonic() + self.limit  # when that one comes
            self._depth += 1
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="dc-watchdog",
                                                daemon=True)
                self._thread.start()
            elif idle and self._deadline is not None:
                self._wake.notify()
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._fd = self._deadline = None

    def patient(self) -> None:
        """No bound for the rest of the outermost wait open now."""
        with self._lock:
            if self._depth:
                self._deadline = None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wake.notify()

    def _run(self) -> None:  # the watchdog's own thread
        with self._lock:
            while not self._closed:
                if self._deadline is None or self._fd is None:
                    self._wake.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                # under the lock: the wait is still open, so `fd` is still its connection's
                _shut_down(self._fd)
                self.cuts += 1
                self._deadline = None


def _shut_down(fd: int) -> None:
    """Shut the socket `fd` down for both directions, leaving `fd` itself open."""
    with contextlib.suppress(OSError):  # already closed by its far end: nothing to cut
        duplicate = socket.socket(fileno=os.dup(fd))
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        finally:
            duplicate.close()


@contextlib.contextmanager
def bounded(watchdog: Watchdog | None, conn: Any) -> Iterator[None]:
    """A wait for the server on `conn` (a psycopg connection), cut by `watchdog` if too long;
    unbounded without one, or on a closed connection."""
    if watchdog is None or conn.closed:
        yield
        return
    with watchdog.waiting(conn.fileno()):
        yield
