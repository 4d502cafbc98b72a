"""QApplication start-up: open the database, wire the window, run the event loop."""

from __future__ import annotations

import sys


def run_gui(db_path: str | None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from desktop.bootstrap import open_service
    from desktop.domain.errors import KnownError

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Decision Checklist")
    try:
        service = open_service(db_path)
    except KnownError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    window = QMainWindow()
    window.setWindowTitle("Decision Checklist")
    count = service.register_count(__import__("desktop.storage.repository", fromlist=["x"]).RegisterQuery())
    window.setCentralWidget(QLabel(f"{count} decisions"))
    window.resize(1280, 800)
    window.show()
    return app.exec()
