"""One section of a checklist being edited: its slug, title, kind, wording, guidance and
questions. It shows a section (a dict, as the checklist's JSON has it) and says what the user
changed; the editor page keeps the draft and checks it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.domain.checklist import KINDS
from desktop.ui.checklists.ordered_list import OrderedList
from desktop.ui.widgets import Field, PlainText, Radio

KIND_LABELS = {"principle": "Principle", "duty": "Duty (a statutory duty)"}
TEXT_KEYS = ("slug", "title", "wording", "guidance")
HINTS = {
    "slug": "Lower-case words joined by hyphens, like climate-emergency. A bundle's answers "
            "are keyed by it. Records answered against an earlier version keep their own.",
    "title": "A short heading, as the task list and the printed record show it.",
    "kind": "A principle tests whether the decision is wise; a duty, whether it is lawful.",
    "wording": "The principle or duty itself, printed as a quotation on its page.",
    "guidance": "What a good answer shows, for the officer who writes it.",
    "questions": "Three to six questions the answer must cover. F2 edits the selected one; "
                 "Alt+Up and Alt+Down move it.",
}


class SectionForm(QWidget):
    """The fields of one section; `edited(key, value)` when the user changes one."""

    edited = Signal(str, object)  # "slug", "title", "kind", "wording", "guidance": str;
    # "questions": list[str]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        self.inputs: dict[str, QWidget] = {}
        self.fields: dict[str, Field] = {}
        for key, label in (("slug", "Slug"), ("title", "Title")):
            edit = QLineEdit()
            edit.textEdited.connect(lambda text, k=key: self._edited(k, text))
            self._add(col, key, label, edit)
        kinds = QWidget()
        row = QHBoxLayout(kinds)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, Radio] = {}
        for kind in KINDS:
            button = Radio(KIND_LABELS[kind])
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            button.clicked.connect(lambda _=False, k=kind: self._edited("kind", k))
            row.addWidget(button)
        row.addStretch(1)
        self._add(col, "kind", "Kind", kinds)
        for key, label, lines in (("wording", "Wording", 3), ("guidance", "Guidance", 4)):
            text = PlainText(lines)
            text.textChanged.connect(lambda k=key, t=text: self._edited(k, t.toPlainText()))
            self._add(col, key, label, text)
        self.questions = OrderedList("question", add_text="Add a question", editable=True,
                                     rows=6)
        self.questions.view.setAccessibleName("Questions")
        for signal in (self.questions.added, self.questions.removed, self.questions.edited):
            signal.connect(lambda *_: self._edited("questions", self.questions.texts()))
        self.questions.moved.connect(
            lambda *_: self._edited("questions", self.questions.texts()))
        self._add(col, "questions", "Questions", self.questions)
        self.inputs["questions"] = self.questions.view

    def _add(self, col: QVBoxLayout, key: str, label: str, widget: QWidget) -> None:
        field = Field(label, widget, HINTS[key])
        self.fields[key] = field
        self.inputs[key] = widget
        col.addWidget(field)

    def _edited(self, key: str, value: Any) -> None:
        if not self._showing:
            self.edited.emit(key, value)

    # ---- showing a section ------------------------------------------------------------------
    def show_section(self, section: dict[str, Any]) -> None:
        self._showing = True
        try:
            for key in TEXT_KEYS:
                widget = self.inputs[key]
                value = str(section.get(key, ""))
                if isinstance(widget, QLineEdit):
                    if widget.text() != value:
                        widget.setText(value)
                elif isinstance(widget, PlainText) and widget.toPlainText() != value:
                    widget.setPlainText(value)
            kind = section.get("kind", "principle")
            button = self.kind_buttons.get(kind)
            if button is not None:
                button.setChecked(True)
            questions = [str(q) for q in section.get("questions", [])]
            if questions != self.questions.texts():
                self.questions.set_items(questions, current=self.questions.current())
        finally:
            self._showing = False

    def set_errors(self, errors: dict[str, str]) -> None:
        """Inline messages by key ("slug", "questions", ...); the others are cleared."""
        for key, field in self.fields.items():
            field.set_error(errors.get(key, ""))

    def focus(self, key: str, index: int | None = None) -> None:
        """Move the focus to a field (a question by its position)."""
        if key == "kind":
            checked = self.kind_group.checkedButton() or self.kind_buttons["principle"]
            checked.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if key == "questions" and index is not None:
            self.questions.select(index)
        widget = self.inputs.get(key)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
