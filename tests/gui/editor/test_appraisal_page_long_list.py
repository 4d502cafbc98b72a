"""The appraisal page's long list (typed, kept or dropped, saved; rows added and removed by
keyboard) and its "Remove the options appraisal" action (asked first, then written)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton

from desktop.domain.appraisal import LongListEntry
from tests.gui.editor.test_appraisal_page import SHIPPED, show  # noqa: F401
from tests.helpers.appraisal_fake import appraised


def test_the_long_list_is_typed_by_keyboard_and_saved(show, qtbot, keyboard):  # noqa: F811
    page, fake, _area = show(appraised(SHIPPED, 3, 8))
    page.long_list.add_button.setFocus()
    keyboard.press(Qt.Key.Key_Space)  # "Add an option to the long list"
    assert QApplication.focusWidget() is page.long_list.cell(0, "name")
    keyboard.type("A joint venture")
    keyboard.press(Qt.Key.Key_Tab)
    kept = page.long_list.cell(0, "kept")
    assert QApplication.focusWidget() is kept and isinstance(kept, QComboBox)
    kept.setCurrentIndex(kept.findData("dropped"))  # as the arrow keys would choose it
    keyboard.press(Qt.Key.Key_Tab)
    page.long_list.cell(0, "reason").setPlainText("No partner came forward – “none” at all")
    qtbot.waitUntil(lambda: ("set_long_list", (tuple(page.long_list_entries()),)) in fake.writes
                    and fake.records["d1"].appraisal.long_list == (LongListEntry(
                        "A joint venture", False, "No partner came forward – “none” at all"),),
                    timeout=3000)
    # A second row, then the first taken away: by keyboard, Remove is after the row's cells.
    # (Offscreen, the first drop-down's hidden popup takes the window's activation once the
    # events run: the window is activated again, as a user's click would.)
    page.window().activateWindow()
    qtbot.waitUntil(page.window().isActiveWindow)
    page.long_list.add_button.setFocus()
    keyboard.press(Qt.Key.Key_Space)
    keyboard.type("Bring in-house")
    page.show_problems()  # leaving the page saves what is typed at once
    assert [e.name for e in fake.records["d1"].appraisal.long_list] == [
        "A joint venture", "Bring in-house"]
    assert fake.records["d1"].appraisal.long_list[1].kept  # "Kept" is the first choice
    remover = page.long_list.focus_chain()[3]
    assert remover.text() == "Remove"
    remover.setFocus()
    keyboard.press(Qt.Key.Key_Space)
    page.show_problems()
    assert [e.name for e in fake.records["d1"].appraisal.long_list] == ["Bring in-house"]
    assert page.long_list.row_count() == 1


def test_a_stored_long_list_is_shown_and_read_only_after_sign_off(show):  # noqa: F811
    d = appraised(SHIPPED, 3, 8)
    d = replace(d, appraisal=replace(d.appraisal, long_list=(
        LongListEntry("Stop the service", False, "The duty to provide it."),)))
    page, _fake, _area = show(d)
    assert page.long_list.values() == [
        {"name": "Stop the service", "kept": "dropped", "reason": "The duty to provide it."}]
    page.load(d, read_only=True)
    assert not page.long_list.add_button.isVisibleTo(page)
    assert not page.remove_button.isVisibleTo(page)


def test_removing_the_appraisal_asks_first(show, dialogs):  # noqa: F811
    page, fake, _area = show(appraised(SHIPPED, 3, 8))
    assert isinstance(page.remove_button, QPushButton) and page.remove_button.isVisible()
    dialogs.confirm_answer = False
    page.remove_button.click()
    assert dialogs.calls[-1][0:2] == ("confirm", "Remove the options appraisal?")
    assert "8 criteria" in dialogs.calls[-1][2] and "audit log" in dialogs.calls[-1][2]
    assert ("remove", ()) not in fake.writes and fake.records["d1"].appraisal is not None
    dialogs.confirm_answer = True
    page.remove_button.click()
    assert ("remove", ()) in fake.writes and fake.records["d1"].appraisal is None
    assert page.start_button.isVisible() and not page.body.isVisible()
