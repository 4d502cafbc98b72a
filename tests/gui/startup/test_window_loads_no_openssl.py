"""Starting the window loads no OpenSSL: hashlib (~3.6 MiB resident) waits for the first paint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.application.bootstrap import open_service

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import sys
sys.argv = ["main.py", "--db", sys.argv[1]]
from desktop.ui.startup import first_paint
report = first_paint.report_and_quit

def probe(app):
    loaded = sorted(m for m in ("hashlib", "_hashlib", "hmac", "secrets") if m in sys.modules)
    print("openssl-loaded", loaded, file=sys.stderr, flush=True)
    report(app)

first_paint.report_and_quit = probe
from desktop.app import main
raise SystemExit(main())
"""


def test_the_window_paints_its_register_without_openssl(tmp_path):
    db = tmp_path / "register.db"
    service = open_service(db, user="tester")
    service.create("A decision")
    service.db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "DECISION_CHECKLIST_EXIT_AFTER_PAINT": "1"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    run = subprocess.run([sys.executable, "-c", PROBE, str(db)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "openssl-loaded []" in run.stderr, run.stderr
