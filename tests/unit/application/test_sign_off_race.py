"""Two clerks at once: real processes recording sign-offs at the same moment.

`make test` races each case DC_RACE_RUNS times (default 5); `make stress` 20 times.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.domain.decision import Status
from tests.helpers.lifecycle import ROLES, complete_decision, sign

ROOT = Path(__file__).resolve().parents[3]
RUNS = int(os.environ.get("DC_RACE_RUNS", "5"))


def _sign_off(db_path, decision_id, role, name):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "sign-off", decision_id,
         "--role", role, "--name", name, "--date", "2026-11-20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _both(procs):
    return [(p.wait(timeout=60), *p.communicate()) for p in procs]


def test_the_last_two_sign_offs_at_once_always_lock(service, db_path):
    for _ in range(RUNS):
        d = complete_decision(service)
        for role in ROLES[:2]:
            sign(service, d.id, role)
        results = _both([_sign_off(db_path, d.id, role, f"Clerk for {role}")
                         for role in ROLES[2:]])
        assert [r[0] for r in results] == [0, 0], results
        after = service.get(d.id)
        assert len(after.sign_offs) == 4
        assert after.status == Status.SIGNED_OFF, "all four signed, but not locked"


def test_the_same_role_twice_at_once_one_wins(service, db_path):
    for _ in range(RUNS):
        d = complete_decision(service)
        results = _both([_sign_off(db_path, d.id, ROLES[1], name) for name in ("A. One",
                                                                               "B. Two")])
        codes = sorted(r[0] for r in results)
        assert codes == [0, 1], results
        loser = next(r for r in results if r[0] == 1)
        assert "Traceback" not in loser[2]
        assert "has already signed" in loser[2], loser[2]
        assert len(loser[2].strip().splitlines()) == 1
        (only,) = service.get(d.id).sign_offs
        assert only.name in loser[2]  # "already signed (A. One, ...)"


def test_a_restore_racing_a_sign_off_leaves_no_false_alarm(service, db_path, tmp_path):
    """The restore's own audit row is in the file the moment it is in place, so a writer that
    comes in straight after the restore finds a chain that accounts for its seal's head."""
    from desktop.application.integrity import check_integrity

    for i in range(RUNS):
        d = complete_decision(service, f"Race {i}")
        for role in ROLES[:3]:
            sign(service, d.id, role)
        older = tmp_path / f"older-{i}.db"
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "backup",
                        "--out", str(older)], check=True, capture_output=True)
        service.create(f"After the backup {i}")
        restore = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "restore",
             str(older)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        signing = _sign_off(db_path, d.id, ROLES[3], "Last signer")
        results = _both([restore, signing])
        assert results[0][0] == 0, results
        report = check_integrity(service)
        assert report.ok, (results, report.lines())
