"""Registers no one meant to hand us (issue 12, rows 4-10, 12): a file altered outside the
program, a restore over someone else's file, a backup killed part-way, a stray journal, a
read-only register, control characters in a title, a second account on the computer, and
daily backups of files that are not the user's. The real program is run where it matters."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "example-bundle.json"
EXAMPLE_ID = "6f1c2a3e-8b4d-4c2a-9e55-2d7a1c0b9f10"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
RESULTS: dict[str, str] = {}  # printed by test_report, for the README's table


def main_py(*argv, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd="/",
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def refused(done: subprocess.CompletedProcess, *phrases: str, status: int = 1) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    return lines[0]


@pytest.fixture
def register(tmp_path) -> Path:
    """A closed register of ours holding the example decision, in its own folder."""
    folder = tmp_path / "place"
    folder.mkdir()
    db = folder / "decisions.db"
    done = main_py("--db", db, "import", EXAMPLE)
    assert done.returncode == 0, done.stderr
    return db


def _raw(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# ---- row 4: a register altered outside the program --------------------------------------------
@pytest.mark.parametrize("statement, missing", [
    ("ALTER TABLE sign_offs DROP COLUMN comment", "missing column sign_offs.comment"),
    ("DROP TABLE signed_copies", "missing table signed_copies"),
])
@pytest.mark.parametrize("command", [["verify", "ABCD-EFGH"], ["audit", "--check"],
                                     ["export", EXAMPLE_ID, "--out", "{out}"], ["list"]])
def test_altered_schema_is_refused_and_left_untouched(register, tmp_path, statement, missing,
                                                      command):
    _raw(register, statement)
    before = snapshot(register.parent)
    argv = [a.replace("{out}", str(tmp_path / "out.pdf")) for a in command]
    message = refused(main_py("--db", register, *argv),
                      "has been altered outside Decision Checklist", f"({missing})")
    assert message.startswith(f"error: {register} has been altered")
    assert snapshot(register.parent) == before
    assert not (tmp_path / "out.pdf").exists()


def test_schema_info_lists_what_the_migrations_build():
    from sqlite_utils import Database

    from desktop.storage import migrations, schema_info

    db = Database(memory=True)
    migrations.apply(db)
    built: dict[str, tuple[str, ...]] = {}
    for table, column in db.conn.execute(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' ORDER BY m.name, p.cid"):
        built[table] = (*built.get(table, ()), column)
    assert built == schema_info.EXPECTED_COLUMNS


# ---- row 5: restore over a file that is not ours ----------------------------------------------
def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode = WAL; CREATE TABLE photos (id INTEGER PRIMARY KEY, "
                       "name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg');")
    conn.close()
    return path


def _newer(path: Path) -> Path:
    shutil.copy(ROOT / "tests" / "fixtures" / "schema-v1.db", path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    return path


@pytest.mark.parametrize("make, phrase", [(_foreign, "another program's database"),
                                          (_newer, "made by a newer version")],
                         ids=["another program's SQLite file", "a newer version's register"])
def test_restore_over_a_file_that_is_not_ours_is_refused(register, tmp_path, make, phrase):
    copy = tmp_path / "copy.db"
    assert main_py("--db", register, "backup", "--out", copy).returncode == 0
    target = make(tmp_path / "place" / "theirs.db")
    backups = Path(os.environ["DECISION_CHECKLIST_BACKUP_DIR"])
    backups.mkdir(exist_ok=True)
    before, kept, backed_up = snapshot(target.parent), copy.read_bytes(), snapshot(backups)
    message = refused(main_py("--db", target, "restore", copy), "not restored", phrase,
                      "left untouched")
    assert snapshot(target.parent) == before and copy.read_bytes() == kept
    assert snapshot(backups) == backed_up  # its bytes were not moved to backups/ either
    RESULTS[f"restore over {phrase}"] = message



# ---- row 6: a backup killed part-way --------------------------------------------------------
def test_partial_copies_of_killed_backups_are_removed_by_the_next_backup_or_prune(register,
                                                                                  tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = backups / f".decisions-1234abcd-20260101-000000-daily.db.partial-{dead}"
        running = backups / f".decisions-1234abcd-20260101-000000-daily.db.partial-{alive.pid}"
        for p in (stale, running):
            p.write_bytes(b"SQLite format 3\x00" + bytes(100_000))
        env = {"DECISION_CHECKLIST_BACKUP_DIR": str(backups)}
        assert main_py("--db", register, "backup", env=env).returncode == 0
        assert not stale.exists() and running.exists()  # a copy still being made is left
        stale.write_bytes(b"half")
        done = main_py("--db", register, "backup", "--keep", "3", env=env)
        assert done.returncode == 0, done.stderr
        assert "removed" not in done.stdout  # only backups are counted as removed
        assert not stale.exists() and running.exists()
    finally:
        alive.kill()
        alive.wait()


def test_report():
    """Last in the file: the messages, for the README's bad-file table (`pytest -s`)."""
    for case, message in RESULTS.items():
        print(f"{case}: {message}")
