"""The register: SQL paging, search as you type, filters, sort, and the decision actions."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from desktop.domain.decision import Status
from desktop.domain.queries import RegisterQuery
from desktop.domain.visible import isolated
from desktop.ui.register.model import COLUMNS, UNSORTED, RegisterTableModel
from tests.helpers.gui import complete_decision
from tests.helpers.shipped import SLUGS

SERVICES = ["waste collection", "libraries", "highways", "leisure centres", "parks"]
RATINGS = ["green", "amber", "red"]


def _bundle(n: int) -> str:
    decisions = []
    for i in range(n):
        rating = RATINGS[i % 3]
        answers = {}
        if i % 2 == 0:  # half of them complete, with their rating everywhere
            action = [{"action": "Do it", "owner": "Director", "due": "2027-06-30"}]
            answers = {s: {"rating": rating, "response": f"Response {i}",
                           **({"actions": action} if rating != "green" else {})} for s in SLUGS}
        decisions.append({
            "title": f"Decision {i:03d} on {SERVICES[i % len(SERVICES)]}",
            "proposal": f"Proposal number {i}",
            "reference": f"REF/{(i * 37) % 1000:03d}",
            "decision_maker": ["Cabinet", "Council", "Portfolio Holder"][i % 3],
            "meeting_date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "review_date": "2020-01-01" if i % 10 == 0 else "2030-01-01",
            "answers": answers,
        })
    return json.dumps({"format": "decision-checklist/1", "decisions": decisions})


@pytest.fixture
def seeded(service):
    service.import_bundle(_bundle(150))
    return service


def test_model_passes_qtmodeltester(seeded, qtmodeltester):
    model = RegisterTableModel(seeded, page_size=40)
    qtmodeltester.check(model)
    model.update_query(search="libraries", statuses=("ready",))
    qtmodeltester.check(model)


def test_model_pages_with_fetch_more(seeded):
    model = RegisterTableModel(seeded, page_size=40)
    assert model.total == 150 and model.rowCount() == 40
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 150
    assert len({model.row_id(r) for r in range(150)}) == 150


def test_search_as_you_type_filters_in_sql(make_window, seeded, qtbot):
    window = make_window(seeded)
    view = window.register
    qtbot.keyClicks(view.search, "librar")  # a prefix of "libraries"
    qtbot.waitUntil(lambda: view.model.total == 30, timeout=1000)
    titles = [view.model.data(view.model.index(r, 1)) for r in range(view.model.rowCount())]
    assert all("libraries" in t for t in titles)
    assert view.count_label.text() == "Showing 30 of 150 decisions"
    view.search.clear()
    qtbot.keyClicks(view.search, "no such words anywhere")
    qtbot.waitUntil(lambda: view.model.total == 0, timeout=1000)
    assert view.count_label.text().startswith("No decisions match")
    view.clear_filters.click()
    assert view.model.total == 150


def test_filters_for_status_rating_and_overdue(make_window, seeded):
    view = make_window(seeded).register
    view.status_filter.actions_by_value["ready"].setChecked(True)
    assert view.model.total == 75
    assert view.status_filter.text().startswith("Status (1)")
    view.rating_filter.actions_by_value["red"].setChecked(True)
    ready_red = seeded.register_count(RegisterQuery(statuses=("ready",), ratings=("red",)))
    assert view.model.total == ready_red == 25
    view.clear()
    view.overdue_filter.setChecked(True)
    assert view.model.total == 15  # review date passed on every tenth
    assert all(view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount()))


@pytest.mark.parametrize("column", [c for c, (k, _) in enumerate(COLUMNS) if k not in UNSORTED])
def test_sort_on_every_column(seeded, column):
    model = RegisterTableModel(seeded, page_size=500)
    key = COLUMNS[column][0]
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(column, order)
        assert model.query.sort == key
        rows = seeded.register(model.query, 0, 500)
        ids = [model.row_id(r) for r in range(model.rowCount())]
        assert ids == [r.id for r in rows]
    if key == "title":
        model.sort(column, Qt.SortOrder.AscendingOrder)
        titles = [model.data(model.index(r, column)) for r in range(model.rowCount())]
        assert titles == sorted(titles, key=str.casefold)


def test_clicking_a_header_sorts(make_window, seeded):
    view = make_window(seeded).register
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert view.model.data(view.model.index(0, 1)).startswith("Decision 149")


def test_ratings_are_word_and_shape_not_colour_alone(seeded):
    model = RegisterTableModel(seeded)
    col = [k for k, _ in COLUMNS].index("overall_rating")
    words = {model.data(model.index(r, col)) for r in range(model.rowCount())}
    assert {"Red", "Amber", "Green", "Not rated yet"} <= words
    spoken = {model.data(model.index(r, col), Qt.ItemDataRole.AccessibleTextRole)
              for r in range(model.rowCount())}
    assert {"✕ Red", "! Amber", "✓ Green"} <= spoken
    icon = model.data(model.index(0, col), Qt.ItemDataRole.DecorationRole)
    assert icon is None or not icon.isNull() or model.data(model.index(0, col)) == "Not rated yet"


def test_enter_and_double_click_open_a_decision(make_window, seeded, qtbot):
    window = make_window(seeded)
    table = window.register.table
    table.setFocus()
    table.setCurrentIndex(window.register.model.index(2, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.showing_editor()
    assert window.current_decision_id() == window.register.model.row_id(2)
    window.show_register()
    assert not window.showing_editor()
    index = window.register.model.index(5, 1)
    table.doubleClicked.emit(index)
    assert window.current_decision_id() == window.register.model.row_id(5)


def test_status_bar_counts_decisions_and_overdue_reviews(make_window, seeded):
    window = make_window(seeded)
    assert window.count_label.text() == "150 decisions, 15 overdue reviews"


def test_empty_register_greets_and_opens_the_example_once(window, service):
    view = window.register
    assert view.stack.currentIndex() == 1
    assert view.start_button.text() == "Start a new decision"
    assert view.example_button.text() == "Open an example"
    view.example_button.click()
    assert window.showing_editor()
    assert "highways" in window.editor.decision.title
    window.show_register()
    assert view.stack.currentIndex() == 0
    window.open_example()  # already imported: opened, not imported twice
    assert service.register_count(RegisterQuery()) == 1
    window.show_register()
    window.register.start_button.click()
    assert window.showing_editor() and window.editor.decision.title == "Untitled decision"


def test_new_duplicate_withdraw_delete(window, service, dialogs):
    window.new_action.trigger()
    first = window.current_decision_id()
    window.duplicate_action.trigger()
    copy = window.current_decision_id()
    assert copy != first and service.get(copy).title == "Copy of Untitled decision"
    dialogs.confirm_answer = False
    window.delete_action.trigger()
    assert service.repo.exists(copy)  # cancelled
    dialogs.confirm_answer = True
    window.delete_action.trigger()
    assert not service.repo.exists(copy) and not window.showing_editor()
    window.open_decision(first)
    window.withdraw_action.trigger()
    assert service.get(first).status.value == "withdrawn"
    assert window.editor.read_only
    # withdrawn: not a draft, so neither Delete nor Withdraw is offered any more
    assert not window.delete_action.isEnabled() and not window.withdraw_action.isEnabled()
    window.delete_decision()  # and the handler refuses it all the same
    assert service.repo.exists(first)
    assert dialogs.calls[-1][0] == "error" and "has been withdrawn" in dialogs.calls[-1][2]
    confirms = [c for c in dialogs.calls if c[0] == "confirm"]
    assert [c[1] for c in confirms] == ["Delete this decision?", "Delete this decision?",
                                        "Withdraw this decision?"]


def test_a_ready_first_version_is_deleted_as_a_decision_not_a_draft(window, service, dialogs):
    """Ready for sign-off, nobody signed: it may be deleted, and the words do not call it a
    draft."""
    ready = complete_decision(service)
    assert service.get(ready.id).status == Status.READY
    window.open_decision(ready.id)
    assert window.delete_action.isEnabled()
    assert window.delete_action.text() == "De&lete decision…"
    dialogs.confirm_answer = True
    window.delete_action.trigger()
    title, text = dialogs.calls[-1][1:3]
    assert (title, text) == ("Delete this decision?", (
        f"Delete “{isolated(ready.title)}”? It has not been signed, so it and everything typed "
        "in it will be deleted. This cannot be undone."))
    assert "draft" not in (title + text).lower()
    assert not service.repo.exists(ready.id)


def test_record_actions_follow_the_selection(window, service):
    from PySide6.QtGui import QAction

    extra = QAction("Export PDF…", window)
    window.add_record_actions("file", [extra], toolbar=True)
    assert extra in window.file_menu.actions()
    assert not extra.isEnabled()  # empty register: nothing selected
    window.new_decision()
    assert extra.isEnabled()
    assert window.selected_decision_ids() == [window.current_decision_id()]


def test_select_all_selects_every_matching_decision_not_only_the_loaded_page(
        make_window, seeded, qtbot):
    from PySide6.QtCore import Qt

    window = make_window(seeded)
    table = window.register.table
    assert window.register.model.rowCount() < 150  # the register loads a page at a time
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    ids = window.register.selected_ids()
    assert len(ids) == len(set(ids)) == 150
    window.register.search.setText("libraries")
    qtbot.waitUntil(lambda: window.register.model.total < 150)
    table.selectAll()
    assert len(window.register.selected_ids()) == window.register.model.total
