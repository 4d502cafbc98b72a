"""Rolling backups with SQLite's backup API: daily at start-up, before migrations, by hand;
and restoring one, from the service layer and the command line."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.cli import main as cli
from desktop.domain.decision import Answer, Rating
from desktop.domain.errors import StorageError
from desktop.storage import backup

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "schema-v1.db"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """This test's own backups folder."""
    path = tmp_path / "backups"
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(path))
    return path


def rows(path: Path, sql: str = "SELECT id FROM decisions ORDER BY id") -> list:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_backup_holds_what_is_still_only_in_the_wal(tmp_path, folder, example_bundle_text):
    """The backup API reads through SQLite, so edits not yet checkpointed are in the copy."""
    db = tmp_path / "decisions.db"
    service = open_service(db)
    try:
        service.import_bundle(example_bundle_text)
        assert Path(f"{db}-wal").stat().st_size > 0  # the import lives in the WAL so far
        raw = tmp_path / "raw-copy.db"
        shutil.copy(db, raw)  # what copying the file alone would have kept
        made = backup.make_backup(db, service.db.conn)
    finally:
        service.db.close()
    assert rows(raw) == []  # the file alone does not have the import yet
    assert rows(made) == rows(db) and len(rows(made)) == 1
    assert made.parent == folder and not Path(f"{made}-wal").exists()
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_keeps_the_newest_ten_then_the_number_chosen(tmp_path, folder, service):
    db = Path(service.db_path())
    start = dt.datetime(2026, 11, 1, 8, 0)
    for i in range(13):
        backup.make_backup(db, service.db.conn, now=start + dt.timedelta(hours=i))
    kept = backup.list_backups(db)
    assert len(kept) == 10 == backup.DEFAULT_KEEP
    assert kept[0].taken_at == start + dt.timedelta(hours=12)
    assert kept[-1].taken_at == start + dt.timedelta(hours=3)
    backup.set_keep(3)
    assert backup.get_keep() == 3
    backup.make_backup(db, service.db.conn, now=start + dt.timedelta(days=1))
    assert [b.taken_at.day for b in backup.list_backups(db)] == [2, 1, 1]
    with pytest.raises(StorageError):
        backup.set_keep(0)


def test_backups_of_two_databases_with_the_same_name_do_not_mix(tmp_path, folder):
    a, b = tmp_path / "a" / "decisions.db", tmp_path / "b" / "decisions.db"
    for path in (a, b):
        path.parent.mkdir()
        s = open_service(path)
        s.create("x")
        backup.make_backup(path, s.db.conn)
        s.db.close()
    assert len(backup.list_backups(a)) == len(backup.list_backups(b)) == 1
    assert backup.list_backups(a)[0].path != backup.list_backups(b)[0].path


def test_daily_backup_at_start_up_once_a_day(tmp_path, folder, example_bundle_text):
    db = tmp_path / "decisions.db"
    open_service(db).db.close()  # empty: nothing worth backing up
    assert backup.list_backups(db) == []
    s = open_service(db)
    s.import_bundle(example_bundle_text)
    s.db.close()
    for _ in range(3):
        open_service(db).db.close()
    daily = backup.list_backups(db)
    assert [b.reason for b in daily] == ["daily"]
    s = open_service(db)
    try:
        began = time.perf_counter()
        assert backup.daily_backup(db, s.db.conn) is None  # today's exists: skipped at once
        assert time.perf_counter() - began < 0.05
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        assert backup.daily_backup(db, s.db.conn, today=tomorrow) is not None
    finally:
        s.db.close()


def test_a_failing_daily_backup_does_not_stop_work(tmp_path, monkeypatch, example_bundle_text):
    db = tmp_path / "decisions.db"
    s = open_service(db)
    s.import_bundle(example_bundle_text)
    s.db.close()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker / "backups"))
    s = open_service(db)  # no backup possible, but the database opens
    assert s.register_count(__import__("desktop.storage.repository",
                                       fromlist=["RegisterQuery"]).RegisterQuery()) == 1
    s.db.close()


def test_backups_taken_while_another_process_writes_are_consistent(tmp_path, folder):
    db = tmp_path / "busy.db"
    driver = ROOT / "tests" / "stress" / "autosave_driver.py"
    proc = subprocess.Popen([sys.executable, str(driver), str(db), "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "READY"
        made = []
        for i in range(5):
            time.sleep(0.05)
            conn = sqlite3.connect(db, timeout=5)
            made.append(backup.make_backup(db, conn, now=dt.datetime(2026, 1, 1, 0, 0, i)))
            conn.close()
    finally:
        proc.kill()
        proc.wait()
    counts = []
    for path in made:
        assert rows(path, "PRAGMA integrity_check") == [("ok",)]
        counts.append(rows(path, "SELECT count(*) FROM audit_log")[0][0])
    assert counts == sorted(counts) and counts[-1] > counts[0]  # each a later snapshot


def test_restore_backs_up_the_current_content_first(tmp_path, folder, service):
    db = Path(service.db_path())
    d = service.create("Before the backup")
    taken = backup.make_backup(db, service.db.conn)
    service.set_answer(d.id, "values", Answer(Rating.GREEN, "typed after the backup"))
    service.db.close()
    saved = backup.restore(taken, db)
    assert saved is not None and saved.name.endswith("-before-restore.db")
    s = open_service(db)
    try:
        assert s.get(d.id).answer("values").response == ""
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        s.db.close()
    again = open_service(saved)  # nothing was lost: the restore's own backup has the edit
    try:
        assert again.get(d.id).answer("values").response == "typed after the backup"
    finally:
        again.db.close()


def test_restore_over_a_damaged_file_keeps_its_bytes(tmp_path, folder, service):
    db = Path(service.db_path())
    service.create("Kept")
    taken = backup.make_backup(db, service.db.conn)
    service.db.close()
    db.write_bytes(b"this was a database once" * 100)
    damaged = db.read_bytes()
    saved = backup.restore(taken, db)
    assert saved.read_bytes() == damaged
    s = open_service(db)
    assert [r.title for r in s.register(__import__(
        "desktop.storage.repository", fromlist=["RegisterQuery"]).RegisterQuery())] == ["Kept"]
    s.db.close()


def test_restore_refuses_what_is_not_a_good_backup(tmp_path, folder, service):
    db = Path(service.db_path())
    service.create("Current")
    service.db.close()
    before = db.read_bytes()
    text = tmp_path / "notes.db"
    text.write_text("not a backup")
    newer = tmp_path / "newer.db"
    shutil.copy(FIXTURE, newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    for bad, phrase in ((text, "not a database"), (newer, "newer version"),
                        (db, "the database itself")):
        with pytest.raises(StorageError, match=phrase):
            backup.restore(bad, db)
    assert db.read_bytes() == before
    assert backup.list_backups(db) == []


def run_cli(capsys, *argv):
    capsys.readouterr()
    status = cli.run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_backup_and_restore_commands(tmp_path, folder, capsys, example_bundle_text):
    db = tmp_path / "decisions.db"
    bundle = tmp_path / "b.json"
    bundle.write_text(example_bundle_text, encoding="utf-8")
    assert run_cli(capsys, "--db", str(db), "import", str(bundle))[0] == 0
    status, out, err = run_cli(capsys, "--db", str(db), "backup")
    assert status == 0, err
    made = Path(out.strip())
    assert made.parent == folder and made.exists()
    out_file = tmp_path / "copy.db"
    assert run_cli(capsys, "backup", "--db", str(db), "--out", str(out_file))[0] == 0
    status, _, err = run_cli(capsys, "backup", "--db", str(db), "--out", str(out_file))
    assert status == 2 and "already exists" in err
    status, out, _ = run_cli(capsys, "backup", "--db", str(db), "--list")
    assert status == 0 and str(made) in out
    status, out, _ = run_cli(capsys, "backup", "--db", str(db), "--keep", "4")
    assert status == 0 and backup.get_keep() == 4
    empty = tmp_path / "empty.db"
    status, out, err = run_cli(capsys, "--db", str(empty), "restore", str(out_file))
    assert status == 0, err
    assert rows(empty) == rows(db)
    status, _, err = run_cli(capsys, "--db", str(db), "restore", str(tmp_path / "missing.db"))
    assert status == 2 and "no such backup file" in err


def test_restore_command_mends_a_file_too_damaged_to_open(tmp_path, folder, capsys):
    db = tmp_path / "decisions.db"
    s = open_service(db)
    s.create("Precious")
    taken = backup.make_backup(db, s.db.conn)
    s.db.close()
    db.write_bytes(db.read_bytes()[:5000])  # truncated: the app refuses to open it
    status, _, err = run_cli(capsys, "--db", str(db), "list")
    assert status == 1 and "restore it from a backup" in err
    status, out, err = run_cli(capsys, "--db", str(db), "restore", str(taken))
    assert status == 0, err
    status, out, _ = run_cli(capsys, "--db", str(db), "list")
    assert status == 0 and "Precious" in out
