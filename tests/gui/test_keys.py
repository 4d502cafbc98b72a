"""Keyboard-only use: Enter on buttons and links, arrows in the rating group, and shortcuts
that work wherever the cursor is (UI.md, Keyboard)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from desktop.domain.decision import Rating

Key = Qt.Key
Mod = Qt.KeyboardModifier
ENTER_KEYS = [(Key.Key_Return, Mod.NoModifier), (Key.Key_Enter, Mod.KeypadModifier)]


def press(qtbot, widget, key, modifier=Mod.NoModifier) -> None:
    """Focus the widget, then press the key on it, as a keyboard user would."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    assert widget.window().focusWidget() is widget
    qtbot.keyClick(widget, key, modifier)


# ---- Enter activates the focused button or link ----------------------------------------------
@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
def test_enter_on_start_a_new_decision(qtbot, window, key, modifier):
    assert window.register.start_button.isVisible()  # the empty register's greeting
    press(qtbot, window.register.start_button, key, modifier)
    assert window.showing_editor()
    assert window.editor.decision is not None


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
def test_enter_on_open_an_example(qtbot, window, key, modifier):
    press(qtbot, window.register.example_button, key, modifier)
    assert window.showing_editor()
    assert window.editor.decision.title  # the example bundle's decision


@pytest.mark.parametrize(("key", "modifier"), ENTER_KEYS)
def test_enter_on_continue_and_back(qtbot, window, key, modifier):
    window.new_decision()
    press(qtbot, window.editor.next_button, key, modifier)
    assert window.editor.current_page() == window.editor.appraisal_page
    press(qtbot, window.editor.next_button, key, modifier)
    assert window.editor.current_page() == 1
    window.editor.go_to(3)
    press(qtbot, window.editor.back_button, key, modifier)
    assert window.editor.current_page() == 2


def test_enter_on_all_decisions_link(qtbot, window):
    window.new_decision()
    press(qtbot, window.editor.back_to_register, Key.Key_Return)
    assert not window.showing_editor()


def test_enter_on_what_is_still_missing_links(qtbot, window):
    window.new_decision()
    window.editor.go_to(11)
    summary = window.editor.summary
    staff = next(b for b in summary.links if b.text().startswith("3. "))
    press(qtbot, staff, Key.Key_Return)
    assert window.editor.current_page() == 3
    window.editor.go_to(11)
    details = next(b for b in summary.links if b.text().startswith("Decision details"))
    press(qtbot, details, Key.Key_Enter, Mod.KeypadModifier)
    assert window.editor.current_page() == 0


def test_enter_in_a_text_field_still_types_nothing_and_presses_nothing(qtbot, window):
    window.new_decision()
    title = window.editor.details.inputs["title"]
    press(qtbot, title, Key.Key_Return)
    assert window.editor.current_page() == 0 and window.showing_editor()


# ---- arrows in the rating group move and select ----------------------------------------------
def saved_rating(window, slug: str):
    return window.service.get(window.current_decision_id()).answer(slug).rating


def test_rating_arrows_select_and_save(qtbot, window):
    window.new_decision()
    window.editor.go_to(1, "rating")
    page = window.editor.principles[0]
    slug = page.principle.slug
    first = page.rating_buttons[Rating.GREEN]
    assert window.focusWidget() is first and page.rating() is None
    steps = [(Key.Key_Down, Rating.AMBER), (Key.Key_Right, Rating.RED),
             (Key.Key_Down, Rating.NOT_APPLICABLE), (Key.Key_Down, Rating.GREEN),  # round
             (Key.Key_Up, Rating.NOT_APPLICABLE), (Key.Key_Left, Rating.RED)]
    for key, expected in steps:
        qtbot.keyClick(window.focusWidget(), key)
        assert window.focusWidget() is page.rating_buttons[expected]  # moved
        assert page.rating() == expected  # and selected
        qtbot.waitUntil(lambda e=expected: saved_rating(window, slug) == e, timeout=3000)
    window.editor.reload()  # read back from the database
    assert page.rating() == Rating.RED


def test_one_arrow_from_the_first_unrated_button_is_saved_on_leaving(qtbot, window):
    window.new_decision()
    window.editor.go_to(4, "rating")
    page = window.editor.principles[3]
    qtbot.keyClick(page.rating_buttons[Rating.GREEN], Key.Key_Right)
    window.editor.next_page()  # leaving the page saves at once
    assert saved_rating(window, page.principle.slug) == Rating.AMBER


# ---- shortcuts that work in text fields -----------------------------------------------------------
def text_fields(window):
    window.new_decision()
    details = window.editor.details.inputs
    line, multi = details["title"], details["proposal"]
    assert isinstance(line, QLineEdit) and isinstance(multi, QPlainTextEdit)
    return line, multi


@pytest.mark.parametrize("field", ["line", "multi"])
def test_export_shortcut_works_in_text_fields(qtbot, window, dialogs, field):
    line, multi = text_fields(window)
    widget = line if field == "line" else multi
    press(qtbot, widget, Key.Key_E, Mod.ControlModifier | Mod.ShiftModifier)
    assert [c[0] for c in dialogs.calls if c[0] != "choose_checklist"] == ["save_file"]  # the export dialog (cancelled)
    assert window.pdf.export_action.shortcutContext() in (
        Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


@pytest.mark.parametrize("field", ["line", "multi"])
def test_all_decisions_shortcut_works_in_text_fields(qtbot, window, field):
    line, multi = text_fields(window)
    press(qtbot, line if field == "line" else multi, Key.Key_Home, Mod.AltModifier)
    assert not window.showing_editor()


def test_principle_text_field_shortcuts(qtbot, window, dialogs):
    window.new_decision()
    window.editor.go_to(2)
    response = window.editor.principles[1].response
    press(qtbot, response, Key.Key_E, Mod.ControlModifier | Mod.ShiftModifier)
    assert [c[0] for c in dialogs.calls if c[0] != "choose_checklist"] == ["save_file"]
    press(qtbot, response, Key.Key_Home, Mod.AltModifier)
    assert not window.showing_editor()


@pytest.mark.parametrize(("key", "modifier"), [(Key.Key_Escape, Mod.NoModifier),
                                               (Key.Key_Left, Mod.AltModifier)])
def test_escape_and_alt_left_go_back(qtbot, window, key, modifier):
    window.open_decision(window.service.create("Library hours").id)  # kept when left
    window.editor.go_to(3)
    press(qtbot, window.editor.principles[2].response, key, modifier)  # from a text field
    assert window.editor.current_page() == 2
    press(qtbot, window.focusWidget(), key, modifier)
    assert window.editor.current_page() == 1
    window.editor.go_to(0)
    press(qtbot, window.editor.details.inputs["title"], key, modifier)
    assert not window.showing_editor()  # from the first page: all decisions
    press(qtbot, window.register.table, key, modifier)  # nothing further back
    assert not window.showing_editor()


def test_escape_in_a_dialog_is_the_dialogs_own(qtbot, window):
    window.new_decision()
    window.editor.go_to(3)
    window.show_help()
    dialog = window._help
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget() or dialog, Key.Key_Escape)
    assert not dialog.isVisible()  # Escape closed the dialog...
    assert window.editor.current_page() == 3  # ...and did not also go back a page
