"""Window actions for the PDF: Export PDF (Ctrl+Shift+E), Preview, Print (Ctrl+P), committee pack.

Records are loaded on the GUI thread (the sqlite connection belongs to it) and rendered as
plain records in a BackgroundOp (desktop/ui/ops.py), so the window stays responsive and a
pack can be cancelled.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressDialog

from desktop.domain.errors import KnownError
from desktop.ui.ops import BackgroundOp, Context

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

PDF_FILTER = "PDF files (*.pdf)"
EXPORT_KEYS = "Ctrl+Shift+E"


class _CloseWatcher(QObject):
    """Stops a render in progress when the window closes."""

    def __init__(self, actions: PdfActions, window) -> None:
        super().__init__(window)
        self.actions = actions
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close:
            self.actions.shutdown()
        return False


def render(records, *, pack: bool, title: str, context: Context):
    """The work of a BackgroundOp: plain records to a Rendered PDF (a pack reports progress,
    and stops at the next record once cancelled)."""
    from desktop.export.pdf import render_pack, render_record

    if pack:
        return render_pack(records, title, progress=context.progress)
    return render_record(records[0])


def suggested_name(decision) -> str:
    """A file name from the reference (or title) and version, safe on every platform."""
    base = decision.reference or decision.title
    base = re.sub(r"[^\w\-]+", "-", base, flags=re.UNICODE).strip("-")[:60] or "decision"
    return f"{base}-v{decision.version}.pdf"


def pack_name(title: str) -> str:
    """A file name for a pack: its title, filesystem-safe."""
    import re

    stem = re.sub(r"[^\w\- ]+", "", title).strip().replace(" ", "-").lower()[:60]
    return f"{stem or 'committee-pack'}.pdf"


class PdfActions:
    """Owns the PDF actions of one window."""

    def __init__(self, window, service: DecisionService, dialogs) -> None:
        self.window, self.service, self.dialogs = window, service, dialogs
        self.export_action: QAction = window.export_action
        self.export_action.setText("&Export PDF…")
        # Not Ctrl+E: on Linux a text field takes it (end of line), and the shortcut must work
        # with the cursor in a field. Main window only (WindowShortcut): dialogs keep their keys.
        self.export_action.setShortcut(QKeySequence(EXPORT_KEYS))
        self.export_action.setStatusTip("Save the PDF assurance record for the committee papers")
        self.export_action.triggered.connect(self.export_current)
        self.preview_action = QAction("Pre&view PDF", window)
        self.preview_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.preview_action.triggered.connect(self.preview_current)
        self.print_action = QAction("&Print…", window)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(self.print_current)
        self.pack_action = QAction("Export &committee pack…", window)
        self.pack_action.setStatusTip("One PDF of the selected decisions, with contents and summary")
        self.pack_action.triggered.connect(self.export_pack)
        # Not tied to the current decision: the chooser lists the whole register.
        self.choose_pack_action = QAction("Print committee pac&k…", window)
        self.choose_pack_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.choose_pack_action.setStatusTip("Tick the decisions of a committee pack, then "
                                             "preview or save it")
        self.choose_pack_action.triggered.connect(self.choose_pack)
        window.add_record_actions("file", [self.preview_action, self.print_action,
                                           self.pack_action])
        window.add_file_actions([self.choose_pack_action])
        window.current_changed.connect(self._update_enabled)
        self._closer = _CloseWatcher(self, window)
        self._update_enabled(window.current_decision_id())
        self.worker: BackgroundOp | None = None  # the render running, one at a time
        self.progress: QProgressDialog | None = None
        self.preview: object | None = None  # the last preview dialog, for tests
        self.last_path: Path | None = None
        self.pack_dialog: object | None = None  # the last pack chooser, for tests

    def _update_enabled(self, current) -> None:
        self.export_action.setEnabled(current is not None)

    # ---- loading (GUI thread) ---------------------------------------------------------------
    def _records(self, ids: list[str]):
        from desktop.application.printing import print_record

        if self.window.showing_editor():
            self.window.editor.save_now()
        try:
            return [print_record(self.service, i) for i in ids]
        except KnownError as exc:
            self.dialogs.error(self.window, "Cannot make the PDF", str(exc))
            return None

    def _current_record(self):
        current = self.window.current_decision_id()
        if current is None:
            return None
        records = self._records([current])
        return records[0] if records else None

    # ---- export one record ------------------------------------------------------------------
    def export_current(self) -> None:
        record = self._current_record()
        if record is None:
            return
        path = self.dialogs.save_file(self.window, "Export PDF assurance record",
                                      suggested_name(record.decision), PDF_FILTER)
        if not path:
            return
        self._start([record], pack=False, on_done=lambda r: self._save(r, path))

    def export_pack(self) -> None:
        ids = self.window.selected_decision_ids()
        if not ids:
            return
        records = self._records(ids)
        if not records:
            return
        path = self.dialogs.save_file(self.window, "Export committee pack",
                                      "committee-pack.pdf", PDF_FILTER)
        if not path:
            return
        self._start(records, pack=True, on_done=lambda r: self._save(r, path))

    def choose_pack(self) -> None:
        """Print committee pack…: tick decisions (the register's selection arrives ticked),
        then the pack goes the way one record does: preview, or save."""
        from desktop.ui.pdf.pack_dialog import PackDialog

        if self.window.showing_editor():
            self.window.editor.save_now()
        dialog = PackDialog(self.service, self.window.selected_decision_ids(), self.window)
        self.pack_dialog = dialog
        if not self.ask_pack(dialog):
            return
        records = self._records(dialog.ticked_ids())
        if not records:
            return
        title = dialog.pack_title()
        if dialog.choice == "preview":
            self._start(records, pack=True, title=title,
                        on_done=lambda r: self._show_preview(r, title, pack_name(title),
                                                                 "Export committee pack"))
            return
        path = self.dialogs.save_file(self.window, "Export committee pack", pack_name(title),
                                      PDF_FILTER)
        if path:
            self._start(records, pack=True, title=title, on_done=lambda r: self._save(r, path))

    def ask_pack(self, dialog) -> bool:
        """Show the pack chooser; tests replace this method."""
        return dialog.exec() == dialog.DialogCode.Accepted

    def _save(self, rendered, path: str) -> None:
        from desktop.application.userfiles import atomic_write

        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            atomic_write(target, rendered.pdf)
        except KnownError as exc:
            self.dialogs.error(self.window, "Cannot save the PDF", str(exc))
            return
        self.last_path = target
        message = f"Saved {target.name} ({rendered.pages} pages)."
        self.window.statusBar().showMessage(message, 8000)
        if rendered.warnings:
            self.dialogs.info(self.window, "Some characters could not be printed",
                              "The PDF was saved. These characters have no glyph in the shipped "
                              "font and are printed as [U+XXXX] placeholders:\n\n"
                              + "\n".join(rendered.warnings))

    # ---- preview and print ------------------------------------------------------------------
    def preview_current(self) -> None:
        record = self._current_record()
        if record is not None:
            self._start([record], pack=False, on_done=lambda r: self._show_preview(
                r, record.decision.title, suggested_name(record.decision)))

    def _show_preview(self, rendered, title: str, suggested: str,
                      save_title: str = "Export PDF assurance record") -> None:
        from desktop.ui.pdf.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(rendered.pdf, title, rendered.warnings, self.window)
        dialog.print_requested.connect(lambda: self._print(dialog.document))
        dialog.save_requested.connect(lambda: self._save_from_preview(rendered, suggested,
                                                                       save_title))
        self.preview = dialog
        dialog.show()

    def _save_from_preview(self, rendered, suggested: str, save_title: str) -> None:
        path = self.dialogs.save_file(self.window, save_title, suggested, PDF_FILTER)
        if path:
            self._save(rendered, path)

    def print_current(self) -> None:
        record = self._current_record()
        if record is None:
            return

        def done(rendered) -> None:
            from desktop.ui.pdf.preview import load_document

            self._print(load_document(rendered.pdf, self.window))

        self._start([record], pack=False, on_done=done)

    def ask_printer(self, printer) -> bool:
        """The system print dialog; tests replace this method."""
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, self.window)
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def _print(self, document) -> int:
        from PySide6.QtPrintSupport import QPrinter

        from desktop.ui.pdf.preview import print_document

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.window.windowTitle())
        if not self.ask_printer(printer):
            return 0
        return print_document(document, printer)

    # ---- the worker -------------------------------------------------------------------------
    def _start(self, records, *, pack: bool, on_done, title: str = "Committee pack") -> None:
        if self.worker is not None and self.worker.running():
            self.dialogs.info(self.window, "Still making a PDF",
                              "Wait for the PDF being made to finish, or cancel it.")
            return
        progress: QProgressDialog | None = None
        if pack:
            progress = QProgressDialog(f"Rendering {len(records)} decision records…", "Cancel",
                                       0, len(records), self.window)
            progress.setWindowTitle("Export committee pack")
            progress.setMinimumDuration(300)
            progress.setAutoClose(False)
            progress.setAutoReset(False)
            self.progress = progress
        else:
            self.window.statusBar().showMessage("Making the PDF…")

        def finish() -> None:
            self._forget(worker)
            if self.progress is not None:
                self.progress.close()
                self.progress.deleteLater()
                self.progress = None
            self.window.statusBar().clearMessage()

        def succeeded(rendered) -> None:
            finish()
            on_done(rendered)

        def failed(exc: Exception) -> None:
            finish()
            self.dialogs.error(self.window, "Cannot make the PDF", f"{type(exc).__name__}: {exc}")

        def cancelled() -> None:
            finish()
            self.window.statusBar().showMessage("Committee pack cancelled; nothing was saved.",
                                                8000)

        worker = BackgroundOp(
            lambda context: render(records, pack=pack, title=title, context=context),
            success=succeeded, failure=failed, cancelled=cancelled,
            progress=(lambda done, _total: progress.setValue(done)) if progress else None,
            parent=self.window)
        if progress is not None:
            progress.canceled.connect(worker.cancel)
        self.worker = worker
        worker.start()

    def _forget(self, worker: BackgroundOp) -> None:
        if self.worker is worker:
            self.worker = None
        worker.deleteLater()

    def shutdown(self) -> None:
        """Stop a running render before the window goes (its thread must not outlive it)."""
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self.worker = None


def install_pdf_actions(window, service: DecisionService, dialogs) -> PdfActions:
    """Add the PDF actions to the window's File menu and wire Export PDF."""
    return PdfActions(window, service, dialogs)
