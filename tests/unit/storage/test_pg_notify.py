"""The live register on the server (p006_notify) and its listener (storage/postgres/live.py).

Every committed change of another session is announced on the channel, once a kind a
transaction, at commit: new decisions, edits, sign-offs and the lock, amendments, imports,
deletions, ticked actions, register settings. A rolled-back change announces nothing. A
reader may listen. The listener leaves out its own session's changes, and reads a payload
it does not know as "read everything again"."""

from __future__ import annotations

import json
import select

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.application.bootstrap import open_service
from desktop.domain.errors import LiveUpdatesLost
from desktop.domain.register_changes import RegisterChange
from desktop.storage.postgres.live import EVERYTHING, PostgresWatcher, parse_payload
from tests.helpers.engines import person
from tests.helpers.lifecycle import ROLES, complete_decision, sign

pytestmark = pytest.mark.postgres


def _arrived(watcher, *, within: float = 2.0) -> list[RegisterChange]:
    """What the watcher drains once its socket is readable (or nothing, after `within`)."""
    ready, _, _ = select.select([watcher.fileno()], [], [], within)
    return watcher.drain() if ready else []


def _quiet(watcher) -> None:
    """Drain whatever came before, so the next look sees only the next change."""
    while _arrived(watcher, within=0.2):
        pass


@pytest.fixture
def two(pg_register):
    """(mine, theirs, watcher): two people's services, and a watcher on mine."""
    mine = open_service(person(pg_register, "tester", "dc_author", "dc_clerk"))
    theirs = open_service(person(pg_register, "clerk", "dc_author", "dc_clerk"))
    watcher = mine.live_updates()
    assert watcher is not None
    yield mine, theirs, watcher
    theirs.close()
    mine.close()


def _kinds(changes, decision_id):
    return {c.kind for c in changes if c.decision_id == decision_id}


def test_each_kind_of_change_is_announced_once_at_commit(two):
    _mine, theirs, watcher = two
    d = theirs.create("Close the library on Sundays")
    assert _kinds(_arrived(watcher), d.id) == {"new"}
    theirs.update(d.id, title="Close the library on Sundays and Mondays")
    changes = _arrived(watcher)
    assert [c for c in changes if c.decision_id == d.id] == [RegisterChange(d.id, 1, "edit")]

    ready = complete_decision(theirs, "Sell the depot")
    _quiet(watcher)
    for role in ROLES[:-1]:
        sign(theirs, ready.id, role)
        assert _kinds(_arrived(watcher), ready.id) == {"sign-off"}
    sign(theirs, ready.id, ROLES[-1])  # the last role locks it: record_sign_off's rows
    assert _kinds(_arrived(watcher), ready.id) >= {"sign-off", "lock"}

    theirs.lifecycle.amend(ready.id, "The price changed")
    assert {"new", "amended"} <= _kinds(_arrived(watcher), ready.id)

    theirs.lifecycle.set_action_done(ready.id, "staff", 0, True)
    assert _kinds(_arrived(watcher), ready.id) >= {"action"}

    bundle = theirs.export_bundle([d.id])
    theirs.delete(d.id)
    assert _kinds(_arrived(watcher), d.id) == {"deleted"}
    theirs.import_bundle(bundle, source="library.json")
    assert _kinds(_arrived(watcher), d.id) >= {"new"}

    theirs.set_call_in_days(7)
    assert {c.kind for c in _arrived(watcher) if c.decision_id is None} == {"register"}


def test_a_rolled_back_change_announces_nothing(two, pg_register):
    _mine, theirs, watcher = two
    d = theirs.create("Draft")
    _quiet(watcher)
    with pg_register.connect("alice") as conn, pytest.raises(RuntimeError), \
            conn.transaction():
        conn.execute("UPDATE versions SET title = 'rolled back' WHERE decision_id = %s",
                     [d.id])
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES ('2026-12-01T09:00:00Z', %s, 1, 'title', "
                     "'Draft', 'rolled back')", [d.id])
        conn.execute("INSERT INTO versions (decision_id, version, status, title, "
                     "checklist_sha256, created_at, updated_at, is_current) SELECT "
                     "decision_id, 2, 'draft', 'x', checklist_sha256, created_at, "
                     "updated_at, 0 FROM versions WHERE decision_id = %s", [d.id])
        raise RuntimeError("the writer gave up")
    assert _arrived(watcher, within=0.5) == []
    marker = theirs.create("Committed after it")  # what comes next is this, and only this
    assert [c.decision_id for c in _arrived(watcher)] == [marker.id]


def test_a_reader_listens_and_its_own_changes_are_left_out(two, pg_register):
    mine, theirs, watcher = two
    reader = open_service(pg_register.url("carol"))
    heard = reader.live_updates()
    assert heard is not None
    mine.create("Mine")  # the watcher's own session: not announced to it
    assert _arrived(watcher, within=0.5) == []
    theirs.create("Theirs")
    assert [c.kind for c in _arrived(heard)] == ["new", "new"]  # the reader hears both
    reader.close()
    with pytest.raises(LiveUpdatesLost):  # closed with its repository
        heard.fileno()


def test_a_watcher_that_cannot_connect_says_so_and_tries_again(pg_register):
    watcher = PostgresWatcher(pg_register.url("nobody_at_all"), lambda: None)
    with pytest.raises(LiveUpdatesLost):
        watcher.fileno()
    assert watcher.reconnect() is False
    watcher.uri = pg_register.url("carol")
    assert watcher.reconnect() is True
    assert watcher.drain() == []
    watcher.close()
    assert watcher.reconnect() is False  # closed for good


@given(st.text())
def test_any_payload_is_a_change_or_read_everything(payload):
    change = parse_payload(payload)
    assert isinstance(change, RegisterChange)
    assert change == EVERYTHING or isinstance(change.kind, str)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                     max_leaves=200)


@given(st.one_of(st.text(max_size=8000), _JSON.map(json.dumps),
                 st.integers(1, 4000).map(lambda n: "[" * n + "]" * n),
                 st.integers(1, 4000).map(lambda n: '{"a":' * n + "1" + "}" * n)))
def test_no_payload_up_to_what_a_notify_carries_raises(payload):
    """Arbitrary text and JSON (pg_notify carries at most 8000 bytes), nested however deep."""
    change = parse_payload(payload.encode()[:8000].decode(errors="ignore"))
    assert isinstance(change, RegisterChange)
    assert change == EVERYTHING or isinstance(change.kind, str)


@pytest.mark.parametrize("depth", [3000, 4000])
def test_a_deeply_nested_payload_reads_everything(depth):
    assert parse_payload("[" * depth + "]" * depth) == EVERYTHING
    assert parse_payload('{"kind": "edit", "x": ' + "[" * depth + "]" * depth + "}") \
        == EVERYTHING


_NO_BRACKETS = st.characters(blacklist_characters="[{")


@given(st.one_of(st.none(), st.text(_NO_BRACKETS, max_size=512)),
       st.one_of(st.none(), st.integers()), st.text(_NO_BRACKETS, max_size=64))
def test_our_own_payloads_read_back(decision, version, kind):
    """As p006_notify sends them: an id (a uuid, at most 512 bytes), a version, a kind."""
    payload = json.dumps({"decision": decision, "version": version, "kind": kind},
                         ensure_ascii=False)
    assert parse_payload(payload) == RegisterChange(decision or None, version, kind)


@pytest.mark.parametrize("payload", ['{"decision": 5, "kind": "edit"}', '[1, 2]',
                                     '{"kind": null}', '{"version": true, "kind": "x"}'])
def test_a_payload_not_ours_reads_everything(payload):
    assert parse_payload(payload) == EVERYTHING


def test_a_notification_from_a_user_with_no_role_is_left_out(two, pg_register):
    """Anyone may NOTIFY the channel; one still connected as a user with no role on the
    register (mallory) is not a change. A member's notification, forged or not, counts."""
    from desktop.storage.postgres.p006_notify import CHANNEL

    _mine, theirs, watcher = two
    _quiet(watcher)
    forged = "SELECT pg_notify(%s, '{\"kind\": \"new\", \"decision\": \"forged\"}')"
    with pg_register.connect("mallory") as conn:
        for _ in range(3):
            conn.execute(forged, (CHANNEL,))
        assert _arrived(watcher, within=0.5) == []
        made = theirs.create("Real")
        assert [c.decision_id for c in _arrived(watcher)] == [made.id]
    with pg_register.connect("carol") as conn:  # a reader: a member, so it counts
        conn.execute(forged, (CHANNEL,))
        assert [c.decision_id for c in _arrived(watcher)] == ["forged"]


def test_a_drains_look_up_of_senders_is_cut_when_the_network_goes_silent(pg_register):
    """The look-up of a new sender (pg_stat_activity) is the one statement a drain sends, on
    a window's event loop: a network gone silent under it holds the window no longer than its
    bound (watchdog.py), then the drain says the updates are lost (the window reconnects off
    its event loop). A window's watcher gets the bound its repository's statements have."""
    import threading
    import time

    from desktop.storage.postgres.p006_notify import CHANNEL
    from desktop.storage.postgres.repository import RECONNECT_TIMEOUT
    from tests.helpers.silent_network import SilentProxy

    proxy = SilentProxy(pg_register.cluster.socket_dir / ".s.PGSQL.5432")
    service = open_service(proxy.url(pg_register.name, "alice"))
    try:
        service.reconnect_in_background(lambda ok: None)  # as a window does
        window_watcher = service.live_updates()
        assert window_watcher is not None and window_watcher.watchdog is not None
        assert window_watcher.watchdog.limit == RECONNECT_TIMEOUT

        limit, silent_s = 0.5, 1.2  # a shorter bound than a window's, to keep the test short
        watcher = PostgresWatcher(proxy.url(pg_register.name, "alice"), lambda: None)
        watcher.bound(limit)
        with pg_register.connect("carol") as conn:  # a sender not seen before: looked up
            conn.execute("SELECT pg_notify(%s, '{\"kind\": \"new\", \"decision\": \"d\"}')",
                         (CHANNEL,))
            assert select.select([watcher.fileno()], [], [], 2.0)[0]  # it has arrived
            proxy.silence()
            threading.Timer(silent_s, proxy.resume).start()
            started = time.monotonic()
            with pytest.raises(LiveUpdatesLost):
                watcher.drain()
            held = time.monotonic() - started
        assert limit <= held < limit + 0.5 < silent_s, f"the drain was held {held:.2f} s"
        assert watcher.watchdog is not None and watcher.watchdog.cuts == 1
        time.sleep(max(0.0, silent_s - held) + 0.1)  # the network answers again
        assert watcher.reconnect()
        with pg_register.connect("carol") as conn:
            conn.execute("SELECT pg_notify(%s, '{\"kind\": \"new\", \"decision\": \"e\"}')",
                         (CHANNEL,))
            assert [c.decision_id for c in _arrived(watcher)] == ["e"]
        watcher.close()
    finally:
        service.close()
        proxy.close()
