"""The window notices what another process (the command line, a window elsewhere) committed:
within its watch interval the open record is read again; if its state changed, the pages
show it as stored (read-only where it may not change), the menu follows allowed(), and what
was typed and not saved stays on screen beside a message. Nothing is retried for ever.

A contract test: both engines, but the restore (a register file's)."""

from __future__ import annotations

import pytest

from desktop.domain.decision import Status
from tests.helpers.engines import sqlite_only
from tests.helpers.lifecycle import ROLES, complete_decision, sign

WATCH_MS = 100
WITHIN = 3000  # ms: the watch interval, with room for a slow machine


@pytest.fixture
def service(any_service):
    return any_service


@pytest.fixture
def elsewhere(any_elsewhere):
    return any_elsewhere


@pytest.fixture
def watching(make_window, service):
    """A window on a ready record, its autosave slow enough that typing stays unsaved."""
    decision = complete_decision(service, "Draft one")
    window = make_window(service, autosave_ms=60_000, watch_ms=WATCH_MS)
    window.open_decision(decision.id)
    return window, decision


def _type_unsaved(qtbot, window, text=" typed here"):
    title = window.editor.details.inputs["title"]
    qtbot.keyClicks(title, text)
    assert window.editor.is_dirty()
    return title


def _banner(window) -> str:
    return window.editor.banner.text.text()


def test_a_sign_off_elsewhere_makes_the_window_read_only_and_keeps_the_typing(
        watching, elsewhere, service, qtbot):
    window, decision = watching
    _type_unsaved(qtbot, window)
    for role in ROLES:
        sign(elsewhere, decision.id, role)

    qtbot.waitUntil(lambda: window.editor.read_only, timeout=WITHIN)
    assert _banner(window).startswith(
        "Not saved: while you were typing, this decision was signed off elsewhere at")
    title = window.editor.details.inputs["title"]
    assert title.text() == "Draft one typed here"  # what was typed, still on screen
    assert title.isReadOnly()
    assert service.get(decision.id).title == "Draft one"  # and not saved
    assert window.editor.unsaveable()  # leaving asks first
    assert window.lifecycle.amend_action.isEnabled()
    assert not window.lifecycle.sign_off_action.isEnabled()
    assert not window.withdraw_action.isEnabled()
    assert "try again" not in window.saved_label.text()
    assert window.editor.save_now()  # nothing is retried: the record is read-only


def test_an_edit_typed_on_a_version_amended_elsewhere_is_refused_not_moved(
        make_window, service, elsewhere, qtbot, dialogs):
    decision = complete_decision(service, "Draft one")
    # Watching slowly: the keystroke's save comes first and finds version 2.
    window = make_window(service, autosave_ms=50, watch_ms=60_000)
    window.open_decision(decision.id)
    for role in ROLES:
        sign(elsewhere, decision.id, role)
    elsewhere.lifecycle.amend(decision.id, "The review date moved")

    _type_unsaved(qtbot, window)
    qtbot.waitUntil(lambda: window.editor.decision.version == 2, timeout=WITHIN)
    stored = service.get(decision.id)
    assert (stored.version, stored.title) == (2, "Draft one")  # not saved into version 2
    assert ("this decision was amended (version 2 is now the current one) elsewhere"
            in _banner(window))
    assert window.editor.details.inputs["title"].text() == "Draft one typed here"
    assert window.editor.read_only
    assert [c for c in dialogs.calls if c[0] == "error"] == []  # no modal message
    assert "try again" not in window.saved_label.text()


def test_a_done_tick_on_a_version_amended_elsewhere_does_not_land_on_the_new_one(
        make_window, service, elsewhere, qtbot):
    decision = complete_decision(service, "Draft one")
    for role in ROLES:
        sign(service, decision.id, role)
    window = make_window(service, watch_ms=60_000)
    window.open_decision(decision.id, page=3)  # Staff, with an action
    elsewhere.lifecycle.amend(decision.id, "The review date moved")

    assert not window.editor.set_action_done(3, 0, True)
    assert not service.get(decision.id).answer("staff").actions[0].done
    assert not service.get(decision.id, 1).answer("staff").actions[0].done
    assert window.editor.decision.version == 2


def test_a_record_deleted_elsewhere_says_so_in_words(watching, elsewhere, qtbot, service):
    window, _ = watching
    draft = service.create("Draft two")
    window.open_decision(draft.id)
    _type_unsaved(qtbot, window)
    elsewhere.delete(draft.id)

    qtbot.waitUntil(lambda: window.editor.read_only, timeout=WITHIN)
    assert "this decision was deleted elsewhere at" in _banner(window)
    assert draft.id not in _banner(window)
    assert window.editor.details.inputs["title"].text() == "Draft two typed here"
    assert window.current_decision_id() is None
    assert not window.delete_action.isEnabled()
    assert window.editor.save_now()


def test_a_sign_off_elsewhere_with_nothing_typed_shows_the_record_as_stored(
        watching, elsewhere, qtbot):
    window, decision = watching
    for role in ROLES:
        sign(elsewhere, decision.id, role)
    qtbot.waitUntil(lambda: window.editor.read_only, timeout=WITHIN)
    assert _banner(window).startswith("This decision was signed off elsewhere at")
    assert "signed off and locked" in _banner(window)
    assert window.editor.unsaveable() == []
    assert window.lifecycle.amend_action.isEnabled()


def test_a_change_of_content_elsewhere_shows_in_the_window(watching, elsewhere, qtbot):
    window, decision = watching
    elsewhere.update(decision.id, proposal="Changed on the command line")
    proposal = window.editor.details.inputs["proposal"]
    qtbot.waitUntil(lambda: proposal.toPlainText() == "Changed on the command line",
                    timeout=WITHIN)
    assert not window.editor.read_only


def test_a_restore_elsewhere_is_not_undone_by_the_next_keystroke(make_window, service, db_path,
                                                                   qtbot):
    sqlite_only(service, "a register file restored from its backup (IT restores a server)")
    from desktop.application.backups import restore_register
    from desktop.storage.backup import make_backup

    decision = service.create("Draft one")
    backup = make_backup(db_path, service.db.conn, reason="manual")
    window = make_window(service, autosave_ms=50, watch_ms=WATCH_MS)
    window.open_decision(decision.id)
    title = window.editor.details.inputs["title"]
    with qtbot.waitSignal(window.editor.record_changed, timeout=WITHIN):
        qtbot.keyClicks(title, " AAA")
    assert service.get(decision.id).title == "Draft one AAA"

    restore_register(backup, db_path, user="clerk")  # the command line's `restore`
    qtbot.waitUntil(lambda: title.text() == "Draft one", timeout=WITHIN)
    maker = window.editor.details.inputs["decision_maker"]
    with qtbot.waitSignal(window.editor.record_changed, timeout=WITHIN):
        qtbot.keyClicks(maker, "Cabinet")
    stored = service.get(decision.id)
    assert (stored.title, stored.decision_maker) == ("Draft one", "Cabinet")
    assert stored.status == Status.DRAFT
