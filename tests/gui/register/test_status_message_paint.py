"""A status message is shown once, by the status line: the status bar paints none itself.

QStatusBar painted every message and menu tip as well, left of the status line, where only
its first letter showed in the bar's 16 px margin ("T This register is already open here"),
seen on a real desktop by a tester."""

from __future__ import annotations

from PySide6.QtGui import QColor


def _inked_columns(image, left: int, right: int) -> int:
    """How many pixel columns in [left, right) hold anything darker than the background."""
    background = QColor(image.pixel(0, image.height() // 2)).lightness()
    return sum(1 for x in range(left, right)
               if any(QColor(image.pixel(x, y)).lightness() < background - 60
                      for y in range(2, image.height() - 2)))


def test_a_message_is_painted_by_the_status_line_alone(make_window, service, qtbot):
    window = make_window(service)
    bar = window.statusBar()
    qtbot.waitExposed(window)
    margin = window.status_line.geometry().left()
    assert margin > 0
    assert _inked_columns(bar.grab().toImage(), 0, margin) == 0

    bar.showMessage("This register is already open here, so no second window was opened.")
    qtbot.waitUntil(lambda: window.status_line.isVisible())
    image = bar.grab().toImage()
    assert _inked_columns(image, 0, margin) == 0  # no stray first letter left of the line
    assert _inked_columns(image, margin, image.width()) > 0  # the message itself is shown
