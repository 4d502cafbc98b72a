"""Fixtures for the window tests: a MainWindow on a temp database with recorded dialogs."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True, scope="package")
def _collect_on_the_gui_thread_only(qapp):
    """As in the app (desktop/ui/startup/gc_collector.py): no cycle collection on worker threads,
    where freeing Qt objects left over from earlier tests crashed the PDF worker."""
    from desktop.ui.startup.gc_collector import MainThreadCollector

    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_after_each_test(_collect_on_the_gui_thread_only):
    yield
    gc.collect()


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialogs():
    from desktop.ui.dialogs import RecordingDialogs

    return RecordingDialogs()


@pytest.fixture
def make_window(qtbot, settings, dialogs):
    """Build (and afterwards close) MainWindows over a given service."""
    from desktop.ui.main_window import MainWindow

    windows = []

    def make(service, *, autosave_ms: int = 600, show: bool = True, **options):
        window = MainWindow(service, settings, dialogs, autosave_ms=autosave_ms, **options)
        qtbot.addWidget(window)
        window.restore_state()
        if show:
            window.show()
            window.activateWindow()
            qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    from shiboken6 import isValid

    for w in windows:
        if isValid(w):
            w.close()


@pytest.fixture
def window(make_window, service):
    return make_window(service)


class Keyboard:
    """Send keys to whatever has the focus, as a user would."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    @staticmethod
    def focused():
        from PySide6.QtWidgets import QApplication

        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key, modifier=None, times: int = 1) -> None:
        from PySide6.QtCore import Qt

        for _ in range(times):
            self.qtbot.keyClick(self.focused(), key, modifier or Qt.KeyboardModifier.NoModifier)

    def ctrl(self, key) -> None:
        from PySide6.QtCore import Qt

        self.press(key, Qt.KeyboardModifier.ControlModifier)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focused(), text)


@pytest.fixture
def keyboard(qtbot):
    return Keyboard(qtbot)


@pytest.fixture
def themed():
    from PySide6.QtWidgets import QApplication

    from desktop.ui import theme

    app = QApplication.instance()
    before_font, before_sheet, before_style = app.font(), app.styleSheet(), app.style().name()
    theme.apply_theme(app)
    yield theme
    app.setFont(before_font)
    app.setStyleSheet(before_sheet)
    app.setStyle(before_style)


@pytest.fixture
def focus_ring(qapp):
    """The yellow focus ring, installed as the app installs it (run_gui)."""
    from desktop.ui.widgets import FocusRing

    ring = FocusRing(qapp)
    yield ring
    qapp.focusChanged.disconnect(ring._focus_changed)
    ring.deleteLater()


def ring_shown_round(ring, widget) -> bool:
    """The ring is drawn round `widget`, with room for it: not cut off by the widget it is
    drawn in."""
    from PySide6.QtCore import QRect
    from shiboken6 import isValid

    overlay = ring._overlay
    if overlay is None or not isValid(overlay) or not overlay.isVisible():
        return False
    host = overlay.parentWidget()
    if not host.isAncestorOf(widget):
        return False
    box = QRect(widget.mapTo(host, widget.rect().topLeft()), widget.size())
    around = overlay.geometry()
    return (around.contains(box) and around != box and host.rect().contains(around))
