"""Migrations apply exactly once, in a transaction, and the schema enforces the lock."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Migrations

from desktop.domain.errors import StorageError
from desktop.storage import migrations as schema
from desktop.storage.database import open_database


def applied_rows(db) -> list[tuple]:
    return db.execute(
        "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY rowid"
    ).fetchall()


def test_fresh_database_gets_every_migration_once(db_path):
    db = open_database(db_path)
    try:
        rows = applied_rows(db)
        assert [(s, n) for s, n, _ in rows] == [
            (schema.MIGRATION_SET, name) for name in schema.known_migration_names()
        ]
        assert schema.known_migration_names()[0] == "m001_initial"
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert schema.apply(db) == []
    finally:
        db.close()


def test_reopening_applies_nothing(db_path):
    db = open_database(db_path)
    first = applied_rows(db)
    db.close()
    for _ in range(3):
        db = open_database(db_path)
        try:
            assert applied_rows(db) == first  # same rows, same applied_at
            assert schema.apply(db) == []
        finally:
            db.close()


def test_schema_objects_exist(db_path):
    db = open_database(db_path)
    try:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    finally:
        db.close()
    for table in ("checklists", "decisions", "versions", "options", "answers", "actions",
                  "action_progress", "sign_offs", "audit_log", "search_index"):
        assert table in names
    assert {"versions_locked_update", "versions_locked_delete", "answers_locked_insert",
            "audit_log_no_update", "audit_log_no_delete"} <= names
    assert {"idx_versions_current_title", "idx_versions_current_updated"} <= names


def test_schema_info_matches_the_registered_migrations():
    """Opening a file decides 'nothing pending' from schema_info, without sqlite-utils."""
    from desktop.storage import schema_info

    assert list(schema_info.MIGRATION_NAMES) == schema.known_migration_names()
    assert schema_info.SCHEMA_VERSION == schema.SCHEMA_VERSION == len(schema.migrations._migrations)
    assert (schema_info.APPLICATION_ID, schema_info.MIGRATION_SET) == (
        schema.APPLICATION_ID, schema.MIGRATION_SET)


def test_a_migration_recorded_as_missing_is_applied_even_at_the_current_version(db_path):
    """user_version alone is not trusted: a file missing a migration's row gets it applied."""
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE signed_copies")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_signed_copies'")
    conn.commit()
    conn.close()
    db = open_database(db_path)
    try:
        assert db.execute("SELECT count(*) FROM signed_copies").fetchone()[0] == 0
        assert [n for _, n, _ in applied_rows(db)][-1] == "m003_signed_copies"
    finally:
        db.close()


def _also_in_schema_info(monkeypatch, extended) -> None:
    from desktop.storage import schema_info

    monkeypatch.setattr(schema_info, "MIGRATION_NAMES", tuple(m.name for m in extended._migrations))
    monkeypatch.setattr(schema_info, "SCHEMA_VERSION", len(extended._migrations))


def _with_extra_migration(monkeypatch, fn):
    """Pretend a newer app version added one migration after the real ones."""
    extended = Migrations(schema.MIGRATION_SET)
    for m in schema.migrations._migrations:
        extended(name=m.name, transactional=m.transactional)(m.fn)
    extended(name="m999_test")(fn)
    monkeypatch.setattr(schema, "migrations", extended)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(extended._migrations))
    _also_in_schema_info(monkeypatch, extended)
    return len(extended._migrations)


def test_a_new_migration_is_applied_once_on_top(db_path, monkeypatch):
    db = open_database(db_path)
    before = applied_rows(db)
    db.close()
    calls = []

    def m999(db):
        calls.append(1)
        db.execute("CREATE TABLE extra (x INTEGER)")

    version = _with_extra_migration(monkeypatch, m999)
    for _ in range(2):
        db = open_database(db_path)
        try:
            rows = applied_rows(db)
            assert rows[: len(before)] == before
            assert [n for _, n, _ in rows[len(before):]] == ["m999_test"]
            assert db.execute("PRAGMA user_version").fetchone()[0] == version
        finally:
            db.close()
    assert calls == [1]


def test_a_failing_migration_is_rolled_back_and_stays_pending(db_path, monkeypatch):
    db = open_database(db_path)
    before = applied_rows(db)
    db.close()

    def m999(db):
        db.execute("CREATE TABLE half_done (x INTEGER)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    _with_extra_migration(monkeypatch, m999)
    with pytest.raises(StorageError):
        open_database(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY rowid"
        ).fetchall() == before
        assert conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
        ).fetchone()[0] == 0
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(before)
    finally:
        conn.close()


def test_open_without_migrating_leaves_a_new_file_empty(db_path):
    db = open_database(db_path, migrate=False)
    try:
        assert db.table_names() == []
    finally:
        db.close()


# ---- the lock and the audit log live in the database ------------------------------------------


@pytest.fixture
def signed_off(service, example_bundle_text):
    import json

    data = json.loads(example_bundle_text)
    rec = data["decisions"][0]
    rec["status"] = "signed-off"
    rec["sign_offs"] = [
        {"role": r, "name": "N", "date": "2026-11-20"}
        for r in ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
                  "Chair or Portfolio Holder")
    ]
    [d] = service.import_bundle(json.dumps(data))
    vid = service.db.execute("SELECT id FROM versions WHERE decision_id = ?", [d.id]).fetchone()[0]
    return service.db, vid


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE versions SET title = 'changed' WHERE id = :vid",
        "UPDATE versions SET status = 'draft' WHERE id = :vid",
        "DELETE FROM versions WHERE id = :vid",
        "UPDATE answers SET response = 'changed' WHERE version_id = :vid",
        "DELETE FROM answers WHERE version_id = :vid",
        "INSERT INTO answers (version_id, slug, response) VALUES (:vid, 'x', 'y')",
        "UPDATE options SET name = 'changed' WHERE version_id = :vid",
        "DELETE FROM actions WHERE version_id = :vid",
        "UPDATE sign_offs SET name = 'someone else' WHERE version_id = :vid",
        "DELETE FROM sign_offs WHERE version_id = :vid",
        "INSERT INTO sign_offs (version_id, role, name, date, recorded_at, recorded_by) "
        "VALUES (:vid, 'Extra', 'X', '2026-01-01', 'now', 'me')",
    ],
)
def test_signed_off_rows_cannot_be_changed_by_any_tool(signed_off, sql):
    db, vid = signed_off
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        db.execute(sql, {"vid": vid})


def test_signed_off_version_may_only_stop_being_current(signed_off):
    db, vid = signed_off
    db.execute("UPDATE versions SET is_current = 0 WHERE id = ?", [vid])  # amendment step
    assert db.execute("SELECT is_current FROM versions WHERE id = ?", [vid]).fetchone()[0] == 0


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET user = 'x'", "DELETE FROM audit_log"])
def test_audit_log_is_append_only(signed_off, sql):
    db, _ = signed_off
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(sql)
