"""Sign-off, amendment, history and the audit check from the main window's menus."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from desktop.application import lifecycle
from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.history import fold_edits
from desktop.ui.lifecycle.history_view import ALTERED, HistoryView
from desktop.ui.lifecycle.signoff_dialog import AmendDialog, SignOffDialog
from tests.helpers.gui import ROLES, complete_decision


def _sign_all_through_the_window(qtbot, window, decision_id):
    window.open_decision(decision_id)
    for role in ROLES:
        assert window.lifecycle.sign_off_action.isEnabled()
        window.lifecycle.sign_off_action.trigger()
        dialog = window.lifecycle.open_dialog
        assert isinstance(dialog, SignOffDialog) and dialog.role.currentData() == role
        qtbot.keyClicks(dialog.name, f"Signer {role.split()[0]}")
        qtbot.keyClicks(dialog.minute, "Cabinet 45/26")
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()


def test_signing_off_through_the_window_locks_the_record(qtbot, make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    _sign_all_through_the_window(qtbot, window, d.id)
    stored = service.get(d.id)
    assert stored.status == Status.SIGNED_OFF
    assert [s.name for s in stored.sign_offs] == [
        "Signer Proposing", "Signer Section", "Signer Monitoring", "Signer Chair"]
    assert window.editor.read_only
    assert "signed off and locked" in window.editor.banner.text.text()
    assert not window.lifecycle.sign_off_action.isEnabled()
    assert window.lifecycle.amend_action.isEnabled()


def test_amending_through_the_window_opens_version_two(qtbot, make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    _sign_all_through_the_window(qtbot, window, d.id)
    window.lifecycle.amend_action.trigger()
    dialog = window.lifecycle.open_dialog
    assert isinstance(dialog, AmendDialog)
    qtbot.keyClicks(dialog.reason, "Add the trust's business plan")
    qtbot.mouseClick(dialog.amend_button, Qt.MouseButton.LeftButton)
    assert window.showing_editor()
    assert window.editor.decision.version == 2 and not window.editor.read_only
    assert "Version 2 amends signed-off version 1" in window.editor.banner.text.text()
    assert service.get(d.id, 1).is_locked
    assert window.lifecycle.sign_off_action.isEnabled()  # still complete, so ready


def test_history_view_lists_changes_shows_the_redline_and_checks(qtbot, qtmodeltester, service,
                                                                 db_path):
    d = complete_decision(service)
    for role in ROLES:
        service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(role, "N", "2026-11-20"))
    service.lifecycle.amend(d.id, "Add the business plan")
    service.set_answer(d.id, "users", Answer(rating=Rating.GREEN,
                                             response="Consultation done: 84% in favour."))
    view = HistoryView(service, d.id)
    qtbot.addWidget(view)
    view.show()
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == len(fold_edits(service.lifecycle.history(d.id)))
    fields = [view.model.text(r, 3) for r in range(view.model.rowCount())]
    assert "Sign-off: Monitoring Officer" in fields
    users = service.checklist_for(d).principle("users").title
    assert f"4. {users}: rating" in fields
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "Changes", "Changes since version 1"]
    html = view.redline.toHtml()
    assert f"4. {users}: response" in view.redline.toPlainText()
    assert "Add the business plan" in view.redline.toPlainText()
    assert "line-through" in html and "underline" in html

    report = view.check()
    assert report.ok and "intact" in view.result.text()

    victim = service.lifecycle.history(d.id)[2]
    guard = service.db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").fetchone()[0]
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET user = 'mallory' WHERE id = ?", [victim.id])
    conn.execute(guard)
    conn.commit()
    conn.close()
    report = view.check()
    assert report.tampered_rows == (victim.id,)
    assert f"Audit rows altered or removed outside the app: {victim.id}" in view.result.text()
    row = next(r for r, e in enumerate(view.model.entries) if victim.id in e.ids)
    assert view.model.text(row, 0).startswith(ALTERED)
    assert not any(view.model.text(r, 0).startswith(ALTERED)
                   for r in range(view.model.rowCount()) if r != row)
    qtmodeltester.check(view.model)


def test_check_audit_trail_menu_item_reports_through_dialogs(qtbot, make_window, service,
                                                             dialogs):
    complete_decision(service)
    window = make_window(service)
    assert window.lifecycle.check_action.isEnabled()
    window.lifecycle.check_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.calls), timeout=20000)  # runs off the GUI thread
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("info", "Audit trail intact") and "rows checked" in text


def test_attach_signed_copy_from_the_menu(qtbot, make_window, service, dialogs, tmp_path):
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id)
    assert not window.lifecycle.attach_action.isEnabled()
    for role in ROLES:
        service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(role, "N", "2026-11-20"))
    window.refresh()
    assert window.lifecycle.attach_action.isEnabled()
    scan = tmp_path / "signed scan.pdf"
    scan.write_bytes(b"%PDF-1.7\nscanned pages\n")
    dialogs.files.append(str(scan))
    window.lifecycle.attach_action.trigger()
    assert dialogs.calls[-1][:2] == ("info", "Signed copy attached")
    (copy,) = service.lifecycle.signed_copies(d.id)
    assert copy.filename == "signed scan.pdf"
    assert service.lifecycle.signed_copy_data(copy.id) == scan.read_bytes()


def _sign_first_role_through_the_window(qtbot, window, decision_id):
    window.open_decision(decision_id)
    window.lifecycle.sign_off_action.trigger()
    dialog = window.lifecycle.open_dialog
    qtbot.keyClicks(dialog.name, "First Signer")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)


def test_the_first_sign_off_makes_the_record_read_only_until_it_is_removed(
        qtbot, make_window, service, dialogs):
    d = complete_decision(service)
    window = make_window(service)
    _sign_first_role_through_the_window(qtbot, window, d.id)
    assert service.get(d.id).status == Status.READY and len(service.get(d.id).sign_offs) == 1
    # Nothing typed could be saved now, so nothing can be typed, and the banner says why.
    assert window.editor.read_only
    assert window.editor.details.inputs["title"].isReadOnly()
    assert "1 sign-off recorded" in window.editor.banner.text.text()
    assert not window.delete_action.isEnabled()
    assert window.withdraw_action.isEnabled()
    remove = window.lifecycle.remove_sign_off_action
    assert remove.isEnabled()
    dialogs.choices.append(0)
    remove.trigger()
    assert ("choose", "Remove a recorded sign-off", "Which sign-off was recorded by mistake?") \
        in dialogs.calls
    assert service.get(d.id).sign_offs == ()
    assert not window.editor.read_only
    assert not window.editor.details.inputs["title"].isReadOnly()
    assert window.editor.banner.text.text() == "" or window.editor.banner.isHidden()
    assert not remove.isEnabled() and window.delete_action.isEnabled()
    assert any("sign_off." in row.field for row in service.lifecycle.history(d.id))


def test_cancelling_the_choice_removes_nothing(qtbot, make_window, service, dialogs):
    d = complete_decision(service)
    window = make_window(service)
    _sign_first_role_through_the_window(qtbot, window, d.id)
    window.lifecycle.remove_sign_off_action.trigger()  # no answer queued: cancelled
    assert len(service.get(d.id).sign_offs) == 1 and window.editor.read_only


def test_a_part_signed_record_can_be_withdrawn_but_not_deleted(service):
    import pytest

    from desktop.domain.errors import Refused

    d = complete_decision(service)
    service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(
        role=ROLES[0], name="First Signer", date="2026-11-20"))
    with pytest.raises(Refused, match="sign-offs recorded"):
        service.delete(d.id)
    assert service.withdraw(d.id).status == Status.WITHDRAWN


def test_the_redline_tab_names_the_version_chosen(qtbot, service):
    d = complete_decision(service)
    for version in (1, 2):
        for role in ROLES:
            service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(
                role=role, name="N", date="2026-11-20"))
        service.lifecycle.amend(d.id, f"Amendment {version}")
    view = HistoryView(service, d.id, None)
    qtbot.addWidget(view)
    assert view.tabs.tabText(view._redline_tab) == "Changes since version 2"
    view.compare.setCurrentIndex(view.compare.findData(1))
    assert view.tabs.tabText(view._redline_tab) == "Changes since version 1"


def test_typing_refused_by_a_sign_off_from_elsewhere_is_not_dropped_without_asking(
        qtbot, make_window, service, dialogs):
    """The keyboard tester's find: a clerk records a sign-off from the command line while the
    proposer types; the save is refused, and leaving for the register dropped the text."""
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id, 1)
    page = window.editor.principles[0]
    service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(
        ROLES[0], "Clerk elsewhere", "2026-11-20"))  # another process, as far as the window knows
    page.response.setPlainText("A new paragraph the proposer is typing")
    window.editor.save_now()
    assert window.editor.unsaveable()  # what was typed is known to be unsaved
    dialogs.confirm_answer = False  # "Cancel": go back to the text
    window.show_register()
    assert window.showing_editor()
    assert page.response.toPlainText() == "A new paragraph the proposer is typing"
    assert any(c[0] == "confirm" and "cannot be saved" in c[1] for c in dialogs.calls)
    dialogs.confirm_answer = True  # now the user chooses to leave anyway
    window.show_register()
    assert not window.showing_editor()


def test_saved_at_goes_from_the_status_bar_once_the_record_is_read_only(
        qtbot, make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id)
    window.editor.details.inputs["reasons"].setPlainText("Cheaper and closer to residents.")
    qtbot.waitUntil(lambda: window.saved_label.text().startswith("Saved at "), timeout=3000)
    _sign_first_role_through_the_window(qtbot, window, d.id)
    assert window.editor.read_only
    assert window.saved_label.text() == ""  # it promised saving: nothing can be saved now
