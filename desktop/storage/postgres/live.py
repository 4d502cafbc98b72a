"""`PostgresWatcher`: others' changes to the shared register, as the server announces them.

Its own connection (autocommit) LISTENs on p006_notify's channel. `fileno()` is that
connection's socket, for the window's event loop to watch (no polling); `drain()` reads what
has arrived without waiting and gives one RegisterChange per notification, leaving out those
sent by the repository's own session (its own saves, which the window already shows). When
the connection has dropped, `drain()` raises LiveUpdatesLost and `reconnect()` tries once,
quickly, or on a thread of its own when given a `done` callback (a window: its event loop
never waits); the caller backs off between tries, and reads everything again once back: what
was sent while nobody listened is not kept by the server.

A payload is a hint, never trusted (any session may NOTIFY any channel: PostgreSQL has no
privilege for it): one that is not ours to read becomes "read everything again". A
notification whose sender is still connected as a database user with no role on the
register (not a member of dc_reader, which authors and clerks are) is left out: one look-up
per drain that brings a sender not seen in the last SENDER_TTL seconds, not one per
notification. A sender already gone cannot be looked up (a command-line run ends right after
its commit), so its notification counts: a forger who disconnects at once is not stopped
here, only slowed by the window's coalescing (desktop/ui/live_register.py).

That look-up is the one statement a drain sends, and a window drains on its event loop: once
`bound(limit)` is called (a window's repository does, as it bounds its own statements), a
look-up that waits longer than `limit` for a network gone silent has its connection cut by a
watchdog of the watcher's own (watchdog.py): the drain raises LiveUpdatesLost, and the
window reconnects off its event loop as for any lost connection.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.domain.errors import LiveUpdatesLost, StorageError
from desktop.domain.register_changes import RegisterChange
from desktop.storage.postgres.migrate import _one_line, silence_options
from desktop.storage.postgres.p006_notify import CHANNEL
from desktop.storage.postgres.uri import libpq_reason, shown_uri

if TYPE_CHECKING:
    import psycopg

    from desktop.storage.postgres.connecting import Connecting
    from desktop.storage.postgres.watchdog import Watchdog

# Seconds: libpq's shortest connect timeout, so a try against a host that does not answer
# holds the caller at most this long; keepalives notice a silent network within ~25 s
# (migrate.silence_options).
RECONNECT_TIMEOUT = 2
# Seconds a sender's membership is remembered: a backend's pid is reused once it ends, so not
# for long (a flood from one connection costs one look-up each SENDER_TTL).
SENDER_TTL = 2.0
_MEMBERS = ("SELECT pid, coalesce(pg_has_role(usename, 'dc_reader', 'MEMBER'), false) "
            "FROM pg_stat_activity WHERE pid = ANY(%s)")
EVERYTHING = RegisterChange(None, None, "unknown")
# Ours (p006_notify) is one flat object of a decision id of at most 512 bytes (JSON may escape
# each to six characters), a version and a short kind: anything longer, or holding more than a
# few brackets, is not ours and is never parsed (a deeply nested one would exhaust the stack).
_LONGEST_PAYLOAD = 4096
_MOST_BRACKETS = 64


def parse_payload(payload: str) -> RegisterChange:
    """The change a notification's payload names; EVERYTHING if it is not one of ours."""
    if len(payload) > _LONGEST_PAYLOAD or payload.count("[") + payload.count("{") \
            > _MOST_BRACKETS:
        return EVERYTHING
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        return EVERYTHING
    if not isinstance(data, dict):
        return EVERYTHING
    decision, version, kind = data.get("decision"), data.get("version"), data.get("kind")
    if not isinstance(kind, str) or not (decision is None or isinstance(decision, str)) \
            or not (version is None or (isinstance(version, int)
                                        and not isinstance(version, bool))):
        return EVERYTHING
    return RegisterChange(decision or None, version, kind)


class PostgresWatcher:
    """Listens for the register's changes on a connection of its own (see the module)."""

    def __init__(self, uri: str, own_pid: Callable[[], int | None]) -> None:
        self.uri = uri
        self._own_pid = own_pid
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = False
        self._connecting: Connecting[psycopg.Connection[Any]] | None = None  # in flight
        self._senders: dict[int, tuple[bool, float]] = {}  # pid -> (a member, when looked up)
        self._watchdog: Watchdog | None = None  # bound(): the look-up's bound (a window's)
        self.reconnect()  # if the server cannot be reached now, fileno() says so

    def _listening(self) -> psycopg.Connection[Any]:
        import psycopg

        try:
            conn = psycopg.connect(self.uri, autocommit=True,
                                   connect_timeout=RECONNECT_TIMEOUT,
                                   **silence_options(self.uri))
        except psycopg.Error as exc:
            raise LiveUpdatesLost(f"live updates from {shown_uri(self.uri)} are paused: "
                                  f"{libpq_reason(_one_line(exc), self.uri)}") from None
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            conn.close()
            raise LiveUpdatesLost(f"live updates from {shown_uri(self.uri)} are paused: "
                                  f"{_one_line(exc)}") from None
        return conn

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def fileno(self) -> int:
        """The listening connection's socket (readable when something has arrived)."""
        if self._conn is None or self._conn.closed:
            raise LiveUpdatesLost(f"live updates from {shown_uri(self.uri)} are paused")
        return self._conn.fileno()

    def drain(self) -> list[RegisterChange]:
        """What other sessions committed since the last drain, without waiting."""
        import psycopg

        conn = self._conn
        if conn is None or conn.closed:
            raise LiveUpdatesLost(f"live updates from {shown_uri(self.uri)} are paused")
        own = self._own()
        try:
            arrived: list[psycopg.Notify] = []
            outsiders: set[int] = set()
            while True:
                batch = [n for n in conn.notifies(timeout=0)
                         if n.channel == CHANNEL and (own is None or n.pid != own)]
                if conn.broken:
                    raise psycopg.OperationalError("the connection was lost")
                if not batch:
                    break
                arrived += batch
                # A notification that arrives while the senders are looked up is read with
                # that query's answer and kept in psycopg's backlog, so the socket will not
                # be readable for it: read again until a pass brings nothing.
                outsiders |= self._outsiders(conn, {n.pid for n in batch})
        except psycopg.Error as exc:
            self._drop()
            raise LiveUpdatesLost(f"live updates from {shown_uri(self.uri)} are paused: "
                                  f"{_one_line(exc)}") from None
        return [parse_payload(n.payload) for n in arrived if n.pid not in outsiders]

    def _outsiders(self, conn: psycopg.Connection[Any], pids: set[int]) -> set[int]:
        """Those of `pids` connected as a user with no role on the register (see the module)."""
        import time

        now = time.monotonic()
        unknown = [p for p in pids if now - self._senders.get(p, (True, -SENDER_TTL))[1]
                   >= SENDER_TTL]
        if unknown:
            if len(self._senders) > 1000:
                self._senders.clear()
            from desktop.storage.postgres.watchdog import bounded

            with bounded(self._watchdog, conn):
                found = dict(conn.execute(_MEMBERS, [unknown]).fetchall())
            for pid in unknown:  # one gone already counts (see the module)
                self._senders[pid] = (bool(found.get(pid, True)), now)
        return {p for p in pids if p in self._senders and not self._senders[p][0]
                and now - self._senders[p][1] < SENDER_TTL}

    def bound(self, limit: float) -> None:
        """From now on a drain's look-up that waits longer than `limit` seconds for the
        server has its connection cut (see the module)."""
        from desktop.storage.postgres.watchdog import Watchdog

        if self._watchdog is None:
            self._watchdog = Watchdog(limit)

    @property
    def watchdog(self) -> Watchdog | None:
        """The look-up's bound, once bound() was called."""
        return self._watchdog

    def _own(self) -> int | None:
        try:
            return self._own_pid()
        except Exception:  # noqa: BLE001 - the repository's connection is closed or lost
            return None

    def reconnect(self, done: Callable[[bool], object] | None = None) -> bool:
        """Listen again on a new connection: True once listening, False if not yet.

        With `done`, never waits for the server (a window's event loop): the connection is
        made on a thread of its own (desktop/storage/postgres/connecting.py), one attempt at
        a time; False while it is under way, and `done(ok)` is called from that thread when
        it ends; the next call takes its connection (True) or, if it failed, starts another."""
        if self._closed:
            return False
        self._drop()
        if done is not None:
            return self._taken(done)
        try:
            self._conn = self._listening()
        except StorageError:
            return False
        return True

    def _taken(self, done: Callable[[bool], object]) -> bool:
        from desktop.storage.postgres.connecting import Connecting

        attempt = self._connecting
        if attempt is not None and not attempt.finished:
            return False
        self._connecting = None
        if attempt is not None:
            try:
                self._conn = attempt.take()
                return True
            except StorageError:
                pass
        self._connecting = Connecting(self._listening, lambda conn: conn.close(), done)
        return False

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a lost connection
                conn.close()

    def close(self) -> None:
        self._closed = True
        attempt, self._connecting = self._connecting, None
        if attempt is not None:
            attempt.abandon()
        if self._watchdog is not None:
            self._watchdog.close()
        self._drop()

