"""The appraisal matrix: options across, criteria down, one score in each cell.

Every cell is reached with the arrow keys and with Tab (along a criterion, then the next;
Tab on the last cell leaves the table), and Enter or F2 opens the cell's score and evidence.
A score reads as its number and word ("3 good"), never as a colour alone."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QScrollArea, QTableView, QWidget
from shiboken6 import isValid

from desktop.domain.appraisal import SCORE_WORDS, Appraisal, Criterion, Score
from desktop.domain.appraisal_text import option_label, score_label
from desktop.domain.dates import short_date
from desktop.domain.decision import Decision, Option
from desktop.ui import theme

UNSCORED = "Not scored"
CRITERION_WRAP = 18  # characters a line of a criterion's title in the row header
CELL_PADDING = 12  # logical px round the widest score (and a header's own padding), together
MIN_HEIGHT = 240  # logical px: the matrix is never squeezed below this
PAGE_MARGIN = 24  # logical px kept clear above and below the matrix in the page's window
LONGEST_WORD = 132  # logical px: an option's name breaks inside a word only beyond this


# The row headers read as labels, not as a second set of column headings: normal weight, a
# thin rule between criteria; the corner is white like the page.
HEADER_STYLE = (f"QHeaderView::section:vertical {{ font-weight: normal; border: none; "
                f"border-bottom: 1px solid {theme.BORDER}; border-right: 2px solid {theme.TEXT}; "
                f"padding: 4px 8px; }}\n"
                "QTableCornerButton::section { background: white; border: none; "
                f"border-bottom: 2px solid {theme.TEXT}; border-right: 2px solid {theme.TEXT}; }}")


def wrapped(text: str, width: int) -> str:
    """`text` broken onto lines of about `width` characters (a header does not wrap itself)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


def _pieces(text: str) -> list[tuple[str, str]]:
    """(joiner, piece): the words of `text`, a hyphenated word also broken after each hyphen
    ("Co-" + "produce", joined by "")."""
    out: list[tuple[str, str]] = []
    for word in text.split():
        for k, piece in enumerate(re.findall(r"[^-]+-*|-+", word)):
            out.append(("" if k else " ", piece))
    return out


def wrapped_to(text: str, fm: QFontMetrics, width: int) -> str:
    """`text` broken onto lines no wider than `width` pixels in `fm`, between words or after
    a hyphen (a word longer than the line is broken too)."""
    lines: list[str] = []
    line = ""
    for joiner, word in _pieces(text):
        while fm.horizontalAdvance(word) > width and len(word) > 1:
            cut = next((k for k in range(len(word) - 1, 0, -1)
                        if fm.horizontalAdvance(word[:k]) <= width), 1)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        trial = f"{line}{joiner}{word}" if line else word
        if line and fm.horizontalAdvance(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return "\n".join(lines) or text


def weight_line(c: Criterion) -> str:
    """"Weight 20, must pass": what the row header says under the criterion's title."""
    return f"Weight {c.weight}" + (", must pass" if c.must_pass else "")


def row_header(c: Criterion) -> str:
    """The criterion's title, its weight, and "Must pass" on a line of its own (so the row
    headers stay narrow enough for six options across at 1280 px)."""
    return "\n".join((wrapped(c.title or c.id, CRITERION_WRAP), f"Weight {c.weight}",
                      *(("Must pass",) if c.must_pass else ())))


def scored_line(score: Score | None) -> str:
    if score is None:
        return "Not scored yet."
    by = score.scored_by or "someone unknown"
    return f"Scored {score_label(score.score)} by {by}" + (
        f" on {short_date(score.scored_at)}." if score.scored_at else ".")


def cell_text(score: Score | None, criterion: Criterion) -> str:
    if score is None:
        return UNSCORED
    fails = criterion.must_pass and score.score == 0
    return score_label(score.score) + (" ✕" if fails else "")


class ScoreModel(QAbstractTableModel):
    """The matrix of one decision's appraisal (read-only: a cell is scored in its dialog)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._appraisal = Appraisal()
        self._options: tuple[Option, ...] = ()
        # How an option's name is broken onto lines in its column header (the view sets it
        # to the width of its columns).
        self.wrap_option: Callable[[int, str], str] = lambda _column, name: name

    def show(self, decision: Decision) -> None:
        self.beginResetModel()
        self._appraisal = decision.appraisal or Appraisal()
        self._options = decision.options
        self.endResetModel()

    def criterion(self, row: int) -> Criterion:
        return self._appraisal.criteria[row]

    def option_name(self, column: int) -> str:
        return option_label(self._options, column)

    def score_at(self, row: int, column: int) -> Score | None:
        return self._appraisal.score(column, self.criterion(row).id)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._appraisal.criteria)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._options)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self.criterion(index.row())
        s = self.score_at(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(s, c)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            spoken = cell_text(s, c).replace(" ✕", ", fails a must-pass criterion")
            return f"{self.option_name(index.column())}, {c.title or c.id}: {spoken}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if s is None:
                return f"{UNSCORED}. Press Enter to score it."
            by = scored_line(s)
            evidence = textwrap.shorten(s.evidence, 200) if s.evidence.strip() else "No evidence given"
            return f"{score_label(s.score)}. {evidence}\n{by}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if s is None:
                return QColor(theme.SECONDARY)
            if c.must_pass and s.score == 0:
                return QColor(theme.RED)
            return None
        if role == Qt.ItemDataRole.FontRole and s is not None and c.must_pass and s.score == 0:
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._options):
                return None
            name = f"{section + 1}. {self.option_name(section)}"
            if role == Qt.ItemDataRole.DisplayRole:
                return self.wrap_option(section, name)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return name
            return None
        if not 0 <= section < len(self._appraisal.criteria):
            return None
        c = self.criterion(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return row_header(c)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{c.title or c.id}: {weight_line(c).lower()}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None


class MatrixView(QTableView):
    """The matrix as a table as tall as its rows, or as the page's window if that is less
    (so its sideways scroll bar, when the options do not fit across, is on screen with it);
    the page follows the current cell."""

    open_cell = Signal(int, int)  # row (criterion), column (option)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score_model = ScoreModel(self)
        self.setModel(self.score_model)
        self.setAccessibleName("Options appraisal matrix")
        self.setAccessibleDescription("Options across, criteria down. Press Enter or F2 to "
                                      "score the current cell.")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab is handled in focusNextPrevChild
        self.setWordWrap(False)
        self._content_height = 0
        self._area: QScrollArea | None = None
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setHighlightSections(False)
        self.verticalHeader().setHighlightSections(False)
        self.setStyleSheet(HEADER_STYLE)
        self.doubleClicked.connect(lambda index: self.open_cell.emit(index.row(), index.column()))

    def show_decision(self, decision: Decision) -> None:
        current = self.currentIndex()
        row, column = (current.row(), current.column()) if current.isValid() else (0, 0)
        self.score_model.show(decision)
        self._fit()
        model = self.score_model
        if model.rowCount() and model.columnCount():
            self.setCurrentIndex(model.index(min(row, model.rowCount() - 1),
                                             min(column, model.columnCount() - 1)))

    def _fit(self) -> None:
        """Columns wide enough for a score and the wrapped option names; the height of every
        row (so only the page scrolls up and down)."""
        bold = QFont(self.font())
        bold.setBold(True)
        cells = max(QFontMetrics(bold).horizontalAdvance(t)
                    for t in (UNSCORED, cell_text(Score(0, "", 0), Criterion("", "", must_pass=True)),
                              *(score_label(n) for n in SCORE_WORDS)))
        header = QFontMetrics(bold)  # the style sheet's headers are bold
        widths = {}  # option -> its column's text width: a score, or its name's longest word
        for column in range(self.score_model.columnCount()):
            name = self.score_model.headerData(column, Qt.Orientation.Horizontal,
                                               Qt.ItemDataRole.ToolTipRole)
            words = [header.horizontalAdvance(w) for _, w in _pieces(name)]
            widths[column] = max(cells, min(max(words, default=0), LONGEST_WORD))
        self.score_model.wrap_option = lambda column, name: wrapped_to(
            name, header, widths.get(column, cells))
        for column, width in widths.items():
            self.setColumnWidth(column, width + CELL_PADDING)
        # The row headers as wide as their longest line in the normal weight they are drawn
        # in (Qt sizes them as if bold, with room for a sort arrow: 50 px too wide).
        plain = self.fontMetrics()
        lines = [line for r in range(self.score_model.rowCount())
                 for line in str(self.score_model.headerData(r, Qt.Orientation.Vertical)).split("\n")]
        self.verticalHeader().setFixedWidth(
            max((plain.horizontalAdvance(line) for line in lines), default=0) + 2 * 8 + 4)
        self.resizeRowsToContents()
        self.horizontalHeader().resizeSections(QHeaderView.ResizeMode.Fixed)
        self._content_height = (
            self.horizontalHeader().sizeHint().height()
            + sum(self.rowHeight(r) for r in range(self.score_model.rowCount()))
            + 2 * self.frameWidth() + self.horizontalScrollBar().sizeHint().height() + 4)
        self._apply_height()

    def _apply_height(self) -> None:
        room = self._content_height
        if self._area is not None and isValid(self._area):
            room = max(MIN_HEIGHT, self._area.viewport().height() - 2 * PAGE_MARGIN)
        self.setFixedHeight(min(self._content_height, room))
        # No wider than its columns (a blank grey band beside them otherwise), and the
        # scroll bar when the rows scroll.
        bar = self.verticalScrollBar().sizeHint().width() if self._content_height > room else 0
        self.setMaximumWidth(self.verticalHeader().width() + 2 * self.frameWidth() + bar + sum(
            self.columnWidth(c) for c in range(self.score_model.columnCount())))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        area = self._scroll_area()
        if area is not self._area:
            self._area = area
            if area is not None:
                area.viewport().installEventFilter(self)
            self._apply_height()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if (self._area is not None and isValid(self._area)
                and watched is self._area.viewport() and event.type() == QEvent.Type.Resize):
            self._apply_height()
        return super().eventFilter(watched, event)

    def _scroll_area(self) -> QScrollArea | None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        return area

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2) and (
                self.currentIndex().isValid()):
            self.open_cell.emit(self.currentIndex().row(), self.currentIndex().column())
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt override
        """Tab moves to the next cell (along the row, then down), Shift+Tab back; past the
        last (or first) cell the focus leaves the table."""
        model = self.score_model
        index = self.currentIndex()
        if self.hasFocus() and index.isValid():
            columns = model.columnCount()
            place = index.row() * columns + index.column() + (1 if next else -1)
            if 0 <= place < model.rowCount() * columns:
                self.setCurrentIndex(model.index(place // columns, place % columns))
                return True
        return super().focusNextPrevChild(next)

    def currentChanged(self, current, previous) -> None:  # noqa: N802 - Qt override
        super().currentChanged(current, previous)
        if current.isValid() and self.hasFocus():
            self._follow(current)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        if self.currentIndex().isValid():
            self._follow(self.currentIndex())

    def _follow(self, index) -> None:
        """The page scrolls to keep the current cell in view (the table is as tall as its rows)."""
        area = self._scroll_area()
        content = area.widget() if area is not None else None
        if area is None or content is None:
            return
        rect = self.visualRect(index)
        centre = self.viewport().mapTo(content, rect.center())
        area.ensureVisible(centre.x(), centre.y(), rect.width() // 2 + 8, rect.height() // 2 + 24)
