"""The CLI can tell when a window holds a database, and refuses to restore under it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop.application.instance import is_open_in_window, lock_path
from desktop.cli import main as cli


def _lock(db, pid: int) -> None:
    lock_path(db).write_text(f"{pid}\ndecision-checklist\nhost\n", encoding="utf-8")


def test_a_live_owner_holds_the_database(tmp_path):
    db = tmp_path / "d.db"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _lock(db, sleeper.pid)
        assert is_open_in_window(db)
    finally:
        sleeper.kill()
        sleeper.wait()
        assert not is_open_in_window(db)  # the owner is gone: the lock is stale
        lock_path(db).unlink()


def test_no_lock_file_means_not_open(tmp_path):
    assert not is_open_in_window(tmp_path / "nothing.db")


def test_restore_is_refused_while_a_window_has_the_file(tmp_path, capsys, example_bundle_text):
    db, bundle = tmp_path / "d.db", tmp_path / "b.json"
    bundle.write_text(example_bundle_text, encoding="utf-8")
    assert cli.run(["--db", str(db), "import", str(bundle)]) == 0
    assert cli.run(["--db", str(db), "backup", "--out", str(tmp_path / "copy.db")]) == 0
    before = db.read_bytes()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _lock(db, sleeper.pid)
        capsys.readouterr()
        status = cli.run(["--db", str(db), "restore", str(tmp_path / "copy.db")])
        err = capsys.readouterr().err
    finally:
        sleeper.kill()
        sleeper.wait()
        lock_path(db).unlink()
    assert status == 1
    assert "is open in a Decision Checklist window" in err and err.count("\n") == 1
    assert db.read_bytes() == before


def test_locks_live_in_a_private_folder_not_the_shared_temporary_one(tmp_path, monkeypatch):
    from desktop.application.instance import lock_folder

    monkeypatch.delenv("DECISION_CHECKLIST_LOCK_DIR", raising=False)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    folder = lock_folder()
    assert folder.parent == runtime and folder.stat().st_mode & 0o077 == 0
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = lock_folder()
    assert folder == tmp_path / "data" / "DecisionChecklist" / "locks"
    assert os.stat(folder).st_mode & 0o077 == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to give the lock file to another account")
def test_a_lock_planted_by_another_account_is_not_honoured(tmp_path):
    import pwd

    db = tmp_path / "d.db"
    db.write_bytes(b"")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _lock(db, sleeper.pid)
        assert is_open_in_window(db)  # our own account's lock holds
        nobody = pwd.getpwnam("nobody")
        os.chown(lock_path(db), nobody.pw_uid, nobody.pw_gid)
        assert not is_open_in_window(db)  # another account's does not
    finally:
        sleeper.kill()
        sleeper.wait()
        lock_path(db).unlink()
