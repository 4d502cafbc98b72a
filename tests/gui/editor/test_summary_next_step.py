"""Issue 13, keyboard: "Check your answers" opens with the focus on the next step, not on the
first "Change" link."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop.application import lifecycle
from tests.helpers.gui import ROLES, complete_decision, sign_all
from tests.helpers.shipped import SUMMARY_PAGE


def open_summary(window, decision_id):
    window.open_decision(decision_id, SUMMARY_PAGE)
    return window.editor.summary, QApplication.focusWidget()


def test_a_complete_draft_opens_on_export_for_committee(window, service):
    ready = complete_decision(service)
    summary, focused = open_summary(window, ready.id)
    assert focused is summary.export_button
    assert focused.text() == "Export for committee"


def test_a_record_being_signed_opens_on_the_next_sign_off(window, service):
    ready = complete_decision(service)
    service.lifecycle.record_sign_off(ready.id, lifecycle.SignOffRequest(
        ROLES[0], "Ann Director", "2026-11-20"))
    summary, focused = open_summary(window, ready.id)
    assert focused is summary.sign_off_button


def test_a_signed_off_record_opens_on_its_export(window, service):
    ready = complete_decision(service)
    sign_all(service, ready.id)
    summary, focused = open_summary(window, ready.id)
    assert focused is summary.export_button
    assert focused.text() == "Export the assurance record"


def test_an_incomplete_draft_opens_on_the_first_missing_item(window, service):
    d = service.create("Close the depot", proposal="Close it.")
    summary, focused = open_summary(window, d.id)
    assert focused is summary.links[0]
    assert focused.text().startswith("1. ")  # a missing item, not a "Change" link


def test_view_check_your_answers_puts_the_focus_on_the_next_step(window, service):
    ready = complete_decision(service)
    window.open_decision(ready.id, 3)
    window.summary_action.trigger()
    assert window.editor.current_page() == SUMMARY_PAGE
    assert QApplication.focusWidget() is window.editor.summary.export_button


def test_an_incomplete_record_is_not_yet_rated_on_check_your_answers(window, service):
    """Issue 13 item 9, as the register and the PDF say it: a part-answered draft shows no
    overall rating as if assured, and a complete one shows its rating."""
    from desktop.domain.decision import Answer, Rating, completeness

    draft = service.create("Partly answered", proposal="P")
    draft = service.set_answer(draft.id, "staff", Answer(rating=Rating.RED, response="No."))
    summary, _ = open_summary(window, draft.id)
    assert summary.rating_line is not None and summary.rating_line.text() == (
        f"Overall rating: Not yet rated ({completeness(draft)} of {len(draft.sections)} "
        "principles completed)")
    ready = complete_decision(service)
    summary, _ = open_summary(window, ready.id)
    assert summary.rating_line is not None
    assert "Not yet rated" not in summary.rating_line.text()
    assert "Amber" in summary.rating_line.text()
