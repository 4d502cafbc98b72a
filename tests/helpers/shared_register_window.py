"""The start the shared register's window tests share (not a test module)."""

from __future__ import annotations

from tests.helpers.lifecycle import complete_decision


def editing_a_saved_title(service, make_window, qtbot, **window_options):
    """A window on `service` with a complete decision open, " now" typed into its title and
    saved: (window, decision, editor, the title field)."""
    decision = complete_decision(service, "Close the old depot")
    window = make_window(service, autosave_ms=100, **window_options)
    window.open_decision(decision.id)
    editor = window.editor
    title = editor.details.inputs["title"]
    qtbot.keyClicks(title, " now")
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=5000)
    return window, decision, editor, title
