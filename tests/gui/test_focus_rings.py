"""Issue 13: the yellow focus ring goes round tables and lists too (the register, the
backup list of the restore dialog), whose own cue was a thin border."""

from __future__ import annotations

from desktop.storage import backup
from tests.gui.conftest import ring_shown_round


def test_the_register_table_shows_the_focus_ring(qtbot, window, service, focus_ring):
    service.create("Close the depot")
    window.register.refresh()
    window.register.table.setFocus()
    qtbot.waitUntil(lambda: ring_shown_round(focus_ring, window.register.table))


def test_the_backup_list_shows_the_focus_ring(qtbot, window, service, focus_ring, tmp_path,
                                              monkeypatch):
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(tmp_path / "backups"))
    service.create("Kept in the backup")
    window.backups.back_up_now()
    dialog = window.backups.open_restore_dialog()
    try:
        dialog.activateWindow()
        dialog.backups.setFocus()
        qtbot.waitUntil(lambda: ring_shown_round(focus_ring, dialog.backups))
    finally:
        dialog.close()


def test_the_current_row_of_a_focused_list_is_yellow_before_anything_is_selected(
        qtbot, themed):
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication, QListWidget

    view = QListWidget()
    qtbot.addWidget(view)
    view.addItems(["Backup of 1 Dec 2026", "Backup of 30 Nov 2026"])
    view.resize(320, 160)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.setFocus()
    view.selectionModel().setCurrentIndex(view.model().index(1, 0),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
    assert not view.selectedItems()
    rect = view.visualItemRect(view.item(1))
    image = view.viewport().grab().toImage()
    seen, yellow = QColor(image.pixel(rect.right() - 8, rect.center().y())), QColor(themed.FOCUS)
    # yellow, give or take the style's own faint marking of the current item
    assert max(abs(seen.red() - yellow.red()), abs(seen.green() - yellow.green()),
               abs(seen.blue() - yellow.blue())) < 40, seen.name()
