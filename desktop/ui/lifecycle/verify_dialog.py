"""Decision ▸ Verify a printed copy…: type a code, or open a PDF or a scan, and see the same
answer as `decision-checklist verify` (desktop.application.verification.format_findings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.domain.errors import KnownError
from desktop.ui.widgets import Field, PlainText, fit_to_screen, primary_button, text_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

FILE_FILTER = "Printed copies and scans (*.pdf *.png *.jpg *.jpeg);;All files (*)"


class VerifyDialog(QDialog):
    """Check a printed copy against the register."""

    # What the check found. The name hides QDialog.result() (a dialog's exit code), which this
    # dialog never sets or reads.
    result: PlainText  # type: ignore[assignment]


    def __init__(self, service: DecisionService, dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dialogs = dialogs
        self.setWindowTitle("Verify a printed copy")
        self.setMinimumWidth(560)
        col = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(16)
        col.addWidget(text_label("Verify a printed copy", "h1"))
        col.addWidget(text_label(
            "Check that a signed copy is what the register holds: type the verification "
            "code printed at the foot of its pages, or open the PDF or a scan of it."))
        self.code = QLineEdit()
        self.code.setMaxLength(64)
        self.field = Field("Verification code", self.code,
                           "12 letters and digits, like ABCD-EFGH-JKMN")
        col.addWidget(self.field)
        row = QHBoxLayout()
        self.check_button = primary_button("Check code")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check_code)
        self.code.returnPressed.connect(self.check_code)
        self.open_button = QPushButton("Open a PDF or scan…")
        self.open_button.clicked.connect(self.open_file)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        row.addWidget(self.check_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(close)
        col.addLayout(row)
        self.heading = text_label("", "h2")
        self.heading.hide()
        col.addWidget(self.heading)
        self.result = PlainText(lines=12)
        self.result.setReadOnly(True)
        self.result.setAccessibleName("Result of the check")
        self.result.hide()
        col.addWidget(self.result, 1)
        fit_to_screen(self, 720, 640)
        self.code.setFocus()

    def answer(self) -> str:
        """The answer shown, as the command line prints it ('' before any check)."""
        return self.result.text() if not self.result.isHidden() else ""

    def check_code(self) -> None:
        text = self.code.text()
        if not text.strip():
            self.field.set_error("Enter the verification code printed on the copy")
            self.code.setFocus()
            return
        self._run(lambda: self._check(text))

    def open_file(self) -> None:
        path = self.dialogs.open_file(self, "Open a printed copy or a scan", FILE_FILTER)
        if path:
            self._run(lambda: self._check_file(path))

    def _check(self, text: str):
        from desktop.application.verification import check_code

        return check_code(self.service, text)

    def _check_file(self, path: str):
        from desktop.application.verification import check_file

        return check_file(self.service, path)

    def _run(self, fn) -> None:
        from PySide6.QtGui import QGuiApplication

        from desktop.application.verification import HEADINGS, exit_status, format_findings

        self.field.set_error("")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            findings = fn()
        except KnownError as exc:
            self.field.set_error(str(exc))
            self.heading.hide()
            self.result.hide()
            self.code.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.heading.setText(HEADINGS[exit_status(findings)])
        self.heading.show()
        self.result.setPlainText(format_findings(findings))
        self.result.setAccessibleDescription(self.heading.text())
        self.result.show()
        self.result.setFocus()


def install_verify_action(window, service: DecisionService, dialogs) -> QAction:
    """Decision ▸ Verify a printed copy…"""
    action = QAction("&Verify a printed copy…", window)
    action.setStatusTip("Check a printed or scanned record against the register")

    def show() -> None:
        dialog = VerifyDialog(service, dialogs, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.verify_dialog = dialog
        dialog.open()

    action.triggered.connect(show)
    window.decision_menu.addSeparator()
    window.decision_menu.addAction(action)
    return action
