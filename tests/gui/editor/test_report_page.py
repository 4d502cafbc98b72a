"""The Details page's committee report: typed by keyboard, autosaved, recommendations added,
moved and removed with keys, dates checked with a clear message, and a key decision's short
notice warned of on the page and on Check your answers. The register filters and shows the
timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.domain.queries import RegisterQuery
from desktop.ui.register.model import COLUMNS


def _details(window, keyboard):
    keyboard.ctrl(Qt.Key.Key_N)  # as a user starts one (and the window has the focus)
    assert window.showing_editor()
    return window.current_decision_id(), window.editor.details


def _active(window, qtbot):
    """The window active again after a wait (offscreen, it is deactivated while the test
    waits for the autosave: the options table's behaves the same), its focus where it was."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=1000)


def test_recommendations_are_added_moved_and_removed_by_keyboard(window, service, qtbot,
                                                                  keyboard):
    decision_id, details = _details(window, keyboard)
    table = details.recommendations
    table.add_button.setFocus()
    keyboard.press(Qt.Key.Key_Space)
    keyboard.type("Agree the contract")
    table.add_button.setFocus()
    keyboard.press(Qt.Key.Key_Space)
    keyboard.type("Note the savings")
    qtbot.waitUntil(lambda: service.get(decision_id).recommendations == (
        "Agree the contract", "Note the savings"), timeout=2000)
    _active(window, qtbot)
    table.cell(1, "text").setFocus()  # where the typing was (reactivation may move it)
    # Alt+Up in the second moves it first, and the cursor goes with it.
    keyboard.press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert keyboard.focused() is table.cell(0, "text")
    qtbot.waitUntil(lambda: service.get(decision_id).recommendations == (
        "Note the savings", "Agree the contract"), timeout=2000)
    _active(window, qtbot)
    table.cell(0, "text").setFocus()
    # Tab reaches its links: Move down (Move up is hidden on the first), then Remove.
    keyboard.press(Qt.Key.Key_Tab)
    assert keyboard.focused().accessibleName() == "Move recommendation 1 down"
    keyboard.press(Qt.Key.Key_Tab)
    assert keyboard.focused().accessibleName() == "Remove recommendation 1"
    keyboard.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: service.get(decision_id).recommendations == (
        "Agree the contract",), timeout=2000)


def test_the_report_fields_autosave_any_text(window, service, qtbot, keyboard):
    decision_id, details = _details(window, keyboard)
    details.inputs["report_of"].insert("Directrice de l’Environnement")
    details.inputs["wards_affected"].insert("All wards")
    details.inputs["legal_implications"].setPlainText("مرحبا <b>&amp; “quoted”")
    details.inputs["legal_officer"].insert("Cal Légal")
    combo = details.inputs["exempt_paragraph"]
    combo.setCurrentIndex(combo.findData(3))
    details.inputs["urgency_route"].setCurrentIndex(2)
    qtbot.waitUntil(lambda: service.get(decision_id).legal_officer == "Cal Légal",
                    timeout=2000)
    saved = service.get(decision_id)
    assert (saved.report_of, saved.wards_affected, saved.legal_implications) == (
        "Directrice de l’Environnement", "All wards", "مرحبا <b>&amp; “quoted”")
    assert (saved.exempt_paragraph, saved.urgency_route) == (3, "special-urgency")
    entries = {e.field for e in service.repo.audit_entries(decision_id)}
    assert {"report_of", "legal_officer", "exempt_paragraph", "urgency_route"} <= entries


def test_a_date_that_is_not_a_date_is_flagged_and_not_saved(window, service, qtbot, keyboard):
    decision_id, details = _details(window, keyboard)
    qtbot.keyClicks(details.inputs["publication_date"], "31/02/2027")
    qtbot.keyClicks(details.inputs["decision_maker"], "Cabinet")
    qtbot.waitUntil(lambda: service.get(decision_id).decision_maker == "Cabinet", timeout=2000)
    assert service.get(decision_id).publication_date is None
    assert details.fields["publication_date"].error.text().startswith("Enter a real date")
    assert any("Decision notice published" in p for p in details.unsaveable())
    details.inputs["publication_date"].clear()
    qtbot.keyClicks(details.inputs["publication_date"], "18/01/2027")
    qtbot.waitUntil(lambda: service.get(decision_id).publication_date == "2027-01-18",
                    timeout=2000)
    assert details.fields["publication_date"].error.isHidden()


def test_short_notice_is_warned_of_on_the_page_and_on_check_your_answers(window, service,
                                                                        qtbot, keyboard):
    decision_id, details = _details(window, keyboard)
    details.key_decision.setChecked(True)
    qtbot.keyClicks(details.inputs["meeting_date"], "15/01/2027")
    qtbot.keyClicks(details.inputs["forward_plan_notice_date"], "18/12/2026")
    warning = details.timeline.warning
    assert warning.isVisible() and "27 clear days" in warning.text.text()
    assert warning.text.accessibleName().startswith("Warning: ")
    assert "Call-in ends: not yet known" in details.timeline.dates.text()
    qtbot.keyClicks(details.inputs["publication_date"], "18/01/2027")
    assert "Call-in ends: 25 Jan 2027" in details.timeline.dates.text()
    qtbot.waitUntil(lambda: service.get(decision_id).publication_date == "2027-01-18",
                    timeout=2000)
    window.editor.go_to(window.editor.summary_page)
    assert window.editor.summary.notice_warning.isVisible()
    window.editor.go_to(0)
    details.inputs["forward_plan_notice_date"].clear()
    qtbot.keyClicks(details.inputs["forward_plan_notice_date"], "17/12/2026")
    assert not warning.isVisible()
    qtbot.waitUntil(lambda: service.get(decision_id).forward_plan_notice_date == "2026-12-17",
                    timeout=2000)
    window.editor.go_to(window.editor.summary_page)
    assert not window.editor.summary.notice_warning.isVisible()


def test_the_register_filters_in_call_in_and_shows_the_timeline(make_window, service):
    # The service's clock says 25 November 2026.
    published = service.create("Published yesterday", meeting_date="2026-11-20",
                               publication_date="2026-11-24")
    service.create("Decided long ago", meeting_date="2025-01-10")
    view = make_window(service).register
    column = [k for k, _ in COLUMNS].index("timeline")
    view.status_filter.actions_by_value["call-in"].setChecked(True)
    assert view.model.total == 1 and view.model.row_id(0) == published.id
    # Published Tue 24 Nov: Wed, Thu, Fri, Mon, then Tue 1 Dec is the fifth working day.
    assert view.model.data(view.model.index(0, column)) == "In call-in to 1 Dec 2026"
    tip = view.model.data(view.model.index(0, column), Qt.ItemDataRole.ToolTipRole)
    assert "Implementable from 2 Dec 2026" in tip and "Challenge window ends 20 Feb 2027" in tip
    assert view.clear_filters.isVisible()
    view.status_filter.actions_by_value["call-in"].setChecked(False)
    view.status_filter.actions_by_value["challenge"].setChecked(True)
    assert view.model.total == 1
    assert service.register_count(RegisterQuery(challenge_open=True)) == 1


def test_background_papers_are_typed_autosaved_and_locked(window, service, qtbot, keyboard):
    """The Details page's Background papers: a row added by keyboard, any text typed, a date
    that is not one kept on screen and flagged (the papers are not saved until it is one),
    then saved and audited; read-only once the record cannot be changed."""
    from desktop.domain.decision import Document

    decision_id, details = _details(window, keyboard)
    table = details.background_papers
    assert table in [f.widget for f in details.fields.values()]
    assert table.accessibleName() == "Background papers"
    table.add_button.setFocus()
    keyboard.press(Qt.Key.Key_Space)
    assert keyboard.focused() is table.cell(0, "title")
    keyboard.type("Cabinet report, 1 September")
    table.cell(0, "date").setText("31/02/2026")
    table.cell(0, "held_at").setPlainText("Démocratie & <services>")
    details._changed()
    assert "background_papers" not in details.changes()
    assert details.unsaveable() == ["Background paper 1: date “31/02/2026” is not a date"]
    details.show_problems()
    assert details.fields["background_papers"].error.text().startswith(
        "Enter the date of background paper 1")
    table.cell(0, "date").setText("01/09/2026")
    details._changed()
    paper = Document("Cabinet report, 1 September", "2026-09-01", "Démocratie & <services>")
    qtbot.waitUntil(lambda: service.get(decision_id).background_papers == (paper,),
                    timeout=2000)
    assert "background_papers" in {e.field for e in service.repo.audit_entries(decision_id)}
    details.show_problems()
    assert details.fields["background_papers"].error.isHidden()
    chain = details.focus_chain()
    assert chain.index(table.cell(0, "title")) > chain.index(
        details.recommendations.add_button if details.recommendations.row_count() == 0
        else details.recommendations.cell(0, "text"))
    window.editor.reload()
    assert details.background_papers.values() == [  # read back from the register
        {"title": paper.title, "date": "1 Sep 2026", "held_at": paper.held_at}]
    details.lock_as_typed()
    assert table.cell(0, "title").isReadOnly()


def test_dates_out_of_order_are_flagged_inline_and_not_saved(window, service, qtbot,
                                                             keyboard):
    decision_id, details = _details(window, keyboard)
    qtbot.keyClicks(details.inputs["decision_date"], "20/01/2027")
    qtbot.keyClicks(details.inputs["publication_date"], "18/01/2027")
    qtbot.keyClicks(details.inputs["forward_plan_notice_date"], "25/01/2027")
    qtbot.keyClicks(details.inputs["decision_maker"], "Cabinet")
    qtbot.waitUntil(lambda: service.get(decision_id).decision_maker == "Cabinet", timeout=2000)
    saved = service.get(decision_id)
    assert saved.decision_date == "2027-01-20"
    assert saved.publication_date is None and saved.forward_plan_notice_date is None
    assert details.fields["publication_date"].error.text() == (
        "The decision notice must be published on or after the decision date")
    assert details.fields["forward_plan_notice_date"].error.text() == (
        "The forward plan notice date must be on or before the decision date")
    assert any("Decision notice published" in p for p in details.unsaveable())
    details.inputs["publication_date"].clear()
    qtbot.keyClicks(details.inputs["publication_date"], "22/01/2027")
    qtbot.waitUntil(lambda: service.get(decision_id).publication_date == "2027-01-22",
                    timeout=2000)
    assert details.fields["publication_date"].error.isHidden()
