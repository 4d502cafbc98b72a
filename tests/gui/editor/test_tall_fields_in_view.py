"""Issue 13, items 6/7: a tall text box that takes the focus is shown whole, clear of the
Back/Continue bar under the page (not only its caret line), and stays whole as it grows with
what is typed; in a window the size of a 1024×768 screen at 150% (683×512 points)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.helpers.gui import USERS_PAGE, complete_decision

SMALL = (683, 490)  # 1024×768 at 150%, less the title bar


def _small(window, qtbot):
    window.showNormal()
    window.resize(*SMALL)
    qtbot.waitUntil(lambda: window.width() == SMALL[0])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _whole_in_view(widget, area) -> bool:
    viewport = area.viewport()
    box = widget.rect().translated(widget.mapTo(viewport, QPoint(0, 0)))
    return viewport.rect().contains(box)


def _caret_in_view(editor, area) -> bool:
    caret = editor.cursorRect().translated(editor.viewport().mapTo(area.viewport(), QPoint()))
    return area.viewport().rect().contains(caret)


def test_tab_into_a_tall_box_shows_all_of_it(window, qtbot, keyboard):
    _small(window, qtbot)
    window.open_example()
    details = window.editor.details
    area = window.editor.scrolls[0]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    details.inputs["reference"].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is details.inputs["reference"])
    for name in ("proposal", "reasons"):
        keyboard.press(Qt.Key.Key_Tab)
        box = QApplication.focusWidget()
        assert box is details.inputs[name]
        assert box.height() + 48 <= area.viewport().height()  # it can be shown whole
        qtbot.waitUntil(lambda box=box: _whole_in_view(box, area), timeout=1000)


def test_a_box_growing_as_one_types_stays_whole_in_view(window, qtbot, keyboard, service):
    _small(window, qtbot)
    window.open_decision(complete_decision(service).id, USERS_PAGE)
    page = window.editor.principles[USERS_PAGE - 1]
    area = window.editor.scrolls[USERS_PAGE]
    action = page.actions.cell(0, "action")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    action.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is action)
    action.moveCursor(action.textCursor().MoveOperation.End)
    for n in range(6):
        keyboard.type(f" and then step {n} of the work, which takes a few words to say")
        qtbot.wait(10)
        assert _caret_in_view(action, area), n
        if action.height() + 48 <= area.viewport().height():
            qtbot.waitUntil(lambda: _whole_in_view(action, area), timeout=1000)


def test_the_focused_box_stays_in_view_when_the_page_shrinks(qtbot):
    """A notice appearing above the page (or a smaller window) shrinks it: the focused box is
    scrolled back into view, not left under the bar below."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from desktop.ui.widgets import PlainText, scroll_page

    window = QWidget()
    qtbot.addWidget(window)
    outer = QVBoxLayout(window)
    notice = QLabel("A notice\nof four\nlines\nabove the page")
    notice.hide()
    outer.addWidget(notice)
    content = QWidget()
    column = QVBoxLayout(content)
    column.addSpacing(900)
    box = PlainText(4)
    column.addWidget(box)
    area = scroll_page(content)
    outer.addWidget(area)
    window.resize(600, 500)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.setFocus()
    qtbot.waitUntil(lambda: _whole_in_view(box, area), timeout=1000)
    notice.show()
    qtbot.waitUntil(lambda: area.viewport().height() < 420)
    qtbot.waitUntil(lambda: _whole_in_view(box, area), timeout=1000)
