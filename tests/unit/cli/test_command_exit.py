"""A finished command leaves what it made out of shutdown's cycle collection (desktop.app),
and the rest of shutdown still runs: atexit handlers, and the output is all there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_command_ends_frozen_and_shutdown_still_runs(tmp_path):
    db = tmp_path / "register.db"
    code = (
        "import atexit, gc, sys\n"
        "from desktop.app import main\n"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        f"status = main(['--db', {str(db)!r}, 'import', {str(ROOT / 'resources' / 'example-bundle.json')!r}])\n"
        "print('frozen', gc.get_freeze_count() > 0, flush=True)\n"
        "raise SystemExit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["frozen True", "atexit ran"], done.stdout
    listed = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "list"],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 1, listed
