"""The real window, offscreen, with someone typing into it without pause, for the crash test.

    QT_QPA_PLATFORM=offscreen python gui_typing_driver.py DB INTERVAL_MS

Builds the MainWindow exactly as desktop.ui.startup.application.run_gui does (same service, same
autosave interval), opens the one decision in the database at principle 1, puts the cursor
in the response box, and sends one key press every INTERVAL_MS with QTest.keyClick, as a
fast typist would, never pausing. After each key it prints "TYPED <chars> <CLOCK_MONOTONIC>",
so the test knows when each character was typed and can measure what a SIGKILL lost.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TEXT = "the quick brown fox jumps over the lazy dog 0123456789 "


def typed_text(n: int) -> str:
    return (TEXT * (n // len(TEXT) + 1))[:n]


def main() -> int:
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.application.bootstrap import open_service
    from desktop.ui.dialogs import RecordingDialogs
    from desktop.ui.main_window import MainWindow

    db, interval = sys.argv[1], int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    service = open_service(db)
    settings = QSettings(str(Path(db).with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(service, settings, RecordingDialogs())
    window.show()
    decision_id = service.repo.all_ids()[0]
    window.open_decision(decision_id, 1)
    box = window.editor.principles[0].response
    box.setFocus()
    count = [len(box.toPlainText())]
    assert count[0] == 0, "start from an empty response"

    def key() -> None:
        ch = TEXT[count[0] % len(TEXT)]
        QTest.keyClick(box, Qt.Key.Key_Space if ch == " " else ch)
        count[0] += 1
        print(f"TYPED {count[0]} {time.monotonic():.4f}", flush=True)

    timer = QTimer()
    timer.timeout.connect(key)
    timer.start(interval)
    print("READY", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
