"""A proxy between the app and a PostgreSQL server that counts round trips and can add latency.

It listens on a unix socket of its own (`.s.PGSQL.5432` in its folder, so libpq reaches it
with `host=FOLDER`) and forwards every byte to the server's socket. A round trip is counted
each time the client sends after the server last spoke on that connection (or first): the
client->server turns, which is what a network's latency is paid for. Several messages sent
before any reply (psycopg's pipeline mode, a libpq extended query) are one turn.

With `one_way_ms`, every chunk is held that long in each direction before it is passed on,
in order: `tc netem`'s delay, in user space (netem is not available on every machine: it
needs the sch_netem kernel module and a network namespace).
"""

from __future__ import annotations

import contextlib
import heapq
import os
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

_SOCKET = ".s.PGSQL.5432"


class WireProxy:
    """Forward unix-socket connections from `folder/.s.PGSQL.5432` to `server_socket`."""

    def __init__(self, server_socket: Path, one_way_ms: float = 0.0) -> None:
        self.server_socket = server_socket
        self.delay = one_way_ms / 1000
        self.folder = Path(tempfile.mkdtemp(prefix="dc-proxy-", dir="/tmp"))
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.folder / _SOCKET))
        self._listener.listen(16)
        self._lock = threading.Lock()
        self._turns = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # ---- what the bench reads ---------------------------------------------------------------
    @property
    def turns(self) -> int:
        """Client->server turns on every connection since the proxy started."""
        with self._lock:
            return self._turns

    def url(self, dbname: str, user: str) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.folder}"

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        (self.folder / _SOCKET).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()

    # ---- forwarding ---------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(str(self.server_socket))
            spoke = ["server"]  # who spoke last on this connection (the client opens it)
            for source, sink, side in ((client, server, "client"), (server, client, "server")):
                threading.Thread(target=self._pump, args=(source, sink, side, spoke),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, side: str,
              spoke: list[str]) -> None:
        out = _Delayed(sink, self.delay) if self.delay else None
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                with self._lock:
                    if side == "client" and spoke[0] == "server":
                        self._turns += 1
                    spoke[0] = side
                if out is not None:
                    out.send(data)
                else:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            if out is not None:
                out.finish()
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


class _Delayed:
    """Pass chunks on to `sink` `delay` seconds after they arrived, in order."""

    def __init__(self, sink: socket.socket, delay: float) -> None:
        self.sink = sink
        self.delay = delay
        self._queue: list[tuple[float, int, bytes | None]] = []
        self._count = 0
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def send(self, data: bytes | None) -> None:
        with self._ready:
            self._count += 1
            heapq.heappush(self._queue, (time.perf_counter() + self.delay, self._count, data))
            self._ready.notify()

    def finish(self) -> None:
        self.send(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                due, _, data = self._queue[0]
                wait = due - time.perf_counter()
                if wait > 0:
                    self._ready.wait(wait)
                    continue
                heapq.heappop(self._queue)
            if data is None:
                return
            try:
                self.sink.sendall(data)
            except OSError:
                return


def netem_unavailable() -> str | None:
    """None if `tc netem` delay can be set on loopback in a network namespace of our own,
    else one line saying why not (then the bench uses WireProxy's delay instead)."""
    script = "ip link set lo up && tc qdisc add dev lo root netem delay 10ms"
    try:
        run = subprocess.run(["unshare", "--net", "sh", "-c", script], capture_output=True,
                             text=True, timeout=10, env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no network namespace here ({exc})"
    if run.returncode == 0:
        return None
    return " ".join((run.stderr or run.stdout).split())[:160] or f"exit {run.returncode}"
