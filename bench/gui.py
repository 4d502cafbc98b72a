"""The window on the big register, in-process, with the real widgets (offscreen).

Each figure runs from the user's action (a key press, a click on a column header, Enter on a
row) until the affected view has been painted again: the event loop is spun until a Paint
event has reached that view, then once more so the paint pass completes.

Search: the figure runs from the key press until the results are painted, including the
search-as-you-type timer (SEARCH_DELAY_MS, reported beside it).
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
        self.installed: set = set()
        self.targets: set = set()
        self.painted = False

    def watch(self, *widgets) -> None:
        """Watch these widgets from now on (each filter is installed once: few Qt calls)."""
        for w in widgets:
            if w not in self.installed:
                w.installEventFilter(self.filter)
                self.installed.add(w)
        self.targets = set(widgets)
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


PARTS = {"search": ("search",), "sort": ("sort",), "open": ("open_editor",)}


class _Window:
    """The real main window on a private copy of the big register, shown offscreen."""

    def __init__(self, ctx: Context) -> None:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QSettings
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from bench.storage import _open_service
        from desktop.ui.dialogs import Dialogs
        from desktop.ui.main_window import MainWindow

        self.app = QApplication.instance() or QApplication(["bench"])
        self.service = _open_service(ctx.register_copy("gui"))
        settings = QSettings(str(ctx.work_dir / f"settings-{os.getpid()}.ini"),
                             QSettings.Format.IniFormat)
        self.window = MainWindow(self.service, settings, Dialogs())
        self.window.resize(1280, 800)
        self.window.show()
        QTest.qWaitForWindowExposed(self.window)
        _settle()
        self.window.editor  # noqa: B018 - built after the first paint in the app, as here
        _settle()
        self.register = self.window.register
        self.table = self.register.table
        self.viewport = self.table.viewport()
        self.watch = _PaintWatch()

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        _settle()
        self.service.db.close()


def search_figure(ctx: Context) -> Figure:
    from PySide6.QtTest import QTest

    from desktop.ui.register.view import SEARCH_DELAY_MS

    w = _Window(ctx)
    register, watch = w.register, w.watch
    samples: list[float] = []
    for rep in range(ctx.reps + ctx.warmup):
        for word in SEARCHES:
            register.search.setText(word[:-1])
            register.apply_filters()
            _settle()
            register.search.setFocus()
            register.search.end(False)
            watch.watch(w.viewport, register.count_label)
            t0 = time.perf_counter()
            QTest.keyClick(register.search, word[-1])
            watch.until_painted()
            if rep >= ctx.warmup:
                samples.append((time.perf_counter() - t0) * 1000)
    w.close()
    return Figure("search", f"{ctx.size:,} decisions: search keystroke → results painted", "ms",
                  30.0, samples, note=f"includes the {SEARCH_DELAY_MS} ms search timer",
                  extra={"words": list(SEARCHES), "typing_pause_ms": SEARCH_DELAY_MS})


def sort_figure(ctx: Context) -> Figure:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from desktop.ui.register.model import COLUMNS, UNSORTED

    w = _Window(ctx)
    header = w.table.horizontalHeader()
    per_column: dict[str, list[float]] = {}
    for rep in range(ctx.reps + ctx.warmup):
        for i, (key, _label) in enumerate(COLUMNS):
            if w.table.isColumnHidden(i) or key in UNSORTED:  # "Matched in", only while
                continue  # searching; the timeline, worked out per row, is not sorted
            for _direction in range(2):  # one click sorts one way, the next the other
                x = header.sectionViewportPosition(i) + header.sectionSize(i) // 2
                w.watch.watch(w.viewport)
                t0 = time.perf_counter()
                QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier, QPoint(x, header.height() // 2))
                w.watch.until_painted()
                if rep >= ctx.warmup:
                    per_column.setdefault(key, []).append((time.perf_counter() - t0) * 1000)
    w.close()
    worst = max(per_column, key=lambda k: statistics.median(per_column[k]))
    return Figure("sort", f"{ctx.size:,} decisions: sort by any column (slowest: {worst})", "ms",
                  50.0, per_column[worst],
                  extra={k: statistics.median(v) for k, v in per_column.items()})


def open_figure(ctx: Context) -> Figure:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = _Window(ctx)
    window, table = w.window, w.table
    samples: list[float] = []
    for rep in range(ctx.reps + ctx.warmup):
        window.show_register()
        _settle()
        table.setFocus()
        table.setCurrentIndex(w.register.model.index(rep % w.register.model.rowCount(), 0))
        _settle()
        w.watch.watch(window.editor, window.editor.task_list.viewport())
        t0 = time.perf_counter()
        QTest.keyClick(table, Qt.Key.Key_Return)
        w.watch.until_painted()
        if rep >= ctx.warmup:
            samples.append((time.perf_counter() - t0) * 1000)
        assert window.showing_editor(), "Enter did not open the decision"
    w.close()
    return Figure("open_editor", f"{ctx.size:,} decisions: open a decision in the editor", "ms",
                  50.0, samples)


def figures(ctx: Context, part: str = "") -> list[Figure]:
    makers = {"search": search_figure, "sort": sort_figure, "open": open_figure}
    return [makers[p](ctx) for p in (PARTS if not part else (part,))]
