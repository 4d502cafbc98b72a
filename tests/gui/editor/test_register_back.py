"""The shared register's server comes back after a while away: the live listener, backed off
by then, listens again as soon as the window's own connection is back, and the first step
the user takes (Alt+Left back to the list) shows no "not saved" dialog."""

from __future__ import annotations

import time

import pytest

from desktop.application.bootstrap import open_service
from desktop.ui.live_register import BACKOFF_MS
from tests.helpers.shared_register_window import editing_a_saved_title

pytestmark = pytest.mark.postgres


def test_the_first_step_after_the_server_is_back_shows_no_dialog(
        pg_own_register, pg_own_server, make_window, dialogs, qtbot, note):
    service = open_service(pg_own_register.url("alice"))
    window, _, _, _ = editing_a_saved_title(service, make_window, qtbot)
    assert window.live is not None
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)

    pg_own_server.cluster.stop()
    qtbot.waitUntil(lambda: not window.live.listening, timeout=5000)
    # the listener backs off to its longest wait (BACKOFF_MS[-1]), and has just begun one
    retry = window.live._retry  # when its next try is (nothing public says)
    qtbot.waitUntil(lambda: retry.isActive() and retry.remainingTime() > BACKOFF_MS[-1] - 1500,
                    timeout=30000)
    pg_own_server.cluster.restart()
    back = time.perf_counter()
    qtbot.wait(300)
    assert not window.live.listening and retry.isActive()  # still backing off
    window.go_back()  # Alt+Left (tests/gui/test_keys.py): finds that connection lost
    qtbot.waitUntil(lambda: window.live.listening, timeout=2000)  # not its next try, 6 s on
    listening_after = time.perf_counter() - back
    assert dialogs.calls == [], dialogs.calls
    assert not window.showing_editor()  # all decisions, read again once the server answered
    qtbot.waitUntil(lambda: window.register.model.rowCount() == 1, timeout=5000)
    assert window.register.count_label.text() == "1 decision"
    note("server back", f"listening again {listening_after:.1f} s after the restart")
