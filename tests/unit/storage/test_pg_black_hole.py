"""A window's repository never waits for a server that does not answer: once it is asked to
reconnect in the background (reconnect_in_background), a step that finds its connection lost
fails at once and one attempt is made on a thread of its own, never two at a time; when the
way to the server is back, the attempt says so and the next step carries on. The same for the
live listener's reconnect(done). Against a black hole: a socket that accepts and answers
nothing (tests/helpers/black_hole.py), so each attempt lasts its whole connect_timeout."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.errors import Unreachable
from tests.helpers.black_hole import BlackHoleProxy
from tests.helpers.lifecycle import complete_decision

pytestmark = pytest.mark.postgres


@pytest.fixture
def hole(pg_register):
    proxy = BlackHoleProxy(pg_register.cluster.socket_dir / ".s.PGSQL.5432")
    yield proxy
    proxy.close()


def _ended():
    """done(ok) as the attempts call it, and an Event set at each call."""
    calls: list[bool] = []
    called = threading.Event()

    def done(ok: bool) -> None:
        calls.append(ok)
        called.set()
    return calls, called, done


def test_a_lost_connection_is_made_again_off_the_callers_thread(pg_register, hole):
    svc = open_service(hole.url(pg_register.name, "alice"))
    d = complete_decision(svc, "Close the old depot")
    calls, called, done = _ended()
    svc.reconnect_in_background(done)
    hole.swallow()
    slowest = 0.0
    for _ in range(20):  # every step while the attempt hangs: at once, and no new attempt
        started = time.perf_counter()
        with pytest.raises(Unreachable) as away:
            svc.get(d.id)
        slowest = max(slowest, time.perf_counter() - started)
        assert "\n" not in str(away.value)
    assert slowest < 0.2, f"a step waited {slowest:.3f} s for the black hole"
    assert svc.repo.reconnecting and hole.swallowed_within(1)  # one attempt in flight, no more
    assert calls == []

    assert called.wait(10)  # the attempt's connect_timeout (3 s) ran out on its own thread
    assert calls == [False] and not svc.repo.reconnecting
    hole.restore()
    called.clear()
    with pytest.raises(Unreachable):  # said as it found it, and another attempt started
        svc.get(d.id)
    assert called.wait(10) and calls == [False, True]
    assert svc.get(d.id).title == "Close the old depot"  # the new connection, taken
    assert svc.update(d.id, title="Saved once it was back").title == "Saved once it was back"
    assert svc.repo.check_audit_log().problems == ()
    svc.close()


def test_closing_while_an_attempt_hangs_leaves_nothing_behind(pg_register, hole):
    svc = open_service(hole.url(pg_register.name, "alice"))
    calls, called, done = _ended()
    svc.reconnect_in_background(done)
    hole.swallow()
    with pytest.raises(Unreachable):
        svc.repo.all_ids()
    assert svc.repo.reconnecting
    svc.close()  # abandoned: done is not called, and a connection it makes is closed
    hole.restore()
    assert not called.wait(4)
    assert calls == []


def test_the_listener_reconnects_off_the_callers_thread(pg_register, hole):
    svc = open_service(hole.url(pg_register.name, "carol"))
    watcher = svc.live_updates()
    assert watcher is not None
    calls, called, done = _ended()
    hole.swallow()
    started = time.perf_counter()
    assert watcher.reconnect(done) is False  # under way
    assert watcher.reconnect(done) is False  # still the same one
    assert time.perf_counter() - started < 0.2 and hole.swallowed_within(1)
    assert called.wait(10) and calls == [False]
    hole.restore()
    called.clear()
    assert watcher.reconnect(done) is False  # the failed one dropped, a new one started
    assert called.wait(10) and calls == [False, True]
    assert watcher.reconnect(done) is True  # listening on the connection it made
    assert watcher.drain() == []
    svc.close()
