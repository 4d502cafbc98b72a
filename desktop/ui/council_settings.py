"""Tools ▸ Council settings…: the settings that are the council's, not one decision's. Today
one: the call-in period in working days, which every decision timeline follows. Saved through
`DecisionService.set_call_in_days` (audited); the window then reads the register again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop.domain.errors import KnownError
from desktop.domain.timeline import MAX_CALL_IN_DAYS
from desktop.ui.widgets import Field, WrappedWordsDialog, primary_button, text_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

CALL_IN_RANGE = (1, MAX_CALL_IN_DAYS)  # working days a council may set: the service's rule
CALL_IN_HINT = ("How many working days after a decision is published councillors have to "
                "call it in for scrutiny. It cannot be implemented until they have passed. "
                "Weekends, bank holidays and the day of publication are not counted. "
                "Most councils use 5.")


class CouncilSettingsDialog(WrappedWordsDialog):
    """The council's call-in period; `saved` carries the days once they are stored."""

    saved = Signal(int)

    def __init__(self, service: DecisionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Council settings")
        self.setMinimumWidth(420)
        col = self.column = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(16)
        col.addWidget(text_label("Council settings", "h1"))
        col.addWidget(text_label("These apply to every decision in this register."))
        self.days = QSpinBox()
        self.days.setRange(*CALL_IN_RANGE)
        self.days.setValue(min(max(service.call_in_days(), CALL_IN_RANGE[0]), CALL_IN_RANGE[1]))
        self.days.setSuffix(" working days")
        self.days.setMaximumWidth(220)
        self.field = Field("Call-in period", self.days, CALL_IN_HINT)
        col.addWidget(self.field)
        row = QHBoxLayout()
        self.save_button = primary_button("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.save_button)
        row.addSpacing(16)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        col.addLayout(row)
        col.addStretch(1)
        self.days.setFocus()

    def save(self) -> None:
        """Store the period (audited, only if it changed) and close; a refusal is shown
        under the field and the dialog stays open."""
        days = self.days.value()
        if days != self.service.call_in_days():
            try:
                self.service.set_call_in_days(days)
            except KnownError as e:
                self.field.set_error(str(e))
                self.days.setFocus()
                return
            self.saved.emit(days)
        self.accept()
