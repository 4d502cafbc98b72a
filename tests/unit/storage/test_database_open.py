"""Opening a database: files that are not ours are refused and left byte-identical."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest

from desktop.cli import main as cli
from desktop.domain.errors import StorageError
from desktop.storage.database import open_database
from desktop.storage.migrations import SCHEMA_VERSION


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def real_db(tmp_path, clock, example_bundle_text):
    """A real Decision Checklist database with some content, closed."""
    from desktop.application.bootstrap import open_service

    path = tmp_path / "real.db"
    svc = open_service(path, user="tester", now=clock)
    svc.import_bundle(example_bundle_text)
    for i in range(30):
        svc.create(f"Decision {i}", proposal="x" * 2000)
    svc.db.close()
    return path


def _text(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("Minutes of the cabinet meeting, 9 December 2026.\n" * 50, encoding="utf-8")
    return p


def _png(tmp_path):
    p = tmp_path / "picture.db"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    return p


def _empty(tmp_path):
    p = tmp_path / "empty.db"
    p.write_bytes(b"")
    return p


def _header_only(tmp_path):
    p = tmp_path / "header.db"
    p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 50)
    return p


def _foreign(tmp_path, wal: bool = False):
    p = tmp_path / ("foreign-wal.db" if wal else "foreign.db")
    conn = sqlite3.connect(p)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada', '0123')")
    conn.commit()
    conn.close()
    return p


def _foreign_app_id(tmp_path):
    p = tmp_path / "other-app.db"
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    return p


def _foreign_migrations(tmp_path):
    """Another sqlite-utils program's database, with its own migration set."""
    p = tmp_path / "other-migrations.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations VALUES ('blog', 'm001', '2026-01-01')")
    conn.execute("CREATE TABLE posts (id INTEGER)")
    conn.commit()
    conn.close()
    return p


FOREIGN = {
    "text file": (_text, "is not a database"),
    "png": (_png, "is not a database"),
    "zero bytes": (_empty, "is empty (0 bytes)"),
    "sqlite header then garbage": (_header_only, "damaged"),
    "another program's database": (_foreign, "another program's database"),
    "another program's WAL database": (lambda t: _foreign(t, wal=True),
                                       "another program's database"),
    "another application_id": (_foreign_app_id, "another program's database"),
    "another migration set": (_foreign_migrations, "another program's database"),
}


@pytest.mark.parametrize("make", list(FOREIGN), ids=list(FOREIGN))
def test_foreign_file_is_refused_and_untouched(tmp_path, make):
    builder, message = FOREIGN[make]
    path = builder(tmp_path)
    before, names = sha(path), siblings(path)
    with pytest.raises(StorageError) as err:
        open_database(path)
    assert message in str(err.value)
    assert "left untouched" in str(err.value)
    assert "\n" not in str(err.value)
    assert sha(path) == before
    assert siblings(path) == names  # no -wal, -shm or -journal beside it


def test_truncated_copy_of_a_real_database(tmp_path, real_db):
    copy = tmp_path / "truncated.db"
    data = real_db.read_bytes()
    assert len(data) > 8192
    copy.write_bytes(data[: len(data) // 2])
    before, names = sha(copy), siblings(copy)
    with pytest.raises(StorageError, match="damaged"):
        open_database(copy)
    assert sha(copy) == before and siblings(copy) == names


def test_database_with_a_garbled_page(tmp_path, real_db):
    copy = tmp_path / "garbled.db"
    data = bytearray(real_db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):  # every page but the header page
        data[page * page_size + 8: page * page_size + 200] = b"\xa5" * 192
    copy.write_bytes(bytes(data))
    before, names = sha(copy), siblings(copy)
    with pytest.raises(StorageError, match="damaged"):
        open_database(copy)
    assert sha(copy) == before and siblings(copy) == names


def test_database_from_a_newer_version(tmp_path, real_db):
    conn = sqlite3.connect(real_db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before, names = sha(real_db), siblings(real_db)
    with pytest.raises(StorageError, match="made by a newer version") as err:
        open_database(real_db)
    assert f"schema {SCHEMA_VERSION + 1}" in str(err.value)
    assert sha(real_db) == before and siblings(real_db) == names


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(StorageError, match="is a folder"):
        open_database(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        open_database(tmp_path / "nowhere" / "x.db")
    assert not (tmp_path / "nowhere").exists()


def test_real_database_reopens_and_keeps_its_content(real_db):
    before = sha(real_db)
    db = open_database(real_db)
    try:
        assert db.execute("SELECT count(*) FROM decisions").fetchone()[0] == 31
    finally:
        db.close()
    # reading only: the file is not rewritten (no migration re-applied, no vacuum)
    assert sha(real_db) == before
    assert not (real_db.parent / "real.db-wal").exists()


@pytest.mark.parametrize("make", ["text file", "png", "zero bytes", "another program's database"])
def test_cli_refuses_with_one_line_and_no_traceback(tmp_path, capsys, make):
    builder, message = FOREIGN[make]
    path = builder(tmp_path)
    before, names = sha(path), siblings(path)
    for argv in (["--db", str(path), "list"], ["list", "--json", "--db", str(path)],
                 ["--db", str(path), "export-json", "--out", str(tmp_path / "o.json")]):
        status = cli.run(argv)
        out, err = capsys.readouterr()
        assert status == 1
        assert out == ""
        assert err.startswith("error: ") and err.count("\n") == 1 and message in err
        assert "Traceback" not in err
    assert sha(path) == before and siblings(path) == names
    assert not (tmp_path / "o.json").exists()


def test_cli_refuses_a_foreign_file_on_import_too(tmp_path, capsys, example_bundle_text):
    path = _png(tmp_path)
    bundle = tmp_path / "b.json"
    bundle.write_text(example_bundle_text, encoding="utf-8")
    before = sha(path)
    assert cli.run(["import", str(bundle), "--db", str(path)]) == 1
    assert "is not a database" in capsys.readouterr().err
    assert sha(path) == before


# ---- PRAGMAs on every connection -------------------------------------------------------------


def _pragmas(db) -> tuple:
    return (
        db.execute("PRAGMA journal_mode").fetchone()[0],
        db.execute("PRAGMA foreign_keys").fetchone()[0],
        db.execute("PRAGMA synchronous").fetchone()[0],
    )


def test_every_connection_has_wal_foreign_keys_and_full_sync(db_path):
    first = open_database(db_path)
    second = open_database(db_path)  # a second connection to the same, now existing, file
    try:
        assert _pragmas(first) == ("wal", 1, 2)
        assert _pragmas(second) == ("wal", 1, 2)
    finally:
        first.close()
        second.close()
    third = open_database(db_path)
    try:
        assert _pragmas(third) == ("wal", 1, 2)
    finally:
        third.close()


def test_foreign_keys_are_enforced(db_path):
    db = open_database(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            db.execute("INSERT INTO answers (version_id, slug) VALUES (12345, 'values')")
    finally:
        db.close()


def test_application_id_marks_the_file_as_ours(db_path):
    from desktop.storage.migrations import APPLICATION_ID

    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_backup_copy_opens(tmp_path, real_db):
    """A plain file copy of a closed database (what a user does) opens normally."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(real_db, copy)
    db = open_database(copy)
    try:
        assert json.loads(json.dumps(db.execute("SELECT count(*) FROM versions").fetchone()))[0] == 31
    finally:
        db.close()


_WRITE_THEN_DIE = """
import os, sys
from desktop.application.bootstrap import open_service
svc = open_service(sys.argv[1], user="tester")
svc.db.execute("PRAGMA wal_autocheckpoint=0")
for i in range(40):
    svc.create(f"After the checkpoint {i}", proposal="y" * 3000)
os._exit(0)  # a crash: no close, so no checkpoint; the WAL holds every page written
"""


def _last_wal_frame_of_page_one(wal: bytes) -> bytes:
    page_size = int.from_bytes(wal[8:12], "big")
    found = b""
    for at in range(32, len(wal) - 24 - page_size + 1, 24 + page_size):
        if int.from_bytes(wal[at:at + 4], "big") == 1:
            found = wal[at + 24:at + 24 + page_size]
    return found


def test_a_checkpoint_cut_short_by_a_crash_is_not_damage(tmp_path, real_db):
    """A crash in the middle of a checkpoint: page 1, with the grown page count, was copied from
    the WAL into the file before the pages that make the file that long. SQLite recovers it all
    from the WAL, so the file must open with everything in it, not be called truncated."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", _WRITE_THEN_DIE, str(real_db)], check=True)
    wal = real_db.with_name(real_db.name + "-wal").read_bytes()
    page_one = _last_wal_frame_of_page_one(wal)
    assert page_one, "the WAL holds a newer page 1"
    with real_db.open("r+b") as fh:
        fh.write(page_one)
    header_pages = int.from_bytes(page_one[28:32], "big")
    assert real_db.stat().st_size < header_pages * len(page_one), "the file is shorter than page 1 says"

    from desktop.application.bootstrap import open_service

    svc = open_service(real_db, user="tester")
    try:
        titles = {row["title"] for row in svc.db.query("SELECT title FROM versions")}
        assert {f"After the checkpoint {i}" for i in range(40)} <= titles
    finally:
        svc.db.close()
