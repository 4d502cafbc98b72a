"""A new decision asks which checklist when the register holds more than one (the default
preselected, chosen with the keyboard), and the editor follows the decision's checklist:
one page per section, "Principle 3 of 12", "0 of 12 sections completed"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.domain.decision import Answer, Rating
from desktop.domain.queries import RegisterQuery
from desktop.ui.editor.checklist_choice import ChecklistChoiceDialog

STATUTORY = "tizard-principles-and-statutory-duties"
TWELVE = Path(__file__).resolve().parents[2] / "fixtures" / "checklist-twelve.json"


def twelve(service):
    return service.checklists.import_text(TWELVE.read_text(encoding="utf-8"))


def test_with_one_checklist_nothing_is_asked(service, make_window, dialogs):
    from desktop.application.decisions import DecisionService

    only_ten = DecisionService(service.db, service.checklist, service.schema_path,
                               user="tester", shipped=(service.checklist,))
    window = make_window(only_ten)
    window.new_decision()
    assert not [c for c in dialogs.calls if c[0] == "choose_checklist"]
    d = window.editor.decision
    assert d.checklist_id == service.checklist.id and len(window.editor.principles) == 10
    assert window.editor.task_list.count() == 13  # the details, the appraisal, ten, the summary


def test_the_default_is_preselected_and_arrows_choose(service, qtbot):
    other = twelve(service)
    dialog = ChecklistChoiceDialog(service.checklists.newest())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.buttons[0])  # keys go there
    assert dialog.chosen() == service.checklist and dialog.focusWidget() is dialog.buttons[0]
    assert "ten principles" in dialog.choices[0].text()
    qtbot.keyClick(dialog.buttons[0], Qt.Key.Key_Down)  # moves and selects together
    assert dialog.chosen().id == STATUTORY and dialog.focusWidget() is dialog.buttons[1]
    qtbot.keyClick(dialog.buttons[1], Qt.Key.Key_Down)
    assert dialog.chosen() == other and dialog.focusWidget() is dialog.buttons[2]
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.buttons[2], Qt.Key.Key_Return)  # Continue is the default button
    assert dialog.chosen() == other


def test_a_decision_on_twelve_sections_gets_twelve_pages(service, make_window, dialogs):
    other = twelve(service)
    window = make_window(service)
    dialogs.checklist_choices.append(2)  # the third choice: the twelve sections
    window.new_decision()
    assert ("choose_checklist", "New decision",
            f"{service.checklist.id} 1, {STATUTORY} 1, {other.id} 1") in dialogs.calls
    editor = window.editor
    d = service.get(editor.decision.id)
    assert (d.checklist_id, d.checklist_version, len(d.sections)) == (other.id, 1, 12)
    assert len(editor.principles) == 12 and editor.task_list.count() == 15
    assert editor.task_list.title(9) == "9. Climate emergency"
    assert editor.progress_label.text() == "0 of 12 sections completed"
    editor.go_to(3)
    page = editor.principles[2]
    assert page.principle.slug == "workforce"
    assert page.title.accessibleName() == "Workforce, principle 3 of 10, section 3 of 12"
    assert editor.principles[10].title.accessibleName() == (
        "Public sector equality duty, duty 1 of 2, section 11 of 12")
    service.set_answer(d.id, "equality-duty", Answer(Rating.GREEN, "Due regard shown."))
    editor.reload()
    assert editor.progress_label.text() == (
        "1 of 12 sections completed; 10 principles and 1 duty not completed")

    dialogs.checklist_choices.append(None)  # cancelled: no decision
    before = service.register_count(RegisterQuery())
    window.new_decision()
    assert service.register_count(RegisterQuery()) == before

    # opening a ten-principle record again rebuilds the ten pages
    ten = service.create("Ten", checklist=service.checklist)
    window.open_decision(ten.id, 0)
    assert len(editor.principles) == 10 and editor.task_list.count() == 13
    assert editor.progress_label.text() == "0 of 10 principles completed"


def test_new_decision_asks_by_keyboard_and_enter_takes_the_default(
        service, make_window, dialogs, qtbot, keyboard, monkeypatch):
    """Both shipped checklists: Ctrl+N shows the real chooser, the ten principles selected
    and focused; Enter makes a decision on them. Down then Enter takes the statutory duties."""
    from desktop.ui.dialogs import Dialogs

    monkeypatch.setattr(dialogs, "choose_checklist", lambda parent, choices, typed_ahead=None:
                        Dialogs.choose_checklist(dialogs, parent, choices, typed_ahead))
    window = make_window(service)
    seen = []

    def answer(*keys):
        def press():
            dialog = QApplication.activeWindow()  # shown without Qt's modality: typed_ahead.py
            if not (isinstance(dialog, ChecklistChoiceDialog)
                    and QApplication.focusWidget() in dialog.buttons):
                QTimer.singleShot(20, press)  # until it shows, its default radio focused
                return
            seen.append((dialog.chosen().id, QApplication.focusWidget() is dialog.buttons[0],
                         [c.text() for c in dialog.choices]))
            for key in keys:
                qtbot.keyClick(QApplication.focusWidget(), key)
        QTimer.singleShot(0, press)

    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    answer(Qt.Key.Key_Return)
    keyboard.ctrl(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: bool(seen))
    chosen_id, focused, labels = seen[0]
    assert (chosen_id, focused) == (service.checklist.id, True)
    assert labels[1].endswith(": ten principles and seven duties")
    first = window.editor.decision
    assert first.checklist_id == service.checklist.id and len(window.editor.principles) == 10

    answer(Qt.Key.Key_Down, Qt.Key.Key_Return)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    keyboard.ctrl(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: len(seen) == 2)
    qtbot.waitUntil(lambda: window.editor.decision.id != first.id)
    assert window.editor.decision.checklist_id == STATUTORY
    assert len(window.editor.principles) == 17


def test_long_titles_wrap_and_a_click_on_the_words_selects(service, qtbot):
    """A checklist title longer than the window is wide wraps under its radio (a QRadioButton's
    text cannot): the dialog fits a 1024-pixel screen at 150% (683 pixels), and a click on the
    words selects the radio, as a click on a QRadioButton's text did."""
    from dataclasses import replace

    long_title = " ".join(["Principles, statutory duties and the council's own tests"] * 3)
    newest = service.checklists.newest()
    choices = [*newest, replace(newest[0], title=long_title, id="a-long-one")]
    dialog = ChecklistChoiceDialog(choices)
    qtbot.addWidget(dialog)
    assert dialog.minimumSizeHint().width() < 683
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.buttons[0])
    assert dialog.width() <= 760  # a reading width, whatever the title
    dialog.resize(340, dialog.height())  # narrower (a small screen at 150%): taller
    qtbot.waitUntil(lambda: dialog.width() == 340)
    words = dialog.choices[-1].label
    qtbot.waitUntil(lambda: words.width() < words.fontMetrics().horizontalAdvance(long_title))
    assert words.height() >= 2 * words.fontMetrics().lineSpacing()  # wrapped, not cut off
    assert dialog.choices[-1].geometry().right() <= dialog.width()
    # made narrower, it grew taller: the last line of every label is inside the window
    assert all(c.geometry().bottom() < dialog.continue_button.geometry().top()
               for c in dialog.choices)
    assert words.height() >= words.heightForWidth(words.width())
    assert dialog.buttons[-1].accessibleName().startswith(long_title)
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
    assert dialog.chosen() is choices[-1] and dialog.focusWidget() is dialog.buttons[-1]
    assert dialog.choices[-1].property("radioFocus") is True  # the whole row looks focused
    assert dialog.choices[0].property("radioFocus") is False
    dialog.buttons[-1].setEnabled(False)
    assert not words.isEnabled()
    qtbot.mouseClick(dialog.choices[0].label, Qt.MouseButton.LeftButton)
    assert dialog.chosen() is choices[0]
