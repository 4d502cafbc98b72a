"""A way to the shared register's server that can turn into a black hole.

`BlackHoleProxy` listens on a unix socket of its own (`.s.PGSQL.5432` in its folder, so libpq
reaches it with `host=FOLDER`) and forwards every byte to the server's socket. `swallow()`
cuts every connection it forwards and from then on accepts new ones and never answers them:
a host that drops packets, as libpq sees it (its connect waits for the whole
connect_timeout). `restore()` forwards again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

from tests.helpers.unix_proxy import SOCKET, UnixProxy


class BlackHoleProxy(UnixProxy):
    """Forward to `server_socket` until swallow(), then answer nothing (see the module)."""

    def __init__(self, server_socket: Path) -> None:
        self._swallowing = False
        self.swallowed = 0  # connections accepted and never answered
        super().__init__(server_socket, "dc-hole-")

    def swallow(self) -> None:
        """Cut what is forwarded now; answer nothing from now on."""
        with self._lock:
            self._swallowing = True
            cut, self._open = self._open, []
        for s in cut:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def swallowed_within(self, count: int, seconds: float = 2.0) -> bool:
        """True once `count` connections have been swallowed (accepting runs on a thread)."""
        deadline = time.monotonic() + seconds
        while self.swallowed < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.swallowed == count

    def restore(self) -> None:
        """Forward new connections again (those swallowed stay unanswered)."""
        with self._lock:
            self._swallowing = False

    def close(self) -> None:
        self.swallow()
        self._listener.close()
        (self.folder / SOCKET).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(client)
                if self._swallowing:  # held open, never read: libpq waits for its timeout
                    self.swallowed += 1
                    continue
            server = self._server()
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
