"""Two windows on one record (two people sharing the register file, each with a connection of
its own): neither one's autosave undoes what the other typed, and a field both typed in keeps
both texts, one stored and one on screen, with a notice saying so.

A contract test: both engines (on the server, two connections as two database users)."""

from __future__ import annotations

import pytest


@pytest.fixture
def service(any_service):
    return any_service


@pytest.fixture
def elsewhere(any_elsewhere):
    return any_elsewhere


@pytest.fixture
def two_windows(make_window, service, elsewhere):
    draft = service.create("Draft one")
    first = make_window(service, autosave_ms=50)
    second = make_window(elsewhere, autosave_ms=50)
    for window in (first, second):
        window.open_decision(draft.id)
    return first, second, draft.id


def _type(qtbot, window, widget, text):
    """Type, and wait for the autosave of it (on a shared register the other window's save
    is announced too, and shown here first: record_changed alone may be that)."""
    with qtbot.waitSignal(window.editor.record_changed, timeout=3000):
        qtbot.keyClicks(widget, text)
    qtbot.waitUntil(lambda: not window.editor.is_dirty(), timeout=3000)


def test_two_windows_on_the_details_keep_both_edits(two_windows, service, qtbot):
    a, b, decision_id = two_windows
    _type(qtbot, a, a.editor.details.inputs["title"], " AAA")
    _type(qtbot, b, b.editor.details.inputs["proposal"], "BBB")

    stored = service.get(decision_id)
    assert (stored.title, stored.proposal) == ("Draft one AAA", "BBB")
    assert b.editor.details.inputs["title"].text() == "Draft one AAA"  # B shows A's title
    assert b.saved_label.text().startswith("Saved at")
    reverts = [e for e in service.lifecycle.history(decision_id)
               if e.field == "title" and e.new_value == "Draft one"]
    assert reverts == []


def test_two_windows_on_a_principle_keep_both_parts(two_windows, service, qtbot):
    a, b, decision_id = two_windows
    for window in (a, b):
        window.editor.go_to(1)
    page_a, page_b = a.editor.principles[0], b.editor.principles[0]
    _type(qtbot, a, page_a.response, "A says")
    _type(qtbot, b, page_b.evidence, "B's survey")
    _type(qtbot, a, page_a.response, " more")  # A's next keystroke keeps B's evidence

    stored = service.get(decision_id).answer("values")
    assert (stored.response, stored.evidence) == ("A says more", "B's survey")
    assert page_a.evidence.toPlainText() == "B's survey"


def _type_unread_by(qtbot, monkeypatch, window, other, widget, text):
    """_type in `window`, with `other` not reading the change again before its own typing:
    it hears of it (its timer on a file, the server's announcement on a shared register) and
    is kept from reading it, so the two type from the same text however busy the machine."""
    heard: list[bool] = []
    with monkeypatch.context() as held:
        held.setattr(other.editor, "stored_changed", lambda *_a, **_k: heard.append(True))
        _type(qtbot, window, widget, text)
        qtbot.waitUntil(lambda: bool(heard), timeout=5000)


def test_a_field_both_typed_in_keeps_both_texts(two_windows, service, qtbot, monkeypatch):
    a, b, decision_id = two_windows
    _type_unread_by(qtbot, monkeypatch, a, b, a.editor.details.inputs["title"], " AAA")
    b_title = b.editor.details.inputs["title"]
    _type(qtbot, b, b_title, " BBB")

    assert service.get(decision_id).title == "Draft one AAA"  # A's is stored, not overwritten
    assert b_title.text() == "Draft one BBB"  # B's stays on B's screen
    note = b.editor.conflict_note
    assert not note.isHidden()
    assert note.message().startswith("Changed by someone else since you opened it: Title.")
    assert "Draft one BBB" in note.typed()
    assert "changed by someone else" in b.saved_label.text()
    assert any("Title" in x for x in b.editor.unsaveable())  # leaving warns of it

    _type(qtbot, b, b_title, "!")  # typing on refuses again: never overwrites A's title
    assert service.get(decision_id).title == "Draft one AAA"

    note.copy_typed()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == "Draft one BBB!"
    note.reload_button.click()
    assert b_title.text() == "Draft one AAA"
    assert note.isHidden()
    _type(qtbot, b, b_title, " and B")  # now an edit of the saved title
    assert service.get(decision_id).title == "Draft one AAA and B"


def test_closing_with_a_refused_field_asks_once(two_windows, qtbot, dialogs, monkeypatch):
    a, b, _ = two_windows
    _type_unread_by(qtbot, monkeypatch, a, b, a.editor.details.inputs["title"], " AAA")
    _type(qtbot, b, b.editor.details.inputs["title"], " BBB")
    dialogs.calls.clear()
    dialogs.confirm_answer = False  # Cancel: stay

    assert not b.close()
    asked = [c for c in dialogs.calls if c[0] == "confirm"]
    assert len(asked) == 1
    assert "Title: what you typed was not saved" in asked[0][2]
    assert "31/03/2027" not in asked[0][2]  # no date is involved
    dialogs.confirm_answer = True
