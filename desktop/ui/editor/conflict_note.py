"""The notice shown when someone else changed what the user was typing in: both texts, kept.

Not a dialog: the user reads it beside the page, copies what they typed, and shows the other
version in the page when ready. Nothing typed is dropped until they ask for that.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.domain.decision import Action, Option, Rating
from desktop.ui.widgets import PlainText, text_label

CHANGED_ELSEWHERE = "Changed by someone else since you opened it"


class ConflictNote(QFrame):
    """Per part changed on both sides: its name, the version saved elsewhere, and what the user
    typed (not saved); a button copies what they typed, another shows the saved version."""

    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(CHANGED_ELSEWHERE)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 12, 24, 12)
        self._layout.setSpacing(8)
        self._parts: list[QWidget] = []
        self._typed = self._message = ""
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy what I typed")
        self.copy_button.clicked.connect(self.copy_typed)
        self.reload_button = QPushButton("Show the saved version")
        self.reload_button.setToolTip("Replace what you typed there with what is saved now")
        self.reload_button.clicked.connect(self.reload_requested)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        self._buttons = buttons
        self._layout.addLayout(buttons)
        self.hide()

    def show_parts(self, parts: list[tuple[str, object, object]], heading: str = "",
                   reload_text: str = "Show the saved version") -> None:
        """(label, saved elsewhere, typed here) of each part, under `heading` (by default:
        changed by someone else since you opened it); none: hide the notice."""
        for widget in self._parts:
            self._layout.removeWidget(widget)
            widget.deleteLater()
        self._parts = []
        typed = []
        self._typed = self._message = ""
        self.setVisible(bool(parts))
        if not parts:
            return
        first = text_label(heading or f"{CHANGED_ELSEWHERE}: "
                           + ", ".join(label for label, _theirs, _mine in parts)
                           + ". What you typed there was not saved; it is below, to copy.")
        self._message = first.text()
        self._layout.insertWidget(0, first)
        self._parts.append(first)
        self.reload_button.setText(reload_text)
        at = 1
        for label, theirs, mine in parts:
            lines = [
                text_label(label, "label"),
                text_label("Saved now:", "caption"), _box(shown(theirs)),
                text_label("What you typed (not saved):", "caption"), _box(shown(mine)),
            ]
            for widget in lines:
                self._layout.insertWidget(at, widget)
                at += 1
            self._parts.extend(lines)
            typed.append(shown(mine))
        self._typed = "\n\n".join(typed)

    def message(self) -> str:
        return self._message

    def typed(self) -> str:
        return self._typed

    def copy_typed(self) -> None:
        QApplication.clipboard().setText(self._typed)


def _box(text: str) -> PlainText:
    box = PlainText(2)
    box.setPlainText(text)
    box.setReadOnly(True)  # selectable and copyable, never edited here
    return box


def shown(value: object) -> str:
    """A part's value in words, as the page shows it."""
    if value is None or value == "" or value == ():
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Rating):
        return value.label
    if isinstance(value, tuple):
        return "\n".join(_item(x) for x in value)
    return str(value)


def _item(value: object) -> str:
    if isinstance(value, Action):
        return " — ".join(x for x in (value.action, value.owner, value.due or "") if x)
    if isinstance(value, Option):
        return " — ".join(x for x in (value.name, value.status, value.reason) if x)
    return str(value)
