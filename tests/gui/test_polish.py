"""Integration polish: actions follow the record's state, disabled looks disabled, follow-up
after sign-off, the summary's next step, and the audit check off the GUI thread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMenu, QPushButton

from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.record import code_for
from desktop.ui.lifecycle.signoff_dialog import SignOffDialog
from tests.helpers.gui import ROLES, USERS_PAGE, complete_decision, sign_all
from tests.helpers.shipped import SLUGS, SUMMARY_PAGE


def select(window, decision_id):
    window.show_register()
    row = window.register.model.row_of(decision_id)
    assert row >= 0
    window.register.table.setCurrentIndex(window.register.model.index(row, 1))


def enabled(window):
    lc = window.lifecycle
    return {name: act.isEnabled() for name, act in (
        ("withdraw", window.withdraw_action), ("delete", window.delete_action),
        ("sign", lc.sign_off_action), ("amend", lc.amend_action))}


# ---- 1. actions follow the record's state ---------------------------------------------------
def test_record_actions_follow_the_selected_records_state(make_window, service):
    draft = service.create("Stop the mobile library")
    ready = complete_decision(service)
    signed = sign_all(service, complete_decision(service).id)
    withdrawn = service.withdraw(service.create("Sell the depot").id)
    amended = sign_all(service, complete_decision(service).id)
    service.lifecycle.amend(amended.id, "New costs")
    window = make_window(service)

    expected = {
        draft.id: dict(withdraw=True, delete=True, sign=False, amend=False),
        ready.id: dict(withdraw=True, delete=True, sign=True, amend=False),
        signed.id: dict(withdraw=False, delete=False, sign=False, amend=True),
        withdrawn.id: dict(withdraw=False, delete=False, sign=False, amend=False),
        # version 2 is a ready draft: it can be withdrawn and signed, but not deleted
        amended.id: dict(withdraw=True, delete=False, sign=True, amend=False),
    }
    for decision_id, want in expected.items():
        select(window, decision_id)
        assert window.current_decision_id() == decision_id
        assert enabled(window) == want, service.get(decision_id).status
        window.open_decision(decision_id)
        assert enabled(window) == want, "the same in the editor"


def test_actions_update_when_the_open_record_changes(qtbot, make_window, service):
    d = complete_decision(service)
    d = service.set_answer(d.id, "perseverance", Answer())  # 9 of 10: a draft
    window = make_window(service, autosave_ms=50)
    window.open_decision(d.id, SLUGS.index("perseverance") + 1)
    assert enabled(window) == dict(withdraw=True, delete=True, sign=False, amend=False)

    page = window.editor.principles[-1]
    page.rating_buttons[Rating.GREEN].setFocus()
    qtbot.keyClick(page.rating_buttons[Rating.GREEN], Qt.Key.Key_Space)
    page.response.setFocus()
    qtbot.keyClicks(page.response, "Ten-year plan agreed.")
    qtbot.waitUntil(lambda: service.get(d.id).status == Status.READY)
    qtbot.waitUntil(lambda: window.lifecycle.sign_off_action.isEnabled())

    sign_all(service, d.id)
    window.refresh()  # what the sign-off dialog does after recording
    assert enabled(window) == dict(withdraw=False, delete=False, sign=False, amend=True)
    # and the register agrees when going back to it
    window.show_register()
    assert window.current_decision_id() == d.id
    assert enabled(window) == dict(withdraw=False, delete=False, sign=False, amend=True)


# ---- 2. disabled looks disabled ------------------------------------------------------------
def darkest(image, rect) -> int:
    """The lightness (0-255) of the darkest pixel in rect: the text colour."""
    return min(QColor(image.pixel(x, y)).lightness()
               for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom()))


def test_disabled_menu_items_and_buttons_are_clearly_lighter_but_legible(qtbot, themed):
    menu = QMenu()
    qtbot.addWidget(menu)
    on, off = menu.addAction("Record sign-off…"), menu.addAction("Withdraw…")
    off.setEnabled(False)
    menu.adjustSize()
    image = menu.grab().toImage()
    enabled_text = darkest(image, menu.actionGeometry(on))
    disabled_text = darkest(image, menu.actionGeometry(off))
    assert enabled_text < 40  # near #0b0c0c
    secondary = QColor(themed.SECONDARY).lightness()
    assert secondary + 25 < disabled_text < 170, "lighter than secondary text, still legible"
    # not colour alone: the disabled item's font differs too
    assert "font-style: italic" in QApplication.instance().styleSheet()

    for cls_kwargs in ({}, {"primary": True}):
        live, dead = QPushButton("Export"), QPushButton("Export")
        for b in (live, dead):
            qtbot.addWidget(b)
            if cls_kwargs:
                b.setProperty("primary", True)
            b.resize(160, 44)
        dead.setEnabled(False)
        shot = dead.grab().toImage()
        text = darkest(shot, dead.rect().adjusted(8, 8, -8, -8))
        assert secondary + 25 < text < 170
        # not colour alone: a disabled button's edge is dashed, so its outline differs
        assert live.grab().toImage() != shot


def test_date_and_combo_inputs_share_the_line_edit_border(qtbot, themed):
    from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit

    widgets = [QLineEdit("x"), QDateEdit(), QComboBox()]
    edges = []
    for w in widgets:
        qtbot.addWidget(w)
        w.resize(200, 40)
        image = w.grab().toImage()
        edges.append(QColor(image.pixel(0, 20)).lightness())  # the left border, mid-height
    assert all(e < 40 for e in edges), edges


# ---- 3. follow-up after sign-off ------------------------------------------------------------
def test_a_signed_off_records_action_can_be_ticked_done_and_is_audited(qtbot, make_window,
                                                                       service):
    d = sign_all(service, complete_decision(service).id)
    window = make_window(service)
    window.open_decision(d.id, USERS_PAGE)
    page = window.editor.principles[USERS_PAGE - 1]
    assert window.editor.read_only
    box = page.actions.cell(0, "done")
    assert box.isEnabled() and not box.isChecked() and box.text() == "Done"
    assert page.actions.cell(0, "action").isReadOnly()
    assert page.response.isReadOnly()
    assert not any(b.isEnabled() for b in page.rating_buttons.values())
    assert not page.actions.add_button.isVisible()

    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    stored = service.get(d.id)
    assert stored.answer("users").actions[0].done
    assert stored.status == Status.SIGNED_OFF and code_for(stored) == code_for(d)
    assert box.isChecked() and box.text() == "Done"  # a fixed label: the tick says the state
    fields = [e.field for e in service.lifecycle.history(d.id)]
    assert "answers.users.actions[0].done" in fields

    qtbot.keyClick(box, Qt.Key.Key_Space)  # and back again
    assert not service.get(d.id).answer("users").actions[0].done
    assert not box.isChecked() and box.text() == "Done"
    assert fields.count("answers.users.actions[0].done") + 1 == [
        e.field for e in service.lifecycle.history(d.id)].count("answers.users.actions[0].done")


def test_ticking_done_on_a_draft_keeps_the_typing_and_audits_the_tick(qtbot, make_window,
                                                                      service):
    d = complete_decision(service)
    window = make_window(service, autosave_ms=60000)  # only the tick may save the typing
    window.open_decision(d.id, USERS_PAGE)
    page = window.editor.principles[USERS_PAGE - 1]
    page.response.setFocus()
    qtbot.keyClicks(page.response, " Survey closes in March.")
    box = page.actions.cell(0, "done")
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    stored = service.get(d.id).answer("users")
    assert "Survey closes in March." in stored.response
    assert stored.actions[0].done
    assert "answers.users.actions[0].done" in [e.field for e in service.lifecycle.history(d.id)]


def test_a_withdrawn_records_actions_stay_read_only(make_window, service):
    d = service.withdraw(complete_decision(service).id)
    window = make_window(service)
    window.open_decision(d.id, USERS_PAGE)
    assert not window.editor.principles[USERS_PAGE - 1].actions.cell(0, "done").isEnabled()


# ---- 4. the summary's next step -------------------------------------------------------------
def test_ready_summary_offers_record_sign_off_beside_export(qtbot, make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id, SUMMARY_PAGE)
    summary = window.editor.summary
    assert summary.sign_off_button is not None and summary.sign_off_button.isVisible()
    assert "To sign: Proposing Director" in summary.sign_offs_label.text()
    summary.sign_off_button.setFocus()
    qtbot.keyClick(summary.sign_off_button, Qt.Key.Key_Space)
    dialog = window.lifecycle.open_dialog
    assert isinstance(dialog, SignOffDialog)
    qtbot.keyClicks(dialog.name, "Ann Director")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in service.get(d.id).sign_offs] == ["Ann Director"]
    assert window.editor.current_page() == SUMMARY_PAGE
    assert "Proposing Director: signed by Ann Director" in window.editor.summary.sign_offs_label.text()


def test_signed_off_summary_says_who_signed(make_window, service):
    d = sign_all(service, complete_decision(service).id)
    window = make_window(service)
    window.open_decision(d.id, SUMMARY_PAGE)
    summary = window.editor.summary
    assert summary.sign_off_button is None
    text = summary.sign_offs_label.text()
    for role in ROLES:
        assert f"✓ {role}: signed by Signer {role.split()[0]} on 20 Nov 2026" in text
    assert "Still to sign" not in text
    page_text = " ".join(w.text() for w in summary.findChildren(type(summary.sign_offs_label)))
    assert "Version 1 was signed off on 20 Nov 2026" in page_text


# ---- 5. the audit check runs off the GUI thread ----------------------------------------------
def test_audit_check_runs_in_the_background_and_reports_when_done(qtbot, make_window, service,
                                                                  dialogs):
    complete_decision(service)
    window = make_window(service)
    window.lifecycle.check_action.trigger()
    # The trigger returned before any result: the GUI thread is free, and busy is shown.
    assert dialogs.calls == []
    assert not window.lifecycle.check_action.isEnabled()
    assert window.lifecycle._busy.isVisible()
    assert "Checking the audit trail" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: bool(dialogs.calls), timeout=20000)
    assert dialogs.calls[-1][:2] == ("info", "Audit trail intact")
    assert window.lifecycle.check_action.isEnabled()
    assert not window.lifecycle._busy.isVisible()


def test_audit_check_in_the_background_finds_a_tampered_row(qtbot, make_window, service,
                                                            dialogs, db_path):
    d = complete_decision(service)
    victim = service.lifecycle.history(d.id)[1]
    guard = service.db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").fetchone()[0]
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET new_value = 'forged' WHERE id = ?", [victim.id])
    conn.execute(guard)
    conn.commit()
    conn.close()
    window = make_window(service)
    window.lifecycle.check_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.calls), timeout=20000)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "The audit trail has been tampered with")
    assert str(victim.id) in text
    assert window.lifecycle.last_report.tampered_rows == (victim.id,)


# ---- 6. the register at 150% scale ----------------------------------------------------------
def test_narrow_register_gives_way_to_the_title(qtbot, make_window, service):
    from desktop.ui.register.model import COLUMNS

    complete_decision(service)
    window = make_window(service)
    table = window.register.table
    title = [k for k, _ in COLUMNS].index("title")
    window.showNormal()
    for width in (853, 1000, 1280, 1700):  # 853: a 1280 px screen at 150%
        window.resize(width, 600)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        qtbot.waitUntil(lambda: table.columnWidth(title) >= 0.3 * table.viewport().width() - 2)
    hidden = [table.isColumnHidden(i) for i, (k, _) in enumerate(COLUMNS) if k != "matched_in"]
    assert not any(hidden), "a wide window shows every column (Matched in: only while searching)"


def test_big_dialogs_never_open_larger_than_the_screen(qtbot, service, dialogs, tmp_path):
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record
    from desktop.ui.backup.restore_dialog import RestoreDialog
    from desktop.ui.help_page import HelpDialog
    from desktop.ui.lifecycle.history_view import HistoryView
    from desktop.ui.pdf.preview import PdfPreviewDialog

    decision = service.create("Stop the mobile library")
    pdf = render_record(print_record(service, decision.id)).pdf
    for make in (lambda: HelpDialog(None), lambda: HistoryView(service, decision.id, None),
                 lambda: RestoreDialog(service, dialogs, None, folder=tmp_path),
                 lambda: PdfPreviewDialog(pdf, "Record", (), None)):
        dialog = make()
        qtbot.addWidget(dialog)
        room = dialog.screen().availableGeometry()
        assert dialog.width() <= room.width() and dialog.height() <= room.height(), (
            type(dialog).__name__, dialog.size(), room.size())


def test_file_dialogs_open_in_documents_then_where_the_user_last_chose(monkeypatch, tmp_path):
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui.dialogs import Dialogs

    starts = []
    chosen = tmp_path / "papers" / "record.pdf"
    chosen.parent.mkdir()

    def fake_exec(dialog):  # the real dialog, answered at once: where did it open?
        selected = dialog.selectedFiles()
        starts.append(selected[0] if dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
                      else dialog.directory().absolutePath())
        if dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave:
            dialog.selectFile(str(chosen))
            return 1
        return 0  # cancelled

    monkeypatch.setattr(QFileDialog, "exec", fake_exec)
    dialogs = Dialogs()
    assert dialogs.save_file(None, "Export", "EX-2026-014-v1.pdf", "PDF (*.pdf)") == str(chosen)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if not Path(documents).is_dir():  # then the home folder, never the working directory
        documents = str(Path.home())
    assert starts[0] == str(Path(documents, "EX-2026-014-v1.pdf"))
    assert dialogs.open_file(None, "Import", "JSON (*.json)") is None
    assert starts[1] == str(chosen.parent)  # the folder chosen last time


def test_the_focus_ring_is_drawn_whole_round_a_field(window, qtbot, qapp):
    from desktop.ui.widgets import FocusRing

    ring = FocusRing(qapp)
    window.new_decision()
    proposal = window.editor.details.inputs["proposal"]
    proposal.setFocus()
    qtbot.waitUntil(lambda: ring._overlay is not None and ring._overlay.isVisible())
    overlay = ring._overlay
    try:
        assert overlay.parentWidget().rect().contains(overlay.geometry())  # not clipped
        assert overlay.geometry().contains(proposal.geometry())
    finally:
        qapp.focusChanged.disconnect(ring._focus_changed)
        overlay.deleteLater()
        ring.deleteLater()


def test_undo_and_redo_are_offered_only_when_there_is_something_to_undo(window, qtbot):
    window.new_decision()
    title = window.editor.details.inputs["title"]
    title.setFocus()
    window._update_edit_menu()
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    qtbot.keyClicks(title, " (draft)")
    window._update_edit_menu()
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    window.undo_action.trigger()
    window._update_edit_menu()
    assert window.redo_action.isEnabled()
    window.show_register()
    window._update_edit_menu()
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
