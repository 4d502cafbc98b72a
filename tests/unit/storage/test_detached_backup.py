"""The command line's daily backup, made by a detached child (storage/detached_backup.py):
the command waits only for the child's snapshot, and the backup still holds the register as
it was before the day's first write, even when that write lands while the copy runs; a
killed child leaves nothing under a backup's name and the next command makes the day's
backup; two first commands at once make one backup."""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.storage import backup, detached_backup
from tests.helpers.cli import HAND_WRITTEN, ROOT

HAND_ID = HAND_WRITTEN["decisions"][0]["id"]

# The child, with its copy slowed (or stopped) by a hook: the real entry point otherwise.
_HOOKED_CHILD = """
import sys, time
from desktop.storage import backup
real = backup.copy_database
def slow(source, dest):
    if {hang}:
        from pathlib import Path
        import os
        Path(dest).with_name(f".{{Path(dest).name}}.partial-{{os.getpid()}}").write_bytes(b"half")
        time.sleep(600)
    time.sleep({delay})
    return real(source, dest)
backup.copy_database = slow
from desktop.app import main
sys.exit(main(sys.argv[1:]))
"""


def _hooked(db: Path, *, delay: float = 0.0, hang: bool = False) -> tuple[list[str], Path]:
    code = _HOOKED_CHILD.format(delay=delay, hang=hang)
    return ([sys.executable, "-c", code, detached_backup.CHILD_OPTION, str(db.resolve())], ROOT)


def _ids(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return {r[0] for r in conn.execute("SELECT id FROM decisions")}
    finally:
        conn.close()


def _second_bundle() -> str:
    other = copy.deepcopy(HAND_WRITTEN)
    other["decisions"][0]["id"] = "0b5e7f44-3c1d-4a8e-9f2b-6d4c3a2b1e02"
    other["decisions"][0]["title"] = "A second decision"
    return json.dumps(other)


@pytest.fixture
def register(tmp_path, example_bundle_text):
    db = tmp_path / "decisions.db"
    s = open_service(db, daily_backup=False)
    s.import_bundle(example_bundle_text)
    s.db.close()
    return db


@pytest.fixture
def folder(tmp_path, monkeypatch):
    out = tmp_path / "backups"
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(out))
    return out


def _names(folder: Path) -> list[str]:
    """Files under a backup's name (hidden partial copies and the lock file are not)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_the_snapshot_is_taken_before_ready_so_a_write_after_it_is_not_in_the_backup(
        register, folder):
    before = _ids(register)

    def write_now(word: str) -> None:  # the command's write, landing before the copy starts
        assert word == detached_backup.READY
        s = open_service(register, daily_backup=False)
        s.import_bundle(json.dumps(HAND_WRITTEN))
        s.db.close()

    made = detached_backup.back_up_from_snapshot(register, folder, write_now)
    assert made is not None and made.name in _names(folder)
    assert _ids(made) == before
    assert HAND_ID in _ids(register) and _ids(register) > before
    assert detached_backup.back_up_from_snapshot(register, folder, lambda word: None) is None


def test_a_write_landing_while_the_child_copies_is_not_in_the_backup(register, folder):
    before = _ids(register)
    s = open_service(register, daily_backup=False)
    try:
        began = time.perf_counter()
        said = detached_backup.start(register, s.db.conn, command=_hooked(register, delay=1.5))
        assert said == detached_backup.READY
        assert time.perf_counter() - began < 1.5  # the command did not wait for the copy
        s.import_bundle(json.dumps(HAND_WRITTEN))  # lands while the child sleeps
        assert backup.list_backups(register) == []  # the copy is still being made
    finally:
        s.db.close()
    detached_backup.wait_until_done(register)
    [daily] = backup.list_backups(register)
    assert daily.reason == "daily"
    assert _ids(daily.path) == before
    assert HAND_ID in _ids(register) and _ids(register) > before


def test_a_killed_child_leaves_no_backup_and_the_next_command_makes_it(register, folder):
    before = _ids(register)
    s = open_service(register, daily_backup=False)
    try:
        said = detached_backup.start(register, s.db.conn, command=_hooked(register, hang=True))
        assert said == detached_backup.READY
        deadline = time.monotonic() + 30
        while not (partial := [p for p in folder.iterdir() if ".partial-" in p.name]):
            assert time.monotonic() < deadline, "the child never began its copy"
            time.sleep(0.02)
        pid = int(partial[0].name.rsplit("-", 1)[1])
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # the test started it; a command's child is reaped by the system
        assert _names(folder) == []  # nothing under a backup's name
        assert backup.list_backups(register) == []
        s.import_bundle(json.dumps(HAND_WRITTEN))
        assert HAND_ID in _ids(register) and _ids(register) > before  # intact, written to
        # the next command (the real child this time) makes the day's backup
        assert detached_backup.start(register, s.db.conn) == detached_backup.READY
    finally:
        s.db.close()
    detached_backup.wait_until_done(register)
    [daily] = backup.list_backups(register)
    assert HAND_ID in _ids(daily.path) and before < _ids(daily.path)
    assert not [p for p in folder.iterdir() if ".partial-" in p.name]  # the dead one's too


@pytest.mark.skipif(os.name != "posix", reason="the register in XDG_DATA_HOME")
def test_two_first_commands_at_once_make_one_backup_of_the_state_before_both(
        tmp_path, folder, example_bundle_text):
    data = tmp_path / "data"
    own = data / "DecisionChecklist" / "decisions.db"  # the user's own register
    own.parent.mkdir(parents=True)
    s = open_service(own, daily_backup=False)
    s.import_bundle(example_bundle_text)
    s.db.close()
    before = _ids(own)
    bundles = [tmp_path / "a.json", tmp_path / "b.json"]
    bundles[0].write_text(json.dumps(HAND_WRITTEN), encoding="utf-8")
    bundles[1].write_text(_second_bundle(), encoding="utf-8")
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    runs = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(b)],
                             cwd="/", env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for b in bundles]
    for run in runs:
        _out, err = run.communicate(timeout=60)  # returns: the children hold no output pipe
        assert run.returncode == 0, err
    detached_backup.wait_until_done(own)
    [daily] = backup.list_backups(own)
    assert daily.reason == "daily"
    assert _ids(daily.path) == before  # taken before either command wrote
    assert {HAND_ID, "0b5e7f44-3c1d-4a8e-9f2b-6d4c3a2b1e02"} <= _ids(own)


KILLS = int(os.environ.get("DC_BACKUP_KILLS", "3"))  # `make stress`: 50


def test_a_child_killed_at_any_moment_leaves_a_whole_backup_or_none(register, folder):
    """The real child, killed at a random moment after its snapshot (often mid-copy): under a
    backup's name there is then nothing, or a whole copy of the state before the write."""
    import random

    rng = random.Random(18)
    for _ in range(KILLS):
        for p in folder.glob("*"):
            p.unlink()
        s = open_service(register, daily_backup=False)
        try:
            before = _ids(register)
            argv, cwd = detached_backup.child_command(register)
            child = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert child.stdout.readline().strip() == detached_backup.READY.encode()
            s.create(f"Written while the copy runs {_}")
            time.sleep(rng.uniform(0, 0.05))
            child.kill()
            child.wait()
            child.stdout.close()
            made = backup.list_backups(register)
            assert _names(folder) == [b.path.name for b in made]
            assert all(_ids(b.path) == before for b in made)  # whole, and from before
            assert _ids(register) > before  # intact, written to
            if not made:  # the next command makes the day's backup
                assert detached_backup.start(register, s.db.conn) == detached_backup.READY
                detached_backup.wait_until_done(register)
                assert len(backup.list_backups(register)) == 1
        finally:
            s.db.close()
