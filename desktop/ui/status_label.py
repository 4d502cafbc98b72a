"""`StatusLabel`: a status bar's text that gives way in a narrow window.

A window 680 px wide cannot show "10,000 decisions, 12 overdue reviews,", "Live updates
paused: reconnecting…" and "Not saved yet — will try again" side by side: cut off by the
layout, each lost its end ("will try ag") with no way to read it. A StatusLabel instead
shows, in this order while it does not fit: its whole text; its short form, what comes
before the first ": ", " — " or ", " (a status text says first what must be seen: "Live
updates paused", "Not saved yet", "10,000 decisions"); that cut short with "…". `text()`
stays whole; while less is shown, the tooltip holds the whole text. A screen reader always
hears the whole text, after the label's name if it has one ("Save status: Not saved yet —
will try again").

`widths()` tells a StatusLine (desktop/ui/status_line.py) how little room the label can do
with (its short form, or, `cut_first=True`, its first few characters: the register's
counts, which the register shows above its rows too), its short form's and its whole text's.
They are measured once a text and font: a StatusLine asks for them on every layout pass
(about 30 times before the window's first paint), and a change of text, font, style or
margins measures them again.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QWidget

_SHORTEST = 6  # characters shown (then "…") however narrow the window
_BEFORE_DETAIL = re.compile(r": | — |, ")
# What changes a label's widths besides its text (QWidget.event hands each to changeEvent).
_REMEASURE = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange)


def short_form(text: str) -> str:
    """What a status text says first: before its first ": ", " — " or ", " (or all of it)."""
    return _BEFORE_DETAIL.split(text, maxsplit=1)[0]


class StatusLabel(QLabel):
    """One line of status text that gives way when there is no room (see the module)."""

    def __init__(self, name: str = "", parent: QWidget | None = None, *,
                 cut_first: bool = False) -> None:
        super().__init__(parent)
        self._name = name
        self._cut_first = cut_first
        self._shown = ""  # what is painted when it is not the whole text
        self._widths: tuple[int, int, int] | None = None  # widths(), until a change
        self._say()

    @property
    def shown(self) -> str:
        """What the label shows now: its text, its short form, or that cut short."""
        return self._shown or self.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self._widths = None
        self._say()
        self._measure()

    def clear(self) -> None:
        self.setText("")

    def _width(self, text: str) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right()

    def widths(self) -> tuple[int, int, int]:
        """The least room it does with, its short form's, and its whole text's (pixels)."""
        if self._widths is None:
            text = self.text()
            short = self._width(short_form(text))
            least = short
            if self._cut_first and len(text) > _SHORTEST:
                least = min(short, self._width(text[:_SHORTEST] + "…"))
            self._widths = least, short, self._width(text)
        return self._widths

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in _REMEASURE:
            self._widths = None
        super().changeEvent(event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        hint.setWidth(self.widths()[0])
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._measure()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._shown:
            super().paintEvent(event)
            return
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment().value),
                                  self.palette(), self.isEnabled(), self._shown,
                                  self.foregroundRole())
        painter.end()

    def _measure(self) -> None:
        text = self.text()
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = ""
        if text and metrics.horizontalAdvance(text) > room:
            shown = short_form(text)
            if metrics.horizontalAdvance(shown) > room:
                from PySide6.QtCore import Qt  # its enums only once a text is cut short

                shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, room)
        if shown != self._shown:
            self._shown = shown
            self.update()
        self.setToolTip(text if shown else "")

    def _say(self) -> None:
        text = self.text()
        self.setAccessibleName(f"{self._name}: {text}" if self._name and text
                               else self._name or text)
