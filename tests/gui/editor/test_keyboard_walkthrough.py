"""A new decision completed with the keyboard alone, checked through the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QRadioButton

from desktop.domain.decision import Document, Rating, Status, completeness
from tests.helpers.shipped import SLUGS

Key = Qt.Key
# How many Down presses from Green reach each rating.
DOWNS = {Rating.GREEN: 0, Rating.AMBER: 1, Rating.RED: 2, Rating.NOT_APPLICABLE: 3}
PLAN = {slug: Rating.GREEN for slug in SLUGS} | {
    "staff": Rating.AMBER, "voluntary-sector": Rating.RED, "radical": Rating.NOT_APPLICABLE,
}


def test_create_and_complete_all_ten_by_keyboard(window, service, keyboard):
    keyboard.ctrl(Key.Key_N)
    assert window.showing_editor()
    title = keyboard.focused()
    assert isinstance(title, QLineEdit) and title.accessibleName() == "Title"
    keyboard.type("Close the Riverside depot")
    keyboard.press(Key.Key_Tab)  # reference
    keyboard.type("EX/2027/001")
    keyboard.press(Key.Key_Tab)  # proposal
    assert keyboard.focused().accessibleName() == "Proposal"
    keyboard.type("Merge the Riverside depot into the shared highways service.")
    keyboard.ctrl(Key.Key_PageDown)  # the options appraisal: the shortlist lacks an alternative
    assert window.editor.current_page() == window.editor.appraisal_page
    assert keyboard.focused() is window.editor.appraisal.to_details

    for number, slug in enumerate(SLUGS, start=1):
        keyboard.ctrl(Key.Key_PageDown)
        assert window.editor.current_page() == number
        radio = keyboard.focused()
        assert isinstance(radio, QRadioButton), radio
        rating = PLAN[slug]
        if DOWNS[rating]:
            keyboard.press(Key.Key_Down, times=DOWNS[rating])
        keyboard.press(Key.Key_Space)
        assert window.editor.principles[number - 1].rating() == rating
        keyboard.press(Key.Key_Tab)
        assert isinstance(keyboard.focused(), QPlainTextEdit)
        assert keyboard.focused().accessibleName().startswith("How does the proposal")
        keyboard.type(f"Response for {slug}.")
        keyboard.press(Key.Key_Tab)  # evidence
        keyboard.type(f"Evidence for {slug}.")
        keyboard.press(Key.Key_Tab)  # "Add a document"
        assert keyboard.focused().text() == "Add a document"
        if slug == "staff":  # a background paper, by keyboard; then one added and removed
            keyboard.press(Key.Key_Space)
            assert keyboard.focused().accessibleName() == "Title of document 1"
            keyboard.type("Workforce consultation report")
            keyboard.press(Key.Key_Tab)
            assert keyboard.focused().accessibleName() == "Date of document 1"
            keyboard.type("2026-10-14")
            keyboard.press(Key.Key_Tab)
            assert keyboard.focused().accessibleName() == "Where the document is held 1"
            keyboard.type("HR shared drive")
            keyboard.press(Key.Key_Tab)
            keyboard.press(Key.Key_Tab)  # past "Remove document 1" to "Add a document"
            keyboard.press(Key.Key_Space)
            assert keyboard.focused().accessibleName() == "Title of document 2"
            keyboard.type("Draft, not needed")
            keyboard.press(Key.Key_Tab, times=3)
            assert keyboard.focused().accessibleName() == "Remove document 2"
            keyboard.press(Key.Key_Space)
            keyboard.press(Key.Key_Tab, times=4)  # past document 1's cells and remover
            assert keyboard.focused().text() == "Add a document"
        if rating in (Rating.AMBER, Rating.RED):
            keyboard.press(Key.Key_Tab)  # "Add an action"
            assert keyboard.focused().text() == "Add an action"
            keyboard.press(Key.Key_Space)
            assert keyboard.focused().accessibleName() == "Action 1"
            keyboard.type(f"Fix the gap in {slug}")
            keyboard.press(Key.Key_Tab)
            keyboard.type("Head of Service")
            keyboard.press(Key.Key_Tab)
            assert keyboard.focused().accessibleName() == "Due date of action 1"
            keyboard.type("2027-03-31")

    keyboard.ctrl(Key.Key_PageDown)  # to "Check your answers"; the page change saves
    assert window.editor.current_page() == 11

    saved = service.get(window.current_decision_id())
    assert saved.title == "Close the Riverside depot"
    assert saved.reference == "EX/2027/001"
    assert completeness(saved) == 10
    assert saved.status == Status.READY
    assert {s: saved.answer(s).rating for s in SLUGS} == PLAN
    assert saved.answer("staff").actions[0].due == "2027-03-31"
    assert saved.answer("staff").documents == (
        Document("Workforce consultation report", "2026-10-14", "HR shared drive"),)
    assert all(not saved.answer(s).documents for s in SLUGS if s != "staff")
    assert window.editor.progress_label.text() == "10 of 10 principles completed"
    assert window.editor.summary.export_button.text() == "Export for committee"


def test_ctrl_pgup_goes_back_and_ctrl_f_searches(window, service, keyboard):
    keyboard.ctrl(Key.Key_N)
    keyboard.type("Library hours")  # kept: an untouched new decision is discarded on leaving
    keyboard.ctrl(Key.Key_PageDown)  # the options appraisal
    keyboard.ctrl(Key.Key_PageDown)
    keyboard.ctrl(Key.Key_PageDown)
    assert window.editor.current_page() == 2
    keyboard.ctrl(Key.Key_PageUp)
    assert window.editor.current_page() == 1
    keyboard.ctrl(Key.Key_F)
    assert not window.showing_editor()
    assert keyboard.focused() is window.register.search
