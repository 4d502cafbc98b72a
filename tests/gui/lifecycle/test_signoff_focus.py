"""Issue 13, keyboard: the error summary takes a visible focus, Tab goes on to the field in
error, and after a sign-off the focus lands on the record's next step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.lifecycle.signoff_dialog import AmendDialog, SignOffDialog
from tests.gui.conftest import ring_shown_round
from tests.helpers.gui import ROLES, complete_decision, sign_all
from tests.helpers.shipped import SUMMARY_PAGE


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_sign_off_error_summary_takes_a_visible_focus_then_tab_reaches_the_field(
        qtbot, service, focus_ring):
    ready = complete_decision(service)
    dialog = shown(qtbot, SignOffDialog(service, ready.id))
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Record sign-off, with no name typed
    assert QApplication.focusWidget() is dialog.summary
    qtbot.waitUntil(lambda: ring_shown_round(focus_ring, dialog.summary))
    qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.summary.links[0]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.name  # not the Role list above it
    # The rest of the form keeps its order.
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.date


def test_amend_error_summary_takes_a_visible_focus_then_tab_reaches_the_reason(
        qtbot, service, focus_ring):
    ready = complete_decision(service)
    sign_all(service, ready.id)
    dialog = shown(qtbot, AmendDialog(service, ready.id))
    dialog.amend_button.setFocus()
    qtbot.keyClick(dialog.amend_button, Qt.Key.Key_Space)
    assert QApplication.focusWidget() is dialog.summary
    qtbot.waitUntil(lambda: ring_shown_round(focus_ring, dialog.summary))
    qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.summary.links[0]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.reason


@pytest.mark.parametrize("signed_before", [0, 3])
def test_after_a_sign_off_the_focus_is_on_the_next_step_of_the_record(
        qtbot, window, service, signed_before):
    ready = complete_decision(service)
    for role in ROLES[:signed_before]:
        from desktop.application import lifecycle

        service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
            role, "Someone", "2026-11-20"))
    window.open_decision(ready.id, SUMMARY_PAGE)
    window.editor.focus_first_field()
    window.lifecycle.sign_off_action.trigger()
    dialog = window.lifecycle.open_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.name, "Ann Signer")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()
    qtbot.wait(50)
    summary = window.editor.summary
    focused = window.focusWidget()  # what has (or gets, as the window is activated) the focus
    assert focused is not window.editor.back_to_register
    if signed_before == 3:  # the last role: signed off, so the next step is the export
        assert focused is summary.export_button
    else:  # the next role of the meeting
        assert focused is summary.sign_off_button
