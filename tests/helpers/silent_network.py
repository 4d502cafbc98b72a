"""A way to the shared register's server that can go silent under open connections.

`SilentProxy` listens on a unix socket of its own (`.s.PGSQL.5432` in its folder, so libpq
reaches it with `host=FOLDER`) and forwards every byte to the server's socket, and back.
`silence()` stops forwarding but keeps every connection open (a proxy or a VPN that hangs: a
statement sent meanwhile waits for ever for its answer; keepalives do not help on a unix
socket); `resume()` forwards again, what was held first, as a network that comes back does.
(From the hostile tester of issue 17, tester17b.)
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
from pathlib import Path

from tests.helpers.unix_proxy import UnixProxy


class SilentProxy(UnixProxy):
    """Forward to `server_socket`, holding every byte while silenced (see the module)."""

    def __init__(self, server_socket: Path) -> None:
        self._loud = threading.Event()
        self._loud.set()
        super().__init__(server_socket, "dc-silent-")

    def silence(self) -> None:
        self._loud.clear()

    def resume(self) -> None:
        self._loud.set()

    def close(self) -> None:
        self._loud.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            held, self._open = self._open, []
        for s in held:
            with contextlib.suppress(OSError):
                s.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = self._server()
            with self._lock:
                self._open.append(client)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                self._loud.wait()
                b.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)
