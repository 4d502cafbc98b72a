"""Issue 13, item 12: a locked record promises no saving, large tick targets, a fixed "Done"
label, and the editor warns of characters the printed record cannot draw."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QRadioButton

from desktop.ui import theme
from desktop.ui.editor.details_page import EDITABLE_INTRO, READ_ONLY_INTRO
from desktop.ui.widgets import glyph_warning
from tests.helpers.gui import USERS_PAGE, complete_decision, sign_all


def test_a_locked_record_does_not_say_typing_is_saved(make_window, service):
    draft = service.create(title="A draft")
    locked = sign_all(service, complete_decision(service).id)
    window = make_window(service)
    window.open_decision(draft.id)
    assert window.editor.details.intro.text() == EDITABLE_INTRO
    window.open_decision(locked.id)
    intro = window.editor.details.intro.text()
    assert intro == READ_ONLY_INTRO and "saved" not in intro


@pytest.mark.usefixtures("themed")
def test_radio_buttons_and_tick_boxes_are_large_targets(make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id, USERS_PAGE)
    page = window.editor.principles[USERS_PAGE - 1]
    boxes = page.findChildren(QRadioButton) + window.editor.findChildren(QCheckBox)
    assert len(boxes) > 4
    for box in boxes:
        assert box.sizeHint().height() >= theme.TARGET, box.text()
        box.resize(box.sizeHint())
        # the whole row of the indicator and its label takes the click
        assert box.hitButton(box.rect().center())


def test_the_done_box_keeps_its_label_when_ticked(qtbot, make_window, service):
    d = complete_decision(service)
    window = make_window(service)
    window.open_decision(d.id, USERS_PAGE)
    box = window.editor.principles[USERS_PAGE - 1].actions.cell(0, "done")
    assert box.text() == "Done" and not box.isChecked()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked() and box.text() == "Done"


def test_a_character_no_font_has_is_hinted_under_the_field(make_window, service):
    d = service.create(title="Fine")
    window = make_window(service)
    window.open_decision(d.id)
    field = window.editor.details.fields["title"]
    assert field.glyphs.isHidden()
    window.editor.details.inputs["title"].setText("Café plan 漢")
    assert not field.glyphs.isHidden()
    assert "U+6F22" in field.glyphs.text() and "é" not in field.glyphs.text()
    window.editor.details.inputs["title"].setText("Café plan")
    assert field.glyphs.isHidden()
    proposal = window.editor.details.fields["proposal"]
    window.editor.details.inputs["proposal"].setPlainText("Line one\n漢")
    assert "U+6F22" in proposal.glyphs.text()


def test_the_hint_uses_the_pdfs_own_check():
    from desktop.export.pdf.styles import register_fonts, unprintable

    assert glyph_warning("plain text\nand tabs\t") == ""
    assert unprintable("a漢", register_fonts()) == {"漢"}
    assert "U+6F22" in glyph_warning("a漢")


def test_history_folds_a_fields_rapid_autosaves_into_one_entry(qtbot, service):
    from desktop.ui.lifecycle.history_view import HistoryView

    d = service.create(title="First")
    for text in ("Fi", "First d", "First draft"):  # the test clock: a second apart
        d = service.update(d.id, title=text)
    rows = [e for e in service.lifecycle.history(d.id) if e.field == "title"]
    assert len(rows) >= 3
    view = HistoryView(service, d.id)
    qtbot.addWidget(view)
    model = view.model
    titles = [r for r in range(model.rowCount()) if model.entries[r].field == "title"]
    assert len(titles) == 1, "one entry for the person's edit of the title"
    edit = model.entries[titles[0]]
    assert edit.saves == len(rows)
    assert model.text(titles[0], 4) == (rows[0].old_value or "—")
    assert model.text(titles[0], 5) == "First draft"
    assert f"({len(rows)} saves)" in model.text(titles[0], 0)
