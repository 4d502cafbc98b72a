"""Tools ▸ Checklists…, by keyboard: copy the shipped checklist, add "Climate emergency",
move it, edit questions, fix what the error summary names, save it as a new version; a new
decision then chooses it and has eleven sections. The draft survives closing the window."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from desktop.ui.editor.checklist_choice import ChecklistChoiceDialog

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
TWELVE = Path(__file__).resolve().parents[2] / "fixtures" / "checklist-twelve.json"


def open_checklists(window, qtbot, keyboard):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is window)
    keyboard.press(Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    shown = window.checklists_window
    assert shown is not None
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shown.list_page.table)
    return shown


def tab_to(keyboard, wanted, *, limit: int = 60, back: bool = False) -> None:
    """Tab (or Shift+Tab) until `wanted` has the focus, as a keyboard user would."""
    passed = []
    for _ in range(limit):
        if keyboard.focused() is wanted:
            return
        passed.append(keyboard.focused().accessibleName() or type(keyboard.focused()).__name__)
        keyboard.press(Key.Key_Backtab if back else Key.Key_Tab)
    raise AssertionError(f"Tab never reached {wanted.accessibleName() or wanted}: {passed}")


def commit(qtbot, keyboard, view) -> None:
    """Enter in a list's in-place editor: Qt commits it from the event loop."""
    keyboard.press(Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)


def add_question(qtbot, keyboard, editor, text: str) -> None:
    tab_to(keyboard, editor.form.questions.add_button)
    keyboard.press(Key.Key_Space)  # a new row, open for typing
    assert isinstance(keyboard.focused(), QLineEdit)
    keyboard.type(text)
    commit(qtbot, keyboard, editor.form.questions.view)
    assert editor.draft["principles"][editor.sections.current()]["questions"][-1] == text


def test_copy_add_reorder_fix_save_then_a_new_decision_chooses_it(
        service, make_window, qtbot, keyboard, dialogs):
    window = make_window(service)
    # a second checklist, imported through the window, so a new decision asks which
    cw = open_checklists(window, qtbot, keyboard)
    page = cw.list_page
    shipped = page.table.rowCount()  # the checklists that come with the app
    assert shipped == len(service.shipped) >= 1
    dialogs.files.append(str(TWELVE))
    tab_to(keyboard, page.import_button)
    keyboard.press(Key.Key_Space)
    assert dialogs.calls[-1][:2] == ("info", "Imported")
    assert page.table.rowCount() == shipped + 1

    # copy the shipped checklist as its next version
    page.table.setFocus()
    keyboard.press(Key.Key_Home, CTRL)  # the shipped checklist, first
    assert page.selected() == service.checklist
    tab_to(keyboard, page.new_version_button)
    keyboard.press(Key.Key_Return)
    editor = cw.editor
    assert cw.showing_editor() and keyboard.focused() is editor.title_input
    assert editor.version_input.value() == 2 and not editor.problems
    assert "Saving makes version 2 of tizard-ten-principles" in editor.intro.text()

    # add a section: its slug follows its title
    tab_to(keyboard, editor.sections.add_button)
    keyboard.press(Key.Key_Space)
    assert keyboard.focused() is editor.form.inputs["title"]
    assert editor.sections.current() == 10 and editor.summary.isVisible()
    keyboard.type("Climate emergency")
    assert editor.draft["principles"][10]["slug"] == "climate-emergency"
    tab_to(keyboard, editor.form.inputs["wording"])
    keyboard.type("The council has declared a climate emergency.")
    keyboard.press(Key.Key_Tab)
    keyboard.type("Show the carbon cost of each option, and who checked it.")
    for q in ("What is the carbon cost of each option?", "Who checked the figures?",
              "How does the decision meet the 2030 target?"):
        add_question(qtbot, keyboard, editor, q)
    assert editor.draft["principles"][10]["questions"][2] == (
        "How does the decision meet the 2030 target?")
    assert editor.problems == [] and not editor.summary.isVisible()
    assert editor.sections.texts()[10] == "11. Climate emergency"

    # move it up two places with Alt+Up, in the list of sections
    editor.sections.view.setFocus()
    keyboard.press(Key.Key_Up, ALT)
    keyboard.press(Key.Key_Up, ALT)
    assert [p["slug"] for p in editor.draft["principles"]][8:] == [
        "climate-emergency", "radical", "perseverance"]
    assert editor.sections.texts()[8] == "9. Climate emergency"
    assert editor.section_heading.text() == "Section 9: Climate emergency"

    # edit the first question of section 1 in place (F2); reword its title: its slug stays
    keyboard.press(Key.Key_Home)
    assert editor.form.inputs["title"].text() == service.checklist.principles[0].title
    tab_to(keyboard, editor.form.inputs["title"])
    keyboard.press(Key.Key_End)
    keyboard.type(" first")
    assert editor.draft["principles"][0]["slug"] == service.checklist.slugs[0]
    tab_to(keyboard, editor.form.questions.view)
    keyboard.press(Key.Key_Home)
    keyboard.press(Key.Key_F2)
    keyboard.ctrl(Key.Key_A)
    keyboard.type("Which values does this decision serve, in the council's own words?")
    commit(qtbot, keyboard, editor.form.questions.view)
    assert editor.draft["principles"][0]["questions"][0] == (
        "Which values does this decision serve, in the council's own words?")

    # a slug that breaks the schema: an inline message, the summary, and Save refused
    editor.sections.view.setFocus()
    keyboard.press(Key.Key_Down)  # section 2
    tab_to(keyboard, editor.form.inputs["slug"], back=True)
    keyboard.ctrl(Key.Key_A)
    keyboard.type("Staff Matters")
    message = ("The slug of section 2 must be lower-case letters and digits, words joined "
               "by single hyphens, like climate-emergency")
    assert [p.message for p in editor.problems] == [message]
    assert editor.form.fields["slug"].error.text() == message
    assert "(has a problem)" in editor.sections.texts()[1]
    keyboard.ctrl(Key.Key_S)
    assert keyboard.focused() is editor.summary  # refused: the summary takes the focus
    assert [c.version for c in service.checklists.all() if c.id == service.checklist.id] == [1]
    keyboard.press(Key.Key_Tab)
    assert keyboard.focused().text() == message
    keyboard.press(Key.Key_Return)  # the link moves the focus to the field
    assert keyboard.focused() is editor.form.inputs["slug"] and editor.sections.current() == 1
    keyboard.ctrl(Key.Key_A)
    keyboard.type("staff-matters")
    assert editor.problems == [] and not editor.summary.isVisible()
    assert editor.form.fields["slug"].error.isHidden()

    # save as the new version
    keyboard.ctrl(Key.Key_S)
    assert dialogs.calls[-1][:2] == ("info", "Saved")
    assert not cw.showing_editor() and service.checklists.kept_draft() is None
    v2 = service.checklists.find(service.checklist.id)
    assert v2.version == 2 and len(v2.principles) == 11
    assert v2.slugs[:2] == ("values", "staff-matters") and v2.slugs[8] == "climate-emergency"
    assert v2.principles[0].title == f"{service.checklist.principles[0].title} first"
    assert [p.number for p in v2.principles] == list(range(1, 12))
    assert v2.principles[8].questions[1] == "Who checked the figures?"
    assert page.table.rowCount() == shipped + 2 and page.selected() == v2
    assert page.table.item(page.table.currentRow(), 0).text() == (
        f"{v2.title}\ntizard-ten-principles\nUsed for new decisions")

    # a new decision: the chooser offers it first (the default), with eleven sections
    keyboard.press(Key.Key_Escape)  # closes the Checklists window
    qtbot.waitUntil(lambda: not cw.isVisible())
    real = ChecklistChoiceDialog(service.checklists.newest())
    qtbot.addWidget(real)
    assert real.choices[0].text() == f"{v2.title} (version 2): eleven principles"
    dialogs.choices.append(0)
    window.new_decision()
    offered = [c for c in dialogs.calls if c[:2] == ("choose_checklist", "New decision")]
    assert offered and offered[-1][2].startswith("tizard-ten-principles 2, ")
    assert "westmere-place-and-climate 1" in offered[-1][2].split(", ")
    d = service.get(window.editor.decision.id)
    assert (d.checklist_version, len(d.sections)) == (2, 11)
    assert len(window.editor.principles) == 11
    assert window.editor.task_list.title(9) == "9. Climate emergency"


def test_the_draft_is_kept_when_the_window_closes(service, make_window, qtbot, keyboard,
                                                 dialogs):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    cw.copy_as_new_version()
    keyboard.ctrl(Key.Key_A)
    keyboard.type("Our principles")
    keyboard.press(Key.Key_Escape)  # back to the list; the draft is kept at once
    assert not cw.showing_editor()
    assert service.checklists.kept_draft()["title"] == "Our principles"
    page = cw.list_page
    assert page.continue_button.isVisible() and "Our principles" in page.draft_note.text()
    keyboard.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not cw.isVisible())

    # a later session (a new window over the register) offers to continue it
    other = make_window(service)
    cw2 = open_checklists(other, qtbot, keyboard)
    assert cw2 is not cw
    tab_to(keyboard, cw2.list_page.continue_button, back=True)
    keyboard.press(Key.Key_Space)
    assert cw2.showing_editor() and cw2.editor.title_input.text() == "Our principles"

    # the autosave keeps typing without leaving the editor
    cw2.editor.title_input.setFocus()
    keyboard.type(" too")
    qtbot.waitUntil(lambda: service.checklists.kept_draft()["title"] == "Our principles too",
                    timeout=3000)


def test_removing_a_section_can_be_undone(service, make_window, qtbot, keyboard):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    cw.copy_as_new_version()
    editor = cw.editor
    editor.sections.view.setFocus()
    keyboard.press(Key.Key_Down)
    keyboard.press(Key.Key_Down)  # section 3
    tab_to(keyboard, editor.sections.remove_button)
    keyboard.press(Key.Key_Space)
    assert len(editor.draft["principles"]) == 9
    assert editor.undo_link.isVisible() and "remove section 3" in editor.undo_link.text()
    keyboard.press(Key.Key_Z, CTRL | Qt.KeyboardModifier.AltModifier)
    assert [p["slug"] for p in editor.draft["principles"]] == list(service.checklist.slugs)
    assert editor.sections.current() == 2


def test_copy_as_a_new_checklist_takes_a_new_id(service, make_window, qtbot, keyboard,
                                                dialogs):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    tab_to(keyboard, cw.list_page.new_checklist_button)
    keyboard.press(Key.Key_Space)
    editor = cw.editor
    assert keyboard.focused() is editor.id_input
    assert editor.id_input.text() == "tizard-ten-principles-copy"
    keyboard.type("our-council-principles")
    editor.title_input.setFocus()
    keyboard.ctrl(Key.Key_A)
    keyboard.type("Our council's principles")
    editor.save_button.setFocus()
    keyboard.press(Key.Key_Space)
    saved = service.checklists.find("our-council-principles")
    assert (saved.version, saved.title, saved.slugs) == (1, "Our council's principles",
                                                         service.checklist.slugs)
    assert service.checklists.default_id() == service.checklist.id
    page = cw.list_page
    assert page.selected() == saved and page.default_button.isEnabled()
    page.default_button.setFocus()
    keyboard.press(Key.Key_Space)
    assert service.checklists.default_id() == "our-council-principles"


def test_every_action_is_a_tab_stop(service, make_window, qtbot, keyboard):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    stops = []
    for _ in range(12):
        keyboard.press(Key.Key_Tab)
        stops.append(keyboard.focused())
    names = {w.text() for w in stops if isinstance(w, QPushButton)}
    assert {"Copy as a new version…", "Copy as a new checklist…", "Import…", "Export…",
            "Close"} <= names
    cw.copy_as_new_version()
    seen = set()
    for _ in range(80):
        keyboard.press(Key.Key_Tab)
        seen.add(keyboard.focused())
    editor = cw.editor
    wanted = {editor.id_input, editor.version_input, editor.title_input,
              editor.sections.view, editor.sections.add_button, editor.form.inputs["slug"],
              editor.form.inputs["wording"], editor.form.questions.view, editor.roles.view,
              editor.roles.add_button, editor.save_button, editor.back_button}
    assert wanted <= seen


def test_a_checklist_exported_through_the_real_file_dialog(service, make_window, qtbot,
                                                           keyboard, tmp_path):
    from tests.gui.test_file_dialogs import (
        RealFileDialogs,
        type_name_and_save,
        when_a_file_dialog_opens,
    )

    real = RealFileDialogs()
    window = make_window(service)
    window.dialogs = real
    cw = open_checklists(window, qtbot, keyboard)
    assert cw.dialogs is real
    out = tmp_path / "exported.json"
    answered = when_a_file_dialog_opens(qtbot, type_name_and_save(qtbot, out))
    cw.export_file()
    assert answered == ["Export a checklist"]
    assert out.read_text(encoding="utf-8") == service.checklist.raw_json
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == service.checklist.id


def test_a_broken_file_is_refused_naming_the_path(service, make_window, qtbot, keyboard,
                                                  dialogs, tmp_path):
    broken = json.loads(service.checklist.raw_json)
    broken.update(id="broken", version=1)
    broken["principles"][3]["questions"] = ["Only one?"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    before = cw.list_page.table.rowCount()
    dialogs.files.append(str(path))
    cw.import_file()
    assert dialogs.calls[-1][:2] == ("error", "Cannot import this checklist")
    assert "principles[3].questions" in dialogs.calls[-1][2]
    assert cw.list_page.table.rowCount() == before


def test_a_summary_link_selects_the_question_it_is_about(service, make_window, qtbot,
                                                         keyboard):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    cw.copy_as_new_version()
    editor = cw.editor
    editor.sections.select(4)
    editor.form.questions.select(2)
    editor.form.questions.view.currentItem().setText("")  # as if cleared in place
    assert [p.message for p in editor.problems] == ["Enter question 3 of section 5, or remove it"]
    editor.sections.select(0)
    editor.summary.links[0].setFocus()
    keyboard.press(Key.Key_Space)
    assert editor.sections.current() == 4 and editor.form.questions.current() == 2
    assert keyboard.focused() is editor.form.questions.view
    assert editor.form.fields["questions"].error.text() == (
        "Enter question 3 of section 5, or remove it")


def test_closing_the_main_window_keeps_what_was_just_typed(service, make_window, qtbot,
                                                           keyboard):
    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    cw.copy_as_new_version()
    cw.editor.title_input.setFocus()
    keyboard.ctrl(Key.Key_A)
    keyboard.type("Typed a moment before closing")
    assert service.checklists.kept_draft() is None  # the autosave has not run yet
    window.close()
    assert service.checklists.kept_draft()["title"] == "Typed a moment before closing"


def test_every_stop_in_the_editor_is_in_view_and_ringed(service, make_window, qtbot,
                                                        keyboard, focus_ring, themed):
    from PySide6.QtCore import QRect

    from desktop.ui.widgets import takes_ring
    from tests.gui.conftest import ring_shown_round

    window = make_window(service)
    cw = open_checklists(window, qtbot, keyboard)
    cw.resize(680, 500)  # about 1024x768 at 150%
    cw.copy_as_new_version()
    editor = cw.editor
    editor.sections.add("")  # a problem or five, so the error summary's links are stops too
    viewport = editor.area.viewport()
    seen = 0
    for _ in range(45):
        keyboard.press(Key.Key_Tab)
        w = keyboard.focused()
        if not viewport.isAncestorOf(w):
            continue
        seen += 1
        box = QRect(w.mapTo(viewport, w.rect().topLeft()), w.size())
        if box.height() < viewport.height():
            qtbot.waitUntil(lambda box=box, w=w: viewport.rect().contains(
                QRect(w.mapTo(viewport, w.rect().topLeft()), w.size())), timeout=1000)
        if takes_ring(w):
            qtbot.waitUntil(lambda w=w: ring_shown_round(focus_ring, w), timeout=1000)
    assert seen >= 40
