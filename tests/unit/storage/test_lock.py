"""The lock lives in the database: raw SQL against a signed-off version fails, from Python's
sqlite3 module (foreign keys off, as in any tool) and from the sqlite3 command-line tool."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from desktop.application.integrity import check_integrity
from desktop.domain.record import code_for
from tests.helpers.lifecycle import complete_decision, sign, signed_off_decision

# Each attack: (name, SQL template). Placeholders: {vid} the locked version's row id, {did} its
# decision id, {dvid} a draft version's row id (which has one sign-off and answers), {sha} the
# locked version's checklist.
ATTACKS = [
    ("update title", "UPDATE versions SET title = 'x' WHERE id = {vid}"),
    ("update verification code", "UPDATE versions SET verification_code = 'AAAA-AAAA-AAAA' "
                                 "WHERE id = {vid}"),
    ("un-sign", "UPDATE versions SET status = 'ready' WHERE id = {vid}"),
    ("retire flag plus a title change", "UPDATE versions SET is_current = 0, title = 'x' "
                                          "WHERE id = {vid}"),
    ("delete version", "DELETE FROM versions WHERE id = {vid}"),
    ("replace version", "INSERT OR REPLACE INTO versions (id, decision_id, version, title, "
                        "checklist_sha256, created_at, updated_at) "
                        "VALUES ({vid}, '{did}', 1, 'forged', '{sha}', 'a', 'b')"),
    ("overwrite version by moving a draft onto its id",
     "UPDATE OR REPLACE versions SET id = {vid} WHERE id = {dvid}"),
    ("insert forged signed-off version", "INSERT INTO versions (decision_id, version, status, "
     "title, checklist_sha256, created_at, updated_at) "
     "VALUES ('{did}', 9, 'signed-off', 'forged', '{sha}', 'a', 'b')"),
    ("sign a draft without sign-offs", "UPDATE versions SET status = 'signed-off', complete = 10 "
                                       "WHERE id = {dvid}"),
    ("update answer", "UPDATE answers SET response = 'x' WHERE version_id = {vid}"),
    ("delete answers", "DELETE FROM answers WHERE version_id = {vid}"),
    ("insert answer", "INSERT INTO answers (version_id, slug, rating, response) "
                      "VALUES ({vid}, 'extra', 'red', 'x')"),
    ("replace answer", "INSERT OR REPLACE INTO answers (version_id, slug, rating, response) "
                       "VALUES ({vid}, 'values', 'red', 'x')"),
    ("move draft answers in", "UPDATE OR REPLACE answers SET version_id = {vid} "
                              "WHERE version_id = {dvid}"),
    ("insert option", "INSERT INTO options (version_id, position, name, status) "
                      "VALUES ({vid}, 9, 'x', 'rejected')"),
    ("delete options", "DELETE FROM options WHERE version_id = {vid}"),
    ("update action", "UPDATE actions SET due = '2099-01-01' WHERE version_id = {vid}"),
    ("insert action", "INSERT INTO actions (version_id, slug, position, action) "
                      "VALUES ({vid}, 'values', 0, 'x')"),
    ("insert document", "INSERT INTO documents (version_id, slug, position, title) "
                        "VALUES ({vid}, 'values', 0, 'forged paper')"),
    ("replace document", "INSERT OR REPLACE INTO documents (version_id, slug, position, title) "
                         "VALUES ({vid}, 'values', 0, 'forged paper')"),
    ("update sign-off", "UPDATE sign_offs SET name = 'x' WHERE version_id = {vid}"),
    ("delete sign-off", "DELETE FROM sign_offs WHERE version_id = {vid}"),
    ("insert sign-off", "INSERT INTO sign_offs VALUES ({vid}, 'Extra', 'n', '2026-01-01', '', '', "
                        "'x', 'y')"),
    ("move a draft's sign-off in", "UPDATE sign_offs SET version_id = {vid}, role = 'Extra' "
                                   "WHERE version_id = {dvid}"),
    ("delete decision", "DELETE FROM decisions WHERE id = '{did}'"),
    ("rename decision", "UPDATE decisions SET id = 'other' WHERE id = '{did}'"),
    ("replace decision", "INSERT OR REPLACE INTO decisions (id, current_version, created_at) "
                         "VALUES ('{did}', 5, 'x')"),
    ("rewrite checklist", "UPDATE checklists SET definition = '{{}}' WHERE sha256 = '{sha}'"),
    ("delete checklist", "DELETE FROM checklists WHERE sha256 = '{sha}'"),
    ("replace checklist", "INSERT OR REPLACE INTO checklists VALUES ('{sha}', 'x', 1, '{{}}')"),
    ("update audit row", "UPDATE audit_log SET user = 'x' WHERE id = 1"),
    ("delete audit row", "DELETE FROM audit_log WHERE id = 1"),
    ("replace audit row", "INSERT OR REPLACE INTO audit_log VALUES "
                          "(1, 'a', 'b', 'c', 1, 'f', NULL, NULL, 'p', 'h', NULL, NULL)"),
    ("append unchained audit row", "INSERT INTO audit_log (at, user, decision_id, version, "
                                   "field, prev_hash, hash) VALUES ('a', 'b', 'c', 1, 'f', 'p', 'h')"),
]
ACCEPTED_MESSAGES = ("locked", "refused", "append-only")


@pytest.fixture
def locked(service):
    """A signed-off decision and a draft with one sign-off, on disk; returns the placeholders."""
    d = signed_off_decision(service)
    draft = complete_decision(service, "A draft")
    sign(service, draft.id, "Monitoring Officer")
    vid = service.repo.version_id(d.id, 1)
    sha = service.db.execute("SELECT checklist_sha256 FROM versions WHERE id = ?",
                             [vid]).fetchone()[0]
    before = _snapshot(service)
    return {"service": service, "decision": d, "before": before,
            "values": {"vid": vid, "did": d.id, "dvid": service.repo.version_id(draft.id, 1),
                       "sha": sha}}


def _snapshot(service):
    tables = ("decisions", "versions", "options", "answers", "actions", "sign_offs",
              "checklists", "audit_log")
    return {t: service.db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _assert_untouched(locked):
    service = locked["service"]
    assert _snapshot(service) == locked["before"]
    d = service.get(locked["decision"].id, 1)
    assert d == locked["decision"] and code_for(d) == code_for(locked["decision"])
    assert check_integrity(service).ok


@pytest.mark.parametrize(("name", "sql"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_raw_sql_through_python_sqlite3_is_refused(locked, db_path, name, sql):
    conn = sqlite3.connect(db_path)  # foreign_keys off, no app code: like any other tool
    try:
        with pytest.raises(sqlite3.IntegrityError) as err:
            conn.execute(sql.format(**locked["values"]))
        assert any(m in str(err.value) for m in ACCEPTED_MESSAGES), err.value
        conn.commit()
    finally:
        conn.close()
    _assert_untouched(locked)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 command-line tool not installed")
@pytest.mark.parametrize(("name", "sql"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_raw_sql_through_the_sqlite3_tool_is_refused(locked, db_path, name, sql):
    run = subprocess.run(["sqlite3", str(db_path), sql.format(**locked["values"]) + ";"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode != 0
    assert any(m in run.stderr for m in ACCEPTED_MESSAGES), run.stderr
    _assert_untouched(locked)


def test_the_one_allowed_change_is_retiring_the_current_flag(locked, db_path):
    vid = locked["values"]["vid"]
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("UPDATE versions SET is_current = 0 WHERE id = ?", [vid])
        with pytest.raises(sqlite3.IntegrityError, match="locked"):
            conn.execute("UPDATE versions SET is_current = 1 WHERE id = ?", [vid])
        conn.rollback()
    finally:
        conn.close()


def test_action_follow_up_stays_open_after_sign_off(locked, db_path):
    """Done state lives outside the locked rows by design; it is not part of the code."""
    vid = locked["values"]["vid"]
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("INSERT INTO action_progress VALUES (?, 'staff', 0, 'at', 'me')", [vid])
        conn.commit()
    finally:
        conn.close()
    d = locked["service"].get(locked["decision"].id)
    assert d.answer("staff").actions[0].done
    assert code_for(d) == code_for(locked["decision"])


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 command-line tool not installed")
@pytest.mark.parametrize(
    "script",
    [
        # Not preventable by triggers: whoever can write the file can remove them.
        "DROP TRIGGER versions_locked_update; UPDATE versions SET title = 'x' WHERE id = {vid};",
        ".dbconfig enable_trigger off\nUPDATE versions SET title = 'x' WHERE id = {vid};",
        "PRAGMA writable_schema = ON; DELETE FROM sqlite_master WHERE name = "
        "'versions_locked_update';",
    ],
    ids=["drop trigger", "dbconfig enable_trigger off", "writable_schema"],
)
def test_removing_the_triggers_is_possible_but_the_check_finds_it(locked, db_path, script):
    run = subprocess.run(["sqlite3", str(db_path)], input=script.format(**locked["values"]),
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    subprocess.run(["sqlite3", str(db_path), f"UPDATE versions SET title = 'x' WHERE id = "
                    f"{locked['values']['vid']};"], capture_output=True, timeout=30)
    report = check_integrity(locked["service"])
    assert not report.ok
    text = "\n".join(report.lines())
    assert "no longer matches its verification code" in text
    if "enable_trigger" not in script:
        assert "versions_locked_update is missing" in text
