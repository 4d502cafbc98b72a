"""The checklist editor's Version box shows its number at 1024×768 (as a spin box under the
style sheet it drew none), takes a typed number or Up and Down, and names a blank version."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.checklists.test_checklists_window import open_checklists, tab_to

Key = Qt.Key


def _drawn(box) -> bytes:
    image = box.grab().toImage()
    return bytes(image.constBits())[:image.sizeInBytes()]


def test_the_version_box_draws_its_number_and_steps(service, make_window, qtbot, keyboard):
    window = make_window(service)
    window.resize(1024, 768)
    cw = open_checklists(window, qtbot, keyboard)
    cw.resize(1024, 768)
    tab_to(keyboard, cw.list_page.new_version_button)
    keyboard.press(Key.Key_Return)
    editor = cw.editor
    box = editor.version_input
    qtbot.waitExposed(box)
    assert box.text() == "2" and box.value() == 2
    two = _drawn(box)
    box.setValue(7)
    assert _drawn(box) != two, "the box draws the same whatever its number"
    box.setValue(2)
    assert _drawn(box) == two
    box.setFocus()
    keyboard.press(Key.Key_Up)
    assert box.text() == "3" and editor.draft["version"] == 3
    keyboard.press(Key.Key_Down)
    assert editor.draft["version"] == 2
    box.selectAll()
    keyboard.press(Key.Key_Backspace)
    qtbot.waitUntil(lambda: any(p.path == ("version",) for p in editor.problems), timeout=2000)
    assert [p.message for p in editor.problems if p.path == ("version",)] == [
        "Enter the version as a whole number from 1 to 2,147,483,647, such as 2"]
    keyboard.type("12")
    assert editor.draft["version"] == 12
    qtbot.waitUntil(lambda: not editor.problems, timeout=2000)
