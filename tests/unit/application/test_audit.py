"""The audit log: every change on record, append-only, hash chained; the check finds tampering.

The tests taking any_service (and any_db, its --db) are contract tests: both engines. The rest
alter the file with an SQLite tool; the server's own refusals are tests/unit/storage/
test_pg_enforcement.py."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from desktop.application import lifecycle
from desktop.application.integrity import check_integrity
from desktop.cli import main as cli
from desktop.domain.redline import field_label
from tests.helpers.engines import is_shared, tamper
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision


def _raw(db_path, *statements, params=()):
    conn = sqlite3.connect(db_path)
    try:
        for sql in statements:
            conn.execute(sql, params if "?" in sql else ())
        conn.commit()
    finally:
        conn.close()


def _trigger_sql(service, name):
    return service.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]


def test_history_records_when_who_which_field_old_and_new(any_service):
    service = any_service
    d = complete_decision(service)
    service.update(d.id, title="Insource highways")
    rows = service.lifecycle.history(d.id)
    title = [r for r in rows if r.field == "title"][-1]
    assert (title.old_value, title.new_value, title.user, title.version) == (
        "Bring highways maintenance in-house", "Insource highways", "tester", 1)
    if is_shared(service):  # the server's clock (p011), not the client's (the tests' fixed one)
        at = dt.datetime.fromisoformat(title.at.replace("Z", "+00:00"))
        assert dt.timedelta(0) <= dt.datetime.now(dt.UTC) - at < dt.timedelta(minutes=1)
    else:
        assert title.at.startswith("2026-11-25T09:")
    assert rows[0].field == "created"
    assert field_label("answers.staff.response", service.checklist_for(d)) == (
        "3. Staff: response")
    assert field_label("answers.staff.response") == "staff: response"  # no checklist known
    checklist = service.checklist_for(d)
    assert field_label("answers.staff.actions[0].done", checklist) == "3. Staff: action 1 done"


def test_intact_trail_passes_the_check_in_code_and_on_the_command_line(any_service, any_db,
                                                                       capsys):
    service, db_path = any_service, any_db
    d = signed_off_decision(service)
    service.lifecycle.amend(d.id, "Fix a typo")
    report = check_integrity(service)
    assert report.ok, report.lines()
    assert report.signed_off_versions == 1 and report.audit_rows > 10
    assert cli.run(["--db", str(db_path), "audit", "--check"]) == 0
    assert "intact" in capsys.readouterr().out


def test_audit_subcommand_prints_a_decisions_history(any_service, any_db, capsys):
    service, db_path = any_service, any_db
    d = signed_off_decision(service)
    assert cli.run(["audit", d.id[:8], "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(service.lifecycle.history(d.id))
    assert any("\tSign-off: Monitoring Officer\t-\tSigner for Monitoring Officer" in x
               for x in lines)


def test_an_audit_row_edited_outside_the_app_is_detected(service, db_path, capsys):
    d = signed_off_decision(service)
    victim = service.lifecycle.history(d.id)[3]
    trigger = _trigger_sql(service, "audit_log_no_update")
    # Someone with the sqlite3 tool removes the guard, edits a row and puts the guard back.
    _raw(db_path, "DROP TRIGGER audit_log_no_update",
         f"UPDATE audit_log SET new_value = 'Someone Else' WHERE id = {victim.id}", trigger)
    assert _trigger_sql(service, "audit_log_no_update") == trigger
    assert service.repo.verify_audit_chain() == [victim.id]
    report = check_integrity(service)
    assert report.tampered_rows == (victim.id,)
    assert cli.run(["audit", "--check", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert f"Audit rows altered or removed outside the app: {victim.id}" in err


def test_a_row_removed_from_the_middle_is_detected(service, db_path):
    d = signed_off_decision(service)
    victim = service.lifecycle.history(d.id)[2]
    trigger = _trigger_sql(service, "audit_log_no_delete")
    _raw(db_path, "DROP TRIGGER audit_log_no_delete",
         f"DELETE FROM audit_log WHERE id = {victim.id}", trigger)
    assert service.repo.verify_audit_chain() == [victim.id + 1]


def test_locked_content_changed_with_the_triggers_dropped_is_detected(service, db_path):
    d = signed_off_decision(service)
    vid = service.repo.version_id(d.id, 1)
    guards = [_trigger_sql(service, n) for n in ("answers_locked_update", "answers_locked_move")]
    _raw(db_path, "DROP TRIGGER answers_locked_update", "DROP TRIGGER answers_locked_move",
         f"UPDATE answers SET rating = 'green' WHERE version_id = {vid} AND slug = 'staff'",
         *guards)
    lines = check_integrity(service).lines()
    assert lines == [
        f"Decision {d.id} version 1: its content no longer matches its verification code "
        f"{lifecycle.code_for(d)} (now {lifecycle.code_for(service.get(d.id))}); "
        "it was changed after sign-off",
        f"Decision {d.id} version 1: the register shows its overall rating as amber, but its "
        "answers give green",
    ]


def test_content_and_code_both_rewritten_are_caught_by_the_code_on_record(service, db_path):
    d = signed_off_decision(service)
    vid = service.repo.version_id(d.id, 1)
    trigger = _trigger_sql(service, "versions_locked_update")
    _raw(db_path, "DROP TRIGGER versions_locked_update",
         f"UPDATE versions SET title = 'Quietly changed' WHERE id = {vid}")
    forged = lifecycle.code_for(service.get(d.id, 1))
    _raw(db_path, f"UPDATE versions SET verification_code = '{forged}' WHERE id = {vid}", trigger)
    lines = check_integrity(service).lines()
    assert f"Decision {d.id} version 1: its verification code {forged} differs from " \
        f"the one recorded at sign-off ({lifecycle.code_for(d)})" in lines
    # the copy for signature's code, kept beside it, gives the rewrite away too
    assert any("copy for signature" in line for line in lines)


def test_a_missing_trigger_and_an_added_one_are_reported(service, db_path):
    signed_off_decision(service)
    _raw(db_path, "DROP TRIGGER sign_offs_locked_delete",
         "CREATE TRIGGER sneaky AFTER INSERT ON answers BEGIN SELECT 1; END")
    lines = check_integrity(service).lines()
    assert "The lock trigger sign_offs_locked_delete is missing (dropped outside the app)" in lines
    assert "An unexpected trigger sneaky was added outside the app" in lines


def test_a_signed_copy_altered_outside_the_app_is_detected(service, db_path):
    d = signed_off_decision(service)
    copy = service.lifecycle.attach_signed_copy(d.id, "signed.pdf", b"%PDF-1.4 scan")
    trigger = _trigger_sql(service, "signed_copies_no_update")
    _raw(db_path, "DROP TRIGGER signed_copies_no_update",
         f"UPDATE signed_copies SET data = x'255044462d312e34206f74686572' WHERE id = {copy.id}",
         trigger)
    assert f"Signed copy {copy.id} does not match its SHA-256" in (
        check_integrity(service).lines())


def test_imported_signed_off_record_passes_the_check(service, tmp_path):
    from desktop.application.bootstrap import open_service

    d = signed_off_decision(service)
    bundle = service.export_bundle([d.id])
    other = open_service(tmp_path / "other.db", user="importer")
    try:
        (imported,) = other.import_bundle(bundle)
        assert imported.is_locked
        report = check_integrity(other)
        assert report.ok, report.lines()
    finally:
        other.db.close()


def test_forged_sign_offs_and_lock_show_no_audit_record(any_service):
    """Rows written behind the app (on the server: by its administrator, triggers off)."""
    service = any_service
    d = complete_decision(service)
    vid = service.repo.version_id(d.id, 1)
    for role in ROLES:
        tamper(service, "INSERT INTO sign_offs (version_id, role, name, date, minute_reference, "
               "comment, recorded_at, recorded_by) VALUES (?, ?, 'Forger', '2026-01-01', '', "
               "'', 'x', 'y')", [vid, role])
    tamper(service, "UPDATE versions SET status = 'signed-off' WHERE id = ?", [vid])
    text = "\n".join(check_integrity(service).lines())
    assert "signed off, but the audit log has no record of it" in text


def test_signed_off_status_forged_with_sign_off_rows_shows_no_audit_record(service, db_path):
    d = complete_decision(service)
    vid = service.repo.version_id(d.id, 1)
    statements = [f"INSERT INTO sign_offs VALUES ({vid}, '{r}', 'Forger', '2026-01-01', '', '', "
                  "'x', 'y')" for r in ROLES]
    _raw(db_path, *statements, f"UPDATE versions SET status = 'signed-off' WHERE id = {vid}")
    text = "\n".join(check_integrity(service).lines())
    assert "signed off, but the audit log has no record of it" in text


@pytest.mark.parametrize("rows", [0, 1, 5])
def test_appending_with_the_app_keeps_the_chain(any_service, rows):
    service = any_service
    d = complete_decision(service)
    sign(service, d.id, ROLES[0])
    service.repo.audit(d.id, 1, [("note", None, str(i)) for i in range(rows)], "2026-11-25")
    assert service.repo.verify_audit_chain() == []


def test_a_retired_flag_set_outside_the_app_is_reported(service, db_path):
    """Clearing is_current is the one change the lock allows (amendments need it)."""
    d = signed_off_decision(service)
    _raw(db_path, f"UPDATE versions SET is_current = 0 WHERE id = {service.repo.version_id(d.id, 1)}")
    assert check_integrity(service).lines() == [
        f"Decision {d.id} does not have exactly one current version (its current-version flags "
        "were changed outside the app)"]
