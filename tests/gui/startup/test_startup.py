"""Start-up: one copy per database, storage errors at open, and the excepthook."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.ui.startup.application import SingleInstance, lock_path, make_excepthook, run_gui

ROOT = Path(__file__).resolve().parents[3]


def test_a_damaged_database_gives_a_dialog_and_one_stderr_line(tmp_path, dialogs, capsys):
    bad = tmp_path / "notes.db"
    bad.write_text("these are my meeting notes, not a database\n" * 100, encoding="utf-8")
    status = run_gui(str(bad), dialogs=dialogs)
    assert status == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and str(bad) in err
    assert dialogs.calls[0][0] == "error" and "left untouched" in dialogs.calls[0][2]
    assert bad.read_text(encoding="utf-8").startswith("these are my meeting notes")
    assert SingleInstance(bad).acquire()  # the lock was let go


def test_single_instance_lock_is_per_database(tmp_path):
    first = SingleInstance(tmp_path / "a.db")
    assert first.acquire()
    try:
        assert not SingleInstance(tmp_path / "a.db").acquire()
        other = SingleInstance(tmp_path / "b.db")
        assert other.acquire()
        other.release()
    finally:
        first.release()
    again = SingleInstance(tmp_path / "a.db")
    assert again.acquire()
    again.release()


def test_second_launch_brings_the_first_to_front_and_exits_0(tmp_path):
    db = tmp_path / "shared.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    cmd = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert first.poll() is None, first.communicate()
            if lock_path(db).exists():
                second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                        timeout=30)
                if "switched to it" in second.stderr or time.monotonic() > deadline:
                    break
            time.sleep(0.2)
        assert second.returncode == 0  # the user sees the register: no error
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert lines[0] == (f"{db} is already open in another Decision Checklist "
                            "window; switched to it.")
        assert first.poll() is None  # the first copy keeps running
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_excepthook_logs_saves_and_tells_the_user(window, service, dialogs, tmp_path):
    window.new_decision()
    window.editor.go_to(1)
    window.editor.principles[0].response.setPlainText("typed before the bug")
    hook = make_excepthook(lambda: window, dialogs, tmp_path / "logs")
    try:
        raise ZeroDivisionError("a bug")
    except ZeroDivisionError:
        hook(*sys.exc_info())
    log = (tmp_path / "logs" / "errors.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: a bug" in log and "Traceback" in log
    kind, _title, text = dialogs.calls[-1]
    assert kind == "error" and "still running" in text and "errors.log" in text
    assert service.get(window.current_decision_id()).answer("values").response == (
        "typed before the bug")
    assert window.isVisible()


@pytest.mark.parametrize("unwritable", [True])
def test_excepthook_survives_an_unwritable_log_folder(window, dialogs, tmp_path, unwritable):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    hook = make_excepthook(lambda: window, dialogs, blocker / "logs")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        hook(*sys.exc_info())
    assert "could not be logged" in dialogs.calls[-1][2]


def test_the_window_lock_is_visible_to_the_command_line(tmp_path, qapp):
    from desktop.application.instance import is_open_in_window

    db = tmp_path / "held.db"
    instance = SingleInstance(db)
    assert instance.acquire()
    try:
        assert is_open_in_window(db)
    finally:
        instance.release()
    assert not is_open_in_window(db)


def test_excepthook_says_a_known_error_as_it_is_not_as_a_crash(window, dialogs, tmp_path,
                                                               capsys):
    from desktop.domain.errors import Refused, Unreachable

    hook = make_excepthook(lambda: window, dialogs, tmp_path / "logs")
    away = Unreachable("cannot connect to the shared register at postgresql://db/x: the "
                       "server is not running")
    for error in (away, Refused("This record is signed off and locked.")):
        try:
            raise error
        except type(error):
            hook(*sys.exc_info())
    assert dialogs.calls == [
        ("error", "The shared register can't be reached", f"{away}."),
        ("error", "That could not be done", "This record is signed off and locked.")]
    assert not (tmp_path / "logs" / "errors.log").exists()
    assert capsys.readouterr().err == (f"error: {away}\n"
                                       "error: This record is signed off and locked.\n")
