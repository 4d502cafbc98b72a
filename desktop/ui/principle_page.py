"""One page per principle: the wording, guidance and questions, then the rating and answer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from desktop.domain.checklist import Principle
from desktop.domain.decision import Action, Answer, Rating, answer_problems
from desktop.ui import theme
from desktop.ui.details_page import valid_date
from desktop.ui.row_table import Column, RowTable
from desktop.ui.widgets import Field, LinkButton, PlainText, ensure_visible, text_label

RATING_MEANINGS = {
    Rating.GREEN: "clearly upholds it",
    Rating.AMBER: "partly; gaps being addressed",
    Rating.RED: "does not; a serious concern",
    Rating.NOT_APPLICABLE: "say why in the response",
}
ACTION_COLUMNS = [
    Column("action", "Action", 4, spoken="Action"),
    Column("owner", "Owner", 2, spoken="Owner of action"),
    Column("due", "Due date", 0, placeholder="YYYY-MM-DD", width=130, spoken="Due date of action"),
    Column("done", "Progress", 0, check=("Done", "Open"), live=True, spoken="Action done"),
]


class PrinciplePage(QWidget):
    """Shows one principle and edits its Answer. `answer()` returns what is valid to save."""

    edited = Signal()
    action_done = Signal(int, bool)  # action position, done: ticked by the user (audited apart)

    def __init__(self, principle: Principle, total: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.principle = principle
        self._loading = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        col.addWidget(text_label(f"Principle {principle.number} of {total}", "caption"))
        heading = text_label(principle.title, "h1")
        heading.setAccessibleName(f"{principle.title}, principle {principle.number} of {total}")
        col.addWidget(heading)
        quote = text_label(f"“{principle.wording[0].upper()}{principle.wording[1:]}.”", "quote")
        col.addWidget(quote)

        self.guidance_toggle = LinkButton("Hide guidance")
        self.guidance_toggle.setAccessibleName("Hide or show guidance")
        self.guidance_toggle.clicked.connect(self.toggle_guidance)
        col.addWidget(self.guidance_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.guidance = QWidget()
        g = QVBoxLayout(self.guidance)
        g.setContentsMargins(16, 0, 0, 8)
        g.setSpacing(8)
        g.addWidget(text_label(principle.guidance))
        g.addWidget(text_label("Questions to consider", "label"))
        for q in principle.questions:
            g.addWidget(text_label(f"•  {q}"))
        col.addWidget(self.guidance)

        col.addSpacing(8)
        self.progress = text_label("", "hint")
        col.addWidget(self.progress)

        rating_box = QWidget()
        r = QVBoxLayout(rating_box)
        r.setContentsMargins(0, 0, 0, 0)
        r.setSpacing(4)
        self.rating_group = QButtonGroup(self)
        self.rating_buttons: dict[Rating, QRadioButton] = {}
        for rating in (Rating.GREEN, Rating.AMBER, Rating.RED, Rating.NOT_APPLICABLE):
            b = QRadioButton(f"{theme.rating_text(rating)} – {RATING_MEANINGS[rating]}")
            b.setAccessibleName(f"Rating: {rating.label}")
            b.setAccessibleDescription(RATING_MEANINGS[rating])
            self.rating_group.addButton(b)
            self.rating_buttons[rating] = b
            r.addWidget(b)
            b.toggled.connect(self._changed)
        self.rating_field = Field("Rating", rating_box,
                                  "Choose the one that fits best; Amber and Red need an action.")
        rating_box.setAccessibleName(f"Rating for {principle.title}")
        col.addWidget(self.rating_field)

        self.response = PlainText(6)
        self.response.textChanged.connect(self._changed)
        self.response_field = Field(
            "How does the proposal meet this principle?", self.response,
            "Answer the questions above in plain words: what the proposal does, for whom, "
            "and any gaps.")
        col.addWidget(self.response_field)
        self.evidence = PlainText(3)
        self.evidence.textChanged.connect(self._changed)
        col.addWidget(Field("Evidence", self.evidence,
                            "Reports, data or consultation that back this up, with dates."))
        self.actions = RowTable(ACTION_COLUMNS, "action", "Add an action")
        self.actions.edited.connect(self._changed)
        self.actions.toggled.connect(self._done_toggled)
        self.actions.rows_changed.connect(self.chain_tab_order)
        self.actions.setAccessibleName("Actions")
        self.actions_field = Field(
            "Actions", self.actions,
            "What will be done where the proposal falls short, who owns it, and by when.")
        col.addWidget(self.actions_field)

    # ---- load / read back ----------------------------------------------------------------
    def load(self, answer: Answer, read_only: bool, follow_up: bool = True) -> None:
        """Show an answer; `follow_up` keeps the actions' Done boxes live on a read-only record."""
        self._loading = True
        try:
            self.rating_group.setExclusive(False)
            for rating, b in self.rating_buttons.items():
                b.setChecked(answer.rating == rating)
                b.setEnabled(not read_only)
            self.rating_group.setExclusive(True)
            self.response.setPlainText(answer.response)
            self.response.setReadOnly(read_only)
            self.evidence.setPlainText(answer.evidence)
            self.evidence.setReadOnly(read_only)
            self.actions.set_values(
                [{"action": a.action, "owner": a.owner, "due": a.due or "",
                  "done": "yes" if a.done else ""} for a in answer.actions],
                read_only,
            )
            for i in range(self.actions.row_count()):
                self.actions.cell(i, "done").setEnabled(follow_up)
        finally:
            self._loading = False
        self.show_progress(answer)

    def rating(self) -> Rating | None:
        for rating, b in self.rating_buttons.items():
            if b.isChecked():
                return rating
        return None

    def answer(self) -> Answer:
        """The answer as typed; a due date that is not a real date yet is left out and flagged."""
        actions = []
        bad = []
        for i, row in enumerate(self.actions.values()):
            due = row["due"].strip()
            if due and not valid_date(due):
                bad.append(i + 1)
                due = ""
            actions.append(Action(row["action"], row["owner"], due or None, row["done"] == "yes"))
        self.actions_field.set_error(
            f"Enter the due date of action {', '.join(map(str, bad))} as YYYY-MM-DD, "
            "e.g. 2027-03-31" if bad else "")
        return Answer(rating=self.rating(), response=self.response.toPlainText(),
                      evidence=self.evidence.toPlainText(), actions=tuple(actions))

    def show_progress(self, answer: Answer) -> None:
        problems = answer_problems(answer)
        self.progress.setText(
            "To complete this principle: " + "; ".join(p[0].lower() + p[1:] for p in problems) + "."
            if problems else "This principle is complete.")

    def _done_toggled(self, row: int, _key: str, done: bool) -> None:
        # Undo the tick until the editor has saved any typing and recorded the change (audited):
        # then set_done() ticks it for real. Until then answer() reports the stored state.
        self.actions.set_checked(row, "done", not done)
        if not self._loading:
            self.action_done.emit(row, done)

    def set_done(self, row: int, done: bool) -> None:
        self.actions.set_checked(row, "done", done)

    def _changed(self, *_args) -> None:
        if not self._loading:
            self.edited.emit()

    # ---- guidance and navigation -------------------------------------------------------------
    def toggle_guidance(self) -> None:
        self.set_guidance_visible(not self.guidance.isVisible())

    def set_guidance_visible(self, visible: bool) -> None:
        self.guidance.setVisible(visible)
        self.guidance_toggle.setText("Hide guidance" if visible else "Show guidance and questions")

    def focus_chain(self) -> list[QWidget]:
        return [self.guidance_toggle, *self.rating_buttons.values(), self.response, self.evidence,
                *self.actions.focus_chain()]

    def chain_tab_order(self) -> None:
        chain = self.focus_chain()
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def focus_field(self, key: str = "rating") -> None:
        if key == "response":
            target: QWidget = self.response
        elif key == "actions":
            chain = self.actions.focus_chain()
            target = chain[0]
        else:
            target = self.rating_buttons.get(self.rating() or Rating.GREEN)
        if not target.isEnabled():  # a locked record: start at the top, not half-way down
            target = self.guidance_toggle
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        ensure_visible(target)
