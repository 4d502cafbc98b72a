"""File › Back up now, and File › Restore from a backup…: preview, confirm, restore."""

from __future__ import annotations

import pytest

from desktop.application.backups import open_preview
from desktop.domain.decision import Answer, Rating
from desktop.domain.queries import RegisterQuery
from desktop.storage import backup


@pytest.fixture(autouse=True)
def backups_folder(tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(folder))
    return folder


def titles(service) -> list[str]:
    return [r.title for r in service.register(RegisterQuery(sort="title", descending=False))]


def test_back_up_then_restore_after_confirming(qtbot, window, service, dialogs, backups_folder):
    from PySide6.QtCore import Qt

    kept = service.create("Kept in the backup")
    made = window.backups.back_up_now()
    assert made is not None and made.parent == backups_folder
    assert dialogs.calls[-1][0] == "info"
    later = service.create("Typed after the backup")
    service.set_answer(later.id, "values", Answer(Rating.GREEN, "an hour of typing"))
    window.open_decision(later.id, 1)

    dialog = window.backups.open_restore_dialog()
    assert dialog.backups.count() == 1
    assert dialog.preview.rowCount() == 1
    assert dialog.preview.item(0, 1).text() == "Kept in the backup"
    assert dialog.summary.text().startswith("1 decision in this backup")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    kinds = [c[0] for c in dialogs.calls]
    assert kinds[-2:] == ["confirm", "info"]
    assert titles(service) == ["Kept in the backup"]
    assert service.get(kept.id).title == "Kept in the backup"
    assert not window.showing_editor()
    assert window.register.model.rowCount() == 1
    # nothing was lost: the content that was replaced is itself a backup
    before = [b for b in backup.list_backups(service.db_path()) if b.reason == "before-restore"]
    assert len(before) == 1
    old = open_preview(before[0].path)
    try:
        assert old.get(later.id).answer("values").response == "an hour of typing"
    finally:
        old.db.close()
    # and the window keeps working on the restored database
    again = service.create("After the restore")
    assert again.title in titles(service)


def test_cancelling_the_confirmation_changes_nothing(qtbot, window, service, dialogs):
    service.create("One")
    window.backups.back_up_now()
    service.create("Two")
    dialogs.confirm_answer = False
    dialog = window.backups.open_restore_dialog()
    assert dialog.restore_selected() is False
    assert titles(service) == ["One", "Two"]
    assert [b.reason for b in backup.list_backups(service.db_path())] == ["manual"]


def test_a_file_that_is_not_a_backup_cannot_be_restored(qtbot, window, service, dialogs,
                                                        tmp_path):
    service.create("Current")
    notes = tmp_path / "notes.db"
    notes.write_text("meeting notes, not a database")
    dialog = window.backups.open_restore_dialog()
    assert dialog.backups.count() == 0
    assert "no backups" in dialog.summary.text()
    dialogs.files.append(str(notes))
    dialog.choose_other_file()
    assert "cannot be restored" in dialog.summary.text()
    assert "not a database" in dialog.summary.text()
    assert not dialog.restore_button.isEnabled()
    assert dialog.restore_selected() is False or titles(service) == ["Current"]
    assert titles(service) == ["Current"]
    assert notes.read_text() == "meeting notes, not a database"


def test_every_input_has_an_accessible_name(qtbot, window, service):
    from PySide6.QtWidgets import QAbstractButton, QListWidget, QTableWidget

    service.create("x")
    window.backups.back_up_now()
    dialog = window.backups.open_restore_dialog()
    for widget in dialog.findChildren(QListWidget) + dialog.findChildren(QTableWidget):
        assert widget.accessibleName()
    for button in dialog.findChildren(QAbstractButton):
        if button.objectName().startswith("qt_"):  # Qt's own table corner button
            continue
        assert button.accessibleName() or button.text()


def test_tab_leaves_the_preview_table(qtbot, window, service):
    """The hostile tester's keyboard trap: Tab cycled through the preview's cells for ever."""
    from PySide6.QtCore import Qt

    service.create("x")
    service.create("y")
    window.backups.back_up_now()
    dialog = window.backups.open_restore_dialog()
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    dialog.preview.setFocus()
    assert not dialog.preview.tabKeyNavigation()
    qtbot.keyClick(dialog.preview, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is not dialog.preview
