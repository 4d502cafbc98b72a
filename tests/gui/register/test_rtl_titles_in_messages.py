"""Issue 13: a Hebrew or Arabic title inside the Withdraw and Delete questions is set between
bidi isolates, so the English sentence around it keeps its order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument, QTextLayout

from desktop.domain.visible import FSI, LRM, PDI

TITLES = ["סגירת הספרייה 2027", "إغلاق المكتبة (2027)"]


def reads_left_to_right(text: str, word: str) -> bool:
    """Laid out as a label lays it out (direction from the text): the sentence starts at the
    left edge and `word`, after the title, is to the right of where the sentence starts; and
    a message box's label (a QTextDocument, which picks the direction from the first strong
    letter, isolates or not) lays it out left to right."""
    layout = QTextLayout(text, QFont())
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    start, after = line.cursorToX(0)[0], line.cursorToX(text.index(word))[0]
    document = QTextDocument(text)
    block = document.begin()
    return start == 0 and after > start and block.textDirection() == Qt.LayoutDirection.LeftToRight


@pytest.mark.parametrize("title", TITLES)
def test_withdraw_question_isolates_a_right_to_left_title(window, service, dialogs, title):
    d = service.create(title)
    window.open_decision(d.id)
    dialogs.confirm_answer = False
    window.withdraw_decision()
    kind, heading, text = dialogs.calls[-1]
    assert (kind, heading) == ("confirm", "Withdraw this decision?")
    assert f"“{LRM}{FSI}{title}{PDI}”" in text
    assert reads_left_to_right(text, " will be marked")


@pytest.mark.parametrize("title", TITLES)
def test_delete_question_isolates_a_right_to_left_title(window, service, dialogs, title):
    d = service.create(title)
    window.open_decision(d.id)
    dialogs.confirm_answer = False
    window.delete_decision()
    kind, heading, text = dialogs.calls[-1]
    assert (kind, heading) == ("confirm", "Delete this draft?")
    assert f"“{LRM}{FSI}{title}{PDI}”" in text
    assert reads_left_to_right(text, " and everything")
    assert service.get(d.id).title == title  # not deleted: the answer was Cancel


def test_a_title_s_own_bidi_controls_are_shown_not_obeyed(window, service, dialogs):
    d = service.create("Approve\u202e lanif ton")
    window.open_decision(d.id)
    dialogs.confirm_answer = False
    window.delete_decision()
    assert f"“{LRM}{FSI}Approve⟨U+202E⟩ lanif ton{PDI}”" in dialogs.calls[-1][2]
