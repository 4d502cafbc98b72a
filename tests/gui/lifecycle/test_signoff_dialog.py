"""The sign-off and amend dialogs, driven as a clerk would; results asserted through the service."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.application import lifecycle
from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.visible import isolated
from desktop.ui.lifecycle.signoff_dialog import AmendDialog, SignOffDialog
from tests.helpers.gui import ROLES, complete_decision


@pytest.fixture
def ready(service):
    return complete_decision(service)


def make_dialog(qtbot, service, decision_id):
    dialog = SignOffDialog(service, decision_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_roles_come_from_the_checklist_with_required_and_signed_shown(qtbot, service, ready):
    service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
        "Proposing Director", "Ann Director", "2026-11-20"))
    dialog = make_dialog(qtbot, service, ready.id)
    items = [dialog.role.itemText(i) for i in range(dialog.role.count())]
    assert items == ["Proposing Director (required) — already signed",
                     "Section 151 Officer (required)", "Monitoring Officer (required)",
                     "Chair or Portfolio Holder (required)"]
    assert not dialog.role.model().item(0).isEnabled()
    assert dialog.role.currentData() == "Section 151 Officer"
    assert dialog.progress.text() == "1 of 4 required roles have signed."
    assert dialog.date.iso() == "2026-11-25"  # today, by the service's clock
    assert dialog.date.text() == "25 Nov 2026"
    assert not dialog.summary.isVisible()


def test_missing_name_shows_the_error_summary_whose_link_focuses_the_field(qtbot, service, ready):
    dialog = make_dialog(qtbot, service, ready.id)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.isVisible()
    assert dialog.summary.heading.text() == "There is a problem"
    assert [link.text() for link in dialog.summary.links] == [
        "Enter the name of the person who signed"]
    assert dialog.fields["name"].error.text() == "Enter the name of the person who signed"
    assert QApplication.focusWidget() is dialog.summary
    qtbot.mouseClick(dialog.summary.links[0], Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is dialog.name
    assert service.get(ready.id).sign_offs == ()
    assert dialog.isVisible()


@pytest.mark.parametrize("name", ["\u2800", "\u115f\u3164", "\u202e\u2066\u2069"])
def test_a_name_with_no_visible_character_is_an_error_in_the_dialog(qtbot, service, ready,
                                                                    name):
    """The hostile tester's L4: the dialog refuses a name that shows nothing (set as text:
    keyClicks takes ASCII only), nothing is recorded."""
    dialog = make_dialog(qtbot, service, ready.id)
    dialog.name.setText(name)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.isVisible()
    assert "no visible character" in dialog.fields["name"].error.text()
    assert service.get(ready.id).sign_offs == ()
    assert dialog.isVisible()


def test_recording_a_sign_off_by_keyboard(qtbot, service, ready):
    dialog = make_dialog(qtbot, service, ready.id)
    dialog.role.setCurrentIndex(2)
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Mo Officer")
    dialog.date.selectAll()
    qtbot.keyClicks(dialog.date, "20/11/2026")
    qtbot.keyClicks(dialog.minute, "Cabinet 45/26")
    dialog.comment.setPlainText("Signed with a caveat on TUPE — see minute")
    with qtbot.waitSignal(dialog.signed) as signal:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    stored = service.get(ready.id)
    assert [(s.role, s.name, s.date, s.minute_reference, s.comment) for s in stored.sign_offs] == [
        ("Monitoring Officer", "Mo Officer", "2026-11-20", "Cabinet 45/26",
         "Signed with a caveat on TUPE — see minute")]
    assert signal.args[0] == stored
    assert dialog.result() == SignOffDialog.DialogCode.Accepted


def test_the_last_required_sign_off_locks_the_record(qtbot, service, ready):
    for role in ROLES:
        dialog = make_dialog(qtbot, service, ready.id)
        assert dialog.role.currentData() == role
        qtbot.keyClicks(dialog.name, f"Signer {role[:5]}")
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    stored = service.get(ready.id)
    assert stored.status == Status.SIGNED_OFF and len(stored.sign_offs) == 4


def test_an_incomplete_record_says_why_and_links_to_the_principle(qtbot, service):
    d = service.create("Stop the mobile library", proposal="Stop it.")
    d = service.set_answer(d.id, "values", Answer(rating=Rating.GREEN, response="Yes."))
    dialog = make_dialog(qtbot, service, d.id)
    assert dialog.summary.isVisible()
    assert not dialog.record_button.isEnabled()
    texts = [link.text() for link in dialog.summary.links]
    assert texts[0].startswith("2. ") and texts[0].endswith("not started")
    assert len(texts) == 9
    with qtbot.waitSignal(dialog.problem_outside) as signal:
        qtbot.mouseClick(dialog.summary.links[0], Qt.MouseButton.LeftButton)
    assert signal.args == ["answers.outcomes"]
    assert dialog.result() == SignOffDialog.DialogCode.Rejected


def test_a_duplicate_from_elsewhere_is_reported_not_raised(qtbot, service, ready):
    dialog = make_dialog(qtbot, service, ready.id)
    service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
        "Proposing Director", "Someone at the same time", "2026-11-20"))
    qtbot.keyClicks(dialog.name, "Me")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.isVisible()
    assert "Proposing Director has already signed" in dialog.summary.links[0].text()
    assert len(service.get(ready.id).sign_offs) == 1


def test_amend_dialog_needs_a_reason_then_starts_version_two(qtbot, service, ready):
    for role in ROLES:
        service.lifecycle.record_sign_off(ready.id,
                                          lifecycle.SignOffRequest(role, "N", "2026-11-20"))
    dialog = AmendDialog(service, ready.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    # A complete record's amendment is ready for sign-off, not a draft: the words say so.
    assert dialog.intro.text() == (
        f"Version 1 of “{isolated(ready.title)}” stays on record exactly as it was signed. The amendment "
        "starts as version 2: a new version you can change, with no sign-offs. It needs "
        "signing off again.")
    qtbot.mouseClick(dialog.amend_button, Qt.MouseButton.LeftButton)
    assert [link.text() for link in dialog.summary.links] == ["Enter the reason for the amendment"]
    qtbot.mouseClick(dialog.summary.links[0], Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "Scrutiny asked for a longer consultation")
    with qtbot.waitSignal(dialog.amended):
        qtbot.mouseClick(dialog.amend_button, Qt.MouseButton.LeftButton)
    current = service.get(ready.id)
    assert (current.version, current.amendment_reason, current.status) == (
        2, "Scrutiny asked for a longer consultation", Status.READY)
    assert service.get(ready.id, 1).is_locked


def test_the_dialog_shows_the_code_and_refuses_a_record_changed_since(qtbot, service, ready):
    from desktop.domain.record import content_code

    dialog = make_dialog(qtbot, service, ready.id)
    assert content_code(ready) in dialog.code_line.text()
    service.update(ready.id, proposal="Changed after the copy was printed")
    qtbot.keyClicks(dialog.name, "Me")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.isVisible()
    assert "Print it again" in dialog.summary.links[0].text()
    assert not service.get(ready.id).sign_offs


def _shows_whole_text(link) -> bool:
    """The link's text fits inside it: wrapped onto lines of its width, none cut off."""
    from PySide6.QtCore import QRect

    text = link.accessibleName()
    inner = link.contentsRect().adjusted(4, 0, -4, 0)
    needed = link.fontMetrics().boundingRect(
        QRect(0, 0, inner.width(), 10_000), Qt.TextFlag.TextWordWrap, text)
    visible = link.visibleRegion().boundingRect()
    return (needed.width() <= inner.width() and needed.height() <= link.height()
            and visible.height() >= needed.height() and visible.width() >= needed.width())


def test_a_long_problem_wraps_in_the_error_summary_instead_of_being_cut_off(qtbot, service,
                                                                            ready):
    dialog = make_dialog(qtbot, service, ready.id)
    service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
        "Proposing Director", "CLI Finance", "2026-11-20"))
    qtbot.keyClicks(dialog.name, "Me")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary.isVisible())
    QApplication.processEvents()
    link = dialog.summary.links[0]
    assert link.accessibleName() == ("Proposing Director has already signed (CLI Finance, "
                                     "2026-11-20).")
    assert link.geometry().right() <= dialog.summary.contentsRect().right()
    qtbot.waitUntil(lambda: _shows_whole_text(link))
    # The longest message the dialog gives wraps onto several lines, all shown.
    dialog.summary.show_problems([("status", "x " * 120)])
    QApplication.processEvents()
    long_link = dialog.summary.links[0]
    qtbot.waitUntil(lambda: _shows_whole_text(long_link))
    assert long_link.height() > 2 * long_link.fontMetrics().height()


def test_the_count_of_roles_signed_follows_the_record_after_a_refusal(qtbot, service, ready):
    dialog = make_dialog(qtbot, service, ready.id)
    assert dialog.progress.text() == "0 of 4 required roles have signed."
    service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
        "Proposing Director", "CLI Finance", "2026-11-20"))
    qtbot.keyClicks(dialog.name, "Me")
    dialog.role.setCurrentIndex(0)  # the role just signed elsewhere
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert "Proposing Director has already signed" in dialog.summary.links[0].text()
    assert dialog.progress.text() == "1 of 4 required roles have signed."
    assert dialog.decision == service.get(ready.id)
    assert dialog.role_lines[0].text() == (
        "✓ Proposing Director: signed by CLI Finance on 20 Nov 2026")
    assert dialog.role.itemText(0) == "Proposing Director (required) — already signed"
    assert not dialog.role.model().item(0).isEnabled()
