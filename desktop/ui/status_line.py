"""`StatusLine`: the status bar's texts on one line, given room in order of need.

A QBoxLayout shares out too little room by stretch or evenly, so in a narrow window every
text was cut alike, the save status too. A StatusLine gives room in steps instead, each only
while there is room for it: every text its least (desktop/ui/status_label.py: a short form,
or a few characters of the counts); then, in turn, each its short form ("Not saved yet",
"Live updates paused", "10,000 decisions"); then each its whole text, in the same order. The
`left` widgets sit at the start of the line, the `right` ones at its end; the order of need
is `need` (the save status first; every widget, each once). A widget that is no StatusLabel
(the overdue actions link) always has its whole width.

The line is the status bar's one permanent widget, so QStatusBar has no room to paint a
message itself: `show_message(text)` (the window connects messageChanged) shows it in place
of the `left` widgets, hidden meanwhile as QStatusBar hides its own (one the window hides
while the message is up stays hidden).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QStatusBar, QWidget

from desktop.ui.status_label import StatusLabel

GAP = 16  # px between two texts


class StatusBar(QStatusBar):
    """The window's status bar, whose messages the status line shows (`show_message`).

    QStatusBar paints a message itself too, left of its widgets: with the line taking the
    whole bar, only the message's first letter showed, in the bar's left margin, before every
    message and menu tip ("T This register is already open here"). This bar paints no message;
    its background and border are the style sheet's, drawn before paintEvent."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        event.accept()


def _widths(widget: QWidget) -> tuple[int, int, int]:
    if isinstance(widget, StatusLabel):
        return widget.widths()
    whole = widget.sizeHint().width()
    return whole, whole, whole


def allot(room: int, wants: Sequence[tuple[int, int, int]]) -> list[int]:
    """Each text's width: its least, then (in the order given) its short form's while there
    is room, then its whole text's."""
    given = [least for least, _, _ in wants]
    for step in (1, 2):
        for i, want in enumerate(wants):
            more = want[step] - given[i]
            if 0 < more <= room - sum(given):
                given[i] = want[step]
    return given


class StatusLine(QWidget):
    """The status bar's texts (see the module)."""

    def __init__(self, left: Sequence[QWidget], right: Sequence[QWidget],
                 need: Sequence[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = StatusLabel(cut_first=True)  # a status bar message, while it is up
        self.message.hide()
        self._left, self._right = [*left, self.message], list(right)
        self._need = [*need, self.message]
        for widget in (*self._left, *self._right):
            widget.setParent(self)
            widget.installEventFilter(self)

    def show_message(self, text: str) -> None:
        """A status bar message in place of the `left` widgets ("": those again)."""
        from PySide6.QtCore import Qt

        self.message.setText(text)
        for widget in self._left[:-1]:
            if text and widget.isVisible():
                widget.hide()
                widget.setAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide, False)
            elif not text and not widget.testAttribute(
                    Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                widget.show()
        self.message.setVisible(bool(text))

    def _shown(self, widgets: Sequence[QWidget]) -> list[QWidget]:
        return [w for w in widgets if not w.isHidden()]

    def _total(self, index: int) -> int:
        shown = self._shown([*self._left, *self._right])
        return sum(_widths(w)[index] for w in shown) + GAP * max(len(shown) - 1, 0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._total(2), self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._total(0), self._height())

    def _height(self) -> int:
        return max((w.sizeHint().height() for w in (*self._left, *self._right)), default=0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.LayoutRequest):
            self._relayout()
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a text changed its size
            self._relayout()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        self.updateGeometry()
        needing = self._shown(self._need)
        left, right = self._shown(self._left), self._shown(self._right)
        gaps = GAP * max(len(left) + len(right) - 1, 0)
        widths = dict(zip(needing, allot(self.width() - gaps,
                                         [_widths(w) for w in needing]), strict=True))
        height = self.height()
        x = 0
        for widget in left:
            widget.setGeometry(x, 0, widths[widget], height)
            x += widths[widget] + GAP
        x = self.width()
        for widget in reversed(right):
            width = widths[widget]
            x -= width
            widget.setGeometry(x, 0, width, height)
            x -= GAP
