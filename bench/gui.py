"""The window on the big register, in-process, with the real widgets (offscreen).

Each figure runs from the user's action (a key press, a click on a column header, Enter on a
row) until the affected view has been painted again: the event loop is spun until a Paint
event has reached that view, then once more so the paint pass completes.

Search: search-as-you-type waits SEARCH_DELAY_MS after the last key before it queries. That
pause is deliberate and the same for every register size, so it is left out: the figure is
the keystroke itself plus the query and repaint that the pause's timeout starts (we fire the
timeout at once instead of waiting). The pause is reported beside it.
"""

from __future__ import annotations

import statistics
import time

from bench.context import Context
from bench.harness import Figure

SEARCHES = ("council", "budget", "waste", "charity", "resilience", "zzzz")


class _PaintWatch:
    """Notes when a watched widget receives a Paint event."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject

        watch = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint and obj in watch.targets:
                    watch.painted = True
                return False

        self.filter = Filter()
        self.targets: set = set()
        self.painted = False

    def watch(self, *widgets) -> None:
        self.targets = set(widgets)
        for w in widgets:
            w.removeEventFilter(self.filter)
            w.installEventFilter(self.filter)
        self.painted = False

    def until_painted(self, timeout_s: float = 5.0) -> None:
        from PySide6.QtWidgets import QApplication

        deadline = time.perf_counter() + timeout_s
        while not self.painted:
            QApplication.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("the view was not repainted")
        QApplication.processEvents()


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def figures(ctx: Context) -> list[Figure]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bench.storage import _open_service
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.main_window import MainWindow
    from desktop.ui.register_view import SEARCH_DELAY_MS

    app = QApplication.instance() or QApplication(["bench"])
    service = _open_service(ctx.register_copy("gui"))
    settings = QSettings(str(ctx.work_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(service, settings, Dialogs())
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    _settle()
    register = window.register
    table = register.table
    viewport = table.viewport()
    watch = _PaintWatch()
    reps = ctx.reps

    # ---- search keystroke -> results painted ------------------------------------------------
    search_samples: list[float] = []
    for _ in range(reps):
        for word in SEARCHES:
            register.search.setText(word[:-1])
            register.apply_filters()
            _settle()
            register.search.setFocus()
            register.search.end(False)
            watch.watch(viewport, register.count_label)
            t0 = time.perf_counter()
            QTest.keyClick(register.search, word[-1])
            register._search_timer.timeout.emit()  # the typing pause, skipped (see above)
            watch.until_painted()
            search_samples.append((time.perf_counter() - t0) * 1000)
    register.clear()
    _settle()

    # ---- sort by each column ------------------------------------------------------------------
    header = table.horizontalHeader()
    per_column: dict[str, list[float]] = {}
    from desktop.ui.register_model import COLUMNS

    for _ in range(reps):
        for i, (key, _label) in enumerate(COLUMNS):
            for _direction in range(2):  # first click sorts one way, the second the other
                x = header.sectionViewportPosition(i) + header.sectionSize(i) // 2
                watch.watch(viewport)
                t0 = time.perf_counter()
                QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier, QPoint(x, header.height() // 2))
                watch.until_painted()
                per_column.setdefault(key, []).append((time.perf_counter() - t0) * 1000)
    worst_key = max(per_column, key=lambda k: statistics.median(per_column[k]))

    # ---- open a decision in the editor ----------------------------------------------------------
    open_samples: list[float] = []
    for rep in range(reps + ctx.warmup):
        window.show_register()
        _settle()
        table.setFocus()
        table.setCurrentIndex(register.model.index(rep % register.model.rowCount(), 0))
        _settle()
        watch.watch(window.editor, *window.editor.findChildren(type(viewport)))
        t0 = time.perf_counter()
        QTest.keyClick(table, Qt.Key.Key_Return)
        watch.until_painted()
        if rep >= ctx.warmup:
            open_samples.append((time.perf_counter() - t0) * 1000)
        assert window.showing_editor(), "Enter did not open the decision"
    window.show_register()
    _settle()
    window.close()
    window.deleteLater()
    _settle()
    service.db.close()

    n = f"{ctx.size:,}"
    return [
        Figure("search", f"{n} decisions: search keystroke → results painted", "ms", 30.0,
               search_samples, note=f"excludes the {SEARCH_DELAY_MS} ms typing pause",
               extra={"words": list(SEARCHES), "typing_pause_ms": SEARCH_DELAY_MS}),
        Figure("sort", f"{n} decisions: sort by any column (slowest: {worst_key})", "ms", 50.0,
               per_column[worst_key],
               extra={k: statistics.median(v) for k, v in per_column.items()}),
        Figure("open_editor", f"{n} decisions: open a decision in the editor", "ms", 50.0,
               open_samples),
    ]
