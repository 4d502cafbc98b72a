"""The appraisal page over the real application (DecisionService.appraisals and the
database): what is done on the page is what the register stores, and a refusal of the
service reaches the user as a message. The page's own behaviour is tested over a fake in
test_appraisal_page.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.decision import Option
from desktop.ui.editor.appraisal_page import COMPLETED, IN_PROGRESS, AppraisalPage, appraisal_state
from desktop.ui.editor.appraisal_writes import AppraisalWrites


def _page(qtbot, service, dialogs, decision):
    writes: AppraisalWrites = service.appraisals  # the service is what the page is given
    page = AppraisalPage(writes, dialogs)
    qtbot.addWidget(page)
    page.load(decision)
    page.resize(950, 900)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def test_an_appraisal_entered_on_the_page_is_stored(qtbot, service, dialogs, keyboard):
    d = service.create("Highways maintenance after 2027", options=(
        Option("Re-let the contract", "rejected", "outsource", "Two bidders last time."),
        Option("Bring in-house", "recommended", "in-house")))
    page = _page(qtbot, service, dialogs, d)
    page.start_button.click()
    stored = service.get(d.id).appraisal
    assert stored is not None and not stored.weights_locked
    criteria = stored.criteria
    assert QApplication.focusWidget() is page.criteria.weights[criteria[0].id]  # ready to weight
    for c in criteria:  # weights typed in, each saved as it is finished
        box = page.criteria.weights[c.id]
        box.setFocus()
        box.selectAll()
        keyboard.type("10")
        keyboard.press(Qt.Key.Key_Tab)
    assert {c.weight for c in service.get(d.id).appraisal.criteria} == {10}
    page.lock_button.click()
    assert service.get(d.id).appraisal.weights_locked_by == "tester"
    for row in range(len(criteria)):
        for column in range(2):
            page.open_cell(row, column)
            dialog = page.score_dialog
            dialog.buttons[3 + column].click()
            dialog.evidence.setPlainText(f"Cabinet report, table {row + 1} — “costs”")
            dialog.save_button.click()
    saved = service.get(d.id)
    cell = saved.appraisal.score(1, criteria[0].id)
    assert (cell.score, cell.evidence, cell.scored_by) == (4, "Cabinet report, table 1 — “costs”",
                                                            "tester")
    assert appraisal_state(saved) == COMPLETED
    # A weight changed after the lock asks first, and the register keeps the change.
    page.criteria.weights[criteria[1].id].setFocus()
    page.criteria.weights[criteria[1].id].selectAll()
    keyboard.type("40")
    keyboard.press(Qt.Key.Key_Return)
    assert [c[1] for c in dialogs.calls if c[0] == "confirm"][-1] == "Change a locked weight?"
    changes = service.get(d.id).appraisal.weight_changes
    assert [(w.criterion, w.old, w.new, w.changed_by) for w in changes] == [
        (criteria[1].id, 10, 40, "tester")]
    assert "by tester" in page.changes.text()
    page.rejected.setFocus()
    page.rejected.setPlainText("Re-letting was rejected: the market is thin.")
    qtbot.waitUntil(lambda: service.get(d.id).appraisal.rejected_text != "")
    assert service.get(d.id).appraisal.rejected_text == (
        "Re-letting was rejected: the market is thin.")


def test_a_refusal_of_the_service_is_told_and_the_page_shows_the_record(qtbot, service,
                                                                         dialogs):
    d = service.create("Libraries", options=(Option("Keep in-house", "rejected", "in-house"),
                                             Option("Community trust", "recommended",
                                                    "social-sector")))
    page = _page(qtbot, service, dialogs, d)
    page.start_button.click()
    page.lock_button.click()  # every weight is still 0: the service refuses
    errors = [c for c in dialogs.calls if c[0] == "error"]
    assert errors and errors[-1][1] == "Cannot lock the weights"
    assert "weight above 0" in errors[-1][2]
    assert not service.get(d.id).appraisal.weights_locked
    assert page.lock_button.isVisibleTo(page)
    assert appraisal_state(service.get(d.id)) == IN_PROGRESS
    assert QApplication.activeWindow() is not None


def test_check_your_answers_links_to_the_appraisal_and_says_where_pages_disagree(window,
                                                                                   service):
    from desktop.domain.appraisal import Criterion, csf_criterion
    from desktop.domain.decision import Answer, Rating
    from tests.helpers.shipped import SLUGS

    d = service.create("Libraries", options=(
        Option("Keep in-house", "rejected", "in-house", "Cannot be afforded."),
        Option("Community trust", "recommended", "social-sector")))
    service.appraisals.start(d.id, (Criterion(SLUGS[0], "principle", weight=50),
                                    csf_criterion("value-for-money", 50)))
    window.open_decision(d.id, 0)
    editor = window.editor
    window.summary_action.trigger()
    link = next(b for b in editor.summary.links if b.text().startswith("Options appraisal: "))
    assert link.text() == "Options appraisal: Lock the weights, then score the options"
    link.click()
    assert editor.current_page() == editor.appraisal_page
    assert QApplication.focusWidget() is editor.appraisal.criteria.weights[SLUGS[0]]
    assert editor.task_list.state(editor.appraisal_page) == IN_PROGRESS

    service.appraisals.lock_weights(d.id)
    for option, score in ((0, 3), (1, 1)):  # the recommended trust scores 1 on the section
        service.appraisals.score(d.id, option, SLUGS[0], score)
        service.appraisals.score(d.id, option, "value-for-money", 3)
    service.set_answer(d.id, SLUGS[0], Answer(Rating.GREEN, "Upheld."))
    editor.reload()
    window.summary_action.trigger()
    said = editor.summary.disagreements
    assert said is not None and "is rated Green on its page, but the recommended option, " \
        "Community trust, scores 1 poor against it" in said.text()
    assert not [b for b in editor.summary.links if b.text().startswith("Options appraisal: ")]
    assert editor.task_list.state(editor.appraisal_page) == COMPLETED
