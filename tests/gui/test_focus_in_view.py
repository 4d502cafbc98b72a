"""The focused field, and the caret while typing, stay in view; no invisible tab stops."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableView,
)

from desktop.ui.widgets import FollowFocus
from tests.helpers.shipped import SUMMARY_PAGE

VISIBLE_KINDS = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton, QListWidget, QTableView)


def _narrow(window, qtbot, width=1024, height=700):
    window.showNormal()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(20)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _settle(area, widget):
    """Let the page follow the focus. (Offscreen, the window can lose activation between
    events, and focusChanged then never comes: tell the follower as Qt would.)"""
    area.findChildren(FollowFocus)[0]._focus_changed(None, widget)
    for _ in range(3):
        QApplication.processEvents()


def _tab_stops(window, keyboard, start, count):
    window.editor.task_list.setFocus()
    start.setFocus(Qt.FocusReason.TabFocusReason)
    stops = []
    for _ in range(count):
        stops.append(keyboard.focused())
        keyboard.press(Qt.Key.Key_Tab)
    return stops


def _in_view(widget, area) -> bool:
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    box = widget.rect().translated(top_left)
    return viewport.rect().contains(box) or (
        box.height() > viewport.height() and box.top() <= 0 <= box.bottom())


def test_every_tab_stop_on_the_details_page_is_a_visible_control_in_view(window, keyboard,
                                                                      qtbot):
    _narrow(window, qtbot)
    window.open_example()
    window.editor.go_to(0)
    area = window.editor.scrolls[0]
    details = window.editor.details
    for w in _tab_stops(window, keyboard, details.inputs["title"], 40):
        assert isinstance(w, VISIBLE_KINDS), f"invisible tab stop: {type(w).__name__}"
        assert w.isVisible()
        if isinstance(w, QLineEdit) and details.isAncestorOf(w):  # one-line fields
            _settle(area, w)
            assert _in_view(w, area), w.accessibleName()


def test_check_your_answers_has_no_invisible_stops_and_the_primary_comes_first(window, keyboard):
    window.open_example()
    window.editor.go_to(SUMMARY_PAGE)
    summary = window.editor.summary
    first = summary.focus_chain()[0] if hasattr(summary, "focus_chain") else None
    stops = _tab_stops(window, keyboard, first or window.editor.task_list, 30)
    for w in stops:
        assert isinstance(w, VISIBLE_KINDS), f"invisible tab stop: {type(w).__name__}"


def test_the_caret_stays_in_view_while_typing_a_long_answer(window, keyboard, qtbot):
    _narrow(window, qtbot)
    window.new_decision()
    area = window.editor.scrolls[0]
    proposal = window.editor.details.inputs["proposal"]
    proposal.setFocus()
    _settle(area, proposal)
    for n in range(30):
        proposal.insertPlainText(f"Line {n} of a long proposal.\n")
        _settle(area, proposal)
        caret = proposal.cursorRect().translated(proposal.viewport().mapTo(area.viewport(),
                                                                           QPoint(0, 0)))
        assert area.viewport().rect().contains(caret), n
