"""The window's start-up: quick_check in a worker thread, writes held until it passes.

A damaged file that only quick_check can tell is opened for reading, but the first write
waits for the verdict and is refused, SQLite is set to query_only, and the file is left
byte-identical. sqlite-utils is not imported to open an up-to-date file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service, open_service_for_window
from desktop.domain.errors import StorageError
from desktop.storage import backup
from desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[3]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(tmp_path, clock, example_bundle_text) -> Path:
    path = tmp_path / "filled.db"
    svc = open_service(path, user="tester", now=clock)
    svc.import_bundle(example_bundle_text)
    for i in range(40):
        svc.create(f"Decision {i}", proposal="words " * 400)
    svc.db.close()
    return path


def _garble_table(path: Path, table: str) -> None:
    """Overwrite a table's root page (not sqlite_master): only quick_check notices."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xa5" * 400)


def test_a_healthy_file_opens_then_checks_and_backs_up_in_the_background(filled, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(tmp_path / "b"))
    reports = []
    service, check = open_service_for_window(filled, report=reports.append, user="tester")
    try:
        check.start()
        check.join(30)
        assert reports == [None]
        assert [b.reason for b in backup.list_backups(filled)] == ["daily"]
        made = service.create("After the check")  # writes go ahead
        assert service.get(made.id).title == "After the check"
    finally:
        service.db.close()


def test_a_damaged_file_is_never_written_to(filled):
    assert open_database(filled).close() is None  # healthy so far
    _garble_table(filled, "versions")
    with pytest.raises(StorageError, match="damaged"):
        open_database(filled)  # the command line still checks before opening
    before = sha(filled)
    reports = []
    service, check = open_service_for_window(filled, report=reports.append, user="tester")
    try:
        # The check has not run: the first write waits for it, then is refused.
        with pytest.raises(StorageError, match=r"damaged.*restore it from a backup"):
            service.create("Must not be written")
        assert reports and "damaged" in reports[0]
        assert service.db.refused and "damaged" in service.db.refused
        assert service.db.execute("PRAGMA query_only").fetchone()[0] == 1
        with pytest.raises(StorageError, match="damaged"):
            service.create("Nor this")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            service.db.conn.execute("CREATE TABLE sneaky (x)")  # SQLite itself refuses
    finally:
        check.join(30)
        service.db.close()
    assert sha(filled) == before
    assert not Path(f"{filled}-wal").exists()


def test_a_file_that_needs_migrating_is_checked_before_anything(filled):
    conn = sqlite3.connect(filled)
    conn.execute("PRAGMA user_version = 1")  # pretend an older app left it
    conn.close()
    _garble_table(filled, "answers")
    before = sha(filled)
    with pytest.raises(StorageError, match="damaged"):
        open_service_for_window(filled)
    assert sha(filled) == before


def test_a_file_not_in_wal_mode_is_checked_before_it_is_switched(filled):
    conn = sqlite3.connect(filled)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    _garble_table(filled, "answers")
    before = sha(filled)
    with pytest.raises(StorageError, match="damaged"):
        open_service_for_window(filled)
    assert sha(filled) == before


def test_opening_an_up_to_date_file_does_not_import_sqlite_utils(filled):
    code = (
        "import sys\n"
        "from desktop.application.bootstrap import open_service_for_window\n"
        f"service, check = open_service_for_window({str(filled)!r})\n"
        "service.register_count(__import__('desktop.storage.repository', fromlist=['x'])"
        ".RegisterQuery())\n"
        "assert 'sqlite_utils' not in sys.modules, 'sqlite_utils imported'\n"
        "service.create('A write')\n"  # the first write brings sqlite-utils in
        "assert 'sqlite_utils' in sys.modules\n"
        "check.join(); service.db.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# ---- pack and export: the check alongside the printing ------------------------------------
def _cli(capsys, *argv: str) -> tuple[int, str]:
    from desktop.cli import main as cli

    capsys.readouterr()
    status = cli.run(list(argv))
    return status, capsys.readouterr().err


@pytest.mark.parametrize("table", ["audit_log", "versions"])  # printing reads it, or not
@pytest.mark.parametrize("command", ["pack", "export"])
def test_a_damaged_register_prints_nothing_and_is_named_as_at_open(filled, capsys, command, table):
    db = open_database(filled)
    some_id = db.execute("SELECT id FROM decisions LIMIT 1").fetchone()[0]
    db.close()
    _garble_table(filled, table)
    before = sha(filled)
    out = filled.parent / "out.pdf"
    status, err = _cli(capsys, "--db", str(filled), command, some_id, "--out", str(out))
    listed, said = _cli(capsys, "--db", str(filled), "list")  # checked as it is opened
    assert listed == 1 and "damaged" in said and "restore it from a backup" in said, said
    assert (status, err) == (listed, said)
    assert not out.exists()
    assert not [p.name for p in filled.parent.iterdir() if p.name.startswith("out")]
    assert sha(filled) == before


def test_pack_checks_the_register_on_a_second_thread_before_writing(filled, capsys, monkeypatch):
    import threading

    from desktop.storage import files

    checked: list[tuple[str, bool]] = []
    out = filled.parent / "pack.pdf"
    real = files.quick_check

    def spy(conn, path):
        checked.append((threading.current_thread().name, out.exists()))
        real(conn, path)

    db = open_database(filled)
    ids = [r[0] for r in db.execute("SELECT id FROM decisions LIMIT 3")]
    db.close()
    monkeypatch.setattr(files, "quick_check", spy)
    status, err = _cli(capsys, "--db", str(filled), "pack", *ids, "--out", str(out))
    assert (status, err) == (0, "")
    assert checked == [("integrity-check", False)]
    assert out.stat().st_size > 0
