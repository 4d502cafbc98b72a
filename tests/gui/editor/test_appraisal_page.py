"""The options appraisal page, driven as a user drives it: the keyboard path to score a cell,
scoring refused before the weights are locked, a weight changed after the lock asked first
and recorded, the page's status, and a 6 x 20 appraisal that does not push the page sideways.
The page talks to an in-memory AppraisalWrites over the domain rules (tests/helpers)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from desktop import paths
from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain import appraisal as rules
from desktop.domain.appraisal_text import (
    generated_rejected_paragraph,
    rejected_options_text,
    sensitivity_line,
)
from desktop.domain.checklist import load_checklist
from desktop.domain.decision import Decision, Option
from desktop.ui.editor.appraisal_page import (
    CANNOT_START,
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    PAGE_WIDTH,
    AppraisalPage,
    appraisal_state,
    own_id,
)
from desktop.ui.widgets import scroll_page
from tests.helpers.appraisal_fake import FakeAppraisals, appraised, options

SHIPPED = load_shipped_checklist()
STATUTORY = load_checklist(paths.resource("checklist-statutory.json"),
                           paths.checklist_schema_path())


@pytest.fixture
def show(qtbot, themed, dialogs):
    """show(decision, width): the page in a scroll page `width` logical px wide (the editor's
    page area, right of the task list: 960 of 1280), over a fake of the writes."""
    hosts = []  # qtbot holds its widgets weakly

    def make(decision: Decision, width: int = 950, height: int = 700):
        fake = FakeAppraisals(SHIPPED, decision)
        page = AppraisalPage(fake, dialogs)
        page.load(decision)
        host = QWidget()
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        area = scroll_page(page)
        page.setMaximumWidth(PAGE_WIDTH)
        row.addWidget(area)
        host.resize(width, height)
        qtbot.addWidget(host)
        hosts.append(host)
        host.show()
        qtbot.waitExposed(host)
        host.activateWindow()
        qtbot.waitUntil(host.isActiveWindow)
        return page, fake, area

    return make


def test_the_keyboard_reaches_a_cell_and_scores_it(show, qtbot, keyboard):
    d = appraised(SHIPPED, 3, 8, scored=False)
    page, fake, _area = show(d)
    page.focus_field()
    assert QApplication.focusWidget() is page.matrix
    keyboard.press(Qt.Key.Key_Right)
    keyboard.press(Qt.Key.Key_Down)
    keyboard.press(Qt.Key.Key_Tab)  # along the row: option 3
    index = page.matrix.currentIndex()
    assert (index.row(), index.column()) == (1, 2)
    assert QApplication.focusWidget() is page.matrix
    keyboard.press(Qt.Key.Key_Return)
    dialog = page.score_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.buttons[0])
    keyboard.press(Qt.Key.Key_3)
    assert dialog.chosen() == 3
    keyboard.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.evidence
    keyboard.type("Report to Cabinet, p. 4")
    keyboard.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.save_button
    keyboard.press(Qt.Key.Key_Return)
    criterion = d.appraisal.criteria[1]
    cell = fake.records[d.id].appraisal.score(2, criterion.id)
    assert (cell.score, cell.evidence, cell.scored_by) == (3, "Report to Cabinet, p. 4",
                                                            "A. Officer")
    assert page.matrix.model().index(1, 2).data() == "3 good"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.matrix)
    # F2 opens the same cell again, showing who scored it and when.
    keyboard.press(Qt.Key.Key_F2)
    again = page.score_dialog
    assert again is not dialog and again.isVisible()
    assert again.chosen() == 3 and again.evidence.text() == "Report to Cabinet, p. 4"
    assert "Scored 3 good by A. Officer on 1 Dec 2026" in " ".join(
        lab.text() for lab in again.findChildren(type(again.problem)))
    again.reject()


def test_tab_walks_every_cell_and_then_leaves_the_matrix(show, keyboard):
    d = appraised(SHIPPED, 2, 3, scored=False)
    page, _fake, _area = show(d)
    page.matrix.setFocus()
    seen = []
    for _ in range(6):
        index = page.matrix.currentIndex()
        seen.append((index.row(), index.column()))
        keyboard.press(Qt.Key.Key_Tab)
    assert seen == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert QApplication.focusWidget() is not page.matrix  # past the last cell: out


def test_scoring_before_the_weights_are_locked_is_refused(show, dialogs, keyboard):
    d = appraised(SHIPPED, 3, 8, locked=False)
    page, fake, _area = show(d)
    assert "Scoring opens once the weights are locked" in page.matrix_hint.text()
    page.matrix.setFocus()
    keyboard.press(Qt.Key.Key_Return)
    assert page.score_dialog is None
    assert [c[1] for c in dialogs.calls if c[0] == "error"] == ["Lock the weights before scoring"]
    assert not [w for w in fake.writes if w[0] == "score"]
    # Locking asks first, says a later change is recorded, then scoring opens.
    page.lock_button.click()
    asked = [c for c in dialogs.calls if c[0] == "confirm"]
    assert asked[-1][1] == "Lock the weights?" and "recorded" in asked[-1][2]
    assert fake.records[d.id].appraisal.weights_locked
    assert not page.lock_button.isVisibleTo(page)
    assert "Weights locked on 1 Dec 2026 by A. Officer" in page.weights_hint.text()
    assert QApplication.focusWidget() is page.matrix  # locking goes on to the scores
    keyboard.press(Qt.Key.Key_Return)
    assert page.score_dialog is not None and page.score_dialog.isVisible()
    page.score_dialog.reject()


def test_locking_cancelled_leaves_the_weights_open(show, dialogs):
    dialogs.confirm_answer = False
    page, fake, _area = show(appraised(SHIPPED, 3, 8, locked=False))
    page.lock_button.click()
    assert not fake.records["d1"].appraisal.weights_locked
    assert page.lock_button.isVisibleTo(page)


def _type_weight(page, keyboard, criterion: str, value: str) -> None:
    box = page.criteria.weights[criterion]
    box.setFocus()
    box.selectAll()
    keyboard.type(value)
    keyboard.press(Qt.Key.Key_Return)


def test_a_weight_changed_after_the_lock_asks_and_is_recorded(show, dialogs, keyboard):
    d = appraised(SHIPPED, 3, 8)
    c = d.appraisal.criteria[2]
    page, fake, _area = show(d)
    assert not page.criteria.must_pass[c.id].isEnabled()  # fixed once locked
    _type_weight(page, keyboard, c.id, "30")
    title, text = [(t, x) for kind, t, x in dialogs.calls if kind == "confirm"][-1]
    assert title == "Change a locked weight?"
    assert f"from {c.weight} to 30 is recorded" in text
    stored = fake.records[d.id].appraisal
    assert stored.criterion(c.id).weight == 30
    assert [(w.criterion, w.old, w.new) for w in stored.weight_changes] == [(c.id, c.weight, 30)]
    assert page.changes.isVisibleTo(page)
    assert f"{c.title}: {c.weight} to 30, by A. Officer, on 1 Dec 2026" in page.changes.text()


def test_a_weight_change_declined_is_put_back_and_not_recorded(show, dialogs, keyboard):
    d = appraised(SHIPPED, 3, 8)
    c = d.appraisal.criteria[2]
    page, fake, _area = show(d)
    dialogs.confirm_answer = False
    _type_weight(page, keyboard, c.id, "30")
    assert page.criteria.weights[c.id].value() == c.weight
    assert fake.records[d.id].appraisal.weight_changes == ()
    assert not page.changes.isVisibleTo(page)


def test_before_the_lock_weights_must_pass_and_own_criteria_are_saved(show, keyboard):
    d = appraised(SHIPPED, 3, 5, locked=False)  # the five factors
    page, fake, _area = show(d)
    first = d.appraisal.criteria[0].id
    _type_weight(page, keyboard, first, "45")
    page.criteria.must_pass[first].click()
    stored = fake.records[d.id].appraisal
    assert stored.criterion(first).weight == 45
    assert stored.criterion(first).must_pass is not d.appraisal.criteria[0].must_pass
    assert stored.weight_changes == ()  # not locked: nothing to record
    for title in ("Social value", "Carbon", "Staff terms"):
        page.own_title.setFocus()
        keyboard.type(title)
        keyboard.press(Qt.Key.Key_Return)
    own = [c for c in fake.records[d.id].appraisal.criteria if c.kind == "custom"]
    assert [(c.id, c.title) for c in own] == [("social-value", "Social value"),
                                              ("carbon", "Carbon"),
                                              ("staff-terms", "Staff terms")]
    assert not page.add_button.isEnabled() and "3 of your own" in page.own_field.hint.text()
    page.criteria.removers["carbon"].click()
    assert "carbon" not in fake.records[d.id].appraisal.criterion_ids
    assert page.add_button.isEnabled()


def test_own_ids_are_unique_and_never_a_factor():
    assert own_id("Social value & local jobs", ()) == "social-value-local-jobs"
    assert own_id("Carbon", ("carbon",)) == "carbon-2"
    assert own_id("Affordability", ()) == "affordability-2"
    assert own_id("£££", ()) == "own"


def test_page_status_follows_the_appraisal(show):
    no_usual = Decision(id="d1", title="T", options=(Option("Outsource", "recommended",
                                                            "outsource"),))
    assert appraisal_state(no_usual) == CANNOT_START
    page, _fake, _area = show(no_usual)
    assert page.problem_box.isVisibleTo(page) and not page.start_row.isVisibleTo(page)
    assert "Add business as usual" in page.problems.text()
    assert "Add at least one alternative" not in page.problems.text()

    ready = Decision(id="d1", title="T", options=options(3))
    assert appraisal_state(ready) == NOT_STARTED
    page, fake, _area = show(ready)
    assert not page.problem_box.isVisibleTo(page) and page.start_row.isVisibleTo(page)
    page.start_button.click()
    started = fake.records["d1"]
    assert started.appraisal.criteria == rules.default_criteria(SHIPPED)
    assert page.body.isVisibleTo(page) and appraisal_state(started) == IN_PROGRESS
    assert page.todo.text() == ("To complete the appraisal:\n• Lock the weights, then score the "
                                "options.\n• Score every option against every criterion (45 of "
                                "45 cells not scored).")

    done = appraised(SHIPPED, 3, 8)
    assert appraisal_state(done) == COMPLETED
    page, _fake, _area = show(done)
    assert page.todo.text() == "The appraisal is complete."
    recommended_fails = replace(done, options=tuple(
        replace(o, status="recommended" if i == 1 else "rejected")
        for i, o in enumerate(done.options)))  # option 2 scores 0 on a must-pass criterion
    assert appraisal_state(recommended_fails) == IN_PROGRESS


def test_results_show_totals_ranks_fails_sensitivity_and_the_chart(show):
    d = appraised(SHIPPED, 4, 8)
    page, _fake, _area = show(d)
    rows = [[page.results.item(r, c).text() for c in range(4)]
            for r in range(page.results.rowCount())]
    ranked = rules.ranking(d.appraisal, 4)
    assert [row[1].split(".")[0] for row in rows] == [str(r.option + 1) for r in ranked]
    assert rows[-1][3].startswith("Fails: ")  # option 2 fails the first must-pass criterion
    assert page.sensitivity.text() == sensitivity_line(d)
    bars = page.chart.bars()
    assert len(bars) == 4 and bars[1].failed and "fails a must-pass criterion" in bars[1].label


def test_the_page_says_where_a_principle_page_disagrees(show):
    from desktop.domain.decision import Answer, Rating

    d = appraised(SHIPPED, 4, 10)
    section = d.appraisal.criteria[0]  # a principle, scored 3 by the recommended option
    assert section.kind == "principle"
    d = replace(d, answers={section.id: Answer(rating=Rating.RED, response="No.")})
    page, _fake, _area = show(d)
    assert page.disagreements.isVisibleTo(page)
    assert f"{section.title} is rated" in page.disagreements.text()


def test_the_rejected_paragraph_keeps_an_edit_until_the_generated_text_is_restored(show, qtbot):
    d = appraised(SHIPPED, 3, 8)
    page, fake, _area = show(d)
    assert page.rejected.text() == generated_rejected_paragraph(d)
    assert not page.use_generated.isVisibleTo(page)
    page.rejected.setFocus()
    page.rejected.setPlainText("We rejected the others for the reasons in the report.")
    qtbot.waitUntil(lambda: fake.records[d.id].appraisal.rejected_text != "")
    assert rejected_options_text(fake.records[d.id]) == (
        "We rejected the others for the reasons in the report.")
    assert page.use_generated.isVisibleTo(page) and "Your own wording" in page.rejected_hint.text()
    page.use_generated.click()
    assert fake.records[d.id].appraisal.rejected_text == ""
    assert page.rejected.text() == generated_rejected_paragraph(fake.records[d.id])


@settings(max_examples=15)
@given(text=st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_any_evidence_typed_is_saved_as_typed(show, text):
    d = appraised(SHIPPED, 2, 5, scored=False)
    page, fake, _area = show(d)
    page.open_cell(0, 1)
    dialog = page.score_dialog
    dialog.buttons[2].click()
    dialog.evidence.setPlainText(text)
    dialog.save_button.click()
    cell = fake.records[d.id].appraisal.score(1, d.appraisal.criteria[0].id)
    assert (cell.score, cell.evidence) == (2, text)
    page.window().close()


def test_six_options_and_twenty_criteria_fit_across_at_1280(show):
    d = appraised(STATUTORY, 6, 20)
    page, _fake, area = show(d, width=950)  # 1280 px less the task list
    assert len(d.appraisal.criteria) == 20 and len(d.options) == 6
    assert area.horizontalScrollBar().maximum() == 0
    assert page.matrix.horizontalScrollBar().maximum() == 0  # every option in view
    header = page.matrix.horizontalHeader()
    for column in range(6):  # each name whole: its wrapped lines fit the column
        text = page.matrix.model().headerData(column, Qt.Orientation.Horizontal)
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        assert widest <= page.matrix.columnWidth(column)


def test_at_150_percent_only_the_matrix_scrolls_sideways(show, keyboard):
    d = appraised(STATUTORY, 6, 20)
    page, _fake, area = show(d, width=570, height=420)  # 1280 x 800 at 150%, in logical px
    assert area.horizontalScrollBar().maximum() <= 24  # the page: at most a focus ring's room
    assert page.matrix.horizontalScrollBar().maximum() > 0  # the matrix scrolls itself
    page.matrix.setFocus()
    keyboard.press(Qt.Key.Key_End)  # the last option of the first criterion
    keyboard.press(Qt.Key.Key_Down, times=19)
    index = page.matrix.currentIndex()
    assert (index.row(), index.column()) == (19, 5)
    cell = page.matrix.visualRect(index)
    assert page.matrix.viewport().rect().contains(cell)  # the matrix scrolled to it
    # ... and the page scrolled down to it.
    corner = page.matrix.viewport().mapTo(area.viewport(), cell.topLeft())
    assert corner.y() >= 0 and corner.y() + cell.height() <= area.viewport().height()


def test_a_record_that_cannot_change_shows_its_scores_to_read(show, qtbot):
    d = appraised(SHIPPED, 3, 8)
    page, fake, _area = show(d)
    page.load(d, read_only=True)
    assert not page.lock_row.isVisibleTo(page) and page.criteria.weights[
        d.appraisal.criteria[0].id].isReadOnly()
    page.open_cell(0, 0)
    dialog = page.score_dialog
    assert not dialog.save_button.isVisibleTo(dialog) and dialog.evidence.isReadOnly()
    dialog.reject()
    assert fake.writes == []


def test_no_appraisal_yet_offers_to_start_it(show):
    d = Decision(id="d1", title="T", options=options(2), appraisal=None)
    page, _fake, _area = show(d)
    assert not page.body.isVisibleTo(page)
    assert page.start_button.isVisibleTo(page)


def test_escape_asks_before_a_changed_score_and_evidence_are_thrown_away(
        show, qtbot, dialogs, keyboard):
    d = appraised(SHIPPED, 2, 3, scored=False)
    page, fake, _area = show(d)
    page.matrix.setFocus()
    keyboard.press(Qt.Key.Key_Return)
    dialog = page.score_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.buttons[0])
    keyboard.press(Qt.Key.Key_Escape)  # nothing changed: closes without asking
    assert not dialog.isVisible() and not [c for c in dialogs.calls if c[0] == "confirm"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.matrix)
    keyboard.press(Qt.Key.Key_Return)
    dialog = page.score_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.buttons[0])
    keyboard.press(Qt.Key.Key_2)
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.type("Half the branches")
    dialogs.confirm_answer = False
    keyboard.press(Qt.Key.Key_Escape)
    assert [t for kind, t, _x in dialogs.calls if kind == "confirm"] == [
        "Discard this score and evidence?"]
    assert dialog.isVisible() and dialog.chosen() == 2  # kept, as typed
    assert dialog.evidence.text() == "Half the branches"
    dialogs.confirm_answer = True
    keyboard.press(Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert fake.records[d.id].appraisal.score(0, d.appraisal.criteria[0].id) is None
