"""Upgrades: a fixture database from every released schema version opens with every record
intact, is backed up (backup API) before it is migrated, and a database from a newer version
is refused and left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.errors import StorageError
from desktop.storage import backup, migrations
from desktop.storage.database import open_database

FIXTURES = sorted((Path(__file__).resolve().parents[3] / "tests" / "fixtures").glob("schema-v*.db"))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "backups"
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(path))
    return path


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every ordinary table, by table, in a stable order."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index%' AND name != '_sqlite_migrations'")]
        out = {}
        for t in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            out[t] = (cols, sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr))
        return out
    finally:
        conn.close()


def test_there_is_a_fixture_for_every_released_schema_version():
    versions = {int(p.stem.removeprefix("schema-v")) for p in FIXTURES}
    from desktop.storage.migrations import SCHEMA_VERSION

    assert 1 in versions
    # Every schema version that ships gets a fixture written by its own code: when a new
    # migration lands, add schema-v<N>.db with build_fixture.py from that release.
    assert max(versions) == SCHEMA_VERSION


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_upgrading_keeps_every_record(tmp_path, folder, fixture):
    db = tmp_path / "decisions.db"
    shutil.copy(fixture, db)
    old = table_rows(db)
    old_version = int(fixture.stem.removeprefix("schema-v"))
    service = open_service(db)
    try:
        assert service.db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert service.repo.verify_audit_chain() == []
        ids = service.repo.all_ids()
        for decision_id in ids:  # every record loads and exports
            service.get(decision_id)
        assert '"decisions"' in service.export_bundle()
    finally:
        service.db.close()
    new = table_rows(db)
    for table, (cols, rows) in old.items():
        assert table in new, f"table {table} disappeared"
        new_cols, new_rows = new[table]
        keep = [new_cols.index(c) for c in cols]
        projected = sorted((tuple(r[i] for i in keep) for r in new_rows), key=repr)
        missing = [r for r in rows if r not in projected]
        assert not missing, f"{table}: {len(missing)} rows lost or changed, e.g. {missing[0]}"
    pre = [b for b in backup.list_backups(db) if b.reason == "before-migration"]
    if old_version < migrations.SCHEMA_VERSION:
        assert len(pre) == 1
        assert table_rows(pre[0].path) == old  # the backup is the file as it was
        conn = sqlite3.connect(pre[0].path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version
        conn.close()
    else:
        assert pre == []


def _with_extra_migration(monkeypatch):
    """Pretend the app gained a migration m999 (adds a column), as the next release will."""
    extra = migrations.Migrations(migrations.MIGRATION_SET)
    extra._migrations = list(migrations.migrations._migrations)

    @extra(name="m999_test_column")
    def m999(db):
        db.execute("ALTER TABLE versions ADD COLUMN test_note TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(migrations, "migrations", extra)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(extra._migrations))
    from desktop.storage import schema_info

    monkeypatch.setattr(schema_info, "MIGRATION_NAMES", tuple(m.name for m in extra._migrations))
    monkeypatch.setattr(schema_info, "SCHEMA_VERSION", len(extra._migrations))


def test_every_migration_is_preceded_by_a_backup(tmp_path, folder, monkeypatch,
                                                 example_bundle_text):
    db = tmp_path / "decisions.db"
    s = open_service(db)
    s.import_bundle(example_bundle_text)
    s.db.close()
    before = table_rows(db)
    _with_extra_migration(monkeypatch)
    s = open_service(db)
    try:
        assert "test_note" in {c.name for c in s.db["versions"].columns}
    finally:
        s.db.close()
    pre = [b for b in backup.list_backups(db) if b.reason == "before-migration"]
    assert len(pre) == 1 and table_rows(pre[0].path) == before
    open_service(db).db.close()  # nothing pending now: no second pre-migration backup
    assert len([b for b in backup.list_backups(db) if b.reason == "before-migration"]) == 1


def test_no_migration_without_its_backup(tmp_path, monkeypatch, example_bundle_text):
    db = tmp_path / "decisions.db"
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(tmp_path / "b"))
    s = open_service(db)
    s.import_bundle(example_bundle_text)
    s.db.close()
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker / "backups"))
    _with_extra_migration(monkeypatch)
    with pytest.raises(StorageError, match="could not be backed up first") as caught:
        open_database(db)
    assert "left untouched" in str(caught.value)
    conn = sqlite3.connect(db)
    assert "test_note" not in {r[1] for r in conn.execute("PRAGMA table_info(versions)")}
    conn.close()


def test_a_fresh_database_is_not_backed_up_before_its_first_migration(tmp_path, folder):
    db = tmp_path / "new.db"
    open_service(db).db.close()
    assert backup.list_backups(db) == []


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_database_from_a_newer_version_is_refused_untouched(tmp_path, folder, fixture):
    place = tmp_path / "place"
    place.mkdir()
    db = place / "decisions.db"
    shutil.copy(fixture, db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.close()
    before = _digest(place)
    with pytest.raises(StorageError) as caught:
        open_service(db)
    message = str(caught.value)
    assert "newer version of Decision Checklist" in message
    assert "install the newer version" in message and "left untouched" in message
    assert _digest(place) == before
    assert backup.list_backups(db) == []
