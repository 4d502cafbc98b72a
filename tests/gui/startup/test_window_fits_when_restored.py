"""Issue 13: a window un-maximised on a small screen (1024 px, 150%) is refitted to the
screen's available area, rather than coming back taller than the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt


def fits(window) -> bool:
    room = window.screen().availableGeometry()
    return room.contains(window.frameGeometry())


def test_a_window_too_big_for_the_screen_fits_once_un_maximised(qtbot, window):
    room = window.screen().availableGeometry()
    window.showNormal()
    window.setMinimumSize(0, 0)
    window.resize(room.width() + 300, room.height() + 200)  # as saved on a larger screen
    window.move(room.topLeft())
    window.showMaximized()
    qtbot.waitUntil(lambda: bool(window.windowState() & Qt.WindowState.WindowMaximized))
    window.showNormal()
    qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowMaximized)
    qtbot.waitUntil(lambda: fits(window), timeout=2000)
    assert window.width() <= room.width() and window.height() <= room.height()


def test_a_window_off_the_edge_is_moved_back_on_screen(qtbot, window):
    room = window.screen().availableGeometry()
    window.showNormal()
    window.setMinimumSize(0, 0)
    window.resize(room.width() // 2, room.height() // 2)
    window.move(room.right() - 40, room.bottom() - 40)  # mostly off the screen
    qtbot.waitUntil(lambda: window.frameGeometry().x() == room.right() - 40)
    window.fit_within_screen()
    assert fits(window)
    assert window.size().width() == room.width() // 2  # moved, not shrunk
