"""The window refuses a register whose leftover -wal is not its own: one dialog that names the
-wal, and the register, its -wal and its -shm exactly as they were."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys

from desktop.application.bootstrap import open_service
from desktop.ui.startup.application import SingleInstance, run_gui

_WRITE_THEN_KILL = """
import os, signal, sys
from desktop.application.bootstrap import open_service
svc = open_service(sys.argv[1], user="tester")
svc.db.execute("PRAGMA wal_autocheckpoint=0")
svc.create("Written before the crash", proposal="y" * 3000)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _register(path):
    path.parent.mkdir()
    svc = open_service(path, user="tester")
    for i in range(3):
        svc.create(f"{path.stem} decision {i}", proposal="x" * 2000)
    svc.db.close()
    return path


def _hashes(path):
    return {s: hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
            for s in ("", "-wal", "-shm") for p in [path.with_name(path.name + s)]}


def test_a_foreign_wal_gives_one_dialog_naming_it_and_changes_nothing(
        qtbot, tmp_path, dialogs, capsys):
    a = _register(tmp_path / "a" / "A.db")
    b = _register(tmp_path / "b" / "B.db")
    run = subprocess.run([sys.executable, "-c", _WRITE_THEN_KILL, str(b)], check=False)
    assert run.returncode == -signal.SIGKILL
    for suffix in ("-wal", "-shm"):
        shutil.copyfile(f"{b}{suffix}", f"{a}{suffix}")
    before = _hashes(a)

    assert run_gui(str(a), dialogs=dialogs) == 1

    kind, _title, text = dialogs.calls[0]
    assert kind == "error"
    assert f"its write-ahead log ({a}-wal) does not belong to it or is damaged" in text
    assert "Both have been left untouched" in text
    assert [c for c in dialogs.calls if c[0] != "error"] == []  # no offer to write anything
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "A.db-wal" in err
    assert _hashes(a) == before
    assert SingleInstance(a).acquire()  # the lock was let go
