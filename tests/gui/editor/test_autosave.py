"""Autosave: every edit reaches the database within about a second, and nothing typed is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop.domain.decision import Rating
from desktop.domain.errors import StorageError

NASTY = "Emoji 😀🎉, Arabic مرحبا بالعالم, café, <b>&amp; ' \" \\ \t tab"


def _new_on_page(window, page: int):
    window.new_decision()
    window.editor.go_to(page)
    return window.current_decision_id()


def test_typing_reaches_the_database_with_no_button(window, service, qtbot):
    decision_id = _new_on_page(window, 1)
    page = window.editor.principles[0]
    page.response.setFocus()
    qtbot.keyClicks(page.response, "Keeps services accountable")
    assert service.get(decision_id).answer("values").response == ""  # not instant...
    qtbot.waitUntil(  # ...but within about a second
        lambda: service.get(decision_id).answer("values").response == "Keeps services accountable",
        timeout=1500)
    assert window.saved_label.text().startswith("Saved at ")


def test_details_typed_are_saved_and_bad_dates_are_flagged_not_lost(window, service, qtbot):
    decision_id = _new_on_page(window, 0)
    details = window.editor.details
    qtbot.keyClicks(details.inputs["decision_maker"], "Cabinet")
    qtbot.keyClicks(details.inputs["meeting_date"], "2026-13-45")
    qtbot.waitUntil(lambda: service.get(decision_id).decision_maker == "Cabinet", timeout=1500)
    assert service.get(decision_id).meeting_date is None
    assert details.fields["meeting_date"].error.text().startswith("Enter a real date")
    assert details.inputs["meeting_date"].text() == "2026-13-45"  # still on screen
    details.inputs["meeting_date"].clear()
    qtbot.keyClicks(details.inputs["meeting_date"], "2026-12-09")
    qtbot.waitUntil(lambda: service.get(decision_id).meeting_date == "2026-12-09", timeout=1500)
    assert details.fields["meeting_date"].error.isHidden()


def test_non_ascii_text_survives_to_the_database(window, service):
    decision_id = _new_on_page(window, 0)
    title = window.editor.details.inputs["title"]
    title.selectAll()
    title.insert("Café ☕ مكتبة <b>&amp;")  # insert() is an edit, as typing is
    window.editor.details.inputs["proposal"].setPlainText(NASTY)
    window.editor.go_to(4)
    page = window.editor.principles[3]
    page.response.setPlainText(NASTY)
    page.evidence.insertPlainText("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 evidence")
    assert window.editor.save_now()
    saved = service.get(decision_id)
    assert saved.title == "Café ☕ مكتبة <b>&amp;"
    assert saved.proposal == NASTY
    assert saved.answer("users").response == NASTY
    assert saved.answer("users").evidence == "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 evidence"


def test_closing_mid_edit_keeps_the_edit_and_reopening_finds_everything(
        make_window, service, db_path, qtbot):
    window = make_window(service, autosave_ms=60_000)  # the timer never fires in this test
    decision_id = _new_on_page(window, 3)
    page = window.editor.principles[2]
    page.rating_buttons[Rating.AMBER].click()
    qtbot.keyClicks(page.response, "Unions consulted")
    page.actions.add_row()
    qtbot.keyClicks(page.actions.cell(0, "action"), "Agree overtime rates")
    qtbot.keyClicks(page.actions.cell(0, "owner"), "Head of HR")
    qtbot.keyClicks(page.actions.cell(0, "due"), "2027-02-28")
    qtbot.keyClicks(page.evidence, "Letters of 3 Nov")  # typed just before closing
    window.close()

    from desktop.application.bootstrap import open_service

    fresh = open_service(db_path, user="tester")  # another connection: it is in the file
    try:
        answer = fresh.get(decision_id).answer("staff")
    finally:
        fresh.db.close()
    assert answer.rating == Rating.AMBER
    assert answer.response == "Unions consulted"
    assert answer.evidence == "Letters of 3 Nov"
    assert [(a.action, a.owner, a.due) for a in answer.actions] == [
        ("Agree overtime rates", "Head of HR", "2027-02-28")]

    again = make_window(service)  # same settings: the last open decision and page come back
    assert again.showing_editor()
    assert again.current_decision_id() == decision_id
    assert again.editor.current_page() == 3
    reopened = again.editor.principles[2]
    assert reopened.evidence.toPlainText() == "Letters of 3 Nov"
    assert reopened.actions.cell(0, "owner").text() == "Head of HR"
    assert reopened.rating() == Rating.AMBER


def test_saving_does_not_wipe_the_undo_stack(window, service, qtbot):
    decision_id = _new_on_page(window, 1)
    response = window.editor.principles[0].response
    qtbot.keyClicks(response, "first words")
    qtbot.waitUntil(lambda: service.get(decision_id).answer("values").response == "first words",
                    timeout=1500)
    assert response.document().isUndoAvailable()
    response.undo()
    assert response.toPlainText() != "first words"
    response.redo()
    assert response.toPlainText() == "first words"


def test_storage_error_shows_a_dialog_keeps_the_text_and_retries(
        window, service, dialogs, qtbot, monkeypatch):
    decision_id = _new_on_page(window, 1)
    real = service.set_answer

    def full_disk(*_a, **_k):
        raise StorageError("The disk holding decisions.db is full, so changes cannot be saved. "
                           "Free some space; nothing already saved has been lost.")

    monkeypatch.setattr(service, "set_answer", full_disk)
    response = window.editor.principles[0].response
    qtbot.keyClicks(response, "typed while the disk is full")
    qtbot.waitUntil(lambda: any(c[0] == "error" for c in dialogs.calls), timeout=1500)
    title, text = next((c[1], c[2]) for c in dialogs.calls if c[0] == "error")
    assert "not saved" in title and "Free some space" in text and "still on screen" in text
    assert response.toPlainText() == "typed while the disk is full"
    assert window.saved_label.text().startswith("Not saved")
    qtbot.keyClicks(response, "!")
    assert not window.editor.save_now()
    assert sum(c[0] == "error" for c in dialogs.calls) == 1  # one dialog, not one per keystroke

    monkeypatch.setattr(service, "set_answer", real)
    qtbot.keyClicks(response, "!")
    qtbot.waitUntil(lambda: service.get(decision_id).answer("values").response
                    == "typed while the disk is full!!", timeout=1500)


def test_a_withdrawn_record_opens_read_only_with_a_banner(window, service):
    d = service.create("Old idea", proposal="x")
    service.withdraw(d.id)
    window.register.refresh()
    window.open_decision(d.id, 1)
    editor = window.editor
    assert editor.read_only
    assert editor.banner.isVisible() and "withdrawn" in editor.banner.text.text()
    assert editor.principles[0].response.isReadOnly()
    assert editor.details.inputs["title"].isReadOnly()
    assert not editor.principles[0].rating_buttons[Rating.GREEN].isEnabled()
    editor.principles[0].response.setPlainText("should not save")
    assert editor.save_now()
    assert service.get(d.id).answer("values").response == ""


def test_next_and_back_buttons_walk_the_pages(window):
    window.new_decision()
    editor = window.editor
    assert not editor.back_button.isEnabled()
    # In reading order: the details, the options appraisal, the ten sections, the summary.
    assert [editor.task_list.title(p) for p in editor.order[:3]] == [
        "Decision details", "Options appraisal", editor.task_list.title(1)]
    for expected in (editor.appraisal_page, *range(1, 12)):
        editor.next_button.click()
        assert editor.current_page() == expected
    assert editor.next_button.isHidden()
    editor.back_button.click()
    assert editor.current_page() == 10
    editor.task_list.setCurrentRow(5)  # clicking a task opens it: row 5 is section 4
    assert editor.current_page() == 4
    editor.task_list.setCurrentRow(1)
    assert editor.current_page() == editor.appraisal_page
    editor.back_button.click()
    assert editor.current_page() == 0
    window.summary_action.trigger()
    first_missing = editor.summary.links[0]
    first_missing.click()
    assert editor.current_page() == 0  # "Decision details: Describe what is proposed"
    assert QApplication.focusWidget() is editor.details.inputs["proposal"]


def test_uk_dates_are_understood_and_stored_as_iso(window, service, qtbot):
    decision_id = _new_on_page(window, 0)
    details = window.editor.details
    qtbot.keyClicks(details.inputs["meeting_date"], "31/03/2027")
    qtbot.waitUntil(lambda: service.get(decision_id).meeting_date == "2027-03-31", timeout=1500)
    assert details.fields["meeting_date"].error.isHidden()
    window.editor.go_to(3)
    page = window.editor.principles[2]
    page.actions.add_row()
    assert page.actions.row_count() == 1
    qtbot.keyClicks(page.actions.cell(0, "due"), "28/2/2027")
    assert window.editor.save_now()
    assert service.get(decision_id).answer("staff").actions[0].due == "2027-02-28"


def test_closing_with_a_date_that_cannot_be_saved_asks_first(window, service, qtbot, dialogs):
    decision_id = _new_on_page(window, 0)
    details = window.editor.details
    qtbot.keyClicks(details.inputs["review_date"], "next spring")
    assert window.editor.save_now()
    dialogs.confirm_answer = False  # "Cancel": stay and correct it
    assert not window.close()
    asked = [c for c in dialogs.calls if c[0] == "confirm"]
    assert asked and asked[-1][1] == "Some of what you typed cannot be saved"
    assert "Review date: “next spring” is not a date" in asked[-1][2]
    assert window.isVisible() and details.inputs["review_date"].text() == "next spring"
    details.inputs["review_date"].clear()
    qtbot.keyClicks(details.inputs["review_date"], "1 April 2028")
    assert window.close()  # nothing left that cannot be saved: no question
    assert service.get(decision_id).review_date == "2028-04-01"


def test_a_title_too_long_to_save_is_not_dropped_without_asking(window, service, dialogs):
    decision_id = _new_on_page(window, 0)
    title = window.editor.details.inputs["title"]
    title.selectAll()
    title.insert("x" * 250)
    assert window.editor.save_now()
    assert service.get(decision_id).title != "x" * 250  # too long to store...
    dialogs.confirm_answer = False
    assert not window.close()  # ...so closing asks first
    asked = [c for c in dialogs.calls if c[0] == "confirm"][-1]
    assert "Title: 250 characters, and at most 200 can be saved" in asked[2]
