"""Live updates of a shared register in the window's event loop: no polling.

A QSocketNotifier watches the listening connection's socket (the service's
`live_updates()`, a RegisterWatcher); when it is readable, what arrived is drained and
`changed` emitted with the changes. If the connection drops (the server restarted, the
network went), `paused` is emitted, and reconnecting is tried with backoff (BACKOFF_MS);
once listening again `resumed` is emitted: the window reads everything again once, since
what was sent meanwhile is lost. `retry_now()` cuts a backoff short when the window has seen
the server answer again. Each try connects on a thread of its own (the watcher's
`reconnect(done)`): the event loop never waits for a server that does not answer, and the
try's end comes back here through a GuiThreadCall.

Anyone who can connect may NOTIFY the channel, a role on the register or not (PostgreSQL has
no privilege for it), so a burst of notifications is made harmless here: `changed` is
emitted for the first at once, and then at most once each COALESCE_MS, counted from the end
of the last re-read, with everything that arrived meanwhile. One re-read at a time, and a
flood costs at most one re-read each COALESCE_MS however many notifications it holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from desktop.domain.errors import LiveUpdatesLost
from desktop.ui.ops import GuiThreadCall

if TYPE_CHECKING:
    from desktop.application.decisions import RegisterWatcher
    from desktop.domain.register_changes import RegisterChange

# Between tries to listen again: quick at first (a restart takes a second or two), then
# every 8 s at most, so a server that is down for long costs next to nothing.
BACKOFF_MS = (250, 500, 1000, 2000, 4000, 8000)
# The least time between the end of one re-read and the next: a change arriving in a burst
# is painted at most this much later (the budget is 300 ms; a change alone, at once).
COALESCE_MS = 150


class LiveRegister(QObject):
    """Others' committed changes, as signals (see the module)."""

    changed = Signal(object)  # a list of desktop.domain.register_changes.RegisterChange
    paused = Signal()
    resumed = Signal()

    def __init__(self, watcher: RegisterWatcher, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self._notifier: QSocketNotifier | None = None
        self._tries = 0
        self._closed = False
        self._trying = False  # a try's connection is being made on a thread of its own
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._reconnect)
        self._attempt_ended = GuiThreadCall(self._ended, self)  # called from its thread
        self._pending: list[RegisterChange] = []  # arrived while a re-read was held back
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.timeout.connect(self._release)
        if not self._arm():  # the server cannot be reached now: `listening` says so
            self._retry_later()

    @property
    def listening(self) -> bool:
        return self._notifier is not None

    @property
    def reconnecting(self) -> bool:
        """A try is under way or waits for its time."""
        return self._trying or self._retry.isActive()

    def _arm(self) -> bool:
        try:
            fileno = self._watcher.fileno()
        except LiveUpdatesLost:
            return False
        notifier = QSocketNotifier(fileno, QSocketNotifier.Type.Read, self)
        notifier.activated.connect(self.drain)
        self._notifier = notifier
        return True

    def _disarm(self) -> None:
        notifier, self._notifier = self._notifier, None
        if notifier is not None:
            notifier.setEnabled(False)  # before its socket is closed (the number is reused)
            notifier.deleteLater()

    def drain(self) -> None:
        """Read what has arrived (the socket is readable) and say what changed."""
        if self._notifier is None:
            return
        try:
            changes = self._watcher.drain()
        except LiveUpdatesLost:
            self._lost()
            return
        if changes:
            self._pending.extend(changes)
            if not self._hold.isActive():
                self._release()

    def _release(self) -> None:
        """Say what changed, then hold the next for COALESCE_MS (see the module)."""
        if not self._pending or self._closed:
            return
        changes, self._pending = self._pending, []
        self.changed.emit(changes)
        self._hold.start(COALESCE_MS)  # from the end of the re-read the signal ran

    def _lost(self) -> None:
        self._disarm()
        if self._closed:
            return
        self.paused.emit()
        self._retry_later()

    def _retry_later(self) -> None:
        self._retry.start(BACKOFF_MS[min(self._tries, len(BACKOFF_MS) - 1)])
        self._tries += 1

    def _reconnect(self) -> None:
        """A try: True (listening) at once only if a try that ended has connected; else one
        is under way, and its end calls _ended."""
        if self._closed:
            return
        self._trying = not self._watcher.reconnect(self._attempt_ended)
        if not self._trying:
            if self._arm():
                self._tries = 0
                self.resumed.emit()
                self.drain()  # anything that came with the LISTEN's reply
            else:
                self._retry_later()

    def retry_now(self) -> None:
        """The server answers again (the window's own connection is back, or a save went
        through): a listener backing off tries at once, not at its next time, which may be
        BACKOFF_MS[-1] away."""
        if self._closed or self._notifier is not None or self._trying:
            return
        self._retry.stop()
        self._tries = 0
        self._reconnect()

    def _ended(self, connected: bool) -> None:
        self._trying = False
        if self._closed or self._notifier is not None:
            return
        if connected:
            self._reconnect()  # takes the connection made
        else:
            self._retry_later()

    def close(self) -> None:
        self._closed = True
        self._retry.stop()
        self._hold.stop()
        self._disarm()
        self._watcher.close()
