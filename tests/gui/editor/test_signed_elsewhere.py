"""Issue 13: a sign-off recorded from the command line while the window is typing on that
decision. The editor goes read-only with the typed text kept on screen (to be copied) and says
so at the top of the page: no modal "not saved yet", no page left editable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.application import lifecycle
from desktop.application.bootstrap import open_service
from tests.helpers.gui import ROLES, USERS_PAGE, complete_decision


def test_a_sign_off_from_the_command_line_locks_the_page_and_keeps_the_typing(
        qtbot, window, service, dialogs, db_path, clock):
    ready = complete_decision(service)
    window.open_decision(ready.id, USERS_PAGE)
    page = window.editor.principles[USERS_PAGE - 1]
    page.response.setFocus()
    page.response.moveCursor(page.response.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.response, " Typed just before the meeting.")
    page.actions.cell(0, "due").setFocus()
    page.actions.cell(0, "due").selectAll()
    qtbot.keyClicks(page.actions.cell(0, "due"), "31/02/2027")  # not a date: kept as typed

    cli = open_service(db_path, user="clerk", now=clock)  # the command line, same register
    try:
        cli.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
            ROLES[0], "Ann Director", "2026-11-20"))
    finally:
        cli.db.close()
    window.editor.save_now()  # the autosave, when it comes

    assert not [c for c in dialogs.calls if c[0] == "error"]  # no modal message
    assert window.editor.read_only
    assert page.response.isReadOnly() and page.response.toPlainText().endswith(
        "Typed just before the meeting.")
    assert page.actions.cell(0, "due").text() == "31/02/2027"
    assert page.actions.cell(0, "due").isReadOnly()
    assert not any(b.isEnabled() for b in page.rating_buttons.values())
    assert not page.actions.add_button.isVisible()
    banner = window.editor.banner
    assert banner.isVisible() and banner.text.text().startswith(
        "Not saved: while you were typing, this decision had a sign-off recorded elsewhere")
    assert "copy it" in banner.text.text()
    # What was typed can still be selected and copied.
    page.response.setFocus()
    qtbot.keyClick(page.response, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert page.response.textCursor().selectedText().endswith("Typed just before the meeting.")
    # Nothing retries in a loop, and the stored record is the signed one, unchanged.
    assert not window.editor._retry.isActive()
    qtbot.wait(50)
    assert not [c for c in dialogs.calls if c[0] == "error"]
    stored = service.get(ready.id)
    assert len(stored.sign_offs) == 1
    assert "Typed just before" not in stored.answer("users").response
    # Leaving asks first, since what is on screen is not saved.
    dialogs.confirm_answer = False
    window.show_register()
    assert dialogs.calls[-1][:2] == ("confirm", "Some of what you typed cannot be saved")
    assert window.showing_editor()


def test_the_box_being_typed_in_stays_in_view_when_the_notice_appears(
        qtbot, window, service, db_path, clock):
    """The notice at the top shrinks the page: the focused box is scrolled back into view."""
    from PySide6.QtCore import QPoint

    window.showNormal()
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    ready = complete_decision(service)
    window.open_decision(ready.id, 0)
    details, area = window.editor.details, window.editor.scrolls[0]
    box = details.inputs["conflicts_of_interest"]  # low on the page: at its foot
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    box.moveCursor(box.textCursor().MoveOperation.End)
    qtbot.keyClicks(box, " More.")
    qtbot.wait(50)  # the page has followed the caret; then the sign-off, then the autosave
    cli = open_service(db_path, user="clerk", now=clock)
    try:
        cli.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
            ROLES[0], "Ann Director", "2026-11-20"))
    finally:
        cli.db.close()
    window.editor.save_now()
    assert window.editor.banner.isVisible()

    def whole() -> bool:
        shown = box.rect().translated(box.mapTo(area.viewport(), QPoint(0, 0)))
        return area.viewport().rect().contains(shown)

    qtbot.waitUntil(whole, timeout=1000)
