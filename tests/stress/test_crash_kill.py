"""Kill the real program with SIGKILL at random moments; nothing acknowledged may be lost.

`make test` runs the reduced form (20 autosave kills, 4 start-up kills, 6 import kills);
`make stress` sets DC_STRESS_KILLS=200 (and scales the others) for the long attack.
Each kill is followed by PRAGMA integrity_check and a check that every edit the process had
acknowledged ("ACK n" printed after the service call returned) is in the audit log and that
the record holds that edit or a later one.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import autosave_driver as driver  # tests/stress/, beside this file
import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("DC_STRESS_KILLS", "20"))
STARTUP_KILLS = max(8, KILLS // 5)
IMPORT_KILLS = max(6, KILLS // 7)
IMPORT_SIZE = int(os.environ.get("DC_STRESS_IMPORT_SIZE", "1000"))
SEED = int(os.environ.get("DC_STRESS_SEED", "20261125"))

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
              pytest.mark.timeout(max(120, KILLS * 6))]


def _kill_after(cmd: list[str], delay: float, *, on_kill=None,
                after: tuple[str, ...] = ()) -> tuple[str, str, bool]:
    """Start cmd, SIGKILL it `delay` seconds later (counted from the lines starting with each
    of `after`, in turn, if given); return (stdout, stderr, killed?)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    first = ""
    for start in after:
        line = proc.stdout.readline()
        first += line
        assert line.startswith(start), proc.communicate()[1][-2000:]
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        if on_kill:
            on_kill()
        proc.send_signal(signal.SIGKILL)
        killed = True
    out, err = proc.communicate(timeout=30)
    return first + out, err, killed


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _audited_edits(path: Path) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """(field, new value) of every audited edit, and the record's current values."""
    conn = sqlite3.connect(path)
    try:
        audited = set(conn.execute(
            "SELECT field, new_value FROM audit_log WHERE new_value LIKE 'edit %'"
        ).fetchall())
        current = {}
        row = conn.execute("SELECT id, title, proposal FROM versions WHERE is_current = 1").fetchone()
        if row:
            current = {"title": row[1], "proposal": row[2]}
            for slug, response in conn.execute(
                "SELECT slug, response FROM answers WHERE version_id = ?", [row[0]]
            ):
                current[f"answers.{slug}.response"] = response
        return audited, current
    finally:
        conn.close()


def _edit_number(value: str | None) -> int:
    return int(value.split()[1]) if value and value.startswith("edit ") else -1


def _chain_ok(path: Path) -> bool:
    from desktop.storage.repository import Repository

    conn = sqlite3.connect(path)
    try:
        from sqlite_utils import Database

        return Repository(Database(conn), "check").verify_audit_chain() == []
    finally:
        conn.close()


def test_autosave_survives_sigkill(tmp_path, note):
    """The autosave loop is killed KILLS times; every acknowledged edit survives each time."""
    rng = random.Random(SEED)
    db = tmp_path / "crash.db"
    acked: list[int] = []
    start, lost, mid_run = 0, [], 0
    for round_no in range(KILLS):
        cmd = [sys.executable, str(Path(driver.__file__)), str(db), str(start)]
        # one kill in four anywhere from start-up on, the rest while edits are being written:
        # counted from the first acknowledged edit, so a slow, busy machine still lands them
        if round_no % 4 == 0:
            out, err, killed = _kill_after(cmd, rng.uniform(0.0, 0.7))
        else:
            out, err, killed = _kill_after(cmd, rng.uniform(0.0, 0.4), after=("READY", "ACK "))
        assert killed, f"round {round_no}: the driver stopped by itself: {err[-2000:]}"
        acks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ACK ")]
        mid_run += bool(acks)
        acked.extend(acks)
        start += 100_000
        if not db.exists():
            continue  # killed before SQLite created the file
        assert integrity(db) == "ok", f"round {round_no}"
        audited, current = _audited_edits(db)
        for n in acks:
            if (driver.kind(n), driver.value(n)) not in audited:
                lost.append(n)
        # the record holds, for each field, the last acknowledged edit or a later one
        for field in {driver.kind(n) for n in acks}:
            last = max(n for n in acks if driver.kind(n) == field)
            assert _edit_number(current.get(field)) >= last, (round_no, field, last)
    assert lost == [], f"acknowledged edits lost: {lost[:20]}"
    assert _chain_ok(db)
    assert mid_run >= KILLS // 2, "too few kills landed while edits were being written"
    note("autosave", f"{KILLS} kills, {len(acked)} acknowledged edits, 0 lost, "
                     f"{mid_run} kills mid-run")


def test_kill_during_first_start_leaves_a_usable_database(tmp_path):
    """Kills while the database is being created and migrated: it opens afterwards."""
    from desktop.application.bootstrap import open_service

    rng = random.Random(SEED + 1)
    for i in range(STARTUP_KILLS):
        db = tmp_path / f"fresh-{i}.db"
        cmd = [sys.executable, str(Path(driver.__file__)), str(db), "0"]
        _kill_after(cmd, rng.uniform(0.05, 0.4))
        if db.exists():
            assert db.stat().st_size > 0, "a kill during creation left a 0-byte database"
            assert integrity(db) == "ok"
        service = open_service(db)  # the next start must work, whatever state it was left in
        try:
            assert service.db.execute("PRAGMA user_version").fetchone()[0] >= 1
            assert service.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            service.db.close()


def _big_bundle(path: Path, size: int) -> set[str]:
    example = json.loads((ROOT / "resources" / "example-bundle.json").read_text("utf-8"))
    source = example["decisions"][0]
    decisions = []
    for i in range(size):
        d = dict(source, id=str(uuid.uuid4()), reference=f"BULK/{i}")
        d["title"] = f"Bulk {i}: {source['title']}"[:200]
        decisions.append(d)
    path.write_text(json.dumps({"format": "decision-checklist/1", "decisions": decisions}),
                    encoding="utf-8")
    return {d["id"] for d in decisions}


def _ids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM decisions")}
    finally:
        conn.close()


def test_import_killed_half_way_is_all_or_nothing(tmp_path, note):
    """`main.py import` of a big bundle killed at random moments: all of it or none."""
    rng = random.Random(SEED + 2)
    bundle = tmp_path / "big.json"
    bundle_ids = _big_bundle(bundle, IMPORT_SIZE)
    base = tmp_path / "base.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema-v1.db", base)
    from desktop.application.bootstrap import open_service

    open_service(base).db.close()  # upgrade once, so every round starts from the same file
    before = _ids(base)

    def run(db: Path, delay: float | None):
        cmd = [sys.executable, "main.py", "--db", str(db), "import", str(bundle)]
        wal = Path(f"{db}-wal")
        if delay is None:  # a full run, timing when the write phase begins (the WAL grows)
            import select

            began, writing, committed = time.monotonic(), None, None
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            while committed is None and proc.poll() is None:
                if writing is None and wal.exists() and wal.stat().st_size > 1_000_000:
                    writing = time.monotonic() - began
                # the ids are printed once the transaction has committed
                if committed is None and select.select([proc.stdout], [], [], 0.01)[0]:
                    committed = time.monotonic() - began
            proc.communicate()
            assert proc.returncode == 0
            took = time.monotonic() - began
            return (writing if writing is not None else 0.3 * took), (committed or took)
        state = {}

        def note():
            state["wal"] = wal.stat().st_size if wal.exists() else 0

        _, err, killed = _kill_after(cmd, delay, on_kill=note)
        assert "Traceback" not in err
        return killed, state.get("wal", 0)

    full = tmp_path / "full.db"
    shutil.copy(base, full)
    writing, committed = run(full, None)
    assert _ids(full) == before | bundle_ids
    outcomes = {"all": 0, "none": 0}
    mid_write = rounds = 0
    # a busy machine shifts the timing: keep going (up to 3x) until a kill lands mid-write
    while rounds < IMPORT_KILLS or (mid_write == 0 and rounds < 3 * IMPORT_KILLS):
        db = tmp_path / f"import-{rounds}.db"
        rounds += 1
        shutil.copy(base, db)
        killed, wal_size = run(db, rng.uniform(0.8 * writing, 1.1 * committed))
        assert integrity(db) == "ok"
        ids = _ids(db)
        assert before <= ids, "records that were there before the import were lost"
        added = ids - before
        assert added in (set(), bundle_ids), f"partial import: {len(added)} of {IMPORT_SIZE}"
        outcomes["all" if added else "none"] += 1
        mid_write += killed and wal_size > 0 and not added
    assert mid_write >= 1, "no kill landed while the import was writing; make the bundle bigger"
    note("import", f"{rounds} kills of a {IMPORT_SIZE}-decision import (writes from "
                   f"{writing:.1f} s, commits at {committed:.1f} s), "
                   f"{mid_write} while writing, before the commit; outcomes {outcomes}")
    _restore_killed_half_way(tmp_path, rng, big_backup=full, small=base, note=note)


def _restore_killed_half_way(tmp_path: Path, rng: random.Random, *, big_backup: Path,
                             small: Path, note) -> None:
    """`main.py restore` of a big backup over a small database, killed: old content or new."""
    old_ids, new_ids = _ids(small), _ids(big_backup)
    cmd = [sys.executable, "main.py", "--db", str(tmp_path / "timing.db"), "restore",
           str(big_backup)]
    shutil.copy(small, tmp_path / "timing.db")
    began = time.monotonic()
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=120).returncode == 0
    took = time.monotonic() - began
    outcomes = {"old": 0, "new": 0}
    for i in range(IMPORT_KILLS):
        db = tmp_path / f"restore-{i}.db"
        shutil.copy(small, db)
        cmd[3] = str(db)
        _, err, _ = _kill_after(cmd, rng.uniform(0.3 * took, took))
        assert "Traceback" not in err
        assert integrity(db) == "ok"
        ids = _ids(db)
        assert ids in (old_ids, new_ids), "a restore killed half-way left a mixture"
        outcomes["new" if ids == new_ids else "old"] += 1
    note("restore", f"{IMPORT_KILLS} kills of a restore ({took:.1f} s); outcomes {outcomes}")
