"""Kill the real window (offscreen) while someone types without pausing: at most the last
second of typing may be lost, and what was saved is exactly what was typed, up to a point."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import gui_typing_driver as driver  # tests/stress/, beside this file
import pytest

KILLS = max(3, int(os.environ.get("DC_STRESS_KILLS", "20")) // 10)
SEED = int(os.environ.get("DC_STRESS_SEED", "20261125"))

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
              pytest.mark.timeout(60 + KILLS * 15)]


def saved_response(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = conn.execute("SELECT response FROM answers WHERE slug = 'values'").fetchone()
        return row[0] if row else ""
    finally:
        conn.close()


def test_typing_survives_a_killed_window(tmp_path, note):
    from desktop.application.bootstrap import open_service

    rng = random.Random(SEED)
    worst = 0.0
    for round_no in range(KILLS):
        db = tmp_path / f"typing-{round_no}.db"
        s = open_service(db)
        s.create("Typing test")
        s.db.close()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        proc = subprocess.Popen([sys.executable, str(Path(driver.__file__)), str(db), "70"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        try:
            assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
            time.sleep(rng.uniform(1.5, 3.0))
            killed_at = time.monotonic()
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        typed = {int(n): float(t) for n, t in
                 (line.split()[1:] for line in out.splitlines() if line.startswith("TYPED"))}
        assert len(typed) > 15, f"round {round_no}: the window hardly typed anything: {err}"
        text = saved_response(db)
        assert text == driver.typed_text(len(text)), "what was saved is not what was typed"
        first_unsaved = len(text) + 1
        lost = killed_at - typed[first_unsaved] if first_unsaved in typed else 0.0
        worst = max(worst, lost)
        assert lost <= 1.0, (f"round {round_no}: {max(typed) - len(text)} characters typed over "
                             f"{lost:.2f} s were lost")
    note("window", f"{KILLS} kills while typing, the most typing lost was {worst:.2f} s")
