"""The committee report's part of the Details page: its hints and choices, a fieldset (a
legend over a group of fields, as GOV.UK groups them), and the timeline worked out live
from the dates typed, with the warning of a key decision's short notice."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.domain.dates import short_date
from desktop.domain.fields import EXEMPT_PARAGRAPH_LABELS, EXEMPT_PARAGRAPHS, IMPLICATIONS
from desktop.domain.timeline import URGENCY_ROUTES, URGENCY_SHORT, Timeline
from desktop.ui.editor.row_table import Column
from desktop.ui.widgets import WarningText, text_label

POSTS = dict(IMPLICATIONS)
REPORT_HINTS = {
    "report_of": "The post of the report's author, e.g. 'Director of Environment'.",
    "contact_officer": "Their name, and a phone number or email address.",
    "wards_affected": "'All wards', or the wards by name, separated by commas.",
    "recommendations": "What the decision maker is asked to agree, in order. They print "
                       "numbered. Alt+Up and Alt+Down move the one you are in.",
    "background_papers": "Documents the report relies on that are not the evidence of one "
                         "answer: title, date and where each is held. They print first among "
                         "the background papers.",
    "exempt_paragraph": "Only if part of the report is not for publication.",
    "exempt_parts": "For example, 'Appendix 2: tender prices'.",
    "forward_plan_notice_date": "When the key decision was first published on the forward "
                                "plan, e.g. 17/12/2026. It needs 28 clear days before the "
                                "decision.",
    "urgency_route": "Only if 28 clear days' notice could not be given.",
    "decision_date": "Leave blank if it is the meeting date.",
    "publication_date": "When the decision notice was published. Call-in runs from it.",
}
for _kind, _post in IMPLICATIONS:
    REPORT_HINTS[f"{_kind}_implications"] = f"Written by the {_post}."
    REPORT_HINTS[f"{_kind}_officer"] = (f"The name of the officer who wrote it. It prints "
                                        f"with the post: {_post}.")

PARAGRAPH_CHOICES: tuple[tuple[int | None, str], ...] = (
    (None, "Not exempt"),
    *((n, f"Paragraph {n}: {EXEMPT_PARAGRAPH_LABELS[n]}") for n in EXEMPT_PARAGRAPHS),
)
URGENCY_CHOICES: tuple[tuple[str, str], ...] = (
    ("none", "None"),
    ("general-exception", "General exception: 5 clear days' notice to the scrutiny chair"),
    ("special-urgency", "Special urgency: the scrutiny chair agreed it is urgent"),
)
assert tuple(v for v, _ in URGENCY_CHOICES) == URGENCY_ROUTES
# Shorter labels on the page, where the fieldset's legend says the rest (the full label stays
# the input's accessible name, and is what the audit log and the redline show).
PAGE_LABELS = {
    "exempt_paragraph": "Schedule 12A paragraph",
    "exempt_parts": "Which parts are exempt",
    **{f"{kind}_officer": "Written by" for kind, _post in IMPLICATIONS},
}
RECOMMENDATION_COLUMNS = [Column("text", "Recommendation", 1, spoken="Recommendation",
                                 lines=2)]


class Fieldset(QWidget):
    """A legend, an optional hint, then its fields (add() them), named for a screen reader."""

    def __init__(self, legend: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(16)
        self.legend = text_label(legend, "h2")
        self.column.addWidget(self.legend)
        if hint:
            self.column.addWidget(text_label(hint, "hint"))
        self.setAccessibleName(legend)

    def add(self, widget: QWidget) -> None:
        self.column.addWidget(widget)


class TimelinePreview(QWidget):
    """The dates worked out from those typed, and the short-notice warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        self.warning = WarningText()  # placed by the page, beside the notice's fields
        col.addWidget(text_label("Worked out from the dates above", "label"))
        self.dates = text_label("", "hint")
        col.addWidget(self.dates)

    def show_timeline(self, t: Timeline) -> None:
        self.warning.show_warning(t.notice_warning)
        self.dates.setText("\n".join(timeline_lines(t)))


def timeline_lines(t: Timeline) -> list[str]:
    """The worked-out dates in words, one a line ("Not yet known" where a date is missing)."""
    def day(value) -> str:
        return short_date(value.isoformat()) if value else "not yet known"

    days = f"{t.call_in_days} working day{'s' if t.call_in_days != 1 else ''}"
    call_in = ("Call-in: exempt (special urgency)" if t.exempt_from_call_in
               else f"Call-in ends: {day(t.call_in_end)} ({days} after publication)")
    lines = [f"Decision date: {day(t.decision_date)}", call_in,
             f"Implementable from: {day(t.implementable_from)}",
             f"Legal challenge window ends: {day(t.challenge_end)}"]
    if t.notice_clear_days is not None:
        lines.insert(1, f"Notice: {max(t.notice_clear_days, 0)} clear days before the decision"
                        + (f" ({URGENCY_SHORT[t.urgency_route].lower()})"
                           if t.urgency_route != "none" else ""))
    return lines
