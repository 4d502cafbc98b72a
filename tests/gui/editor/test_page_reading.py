"""Reading what a page holds paints nothing: its errors are shown only when asked."""

from __future__ import annotations

from desktop.ui.editor.details_page import DetailsPage
from desktop.ui.editor.principle_page import PrinciplePage
from tests.helpers.shipped import SLUGS


def test_reading_the_details_leaves_the_errors_alone(qtbot):
    page = DetailsPage()
    qtbot.addWidget(page)
    page.inputs["title"].setText("")
    page.inputs["meeting_date"].setText("2026-13-45")
    changes = page.changes()
    assert "title" not in changes and "meeting_date" not in changes  # left out...
    assert page.fields["title"].error.isHidden()  # ...but not flagged by reading
    assert page.fields["meeting_date"].error.isHidden()
    assert set(page.problems()) == {"title", "meeting_date"}
    page.show_problems()
    assert page.fields["title"].error.text() == "Enter a title"
    assert page.fields["meeting_date"].error.text().startswith("Enter a real date")
    page.inputs["meeting_date"].setText("9/12/2026")
    assert page.changes()["meeting_date"] == "2026-12-09"
    page.show_problems()
    assert page.fields["meeting_date"].error.isHidden()


def test_reading_an_answer_leaves_the_errors_alone(qtbot, service):
    principle = service.checklist.principle(SLUGS[0])
    page = PrinciplePage(principle, service.checklist.position(principle))
    qtbot.addWidget(page)
    page.actions.add_row()
    page.actions.cell(0, "action").setPlainText("Consult")
    page.actions.cell(0, "due").setText("soon")
    assert page.answer().actions[0].due is None  # left out...
    assert page.actions_field.error.isHidden()  # ...but not flagged by reading
    page.show_problems()
    assert page.actions_field.error.text().startswith("Enter the due date of action 1")
    page.actions.cell(0, "due").setText("31/03/2027")
    assert page.answer().actions[0].due == "2027-03-31"
    page.show_problems()
    assert page.actions_field.error.isHidden()


def test_a_documents_date_that_is_not_a_date_is_flagged_and_not_saved(qtbot, service):
    principle = service.checklist.principle(SLUGS[2])
    page = PrinciplePage(principle, service.checklist.position(principle))
    qtbot.addWidget(page)
    page.documents.add_row()
    page.documents.cell(0, "title").setPlainText("Staff consultation report – résumé")
    page.documents.cell(0, "date").setText("31/02/2026")
    page.documents.cell(0, "held_at").setPlainText("HR shared drive")
    assert page.answer().documents[0].date is None  # left out...
    assert page.unsaveable() == [
        "Staff, document 1: date “31/02/2026” is not a date"]
    page.show_problems()
    assert page.documents_field.error.text().startswith("Enter the date of document 1")
    page.documents.cell(0, "date").setText("28/02/2026")
    assert page.answer().documents[0].date == "2026-02-28"
    assert page.answer().documents[0].title == "Staff consultation report – résumé"
    page.show_problems()
    assert page.documents_field.error.isHidden() and page.unsaveable() == []
