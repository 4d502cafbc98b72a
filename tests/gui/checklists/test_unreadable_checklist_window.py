"""The window opens on a register holding a damaged checklist row (tester finding F8): the
Checklists window lists the good ones and names the damaged one, and New decision offers the
good ones. Both engines (tests/conftest.py any_service)."""

from __future__ import annotations

import pytest

from tests.helpers.unreadable import DAMAGED, store_damaged


@pytest.fixture
def service(any_service):
    return any_service


def test_the_checklists_window_lists_the_good_ones_and_names_the_damaged(
        service, make_window, qtbot, dialogs):
    store_damaged(service)
    service.repo.forget()
    window = make_window(service)
    window.show_checklists()
    shown = window.checklists_window
    qtbot.waitExposed(shown)
    page = shown.list_page
    listed = [page.table.item(r, 0).text().split("\n")[1] for r in range(page.table.rowCount())]
    assert listed == [c.id for c in service.checklists.all()]
    assert listed and not {cid for cid, _, _ in DAMAGED} & set(listed)
    assert page.unreadable_note.isVisible()
    note = page.unreadable_note.text()
    for cid, version, _ in DAMAGED:
        assert f"Checklist {cid!r} version {version} " in note
    shown.close()

    window.new_decision()  # the chooser is offered the good ones only
    [(_, _, offered)] = [c for c in dialogs.calls if c[0] == "choose_checklist"]
    assert offered == ", ".join(f"{c.id} {c.version}" for c in service.checklists.newest())
    assert window.editor.decision is not None
    assert window.editor.decision.checklist_id == "tizard-ten-principles"
