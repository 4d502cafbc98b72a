"""'What is still missing': each link opens the page and the input its problem is about."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from desktop.domain.decision import Answer, Decision, Rating
from desktop.ui.editor.summary_page import SummaryPage
from tests.helpers.shipped import SLUGS


def test_each_link_names_the_field_its_problem_is_about(qtbot, service):
    checklist = service.checklist
    answers = {slug: Answer(Rating.GREEN, "Done.") for slug in SLUGS}
    answers["staff"] = Answer(Rating.AMBER, "")  # no response, no action
    answers["users"] = Answer(None, "Words")  # no rating
    decision = replace(Decision(id="d", title="A decision", proposal="Do it", sections=SLUGS),
                       answers=answers)
    page = SummaryPage()
    qtbot.addWidget(page)
    page.show_decision(decision, checklist)
    staff, users = SLUGS.index("staff") + 1, SLUGS.index("users") + 1

    opened = {}
    for link in (b for b in page.links if b.accessibleName().startswith("Go to ")):
        with qtbot.waitSignal(page.go_to) as blocker:
            qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
        opened[link.text().split(": ", 1)[1]] = tuple(blocker.args)
    assert opened == {
        "Explain how the proposal meets this principle": (staff, "response"),
        "Add at least one action with an owner and a due date": (staff, "actions"),
        "Choose a rating": (users, "rating"),
    }
