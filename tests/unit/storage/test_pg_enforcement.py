"""The shared register's server enforces, not the client: raw SQL as each role (psql as that
person) against a real PostgreSQL server.

alice holds dc_author, bob and dave dc_clerk, carol dc_reader (tests/helpers/postgres.py).
"""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.decision import SignOff
from desktop.domain.record import sign_off_text
from desktop.storage.repository import GENESIS_HASH, audit_hash

pytestmark = pytest.mark.postgres

CHECKLIST = json.dumps({
    "id": "mini", "version": 1,
    "principles": [{"slug": "one"}, {"slug": "two"}],
    "sign_off_roles": [{"name": "Chair", "required": True}, {"name": "Clerk", "required": True},
                       {"name": "Observer", "required": False}],
})
SHA = "c" * 64
AT = "2026-12-01T09:00:00+00:00"
LOCKED, REFUSED, STALE, APPEND_ONLY, DENIED = "DC001", "DC002", "DC003", "DC004", "42501"


def seed(db, decision_id: str = "d1") -> int:
    """As alice (an author): a checklist and a decision whose version 1 is ready for sign-off
    (both sections complete), with an option, answers and an action, a committee report, an
    options appraisal, a document and its timeline (p003). Returns its version id."""
    with db.connect("alice") as conn, conn.transaction():
        conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                     "VALUES (%s, 'mini', 1, %s) ON CONFLICT DO NOTHING", (SHA, CHECKLIST))
        conn.execute("INSERT INTO checklist_sections (sha256, position, slug) VALUES "
                     "(%s, 0, 'one'), (%s, 1, 'two') ON CONFLICT DO NOTHING", (SHA, SHA))
        conn.execute("INSERT INTO decisions (id, created_at) VALUES (%s, %s)", (decision_id, AT))
        vid = conn.execute(
            "INSERT INTO versions (decision_id, version, status, title, checklist_sha256, "
            "created_at, updated_at, complete, verification_code) "
            "VALUES (%s, 1, 'ready', 'Close the depot', %s, %s, %s, 2, 'READ-CODE') "
            "RETURNING id", (decision_id, SHA, AT, AT)).fetchone()[0]
        conn.execute("INSERT INTO options (version_id, position, name, status) "
                     "VALUES (%s, 0, 'Close it', 'recommended')", (vid,))
        conn.execute("INSERT INTO answers (version_id, slug, rating, response) VALUES "
                     "(%s, 'one', 'green', 'Yes'), (%s, 'two', 'amber', 'Mostly')", (vid, vid))
        conn.execute("INSERT INTO actions (version_id, slug, position, action) "
                     "VALUES (%s, 'two', 0, 'Tell the staff')", (vid,))
        conn.execute("UPDATE versions SET report_of = 'Director of Place', recommendations = "
                     "'[\"Close it\"]', exempt_paragraph = 3, publication_date = '2026-11-30', "
                     "urgency_route = 'general-exception' WHERE id = %s", (vid,))
        conn.execute("INSERT INTO appraisals (version_id, weights_locked_at, weights_locked_by) "
                     "VALUES (%s, %s, 'alice')", (vid, AT))
        conn.execute("INSERT INTO appraisal_criteria (version_id, position, criterion, kind, "
                     "weight) VALUES (%s, 0, 'one', 'principle', 100)", (vid,))
        conn.execute("INSERT INTO appraisal_scores (version_id, option, criterion, score) "
                     "VALUES (%s, 0, 'one', 3)", (vid,))
        conn.execute("INSERT INTO appraisal_weight_changes (version_id, position, criterion, "
                     "old_weight, new_weight, changed_at) VALUES (%s, 0, 'one', 50, 100, %s)",
                     (vid, AT))
        conn.execute("INSERT INTO documents (version_id, slug, position, title) "
                     "VALUES (%s, 'one', 0, 'Depot condition survey')", (vid,))
        conn.execute("INSERT INTO version_timeline (version_id, decision_date, challenge_end) "
                     "VALUES (%s, '2026-11-30', '2027-02-28')", (vid,))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES (%s, %s, 1, 'created', 'Close the depot')", (AT, decision_id))
    return vid


def sign(conn, vid: int, role: str, read: list[list[str]], codes: tuple[str, str] | None = None,
         name: str = "A Person") -> str:
    """record_sign_off as the connection's user; read: the sign-offs the caller saw."""
    return conn.execute(
        "SELECT record_sign_off(%s, %s, %s, '2026-11-30', '', '', %s, 'READ-CODE', %s, %s, %s)",
        (vid, role, name, AT, json.dumps(read), *(codes or (None, None)))).fetchone()[0]


def signed_off(db) -> int:
    """A register whose decision d1 version 1 is signed off (by bob); its version id."""
    vid = seed(db)
    with db.connect("bob") as conn:
        assert sign(conn, vid, "chair", []) == "ready"  # any case: stored as the checklist spells it
        read = [["Chair", "A Person", "2026-11-30", "", ""]]
        assert sign(conn, vid, "Clerk", read, ("LOCK-CODE", "CONTENT")) == "signed-off"
    return vid


def refused(db, user: str, statement: str, params=()) -> str:
    """The SQLSTATE with which the server refuses `statement` as `user` (fails if it runs)."""
    with db.connect(user) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement, params)
        return caught.value.sqlstate or ""


def audit_rows(db) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute('SELECT id, at, "user", decision_id, version, field, old_value, '
                            "new_value, prev_hash, hash FROM audit_log ORDER BY id").fetchall()


def assert_chained(rows) -> None:
    """Every row chains on from the one before, its hash as the desktop register computes it."""
    prev = GENESIS_HASH
    for i, (rid, at, user, did, version, field, old, new, prev_hash, h) in enumerate(rows, 1):
        assert (rid, prev_hash) == (i, prev)
        assert h == audit_hash(prev, at, user, did, version, field, old, new)
        prev = h


# ---- grants: who may write what --------------------------------------------------------
def test_an_author_edits_a_draft_and_a_reader_only_reads(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn:
        conn.execute("UPDATE versions SET title = 'Keep the depot' WHERE id = %s", (vid,))
        conn.execute("UPDATE answers SET response = 'No' WHERE version_id = %s", (vid,))
    with pg_register.connect("carol") as conn:
        assert conn.execute("SELECT title FROM versions").fetchone()[0] == "Keep the depot"
    for statement in ("UPDATE versions SET title = 'x'", "DELETE FROM answers",
                      "INSERT INTO decisions (id, created_at) VALUES ('d2', 'now')",
                      "INSERT INTO audit_log (at, decision_id, version, field) "
                      "VALUES ('now', 'd1', 1, 'title')"):
        assert refused(pg_register, "carol", statement) == DENIED
    assert refused(pg_register, "mallory", "SELECT * FROM versions") == DENIED
    assert refused(pg_register, "alice", "SELECT * FROM audit_head") == DENIED


def test_only_the_owner_can_sign_off_a_version_by_setting_its_status(pg_register):
    vid = seed(pg_register)
    assert refused(pg_register, "alice", "UPDATE versions SET status = 'signed-off' "
                   "WHERE id = %s", (vid,)) == REFUSED
    # not even with every role signed: the status follows the last record_sign_off
    with pg_register.connect() as conn:  # the owner, as copy-register will
        conn.execute("INSERT INTO sign_offs (version_id, role, name, date, recorded_at) VALUES "
                     "(%s, 'Chair', 'C', '2026-11-30', 'x'), (%s, 'Clerk', 'K', '2026-11-30', 'x')",
                     (vid, vid))
    assert refused(pg_register, "alice", "UPDATE versions SET status = 'signed-off' "
                   "WHERE id = %s", (vid,)) == REFUSED
    with pg_register.connect() as conn:
        conn.execute("UPDATE versions SET status = 'signed-off' WHERE id = %s", (vid,))


def test_signing_off_needs_every_required_role_and_a_complete_record(pg_register):
    vid = seed(pg_register)
    with pg_register.connect() as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("UPDATE versions SET status = 'signed-off' WHERE id = %s", (vid,))
        assert caught.value.sqlstate == REFUSED
        assert "every required role" in str(caught.value)


# ---- the lock on a signed-off version ------------------------------------------------------
LOCKED_STATEMENTS = [
    "UPDATE versions SET title = 'Rewritten' WHERE id = {vid}",
    "UPDATE versions SET status = 'draft' WHERE id = {vid}",
    "UPDATE versions SET verification_code = 'FORGED' WHERE id = {vid}",
    "DELETE FROM versions WHERE id = {vid}",
    "UPDATE answers SET response = 'Rewritten' WHERE version_id = {vid}",
    "DELETE FROM answers WHERE version_id = {vid}",
    "INSERT INTO answers (version_id, slug, response) VALUES ({vid}, 'three', 'Added')",
    "UPDATE options SET name = 'Keep it' WHERE version_id = {vid}",
    "DELETE FROM options WHERE version_id = {vid}",
    "INSERT INTO actions (version_id, slug, position, action) VALUES ({vid}, 'one', 0, 'More')",
    "UPDATE actions SET action = 'Tell nobody' WHERE version_id = {vid}",
    "DELETE FROM decisions WHERE id = 'd1'",
    "UPDATE decisions SET created_at = 'yesterday' WHERE id = 'd1'",
    "UPDATE checklists SET definition = '{{}}'",
    "DELETE FROM checklists",
]
# What p003 added to a version: its committee report's columns, its options appraisal and its
# answers' documents (the timeline is derived, and rewritten when the call-in period changes).
P003_LOCKED_STATEMENTS = [
    "UPDATE versions SET report_of = 'Someone else' WHERE id = {vid}",
    "UPDATE versions SET recommendations = '[]' WHERE id = {vid}",
    "UPDATE versions SET exempt_paragraph = NULL WHERE id = {vid}",
    "UPDATE versions SET publication_date = '2027-01-04' WHERE id = {vid}",
    "UPDATE versions SET urgency_route = 'none' WHERE id = {vid}",
    "UPDATE appraisals SET rejected_text = 'Rewritten' WHERE version_id = {vid}",
    "UPDATE appraisals SET weights_locked_by = 'mallory' WHERE version_id = {vid}",
    "DELETE FROM appraisals WHERE version_id = {vid}",
    "UPDATE appraisal_criteria SET weight = 0 WHERE version_id = {vid}",
    "DELETE FROM appraisal_criteria WHERE version_id = {vid}",
    "INSERT INTO appraisal_criteria (version_id, position, criterion, kind) "
    "VALUES ({vid}, 1, 'two', 'principle')",
    "UPDATE appraisal_scores SET score = 0 WHERE version_id = {vid}",
    "DELETE FROM appraisal_scores WHERE version_id = {vid}",
    "INSERT INTO appraisal_scores (version_id, option, criterion, score) "
    "VALUES ({vid}, 1, 'one', 4)",
    "UPDATE appraisal_weight_changes SET new_weight = 1 WHERE version_id = {vid}",
    "DELETE FROM appraisal_weight_changes WHERE version_id = {vid}",
    "INSERT INTO appraisal_weight_changes (version_id, position, criterion, old_weight, "
    "new_weight, changed_at) VALUES ({vid}, 1, 'one', 100, 0, 'now')",
    "UPDATE documents SET title = 'Forged survey' WHERE version_id = {vid}",
    "DELETE FROM documents WHERE version_id = {vid}",
    "INSERT INTO documents (version_id, slug, position, title) "
    "VALUES ({vid}, 'two', 0, 'Forged paper')",
]


@pytest.mark.parametrize("user", ["alice", "bob", "carol"])
def test_no_role_can_change_a_signed_off_version_with_raw_sql(pg_register, user):
    vid = signed_off(pg_register)
    before = snapshot(pg_register)
    for statement in LOCKED_STATEMENTS + P003_LOCKED_STATEMENTS:
        code = refused(pg_register, user, statement.format(vid=vid))
        assert code in (LOCKED, DENIED), (statement, code)
        if user == "alice" and "checklists" not in statement:  # she may write drafts
            assert code == LOCKED, statement
    assert snapshot(pg_register) == before


def test_even_the_owner_cannot_change_a_signed_off_version(pg_register):
    vid = signed_off(pg_register)
    before = snapshot(pg_register)
    for statement in LOCKED_STATEMENTS[:11] + P003_LOCKED_STATEMENTS:
        assert refused(pg_register, "postgres", statement.format(vid=vid)) == LOCKED, statement
    assert snapshot(pg_register) == before


def test_rows_cannot_be_moved_into_a_signed_off_version(pg_register):
    vid = signed_off(pg_register)
    draft = seed(pg_register, "d2")
    for table in ("answers", "options", "actions", "appraisals", "appraisal_criteria",
                  "appraisal_scores", "appraisal_weight_changes", "documents"):
        assert refused(pg_register, "alice", f"UPDATE {table} SET version_id = %s "
                       "WHERE version_id = %s", (vid, draft)) == LOCKED, table


def test_a_reader_cannot_write_what_p003_added_and_an_author_writes_a_drafts(pg_register):
    vid = seed(pg_register)
    for statement in [*P003_LOCKED_STATEMENTS,
                      "UPDATE version_timeline SET challenge_end = '2099-01-01'",
                      "DELETE FROM version_timeline"]:
        assert refused(pg_register, "carol", statement.format(vid=vid)) == DENIED, statement
    with pg_register.connect("alice") as conn:  # the draft is hers to change
        conn.execute("UPDATE appraisal_scores SET score = 4 WHERE version_id = %s", (vid,))
        conn.execute("UPDATE documents SET held_at = 'Democratic Services' "
                     "WHERE version_id = %s", (vid,))
        conn.execute("UPDATE versions SET report_of = 'Chief Executive' WHERE id = %s", (vid,))
    with pg_register.connect("carol") as conn:
        assert conn.execute("SELECT v.report_of, s.score, d.held_at FROM versions v "
                            "JOIN appraisal_scores s ON s.version_id = v.id "
                            "JOIN documents d ON d.version_id = v.id").fetchone() == (
            "Chief Executive", 4, "Democratic Services")


def test_an_amendment_may_retire_a_signed_off_version_and_nothing_else(pg_register):
    vid = signed_off(pg_register)
    assert refused(pg_register, "alice", "UPDATE versions SET is_current = 0, title = 'x' "
                   "WHERE id = %s", (vid,)) == REFUSED
    with pg_register.connect("alice", autocommit=False) as conn:
        conn.execute("SELECT amend_version('d1', 1, 2)")
        conn.execute("INSERT INTO versions (decision_id, version, title, checklist_sha256, "
                     "created_at, updated_at) VALUES ('d1', 2, 'Close the depot', %s, %s, %s)",
                     (SHA, AT, AT))
        conn.commit()
    with pg_register.connect() as conn:
        assert conn.execute("SELECT version, is_current, status FROM versions "
                            "ORDER BY version").fetchall() == [(1, 0, "signed-off"),
                                                               (2, 1, "draft")]
        assert conn.execute("SELECT current_version FROM decisions").fetchone()[0] == 2
    assert refused(pg_register, "alice", "UPDATE versions SET is_current = 1 WHERE id = %s",
                   (vid,)) == REFUSED


@pytest.mark.parametrize("user", ["alice", "carol"])
def test_no_one_retires_or_replaces_a_signed_off_version_with_raw_sql(pg_register, user):
    vid = signed_off(pg_register)
    before = snapshot(pg_register)
    expected = REFUSED if user == "alice" else DENIED
    assert refused(pg_register, user, "UPDATE versions SET is_current = 0 WHERE id = %s",
                   (vid,)) == expected
    assert refused(pg_register, user, "UPDATE decisions SET current_version = 2 "
                   "WHERE id = 'd1'") == expected
    # a second current version beside the signed one
    assert refused(pg_register, user, "INSERT INTO versions (decision_id, version, title, "
                   "checklist_sha256, created_at, updated_at) VALUES ('d1', 2, 'Open it', %s, "
                   "%s, %s)", (SHA, AT, AT)) == ("23505" if user == "alice" else DENIED)
    # amend_version without the new version: refused at commit
    if user == "alice":
        with pg_register.connect("alice", autocommit=False) as conn:
            conn.execute("SELECT amend_version('d1', 1, 2)")
            with pytest.raises(psycopg.Error) as caught:
                conn.commit()
            assert caught.value.sqlstate == REFUSED
    else:
        assert refused(pg_register, user, "SELECT amend_version('d1', 1, 2)") == DENIED
    assert snapshot(pg_register) == before


def test_a_draft_is_not_retired_by_amend_version_or_raw_sql(pg_register):
    vid = seed(pg_register)
    assert refused(pg_register, "alice", "SELECT amend_version('d1', 1, 2)") == REFUSED
    assert refused(pg_register, "alice", "UPDATE versions SET is_current = 0 WHERE id = %s",
                   (vid,)) == REFUSED


def snapshot(db) -> list:
    with db.connect() as conn:
        return [conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("versions", "answers", "options", "actions", "decisions",
                              "checklists", "sign_offs", "appraisals", "appraisal_criteria",
                              "appraisal_scores", "appraisal_weight_changes", "documents")]


# ---- sign-offs: only the clerk, only through the function -----------------------------------
@pytest.mark.parametrize("user", ["alice", "carol"])
def test_authors_and_readers_cannot_record_or_remove_sign_offs(pg_register, user):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        sign(conn, vid, "Chair", [])
    for statement in (
        "INSERT INTO sign_offs (version_id, role, name, date, recorded_at) "
        "VALUES ({vid}, 'Clerk', 'Me', '2026-11-30', 'now')",
        "DELETE FROM sign_offs",
        "UPDATE sign_offs SET name = 'Someone else'",
        "SELECT record_sign_off({vid}, 'Clerk', 'Me', '2026-11-30', '', '', 'now', 'READ-CODE', "
        "'[]', NULL, NULL)",
        "SELECT remove_sign_off({vid}, 'Chair', 'now')",
    ):
        assert refused(pg_register, user, statement.format(vid=vid)) == DENIED, statement
    with pg_register.connect() as conn:
        assert conn.execute("SELECT role, name, recorded_by FROM sign_offs").fetchall() == [
            ("Chair", "A Person", "bob")]


def test_a_clerk_signs_only_through_the_function(pg_register):
    vid = seed(pg_register)
    assert refused(pg_register, "bob", "INSERT INTO sign_offs (version_id, role, name, date, "
                   "recorded_at) VALUES (%s, 'Chair', 'Me', '2026-11-30', 'now')", (vid,)) == DENIED
    with pg_register.connect("bob") as conn:
        assert sign(conn, vid, "Chair", []) == "ready"
        conn.execute("SELECT remove_sign_off(%s, 'Chair', %s)", (vid, AT))
        assert sign(conn, vid, "Observer", []) == "ready"  # optional roles count for nothing
        read = [["Observer", "A Person", "2026-11-30", "", ""]]
        assert sign(conn, vid, "Chair", read) == "ready"
        read.append(["Chair", "A Person", "2026-11-30", "", ""])
        assert sign(conn, vid, "Clerk", read, ("LOCK-CODE", "CONTENT")) == "signed-off"
    with pg_register.connect("carol") as conn:
        assert conn.execute("SELECT status, verification_code, updated_at FROM versions").fetchone() == (
            "signed-off", "LOCK-CODE", AT)
    rows = audit_rows(pg_register)
    assert [(r[2], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("bob", "sign_off.Chair", None, "A Person, 2026-11-30"),
        ("bob", "sign_off.Chair", "A Person, 2026-11-30", None),
        ("bob", "sign_off.Observer", None, "A Person, 2026-11-30"),
        ("bob", "sign_off.Chair", None, "A Person, 2026-11-30"),
        ("bob", "sign_off.Clerk", None, "A Person, 2026-11-30"),
        ("bob", "status", "ready", "signed-off"),
        ("bob", "verification_code", None, "LOCK-CODE"),
        ("bob", "content_code", None, "CONTENT"),
    ]
    assert_chained(rows)
    with pg_register.connect("bob") as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT remove_sign_off(%s, 'Chair', %s)", (vid, AT))
        assert caught.value.sqlstate == LOCKED


@pytest.mark.parametrize(("role", "read", "codes", "expected", "message"), [
    ("Mayor", [], None, REFUSED, "'Mayor' is not a sign-off role"),
    ("Chair", [["Chair", "Someone", "2026-11-30", "", ""]], None, STALE, "read it again"),
    ("Clerk", [], ("LOCK-CODE", "CONTENT"), STALE, "does not lock the version"),
], ids=["unknown role", "stale view", "codes too early"])
def test_record_sign_off_refuses(pg_register, role, read, codes, expected, message):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn, pytest.raises(psycopg.Error) as caught:
        sign(conn, vid, role, read, codes)
    assert (caught.value.sqlstate, message in str(caught.value)) == (expected, True)
    with pg_register.connect() as conn:
        assert conn.execute("SELECT count(*) FROM sign_offs").fetchone()[0] == 0


def test_the_last_sign_off_must_bring_the_codes_and_a_draft_takes_none(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        sign(conn, vid, "Chair", [])
        with pytest.raises(psycopg.Error) as caught:
            sign(conn, vid, "Clerk", [["Chair", "A Person", "2026-11-30", "", ""]])
        assert caught.value.sqlstate == STALE and "give its codes" in str(caught.value)
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT record_sign_off(%s, 'Clerk', 'X', '2026-11-31', '', '', 'now', "
                         "'READ-CODE', '[[\"Chair\", \"A Person\", \"2026-11-30\", \"\", \"\"]]')",
                         (vid,))
        assert caught.value.sqlstate == "22023" and "not a date" in str(caught.value)
    # an author cannot take it back to draft while it has a sign-off (p007); the owner can
    assert refused(pg_register, "alice", "UPDATE versions SET status = 'draft' WHERE id = %s",
                   (vid,)) == REFUSED
    with pg_register.connect() as conn:
        conn.execute("UPDATE versions SET status = 'draft' WHERE id = %s", (vid,))
    with pg_register.connect("bob") as conn, pytest.raises(psycopg.Error) as caught:
        sign(conn, vid, "Clerk", [["Chair", "A Person", "2026-11-30", "", ""]], ("L", "C"))
    assert caught.value.sqlstate == REFUSED and "ready for sign-off" in str(caught.value)


def test_two_clerks_signing_the_last_two_roles_at_once_still_lock_the_version(pg_register):
    """Both read the version with no sign-offs; each thinks its own is not the last. The
    second to reach the row waits for the first, then finds the register moved on (DC003),
    reads again, and its sign-off, now the last, locks the version."""
    vid = seed(pg_register)
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def clerk(user: str, role: str) -> None:
        with pg_register.connect(user, autocommit=False) as conn:
            conn.execute("SELECT 1")  # connected and in a transaction before the race starts
            start.wait()
            try:
                outcome[user] = sign(conn, vid, role, [], name=user)
                conn.commit()
            except psycopg.Error as exc:
                outcome[user] = exc.sqlstate or ""
                conn.rollback()

    threads = [threading.Thread(target=clerk, args=a) for a in (("bob", "Chair"), ("dave", "Clerk"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == [STALE, "ready"]
    loser = next(u for u, result in outcome.items() if result == STALE)
    with pg_register.connect(loser) as conn:
        read = [list(r) for r in conn.execute(
            "SELECT role, name, date, minute_reference, comment FROM sign_offs")]
        role = "Clerk" if read[0][0] == "Chair" else "Chair"
        assert sign(conn, vid, role, read, ("LOCK-CODE", "CONTENT"), name=loser) == "signed-off"
    assert_chained(audit_rows(pg_register))


# ---- the audit log: append-only, chained and signed by the server ----------------------------
@pytest.mark.parametrize("user", ["alice", "bob", "carol", "postgres"])
def test_no_one_can_change_or_remove_audit_rows(pg_register, user):
    signed_off(pg_register)
    before = audit_rows(pg_register)
    for statement in ("UPDATE audit_log SET new_value = 'forged'",
                      "UPDATE audit_log SET \"user\" = 'someone' WHERE id = 1",
                      "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
                      "TRUNCATE audit_log",
                      "UPDATE audit_head SET last_id = 0"):
        code = refused(pg_register, user, statement)
        assert code in ((APPEND_ONLY, "55000") if user == "postgres" else (DENIED,)), statement
    assert audit_rows(pg_register) == before


def test_the_server_fills_in_who_and_the_chain_whatever_the_client_sends(pg_register):
    seed(pg_register)
    with pg_register.connect("alice") as conn:
        conn.execute("SET dc.copy_in = 'on'")  # only the owner may copy rows in as they are
        conn.execute('INSERT INTO audit_log (id, at, "user", decision_id, version, field, '
                     "old_value, new_value, prev_hash, hash, key_id, seal) VALUES (999, %s, "
                     "'bob', 'd1', 1, 'title', 'a', 'b', 'forged', 'forged', 'k', 's')", (AT,))
    rows = audit_rows(pg_register)
    assert [(r[0], r[2]) for r in rows] == [(1, "alice"), (2, "alice")]
    assert_chained(rows)
    with pg_register.connect() as conn:
        assert conn.execute("SELECT key_id, seal FROM audit_log WHERE id = 2").fetchone() == (
            None, None)


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_only_record_sign_off_writes_the_audit_rows_that_verify_reads(pg_register, user):
    seed(pg_register)
    for field, new in (("verification_code", "FORGED"), ("content_code", "FORGED"),
                       ("sign_off.Chair", "Someone, 2026-11-30"), ("status", "signed-off")):
        assert refused(pg_register, user, "INSERT INTO audit_log (at, decision_id, version, "
                       "field, new_value) VALUES (%s, 'd1', 1, %s, %s)", (AT, field, new)) == REFUSED
    with pg_register.connect(user) as conn:  # the rest of the record is theirs to audit
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES (%s, 'd1', 1, 'status', 'draft', 'ready')", (AT,))
    assert len(audit_rows(pg_register)) == 2


@pytest.mark.parametrize("user", ["alice", "bob"])
@pytest.mark.parametrize(("field", "new"), [
    ("Sign_off.Chair", "Someone, 2026-11-30"), ("SIGN_OFF.Clerk", "Someone, 2026-11-30"),
    (" sign_off.Chair", "Someone, 2026-11-30"), ("sign off.Chair", "Someone, 2026-11-30"),
    ("sign-off.Chair", "Someone, 2026-11-30"), ("status", "signed-off "),
    ("Status", "Signed-Off"), (" status ", "signed off"), ("verification_code ", "FORGED"),
    ("Verification_Code", "FORGED"), ("content code", "FORGED")])
def test_a_look_alike_of_a_sign_off_or_lock_row_is_refused(pg_register, user, field, new):
    seed(pg_register)
    assert refused(pg_register, user, "INSERT INTO audit_log (at, decision_id, version, "
                   "field, new_value) VALUES (%s, 'd1', 1, %s, %s)", (AT, field, new)) == REFUSED
    assert len(audit_rows(pg_register)) == 1


@pytest.mark.parametrize("at", ["now", "", "yesterday", "2026-13-01T09:00:00Z",
                                "2026-12-01 09:00", "2026-12-01T09:00:00Z; signed"])
def test_an_audit_row_says_when_as_a_timestamp(pg_register, at):
    seed(pg_register)
    assert refused(pg_register, "alice", "INSERT INTO audit_log (at, decision_id, version, "
                   "field, new_value) VALUES (%s, 'd1', 1, 'title', 'x')", (at,)) == REFUSED
    with pg_register.connect("alice") as conn:  # the app's own form, and an import's
        for good in ("2026-12-01T09:00:00.123456Z", AT, "2026-11-25"):
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                         "VALUES (%s, 'd1', 1, 'title', 'x')", (good,))
    assert len(audit_rows(pg_register)) == 4


def test_an_audit_row_is_about_a_decision_in_the_register(pg_register):
    seed(pg_register)
    assert refused(pg_register, "alice", "INSERT INTO audit_log (at, decision_id, version, "
                   "field, new_value) VALUES (%s, 'nowhere', 1, 'title', 'x')", (AT,)) == REFUSED
    with pg_register.connect("alice") as conn:  # register-wide rows (a deletion's: p009)
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
                     "VALUES (%s, '', 0, 'call_in_days', '20')", (AT,))
    assert refused(pg_register, "alice", "INSERT INTO audit_log (at, decision_id, version, "
                   "field) VALUES (%s, 'gone', 0, 'deleted')", (AT,)) == REFUSED
    assert len(audit_rows(pg_register)) == 2


def test_the_owner_copies_rows_in_as_they_are_only_if_they_chain_on(pg_register):
    with pg_register.connect() as conn:
        conn.execute("SET dc.copy_in = 'on'")
        h = audit_hash(GENESIS_HASH, AT, "mary (desktop)", "d9", 1, "created", None, "T")
        conn.execute('INSERT INTO audit_log (id, at, "user", decision_id, version, field, '
                     "old_value, new_value, prev_hash, hash, key_id, seal) VALUES "
                     "(1, %s, 'mary (desktop)', 'd9', 1, 'created', NULL, 'T', %s, %s, 'k', 's')",
                     (AT, GENESIS_HASH, h))
        with pytest.raises(psycopg.Error) as caught:
            conn.execute('INSERT INTO audit_log (id, at, "user", decision_id, version, field, '
                         "prev_hash, hash) VALUES (2, %s, 'x', 'd9', 1, 'title', %s, 'bad')",
                         (AT, h))
        assert caught.value.sqlstate == APPEND_ONLY
    assert [(r[0], r[2]) for r in audit_rows(pg_register)] == [(1, "mary (desktop)")]


def test_who_did_it_is_the_session_user_on_every_row_that_records_it(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect("bob") as conn:
        conn.execute("INSERT INTO action_progress (version_id, slug, position, done_at, done_by) "
                     "VALUES (%s, 'two', 0, %s, 'alice')", (vid, AT))
        conn.execute("INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                     "attached_at, attached_by) VALUES (%s, 'signed.pdf', 'abc', 5, '%%PDF-', "
                     "%s, 'the chair')", (vid, AT))
    with pg_register.connect() as conn:
        assert conn.execute("SELECT done_by FROM action_progress").fetchone()[0] == "bob"
        assert conn.execute("SELECT attached_by FROM signed_copies").fetchone()[0] == "bob"
        assert {r[0] for r in conn.execute("SELECT recorded_by FROM sign_offs")} == {"bob"}
    assert refused(pg_register, "bob", "DELETE FROM signed_copies") == DENIED
    assert refused(pg_register, "postgres", "DELETE FROM signed_copies") == LOCKED


@pytest.mark.parametrize(("name", "date", "at"), [
    ("A Person", "2999-01-01", AT), ("A Person", "1999-12-31", AT), ("A Person", "0001-01-01", AT),
    ("   ", "2026-11-30", AT), ("\t\n", "2026-11-30", AT), ("\u00a0\u3000", "2026-11-30", AT),
    ("\u200b", "2026-11-30", AT), ("A Person", "2026-11-30", "whenever"),
    ("A Person", "2026-11-30", "")])
def test_record_sign_off_refuses_a_future_date_a_blank_name_and_a_free_text_time(
        pg_register, name, date, at):
    vid = seed(pg_register)
    with pg_register.connect("bob") as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT record_sign_off(%s, 'Chair', %s, %s, '', '', %s, 'READ-CODE', "
                         "'[]', NULL, NULL)", (vid, name, date, at))
        assert caught.value.sqlstate == "22023"
        today = conn.execute("SELECT current_date::text").fetchone()[0]
        assert sign(conn, vid, "Chair", [], name="Ann\u00a0Other") == "ready"
        read = [["Chair", "Ann\u00a0Other", "2026-11-30", "", ""]]
        conn.execute("SELECT record_sign_off(%s, 'Observer', 'A Person', %s, '', '', %s, "
                     "'READ-CODE', %s, NULL, NULL)", (vid, today, AT, json.dumps(read)))
    with pg_register.connect() as conn:
        assert conn.execute("SELECT role, date FROM sign_offs ORDER BY rowid").fetchall() == [
            ("Chair", "2026-11-30"), ("Observer", today)]


def test_only_a_clerk_attaches_a_signed_copy(pg_register):
    vid = signed_off(pg_register)
    for user in ("alice", "carol"):
        assert refused(pg_register, user, "INSERT INTO signed_copies (version_id, filename, "
                       "sha256, size, data, attached_at) VALUES (%s, 'forged.pdf', 'abc', 5, "
                       "'%%PDF-', %s)", (vid, AT)) == DENIED
    with pg_register.connect() as conn:
        assert conn.execute("SELECT count(*) FROM signed_copies").fetchone()[0] == 0


def test_a_signed_off_versions_search_words_are_locked_with_it(pg_register):
    vid = signed_off(pg_register)
    with pg_register.connect() as conn:  # as the client leaves it: made while ready
        conn.execute("INSERT INTO search_index (version_id, title, words) "
                     "VALUES (%s, 'close depot'::tsvector, 'close depot'::tsvector)", (vid,))
    for statement in ("UPDATE search_index SET words = 'nothing'::tsvector",
                      "DELETE FROM search_index"):
        assert refused(pg_register, "alice", statement) == LOCKED, statement
    draft = seed(pg_register, "d2")
    with pg_register.connect("alice") as conn:  # a draft's are the author's to write
        conn.execute("INSERT INTO search_index (version_id, title, words) "
                     "VALUES (%s, 'close'::tsvector, 'close'::tsvector)", (draft,))
        conn.execute("UPDATE search_index SET words = 'keep'::tsvector WHERE version_id = %s",
                     (draft,))
    with pg_register.connect() as conn:
        assert conn.execute("SELECT version_id, words::text FROM search_index "
                            "ORDER BY version_id").fetchall() == [(vid, "'close' 'depot'"),
                                                                  (draft, "'keep'")]


def test_two_writers_appending_at_once_never_chain_to_the_same_row(pg_register):
    seed(pg_register)
    appends = 40
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def writer(user: str) -> None:
        try:
            with pg_register.connect(user) as conn:
                start.wait()
                for i in range(appends):
                    with conn.transaction():
                        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, "
                                     "new_value) VALUES (%s, 'd1', 1, 'answers.one.response', %s)",
                                     (AT, f"{user} {i}"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(u,)) for u in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    rows = audit_rows(pg_register)
    assert len(rows) == 1 + 2 * appends
    assert_chained(rows)
    assert {r[2] for r in rows[1:]} == {"alice", "bob"}


def test_a_second_append_waits_for_the_first_to_commit(pg_register):
    seed(pg_register)
    insert = ("INSERT INTO audit_log (at, decision_id, version, field, new_value) "
              "VALUES (%s, 'd1', 1, 'title', %s)")
    first = pg_register.connect("alice", autocommit=False)
    first.execute(insert, (AT, "first"))  # holds the head row until it commits
    done = threading.Event()

    def second() -> None:
        with pg_register.connect("bob") as conn:
            conn.execute(insert, (AT, "second"))
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with pg_register.connect() as watcher:  # bob's append waits for alice's row lock
        for _ in range(1000):
            if watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'bob' "
                               "AND wait_event_type = 'Lock'").fetchone()[0]:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the second append did not wait for the first")
    assert not done.is_set()
    first.commit()
    first.close()
    thread.join(10)
    rows = audit_rows(pg_register)
    assert [r[7] for r in rows] == ["Close the depot", "first", "second"]
    assert_chained(rows)


@pytest.fixture(scope="module")
def a_register(pg_server):
    """One register for the module's tests of pure functions (they write nothing)."""
    db = pg_server.register()
    yield db
    pg_server.drop(db)


# Text a person can type (PostgreSQL's text holds no NUL; lone surrogates are not UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)


@settings(max_examples=40)
@given(at=TEXT, field=TEXT, old=st.none() | TEXT, new=st.none() | TEXT,
       version=st.integers(-10, 10**6))
def test_the_servers_audit_hash_is_the_desktop_registers(a_register, at, field, old, new,
                                                         version):
    with a_register.connect() as conn:
        got = conn.execute("SELECT dc_audit_hash(%s, %s, %s, %s, %s, %s, %s, %s)",
                           (GENESIS_HASH, at, "ålice", "d-1", version, field, old, new)).fetchone()[0]
    assert got == audit_hash(GENESIS_HASH, at, "ålice", "d-1", version, field, old, new)


@settings(max_examples=40)
@given(name=TEXT, date=TEXT, minute=TEXT, comment=TEXT)
def test_the_servers_sign_off_text_is_the_desktop_registers(a_register, name, date, minute,
                                                             comment):
    with a_register.connect() as conn:
        got = conn.execute("SELECT dc_sign_off_text(%s, %s, %s, %s)",
                           (name, date, minute, comment)).fetchone()[0]
    assert got == sign_off_text(SignOff(role="Chair", name=name, date=date,
                                        minute_reference=minute, comment=comment))
