"""Which checklist a new decision is answered against, when the register holds more than one
(GOV.UK radios: one question, the register's default preselected, arrow keys move and select,
Enter continues). Each radio's words wrap (widgets.WrappingRadio): a long title never makes the
dialog wider than the window, at 1024×768 and 150% scale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.checklist import Checklist
from desktop.ui.widgets import (
    Radio,
    WrappedWordsDialog,
    WrappingRadio,
    primary_button,
    text_label,
)


def choice_label(checklist: Checklist) -> str:
    """"Title (version 2): ten principles and two duties"."""
    return f"{checklist.title} (version {checklist.version}): {checklist.sections_counted}"


class ChecklistChoiceDialog(WrappedWordsDialog):
    """One radio per checklist; `chosen()` is the one selected (the first, the default,
    until the user picks another)."""

    def __init__(self, checklists: list[Checklist], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New decision")
        self.checklists = checklists
        col = self.column = QVBoxLayout(self)
        col.setContentsMargins(24, 24, 24, 24)
        col.setSpacing(16)
        question = text_label("Which checklist will this decision be answered against?", "h2")
        col.addWidget(question)
        col.addWidget(text_label("The register's default is selected. The decision keeps the "
                                 "checklist chosen here, and its record always prints with it.",
                                 "caption"))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[Radio] = []
        self.choices: list[WrappingRadio] = []  # each radio with its wrapping words
        for i, checklist in enumerate(checklists):
            choice = WrappingRadio(choice_label(checklist))
            button = choice.radio
            button.setAccessibleName(choice_label(checklist)
                                     + (", the register's default" if i == 0 else ""))
            self.group.addButton(button, i)
            self.buttons.append(button)
            self.choices.append(choice)
            col.addWidget(choice)
        self.buttons[0].setChecked(True)
        row = QHBoxLayout()
        self.continue_button = primary_button("Continue")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.accept)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        row.addWidget(self.continue_button)
        row.addSpacing(16)
        row.addWidget(cancel)
        row.addStretch(1)
        col.addLayout(row)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        checked = self.group.checkedButton()
        if checked is not None:
            checked.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def chosen(self) -> Checklist:
        return self.checklists[max(0, self.group.checkedId())]
