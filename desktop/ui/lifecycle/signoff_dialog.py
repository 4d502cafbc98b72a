"""Recording a sign-off, and starting an amendment: dialogs with a GOV.UK error summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.application import lifecycle
from desktop.domain.dates import short_date
from desktop.domain.decision import Decision
from desktop.domain.errors import KnownError
from desktop.domain.record import content_code
from desktop.domain.typed_dates import parse_typed_date
from desktop.domain.visible import isolated
from desktop.ui.editor.date_field import DateField
from desktop.ui.error_summary import ErrorSummary
from desktop.ui.widgets import (
    Field,
    FollowFocus,
    PlainText,
    fit_to_screen,
    primary_button,
    text_label,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QBoxLayout

    from desktop.application.decisions import DecisionService

DIALOG_FIELDS = ("role", "name", "date", "minute_reference", "comment", "reason")


class FormDialog(QDialog):
    """A dialog whose form has an ErrorSummary (self.summary)."""

    summary: ErrorSummary

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        target = self.summary.tab_after(self.focusWidget()) if forward else None
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().focusNextPrevChild(forward)


def _buttons(dialog: QDialog, action: str) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    row = QHBoxLayout()
    ok = primary_button(action)
    ok.setDefault(True)
    cancel = QPushButton("Cancel")
    cancel.clicked.connect(dialog.reject)
    row.addWidget(ok)
    row.addWidget(cancel)
    row.addStretch(1)
    return row, ok, cancel


def _role_line(r: lifecycle.RoleState) -> str:
    """One role's line above the form: who signed and when, or that it is still to sign."""
    if (s := r.sign_off) is not None:
        return f"✓ {r.name}: signed by {s.name} on {short_date(s.date)}"
    return f"○ {r.name}: {'required, ' if r.required else 'optional, '}not yet signed"


def _role_item(r: lifecycle.RoleState) -> str:
    """One role as the Role list offers it."""
    label = f"{r.name} ({'required' if r.required else 'optional'})"
    return label + " — already signed" if r.signed else label


class SignOffDialog(FormDialog):
    """Record one role's sign-off of the current version (the clerk, after the meeting)."""

    signed = Signal(object)  # the Decision after the sign-off was recorded
    problem_outside = Signal(str)  # a record field (e.g. 'answers.staff') to fix in the editor

    def __init__(self, service: DecisionService, decision_id: str, parent: QWidget | None = None,
                 today: str | None = None, last_date: str | None = None) -> None:
        """today: YYYY-MM-DD (the service's clock by default). last_date: the date the
        previous sign-off of this decision recorded in this session, which the next role of
        the same meeting most likely signed on too."""
        super().__init__(parent)
        self.service = service
        self.decision: Decision = service.get(decision_id)
        self.setWindowTitle("Record a sign-off")
        self.setMinimumWidth(560)
        # The service's clock decides what 'today' is, as it does for the date check.
        today = today or service.today()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 24)
        outer.setSpacing(16)
        # Everything but the buttons scrolls, so the Record button stays on screen at
        # 1280×800 and at 150%, and nothing is squeezed (the error summary and the lines
        # above the form were cut through when the summary appeared in a short dialog).
        body = QWidget()
        body.setObjectName("page")  # white, like the rest of the dialog
        col = QVBoxLayout(body)
        col.setContentsMargins(32, 24, 32, 0)
        col.setSpacing(16)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        FollowFocus(scroll)  # the focused field and the caret clear of the edges
        outer.addWidget(scroll, 1)
        self.form_scroll = scroll
        self.summary = ErrorSummary()
        self.summary.activated.connect(self.focus_field)
        col.addWidget(self.summary)
        col.addWidget(text_label("Record a sign-off", "h1"))
        d = self.decision
        col.addWidget(text_label(f"{d.title} — version {d.version}", "caption"))
        # The sign-off is bound to this code: the copy the members signed must show it.
        self.code = content_code(d)
        self.code_line = text_label(
            f"The signed copy must show the verification code {self.code} in its footer. "
            "If it shows another code, the record has changed since it was printed: print it "
            "again and have the new copy signed.", "hint")
        self.code_line.setAccessibleName(
            f"Verification code of this version: {' '.join(self.code)}")
        col.addWidget(self.code_line)
        self.states = service.lifecycle.role_states(d)
        self.progress = text_label(self._progress_text())
        col.addWidget(self.progress)
        self.form = QWidget()
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(16)
        col.addWidget(self.form)
        self.role_lines = [text_label(_role_line(r), "hint") for r in self.states]
        for line in self.role_lines:
            form.addWidget(line)

        self.role = QComboBox()
        for r in self.states:
            self.role.addItem(_role_item(r), r.name)
            if r.signed:
                # A combo box's own model is a QStandardItemModel.
                items = cast("QStandardItemModel", self.role.model())
                items.item(self.role.count() - 1).setEnabled(False)
        first = next((i for i, r in enumerate(self.states) if not r.signed), -1)
        self.role.setCurrentIndex(first)
        self.name = QLineEdit()
        meeting = d.meeting_date if d.meeting_date and d.meeting_date <= today else None
        self.date = DateField(last_date or meeting or today)
        self.date.set_latest(today)
        self.date.textChanged.connect(self._check_date)
        self.minute = QLineEdit()
        self.comment = PlainText(3)
        self.fields = {
            "role": Field("Role", self.role, "The role the person signed for."),
            "name": Field("Name", self.name, "Full name, as written on the signed copy."),
            "date": Field("Date signed", self.date,
                          "The date written beside the signature, e.g. 9/12/2026 "
                          "(Alt+Down: calendar)."),
            "minute_reference": Field(
                "Minute reference (optional)", self.minute,
                "For example, Cabinet minute 45/26."),
            "comment": Field("Comment (optional)", self.comment,
                             "Anything the record should note about this sign-off."),
        }
        for field in self.fields.values():
            form.addWidget(field)
        # Not a problem that blocks (a late sign-off is possible), but usually a slip of the pen.
        self.date_warning = text_label("", "warning")
        self.date_warning.hide()
        date_box = cast("QBoxLayout", self.fields["date"].layout())  # a Field's column
        date_box.insertWidget(date_box.indexOf(self.date), self.date_warning)
        self._check_date()
        row, self.record_button, self.cancel_button = _buttons(self, "Record sign-off")
        self.record_button.clicked.connect(self.submit)
        col.addStretch(1)
        row.setContentsMargins(32, 0, 32, 0)
        outer.addLayout(row)
        blocking = [p for p in service.lifecycle.sign_off_problems(d, self.request())
                    if p.kind == "state"]
        if blocking:  # nothing can be signed yet: say why, and offer no form to fill in
            self._show([(p.field, p.message) for p in blocking])
            self.progress.setText(
                "" if any(p.field == "status" for p in blocking) else
                "It can be signed once everything above is complete. Choose an item to go to it.")
            self.progress.setVisible(bool(self.progress.text()))
            self.form.hide()
            self.record_button.setEnabled(False)
            self.record_button.hide()
            self.cancel_button.setText("Close")
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.name.setFocus()
        self._fit_to_screen(parent)

    def _progress_text(self) -> str:
        required = [r for r in self.states if r.required]
        signed = [r for r in required if r.signed]
        return f"{len(signed)} of {len(required)} required roles have signed."

    def _reload(self) -> None:
        """After a refusal: the record as it is now (another clerk may have signed), so the
        count of roles signed is not the one the dialog opened with."""
        try:
            self.decision = self.service.get(self.decision.id)
        except KnownError:
            return  # gone or unreadable: the refusal already says what happened
        self.states = self.service.lifecycle.role_states(self.decision)
        self.progress.setText(self._progress_text())
        items = cast("QStandardItemModel", self.role.model())
        for i, (line, r) in enumerate(zip(self.role_lines, self.states, strict=True)):
            line.setText(_role_line(r))
            self.role.setItemText(i, _role_item(r))
            items.item(i).setEnabled(not r.signed)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # On a short screen (150% scale) the dialog scrolls: bring the focused field into view.
        focused = self.focusWidget()
        if focused is not None and self.form.isAncestorOf(focused):
            self.form_scroll.ensureWidgetVisible(focused, 16, 48)

    def _fit_to_screen(self, parent: QWidget | None) -> None:
        """As tall as the form, but never taller than the screen (the form scrolls)."""
        hint = self.sizeHint()
        fit_to_screen(self, max(hint.width(), self.minimumWidth()), hint.height(), parent)

    def request(self) -> lifecycle.SignOffRequest:
        return lifecycle.SignOffRequest(
            role=self.role.currentData() or "",
            name=self.name.text(),
            date=self.date.iso() or self.date.text().strip(),
            minute_reference=self.minute.text(),
            comment=self.comment.text(),
        )

    def _check_date(self) -> None:
        """Warn (without blocking) when the date is before the meeting that decided."""
        iso, meeting = self.date.iso(), self.decision.meeting_date
        early = bool(iso and meeting and iso < meeting)
        self.date_warning.setText(
            f"Warning: this is before the meeting date ({short_date(meeting)}). Check the date "
            "written on the signed copy." if early else "")
        self.date_warning.setVisible(early)
        self.date.setAccessibleDescription(
            self.fields["date"].hint.text() + (" " + self.date_warning.text() if early else ""))

    def date_problems(self) -> list[lifecycle.Problem]:
        typed = self.date.text().strip()
        if typed and parse_typed_date(typed) is None:
            return [lifecycle.Problem(
                "date", "Enter the date it was signed as a real date, such as 9/12/2026")]
        return []

    def submit(self) -> None:
        """Validate, then record; problems go to the error summary, which takes focus."""
        try:  # the checks read the register: a shared one's server may be away
            problems = self.service.lifecycle.sign_off_problems(self.decision, self.request())
        except KnownError as exc:
            self._show([("status", str(exc))])
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.date_problems():  # the window's words for a mistyped date, not the CLI's
            problems = [p for p in problems if p.field != "date"] + self.date_problems()
        problems = [lifecycle.Problem(p.field, p.message.replace(
            f"({self.request().date})", f"({short_date(self.request().date)})"), p.kind)
            if p.field == "date" else p for p in problems]
        if not problems:
            try:
                decision = self.service.lifecycle.record_sign_off(
                    self.decision.id, self.request(), code=self.code)
            except KnownError as exc:
                problems = [lifecycle.Problem("status", str(exc), "state")]
                self._reload()
            else:
                self.decision = decision
                self.signed.emit(decision)
                self.accept()
                return
        self._show([(p.field, p.message) for p in problems])
        self.form_scroll.verticalScrollBar().setValue(0)  # the summary is at the top
        self.summary.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show(self, problems: list[tuple[str, str]]) -> None:
        first = next((self.fields[f].widget for f, _m in problems if f in self.fields), None)
        self.summary.show_problems(problems, first)
        for key, field in self.fields.items():
            field.set_error(next((m for f, m in problems if f == key), ""))

    def focus_field(self, field: str) -> None:
        """Where an error summary link leads: a field here, or the record in the editor."""
        if field in self.fields:
            self.fields[field].widget.setFocus(Qt.FocusReason.OtherFocusReason)
        elif field != "status":
            self.problem_outside.emit(field)
            self.reject()


class AmendDialog(FormDialog):
    """Start an amendment: version n+1, open to change, with the reason on record."""

    amended = Signal(object)  # the new version

    def __init__(self, service: DecisionService, decision_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.decision: Decision = service.get(decision_id)
        d = self.decision
        self.setWindowTitle("Amend a signed-off decision")
        self.setMinimumWidth(560)
        col = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(16)
        self.summary = ErrorSummary()
        self.summary.activated.connect(lambda _f: self.reason.setFocus())
        col.addWidget(self.summary)
        col.addWidget(text_label("Amend a signed-off decision", "h1"))
        self.intro = text_label(
            f"Version {d.version} of “{isolated(d.title)}” stays on record exactly as it was signed. "
            f"The amendment starts as version {d.version + 1}: a new version you can change, "
            "with no sign-offs. It needs signing off again.")
        col.addWidget(self.intro)
        self.reason: PlainText = PlainText(4)
        self.field = Field("Reason for the amendment", self.reason,
                           "What changed and who asked for it; this prints on the new version.")
        col.addWidget(self.field)
        row, self.amend_button, self.cancel_button = _buttons(self, "Start amendment")
        self.amend_button.clicked.connect(self.submit)
        col.addLayout(row)
        self.reason.setFocus()

    def submit(self) -> None:
        try:
            new = self.service.lifecycle.amend(self.decision.id, self.reason.text())
        except KnownError as exc:
            message = "Enter the reason for the amendment" if exc.field == "reason" else str(exc)
            self.summary.show_problems([("reason", message)], self.reason)
            self.field.set_error(message)
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.amended.emit(new)
        self.accept()
