"""The decision's own fields: what is proposed, why, options considered, delivery model."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QVBoxLayout, QWidget

from desktop.application.decisions import MAX_REFERENCE, MAX_TITLE
from desktop.domain.decision import (
    DELIVERY_MODEL_LABELS,
    DELIVERY_MODELS,
    FIELD_LABELS,
    Decision,
    Option,
)
from desktop.domain.fields import FIELDS, IMPLICATIONS, names
from desktop.domain.timeline import CALL_IN_DAYS, date_order_problems, decision_timeline
from desktop.domain.typed_dates import parse_typed_date
from desktop.ui.editor.date_field import DateField
from desktop.ui.editor.document_rows import (
    DOCUMENT_COLUMNS,
    bad_document_dates,
    document_rows,
    typed_documents,
)
from desktop.ui.editor.report_fields import (
    PAGE_LABELS,
    PARAGRAPH_CHOICES,
    RECOMMENDATION_COLUMNS,
    REPORT_HINTS,
    URGENCY_CHOICES,
    Fieldset,
    TimelinePreview,
)
from desktop.ui.editor.row_table import Column, RowTable
from desktop.ui.widgets import Field, PlainText, ensure_visible, text_label

HINTS = {
    "title": "A short name a committee member would recognise, e.g. 'Outsource waste collection'.",
    "reference": "The forward plan or committee reference, if there is one.",
    "proposal": "What exactly is proposed: the service, the change, and when it would happen.",
    "reasons": "Why this option is recommended over the others.",
    "organisation": "The council or body making the decision.",
    "decision_maker": "Who takes the decision, e.g. Cabinet, or the Portfolio Holder.",
    "proposer": "The director or officer putting the proposal forward.",
    "meeting_date": "The date of the meeting that decides, e.g. 9/12/2026 (Alt+Down: calendar).",
    "review_date": "When the results will be reviewed, e.g. 31/03/2028 (Alt+Down: calendar).",
    "delivery_model": "How the service would be delivered if the proposal goes ahead.",
    "options": "Every option considered, including doing nothing, and why each was rejected.",
    "conflicts_of_interest": "Interests declared by anyone involved, and any dispensation granted.",
    **REPORT_HINTS,
}
MODEL_CHOICES = (("", "Not chosen yet"),
                 *((m, DELIVERY_MODEL_LABELS[m]) for m in DELIVERY_MODELS))
# Each option is a small block, so what was typed reads back whole at 1024 px and at 150%:
# its name across the column (wrapping), then delivery model and outcome, then the reason.
OPTION_COLUMNS = [
    Column("name", "Option", 1, spoken="Option", lines=1),
    Column("delivery_model", "Delivery model", 1, MODEL_CHOICES,
           spoken="Delivery model of option", line=1),
    Column("status", "Outcome", 1, (("rejected", "Rejected"), ("recommended", "Recommended")),
           spoken="Outcome of option", line=1),
    Column("reason", "Reason", 1, spoken="Reason for option", lines=2, line=2),
]
LINE_FIELDS = names("line")
TEXT_FIELDS = names("text")
DATES = names("date")
# Characters that can be saved, by field (title and reference, and the report's lines).
LIMITS = {"title": MAX_TITLE, "reference": MAX_REFERENCE,
          **{key: limit for key in LINE_FIELDS if (limit := FIELDS[key].max_length)
             and key not in ("title", "reference")}}
CHOICES = ("delivery_model", "exempt_paragraph", "urgency_route")  # drop-downs, by key




EDITABLE_INTRO = ("Describe the proposal before you test it against the principles. "
                  "Everything you type is saved as you go.")
# A record that cannot be changed (signed, locked or withdrawn) does not promise saving.
READ_ONLY_INTRO = ("The details of the proposal, as recorded. They cannot be changed now; "
                   "the notice at the top says why.")


class DetailsPage(QWidget):
    """Edits the decision fields. `changes()` returns what is valid to save, `show_problems()`
    flags the rest."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._read_only = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(24)
        col.addWidget(text_label("Decision details", "h1"))
        self.intro = text_label(EDITABLE_INTRO, "caption")
        col.addWidget(self.intro)
        self.fields: dict[str, Field] = {}
        # The input of each field, by key: a line, a text box, a date, a tick box, a list.
        self.inputs: dict[str, Any] = {}

        def add(key: str, widget: QWidget) -> None:
            f = Field(FIELD_LABELS[key], widget, HINTS.get(key, ""))
            self.fields[key] = f
            self.inputs[key] = widget
            col.addWidget(f)

        for key in ("title", "reference", "proposal", "reasons", "organisation",
                    "decision_maker", "proposer", "meeting_date", "review_date"):
            if key in TEXT_FIELDS:
                box = PlainText(6 if key == "proposal" else 4)
                box.textChanged.connect(self._changed)
                add(key, box)
            else:
                line = DateField() if key in DATES else QLineEdit()
                line.textEdited.connect(self._changed)
                add(key, line)
        self.key_decision = QCheckBox("This is a key decision")
        self.key_decision.setAccessibleName(FIELD_LABELS["key_decision"])
        self.key_decision.setAccessibleDescription(
            "Tick if it is on the forward plan as a key decision (significant spending or effect)")
        self.key_decision.toggled.connect(self._changed)
        self.inputs["key_decision"] = self.key_decision
        col.addWidget(self.key_decision)
        model = QComboBox()
        model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        model.setMinimumContentsLength(20)
        for value, label in MODEL_CHOICES:
            model.addItem(label, value)
        model.currentIndexChanged.connect(self._changed)
        add("delivery_model", model)
        self.options = RowTable(OPTION_COLUMNS, "option", "Add an option")
        self.options.edited.connect(self._changed)
        self.options.rows_changed.connect(self.chain_tab_order)
        opt_field = Field(FIELD_LABELS["options"], self.options, HINTS["options"])
        self.fields["options"] = opt_field
        self.inputs["options"] = self.options
        col.addWidget(opt_field)
        self.options.setAccessibleName(FIELD_LABELS["options"])
        conflicts = PlainText(3)
        conflicts.textChanged.connect(self._changed)
        add("conflicts_of_interest", conflicts)
        self.call_in_days = CALL_IN_DAYS  # the council's (the editor sets it from the service)
        self._build_report(col)

    def _build_report(self, col: QVBoxLayout) -> None:
        """The committee report's fields, in fieldsets, and the decision timeline."""
        group: Fieldset | None = None

        def add(key: str, widget: QWidget) -> None:
            f = Field(PAGE_LABELS.get(key, FIELD_LABELS[key]), widget, HINTS.get(key, ""))
            widget.setAccessibleName(FIELD_LABELS[key])
            self.fields[key] = f
            self.inputs[key] = widget
            assert group is not None
            group.add(f)

        def line(key: str) -> None:
            w = DateField() if key in DATES else QLineEdit()
            w.textEdited.connect(self._changed)
            add(key, w)

        def text(key: str, rows: int = 4) -> None:
            w = PlainText(rows)
            w.textChanged.connect(self._changed)
            add(key, w)

        def choice(key: str, choices) -> None:
            w = QComboBox()
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(20)
            for value, label in choices:
                w.addItem(label, value)
            w.currentIndexChanged.connect(self._changed)
            add(key, w)

        group = Fieldset("Committee report", "As the report to the decision maker gives them.")
        col.addWidget(group)
        for key in ("report_of", "contact_officer", "wards_affected"):
            line(key)
        self.recommendations = RowTable(RECOMMENDATION_COLUMNS, "recommendation",
                                        "Add a recommendation", reorder=True)
        self.recommendations.edited.connect(self._changed)
        self.recommendations.rows_changed.connect(self.chain_tab_order)
        self.recommendations.setAccessibleName(FIELD_LABELS["recommendations"])
        add("recommendations", self.recommendations)
        self.background_papers = RowTable(DOCUMENT_COLUMNS, "background paper",
                                          "Add a background paper")
        self.background_papers.edited.connect(self._changed)
        self.background_papers.rows_changed.connect(self.chain_tab_order)
        self.background_papers.setAccessibleName(FIELD_LABELS["background_papers"])
        add("background_papers", self.background_papers)
        group = Fieldset("Exempt information", "Schedule 12A to the Local Government Act 1972. "
                         "An exempt record prints a notice at its top.")
        col.addWidget(group)
        choice("exempt_paragraph", PARAGRAPH_CHOICES)
        text("exempt_parts", 2)
        group = Fieldset("Implications", "Each is written by its statutory officer and printed "
                         "under their name and post.")
        col.addWidget(group)
        for kind, _post in IMPLICATIONS:
            text(f"{kind}_implications")
            line(f"{kind}_officer")
        group = Fieldset("Decision timeline", "The meeting date above is the decision date "
                         "unless another is given here.")
        col.addWidget(group)
        self.timeline = TimelinePreview()
        line("forward_plan_notice_date")
        choice("urgency_route", URGENCY_CHOICES)
        group.add(self.timeline.warning)  # under the notice it is about
        line("decision_date")
        line("publication_date")
        group.add(self.timeline)

    # ---- load / read back ----------------------------------------------------------------
    def load(self, decision: Decision, read_only: bool) -> None:
        self.intro.setText(READ_ONLY_INTRO if read_only else EDITABLE_INTRO)
        self._read_only = read_only
        self._loading = True
        try:
            for key in LINE_FIELDS + DATES:
                w = self.inputs[key]
                w.setText(getattr(decision, key) or "")
                w.setReadOnly(read_only)
            for key in TEXT_FIELDS:
                w = self.inputs[key]
                w.setPlainText(getattr(decision, key) or "")
                w.setReadOnly(read_only)
            self.key_decision.setChecked(decision.key_decision)
            self.key_decision.setEnabled(not read_only)
            for key in CHOICES:
                self._choose(key, getattr(decision, key))
                self.inputs[key].setEnabled(not read_only)
            self.options.set_values(_option_rows(decision.options), read_only)
            self.recommendations.set_values(_recommendation_rows(decision.recommendations),
                                            read_only)
            self.background_papers.set_values(document_rows(decision.background_papers),
                                              read_only)
            for f in self.fields.values():
                f.set_error("")
        finally:
            self._loading = False
        self.chain_tab_order()
        self._show_timeline()

    def refresh(self, decision: Decision, keep: frozenset[str] = frozenset()) -> None:
        """Show the stored value of each field that shows another one, except the fields
        in `keep` and typing that cannot be saved yet: the cursor stays where it is in the
        rest (after a save that brought in what someone else saved)."""
        shown = self.changes()
        self._loading = True
        try:
            for key, value in shown.items():
                stored = getattr(decision, key)
                if key in keep or value == stored:
                    continue
                w = self.inputs[key]
                if key in TEXT_FIELDS:
                    w.setPlainText(stored or "")
                elif key in LINE_FIELDS or key in DATES:
                    w.setText(stored or "")
                elif key == "key_decision":
                    w.setChecked(stored)
                elif key in CHOICES:
                    self._choose(key, stored)
                elif key == "recommendations":
                    self.recommendations.set_values(_recommendation_rows(stored),
                                                    self._read_only)
                elif key == "background_papers":
                    self.background_papers.set_values(document_rows(stored), self._read_only)
                else:
                    self.options.set_values(_option_rows(stored), self._read_only)
        finally:
            self._loading = False
        self._show_timeline()

    def lock_as_typed(self) -> None:
        """Read-only from now, with what is typed left on the page (see PrinciplePage)."""
        self.intro.setText(READ_ONLY_INTRO)
        self._read_only = True
        self._loading = True
        try:
            for key in LINE_FIELDS + DATES + TEXT_FIELDS:
                self.inputs[key].setReadOnly(True)
            self.key_decision.setEnabled(False)
            for key in CHOICES:
                self.inputs[key].setEnabled(False)
            self.options.set_values(self.options.values(), read_only=True)
            self.recommendations.set_values(self.recommendations.values(), read_only=True)
            self.background_papers.set_values(self.background_papers.values(), read_only=True)
        finally:
            self._loading = False
        self.chain_tab_order()

    def changes(self) -> dict:
        """The fields as typed, leaving out values that cannot be saved yet (see problems())."""
        problems = self.problems()
        out: dict = {}
        for key in LINE_FIELDS:
            out[key] = self.inputs[key].text()
        for key in TEXT_FIELDS:
            out[key] = self.inputs[key].toPlainText()
        for key in LIMITS:
            if key in problems:
                del out[key]
        for key in DATES:
            if key not in problems:
                out[key] = parse_typed_date(self.inputs[key].text())
        out["key_decision"] = self.key_decision.isChecked()
        out["delivery_model"] = self.inputs["delivery_model"].currentData() or None
        out["exempt_paragraph"] = self.inputs["exempt_paragraph"].currentData()
        out["urgency_route"] = self.inputs["urgency_route"].currentData() or "none"
        out["recommendations"] = tuple(r["text"] for r in self.recommendations.values())
        if "background_papers" not in problems:  # kept on screen until every date is one
            out["background_papers"] = typed_documents(self.background_papers.values())
        out["options"] = tuple(
            Option(name=r["name"], status=r["status"] or "rejected",
                   delivery_model=r["delivery_model"] or None, reason=r["reason"])
            for r in self.options.values()
        )
        return out

    def problems(self) -> dict[str, str]:
        """Field -> why what is typed there cannot be saved yet (changes() leaves it out)."""
        out: dict[str, str] = {}
        typed = {key: self.inputs[key].text() for key in LIMITS}
        if not typed["title"].strip():
            out["title"] = "Enter a title"
        for key, limit in LIMITS.items():
            if len(typed[key]) > limit:
                out[key] = f"The {FIELD_LABELS[key].lower()} must be {limit} characters or fewer"
        for key in DATES:
            if self._not_a_date(key):
                # Kept on screen and reported; unsaveable() names it before the window closes.
                out[key] = "Enter a real date, such as 31/03/2027 or 2027-03-31"
        if bad := bad_document_dates(self.background_papers.values()):
            out["background_papers"] = (
                f"Enter the date of background paper {', '.join(str(i) for i, _ in bad)} "
                "as a real date, e.g. 31/03/2027")
        for key, message in date_order_problems(self._typed_dates()).items():
            out.setdefault(key, message)  # kept on screen, not saved, as above
        return out

    def _typed_dates(self) -> Decision:
        """The dates as typed (those that are dates), as a record for the timeline's rules."""
        def typed(key: str) -> str | None:
            return None if self._not_a_date(key) else parse_typed_date(self.inputs[key].text())

        return Decision(id="", title="", meeting_date=typed("meeting_date"),
                        forward_plan_notice_date=typed("forward_plan_notice_date"),
                        decision_date=typed("decision_date"),
                        publication_date=typed("publication_date"))

    def show_problems(self) -> None:
        """Show beside each field what problems() finds there, and clear the rest."""
        problems = self.problems()
        for key in (*LIMITS, *DATES, "background_papers"):
            self.fields[key].set_error(problems.get(key, ""))

    def unsaveable(self) -> list[str]:
        """What is typed here but cannot be saved (too long, or dates that are not dates)."""
        out = []
        for key, limit in LIMITS.items():
            length = len(self.inputs[key].text())
            if length > limit:
                out.append(f"{FIELD_LABELS[key]}: {length:,} characters, and at most {limit} "
                           "can be saved")
        for key in DATES:
            if self._not_a_date(key):
                out.append(f"{FIELD_LABELS[key]}: “{self.inputs[key].text().strip()}” is not a date")
        out += [f"Background paper {i}: date “{typed}” is not a date"
                for i, typed in bad_document_dates(self.background_papers.values())]
        out.extend(f"{FIELD_LABELS[key]}: {message[0].lower()}{message[1:]}"
                   for key, message in date_order_problems(self._typed_dates()).items())
        return out

    def _not_a_date(self, key: str) -> bool:
        """Something is typed in this date field, and it is not a date."""
        text = self.inputs[key].text().strip()
        return bool(text) and parse_typed_date(text) is None

    def _changed(self, *_args) -> None:
        if not self._loading:
            self._show_timeline()
            self.edited.emit()

    def _choose(self, key: str, value: object) -> None:
        w = self.inputs[key]
        w.setCurrentIndex(max(0, w.findData(value if key == "exempt_paragraph" else value or "")))

    def _show_timeline(self) -> None:
        """The timeline worked out from the dates as typed (those that are dates)."""
        typed = self.changes()
        self.timeline.show_timeline(decision_timeline(
            Decision(id="", title="", **{k: typed[k] for k in (
                "key_decision", "meeting_date", "forward_plan_notice_date", "urgency_route",
                "decision_date", "publication_date") if k in typed}),
            self.call_in_days))

    # ---- navigation ----------------------------------------------------------------------
    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for key in ("title", "reference", "proposal", "reasons", "organisation",
                    "decision_maker", "proposer", "meeting_date", "review_date",
                    "key_decision", "delivery_model"):
            chain.append(self.inputs[key])
        chain.extend(self.options.focus_chain())
        chain.append(self.inputs["conflicts_of_interest"])
        for key in ("report_of", "contact_officer", "wards_affected"):
            chain.append(self.inputs[key])
        chain.extend(self.recommendations.focus_chain())
        chain.extend(self.background_papers.focus_chain())
        chain += [self.inputs["exempt_paragraph"], self.inputs["exempt_parts"]]
        for kind, _post in IMPLICATIONS:
            chain += [self.inputs[f"{kind}_implications"], self.inputs[f"{kind}_officer"]]
        chain += [self.inputs[key] for key in ("forward_plan_notice_date", "urgency_route",
                                               "decision_date", "publication_date")]
        return chain

    def chain_tab_order(self) -> None:
        chain = self.focus_chain()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def focus_field(self, key: str = "title") -> None:
        widget = self.inputs.get(key, self.inputs["title"])
        if widget in (self.options, self.recommendations, self.background_papers):
            widget = widget.focus_chain()[0]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        ensure_visible(widget)


def _recommendation_rows(recommendations: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"text": r} for r in recommendations]


def _option_rows(options: tuple[Option, ...]) -> list[dict[str, str]]:
    return [{"name": o.name, "delivery_model": o.delivery_model or "", "status": o.status,
             "reason": o.reason} for o in options]
