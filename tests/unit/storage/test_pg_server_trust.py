"""What the server no longer takes from the client (issue 17, the hostile tester's M1 and L4;
p011): the time of an audit row, a sign-off, a tick or a signed copy is the server's clock,
which only the owner's copy-register may set aside; and a signer's name needs a visible
character by the app's own rule (desktop.domain.visible), not a second list.

Each test failed before p011: the client's back-dated times were stored, and U+2800, the
Hangul fillers and bidi controls alone passed as a name."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.visible import draws_nothing, has_visible_character
from desktop.storage.repository import GENESIS_HASH, audit_hash
from tests.unit.storage.test_pg_enforcement import assert_chained, audit_rows, seed, signed_off

pytestmark = pytest.mark.postgres

BACK_DATED = "2001-01-01T00:00:00.000000Z"
APP_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")  # decisions._timestamp's


def _near_now(stamp: str) -> bool:
    """The stamp is in the app's form and within a minute of this machine's clock (the test
    cluster runs on it)."""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return bool(APP_FORM.fullmatch(stamp)) and \
        abs(moment - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


# ---- M1: the server's clock --------------------------------------------------------------
@pytest.mark.parametrize(("user", "copy_in"), [("alice", False), ("alice", True),
                                               ("bob", True), ("carol", True)])
def test_an_audit_rows_time_is_the_servers_whatever_the_client_sends(pg_register, user,
                                                                      copy_in):
    """Even a client that sets copy-register's own setting: only the owner's copy keeps times."""
    seed(pg_register)
    with pg_register.connect(user) as conn, conn.transaction():
        if copy_in:
            conn.execute("SET LOCAL dc.copy_in = 'on'")
        try:
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                         "VALUES (%s, 'd1', 1, 'title', 'Back-dated')", (BACK_DATED,))
        except psycopg.errors.InsufficientPrivilege:
            assert user == "carol"  # a reader appends nothing
            return
        now = conn.execute("SELECT dc_server_time()").fetchone()[0]
    rows = audit_rows(pg_register)
    assert rows[-1][1] == now != BACK_DATED and _near_now(now)
    assert [r[1] for r in rows].count(BACK_DATED) == 0
    assert_chained(rows)  # the hash covers the time the server set


def test_a_sign_off_is_recorded_at_the_servers_time(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn, conn.transaction():
        conn.execute("SET LOCAL dc.copy_in = 'on'")  # a clerk's copy_in changes nothing
        conn.execute("SELECT record_sign_off(%s, 'Chair', 'A Person', '2026-11-30', '', '', "
                     "%s, 'READ-CODE', '[]', NULL, NULL)", (vid, BACK_DATED))
        now = conn.execute("SELECT dc_server_time()").fetchone()[0]
    with pg_register.connect() as conn:
        recorded = conn.execute("SELECT recorded_at FROM sign_offs").fetchone()[0]
        audited = conn.execute("SELECT at FROM audit_log WHERE field = 'sign_off.Chair'"
                               ).fetchone()[0]
    assert recorded == audited == now and _near_now(now)
    assert_chained(audit_rows(pg_register))


def test_a_signed_copy_is_attached_at_the_servers_time(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect("bob") as conn, conn.transaction():
        conn.execute("INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                     "attached_at) VALUES (%s, 's.pdf', '', 0, '%%PDF-1.4', %s)",
                     (vid, BACK_DATED))
        now = conn.execute("SELECT dc_server_time()").fetchone()[0]
        assert conn.execute("SELECT attached_at FROM signed_copies").fetchone()[0] == now


def test_the_owners_copy_keeps_the_sources_times(pg_register):
    """copy-register into a server copies history: the owner, with dc.copy_in, keeps them."""
    with pg_register.connect() as conn, conn.transaction():
        conn.execute("SET LOCAL dc.copy_in = 'on'")
        h = audit_hash(GENESIS_HASH, BACK_DATED, "mary (desktop)", "d9", 1, "created", None, "T")
        conn.execute('INSERT INTO audit_log (id, at, "user", decision_id, version, field, '
                     "old_value, new_value, prev_hash, hash) VALUES "
                     "(1, %s, 'mary (desktop)', 'd9', 1, 'created', NULL, 'T', %s, %s)",
                     (BACK_DATED, GENESIS_HASH, h))
    assert [r[1] for r in audit_rows(pg_register)] == [BACK_DATED]


def test_the_app_on_a_server_stores_the_servers_time_and_audit_check_passes(pg_register, clock):
    """The service's clock (the tests' fixed one, 2026-11-25) is not what is stored; `audit
    --check` (sign-offs and ticks matched to their audit rows, the chain) still passes."""
    from desktop.application.bootstrap import open_service
    from desktop.cli.main import run
    from tests.helpers.engines import person
    from tests.helpers.lifecycle import signed_off_decision

    url = person(pg_register, "tester", "dc_author", "dc_clerk")
    service = open_service(url, now=clock)
    d = signed_off_decision(service)
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    service.close()
    with pg_register.connect() as conn:
        times = {r[0] for r in conn.execute("SELECT at FROM audit_log")}
        stored = {r[0] for r in conn.execute("SELECT recorded_at FROM sign_offs UNION "
                                             "SELECT done_at FROM action_progress")}
    assert stored <= times and len(stored) == 5 and all(map(_near_now, times))
    assert run(["--db", url, "audit", "--check"]) == 0


# ---- L4: a name that draws nothing -------------------------------------------------------
@pytest.mark.parametrize("name", ["\u2800", "\u115f\u1160", "\u3164", "\uffa0 ", "\u202e\u202c",
                                  "\u2066\u2069", "\u200b\u200d\ufeff", " \t\u3000", "\u0301",
                                  "\U000e0041", "\u034f\u17b4", "\u00ad"])
def test_record_sign_off_refuses_a_name_that_draws_nothing(pg_register, name):
    assert not has_visible_character(name)
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT record_sign_off(%s, 'Chair', %s, '2026-11-30', '', '', "
                         "'2026-11-30T10:00:00Z', 'READ-CODE', '[]', NULL, NULL)", (vid, name))
        assert caught.value.sqlstate == "22023"
        conn.execute("SELECT record_sign_off(%s, 'Chair', %s, '2026-11-30', '', '', "
                     "'2026-11-30T10:00:00Z', 'READ-CODE', '[]', NULL, NULL)",
                     (vid, f"{name}Ann{name}"))  # a real name among them is a name
        assert conn.execute("SELECT name FROM sign_offs").fetchone()[0] == f"{name}Ann{name}"


def test_the_servers_blank_names_are_the_apps_for_every_code_point(pg_register):
    """One query for each of the 1,112,062 code points a text can hold, alone."""
    with pg_register.connect() as conn:
        blank = set(conn.execute(
            "SELECT array_agg(cp) FROM generate_series(1, 1114111) cp "
            "WHERE cp NOT BETWEEN 55296 AND 57343 AND dc_blank(chr(cp))").fetchone()[0])
    expected = {cp for cp in range(1, 0x110000)
                if not 0xD800 <= cp <= 0xDFFF and draws_nothing(chr(cp))}
    assert blank == expected


_STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_NOTHING = st.characters(whitelist_categories=("Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Mn",
                                               "Mc", "Me"), blacklist_characters="\x00") \
    | st.sampled_from("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f")


@given(name=st.text(_NOTHING, max_size=8) | st.text(_STORABLE, max_size=8)
       | st.tuples(st.text(_NOTHING, max_size=4), _STORABLE, st.text(_NOTHING, max_size=4))
       .map("".join))
def test_the_server_and_the_app_agree_on_a_name(pg_register, name):
    with pg_register.connect() as conn:
        assert conn.execute("SELECT dc_blank(%s)", (name,)).fetchone()[0] \
            is (not has_visible_character(name))
