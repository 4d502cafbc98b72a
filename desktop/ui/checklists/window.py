"""Tools ▸ Checklists…: the register's checklists, and the editor a draft is made in.

A window of its own over the register's ChecklistService and the app's Dialogs (both handed
in). Escape in the editor goes back to the list, keeping the draft; from the list it closes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QStackedWidget, QVBoxLayout, QWidget

from desktop.domain.errors import KnownError
from desktop.ui.checklists.editor_page import AUTOSAVE_MS, ChecklistEditorPage
from desktop.ui.checklists.list_page import ChecklistsPage
from desktop.ui.widgets import activate_focused_button, fit_to_screen

if TYPE_CHECKING:
    from desktop.application.checklists import ChecklistService, Draft

FILTERS = "Checklists (*.json)"


class ChecklistsWindow(QDialog):
    """The list of checklists and, on top of it when a draft is open, the editor."""

    changed = Signal()  # a checklist was saved or imported, or the default changed

    def __init__(self, checklists: ChecklistService, dialogs, *,
                 autosave_ms: int = AUTOSAVE_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Checklists")
        self.checklists = checklists
        self.dialogs = dialogs
        self.stack = QStackedWidget()
        self.list_page = ChecklistsPage(checklists)
        self.editor = ChecklistEditorPage(checklists, dialogs, autosave_ms=autosave_ms)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.editor)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.stack)
        page = self.list_page
        page.continue_button.clicked.connect(self.continue_draft)
        page.new_version_button.clicked.connect(self.copy_as_new_version)
        page.new_checklist_button.clicked.connect(self.copy_as_new_checklist)
        page.default_button.clicked.connect(self.make_default)
        page.import_button.clicked.connect(self.import_file)
        page.export_button.clicked.connect(self.export_file)
        page.close_button.clicked.connect(self.close)
        page.table.doubleClicked.connect(lambda _index: self.copy_as_new_version())
        self.editor.closed.connect(self.show_list)
        self.editor.saved.connect(self._saved)
        fit_to_screen(self, 960, 720)
        self.show_list()

    # ---- pages ------------------------------------------------------------------------------
    def showing_editor(self) -> bool:
        return self.stack.currentWidget() is self.editor

    def show_list(self, select=None) -> None:
        self._run("Cannot list the checklists", lambda: self.list_page.refresh(select))
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_editor(self, draft: Draft) -> None:
        self.stack.setCurrentWidget(self.editor)
        self.editor.edit(draft)

    def _run(self, title: str, fn):
        try:
            return fn()
        except KnownError as exc:
            self.dialogs.error(self, title, str(exc))
            return None

    # ---- actions ----------------------------------------------------------------------------
    def continue_draft(self) -> None:
        kept = self._run("Cannot open the draft", self.checklists.kept_draft)
        if kept is not None:
            self.open_editor(kept)

    def _may_replace_draft(self) -> bool:
        kept = self.checklists.kept_draft()
        return kept is None or self.dialogs.confirm(
            self, "Replace your draft?",
            f"You have a draft that is not saved: {kept.get('title') or '(no title)'}. "
            "Copying another checklist replaces it.", "Replace the draft")

    def copy_as_new_version(self) -> None:
        chosen = self.list_page.selected()
        if chosen is None or not self._may_replace_draft():
            return
        draft = self._run("Cannot copy this checklist",
                          lambda: self.checklists.new_version_draft(chosen.id))
        if draft is not None:
            self.open_editor(draft)

    def copy_as_new_checklist(self) -> None:
        chosen = self.list_page.selected()
        if chosen is None or not self._may_replace_draft():
            return
        draft = self._run("Cannot copy this checklist",
                          lambda: self.checklists.new_checklist_draft(chosen.id, chosen.version))
        if draft is not None:
            self.open_editor(draft)
            self.editor.id_input.setFocus(Qt.FocusReason.OtherFocusReason)
            self.editor.id_input.selectAll()

    def make_default(self) -> None:
        chosen = self.list_page.selected()
        if chosen is None:
            return
        made = self._run("Cannot change the default",
                         lambda: self.checklists.set_default(chosen.id))
        if made is not None:
            self.changed.emit()
            self.show_list(made)

    def import_file(self) -> None:
        path = self.dialogs.open_file(self, "Import a checklist", FILTERS)
        if not path:
            return

        def run():
            from desktop.application.userfiles import read_text

            # the command line's rules: a regular file under the size cap, then the schema
            return self.checklists.import_text(read_text(path), source=Path(path).name)

        imported = self._run("Cannot import this checklist", run)
        if imported is not None:
            self.changed.emit()
            self.show_list(imported)
            self.dialogs.info(self, "Imported", f"Added {imported.title}, version "
                                                f"{imported.version} of {imported.id}.")

    def export_file(self) -> None:
        chosen = self.list_page.selected()
        if chosen is None:
            return
        path = self.dialogs.save_file(self, "Export a checklist",
                                      f"{chosen.id}-version-{chosen.version}.json", FILTERS)
        if not path:
            return

        def run() -> bool:
            from desktop.application.userfiles import atomic_write

            atomic_write(Path(path), self.checklists.export_text(chosen.id, chosen.version)
                         .encode("utf-8"))
            return True

        if self._run("Cannot export this checklist", run):
            self.dialogs.info(self, "Exported", f"Saved {chosen.id} version {chosen.version} "
                                                f"as {Path(path).name}.")

    def _saved(self, checklist) -> None:
        self.changed.emit()
        self.show_list(checklist)
        self.dialogs.info(self, "Saved", f"Saved {checklist.title} as version "
                                         f"{checklist.version} of {checklist.id}. New decisions "
                                         "can be answered against it.")

    # ---- keys and closing -------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Enter presses the focused button and nothing else: no default button. (A QDialog
        # clicks its last focused button when Enter reaches it from a field, such as the
        # box a question is typed into, which passes Enter on after committing it.)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            activate_focused_button(self, event)
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Escape: from the editor back to the list (the draft kept), else close."""
        if self.showing_editor():
            self.editor.back()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.showing_editor():
            self.editor.flush()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.showing_editor():
            self.editor.flush()
        super().closeEvent(event)
