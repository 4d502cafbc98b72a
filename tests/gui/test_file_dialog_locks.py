"""A file dialog must never make the window lose its hold on the register.

SQLite's locks on POSIX are fcntl locks, which belong to the process: when any code in the
window's process opens and closes the register file, every lock SQLite holds on it is gone.
Qt's file dialog read each file it listed to guess its type, the register included. The next
command-line run then found the register unused, checkpointed it and deleted its -wal and
-shm under the open window: the two stopped seeing each other's writes, and the file could be
corrupted. The dialog now lists files without opening them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop.ui.dialogs import Dialogs

ROOT = Path(__file__).resolve().parents[2]


def _close_dialog_later(qtbot, seen: list) -> None:
    def close() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, close)
            return
        seen.append(dialogs[0])
        # let the dialog list the folder (its file-information thread) before cancelling
        QTimer.singleShot(1500, dialogs[0].reject)
    QTimer.singleShot(50, close)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")
def test_a_file_dialog_in_the_registers_folder_keeps_the_windows_locks(qtbot, service,
                                                                        db_path):
    service.create("Held by the window")  # the window's connection: WAL open, locks held
    wal = Path(f"{db_path}-wal")
    assert wal.exists()
    seen: list = []
    _close_dialog_later(qtbot, seen)
    chosen = Dialogs(QFileDialog.Option.DontUseNativeDialog)._file_dialog(
        None, "Import decisions", str(db_path.parent), "All files (*)", save=False)
    assert chosen == "" and seen
    # another process opens and closes the register
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "list"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert wal.exists(), "the -wal was deleted under the open window"
    # and both still see each other's writes
    service.create("Written by the window after the dialog")
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "list"],
                         capture_output=True, text=True, timeout=60)
    assert "Written by the window after the dialog" in run.stdout
