"""Thin wrappers over QMessageBox and QFileDialog, handed to views so tests can replace them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window is painted before any of these is first needed
    from PySide6.QtGui import QAbstractFileIconProvider
    from PySide6.QtWidgets import QWidget

    from desktop.ui.typed_ahead import TypedAhead


class Dialogs:
    """Every modal question the window asks goes through one of these methods."""

    def __init__(self, file_dialog_options=None) -> None:
        self._folder: str | None = None  # where the last file was chosen, this session
        # QFileDialog.Option flags for every file dialog (None: the platform's default)
        self.file_dialog_options = file_dialog_options
        # The file dialogs' icon provider (see _file_dialog).
        self._icons: QAbstractFileIconProvider | None = None

    def _start_folder(self) -> str:
        """The folder a file dialog opens in: the last one used, else the user's Documents
        (not the folder the app happened to be started from)."""
        if self._folder is None:
            from pathlib import Path

            from PySide6.QtCore import QStandardPaths

            documents = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation)
            # a Documents folder that does not exist would open the dialog wherever the app
            # was started from: the home folder instead
            self._folder = documents if documents and Path(documents).is_dir() else str(
                Path.home())
        return self._folder

    def _remember(self, path: str) -> str | None:
        if path:
            from pathlib import Path

            self._folder = str(Path(path).parent)
        return path or None

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something failed and what to do about it."""
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(parent, title, text)

    def choose_checklist(self, parent: QWidget | None, checklists: list,
                         typed_ahead: TypedAhead | None = None):
        """Which of these checklists (the default first) a new decision is answered
        against; None if the user cancelled. With `typed_ahead`, the keys typed before the
        dialog had the focus are given to it (desktop/ui/typed_ahead.py)."""
        from desktop.ui.editor.checklist_choice import ChecklistChoiceDialog

        dialog = ChecklistChoiceDialog(checklists, parent)
        answered = typed_ahead.run(dialog) if typed_ahead is not None else dialog.exec()
        return dialog.chosen() if answered else None

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """Ask before something that cannot be undone; `action` names the button (e.g. 'Delete')."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                          parent)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def about(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(parent, title, text)

    def choose(self, parent: QWidget | None, title: str, label: str,
               choices: list[str]) -> str | None:
        """One of `choices`, or None if the user cancels."""
        from PySide6.QtWidgets import QInputDialog

        picked, ok = QInputDialog.getItem(parent, title, label, choices, 0, False)
        return picked if ok else None

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> str | None:
        return self._remember(self._file_dialog(parent, title, self._start_folder(), filters,
                                                save=False))

    def save_file(self, parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
        from pathlib import Path

        folder = self._start_folder()
        start = str(Path(folder, suggested)) if folder else suggested
        return self._remember(self._file_dialog(parent, title, start, filters, save=True))

    def _file_dialog(self, parent: QWidget | None, title: str, start: str, filters: str, *,
                     save: bool) -> str:
        """Every file dialog of the app (export, pack, import, attach, restore, save from the
        preview) is this one: Qt's QFileDialog, run modally; "" when the user cancels.

        The dialog is deleted as soon as it returns, with whatever widgets the window had put
        into it (the focus ring: see widgets.FocusRing). `file_dialog_options` lets a test ask
        for Qt's own dialog rather than the platform's, so it can drive it.

        It never opens the files it lists. Qt's own dialog guessed each file's type from its
        first bytes, the open register included; on Linux and macOS closing that file dropped
        every lock SQLite held on it in this process (fcntl locks belong to the process), and
        the next command-line run deleted the register's -wal under the window. So Qt's own
        dialog is used wherever an in-process one would be (not Windows, whose locks are not
        dropped so, nor macOS, whose panel runs in another process), with an icon provider
        that looks only at names."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        start_path = Path(start)
        folder, name = ((str(start_path.parent), start_path.name) if save and start
                        else (start, ""))
        dialog = QFileDialog(parent, title, folder, filters)
        if name:
            dialog.selectFile(name)
        options = self.file_dialog_options
        if options is None:
            options = QFileDialog.Option(0)
            if sys.platform not in ("win32", "darwin"):
                options |= QFileDialog.Option.DontUseNativeDialog
        dialog.setOptions(options)
        if options & QFileDialog.Option.DontUseNativeDialog:
            if self._icons is None:  # the dialog does not own its provider: keep it here
                self._icons = _icons_by_name()
            dialog.setIconProvider(self._icons)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        try:
            if not dialog.exec():
                return ""
            files = dialog.selectedFiles()
            return files[0] if files else ""
        finally:
            dialog.deleteLater()


def _icons_by_name() -> QAbstractFileIconProvider:
    """A QAbstractFileIconProvider that never opens a file: a folder or a file icon and a
    type from the name alone."""
    from PySide6.QtGui import QAbstractFileIconProvider
    from PySide6.QtWidgets import QApplication, QStyle

    class ByName(QAbstractFileIconProvider):
        def icon(self, what):  # QFileInfo, or an IconType
            style = QApplication.style()
            folder = (what == QAbstractFileIconProvider.IconType.Folder
                      if isinstance(what, QAbstractFileIconProvider.IconType)
                      else what.isDir())
            return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon if folder
                                      else QStyle.StandardPixmap.SP_FileIcon)

        def type(self, info) -> str:
            if info.isDir():
                return "Folder"
            suffix = info.suffix()
            return f"{suffix.upper()} file" if suffix else "File"

    return ByName()


class RecordingDialogs(Dialogs):
    """A stand-in for tests and scripted runs: records every call, answers from a queue."""

    def __init__(self, confirm_answer: bool = True) -> None:
        super().__init__()
        self.calls: list[tuple[str, str, str]] = []
        self.confirm_answer = confirm_answer
        self.files: list[str | None] = []
        self.choices: list[str | int] = []  # answers to choose(): a choice or its position
        self.checklist_choices: list[int | None] = []  # to choose_checklist()

    def error(self, parent, title, text) -> None:
        self.calls.append(("error", title, text))

    def info(self, parent, title, text) -> None:
        self.calls.append(("info", title, text))

    def confirm(self, parent, title, text, action) -> bool:
        self.calls.append(("confirm", title, text))
        return self.confirm_answer

    def about(self, parent, title, text) -> None:
        self.calls.append(("about", title, text))

    def choose(self, parent, title, label, choices):
        self.calls.append(("choose", title, label))
        if not self.choices:
            return None
        picked = self.choices.pop(0)
        return choices[picked] if isinstance(picked, int) else picked

    def choose_checklist(self, parent, checklists, typed_ahead=None):
        """From `checklist_choices` (an index, or None for Cancel); with none queued, the
        default, as Enter takes it."""
        self.calls.append(("choose_checklist", "New decision",
                           ", ".join(f"{c.id} {c.version}" for c in checklists)))
        picked = self.checklist_choices.pop(0) if self.checklist_choices else 0
        return checklists[picked] if isinstance(picked, int) else picked

    def open_file(self, parent, title, filters):
        self.calls.append(("open_file", title, filters))
        return self.files.pop(0) if self.files else None

    def save_file(self, parent, title, suggested, filters):
        self.calls.append(("save_file", title, suggested))
        return self.files.pop(0) if self.files else None
