"""The part the tests' PostgreSQL proxies share (not a test module): a unix socket of its own
(`.s.PGSQL.5432` in a fresh folder, so libpq reaches it with `host=FOLDER`), each connection
accepted on a thread of its own, and the sockets still open kept for closing."""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path

SOCKET = ".s.PGSQL.5432"


class UnixProxy:
    """Listens beside `server_socket`'s server; a subclass says what `_accept` does. A
    subclass sets its own state before calling this __init__, which starts accepting."""

    def __init__(self, server_socket: Path, prefix: str) -> None:
        self.server_socket = server_socket
        self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.folder / SOCKET))
        self._listener.listen(64)
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []  # every socket of ours still open
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, dbname: str, user: str) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.folder}"

    def _server(self) -> socket.socket:
        """A new connection to the real server, kept for closing."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(str(self.server_socket))
        with self._lock:
            self._open.append(server)
        return server

    def _accept(self) -> None:
        raise NotImplementedError
