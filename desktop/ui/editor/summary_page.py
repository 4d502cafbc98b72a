"""'Check your answers': every principle's rating and response, what is missing, the next step."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appraisal_text import disagreement_messages
from desktop.domain.checklist import Checklist
from desktop.domain.dates import short_date
from desktop.domain.decision import (
    Decision,
    Status,
    answer_gaps,
    answer_state,
    appraisal_gaps,
    completed_slugs,
    detail_problems,
    overall_rating,
    settled_rating,
)
from desktop.domain.rules import allowed
from desktop.domain.timeline import decision_timeline
from desktop.ui import theme
from desktop.ui.widgets import ButtonRow, LinkButton, WarningText, primary_button, text_label

if TYPE_CHECKING:
    from desktop.domain.imported_sign_offs import ImportedSignOffs


def first_lines(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sign_off_lines(decision: Decision, checklist: Checklist,
                   imported: ImportedSignOffs | None = None) -> str:
    """Who signed for which role and when (and which came in a bundle, recorded elsewhere),
    then the roles still to sign."""
    by_role = {s.role.casefold(): s for s in decision.sign_offs}
    lines, waiting = [], []
    for role in checklist.sign_off_roles:
        s = by_role.get(role.name.casefold())
        if s is not None:
            minute = f", minute {s.minute_reference}" if s.minute_reference else ""
            elsewhere = (" (recorded elsewhere)" if imported is not None
                         and imported.came_in(role.name) else "")
            lines.append(f"✓ {role.name}: signed by {s.name} on {short_date(s.date)}{minute}"
                         f"{elsewhere}")
        elif role.required:
            waiting.append(role.name)
    if waiting:
        lines.append(("Still to sign: " if lines else "To sign: ") + ", ".join(waiting) + ".")
    if imported is not None:
        lines.append(imported.notice())
    return "\n".join(lines)


class SummaryPage(QWidget):
    """Rebuilt from the saved record each time it is shown."""

    go_to = Signal(int, str)  # page index, field key
    appraisal_requested = Signal()  # "Go to" the options appraisal (its page is the editor's)
    export_requested = Signal()
    sign_off_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._body: QWidget | None = None
        self.links: list[QPushButton] = []
        self.export_button: QPushButton | None = None
        self.sign_off_button: QPushButton | None = None
        self.sign_offs_label: QLabel | None = None
        self.rating_line: QLabel | None = None  # "Overall rating: …", if anything is rated
        self.export_enabled = True
        self.next_step: QPushButton | None = None  # the first focus (see focus_field)
        self.notice_warning: WarningText | None = None  # a key decision's short notice

    def show_decision(self, decision: Decision, checklist: Checklist,
                      imported: ImportedSignOffs | None = None) -> None:
        if self._body is not None:
            self._layout.removeWidget(self._body)
            self._body.hide()
            self._body.deleteLater()
        self._body = QWidget()
        self.links = []
        col = QVBoxLayout(self._body)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        col.addWidget(text_label("Check your answers", "h1"))
        col.addWidget(text_label(decision.title, "caption"))
        progress = checklist.progress(completed_slugs(decision))
        col.addWidget(text_label(progress))
        overall = settled_rating(decision)
        self.rating_line = None
        if overall:
            self.rating_line = text_label(f"Overall rating: {theme.rating_text(overall)}",
                                          "label")
            self.rating_line.setStyleSheet(f"color: {theme.rating_colour(overall).name()};")
        elif overall_rating(decision):  # rated in part: no rating reads as if assured
            self.rating_line = text_label(
                f"Overall rating: Not yet rated ({progress})", "label")
        if self.rating_line is not None:
            col.addWidget(self.rating_line)
        self.notice_warning = WarningText()
        self.notice_warning.show_warning(decision_timeline(decision).notice_warning)
        col.addWidget(self.notice_warning)

        # (what is missing, what its link does)
        missing: list[tuple[str, Callable[[], None]]] = [
            (f"Decision details: {msg}", self._to(0, key)) for key, msg in detail_problems(decision)
        ]
        missing += [(f"Options appraisal: {msg}", self.appraisal_requested.emit)
                    for msg in appraisal_gaps(decision)]
        for p in checklist.principles:
            for key, msg in answer_gaps(decision.answer(p.slug), p.noun):
                missing.append((f"{p.number}. {p.title}: {msg}", self._to(p.number, key)))
        rules = allowed(decision)
        if missing and rules.edit:
            box = QFrame()
            box.setObjectName("problemBox")
            b = QVBoxLayout(box)
            b.setSpacing(4)
            b.addWidget(text_label("What is still missing", "h2"))
            for text, follow in missing:
                link = LinkButton(text, wrap=True)  # a narrow window breaks it into lines
                link.setAccessibleName(f"Go to {text}")
                link.clicked.connect(lambda _=False, f=follow: f())
                b.addWidget(link, 0, Qt.AlignmentFlag.AlignLeft)
                self.links.append(link)
            col.addWidget(box)

        # Where the principle pages and the options appraisal disagree (issue 16): said here,
        # with the way to the appraisal.
        disagree = disagreement_messages(decision, {p.slug: f"{p.number}. {p.title}"
                                                    for p in checklist.principles})
        self.disagreements: QLabel | None = None
        if disagree:
            self.disagreements = text_label("\n".join(f"! {m}" for m in disagree), "warning")
            self.disagreements.setAccessibleName("The principle pages and the options appraisal "
                                                 "disagree")
            col.addWidget(self.disagreements)
            see = LinkButton("See the options appraisal", wrap=True)
            see.clicked.connect(self.appraisal_requested)
            col.addWidget(see, 0, Qt.AlignmentFlag.AlignLeft)
        first_missing = self.links[0] if self.links else None
        col.addWidget(text_label("Next step", "h2"))
        ready = decision.status == Status.READY
        if decision.status == Status.SIGNED_OFF:
            last = max((s.date for s in decision.sign_offs), default="")
            text = (f"Version {decision.version} was signed off on {short_date(last)}. "
                    "Export it to print or file the signed record.")
            button_text = "Export the assurance record"
        elif decision.status == Status.WITHDRAWN:
            text = "This decision has been withdrawn. It is kept for the record."
            button_text = "Export the assurance record"
        elif ready:
            text = ("Ready for sign-off. Export the assurance record for the committee papers; "
                    "after the meeting, record each sign-off from the signed copy.")
            button_text = "Export for committee"
        else:
            text = (f"Complete the {len(missing)} item{'s' if len(missing) != 1 else ''} above. "
                    "You can export a draft for discussion at any time.")
            button_text = "Export a draft"
        col.addWidget(text_label(text))
        self.sign_offs_label = None
        if decision.sign_offs or ready:
            self.sign_offs_label = text_label(sign_off_lines(decision, checklist, imported))
            self.sign_offs_label.setAccessibleName("Sign-offs")
            col.addWidget(self.sign_offs_label)
        buttons = ButtonRow()
        self.export_button = primary_button(button_text) if ready else QPushButton(button_text)
        self.export_button.setEnabled(self.export_enabled)
        self.export_button.clicked.connect(self.export_requested)
        buttons.add(self.export_button)
        self.sign_off_button = None
        if rules.sign_off:
            self.sign_off_button = QPushButton("Record sign-off…")
            self.sign_off_button.setToolTip("Record a sign-off from the signed paper copy")
            self.sign_off_button.clicked.connect(self.sign_off_requested)
            buttons.add(self.sign_off_button)
        col.addWidget(buttons)
        self.next_step = first_missing or self._next_action(decision)
        col.addWidget(text_label(checklist.noun.capitalize(), "h2"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        row = 0
        for p in checklist.principles:
            answer = decision.answer(p.slug)
            grid.addWidget(text_label(f"{p.number}. {p.title}", "label"), row, 0, 1, 2)
            state = answer_state(answer)
            rating = text_label(f"{theme.rating_text(answer.rating)}  ·  {state}")
            rating.setStyleSheet(f"color: {theme.rating_colour(answer.rating).name()};")
            grid.addWidget(rating, row + 1, 0, 1, 2)
            # A record that cannot be changed now: the link only shows the page.
            verb = "Change" if rules.edit else "View"
            change = LinkButton(verb)
            change.setAccessibleName(f"{verb} {p.title}")
            change.clicked.connect(lambda _=False, n=p.number: self.go_to.emit(n, "rating"))
            grid.addWidget(change, row, 2, Qt.AlignmentFlag.AlignRight)
            self.links.append(change)
            response = text_label(first_lines(answer.response) or "No response yet.", "hint")
            grid.addWidget(response, row + 2, 0, 1, 3)
            rule = QFrame()
            rule.setFrameShape(QFrame.Shape.HLine)
            rule.setStyleSheet(f"color: {theme.BORDER};")
            grid.addWidget(rule, row + 3, 0, 1, 3)
            row += 4
        col.addLayout(grid)

        self._layout.addWidget(self._body)

    def set_export_enabled(self, enabled: bool) -> None:
        self.export_enabled = enabled
        if self.export_button is not None:
            self.export_button.setEnabled(enabled)

    def _next_action(self, decision: Decision) -> QPushButton | None:
        """With nothing missing: once signing has begun, the next sign-off; else the export
        (for committee, or of the signed record). Not a "Change" link."""
        if self.sign_off_button is not None and decision.sign_offs:
            return self.sign_off_button
        return self.export_button

    def _to(self, page: int, key: str) -> Callable[[], None]:
        return lambda: self.go_to.emit(page, key)

    def focus_field(self, _key: str = "") -> None:
        """The page's first focus: its next step (while the export is not possible, say
        during one, the next control that is)."""
        for widget in (self.next_step, self.sign_off_button, *self.links):
            if widget is not None and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
