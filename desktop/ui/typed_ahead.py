"""Keys typed ahead of a dialog the user asked for: held, then given to the dialog.

Ctrl+N, Return and a title typed back to back reach the app before the "New decision" dialog
exists: while it is built the keys wait, and once it is shown the window system still sends
them to the main window until the window manager has given the dialog the focus. A dialog
shown with QDialog.exec() blocks the main window the moment it is shown, and Qt drops the
keys a blocked window receives (before any event filter sees them): the Return and the title
were lost.

So a dialog run here is shown without Qt's modality, and this filter is its modality: while
it is up, the other windows take no click, wheel or close, and no key. A key that reaches
another window, or reaches the dialog before it is the active window, is held; once the
dialog is active, the held keys are given to its focused widget in the order they were
typed. Keys typed while the dialog is built, or after it has closed and before the window
that asked for it has set its focus (the new decision's title), are held the same way and
given to that window's focused widget. Nothing typed is dropped.

The filter is the application's, so it sees every event: it is installed only while a dialog
is being asked for, never at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QWidget

_KEYS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
# What another window may not take while a dialog run here is up (Qt's modality, as it is).
_BLOCKED = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel)


def _copy(event: QKeyEvent) -> QKeyEvent:
    """The key event as typed: Qt reuses the one a filter is shown."""
    return QKeyEvent(event.type(), event.key(), event.modifiers(), event.nativeScanCode(),
                     event.nativeVirtualKey(), event.nativeModifiers(), event.text(),
                     event.isAutoRepeat(), event.count())


class TypedAhead(QObject):
    """Holds the keys typed while `window` asks the user something in a dialog."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.held: list[QKeyEvent] = []
        self._holding = 0  # holding() blocks entered and not yet left
        self._dialog: QDialog | None = None  # the dialog run() shows, until it has finished
        self._installed = False
        self._replaying = False

    # ---- what the window calls ----------------------------------------------------------------
    @contextmanager
    def holding(self) -> Iterator[None]:
        """Hold what is typed from now until the block is left (the keys held go to the
        window's focused widget then)."""
        self._holding += 1
        self._install()
        try:
            yield
        finally:
            self._holding -= 1
            if self.held:
                self._give_soon()
            elif not self._holding and self._dialog is None:
                self._uninstall()  # nothing was typed ahead: the filter goes at once

    def run(self, dialog: QDialog) -> int:
        """Show `dialog` and wait until it is closed, as exec() does; the keys typed ahead of
        it go to it. Returns its result (QDialog.DialogCode)."""
        with self.holding():
            loop = QEventLoop()
            self._dialog = dialog
            dialog.finished.connect(self._finished)
            dialog.finished.connect(loop.quit)
            dialog.show()
            dialog.activateWindow()  # as a modal dialog asks: the window manager decides
            self._give_soon()
            if self._dialog is not None:  # not already answered by keys held for it
                loop.exec()
            return dialog.result()

    # ---- where held keys go -------------------------------------------------------------------
    def _finished(self, _result: int) -> None:
        self._dialog = None

    def _target(self) -> QWidget | None:
        """The window the keys go to now: the dialog once it is active; after the holding,
        the window (its focus set by then: the new decision's title); None while they wait."""
        dialog = self._dialog
        if dialog is not None:
            # the application's focus, not isActiveWindow(): a radio's arrow keys move from
            # QApplication.focusWidget(), which follows the activation a moment later
            focused = QApplication.focusWidget()
            active = focused is not None and focused.window() is dialog
            return dialog if active and QApplication.activeWindow() is dialog else None
        return None if self._holding else self.window

    def _inside(self, watched: QObject, window: QWidget | None) -> bool | None:
        """Whether an event's receiver is in `window`; None for a receiver that is neither a
        widget nor a window (not an input's)."""
        if isinstance(watched, QWidget):
            return window is not None and watched.window() is window
        if isinstance(watched, QWindow):
            return window is not None and watched is window.windowHandle()
        return None

    def _bring_dialog_back(self) -> None:
        if self._dialog is not None:
            self._dialog.raise_()
            self._dialog.activateWindow()

    def _give_soon(self) -> None:
        QTimer.singleShot(0, self._give)

    def _give(self) -> None:
        """The held keys to the target's focused widget, in order, while there is a target
        (a Return that closes the dialog leaves the rest for the window)."""
        while self.held:
            target = self._target()
            if target is None:
                return
            event = self.held.pop(0)
            self._replaying = True
            try:
                QApplication.sendEvent(target.focusWidget() or target, event)
            finally:
                self._replaying = False
        if not self._holding and self._dialog is None:
            self._uninstall()

    def _install(self) -> None:
        app = QApplication.instance()
        if not self._installed and app is not None:
            self._installed = True
            app.installEventFilter(self)

    def _uninstall(self) -> None:
        app = QApplication.instance()
        if self._installed and app is not None:
            self._installed = False
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._replaying:
            return False
        kind = event.type()
        if kind in _KEYS or kind == QEvent.Type.ShortcutOverride:
            inside = self._inside(watched, self._target())
            if inside is None or (inside and not self.held):
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # no shortcut of another window fires: the key comes as a key
            else:
                self.held.append(_copy(event))  # type: ignore[arg-type]
                self._give_soon()
            return True
        if kind == QEvent.Type.WindowActivate and self._dialog is not None \
                and self._inside(watched, self._dialog) is False:
            # another window activated (a click on it) while the dialog is up: as Qt does
            # for a modal dialog, the dialog is activated again, and its keys wait for it
            QTimer.singleShot(0, self._bring_dialog_back)
        if kind in (QEvent.Type.WindowActivate, QEvent.Type.FocusIn) and self.held:
            self._give_soon()  # the dialog may be where the keys go now
            return False
        if self._dialog is not None and (kind in _BLOCKED or (
                kind == QEvent.Type.Close and event.spontaneous())):
            return self._inside(watched, self._dialog) is False
        return False
