"""What the second hostile tester of issue 17 still got past the server (p013): times that fell
behind audit ids (M1), a forged 'created' row that hid an edit (M2), rows moved between
versions unaudited on one of them (M3), a signed copy's or a tick's audit row with no copy or
tick (M4), a sign-off's name too long to print (M6) and the musical null notehead (L1).

Each test failed before p013."""

from __future__ import annotations

import psycopg
import pytest

from desktop.application import lifecycle
from desktop.domain import sign_off_limits
from desktop.domain.sign_off_limits import MAX_COMMENT, MAX_MINUTE, MAX_NAME
from desktop.domain.visible import has_visible_character
from tests.unit.storage.test_pg_enforcement import REFUSED, audit_rows, seed, sign, signed_off
from tests.unit.storage.test_pg_server_audit import audited_by_server

pytestmark = pytest.mark.postgres

NULL_NOTEHEAD = "\U0001d159"


def _edit_title(db, decision_id: str, title: str) -> None:
    """As alice, the app's way: the title and its audit row, in one transaction."""
    with db.connect("alice") as conn, conn.transaction():
        conn.execute("UPDATE versions SET title = %s WHERE decision_id = %s", (title, decision_id))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES ('2001-01-01T00:00:00Z', %s, 1, 'title', %s)", (decision_id, title))


# ---- M1: times rise with audit ids -------------------------------------------------------
def test_a_clerk_who_waits_before_signing_is_not_dated_before_an_edit_in_between(pg_register):
    """The tester's held2.sh: bob begins, alice saves and commits, then bob signs."""
    vid = seed(pg_register, "d1")
    seed(pg_register, "d2")
    with pg_register.connect("bob") as bob, bob.transaction():
        bob.execute("SELECT 1")  # the transaction has begun (now() is fixed here)
        _edit_title(pg_register, "d2", "Edited after the clerk began")
        assert sign(bob, vid, "Chair", []) == "ready"
    rows = audit_rows(pg_register)
    times = [r[1] for r in rows]  # in id order
    assert times == sorted(times)
    with pg_register.connect() as conn:
        recorded = conn.execute("SELECT recorded_at FROM sign_offs").fetchone()[0]
        edited = conn.execute("SELECT at FROM audit_log WHERE field = 'title'").fetchone()[0]
    assert recorded >= edited


def test_every_row_of_one_transaction_still_bears_one_time(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn, conn.transaction():
        assert sign(conn, vid, "Chair", []) == "ready"
        first = conn.execute("SELECT dc_server_time()").fetchone()[0]
        conn.execute("SELECT pg_sleep(0.01)")
        assert conn.execute("SELECT dc_server_time()").fetchone()[0] == first
    with pg_register.connect() as conn:
        recorded = conn.execute("SELECT recorded_at FROM sign_offs").fetchone()[0]
        audited = {r[0] for r in conn.execute(
            "SELECT at FROM audit_log WHERE field LIKE 'sign_off.%'").fetchall()}
    assert audited == {recorded} == {first}


def test_a_client_cannot_set_the_transactions_time(pg_register):
    seed(pg_register)
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("SET LOCAL dc.xact_time = '2001-01-01T00:00:00.000000Z'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_head SET time_at = '2001-01-01T00:00:00.000000Z'")
    _edit_title(pg_register, "d1", "Later")
    assert not audit_rows(pg_register)[-1][1].startswith("2001")


# ---- M2: a forged 'created' row explains nothing ------------------------------------------
def test_a_forged_created_row_does_not_hide_an_edit(pg_register):
    """The tester's stealth.py: a second 'created' row for an existing version, then a raw edit."""
    seed(pg_register)
    assert audited_by_server(pg_register) == []  # a new version's own 'created' row explains it
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES (%s, 'd1', 1, 'created', '', 'Close the depot')",
                     ("2026-01-01T00:00:00Z",))
        conn.execute("UPDATE answers SET response = 'STEALTH' WHERE slug = 'one'")
        conn.execute("UPDATE versions SET verification_code = 'FORGED' WHERE decision_id = 'd1'")
    written = [r[3:] for r in audited_by_server(pg_register)]
    assert ("answers.one.response", "Yes", "STEALTH") in written
    assert ("stored.verification_code", "READ-CODE", "FORGED") in written


# ---- M3: a row moved between versions is audited on both ----------------------------------
def test_an_answer_moved_to_another_version_is_audited_on_the_one_it_left(pg_register):
    """The tester's moves.py: the move explained on the version it went to only."""
    seed(pg_register, "d1")
    seed(pg_register, "d2")
    with pg_register.connect("alice") as conn, conn.transaction():
        v1, v2 = (conn.execute("SELECT id FROM versions WHERE decision_id = %s", (d,)
                               ).fetchone()[0] for d in ("d1", "d2"))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES ('2026-01-01T00:00:00Z', 'd2', 1, 'answers.one.response', 'x')")
        conn.execute("DELETE FROM answers WHERE version_id = %s AND slug = 'one'", (v2,))
        conn.execute("UPDATE answers SET version_id = %s WHERE version_id = %s AND slug = 'one'",
                     (v2, v1))
    written = [r[1:] for r in audited_by_server(pg_register)]
    assert ("d1", 1, "answers.one.rating", "green", None) in written
    assert ("d1", 1, "answers.one.response", "Yes", None) in written
    assert not [r for r in written if r[0] == "d2"]  # explained there


def test_an_option_moved_unexplained_is_audited_on_both_versions(pg_register):
    seed(pg_register, "d1")
    seed(pg_register, "d2")
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("UPDATE options SET version_id = (SELECT id FROM versions WHERE "
                     "decision_id = 'd2'), position = 100 WHERE version_id = (SELECT id FROM "
                     "versions WHERE decision_id = 'd1')")
    written = {(r[1], r[3], r[4] is None, r[5] is None) for r in audited_by_server(pg_register)}
    assert written == {("d1", "options", False, True), ("d2", "options", True, False)}


def test_a_signed_off_versions_timeline_moved_away_is_audited(pg_register):
    signed_off(pg_register)
    seed(pg_register, "d2")
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("DELETE FROM version_timeline WHERE version_id = "
                     "(SELECT id FROM versions WHERE decision_id = 'd2')")
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES ('2026-01-01T00:00:00Z', 'd2', 1, 'title', 'x')")
        conn.execute("UPDATE version_timeline SET version_id = (SELECT id FROM versions WHERE "
                     "decision_id = 'd2') WHERE version_id = (SELECT id FROM versions WHERE "
                     "decision_id = 'd1')")
    written = [r[1:4] for r in audited_by_server(pg_register)]
    assert written == [("d1", 1, "stored.timeline")]


# ---- M4: a signed copy's or a tick's audit row stands only beside the copy or the tick ------
@pytest.mark.parametrize(("user", "field", "value"), [
    ("bob", "signed_copy", "s.pdf (SHA-256 " + "a" * 64 + ")"),
    ("alice", "signed_copy", "s.pdf (SHA-256 " + "a" * 64 + ")"),
    ("bob", "answers.two.actions[0].done", "yes"),
    ("alice", "answers.two.actions[0].done", "yes"),
])
def test_a_follow_up_audit_row_with_nothing_behind_it_is_refused(pg_register, user, field, value):
    signed_off(pg_register)
    before = audit_rows(pg_register)
    with (pg_register.connect(user) as conn, pytest.raises(psycopg.Error) as caught,
          conn.transaction()):
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES ('2026-12-02T10:00:00Z', 'd1', 1, %s, %s)", (field, value))
    assert caught.value.sqlstate == REFUSED
    assert audit_rows(pg_register) == before


def test_an_untick_row_stands_only_if_the_action_is_not_ticked(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect("bob") as conn:
        with conn.transaction():
            conn.execute("INSERT INTO action_progress (version_id, slug, position, done_at) "
                         "VALUES (%s, 'two', 0, '2026-12-02T10:00:00Z')", (vid,))
        with pytest.raises(psycopg.Error) as caught, conn.transaction():
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                         "new_value) VALUES ('2026-12-02T10:00:00Z', 'd1', 1, "
                         "'answers.two.actions[0].done', 'yes', 'no')")
        assert caught.value.sqlstate == REFUSED
        with conn.transaction():  # the untick, as the app writes it
            conn.execute("DELETE FROM action_progress WHERE version_id = %s", (vid,))
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                         "new_value) VALUES ('2026-12-02T10:00:00Z', 'd1', 1, "
                         "'answers.two.actions[0].done', 'yes', 'no')")


# ---- M6: a sign-off's typed parts no longer than the app allows ---------------------------
def test_the_app_and_the_server_share_one_limit():
    assert (lifecycle.MAX_NAME, lifecycle.MAX_MINUTE, lifecycle.MAX_COMMENT) == (
        sign_off_limits.MAX_NAME, sign_off_limits.MAX_MINUTE, sign_off_limits.MAX_COMMENT)


@pytest.mark.parametrize("letter", ["W", "\u5f20"])  # a wide Latin letter, a CJK one
def test_the_server_refuses_a_name_one_over_the_apps_limit(pg_register, letter):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        with pytest.raises(psycopg.Error) as caught:
            sign(conn, vid, "Chair", [], name=letter * (MAX_NAME + 1))
        assert caught.value.sqlstate == "22023" and f"{MAX_NAME} characters" in str(caught.value)
        assert sign(conn, vid, "Chair", [], name=letter * MAX_NAME) == "ready"
    with pg_register.connect() as conn:
        assert conn.execute("SELECT name FROM sign_offs").fetchone()[0] == letter * MAX_NAME


@pytest.mark.parametrize(("column", "limit"), [("minute_reference", MAX_MINUTE),
                                               ("comment", MAX_COMMENT)])
def test_the_server_refuses_a_minute_or_comment_over_the_apps_limit(pg_register, column, limit):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        assert sign(conn, vid, "Chair", []) == "ready"
    with pg_register.connect() as conn:  # even the owner: the limit is the table's
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(f"UPDATE sign_offs SET {column} = repeat('x', %s)", (limit + 1,))
        assert caught.value.sqlstate == "22023"
        conn.execute(f"UPDATE sign_offs SET {column} = repeat('x', %s)", (limit,))


# ---- L1: the musical null notehead draws nothing -----------------------------------------
def test_a_null_notehead_is_no_name_to_the_app_or_the_server(pg_register):
    assert not has_visible_character(NULL_NOTEHEAD)
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        assert conn.execute("SELECT dc_blank(%s), dc_blank(%s)",
                            (NULL_NOTEHEAD * 3, NULL_NOTEHEAD + "A")).fetchone() == (True, False)
        with pytest.raises(psycopg.Error) as caught:
            sign(conn, vid, "Chair", [], name=NULL_NOTEHEAD)
        assert caught.value.sqlstate == "22023"
