"""Start-up floors: a bare PySide6 QMainWindow that quits after its first paint (the floor), or
with --table, the same window with a table and a text box in it (the floor before issue 18,
still reported beside it).

Run as a script (`python bench/floor_startup.py [--table]`); the harness times the process
from spawn to the first paint it reports. QTimer.singleShot(0, quit) at start would quit
before anything is painted, so an event filter waits for the window's (or the table's
viewport's) first Paint event, then quits once that paint pass has finished.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)


class QuitAfterPaint(QObject):
    """Quits the application after the watched widget's first paint.

    Like the app (desktop/ui/startup/first_paint.py), it prints the wall-clock moment that paint
    finished, so both are timed from spawn to first paint, not to exit."""

    def report_and_quit(self) -> None:
        import time

        print(f"first-paint-epoch {time.time():.6f}", file=sys.stderr, flush=True)
        self.app.quit()

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.report_and_quit)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Floor")
    watched: QWidget = window
    if "--table" in sys.argv[1:]:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(QLineEdit(placeholderText="Search"))
        model = QStandardItemModel(0, 6)
        model.setHorizontalHeaderLabels(["Reference", "Title", "Status", "Version", "Complete",
                                         "Rating"])
        table = QTableView()
        table.setModel(model)
        layout.addWidget(table)
        window.setCentralWidget(central)
        watched = table.viewport()
    window.resize(1280, 800)
    watcher = QuitAfterPaint(app)
    watched.installEventFilter(watcher)
    window.show()
    status = app.exec()
    return status if watcher.seen else 3


if __name__ == "__main__":
    sys.exit(main())
