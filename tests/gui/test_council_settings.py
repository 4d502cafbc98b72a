"""Tools ▸ Council settings…: the call-in period, typed by keyboard, saved (audited) through
the service; the register's timeline column and its "in call-in" filter follow at once, and
so does the open record's timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.timeline import MAX_CALL_IN_DAYS
from desktop.ui.council_settings import CALL_IN_HINT, CouncilSettingsDialog
from desktop.ui.register.model import COLUMNS


def _open(window, qtbot) -> CouncilSettingsDialog:
    assert window.council_action in window.tools_menu.actions()
    window.council_action.trigger()
    dialog = window.council_settings_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.days)
    return dialog


def _type(qtbot, dialog, days: str) -> None:
    qtbot.keyClick(dialog.days, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.days, days)


def test_the_call_in_period_is_set_by_keyboard_and_the_register_follows(
        make_window, service, qtbot):
    # The service's clock says Wed 25 November 2026; published Fri 20 Nov: five working
    # days end Fri 27 Nov, one ends Mon 23 Nov.
    published = service.create("Published on Friday", meeting_date="2026-11-19",
                               publication_date="2026-11-20")
    window = make_window(service)
    view = window.register
    column = [k for k, _ in COLUMNS].index("timeline")
    view.status_filter.actions_by_value["call-in"].setChecked(True)
    assert view.model.total == 1
    assert view.model.data(view.model.index(0, column)) == "In call-in to 27 Nov 2026"

    dialog = _open(window, qtbot)
    assert dialog.days.value() == 5 and dialog.field.hint.text() == CALL_IN_HINT
    hint = dialog.field.hint  # every line of it shown: the dialog is as tall as it wraps
    assert hint.height() >= hint.heightForWidth(hint.width()) > hint.fontMetrics().lineSpacing()
    dialog.resize(420, dialog.height())  # its narrowest (a small screen at 150%): taller
    qtbot.waitUntil(lambda: dialog.width() == 420)
    assert hint.height() >= hint.heightForWidth(hint.width())
    assert hint.geometry().bottom() < dialog.days.mapTo(dialog.field, dialog.days.rect().topLeft()).y()
    assert dialog.days.accessibleName() == "Call-in period"
    assert "working days" in dialog.days.accessibleDescription()
    assert (dialog.days.minimum(), dialog.days.maximum()) == (1, MAX_CALL_IN_DAYS)
    _type(qtbot, dialog, "1")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.days, Qt.Key.Key_Return)  # Save is the default button
    assert dialog.result() == CouncilSettingsDialog.DialogCode.Accepted
    assert service.call_in_days() == 1
    entry = service.repo.audit_rows("", 0, "call_in_days")[-1]
    assert (entry.old_value, entry.new_value) == ("5", "1")
    assert view.model.total == 0  # no longer in call-in: the filter followed at once
    view.status_filter.actions_by_value["call-in"].setChecked(False)
    row = [view.model.row_id(i) for i in range(view.model.rowCount())].index(published.id)
    tip = view.model.data(view.model.index(row, column), Qt.ItemDataRole.ToolTipRole)
    assert "Call-in ends 23 Nov 2026. Implementable from 24 Nov 2026" in tip

    # Open the record: its timeline follows a second change; Escape leaves it unchanged.
    window.open_decision(published.id, 0)
    dialog = _open(window, qtbot)
    assert dialog.days.value() == 1
    _type(qtbot, dialog, "10")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert service.call_in_days() == 10
    assert "Call-in ends: 4 Dec 2026" in window.editor.details.timeline.dates.text()
    dialog = _open(window, qtbot)
    _type(qtbot, dialog, "3")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.days, Qt.Key.Key_Escape)
    assert service.call_in_days() == 10
    assert len(service.repo.audit_rows("", 0, "call_in_days")) == 2


def test_saving_the_same_period_writes_no_audit_row(make_window, service, qtbot):
    window = make_window(service)
    dialog = _open(window, qtbot)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.days, Qt.Key.Key_Return)
    assert service.repo.audit_rows("", 0, "call_in_days") == []
