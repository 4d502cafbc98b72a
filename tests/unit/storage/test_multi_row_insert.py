"""Rows written several to a statement are the rows executemany wrote, byte for byte."""

from __future__ import annotations

import copy
import sqlite3

import pytest

from bench import generate
from desktop.application.bootstrap import open_service
from desktop.storage import multi_row_insert
from desktop.storage.multi_row_insert import insert_rows
from tests.helpers.cli import HAND_WRITTEN, run

ROLES = ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder")


def _bundle() -> dict:
    """150 generated decisions (more than a statement's rows, and a remainder) and one signed
    off, with sign-offs: every table an import writes."""
    signed = copy.deepcopy(HAND_WRITTEN["decisions"][0])
    signed["sign_offs"] = [{"role": role, "name": f"Signer {i} \u2028 \U0001f600 \"q\" \\",
                            "date": "2026-01-02"} for i, role in enumerate(ROLES)]
    return {"format": "decision-checklist/1",
            "decisions": [*generate.records(150, 3, start=500), signed]}


def _import(path, text: str) -> None:
    clock = generate.fixed_clock()
    service = open_service(path, user="tester", now=clock)
    try:
        service.import_bundle(text, source="bundle.json")
    finally:
        service.db.close()


def _every_row(path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS5's own tables too), in rowid order where there is one."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            if name == "search_index":
                sql = "SELECT rowid, * FROM search_index ORDER BY rowid"
            else:
                has_rowid = not conn.execute(
                    "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?",
                    [name]).fetchone()[0]
                sql = f'SELECT {"rowid, " if has_rowid else ""}* FROM "{name}"'
                sql += " ORDER BY rowid" if has_rowid else " ORDER BY 1, 2"
            out[name] = conn.execute(sql).fetchall()
        return out
    finally:
        conn.close()


def test_an_import_writes_every_row_as_executemany_did(tmp_path, monkeypatch, capsys):
    import json

    text = json.dumps(_bundle(), ensure_ascii=False)
    old, new = tmp_path / "executemany.db", tmp_path / "several.db"
    with monkeypatch.context() as m:
        m.setattr(multi_row_insert, "ROWS_PER_STATEMENT", 1)  # executemany, as before
        _import(old, text)
    _import(new, text)
    before, after = _every_row(old), _every_row(new)
    assert before["register_meta"] != after["register_meta"]  # each file its own identity
    for table in ("register_meta", "_sqlite_migrations"):  # and the time it was made
        before.pop(table), after.pop(table)
    assert sum(len(rows) for rows in after.values()) > 2_000
    assert {t for t, rows in after.items() if rows} >= {
        "decisions", "versions", "options", "answers", "actions", "sign_offs", "audit_log",
        "search_index"}
    # Each file seals its rows with its own key: the same rows, each sealed.
    for rows in (before, after):
        assert all(row[-1] for row in rows["audit_log"])
        rows["audit_log"] = [row[:-2] for row in rows["audit_log"]]
    assert before == after
    for db in (old, new):
        status, out, _ = run(capsys, "--db", db, "audit", "--check")
        assert status == 0, out
        code = sqlite3.connect(db).execute(
            "SELECT verification_code FROM versions WHERE status = 'signed-off'").fetchone()[0]
        status, out, _ = run(capsys, "--db", db, "verify", code)
        assert status == 0, out


@pytest.mark.parametrize("count", [0, 1, 2, 63, 64, 65, 130])
def test_rows_go_in_in_order_with_their_rowids(count):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a TEXT, b INTEGER)")
    rows = [(f"row {i} \U0001f600", i * 10**12) for i in range(count)]
    insert_rows(conn, "INSERT INTO t (a, b) VALUES (?, ?)", rows)
    assert conn.execute("SELECT rowid, a, b FROM t ORDER BY rowid").fetchall() == [
        (i + 1, *row) for i, row in enumerate(rows)]


def test_a_failing_row_fails_as_under_executemany():
    def attempt(many: bool) -> tuple[str, list]:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)")
        rows = [(i, "x" if i != 100 else None) for i in range(1, 200)]
        with pytest.raises(sqlite3.IntegrityError) as exc:
            if many:
                conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", rows)
            else:
                insert_rows(conn, "INSERT INTO t (a, b) VALUES (?, ?)", rows)
        return str(exc.value), conn.execute("SELECT a FROM t").fetchall()

    message, kept = attempt(many=True)
    assert attempt(many=False)[0] == message
    assert kept  # executemany keeps the rows before the failing one; so may a batch

