"""Small building blocks shared by the pages: headings, link buttons, fields with hints, focus ring."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.ui import theme

READING_WIDTH = 760  # about 80 characters of body text


def text_label(text: str = "", role: str | None = None, *, wrap: bool = True,
               later: list | None = None) -> QLabel:
    """A QLabel styled by role: h1, h2, caption, hint, error, label, quote.

    later: a list to append the plain-text format to instead of setting it now (a label of
    plain words looks the same either way; see RegisterView's defer)."""
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    if later is None:
        plain_text(lab)
    else:
        later.append(lambda: plain_text(lab))
    return lab


def plain_text(label: QLabel) -> None:
    from PySide6.QtCore import Qt

    label.setTextFormat(Qt.TextFormat.PlainText)


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class LinkButton(QPushButton):
    """A button that looks like a GOV.UK link but takes keyboard focus like a button.

    wrap=True: a long link (a sentence, such as "5. Voluntary and community sector: Explain
    how ...") breaks into lines on a narrow page instead of making the page wider than the
    window; text() stays the whole sentence on one line."""

    def __init__(self, text: str, parent: QWidget | None = None, *,
                 later: list | None = None, wrap: bool = False) -> None:
        super().__init__(text, parent)
        self.setProperty("link", True)
        if later is None:
            self._hand_cursor()
        else:  # the pointer cannot be over it before the first paint
            later.append(self._hand_cursor)
        self.setFlat(True)
        self._wrap = wrap
        if wrap:
            policy = self.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)  # may shrink, to wrap
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)

    def _hand_cursor(self) -> None:
        from PySide6.QtCore import Qt

        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def _chrome(self) -> QSize:
        """The padding and border around the text: the one-line button less its text."""
        from PySide6.QtCore import Qt

        return super().sizeHint() - self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic,
                                                            self.text())

    def _lines(self, width: int) -> str:
        """The text broken at spaces into lines that fit a button `width` wide."""
        room = width - self._chrome().width()
        fm = self.fontMetrics()
        lines: list[str] = []
        for word in self.text().split(" "):
            if lines and fm.horizontalAdvance(f"{lines[-1]} {word}") <= room:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return "\n".join(lines)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return self._wrap or super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        if not self._wrap:
            return super().heightForWidth(width)
        text = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, self._lines(width))
        return text.height() + self._chrome().height()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if not self._wrap:
            return super().minimumSizeHint()
        fm = self.fontMetrics()
        widest = max(fm.horizontalAdvance(w) for w in self.text().split(" "))
        width = widest + self._chrome().width()
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._wrap or self.width() >= super().sizeHint().width():
            super().paintEvent(event)
            return
        # Named here, not at the top: PySide builds QStyle's enums (~5 ms) when the name is
        # first imported, and the register's first paint draws no wrapped link.
        from PySide6.QtWidgets import QStyle, QStyleOptionButton, QStylePainter

        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self._lines(self.width())
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)


class Radio(QRadioButton):
    """A radio button whose arrow keys move and select together, as in every native radio group
    (and GOV.UK's). Qt's own arrows only move the focus when no button of the group is checked
    yet, so a user could go through every page believing a rating had been chosen.

    Down and Right go to the next button of the group, Up and Left to the previous one, round
    from the last to the first; the button reached is clicked, so it is checked and saved.
    """

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1,
                Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1}.get(event.key())
        group = self.group()
        if step is None or group is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        buttons = [b for b in group.buttons() if b.isEnabled() and b.isVisible()]
        if self not in buttons:
            super().keyPressEvent(event)
            return
        target = buttons[(buttons.index(self) + step) % len(buttons)]
        target.setFocus(Qt.FocusReason.TabFocusReason if step > 0
                        else Qt.FocusReason.BacktabFocusReason)
        if not target.isChecked():
            target.click()
        event.accept()


class _RadioLabel(QLabel):
    """The words of a `WrappingRadio`: they wrap, a click on them selects the radio, and they
    look focused and disabled when the radio is."""

    def __init__(self, text: str, radio: QRadioButton) -> None:
        super().__init__(text)
        from PySide6.QtCore import Qt

        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setProperty("radioLabel", True)
        self.setBuddy(radio)
        self.radio = radio
        radio.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.EnabledChange:
            self.setEnabled(self.radio.isEnabled())
        elif kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            row = self.parentWidget()  # the WrappingRadio: the whole of it looks focused
            if row is not None:
                row.setProperty("radioFocus", kind == QEvent.Type.FocusIn)
                restyle(row)
        return False

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        super().mouseReleaseEvent(event)
        if (event.button() == Qt.MouseButton.LeftButton and self.radio.isEnabled()
                and self.rect().contains(event.position().toPoint())):
            self.radio.setFocus(Qt.FocusReason.MouseFocusReason)
            self.radio.click()


class WrappingRadio(QWidget):
    """A radio whose words wrap on a narrow window (a QRadioButton's text never does): a
    `Radio` with no text of its own (it keeps the keys: arrows move and select, Space
    selects, Enter reaches the dialog's default button) and a wrapping label beside it,
    which selects it when clicked. The radio is named by the words."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("radioRow", True)
        self.radio = Radio()
        self.radio.setProperty("inRow", True)
        self.radio.setAccessibleName(text)
        self.label = _RadioLabel(text, self.radio)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        policy = self.label.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)  # may shrink, to wrap
        policy.setHeightForWidth(True)
        self.label.setSizePolicy(policy)

    def text(self) -> str:
        return self.label.text()


class WrappedWordsDialog(QDialog):
    """A dialog whose words wrap (labels, WrappingRadio): shown as wide as it wants up to a
    reading width and 90% of the screen, and as tall as its wrapped words then need; made
    narrower, it grows taller. (A window is sized from its one-line width's height, so the
    words were cut off when the screen made it narrower: at 1024x768 and 150%.)
    `column` is its top layout."""

    column: QVBoxLayout

    def fit(self) -> None:
        screen = (self.parentWidget() or self).screen()
        width = min(self.sizeHint().width(), READING_WIDTH)
        if screen is not None:
            width = min(width, screen.availableGeometry().width() * 9 // 10)
        self.resize(width, self.column.totalHeightForWidth(width))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous():
            self.fit()
        super().showEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        need = self.column.totalHeightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)


def primary_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setProperty("primary", True)
    return button


class PlainText(QPlainTextEdit):
    """A multi-line text box where Tab moves on (keyboard users must be able to leave it)."""

    def __init__(self, lines: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._lines = lines
        self._fit()

    def _fit(self) -> None:
        height = self.fontMetrics().lineSpacing() * self._lines + 20
        self.setMinimumHeight(height)
        self.setMaximumHeight(height * 2)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - Qt name
        # The style sheet matches [readOnly="true"] only when the widget is polished again.
        changed = read_only != self.isReadOnly()
        super().setReadOnly(read_only)
        if changed:
            restyle(self)


class Field(QWidget):
    """A label, a one-line hint under it, an error line, then the input; names the input."""

    def __init__(self, label: str, widget: QWidget, hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        layout = QVBoxLayout(self)
        # Room round the input for the focus ring (FocusRing.RING), which is drawn in this
        # widget: with no margin it was cut off on three sides.
        ring = FocusRing.RING + 1
        layout.setContentsMargins(ring, 0, ring, ring)
        layout.setSpacing(4)
        self.label = text_label(label, "label")
        self.label.setBuddy(widget)
        layout.addWidget(self.label)
        self.hint = text_label(hint, "hint")
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.error = text_label("", "error")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(widget)
        # Under the input: a character the printed record cannot draw, as the PDF warns of it.
        self.glyphs = text_label("", "hint")
        self.glyphs.hide()
        layout.addWidget(self.glyphs)
        widget.setAccessibleName(label)
        if hint:
            widget.setAccessibleDescription(hint)
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.textChanged.connect(self._check_glyphs)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _check_glyphs(self, *_args) -> None:
        w = self.widget
        # Connected for a QLineEdit or a QPlainTextEdit only (above).
        text = w.text() if isinstance(w, QLineEdit) else cast(QPlainTextEdit, w).toPlainText()
        self.set_glyph_warning(glyph_warning(text))

    def set_glyph_warning(self, message: str) -> None:
        if message != self.glyphs.text():
            self.glyphs.setText(message)
            self.glyphs.setVisible(bool(message))


def glyph_warning(text: str) -> str:
    """The hint under a field whose text has characters no shipped font can draw; "" if none."""
    if text.isascii() and text.isprintable():
        return ""
    from desktop.export.pdf.styles import unprintable

    bad = sorted(unprintable(text))
    if not bad:
        return ""
    shown = ", ".join(f"{c} (U+{ord(c):04X})" if c.isprintable() else f"U+{ord(c):04X}"
                      for c in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    return (f"The printed record cannot show {shown}{more}: no font it uses has "
            f"{'this character' if len(bad) == 1 else 'these characters'}. "
            "It prints a [U+XXXX] placeholder instead.")


class ButtonRow(QWidget):
    """Buttons side by side, left-aligned; one under another when the row is too narrow for
    them all (a 1024 px screen at 150%), so they never make the page scroll sideways."""

    def __init__(self, spacing: int = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(spacing)
        self._row.addStretch(1)
        self._buttons: list[QWidget] = []

    def add(self, button: QWidget) -> None:
        from PySide6.QtCore import Qt

        self._row.insertWidget(len(self._buttons), button, 0, Qt.AlignmentFlag.AlignLeft)
        self._buttons.append(button)

    def _side_by_side_width(self) -> int:
        shown = [b for b in self._buttons if not b.isHidden()]
        return sum(b.sizeHint().width() for b in shown) + self._row.spacing() * (len(shown) - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        widest = max((b.sizeHint().width() for b in self._buttons if not b.isHidden()), default=0)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        direction = (QBoxLayout.Direction.LeftToRight
                     if event.size().width() >= self._side_by_side_width()
                     else QBoxLayout.Direction.TopToBottom)
        if self._row.direction() != direction:
            self._row.setDirection(direction)


# Below this viewport width (a 1024 px screen at 150%, beside the task list) a page's side
# margins narrow from 32 px to 16 px, so the reading column keeps the room.
NARROW_PAGE = 480


class _SideMargins(QObject):
    """Narrows a scroll page's side margins while its viewport is narrow."""

    def __init__(self, area: QScrollArea, layout: QVBoxLayout) -> None:
        super().__init__(area)
        self._layout = layout
        area.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            side = 16 if event.size().width() < NARROW_PAGE else 32
            m = self._layout.contentsMargins()
            if m.left() != side:
                self._layout.setContentsMargins(side, m.top(), side, m.bottom())
        return False


def scroll_page(content: QWidget) -> QScrollArea:
    """Put a page's reading column in a scroll area with generous white margins."""
    from PySide6.QtCore import Qt

    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Not a tab stop of its own (it showed no focus ring: an invisible stop); the page scrolls
    # to whatever has the focus instead (FollowFocus).
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    FollowFocus(area)
    holder = QWidget()
    holder.setObjectName("page")
    outer = QVBoxLayout(holder)
    outer.setContentsMargins(32, 24, 32, 32)
    _SideMargins(area, outer)
    row = QHBoxLayout()
    content.setMaximumWidth(READING_WIDTH)
    # No alignment flag here: an aligned item loses height-for-width and wrapped text is cut.
    row.addWidget(content, 1)
    row.addStretch(0)
    outer.addLayout(row)
    outer.addStretch(1)
    area.setWidget(holder)
    return area


class FollowFocus(QObject):
    """Keeps the focused control of a scroll area in view, and the caret line too while
    typing in a text box: scrolled clear of the edges, so never half-hidden above the
    Back/Continue bar under the page."""

    MARGIN = 24

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self._editor: QPlainTextEdit | QLineEdit | None = None
        self._shown: QWidget | None = None  # the control shown last
        cast(QApplication, QApplication.instance()).focusChanged.connect(self._focus_changed)
        # A notice above the page, or a smaller window, shrinks the page: the focus stays
        # in view.
        area.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.Resize and self._shown is not None
                and isValid(self._shown) and self._shown.hasFocus()):
            from PySide6.QtCore import QTimer

            shown = self._shown  # once the scroll bars have their new range
            QTimer.singleShot(0, self, lambda: self._show_now(shown))
        return False

    def _focus_changed(self, _old, new) -> None:
        if not isValid(self) or not isValid(self._area):
            return
        if self._editor is not None and isValid(self._editor):
            self._editor.cursorPositionChanged.disconnect(self._caret_moved)
        self._editor = None
        content = self._area.widget()
        if new is None or not isValid(new) or content is None or not content.isAncestorOf(new):
            return
        if isinstance(new, QPlainTextEdit | QLineEdit):
            self._editor = new
            new.cursorPositionChanged.connect(self._caret_moved)
        self.show(new)

    def show(self, widget: QWidget) -> None:
        """The whole control if it fits, then (in a text box) the caret's line; once more
        when the page has been laid out, since positions may be stale now (a page just
        brought forward, a box that grew)."""
        from PySide6.QtCore import QTimer

        self._shown = widget
        self._show_now(widget)
        QTimer.singleShot(0, self, lambda: self._show_now(widget))

    def _show_now(self, widget: QWidget) -> None:
        if not isValid(widget) or self._shown is not widget:  # the focus has moved on
            return
        self._scroll_to(widget)
        self._follow_caret()

    def _scroll_to(self, widget: QWidget) -> bool:
        """Scroll so the whole of `widget` (and its focus ring) is clear of the edges, if it
        fits; else so its top is. True if it fits.

        Not QScrollArea.ensureWidgetVisible: for a text box that shows only the caret, so a
        tall box just focused stayed mostly below the page, under the Back/Continue bar."""
        content = self._area.widget()
        if not widget.isVisible() or content is None:
            return False
        corner = widget.mapTo(content, widget.rect().topLeft())
        viewport = self._area.viewport()
        fits = _bring_into_view(self._area.verticalScrollBar(), corner.y(), widget.height(),
                                viewport.height(), self.MARGIN)
        # A page wider than the window at 150% scrolls sideways too: the box's left edge and
        # its ring, and the whole of it if it fits.
        _bring_into_view(self._area.horizontalScrollBar(), corner.x(), widget.width(),
                         viewport.width(), FocusRing.RING + 1)
        return fits

    def _caret_moved(self) -> None:
        from PySide6.QtCore import QTimer

        # After the box has grown to its new text and the page is laid out again.
        QTimer.singleShot(0, self, self._follow_caret)

    def _follow_caret(self, *_args) -> None:
        """The caret's line in view; and the whole box, if it fits, as it grows with what is
        typed."""
        editor = self._editor
        if editor is None or not isValid(editor) or not editor.isVisible():
            return
        self._scroll_to(editor)
        host = editor.viewport() if isinstance(editor, QPlainTextEdit) else editor
        caret = editor.cursorRect()
        centre = host.mapTo(cast(QWidget, self._area.widget()), caret.center())
        self._area.ensureVisible(centre.x(), centre.y(), FocusRing.RING + 1,
                                 caret.height() // 2 + self.MARGIN)


def _bring_into_view(bar, start: int, size: int, room: int, margin: int) -> bool:
    """Move a scroll bar so [start, start + size) is in view, with up to `margin` either side,
    if it fits (True); else so its start is, near the top."""
    value = bar.value()
    fits = size <= room
    if fits:
        margin = min(margin, (room - size) // 2)  # as much of the margin as there is room for
        value = max(min(value, start - margin), start + size + margin - room)
    elif not value <= start - margin <= value + room // 2:
        value = start - margin
    if value != bar.value():
        bar.setValue(value)
    return fits


def fit_to_screen(window: QWidget, width: int, height: int,
                  parent: QWidget | None = None) -> None:
    """Resize a dialog to width x height, but never beyond 90% of the screen it opens on
    (at 150% scale a 1100-pixel dialog hid its buttons below the screen's edge)."""
    screen = (parent or window).screen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() * 9 // 10)
        height = min(height, room.height() * 9 // 10)
    window.resize(width, height)


def ensure_visible(widget: QWidget) -> None:
    """Scroll any enclosing scroll area so the widget is on screen."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 32, 48)
            return
        parent = parent.parentWidget()


RING_PROPERTY = "focusRing"  # set True on any other widget the ring should go round


def takes_ring(widget: QWidget) -> bool:
    """Whether the focus ring goes round `widget` when it has the focus: text inputs, drop-down
    lists, tables and lists (whose own focus cue was a thin border), and widgets that ask for
    it (the error summary). Not a list inside a pop-up (a drop-down's own list)."""
    from PySide6.QtWidgets import QAbstractItemView  # ~10 enums: not before the first paint

    if isinstance(widget, QAbstractItemView):
        from PySide6.QtCore import Qt  # not before the first paint: no list has focus then

        return widget.window().windowType() != Qt.WindowType.Popup
    return (isinstance(widget, QLineEdit | QPlainTextEdit | QComboBox)
            or widget.property(RING_PROPERTY) is True)


class FocusRing(QObject):
    """Draws the GOV.UK yellow ring around the focused input, table, list or error summary
    (QSS cannot draw outlines; see takes_ring).

    The ring is a child of the focused input's parent, so it goes wherever the focus goes,
    into dialogs too; or of the nearest ancestor with room round the input for it (a table
    that fills its parent had its ring cut off on every side), short of leaving a scroll area.
    A dialog that is closed and deleted (every QFileDialog.getSaveFileName,
    say) takes the ring and the input with it: the Python wrappers kept here then point at
    deleted C++ objects, and touching one raised RuntimeError on every later focus change (an
    endless "Something went wrong" loop after any Export PDF). So nothing is touched without
    checking it is still alive, and the ring is dropped when its parent goes.
    """

    RING = 3

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._overlay: _RingOverlay | None = None
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []  # the target and its parents below the ring's host
        app.focusChanged.connect(self._focus_changed)
        if app.focusWidget() is not None:  # made after the window took the focus
            self._focus_changed(None, app.focusWidget())

    def _focus_changed(self, _old, new) -> None:
        for w in self._watched:
            if isValid(w):
                w.removeEventFilter(self)
        self._watched = []
        self._target = None
        if self._overlay is not None and not isValid(self._overlay):
            self._overlay = None  # deleted with the dialog it was drawn in
        if self._overlay is not None:
            self._overlay.hide()
        if new is None or not isValid(new) or not takes_ring(new):
            return
        if isinstance(new.parentWidget(), QComboBox):  # the combo's own line edit
            new = new.parentWidget()
        if new.parentWidget() is None or (
                isinstance(new, QAbstractScrollArea) and new.viewport() is None):
            return
        host, watched = self._host(new)
        if self._overlay is None or self._overlay.parentWidget() is not host:
            if self._overlay is not None:
                self._overlay.deleteLater()
            self._overlay = _RingOverlay(host)
        self._target = new
        self._watched = watched
        for w in watched:
            w.installEventFilter(self)
        self._place()

    def _host(self, target: QWidget) -> tuple[QWidget, list[QWidget]]:
        """The widget to draw the ring in, and the widgets from the target up to it (not
        included), whose moves move the ring."""
        r = self.RING
        watched = [target]
        host = target.parentWidget()
        assert host is not None  # the caller checked
        while True:
            ring = QRect(target.mapTo(host, target.rect().topLeft()), target.size()).adjusted(
                -r, -r, r, r)
            above = host.parentWidget()
            if (host.rect().contains(ring) or above is None or host.isWindow()
                    or isinstance(above, QAbstractScrollArea)  # a viewport: stay inside
                    or isinstance(above.parentWidget(), QAbstractScrollArea)):  # its content
                return host, watched
            watched.append(host)
            host = above

    def _place(self) -> None:
        if self._overlay is None or self._target is None:
            return
        if not (isValid(self._overlay) and isValid(self._target)):
            self._overlay = self._target = None
            return
        r = self.RING
        host = cast(QWidget, self._overlay.parentWidget())  # made with one
        corner = self._target.mapTo(host, self._target.rect().topLeft())
        self._overlay.setGeometry(QRect(corner, self._target.size()).adjusted(-r, -r, r, r))
        self._overlay.show()
        self._overlay.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        moved = watched in self._watched and kind in (QEvent.Type.Move, QEvent.Type.Resize)
        if moved or (watched is self._target and kind == QEvent.Type.Show):
            self._place()
        elif (watched is self._target and kind == QEvent.Type.Hide
              and self._overlay is not None and isValid(self._overlay)):
            self._overlay.hide()
        return False


class _RingOverlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("focus highlight")

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        from PySide6.QtGui import QColor, QPainter, QPen  # QPainter's enums: not at start-up

        p = QPainter(self)
        pen = QPen(QColor(theme.FOCUS))
        pen.setWidth(FocusRing.RING * 2)
        p.setPen(pen)
        p.drawRect(QRect(0, 0, self.width(), self.height()))
        p.end()


class Banner(QFrame):
    """A full-width notice at the top of the editor (read-only records, amendments)."""

    link_activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        self.text = text_label("")
        layout.addWidget(self.text)
        self.hide()

    def show_message(self, message: str) -> None:
        self.text.setText(message)
        self.text.setAccessibleName(message)
        self.setVisible(bool(message))


def activate_focused_button(window: QWidget, event) -> bool:
    """Click the window's focused push or tool button if `event` is Enter; True if it did."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton, QToolButton

    if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.isAutoRepeat():
        return False
    if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
        return False  # Ctrl+Enter, Shift+Enter: not a plain Enter
    button = window.focusWidget()
    if not isinstance(button, QPushButton | QToolButton) or not button.isEnabled() \
            or not button.isVisible():
        return False
    button.click()
    return True


class WarningText(QWidget):
    """GOV.UK's warning text: a black circle with "!" and bold words beside it; hidden while
    there is nothing to warn of. A screen reader hears "Warning: …"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt

        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.setSpacing(12)
        self.icon = QLabel("!")
        self.icon.setObjectName("warningIcon")
        self.icon.setFixedSize(32, 32)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setAccessibleName("Warning")
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.text = text_label("", "warning")
        row.addWidget(self.text, 1)
        self.hide()

    def show_warning(self, message: str) -> None:
        self.text.setText(message)
        self.text.setAccessibleName(f"Warning: {message}" if message else "")
        self.setVisible(bool(message))
