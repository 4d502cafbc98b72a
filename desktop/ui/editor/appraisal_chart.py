"""A bar per option: its weighted total out of 100%, its rank, and a must-pass fail hatched
and said in words. A picture of the results table beside it, which is its text alternative."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.ui import theme

BAR = 16  # logical px high
GAP = 12  # between one option's bar and the next option's name
WRAP = int(Qt.TextFlag.TextWordWrap)


@dataclass(frozen=True)
class Bar:
    label: str  # "1. Community trust: 78.1%, ranked 1st"
    total: float | None  # 0-100, None while no criterion has a weight
    failed: bool


class TotalsChart(QWidget):
    """Paints the bars; its accessible text points to the results table, which holds the
    same figures in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self.setAccessibleName("Chart of the weighted totals")
        self.setAccessibleDescription("The same figures are in the results table above it.")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = bars
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def _label_height(self, label: str, width: int) -> int:
        return self.fontMetrics().boundingRect(QRect(0, 0, max(width, 40), 10_000), WRAP,
                                               label).height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return sum(self._label_height(b.label, width) + 4 + BAR + GAP for b in self._bars)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, self.heightForWidth(480))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, self.heightForWidth(160))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        width = self.width()
        y = 0
        for bar in self._bars:
            height = self._label_height(bar.label, width)
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(QRect(0, y, width, height), WRAP | int(Qt.AlignmentFlag.AlignLeft),
                             bar.label)
            y += height + 4
            track = QRect(0, y, width - 1, BAR)
            painter.setPen(QPen(QColor(theme.BORDER)))
            painter.setBrush(QColor(theme.LIGHT_GREY))
            painter.drawRect(track)
            share = max(0.0, min(100.0, bar.total or 0.0)) / 100
            filled = QRect(0, y, round((width - 1) * share), BAR)
            if filled.width():
                painter.setPen(Qt.PenStyle.NoPen)
                if bar.failed:  # hatched, and the label says "fails": never colour alone
                    painter.setBrush(QBrush(QColor(theme.RED), Qt.BrushStyle.BDiagPattern))
                else:
                    painter.setBrush(QColor(theme.LINK))
                painter.drawRect(filled)
            y += BAR + GAP
        painter.end()
