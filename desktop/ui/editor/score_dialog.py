"""One cell's score and evidence: a radio per score 0-4 (number and word), the evidence, and
who scored it and when. Keys 0-4 pick a score, the arrows move and pick, Enter saves; Escape
asks before it throws away a score or evidence changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appraisal import MAX_SCORE, Criterion, Score
from desktop.domain.appraisal_text import score_label
from desktop.ui.editor.appraisal_matrix import scored_line, weight_line
from desktop.ui.widgets import (
    Field,
    FollowFocus,
    PlainText,
    Radio,
    fit_to_screen,
    primary_button,
    text_label,
)

if TYPE_CHECKING:
    from desktop.ui.dialogs import Dialogs

MEANINGS = {0: "does not meet it at all", 1: "meets little of it", 2: "meets part of it",
            3: "meets most of it", 4: "meets it in full"}
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(MAX_SCORE + 1)}


class ScoreDialog(QDialog):
    """Opened with open() (not exec()), so the page goes on; `saved` or `cleared` says what
    the user chose."""

    saved = Signal(int, str)  # score, evidence
    cleared = Signal()

    def __init__(self, option: str, criterion: Criterion, score: Score | None, *,
                 read_only: bool = False, dialogs: Dialogs | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs  # asks before a changed score or evidence is thrown away
        self.read_only = read_only
        self.given = (score.score if score is not None else None,
                      score.evidence if score is not None else "")
        self.setWindowTitle("Score this option")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # The scores and evidence scroll when the screen is short (1280 x 800 at 150%); the
        # buttons stay in view under them.
        body = QWidget()
        body.setObjectName("page")  # white, as a page
        col = QVBoxLayout(body)
        col.setContentsMargins(24, 24, 24, 8)
        col.setSpacing(16)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(body)
        FollowFocus(area)
        outer.addWidget(area, 1)
        title = criterion.title or criterion.id
        heading = text_label(f"{option}: {title}", "h2")
        col.addWidget(heading)
        col.addWidget(text_label(f"{weight_line(criterion)}. {scored_line(score)}", "caption"))
        if criterion.must_pass:
            col.addWidget(text_label("A 0 on a must-pass criterion fails the option, whatever "
                                     "it scores elsewhere: it cannot be recommended.", "hint"))
        col.addWidget(text_label("How well does this option meet the criterion?", "label"))
        self.group = QButtonGroup(self)
        self.buttons: list[Radio] = []
        for n in range(MAX_SCORE + 1):
            button = Radio(f"{score_label(n)}: {MEANINGS[n]}")
            self.group.addButton(button, n)
            self.buttons.append(button)
            col.addWidget(button)
        if score is not None:
            self.buttons[score.score].setChecked(True)
        self.evidence = PlainText(4)
        self.evidence.setPlainText(score.evidence if score is not None else "")
        col.addWidget(Field("Evidence", self.evidence,
                            "What the score rests on: a report, a figure, a consultation."))
        self.problem = text_label("", "error")
        self.problem.hide()
        col.addWidget(self.problem)
        col.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(24, 8, 24, 24)
        self.save_button = primary_button("Save score")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.save_button)
        row.addSpacing(16)
        self.clear_button = QPushButton("Clear score")
        self.clear_button.setVisible(score is not None)
        self.clear_button.clicked.connect(self._clear)
        row.addWidget(self.clear_button)
        cancel = QPushButton("Close" if read_only else "Cancel")
        cancel.clicked.connect(self.reject)
        row.addSpacing(16)
        row.addWidget(cancel)
        row.addStretch(1)
        outer.addLayout(row)
        if read_only:  # a record that cannot change: its score and evidence, to read
            self.save_button.hide()
            self.clear_button.hide()
            self.evidence.setReadOnly(True)
            for button in self.buttons:
                button.setEnabled(button.isChecked())
            cancel.setDefault(True)
        fit_to_screen(self, 600, body.sizeHint().height() + 80, parent)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        first = self.group.checkedButton() or self.buttons[0]
        first.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        n = DIGITS.get(event.key())
        if n is not None and not self.evidence.hasFocus():
            self.buttons[n].setChecked(True)
            self.buttons[n].setFocus()
            event.accept()
            return
        super().keyPressEvent(event)

    def changed(self) -> bool:
        """A score or evidence other than the dialog opened with."""
        return not self.read_only and (self.chosen(), self.evidence.text()) != self.given

    def reject(self) -> None:
        """Escape, Cancel or closing the window: a changed score or evidence is thrown away
        only if the user says so."""
        if self.changed() and self.dialogs is not None and not self.dialogs.confirm(
                self, "Discard this score and evidence?",
                "The score and evidence you have given here are not saved. Discard them?",
                "Discard"):
            return
        super().reject()

    def chosen(self) -> int | None:
        n = self.group.checkedId()
        return None if n < 0 else n

    def _save(self) -> None:
        n = self.chosen()
        if n is None:
            self.problem.setText("Choose a score from 0 to 4.")
            self.problem.show()
            self.buttons[0].setFocus()
            return
        self.saved.emit(n, self.evidence.text())
        self.accept()

    def _clear(self) -> None:
        self.cleared.emit()
        self.accept()
