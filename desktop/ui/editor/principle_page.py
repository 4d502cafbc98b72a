"""One page per principle: the heading and wording, then the inputs beside (or under) the guidance."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.checklist import Principle
from desktop.domain.decision import Action, Answer, Document, Rating, answer_problems
from desktop.domain.typed_dates import parse_typed_date
from desktop.ui import theme
from desktop.ui.editor.document_rows import (
    DOCUMENT_COLUMNS,
    bad_document_dates,
    document_rows,
    typed_documents,
)
from desktop.ui.editor.row_table import Column, RowTable
from desktop.ui.widgets import (
    READING_WIDTH,
    Field,
    LinkButton,
    PlainText,
    WrappingRadio,
    ensure_visible,
    text_label,
)

RATING_MEANINGS = {
    Rating.GREEN: "clearly upholds it",
    Rating.AMBER: "partly; gaps being addressed",
    Rating.RED: "does not; a serious concern",
    Rating.NOT_APPLICABLE: "say why in the response",
}
# Each action is a small block: the action across the whole column, then owner and date, then
# progress (on a line of its own, so the block fits the column at 1024 px and 150%).
ACTION_COLUMNS = [
    Column("action", "Action", 1, spoken="Action", lines=2),
    Column("owner", "Owner", 1, spoken="Owner of action", line=1, lines=1),  # wraps: never cut
    Column("due", "Due date", 0, width=150, spoken="Due date of action", line=1, date=True),
    Column("done", "Progress", 0, check="Done", live=True, spoken="Action done", line=2),
]
# Two columns (inputs, then guidance on the right) when the scroll viewport is at least this
# wide in logical pixels: 1280x800 at 100% has about 920; at 150% it is about 560 and stacks.
TWO_COLUMN_VIEWPORT = 840
GUIDANCE_WIDTH = 440  # the side column: about 55 characters a line
COLUMN_GAP = 32
WIDE_WIDTH = READING_WIDTH + COLUMN_GAP + GUIDANCE_WIDTH


class PrinciplePage(QWidget):
    """Shows one principle and edits its Answer. `answer()` returns what is valid to save,
    `show_problems()` flags the rest."""

    edited = Signal()
    action_done = Signal(int, bool)  # action position, done: ticked by the user (audited apart)
    guidance_toggled = Signal(bool)  # the user showed or hid the guidance (visible)
    # The table of actions. The name hides QWidget.actions() (the widget's QActions), which
    # this page has none of.
    actions: RowTable  # type: ignore[assignment]

    def __init__(self, principle: Principle, position: str,
                 parent: QWidget | None = None) -> None:
        """`position`: where it stands in its checklist ("Principle 3 of 10":
        Checklist.position)."""
        super().__init__(parent)
        self.principle = principle
        self._loading = False
        self._read_only, self._follow_up = False, True
        self._two_columns = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(24)
        self.heading = QWidget()
        h = QVBoxLayout(self.heading)
        h.setContentsMargins(0, 0, 0, 0)
        h.setSpacing(8)
        h.addWidget(text_label(position, "caption"))
        self.title = text_label(principle.title, "h1")
        self.title.setAccessibleName(f"{principle.title}, {position[0].lower()}{position[1:]}")
        h.addWidget(self.title)
        h.addSpacing(8)
        quote = text_label(f"“{principle.wording[0].upper()}{principle.wording[1:]}.”", "quote")
        h.addWidget(quote)
        self.heading.setMaximumWidth(READING_WIDTH)
        col.addLayout(_left_aligned(self.heading))

        self.guidance_panel = self._build_guidance(principle)
        self.inputs = self._build_inputs(principle)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(24)
        col.addLayout(self.body)
        self._arrange()

    def _build_guidance(self, principle: Principle) -> QWidget:
        panel = QWidget()
        panel.setAccessibleName("Guidance")
        p = QVBoxLayout(panel)
        p.setContentsMargins(0, 0, 0, 0)
        p.setSpacing(8)
        self.guidance_toggle = LinkButton("Hide guidance")
        self.guidance_toggle.setAccessibleName("Hide or show guidance")
        self.guidance_toggle.clicked.connect(self.toggle_guidance)
        p.addWidget(self.guidance_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        # Marked off by a grey rule on the left, like an opened GOV.UK "details" component.
        self.guidance = _LeftRuled()
        g = QVBoxLayout(self.guidance)
        g.setContentsMargins(20, 0, 0, 0)
        g.setSpacing(8)
        g.addWidget(text_label(principle.guidance))
        g.addSpacing(8)
        g.addWidget(text_label("Questions to consider", "label"))
        for q in principle.questions:
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(text_label("•"), 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(text_label(q), 1)  # wrapped lines hang under the text, not the bullet
            g.addLayout(row)
        p.addWidget(self.guidance)
        p.addStretch(1)
        return panel

    def _build_inputs(self, principle: Principle) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(16)
        self.progress = text_label("", "hint")
        self.progress.setAccessibleName("Still needed")
        col.addWidget(self.progress)

        rating_box = QWidget()
        r = QVBoxLayout(rating_box)
        r.setContentsMargins(0, 0, 0, 0)
        r.setSpacing(4)
        self.rating_group = QButtonGroup(self)
        self.rating_buttons: dict[Rating, QRadioButton] = {}
        # Each radio with its words beside it, wrapping on a narrow page (at 150%).
        self.rating_rows: dict[Rating, WrappingRadio] = {}
        for rating in (Rating.GREEN, Rating.AMBER, Rating.RED, Rating.NOT_APPLICABLE):
            row = WrappingRadio(f"{theme.rating_text(rating)} – {RATING_MEANINGS[rating]}")
            b = row.radio
            b.setAccessibleName(f"Rating: {rating.label}")
            b.setAccessibleDescription(RATING_MEANINGS[rating])
            self.rating_group.addButton(b)
            self.rating_buttons[rating] = b
            self.rating_rows[rating] = row
            r.addWidget(row)
            b.toggled.connect(self._changed)
        self.rating_field = Field("Rating", rating_box,
                                  "Choose the one that fits best; Amber and Red need an action.")
        rating_box.setAccessibleName(f"Rating for {principle.title}")
        col.addWidget(self.rating_field)

        self.response = PlainText(6)
        self.response.textChanged.connect(self._changed)
        self.response_field = Field(
            f"How does the proposal meet this {principle.noun}?", self.response,
            "Answer the questions in the guidance in plain words: what the proposal does, for whom, "
            "and any gaps.")
        col.addWidget(self.response_field)
        self.evidence = PlainText(3)
        self.evidence.textChanged.connect(self._changed)
        col.addWidget(Field("Evidence", self.evidence,
                            "Reports, data or consultation that back this up, with dates."))
        self.documents = RowTable(DOCUMENT_COLUMNS, "document", "Add a document")
        self.documents.edited.connect(self._changed)
        self.documents.rows_changed.connect(self.chain_tab_order)
        self.documents.setAccessibleName("Documents")
        self.documents_field = Field(
            "Documents", self.documents,
            "Each report or record the evidence rests on: its title, its date and where it is "
            "held. The record lists them as background papers.")
        col.addWidget(self.documents_field)
        self.actions = RowTable(ACTION_COLUMNS, "action", "Add an action")
        self.actions.edited.connect(self._changed)
        self.actions.toggled.connect(self._done_toggled)
        self.actions.rows_changed.connect(self.chain_tab_order)
        self.actions.setAccessibleName("Actions")
        self.actions_field = Field(
            "Actions", self.actions,
            "What will be done where the proposal falls short, who owns it, and by when.")
        col.addWidget(self.actions_field)
        col.addStretch(1)
        box.setMaximumWidth(READING_WIDTH)
        return box


    # ---- layout -----------------------------------------------------------------------------
    def follow_viewport(self, viewport: QWidget) -> None:
        """Choose one or two columns from the width of the scroll area this page sits in."""
        self._watcher = _WidthWatcher(viewport, self)
        self.set_two_columns(viewport.width() >= TWO_COLUMN_VIEWPORT)

    def two_columns(self) -> bool:
        return self._two_columns

    def set_two_columns(self, two: bool) -> None:
        if two == self._two_columns and self.body.count():
            return
        self._two_columns = two
        self._arrange()

    def _arrange(self) -> None:
        for w in (self.inputs, self.guidance_panel):
            self.body.removeWidget(w)
        if self._two_columns:
            # Inputs first (left), guidance beside them: the rating sits just under the heading.
            self.body.setDirection(QBoxLayout.Direction.LeftToRight)
            self.body.setSpacing(COLUMN_GAP)
            self.body.addWidget(self.inputs, 3)
            self.body.addWidget(self.guidance_panel, 2)
            self.guidance_panel.setMaximumWidth(GUIDANCE_WIDTH)
            self.setMaximumWidth(WIDE_WIDTH)
        else:
            self.body.setDirection(QBoxLayout.Direction.TopToBottom)
            self.body.setSpacing(24)
            self.body.addWidget(self.guidance_panel)
            self.body.addWidget(self.inputs)
            self.guidance_panel.setMaximumWidth(READING_WIDTH)
            self.setMaximumWidth(READING_WIDTH)
        self.chain_tab_order()

    # ---- load / read back ----------------------------------------------------------------
    def load(self, answer: Answer, read_only: bool, follow_up: bool = True) -> None:
        """Show an answer; `follow_up` keeps the actions' Done boxes live on a read-only record."""
        self._read_only, self._follow_up = read_only, follow_up
        self._loading = True
        try:
            self._show_rating(answer.rating)
            for b in self.rating_buttons.values():
                b.setEnabled(not read_only)
            self.response.setPlainText(answer.response)
            self.response.setReadOnly(read_only)
            self.evidence.setPlainText(answer.evidence)
            self.evidence.setReadOnly(read_only)
            self._show_actions(answer.actions)
            self._show_documents(answer.documents)
        finally:
            self._loading = False
        self.show_progress(answer)

    def refresh(self, answer: Answer, keep: frozenset[str] = frozenset()) -> None:
        """Show the stored value of each part of the answer (rating, response, evidence,
        actions) that shows another one, except the parts in `keep` and actions whose due
        dates cannot be saved yet: the cursor stays where it is in the rest."""
        shown = self.answer()
        self._loading = True
        try:
            if "rating" not in keep and shown.rating != answer.rating:
                self._show_rating(answer.rating)
            for part, box in (("response", self.response), ("evidence", self.evidence)):
                if part not in keep and getattr(shown, part) != getattr(answer, part):
                    box.setPlainText(getattr(answer, part))
            if ("actions" not in keep and shown.actions != answer.actions
                    and not self._bad_due_dates()):
                self._show_actions(answer.actions)
            if ("documents" not in keep and shown.documents != answer.documents
                    and not self._bad_document_dates()):
                self._show_documents(answer.documents)
        finally:
            self._loading = False
        self.show_progress(answer)

    def _show_rating(self, rating: Rating | None) -> None:
        self.rating_group.setExclusive(False)
        for value, b in self.rating_buttons.items():
            b.setChecked(value == rating)
        self.rating_group.setExclusive(True)

    def _show_actions(self, actions: tuple[Action, ...]) -> None:
        self.actions.set_values(
            [{"action": a.action, "owner": a.owner, "due": a.due or "",
              "done": "yes" if a.done else ""} for a in actions],
            self._read_only,
        )
        for i in range(self.actions.row_count()):
            self.actions.cell(i, "done").setEnabled(self._follow_up)

    def _show_documents(self, documents: tuple[Document, ...]) -> None:
        self.documents.set_values(document_rows(documents), self._read_only)

    def lock_as_typed(self) -> None:
        """Read-only from now, with what is typed left on the page (to be copied): the record
        was signed elsewhere while it was being typed on."""
        self._read_only = True
        self._loading = True
        try:
            for b in self.rating_buttons.values():
                b.setEnabled(False)
            self.response.setReadOnly(True)
            self.evidence.setReadOnly(True)
            self.actions.set_values(self.actions.values(), read_only=True)
            self.documents.set_values(self.documents.values(), read_only=True)
        finally:
            self._loading = False

    def rating(self) -> Rating | None:
        for rating, b in self.rating_buttons.items():
            if b.isChecked():
                return rating
        return None

    def answer(self) -> Answer:
        """The answer as typed; a due date that is not a real date yet is left out."""
        actions = [Action(row["action"], row["owner"], parse_typed_date(row["due"].strip()),
                          row["done"] == "yes") for row in self.actions.values()]
        return Answer(rating=self.rating(), response=self.response.toPlainText(),
                      evidence=self.evidence.toPlainText(), actions=tuple(actions),
                      documents=typed_documents(self.documents.values()))

    def show_problems(self) -> None:
        """Flag, beside the actions, due dates that answer() leaves out (or clear the flag)."""
        bad = [str(i) for i, _typed in self._bad_due_dates()]
        self.actions_field.set_error(
            f"Enter the due date of action {', '.join(bad)} as a real date, e.g. 31/03/2027"
            if bad else "")
        bad = [str(i) for i, _typed in self._bad_document_dates()]
        self.documents_field.set_error(
            f"Enter the date of document {', '.join(bad)} as a real date, e.g. 31/03/2027"
            if bad else "")

    def unsaveable(self) -> list[str]:
        """What is typed here but cannot be saved (due dates that are not dates)."""
        return ([f"{self.principle.title}, action {i}: due date “{typed}” is not a date"
                 for i, typed in self._bad_due_dates()]
                + [f"{self.principle.title}, document {i}: date “{typed}” is not a date"
                   for i, typed in self._bad_document_dates()])

    def _bad_due_dates(self) -> list[tuple[int, str]]:
        """(action number, what is typed) of each due date that is not a date."""
        return [(i, typed) for i, row in enumerate(self.actions.values(), start=1)
                if (typed := row["due"].strip()) and parse_typed_date(typed) is None]

    def _bad_document_dates(self) -> list[tuple[int, str]]:
        return bad_document_dates(self.documents.values())

    def show_progress(self, answer: Answer) -> None:
        problems = answer_problems(answer, self.principle.noun)
        self.progress.setText(
            f"To complete this {self.principle.noun}: "
            + "; ".join(p[0].lower() + p[1:] for p in problems) + "."
            if problems else f"This {self.principle.noun} is complete.")

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
    def guidance_visible(self) -> bool:
        return not self.guidance.isHidden()

    def toggle_guidance(self) -> None:
        self.set_guidance_visible(not self.guidance_visible())
        self.guidance_toggled.emit(self.guidance_visible())

    def set_guidance_visible(self, visible: bool) -> None:
        self.guidance.setVisible(visible)
        self.guidance_toggle.setText("Hide guidance" if visible else "Show guidance and questions")

    def focus_chain(self) -> list[QWidget]:
        """Reading order: the inputs, then the guidance beside them; or the guidance above first."""
        inputs = [*self.rating_buttons.values(), self.response, self.evidence,
                  *self.documents.focus_chain(), *self.actions.focus_chain()]
        if self._two_columns:
            return [*inputs, self.guidance_toggle]
        return [self.guidance_toggle, *inputs]

    def chain_tab_order(self) -> None:
        chain = self.focus_chain()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def focus_field(self, key: str = "rating") -> None:
        """Focus a field and bring it into view; the rating keeps the heading in view if it can."""
        field: QWidget
        if key == "response":
            target: QWidget = self.response
            field = self.response_field
        elif key == "actions":
            target = self.actions.focus_chain()[0]
            field = self.actions_field
        else:
            target = self.rating_buttons[self.rating() or Rating.GREEN]
            field = self.rating_field
        if not target.isEnabled():  # a locked record: start at the top, not half-way down
            target = field = self.guidance_toggle
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        area = _scroll_area(self)
        if area is None:
            return
        # A page just brought forward may not be laid out yet: stale positions scroll too far.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if field is not self.response_field and field is not self.actions_field:
            area.verticalScrollBar().setValue(0)  # the heading first
            if _fully_shown(area, field):
                return
        ensure_visible(field)
        ensure_visible(target)


class _LeftRuled(QWidget):
    """A block with a 4 px grey rule down its left edge."""

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.fillRect(0, 0, 4, self.height(), QColor(theme.BORDER))
        p.end()


class _WidthWatcher(QObject):
    """Tells the page when its scroll area's viewport crosses the two-column width."""

    def __init__(self, viewport: QWidget, page: PrinciplePage) -> None:
        super().__init__(page)
        self._page = page
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._page.set_two_columns(event.size().width() >= TWO_COLUMN_VIEWPORT)
        return False


def _left_aligned(widget: QWidget) -> QHBoxLayout:
    # No alignment flag: an aligned item loses height-for-width and wrapped text is cut.
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget, 1)
    row.addStretch(0)
    return row


def _scroll_area(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def _fully_shown(area: QScrollArea, widget: QWidget) -> bool:
    """Whether the widget lies wholly inside the scroll area's viewport as it is scrolled now."""
    top_left = widget.mapTo(area.viewport(), widget.rect().topLeft())
    bottom = top_left.y() + widget.height()
    return top_left.y() >= 0 and bottom <= area.viewport().height()
