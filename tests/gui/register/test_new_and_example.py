"""Issue 13 item 10: an untouched new decision is not left behind; the example says it is one."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_backing_out_of_an_untouched_new_decision_discards_it(qtbot, window):
    window.new_decision()
    created = window.editor.decision.id
    assert window.service.repo.exists(created)
    qtbot.keyClick(window.editor.details.inputs["title"], Qt.Key.Key_Escape)
    assert not window.showing_editor()
    assert not window.service.repo.exists(created)
    assert window.register.model.total == 0
    assert window.focusWidget() is window.register.start_button  # the greeting again


def test_a_new_decision_with_typing_is_kept(qtbot, window):
    window.new_decision()
    created = window.editor.decision.id
    title = window.editor.details.inputs["title"]
    qtbot.keyClicks(title, "Library hours")
    window.show_register()
    assert window.service.get(created).title == "Library hours"


def test_an_untouched_new_decision_is_discarded_on_close_and_on_opening_another(
        qtbot, make_window, service):
    kept = service.create("Kept")
    window = make_window(service)
    window.new_decision()
    first = window.editor.decision.id
    window.open_decision(kept.id)
    assert not service.repo.exists(first)
    window.new_decision()
    second = window.editor.decision.id
    window.new_decision()  # a second "New decision" straight away
    third = window.editor.decision.id
    assert not service.repo.exists(second) and service.repo.exists(third)
    window.close()
    assert not service.repo.exists(third)
    assert service.repo.exists(kept.id)
    assert window.settings.value("editor/last_decision") == ""


def test_after_a_discarded_new_decision_the_highlighted_row_is_the_one_acted_on(
        qtbot, make_window, service):
    """The hostile tester's find: one row highlighted, another withdrawn or opened."""
    for title in ("Outsource waste collection", "Date test", "Stop the mobile library"):
        service.create(title)
    window = make_window(service)
    qtbot.waitUntil(window.isActiveWindow)
    window.register.table.selectRow(1)
    window.register.table.setCurrentIndex(window.register.model.index(1, 0))
    window.new_decision()
    qtbot.keyClick(window.editor.details.inputs["title"], Qt.Key.Key_Escape)
    assert not window.showing_editor()
    table = window.register.table
    selected = [i.row() for i in table.selectionModel().selectedRows()]
    assert selected == [table.currentIndex().row()]
    assert window.register.selected_ids() == [window.register.current_id()]
