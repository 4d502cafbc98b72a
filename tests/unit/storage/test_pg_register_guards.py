"""p009: a decision keeps its current version (H2), a client's audit rows tell no false history
of a locked record (M2), signed copies and ticks are what they say and are audited (M3), and so
are settings (L7).

Raw SQL as each role (psql as that person): alice dc_author, bob dc_clerk, carol dc_reader.
"""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from desktop.application.bootstrap import open_service
from tests.helpers.lifecycle import complete_decision
from tests.unit.storage.test_pg_enforcement import (
    AT,
    DENIED,
    LOCKED,
    REFUSED,
    SHA,
    audit_rows,
    refused,
    seed,
    signed_off,
    snapshot,
)
from tests.unit.storage.test_pg_server_audit import audited_by_server

pytestmark = pytest.mark.postgres

LATER = "2026-12-02T10:00:00.000000Z"  # after signed_off()'s sign-offs (AT)
PDF = b"%PDF-1.4\n% the signed paper record\n"


def at_commit(db, user: str, *statements: str) -> str:
    """The SQLSTATE with which the server refuses, by the commit at the latest, these
    statements run in one transaction as `user` (fails if they commit)."""
    with db.connect(user, autocommit=False) as conn:
        with pytest.raises(psycopg.Error) as caught:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        return caught.value.sqlstate or ""


def amended(db) -> int:
    """d1 version 1 signed off and amended (as alice): version 2 is the current draft. Its id."""
    signed_off(db)
    with db.connect("alice", autocommit=False) as conn:
        conn.execute("SELECT amend_version('d1', 1, 2)")
        vid = conn.execute(
            "INSERT INTO versions (decision_id, version, title, checklist_sha256, created_at, "
            "updated_at) VALUES ('d1', 2, 'Close the depot', %s, %s, %s) RETURNING id",
            (SHA, AT, AT)).fetchone()[0]
        conn.execute("INSERT INTO answers (version_id, slug, response) VALUES (%s, 'one', 'Yes')",
                     (vid,))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES (%s, 'd1', 2, 'amendment_reason', 'A year later')", (AT,))
        conn.commit()
    return vid


# ---- H2: an amendment is not deleted; a decision keeps one current version, its newest --------
def test_no_author_deletes_an_amendment_to_make_a_signed_off_record_vanish(pg_register):
    vid = amended(pg_register)
    before = snapshot(pg_register)
    assert at_commit(pg_register, "alice", f"DELETE FROM answers WHERE version_id = {vid}",
                     "DELETE FROM versions WHERE decision_id = 'd1' AND version = 2") == LOCKED
    assert refused(pg_register, "carol", "DELETE FROM versions WHERE version = 2") == DENIED
    assert snapshot(pg_register) == before
    with pg_register.connect("carol") as conn:
        assert conn.execute("SELECT v.version, v.status FROM versions v JOIN decisions d "
                            "ON d.id = v.decision_id AND d.current_version = v.version "
                            "WHERE v.is_current = 1").fetchall() == [(2, "draft")]


def test_even_the_owner_cannot_leave_a_decision_without_its_current_version(pg_register):
    vid = amended(pg_register)
    before = snapshot(pg_register)
    # the owner may delete an amendment's rows, but not commit a decision left naming it
    assert at_commit(pg_register, "postgres", f"DELETE FROM answers WHERE version_id = {vid}",
                     f"DELETE FROM versions WHERE id = {vid}") == REFUSED
    assert snapshot(pg_register) == before


def test_no_author_adds_a_newer_version_beside_the_current_one(pg_register):
    seed(pg_register)
    assert at_commit(pg_register, "alice",
                     "INSERT INTO versions (decision_id, version, is_current, title, "
                     f"checklist_sha256, created_at, updated_at) VALUES ('d1', 5, 0, 'Newer', "
                     f"'{SHA}', '{AT}', '{AT}')") == REFUSED
    assert at_commit(pg_register, "alice",
                     f"INSERT INTO decisions (id, created_at) VALUES ('empty', '{AT}')") == REFUSED


def test_the_app_still_deletes_a_draft_and_says_so_in_the_audit_log(pg_register):
    author = open_service(pg_register.url("alice"))
    try:
        d = complete_decision(author)
        author.delete(d.id)
        assert not author.repo.exists(d.id)
    finally:
        author.close()
    rows = [(r[2], r[3], r[5]) for r in audit_rows(pg_register) if r[5] == "deleted"]
    assert rows == [("alice", d.id, "deleted")]
    assert not [r for r in audited_by_server(pg_register) if r[3] == "deleted"]


# ---- M2: no false history of a locked record ---------------------------------------------
FALSE_HISTORY = [("title", "a", "b", LOCKED), ("status", "signed-off", "draft", LOCKED),
                 ("call_in_days", "20", "0", LOCKED), ("imported", None, "forged.json", LOCKED),
                 ("appraisal.score.0.one", "3", "0", LOCKED), ("deleted", None, None, REFUSED),
                 ("t\u0456tle", "a", "b", REFUSED)]  # a Cyrillic i (p007)


@pytest.mark.parametrize(("field", "old", "new", "state"), FALSE_HISTORY,
                         ids=[f[0].encode("ascii", "replace").decode() for f in FALSE_HISTORY])
@pytest.mark.parametrize("user", ["alice", "bob"])
def test_no_client_appends_false_history_to_a_signed_off_version(pg_register, user, field,
                                                                 old, new, state):
    signed_off(pg_register)
    before = audit_rows(pg_register)
    assert refused(pg_register, user, "INSERT INTO audit_log (at, decision_id, version, field, "
                   "old_value, new_value) VALUES (%s, 'd1', 1, %s, %s, %s)",
                   (LATER, field, old, new)) == state
    assert audit_rows(pg_register) == before


@pytest.mark.parametrize(("decision", "version", "field"),
                         [("nowhere", 1, "deleted"), ("nowhere", 1, "title"), ("d1", 7, "title"),
                          ("d1", 0, "deleted")])
def test_an_audit_row_names_a_decision_and_version_held_or_deleted_here(pg_register, decision,
                                                                       version, field):
    seed(pg_register)
    assert refused(pg_register, "alice", "INSERT INTO audit_log (at, decision_id, version, "
                   "field) VALUES (%s, %s, %s, %s)", (LATER, decision, version, field)) == REFUSED


def test_a_signed_off_version_takes_the_follow_up_the_app_writes(pg_register):
    """A tick's and a signed copy's audit rows, each beside its tick or copy (p013's M4)."""
    vid = signed_off(pg_register)
    sha = hashlib.sha256(PDF).hexdigest()
    with pg_register.connect("bob") as conn, conn.transaction():  # one save, one time
        conn.execute("INSERT INTO action_progress (version_id, slug, position, done_at) "
                     "VALUES (%s, 'two', 0, %s)", (vid, LATER))
        conn.execute("INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                     "attached_at) VALUES (%s, 's.pdf', '', 0, %s, %s)", (vid, PDF, LATER))
        for field, value in (("answers.two.actions[0].done", "yes"),
                             ("signed_copy", f"s.pdf (SHA-256 {sha})")):
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                         "VALUES (%s, 'd1', 1, %s, %s)", (LATER, field, value))
    assert [r[5] for r in audit_rows(pg_register)][-2:] == ["answers.two.actions[0].done",
                                                            "signed_copy"]


# ---- M3: signed copies and ticks ---------------------------------------------------------
def test_a_signed_copy_is_what_its_data_says_and_is_audited(pg_register):
    vid = signed_off(pg_register)
    statement = ("INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                 "attached_at) VALUES (%s, %s, repeat('a', 64), 999999, %s, '1999-01-01')")
    with pg_register.connect("bob") as conn:
        for _ in range(2):  # the app attaches any number of copies: so does the server
            conn.execute(statement, (vid, "f\x1b[31m.pdf", PDF))
        stored = conn.execute("SELECT sha256, size, attached_by FROM signed_copies").fetchall()
    assert stored == [(hashlib.sha256(PDF).hexdigest(), len(PDF), "bob")] * 2
    written = [r for r in audited_by_server(pg_register) if r[3] == "signed_copy"]
    assert written == [("bob", "d1", 1, "signed_copy", None,
                        f"f\x1b[31m.pdf (SHA-256 {hashlib.sha256(PDF).hexdigest()})")] * 2
    assert refused(pg_register, "bob", statement, (vid, "x.pdf", b"x")) == REFUSED
    assert refused(pg_register, "alice", statement, (vid, "x.pdf", PDF)) == DENIED


def test_a_tick_cannot_be_back_dated_into_the_signed_record_and_is_audited(pg_register):
    vid = signed_off(pg_register)
    tick = ("INSERT INTO action_progress (version_id, slug, position, done_at) "
            "VALUES (%s, 'two', 0, %s)")
    with pg_register.connect("bob") as conn:
        for when in ("1999-01-01", "yesterday"):  # the server's clock, not the client's (p011)
            with conn.transaction():
                conn.execute(tick, (vid, when))
                stored, now, signed = conn.execute(
                    "SELECT done_at, dc_server_time(), (SELECT max(recorded_at) FROM sign_offs) "
                    "FROM action_progress").fetchone()
                assert stored == now > signed
                conn.execute("DELETE FROM action_progress WHERE version_id = %s", (vid,))
    written = [r for r in audited_by_server(pg_register) if r[3].startswith("answers.")]
    assert written == [("bob", "d1", 1, "answers.two.actions[0].done", "no", "yes"),
                       ("bob", "d1", 1, "answers.two.actions[0].done", "yes", "no")] * 2


def test_the_apps_own_tick_and_copy_gain_no_server_row(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect("bob") as conn, conn.transaction():
        conn.execute("INSERT INTO action_progress (version_id, slug, position, done_at) "
                     "VALUES (%s, 'two', 0, %s)", (vid, LATER))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES (%s, 'd1', 1, 'answers.two.actions[0].done', 'no', "
                     "'yes')", (LATER,))
    assert audited_by_server(pg_register) == []


# ---- L7: settings -----------------------------------------------------------------------
def test_an_authors_raw_change_of_a_setting_is_audited_and_checked(pg_register):
    with pg_register.connect("alice") as conn:
        conn.execute("INSERT INTO register_settings (key, value) VALUES ('call_in_days', '5')")
        conn.execute("UPDATE register_settings SET value = '6' WHERE key = 'call_in_days'")
        conn.execute("INSERT INTO register_settings (key, value) "
                     "VALUES ('checklist_editor_draft', '{}')")  # kept as typed: not audited
    assert [r[:6] for r in audited_by_server(pg_register)] == [
        ("alice", "", 0, "call_in_days", None, "5"), ("alice", "", 0, "call_in_days", "5", "6")]
    for value in ("0", "31", "5 ", "x"):
        assert refused(pg_register, "alice", "UPDATE register_settings SET value = %s "
                       "WHERE key = 'call_in_days'", (value,)) == REFUSED


def test_the_apps_own_setting_change_gains_no_server_row(pg_register):
    author = open_service(pg_register.url("alice"))
    try:
        author.set_call_in_days(7)
    finally:
        author.close()
    assert audited_by_server(pg_register) == []
    assert [r[5:8] for r in audit_rows(pg_register)][-1] == ("call_in_days", "5", "7")
