"""Open actions: every action not yet done across the register, overdue first, by owner."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt

from desktop.domain.action_queries import ActionQuery
from desktop.domain.decision import Action, Answer
from desktop.ui.main_window import ACTIONS_KEYS


def _actions(service, title, slug, *actions):
    d = service.create(title)
    service.set_answer(d.id, slug, Answer(actions=tuple(actions)))
    return d


@pytest.fixture
def actions_service(service):
    today = service.today()
    a = _actions(service, "Library opening hours", "staff",
                 Action("Consult staff", "=HYPERLINK(\"http://evil\",\"x\")", "2020-01-05"),
                 Action("Brief unions", "Ann Owner", "2999-03-01"))
    b = _actions(service, "Bus shelters", "values",
                 Action("Survey users", "ann owner", "2021-06-01"),
                 Action("Done already", "Ann Owner", "2020-01-01", done=True),
                 Action("No date yet", "Bob", None))
    c = _actions(service, "Withdrawn plan", "users", Action("Hidden", "Ann Owner", "2020-01-01"))
    service.withdraw(c.id)
    return service, today, a, b


def test_the_query_lists_open_actions_overdue_first_with_the_counts_rule(actions_service):
    service, _today, _a, _b = actions_service
    rows = service.open_actions(ActionQuery())
    assert [r.action for r in rows] == ["Consult staff", "Survey users", "Brief unions",
                                        "No date yet"]
    assert [r.overdue for r in rows] == [True, True, False, False]
    # the status bar's count and the list follow one rule
    assert service.overdue_counts()[1] == sum(r.overdue for r in rows)
    assert service.open_actions_count(ActionQuery(owner="ann OWN")) == 2
    assert [r.owner for r in service.open_actions(ActionQuery(sort="owner"))][:2] == [
        "=HYPERLINK(\"http://evil\",\"x\")", "ann owner"]  # overdue first, then A to Z
    assert service.open_actions_count(ActionQuery(owner="%")) == 0  # typed, not a wildcard


def _window(make_window, service, qtbot):
    window = make_window(service)
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach only the active window
    return window


def _show(window, qtbot):
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.actions_view
    assert window.showing_actions()
    return view


def texts(view, column=2):
    m = view.model
    return [m.data(m.index(r, column)) for r in range(m.rowCount())]


def test_menu_shortcut_and_status_bar_link_lead_to_the_view(qtbot, make_window, actions_service):
    service, *_ = actions_service
    window = _window(make_window, service, qtbot)
    assert window.actions_action.shortcut().toString() == ACTIONS_KEYS
    assert window.actions_action in window.view_menu.actions()
    link = window.overdue_link
    assert link.isVisible() and link.text() == "2 overdue actions"
    assert link.focusPolicy() & Qt.FocusPolicy.TabFocus
    link.setFocus()
    qtbot.keyClick(link, Qt.Key.Key_Space)
    assert window.showing_actions()
    view = window.actions_view
    assert window.focusWidget() is view.table
    assert texts(view) == ["Consult staff", "Survey users", "Brief unions", "No date yet"]
    assert texts(view, 0)[0].startswith("Overdue: ") and texts(view, 0)[3] == "No due date"
    assert texts(view, 4)[0] == "3. Staff"
    assert view.count_label.text() == "4 open actions"
    # Escape goes back to the register
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)
    assert not window.showing_actions() and window.focusWidget() is window.register.table


def test_shortcut_works_in_a_text_field_and_the_owner_filter(qtbot, make_window, actions_service):
    service, *_ = actions_service
    window = _window(make_window, service, qtbot)
    window.register.focus_search()
    view = _show(window, qtbot)
    qtbot.keyClicks(view.owner, "ann")
    qtbot.waitUntil(lambda: view.model.query.owner == "ann")
    assert texts(view) == ["Survey users", "Brief unions"]
    assert view.count_label.text() == "2 open actions for owners matching “ann”"
    view.owner.setText("nobody at all")
    qtbot.waitUntil(lambda: view.model.total == 0)
    assert not view.export_button.isEnabled()


def test_sort_from_the_keyboard_and_the_headings(qtbot, make_window, actions_service):
    service, *_ = actions_service
    window = _window(make_window, service, qtbot)
    view = _show(window, qtbot)
    view.sort_choice.setFocus()
    # "Owner, A to Z" is the third choice
    for _ in range(2):
        qtbot.keyClick(view.sort_choice, Qt.Key.Key_Down)
    assert view.model.query.sort == "owner"
    assert texts(view, 1) == ["=HYPERLINK(\"http://evil\",\"x\")", "ann owner", "Ann Owner",
                              "Bob"]
    assert view.table.horizontalHeader().sortIndicatorSection() == 1
    view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # a click on "Principle or duty"
    assert view.model.query.sort == "principle"
    assert view.sort_choice.currentText() == "Principle or duty, in order"
    # overdue first, then by principle: 1 before 3 in each group
    assert texts(view) == ["Survey users", "Consult staff", "No date yet", "Brief unions"]


def test_enter_opens_the_decision_at_the_actions_principle(qtbot, make_window, actions_service):
    service, _today, a, b = actions_service
    window = _window(make_window, service, qtbot)
    view = _show(window, qtbot)
    view.table.setCurrentIndex(view.model.index(1, 0))  # "Survey users", on b's principle 1
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.showing_editor()
    assert window.editor.decision.id == b.id
    assert window.editor.current_page() == 1
    page = window.editor.page_widget(1)
    assert page.actions.isAncestorOf(window.focusWidget())
    window.show_actions()
    view.table.setCurrentIndex(view.model.index(0, 0))
    view.table.doubleClicked.emit(view.model.index(0, 2))
    assert window.editor.decision.id == a.id and window.editor.current_page() == 3


def test_export_csv_reads_back_and_neutralises_formulas(qtbot, make_window, actions_service,
                                                         dialogs, tmp_path):
    service, *_ = actions_service
    window = _window(make_window, service, qtbot)
    view = _show(window, qtbot)
    out = tmp_path / "actions"
    dialogs.files.append(str(out))
    view.export_button.click()
    data = (tmp_path / "actions.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["Due date", "Overdue", "Owner", "Action"]
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert rows[1][1] == "yes" and rows[1][3] == "Consult staff"
    assert rows[1][5] == "Library opening hours" and rows[1][6] == "3. Staff"
    assert len(rows) == 5
    assert not [c for c in dialogs.calls if c[0] == "error"]
