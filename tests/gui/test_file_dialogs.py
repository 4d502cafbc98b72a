"""The app's file dialogs, run for real (Qt's own QFileDialog, driven by keys), and the error hook.

Every Export PDF save dialog, saved or cancelled, used to start an endless "Something went
wrong (RuntimeError)" loop: the focus ring had been drawn inside the dialog, was deleted with
it, and the next focus change touched the deleted ring. These tests run the real dialog, not a
stand-in, so they catch what only a real dialog does.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from shiboken6 import isValid

from desktop.ui.dialogs import Dialogs, RecordingDialogs
from desktop.ui.startup.application import make_excepthook
from desktop.ui.widgets import FocusRing

QT_OWN = QFileDialog.Option.DontUseNativeDialog


class RealFileDialogs(RecordingDialogs):
    """The app's own file dialogs (Qt's, not the platform's, so they can be driven); messages
    are still recorded, so a failure cannot leave a message box waiting for a click."""

    open_file = Dialogs.open_file
    save_file = Dialogs.save_file

    def __init__(self) -> None:
        super().__init__()
        self.file_dialog_options = QT_OWN


@pytest.fixture
def dialogs():
    return RealFileDialogs()


@pytest.fixture
def ring(qapp):
    """The focus ring, as the app installs it (run_gui)."""
    ring = FocusRing(qapp)
    yield ring
    qapp.focusChanged.disconnect(ring._focus_changed)
    ring.deleteLater()


def when_a_file_dialog_opens(qtbot, answer, *, tries: int = 250) -> list:
    """Poll (from the dialog's own event loop) for the open QFileDialog, then answer(dialog)."""
    answered: list = []

    def poll(left: int) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QFileDialog) and w.isVisible():
                answered.append(w.windowTitle())
                w.activateWindow()
                qtbot.waitUntil(lambda w=w: QApplication.focusWidget() is not None
                                and QApplication.focusWidget().window() is w, timeout=2000)
                answer(w)
                return
        if left:
            QTimer.singleShot(20, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))
    return answered


def type_name_and_save(qtbot, path):
    def answer(dialog: QFileDialog) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None and QApplication.focusWidget() is name
        name.selectAll()
        qtbot.keyClicks(name, str(path))
        qtbot.keyClick(name, Qt.Key.Key_Return)

    return answer


def press_escape(qtbot):
    def answer(dialog: QFileDialog) -> None:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    return answer


def move_focus_about(qtbot, window) -> None:
    """What a user does next; each focus change ran the broken slot. The window is active
    again first, as a window manager makes it when the dialog closes (offscreen, it may not be)."""
    qtbot.wait(50)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    details = window.editor.details.inputs
    for key in ("reference", "title", "proposal"):
        details[key].setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.wait(10)
    window.editor.next_button.setFocus()
    qtbot.wait(10)


def open_new_decision(make_window, service):
    window = make_window(service)
    window.new_decision()
    return window


def test_export_pdf_through_the_real_save_dialog(qtbot, make_window, service, dialogs,
                                                 ring, tmp_path):
    window = open_new_decision(make_window, service)
    out = tmp_path / "record.pdf"
    with qtbot.captureExceptions() as errors:
        answered = when_a_file_dialog_opens(qtbot, type_name_and_save(qtbot, out))
        window.pdf.export_action.trigger()
        assert answered == ["Export PDF assurance record"]
        qtbot.waitUntil(lambda: window.pdf.last_path == out, timeout=20_000)
        move_focus_about(qtbot, window)
    assert not errors, errors
    assert out.read_bytes().startswith(b"%PDF")
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)]


def test_cancelling_the_real_save_dialog_returns_cleanly(qtbot, make_window, service,
                                                         dialogs, ring, tmp_path):
    window = open_new_decision(make_window, service)
    with qtbot.captureExceptions() as errors:
        answered = when_a_file_dialog_opens(qtbot, press_escape(qtbot))
        window.pdf.export_action.trigger()
        assert answered == ["Export PDF assurance record"]
        move_focus_about(qtbot, window)
        # and again: the second dialog must open and close as cleanly as the first
        answered = when_a_file_dialog_opens(qtbot, press_escape(qtbot))
        window.pdf.export_action.trigger()
        assert answered == ["Export PDF assurance record"]
        move_focus_about(qtbot, window)
    assert not errors, errors
    assert [c for c in dialogs.calls if c[0] != "choose_checklist"] == []  # no message either
    assert window.pdf.worker is None and window.pdf.last_path is None
    assert window.isVisible() and window.showing_editor()


def test_cancelling_the_real_open_dialog_returns_cleanly(qtbot, make_window, service,
                                                         dialogs, ring):
    window = open_new_decision(make_window, service)
    with qtbot.captureExceptions() as errors:
        answered = when_a_file_dialog_opens(qtbot, press_escape(qtbot))
        window.import_action.trigger()
        assert answered == ["Import decisions"]
        move_focus_about(qtbot, window)
    assert not errors, errors


def test_the_focus_ring_lets_go_of_a_deleted_dialog(qtbot, window, ring):
    """The cause of the loop, on its own: the ring's parent is deleted under it."""
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    dialog = QDialog(window)
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    field.setFocus()
    qtbot.waitUntil(lambda: ring._overlay is not None and ring._overlay.parentWidget() is dialog)
    with qtbot.captureExceptions() as errors:
        dialog.close()
        dialog.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        assert not isValid(dialog) and not isValid(ring._overlay)  # the ring went with it
        # the next focus change, as Qt reports it whichever window the platform activates
        window.new_decision()
        title = window.editor.details.inputs["title"]
        ring._focus_changed(field, title)
        assert ring._overlay is not None and ring._overlay.isVisible()  # drawn round the title
        assert ring._overlay.parentWidget() is title.parentWidget()
    assert not errors, errors


# ---- the error hook ------------------------------------------------------------------------
def raise_here(exc_type=RuntimeError, message="boom"):
    try:
        raise exc_type(message)
    except exc_type:
        return sys.exc_info()


def test_the_same_error_again_is_logged_but_opens_no_second_dialog(tmp_path):
    dialogs = RecordingDialogs()
    hook = make_excepthook(lambda: None, dialogs, tmp_path / "logs")
    for n in range(5):  # one broken slot run on every focus change
        hook(*raise_here(message=f"object {n} already deleted"))
    assert [c[0] for c in dialogs.calls] == ["error"]
    log = (tmp_path / "logs" / "errors.log").read_text(encoding="utf-8")
    assert log.count("Traceback") == 5
    hook(*raise_here(ValueError, "another bug"))  # a different error is still reported
    assert [c[0] for c in dialogs.calls] == ["error", "error"]


def test_the_error_hook_never_reenters_itself(tmp_path):
    """An error raised while the hook's own dialog is open (its focus changes run the
    window's slots) is logged, never reported in a dialog over the dialog."""
    calls = []

    class Reentering(RecordingDialogs):
        def error(self, parent, title, text) -> None:
            calls.append(title)
            if len(calls) < 10:  # as if every dialog raised a new, different error
                hook(*raise_here(KeyError, f"inside {len(calls)}"))
                hook(*raise_here(ValueError, f"inside {len(calls)}"))

    hook = make_excepthook(lambda: None, Reentering(), tmp_path / "logs")
    hook(*raise_here())
    assert calls == ["Something went wrong"]
    log = (tmp_path / "logs" / "errors.log").read_text(encoding="utf-8")
    assert log.count("Traceback") == 3
    assert "KeyError" in log and "ValueError" in log
