"""The network goes silent under the window's open connections (a proxy that stops forwarding
but keeps the sockets open): the window is held at most as long as the watchdog's bound
(desktop/storage/postgres/watchdog.py), the text typed stays, and once the network answers
again it is saved, and only once."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from desktop.application.bootstrap import open_service
from desktop.storage.postgres.repository import RECONNECT_TIMEOUT
from desktop.ui.editor.decision_editor import AWAY
from tests.gui.editor.test_register_black_hole import Ticks
from tests.helpers.shared_register_window import editing_a_saved_title
from tests.helpers.silent_network import SilentProxy

pytestmark = pytest.mark.postgres

SILENT_S = 5  # longer than the bound (3 s) by more than its 0.5 s margin: only the watchdog ends a wait in time


@pytest.fixture
def silent(pg_register):
    proxy = SilentProxy(pg_register.cluster.socket_dir / ".s.PGSQL.5432")
    yield proxy
    proxy.close()


def _title_rows(pg_register, decision_id: str) -> list[str]:
    with psycopg.connect(pg_register.url("carol")) as conn:
        return [r[0] for r in conn.execute(
            "SELECT new_value FROM audit_log WHERE field = 'title' AND decision_id = %s "
            "ORDER BY id", [decision_id])]


def test_a_silent_network_holds_the_window_at_most_the_bound(
        pg_register, silent, make_window, dialogs, qtbot, note):
    service = open_service(silent.url(pg_register.name, "alice"))
    _, decision, editor, title = editing_a_saved_title(service, make_window, qtbot)
    assert service.repo.watchdog is not None and service.repo.watchdog.limit == RECONNECT_TIMEOUT
    before = _title_rows(pg_register, decision.id)

    ticks = Ticks()
    silent.silence()
    silenced = time.perf_counter()
    threading.Timer(SILENT_S, silent.resume).start()
    qtbot.keyClicks(title, " quiet")
    qtbot.waitUntil(lambda: AWAY in editor.banner.text.text(), timeout=(RECONNECT_TIMEOUT + 2) * 1000)
    assert title.text() == "Close the old depot now quiet"
    assert editor.is_dirty()
    qtbot.wait(int((SILENT_S - 0.3 - (time.perf_counter() - silenced)) * 1000))
    assert editor.is_dirty() and title.text() == "Close the old depot now quiet"
    gap = ticks.longest_gap()
    assert gap <= RECONNECT_TIMEOUT + 0.5, f"the event loop was held {gap:.2f} s"
    assert service.repo.watchdog.cuts >= 1

    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=25000)
    saved_after = time.perf_counter() - silenced - SILENT_S
    assert ticks.longest_gap() <= RECONNECT_TIMEOUT + 0.5
    qtbot.wait(500)
    with psycopg.connect(pg_register.url("carol")) as conn:
        stored = conn.execute("SELECT title FROM versions WHERE decision_id = %s "
                              "AND is_current = 1", [decision.id]).fetchone()
    assert stored is not None and stored[0] == "Close the old depot now quiet"
    rows = _title_rows(pg_register, decision.id)
    assert rows[len(before):].count("Close the old depot now quiet") == 1, rows
    assert title.text() == "Close the old depot now quiet"
    assert AWAY not in editor.banner.text.text()
    assert all("Something went wrong" not in str(call) for call in dialogs.calls), dialogs.calls
    note("silent network", f"longest event-loop gap {gap:.2f} s (bound {RECONNECT_TIMEOUT} s), "
         f"saved {saved_after:.1f} s after the network answered, {service.repo.watchdog.cuts} "
         f"cut(s), dialogs {dialogs.calls}")
