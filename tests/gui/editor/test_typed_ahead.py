"""Ctrl+N, Return and a title typed back to back, before the "New decision" chooser has the
focus: the Return answers the chooser and the title lands in the new decision's title
(desktop/ui/typed_ahead.py). On a real desktop the keys reach the main window until the
window manager has focused the chooser; here they are posted to the main window's focused
widget before Ctrl+N, so they arrive while the chooser is being shown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.ui.editor.checklist_choice import ChecklistChoiceDialog

STATUTORY = "tizard-principles-and-statutory-duties"
# typed, not pasted: each character a key event (non-ASCII too, which xdotool and
# qtbot.keyClicks cannot type)
TITLE = "Quick title: café – 5½ ✓"


def _post(widget, key: Qt.Key, text: str = "") -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.postEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                 text))


def _post_text(widget, text: str) -> None:
    for ch in text:
        _post(widget, Qt.Key.Key_A if ch.isalpha() else Qt.Key.Key_unknown, ch)


def _focused_in(window, qtbot):
    """The main window's focused widget, once the window has the focus (not a window an
    earlier test left)."""
    def focused_here() -> bool:
        focused = QApplication.focusWidget()
        return focused is not None and focused.window() is window
    window.activateWindow()
    qtbot.waitUntil(focused_here)
    return QApplication.focusWidget()


def _real_chooser(dialogs, monkeypatch) -> None:
    from desktop.ui.dialogs import Dialogs

    monkeypatch.setattr(dialogs, "choose_checklist", lambda parent, choices, typed_ahead=None:
                        Dialogs.choose_checklist(dialogs, parent, choices, typed_ahead))


def _chooser():
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, ChecklistChoiceDialog) and w.isVisible()), None)


def _focus_the_chooser_later(ms: int = 150) -> None:
    """As a window manager does, a moment after the chooser is shown: until then the keys
    typed reach the main window."""
    def focus() -> None:
        chooser = _chooser()
        if chooser is None:
            QTimer.singleShot(20, focus)
            return
        chooser.activateWindow()
    QTimer.singleShot(ms, focus)


def _never_hang(window) -> list[str]:
    """A chooser left open (its keys lost) is closed after 5 s, so the test fails, not hangs
    (the timer is the window's: it dies with it, so it never closes a later test's chooser)."""
    left: list[str] = []

    def close() -> None:
        chooser = _chooser()
        if chooser is not None and chooser.parentWidget() is window:
            left.append(chooser.windowTitle())
            chooser.reject()
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.timeout.connect(close)
    timer.start(5000)
    return left


def test_return_and_a_title_typed_before_the_chooser_has_the_focus_are_not_lost(
        service, make_window, dialogs, qtbot, monkeypatch):
    _real_chooser(dialogs, monkeypatch)
    window = make_window(service)
    focused = _focused_in(window, qtbot)  # the empty register's "Start a new decision"
    left = _never_hang(window)
    _post(focused, Qt.Key.Key_Return)  # take the default checklist
    _post_text(focused, TITLE)
    _focus_the_chooser_later()
    window.new_action.trigger()  # Ctrl+N
    assert left == []
    qtbot.waitUntil(lambda: not window.typed_ahead.held)
    title = window.editor.details.inputs["title"]
    assert title.text() == TITLE
    assert window.focusWidget() is title  # (offscreen, nothing activates the window again)
    window.editor.save_now()
    saved = service.get(window.editor.decision.id)
    assert saved.title == TITLE and saved.checklist_id == service.checklist.id
    # and nothing typed ahead is held, nor the filter left in place
    assert not window.typed_ahead._installed


def test_a_key_that_moves_the_choice_is_given_to_the_chooser_in_order(
        service, make_window, dialogs, qtbot, monkeypatch):
    """Down, Return: the second checklist (the statutory duties), then the title; and while
    the chooser was up, a click on the main window did nothing."""
    _real_chooser(dialogs, monkeypatch)
    window = make_window(service)
    focused = _focused_in(window, qtbot)
    left = _never_hang(window)
    _post(focused, Qt.Key.Key_Down)
    _post(focused, Qt.Key.Key_Return)
    _post_text(focused, "Second")
    _focus_the_chooser_later()
    window.new_action.trigger()
    assert left == []
    qtbot.waitUntil(lambda: not window.typed_ahead.held)
    assert window.editor.decision.checklist_id == STATUTORY
    assert window.editor.details.inputs["title"].text() == "Second"


def test_the_other_windows_take_no_click_while_the_chooser_is_up(
        service, make_window, dialogs, qtbot, monkeypatch):
    """The chooser is shown without Qt's modality (which drops typed-ahead keys), so the
    filter blocks the main window as Qt would: a click on "Open an example" does nothing, the
    main window activated (as a click on it does) gives the chooser the focus back, and an
    Escape typed meanwhile closes the chooser, not nothing."""
    _real_chooser(dialogs, monkeypatch)
    window = make_window(service)
    focused = _focused_in(window, qtbot)
    clicked: list[str] = []
    left = _never_hang(window)

    def click_behind() -> None:
        chooser = _chooser()
        if chooser is None or not chooser.isActiveWindow():
            QTimer.singleShot(20, click_behind)
            return
        target = window.register.example_button
        target.clicked.connect(lambda: clicked.append("clicked"))
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        window.activateWindow()
        _post(focused, Qt.Key.Key_Escape)
    QTimer.singleShot(0, click_behind)
    window.new_action.trigger()
    assert clicked == [] and left == []  # the Escape closed it, not the 5 s guard
    assert window.editor.decision is None  # cancelled: no decision
    qtbot.waitUntil(lambda: not window.typed_ahead._installed)


def test_started_again_on_its_register_the_window_says_so(window):
    """A second copy on the same register asks this one to come forward: it says why no
    second window opened (one already in front would otherwise show nothing)."""
    from desktop.ui.main_window import ALREADY_OPEN

    window.bring_to_front()
    assert window.status_line.message.text() == ALREADY_OPEN
    assert window.status_line.message.isVisibleTo(window)
