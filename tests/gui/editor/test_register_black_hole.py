"""The way to the shared register turns into a black hole (a host that drops packets: every
connect waits its whole connect_timeout) while someone types: the window never freezes (its
event loop keeps running through every reconnect attempt), the text stays, a key typed while
it is away is tried soon, and what was typed is saved by itself once the way is back."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from desktop.application.bootstrap import open_service
from desktop.ui.editor.decision_editor import AWAY
from tests.helpers.black_hole import BlackHoleProxy
from tests.helpers.lifecycle import complete_decision
from tests.helpers.shared_register_window import editing_a_saved_title

pytestmark = pytest.mark.postgres

TICK_MS = 50
LONGEST_GAP_S = 0.2


class Ticks:
    """A QTimer firing every TICK_MS: the longest gap between two of its ticks is how long
    the event loop was held."""

    def __init__(self) -> None:
        self.at: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.at.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self) -> float:
        return max(b - a for a, b in zip(self.at, self.at[1:], strict=False))


@pytest.fixture
def hole(pg_register):
    proxy = BlackHoleProxy(pg_register.cluster.socket_dir / ".s.PGSQL.5432")
    yield proxy
    proxy.close()


def test_the_window_never_freezes_while_the_server_is_a_black_hole(
        pg_register, hole, make_window, dialogs, qtbot, note):
    service = open_service(hole.url(pg_register.name, "alice"))
    window, decision, editor, title = editing_a_saved_title(service, make_window, qtbot)

    from desktop.export.pdf.styles import register_fonts

    register_fonts()  # the first non-ASCII key loads the fonts (~0.15 s): not what is timed
    ticks = Ticks()
    hole.swallow()  # both connections cut; every new one hangs
    qtbot.keyClicks(title, " and later")
    qtbot.waitUntil(lambda: AWAY in editor.banner.text.text(), timeout=5000)
    qtbot.waitUntil(lambda: service.repo.reconnecting, timeout=5000)  # an attempt hangs
    title.setText(title.text() + " — café, 東京")  # typed on while it hangs (not ASCII)
    qtbot.wait(4000)  # longer than an attempt's connect_timeout (3 s): one ends, more start
    assert ticks.longest_gap() < LONGEST_GAP_S, \
        f"the event loop was held {ticks.longest_gap():.3f} s"
    assert hole.swallowed >= 3  # the window's and the listener's attempts, all hanging
    assert title.text() == "Close the old depot now and later — café, 東京"
    assert editor.is_dirty() and AWAY in editor.banner.text.text()
    assert window.live_label.text() == "Live updates paused: reconnecting…"
    assert dialogs.calls == []  # calm: a notice, no dialog to dismiss

    hole.restore()
    restored = time.perf_counter()
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=25000)
    note("saved after the way back", f"{time.perf_counter() - restored:.1f} s "
         f"(longest event-loop gap {ticks.longest_gap() * 1000:.0f} ms, "
         f"{hole.swallowed} attempts swallowed)")
    assert ticks.longest_gap() < LONGEST_GAP_S
    assert AWAY not in editor.banner.text.text()
    reader = open_service(pg_register.url("carol"))
    assert reader.get(decision.id).title == "Close the old depot now and later — café, 東京"
    assert reader.repo.check_audit_log().problems == ()
    qtbot.waitUntil(lambda: window.live.listening, timeout=15000)
    assert dialogs.calls == []
    ticks.timer.stop()
    reader.close()
    window.close()
    service.close()


def test_a_key_typed_while_the_server_is_away_is_tried_soon(
        pg_own_register, pg_own_server, dialogs, qtbot, monkeypatch):
    """Not at the next paced try (here 20 s off, as after a few failed tries): within
    AWAY_TYPED_MS of the key. The editor alone: in a window the listener's return would
    save it first (the test above)."""
    from desktop.ui.editor import decision_editor

    monkeypatch.setattr(decision_editor, "AWAY_FIRST_MS", 20_000)
    service = open_service(pg_own_register.url("alice"))
    decision = complete_decision(service, "Close the old depot")
    editor = decision_editor.DecisionEditor(service, dialogs, autosave_ms=100)
    qtbot.addWidget(editor)
    editor.open(decision.id)
    title = editor.details.inputs["title"]
    pg_own_server.cluster.stop()
    qtbot.keyClicks(title, " x")
    qtbot.waitUntil(lambda: AWAY in editor.banner.text.text(), timeout=5000)
    pg_own_server.cluster.restart()
    qtbot.wait(500)
    assert editor.is_dirty()  # nobody has tried since: the next paced try is 20 s off

    typed = time.perf_counter()
    qtbot.keyClicks(title, "yz")
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=10_000)
    assert time.perf_counter() - typed < 2  # soon, not at the paced try
    assert AWAY not in editor.banner.text.text()
    assert service.get(decision.id).title == "Close the old depot xyz"
    service.close()
