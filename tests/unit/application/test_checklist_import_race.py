"""Two monitoring officers importing the same checklist version at the same moment: one
wins, the other is told the version is not newer, and the register holds one definition.

`make test` races each case DC_RACE_RUNS times (default 5); `make stress` 20 times.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop.application.bootstrap import load_shipped_checklist
from desktop.application.integrity import check_integrity

ROOT = Path(__file__).resolve().parents[3]
RUNS = int(os.environ.get("DC_RACE_RUNS", "5"))


def _definition(checklist_id: str, version: int, title: str) -> str:
    data = json.loads(load_shipped_checklist().raw_json)
    data.update(id=checklist_id, version=version, title=title)
    return json.dumps(data)


def _import(db_path, path):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "checklist", "import",
         str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _race(service, db_path, tmp_path, checklist_id, version):
    files = []
    for who in ("a", "b"):
        f = tmp_path / f"{checklist_id}-{version}-{who}.json"
        f.write_text(_definition(checklist_id, version, f"{checklist_id} by {who}"))
        files.append(f)
    procs = [_import(db_path, f) for f in files]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    assert sorted(r[0] for r in results) == [0, 2], results
    loser = next(r for r in results if r[0] == 2)
    assert "Traceback" not in loser[2] and "not newer" in loser[2], loser[2]
    stored = [c for c in service.checklists.all() if c.id == checklist_id
              and c.version == version]
    assert len(stored) == 1
    rows = service.db.execute("SELECT count(*) FROM checklists WHERE checklist_id = ? AND "
                              "version = ?", [checklist_id, version]).fetchone()[0]
    assert rows == 1, results


def test_two_imports_of_a_new_id_at_once_store_one_definition(service, db_path, tmp_path):
    for i in range(RUNS):
        _race(service, db_path, tmp_path, f"race-{i}", 1)


def test_two_imports_of_a_next_version_at_once_store_one_definition(service, db_path,
                                                                      tmp_path):
    for i in range(RUNS):
        service.checklists.import_text(_definition(f"next-{i}", 1, "first"))
        _race(service, db_path, tmp_path, f"next-{i}", 2)


def test_the_register_refuses_a_second_definition_of_one_version(service):
    service.checklists.import_text(_definition("held", 1, "first"))
    data = json.loads(_definition("held", 1, "second"))
    other = service.parse_checklist(json.dumps(data))
    import pytest

    from desktop.domain.errors import Refused

    with pytest.raises(Refused, match="already holds another definition"):
        service.write(lambda: service.store_checklist(other))


def test_a_register_already_holding_two_definitions_opens_and_the_check_reports_them(
        service, db_path):
    from desktop.application.bootstrap import open_service

    service.checklists.import_text(_definition("twice", 1, "first"))
    second = _definition("twice", 1, "second")
    import hashlib
    service.db.close()
    conn = sqlite3.connect(db_path)
    # As a register from before m013 could hold them: the migration must still apply.
    conn.execute("DROP TRIGGER checklists_version_unique")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_checklist_version_unique'")
    conn.execute("PRAGMA user_version = 9")
    conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                 "VALUES (?, 'twice', 1, ?)",
                 [hashlib.sha256(second.encode()).hexdigest(), second])
    conn.commit()
    conn.close()
    reopened = open_service(db_path, user="tester")
    try:
        lines = check_integrity(reopened).lines()
        assert not any("trigger" in line for line in lines), lines
        assert any("2 different definitions of checklist 'twice' version 1" in line
                   for line in lines), lines
    finally:
        reopened.db.close()
