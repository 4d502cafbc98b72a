"""The tamper suite: edits made behind the app's back, each of which the check must catch.

Every attack below is made the way someone holding the file would make it: with plain
sqlite3, the lock triggers dropped first and put back exactly as they were afterwards, so
the file's triggers look untouched. After each one, `audit --check` must exit 1 with a line
that says what was changed, and the verify path (integrity.decision_problems, what `verify`
asks about a version) must not call the record intact.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace

import pytest

from desktop.application import integrity
from desktop.cli import main as cli
from desktop.domain.decision import Status
from desktop.domain.record import code_for, content_code
from desktop.storage.repository import audit_hash
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision


def behind_the_back(db_path, *statements, params=None):
    """Run statements with every trigger dropped, then put the triggers back verbatim."""
    conn = sqlite3.connect(db_path)
    try:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            if callable(sql):
                sql(conn)
            else:
                conn.execute(sql, params or ())
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _vid(service, d, version=1):
    return service.repo.version_id(d.id, version)


def _rechain(conn, from_id, edit):
    """Edit audit rows from `from_id` on and recompute the plain SHA-256 chain after them,
    as someone without the seal's key would."""
    rows = conn.execute("SELECT id, at, user, decision_id, version, field, old_value, "
                        "new_value, prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    prev = "0" * 64
    for r in rows:
        rid, at, user, did, version, field, old, new, _, _ = r
        if rid >= from_id:
            at, user, did, version, field, old, new = edit(rid, (at, user, did, version, field,
                                                                 old, new))
        h = audit_hash(prev, at, user, did, version, field, old, new)
        conn.execute("UPDATE audit_log SET at=?, user=?, decision_id=?, version=?, field=?, "
                     "old_value=?, new_value=?, prev_hash=?, hash=? WHERE id=?",
                     [at, user, did, version, field, old, new, prev, h, rid])
        prev = h


def _swap_checklist(service, d):
    def attack(conn):
        sha, definition = conn.execute(
            "SELECT c.sha256, c.definition FROM checklists c JOIN versions v "
            "ON v.checklist_sha256 = c.sha256 WHERE v.decision_id = ?", [d.id]).fetchone()
        data = json.loads(definition)
        first = data["principles"][0] if "principles" in data else data["sections"][0]
        first["questions"][0] = "Does the proposal save money this year?"  # the forged question
        forged = json.dumps(data, ensure_ascii=False)
        new_sha = hashlib.sha256(forged.encode("utf-8")).hexdigest()
        conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                     "SELECT ?, checklist_id, version, ? FROM checklists WHERE sha256 = ?",
                     [new_sha, forged, sha])
        conn.execute("UPDATE versions SET checklist_sha256 = ? WHERE decision_id = ?",
                     [new_sha, d.id])
    return [attack]


def _title_and_code(service, d):
    """Change a signed title, store the code the new content gives, and delete the audit
    row that recorded the code at the lock (chain recomputed without the key)."""
    def attack(conn):
        conn.execute("UPDATE versions SET title = 'Quietly changed' WHERE id = ?",
                     [_vid(service, d)])
        forged = code_for(replace(d, title="Quietly changed"))
        conn.execute("UPDATE versions SET verification_code = ? WHERE id = ?",
                     [forged, _vid(service, d)])
        (rid,) = conn.execute("SELECT id FROM audit_log WHERE field = 'verification_code' "
                              "AND decision_id = ?", [d.id]).fetchone()
        conn.execute("DELETE FROM audit_log WHERE id = ?", [rid])
        _rechain(conn, 10**9, lambda _i, row: row)
    return [attack]


def _delete_newest_audit_rows(service, d):
    return ["DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)"]


def _edit_and_rechain(service, d):
    def attack(conn):
        (rid,) = conn.execute("SELECT min(id) FROM audit_log WHERE field LIKE 'sign_off.%'"
                              ).fetchone()

        def forge(i, row):
            at, user, did, version, field, old, new = row
            if i == rid:
                new = new.replace("Signer for", "Forged for")
            return at, user, did, version, field, old, new
        _rechain(conn, rid, forge)
        conn.execute("UPDATE sign_offs SET name = replace(name, 'Signer for', 'Forged for')")
    return [attack]


def _strip_seals_and_forge(service, d):
    """The whole forgery without the key: edit a sign-off and its audit row, strip every
    seal, forget the register's identity, recompute the plain chain, store the new code."""
    def attack(conn):
        vid = _vid(service, d)
        conn.execute(f"UPDATE sign_offs SET name = 'Eve' WHERE version_id = {vid} "
                     "AND role = 'Section 151 Officer'")
        conn.execute("UPDATE audit_log SET new_value = replace(new_value, "
                     "'Signer for Section 151 Officer', 'Eve') "
                     "WHERE field = 'sign_off.Section 151 Officer'")
        forged = replace(d, sign_offs=tuple(
            replace(x, name="Eve") if x.role == "Section 151 Officer" else x
            for x in d.sign_offs))
        conn.execute("UPDATE versions SET verification_code = ? WHERE id = ?",
                     [code_for(forged), vid])
        conn.execute("UPDATE audit_log SET new_value = ? WHERE field = 'verification_code'",
                     [code_for(forged)])
        conn.execute("UPDATE audit_log SET key_id = NULL, seal = NULL")
        conn.execute("DELETE FROM register_meta")
        _rechain(conn, 10**9, lambda _i, row: row)
    return [attack]


def _amended(service):
    d = signed_off_decision(service)
    service.lifecycle.amend(d.id, "New figures from the finance team")
    return d


def _erase_amendment(service, d):
    v2 = _vid(service, d, 2)
    return [f"DELETE FROM {t} WHERE version_id = {v2}"
            for t in ("sign_offs", "answers", "actions", "options", "action_progress")] + [
        f"DELETE FROM search_index WHERE rowid = {v2}",
        f"DELETE FROM versions WHERE id = {v2}",
        f"UPDATE versions SET is_current = 1 WHERE id = {_vid(service, d)}",
        f"UPDATE decisions SET current_version = 1 WHERE id = '{d.id}'"]


def _checklist_in_place(service, d):
    def attack(conn):
        sha = conn.execute("SELECT checklist_sha256 FROM versions WHERE decision_id = ?",
                           [d.id]).fetchone()[0]
        definition = json.loads(conn.execute(
            "SELECT definition FROM checklists WHERE sha256 = ?", [sha]).fetchone()[0])
        definition["principles"][0]["questions"][0] = "FORGED QUESTION?"
        conn.execute("UPDATE checklists SET definition = ? WHERE sha256 = ?",
                     [json.dumps(definition), sha])
    return [attack]


def _forge_under_a_new_identity(service, d):
    """Round 2's forgery: the sign-off and its audit row changed, the seals stripped, a new
    register id and a sealing start after the newest row, the plain chain recomputed."""
    def attack(conn):
        _strip_seals_and_forge(service, d)[0](conn)
        last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        conn.execute("INSERT INTO register_meta VALUES "
                     "('register_id', '11111111-2222-3333-4444-555555555555')")
        conn.execute("INSERT INTO register_meta VALUES ('sealed_from', ?)", [str(last + 1)])
    return [attack]


def _new_identity_only(service, d):
    """The register id changed, a forged sign-off row recomputed, the old seals left in."""
    return [
        "UPDATE register_meta SET value = '11111111-2222-3333-4444-555555555555' "
        "WHERE key = 'register_id'",
        f"UPDATE sign_offs SET name = 'Mallory' WHERE version_id = {_vid(service, d)} "
        "AND role = 'Monitoring Officer'"]


def _part_signed(service):
    """A ready record one role has signed."""
    d = complete_decision(service)
    return sign(service, d.id, ROLES[0], name="Real Signer")


def _ticked_after_sign_off(service):
    d = signed_off_decision(service)
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    return d


def _forged_tick(service, d):
    return [f"INSERT INTO action_progress (version_id, slug, position, done_at, done_by) "
            f"VALUES ({_vid(service, d)}, 'staff', 0, '2026-01-01T00:00:00+00:00', 'mallory')"]


def _forged_sign_off(service, d):
    return [f"INSERT INTO sign_offs (version_id, role, name, date, minute_reference, comment, "
            f"recorded_at, recorded_by) VALUES ({_vid(service, d)}, 'Monitoring Officer', "
            "'M. Allory', '2026-11-20', '', '', '2026-11-20T10:00:00+00:00', 'tester')"]


# name -> (how to build the record, the attack, a phrase the check must print)
ATTACKS = {
    "an action ticked on a signed-off record without the app": (
        signed_off_decision, _forged_tick,
        "action 1 of principle 3. Staff is marked done (by mallory"),
    "an action ticked on a ready record without the app": (
        complete_decision, _forged_tick,
        "action 1 of principle 3. Staff is marked done (by mallory"),
    "who ticked an action changed": (
        _ticked_after_sign_off,
        lambda s, d: [f"UPDATE action_progress SET done_by = 'mallory' WHERE version_id = "
                      f"{_vid(s, d)}"],
        "the register says mallory marked it done"),
    "a ticked action unticked without the app": (
        _ticked_after_sign_off,
        lambda s, d: [f"DELETE FROM action_progress WHERE version_id = {_vid(s, d)}"],
        "as done, but the register has it open"),
    "a part-signed record's sign-off name changed": (
        _part_signed,
        lambda s, d: [f"UPDATE sign_offs SET name = 'N. Body' WHERE version_id = {_vid(s, d)}"],
        f"sign-off by {ROLES[0]} was changed outside the app (name"),
    "a part-signed record's sign-off date changed": (
        _part_signed,
        lambda s, d: [f"UPDATE sign_offs SET date = '2026-01-01' WHERE version_id = "
                      f"{_vid(s, d)}"],
        f"sign-off by {ROLES[0]} was changed outside the app (date"),
    "a part-signed record's sign-off minute changed": (
        _part_signed,
        lambda s, d: [f"UPDATE sign_offs SET minute_reference = 'Min 1' WHERE version_id = "
                      f"{_vid(s, d)}"],
        f"sign-off by {ROLES[0]} was changed outside the app (minute reference"),
    "a sign-off added to a part-signed record": (
        _part_signed, _forged_sign_off,
        "a sign-off by Monitoring Officer (M. Allory, 2026-11-20) is in the register but not "
        "in the audit log"),
    "who recorded a sign-off changed": (
        signed_off_decision,
        lambda s, d: [f"UPDATE sign_offs SET recorded_by = 'mallory' WHERE version_id = "
                      f"{_vid(s, d)} AND role = 'Monitoring Officer'"],
        "the register says mallory recorded it"),
    "when a part-signed record's sign-off was recorded changed": (
        _part_signed,
        lambda s, d: [f"UPDATE sign_offs SET recorded_at = '2020-01-01T00:00:00+00:00' "
                      f"WHERE version_id = {_vid(s, d)}"],
        "recorded it at 2020-01-01T00:00:00+00:00"),
    "sign-off name changed": (
        signed_off_decision,
        lambda s, d: [f"UPDATE sign_offs SET name = 'N. Body' WHERE version_id = {_vid(s, d)} "
                      "AND role = 'Section 151 Officer'"],
        "sign-off by Section 151 Officer was changed outside the app (name"),
    "sign-off date changed": (
        signed_off_decision,
        lambda s, d: [f"UPDATE sign_offs SET date = '2026-01-01' WHERE version_id = "
                      f"{_vid(s, d)} AND role = 'Monitoring Officer'"],
        "sign-off by Monitoring Officer was changed outside the app (date"),
    "sign-off minute changed": (
        signed_off_decision,
        lambda s, d: [f"UPDATE sign_offs SET minute_reference = 'Min 1' WHERE version_id = "
                      f"{_vid(s, d)} AND role = 'Proposing Director'"],
        "sign-off by Proposing Director was changed outside the app (minute reference"),
    "sign-off deleted": (
        signed_off_decision,
        lambda s, d: [f"DELETE FROM sign_offs WHERE version_id = {_vid(s, d)} "
                      "AND role = 'Chair or Portfolio Holder'"],
        "sign-off by Chair or Portfolio Holder recorded in the audit log"),
    "signed-off status set back to ready": (
        signed_off_decision,
        lambda s, d: [f"UPDATE versions SET status = 'ready' WHERE id = {_vid(s, d)}"],
        "records it as signed off, but the register has it as ready"),
    "signed-off status set back to draft": (
        signed_off_decision,
        lambda s, d: [f"UPDATE versions SET status = 'draft' WHERE id = {_vid(s, d)}"],
        "records it as signed off, but the register has it as draft"),
    "whole signed-off decision deleted": (
        signed_off_decision,
        lambda s, d: [f"DELETE FROM {t} WHERE version_id = {_vid(s, d)}"
                      for t in ("sign_offs", "answers", "actions", "options", "action_progress")]
        + [f"DELETE FROM search_index WHERE rowid = {_vid(s, d)}",
           f"DELETE FROM versions WHERE decision_id = '{d.id}'",
           f"DELETE FROM decisions WHERE id = '{d.id}'"],
        "missing from the register (deleted outside the app)"),
    "newest audit rows deleted": (
        signed_off_decision, _delete_newest_audit_rows,
        "behind its own audit seal"),
    "audit row edited and the chain recomputed": (
        signed_off_decision, _edit_and_rechain,
        "Audit rows altered or removed outside the app"),
    "checklist definition swapped under a signed version": (
        signed_off_decision, _swap_checklist,
        "its content no longer matches its verification code"),
    "signed title and its code changed, the code's audit row deleted": (
        signed_off_decision, _title_and_code,
        "behind its own audit seal"),
    "seals stripped, identity removed, chain recomputed, a sign-off forged": (
        signed_off_decision, _strip_seals_and_forge,
        "The register's identity (register_meta) was removed"),
    "a sign-off forged under a new register identity (round 2)": (
        signed_off_decision, _forge_under_a_new_identity,
        "cannot be authenticated"),
    "the register's identity changed, old seals left in": (
        signed_off_decision, _new_identity_only,
        "its identity was changed outside the app"),
    "the current-version flag cleared": (
        signed_off_decision,
        lambda s, d: [f"UPDATE versions SET is_current = 0 WHERE id = {_vid(s, d)}"],
        "does not have exactly one current version"),
    "the register's identity removed": (
        signed_off_decision, lambda s, d: ["DELETE FROM register_meta"],
        "The register's identity (register_meta) was removed"),
    "an amendment erased (version 2 deleted, version 1 made current)": (
        _amended, _erase_amendment,
        "version 2: the audit log records it, but it is missing from the register"),
    "the checklist definition changed in place": (
        signed_off_decision, _checklist_in_place,
        "The stored checklist"),
    "the newest audit row (the lock's code) deleted": (
        signed_off_decision,
        lambda s, d: ["DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"],
        "behind its own audit seal"),
    "the copy for signature's code changed": (
        signed_off_decision,
        lambda s, d: [f"UPDATE versions SET content_code = 'AAAA-BBBB-CCCC' WHERE id = "
                      f"{_vid(s, d)}"],
        "copy for signature"),
    "a signed copy added without the app": (
        signed_off_decision,
        lambda s, d: [f"INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                      f"attached_at, attached_by) VALUES ({_vid(s, d)}, 'x.pdf', "
                      f"'{hashlib.sha256(b'%PDF-x').hexdigest()}', 6, X'255044462D78', 'a', 'b')"],
        "is not in the audit log"),
    "draft content edited without its code": (
        complete_decision,
        lambda s, d: [f"UPDATE answers SET response = 'Edited' WHERE version_id = {_vid(s, d)} "
                      "AND slug = 'values'"],
        "its content no longer matches its verification code"),
    "stored overall rating changed": (
        complete_decision,
        lambda s, d: [f"UPDATE versions SET overall_rating = 'green', overall_rank = 2 "
                      f"WHERE id = {_vid(s, d)}"],
        "the register shows its overall rating as green, but its answers give amber"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_the_check_catches(name, service, db_path, capsys):
    build, attack, phrase = ATTACKS[name]
    d = build(service)
    assert integrity.check_integrity(service).ok  # intact before
    behind_the_back(db_path, *attack(service, d))
    assert cli.run(["--db", str(db_path), "audit", "--check"]) == 1
    captured = capsys.readouterr()
    assert phrase in captured.err + captured.out, captured
    if service.repo.exists(d.id):
        stored = service.get(d.id, d.version)
        assert integrity.decision_problems(service.repo, stored, code_for(d)), \
            "verify would call this record intact"
    # the copies printed before the attack: the signed record, and the copy for signature
    printed = [code_for(d)]
    if d.status == Status.SIGNED_OFF:
        printed.append(content_code(d))
    for code in printed:
        status = cli.run(["--db", str(db_path), "verify", code])
        out = capsys.readouterr().out
        if phrase == "cannot be authenticated":  # the file alone vouches for itself: say so
            assert "cannot be authenticated" in out.splitlines()[0], (code, out)
        else:
            assert status == 1 and out.startswith("ALTERED: "), (code, out)


def test_a_register_without_its_key_cannot_be_called_intact(service, db_path, tmp_path):
    from desktop.application.bootstrap import open_service

    signed_off_decision(service)
    elsewhere = open_service(db_path, key_dir=tmp_path / "no-keys-here")
    try:
        report = integrity.check_integrity(elsewhere)
    finally:
        elsewhere.db.close()
    assert not report.ok
    assert not report.problems and not report.tampered_rows
    assert report.summary().startswith("The audit trail cannot be authenticated")
    assert any("this computer does not hold that key" in line for line in report.lines())


def test_the_key_and_head_are_private_files(service):
    signed_off_decision(service)
    folder = service.repo.seal().folder
    assert folder.stat().st_mode & 0o077 == 0
    for f in folder.glob(f"{service.repo.register_id()}.*"):
        assert f.stat().st_mode & 0o077 == 0, f


def test_writing_after_rows_were_removed_leaves_the_removal_on_record(service, db_path):
    """The next write must not hide the loss by moving the head on."""
    d = signed_off_decision(service)
    behind_the_back(db_path, *_delete_newest_audit_rows(service, d))
    service.create("A new draft after the rows went")
    lines = integrity.check_integrity(service).lines()
    assert any("found behind its own audit seal" in line for line in lines), lines


def test_a_sign_off_bound_to_a_stale_printed_copy_is_refused(service, db_path, capsys):
    d = complete_decision(service)
    printed = code_for(d)
    sign(service, d.id, ROLES[0])
    assert cli.run(["--db", str(db_path), "sign-off", d.id, "--role", ROLES[1], "--name", "B",
                    "--date", "2026-11-20", "--code", printed.lower().replace("-", "")]) == 0
    # members signed the paper; then someone edits the proposal... which is refused while
    # sign-offs are recorded, so remove them, edit, and sign again with the old paper
    for role in ROLES[:2]:
        service.lifecycle.remove_sign_off(d.id, role)
    service.update(d.id, proposal="A different proposal")
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "sign-off", d.id, "--role", ROLES[0], "--name", "A",
                    "--date", "2026-11-20", "--code", printed]) == 1
    err = capsys.readouterr().err
    assert "Print it again" in err and printed in err
    assert not service.get(d.id).sign_offs


# ---- restoring a backup ------------------------------------------------------------------
def _older_backup(service, db_path, tmp_path, capsys):
    d = signed_off_decision(service)
    older = tmp_path / "older.db"
    assert cli.run(["--db", str(db_path), "backup", "--out", str(older)]) == 0
    service.lifecycle.amend(d.id, "New figures from the finance team")
    capsys.readouterr()
    return d, older


def test_a_restore_is_an_audited_event_in_the_restored_register(service, db_path, tmp_path,
                                                                 capsys):
    d, older = _older_backup(service, db_path, tmp_path, capsys)
    replaced_end = service.db.execute(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert cli.run(["--db", str(db_path), "restore", str(older)]) == 0
    assert service.get(d.id).version == 1  # the amendment is gone with the replaced file
    (row,) = [e for e in service.repo.audit_entries() if e.field == "restored"]
    assert str(older) in row.new_value
    assert f"ended at row {replaced_end[0]} (hash {replaced_end[1]})" in row.new_value
    from desktop.application.decisions import os_user

    assert row.user == os_user()  # the clerk's own account, not the register's last writer
    report = integrity.check_integrity(service)
    assert report.ok, report.lines()


def test_an_older_copy_put_in_place_by_hand_is_behind_its_seal(service, db_path, tmp_path,
                                                               capsys):
    import shutil

    _, older = _older_backup(service, db_path, tmp_path, capsys)
    service.db.close()
    for suffix in ("-wal", "-shm"):
        (db_path.parent / f"{db_path.name}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(older, db_path)
    assert cli.run(["--db", str(db_path), "audit", "--check"]) == 1
    assert "behind its own audit seal" in capsys.readouterr().err


def test_a_hard_link_to_the_open_register_cannot_be_restored_over(service, db_path, tmp_path,
                                                                  capsys):
    import os
    import subprocess
    import sys

    from desktop.application.instance import lock_path

    _, older = _older_backup(service, db_path, tmp_path, capsys)
    link = tmp_path / "another-name.db"
    os.link(db_path, link)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:  # a window holds the register under its own name
        lock_path(db_path).write_text(f"{sleeper.pid}\ndecision-checklist\nhost\n")
        assert cli.run(["--db", str(link), "restore", str(older)]) == 1
    finally:
        sleeper.kill()
        sleeper.wait()
        lock_path(db_path).unlink()
    assert "is open in a Decision Checklist window" in capsys.readouterr().err


def test_the_copy_for_signature_still_verifies_after_the_lock(service, db_path, capsys):
    d = complete_decision(service)
    printed = code_for(d)  # the copy the members sign
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    assert code_for(d) != printed  # the signed record pins its sign-offs
    for code in (printed, code_for(d)):
        assert cli.run(["--db", str(db_path), "verify", code]) == 0
        out = capsys.readouterr().out
        assert out.startswith("MATCH: ") and "Status: Signed off" in out
    assert cli.run(["--db", str(db_path), "verify", printed]) == 0
    assert "copy for signature" in capsys.readouterr().out.splitlines()[0]


def test_a_backup_of_another_register_is_not_restored_over_this_one(service, db_path,
                                                                    tmp_path, capsys):
    from desktop.application.bootstrap import open_service

    signed_off_decision(service)
    other = open_service(tmp_path / "other.db")
    other.create("Another register's record")
    other.db.close()
    before = db_path.read_bytes()
    assert cli.run(["--db", str(db_path), "restore", str(tmp_path / "other.db")]) == 1
    assert "is a backup of another register" in capsys.readouterr().err
    assert db_path.read_bytes() == before


@pytest.mark.timeout(60)
@pytest.mark.parametrize("planted", ["fifo", "big"])
def test_a_fifo_or_a_huge_file_in_the_key_folder_never_hangs(service, db_path, planted,
                                                             capsys):
    import os

    signed_off_decision(service)
    seal = service.repo.seal()
    key = seal.folder / f"{seal.register_id}.key"
    key.unlink()
    if planted == "fifo":
        os.mkfifo(key)
    else:
        with key.open("wb") as fh:
            fh.truncate(300 * 1024 * 1024)  # sparse: no disk, but 300 MB to whoever reads it
    service.db.close()
    assert cli.run(["--db", str(db_path), "audit", "--check"]) == 1
    assert "cannot be authenticated" in capsys.readouterr().out


# ---- the sign-off command builds only on what the audit log accounts for ----------------
def test_the_sign_off_command_refuses_to_lock_on_forged_sign_offs(service, db_path, capsys):
    """F3: one real sign-off, its name changed and a Monitoring Officer row forged; the next
    real sign-offs must not count the forged row, nor lock the record."""
    d = _part_signed(service)
    behind_the_back(db_path, f"UPDATE sign_offs SET name = 'N. Body' WHERE version_id = "
                             f"{_vid(service, d)}", *_forged_sign_off(service, d))
    capsys.readouterr()
    for role in (ROLES[1], ROLES[3]):
        assert cli.run(["--db", str(db_path), "sign-off", d.id, "--role", role, "--name", "B",
                        "--date", "2026-11-20"]) == 1
        err = capsys.readouterr().err
        assert "cannot be signed: the register no longer agrees with its audit log" in err
        assert "sign-off by Monitoring Officer" in err or "(name:" in err, err
    stored = service.get(d.id)
    assert stored.status == Status.READY
    assert {s.role for s in stored.sign_offs} == {ROLES[0], "Monitoring Officer"}


def test_the_sign_off_command_refuses_on_a_forged_tick(service, db_path):
    d = _part_signed(service)
    behind_the_back(db_path, *_forged_tick(service, d))
    from desktop.domain.errors import Refused

    with pytest.raises(Refused, match="is marked done \\(by mallory"):
        sign(service, d.id, ROLES[1])


def test_checking_before_a_sign_off_reads_one_decisions_rows(service, db_path):
    """The check inside the sign-off's write stays cheap: other records' rows are not read."""
    for i in range(3):
        signed_off_decision(service, f"Another record {i}")
    d = complete_decision(service)
    statements: list[str] = []
    service.db.conn.set_trace_callback(statements.append)
    try:
        sign(service, d.id, ROLES[0])
    finally:
        service.db.conn.set_trace_callback(None)
    reads = [s for s in statements if "FROM audit_log" in s and "decision_id" not in s]
    assert all("LIMIT 1" in s for s in reads), reads  # the head, and where sealing began


# ---- what the app itself writes passes ---------------------------------------------------
def test_ticks_edits_that_move_them_and_amendments_pass(service, db_path, capsys):
    from desktop.domain.decision import Action, Answer, Rating

    d = complete_decision(service)
    two = Answer(rating=Rating.AMBER, response="TUPE consultation under way.",
                 actions=(Action("Consult the unions", "HR lead", "2027-01-31"),
                          Action("Brief the crews", "Ops lead", "2027-02-28")))
    d = service.set_answer(d.id, "staff", two)
    service.lifecycle.set_action_done(d.id, "staff", 1, True)
    d = service.get(d.id)
    assert integrity.check_integrity(service).ok
    # the first action dropped in an edit: the done one moves to position 0
    d = service.set_answer(d.id, "staff", replace(d.answer("staff"),
                                                  actions=d.answer("staff").actions[1:]))
    assert service.get(d.id).answer("staff").actions[0].done
    report = integrity.check_integrity(service)
    assert report.ok, report.lines()
    d = service.set_answer(d.id, "values", replace(d.answer("values"), response="Reworded."))
    for role in ROLES:
        d = sign(service, d.id, role)
    service.lifecycle.amend(d.id, "New figures")  # version 2 starts with the action done
    v2 = service.get(d.id)
    assert v2.version == 2 and v2.answer("staff").actions[0].done
    service.lifecycle.set_action_done(d.id, "staff", 0, False)
    report = integrity.check_integrity(service)
    assert report.ok, report.lines()
    assert cli.run(["--db", str(db_path), "verify", code_for(d)]) == 3
    assert capsys.readouterr().out.startswith("SUPERSEDED: ")  # not ALTERED


def test_an_imported_part_signed_record_passes_and_can_be_signed(service, tmp_path):
    from desktop.application.bootstrap import open_service

    d = _part_signed(service)
    bundle = service.export_bundle([d.id])
    other = open_service(tmp_path / "other.db", user="importer")
    try:
        (imported,) = other.import_bundle(bundle, "part-signed.json")
        assert [s.role for s in imported.sign_offs] == [ROLES[0]]
        report = integrity.check_integrity(other)
        assert report.ok, report.lines()
        for role in ROLES[1:]:
            imported = sign(other, d.id, role)
        assert imported.status == Status.SIGNED_OFF
        report = integrity.check_integrity(other)
        assert report.ok, report.lines()
    finally:
        other.db.close()
