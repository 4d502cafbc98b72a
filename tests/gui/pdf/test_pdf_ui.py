"""Export PDF, preview, print and the committee pack from the window (dialogs replaced)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop.application.verification import codes_in_pdf
from desktop.domain.record import code_for


@pytest.fixture
def three(service, example_bundle_text):
    bundle = json.loads(example_bundle_text)
    ids = [service.import_bundle(example_bundle_text)[0].id]
    for n, title in enumerate(("Transfer Eastfield library", "Share the legal service")):
        d = dict(bundle["decisions"][0], title=title, reference=f"EX/2026/02{n}")
        d.pop("id")
        ids.append(service.import_bundle(json.dumps({"format": bundle["format"],
                                                     "decisions": [d]}))[0].id)
    return ids


def select_row(window, row: int) -> None:
    table = window.register.table
    table.setFocus()
    table.setCurrentIndex(window.register.model.index(row, 0))


def test_export_pdf_saves_the_current_record(qtbot, make_window, service, three, dialogs,
                                           tmp_path):
    window = make_window(service)
    select_row(window, 0)
    current = window.current_decision_id()
    assert window.pdf.export_action.isEnabled()
    out = tmp_path / "record.pdf"
    dialogs.files.append(str(out))
    assert window.pdf.export_action.shortcut() == QKeySequence("Ctrl+Shift+E")
    window.pdf.export_action.trigger()
    qtbot.waitUntil(lambda: window.pdf.last_path == out, timeout=20_000)
    assert dialogs.calls[0][0] == "save_file"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    d = service.get(current)
    assert d.title in " ".join(text.split())
    assert codes_in_pdf(out.read_bytes()) == [code_for(d)]
    assert not list(tmp_path.glob(".record.pdf.tmp-*"))  # written atomically, nothing left over


def test_cancelled_save_dialog_writes_nothing(qtbot, make_window, service, three, dialogs,
                                              tmp_path):
    window = make_window(service)
    select_row(window, 0)
    window.pdf.export_action.trigger()  # the dialog answers None: the user cancelled
    assert window.pdf.worker is None and window.pdf.last_path is None


def test_committee_pack_of_selected_rows(qtbot, make_window, service, three, dialogs,
                                         tmp_path):
    window = make_window(service)
    window.register.table.selectAll()
    assert sorted(window.selected_decision_ids()) == sorted(three)
    out = tmp_path / "pack.pdf"
    dialogs.files.append(str(out))
    window.pdf.pack_action.trigger()
    assert window.pdf.progress is not None  # a progress dialog while the worker renders
    qtbot.waitUntil(lambda: window.pdf.last_path == out, timeout=30_000)
    assert sorted(codes_in_pdf(out.read_bytes())) == sorted(
        code_for(service.get(i)) for i in three)
    assert window.pdf.progress is None


def test_committee_pack_can_be_cancelled(qtbot, make_window, service, three, dialogs,
                                         tmp_path):
    window = make_window(service)
    window.register.table.selectAll()
    out = tmp_path / "pack.pdf"
    dialogs.files.append(str(out))
    window.pdf.pack_action.trigger()
    assert window.pdf.worker is not None and window.pdf.worker.running()
    from PySide6.QtWidgets import QPushButton

    cancel = window.pdf.progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(lambda: window.pdf.worker is None, timeout=30_000)
    assert not out.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_preview_shows_every_page_and_prints(qtbot, make_window, service, three, tmp_path,
                                             monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    window = make_window(service)
    select_row(window, 0)
    window.pdf.preview_action.trigger()
    qtbot.waitUntil(lambda: window.pdf.preview is not None, timeout=20_000)
    preview = window.pdf.preview
    qtbot.addWidget(preview)
    assert preview.page_count() >= 6  # a multi-page record (principles flow, not a page each)
    printed = tmp_path / "printed.pdf"

    def to_file(printer) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(window.pdf, "ask_printer", to_file)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(str(printed)).pages) == preview.page_count()


def test_print_uses_the_print_dialog(qtbot, make_window, service, three, monkeypatch):
    window = make_window(service)
    select_row(window, 0)
    asked = []
    monkeypatch.setattr(window.pdf, "ask_printer", lambda printer: asked.append(printer) or False)
    assert window.pdf.print_action.shortcut() == QKeySequence("Ctrl+P")
    window.pdf.print_action.trigger()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=20_000)


def test_print_committee_pack_lets_the_user_tick_decisions_then_saves(qtbot, make_window,
                                                                     service, three, dialogs,
                                                                     tmp_path):
    from desktop.ui.pdf.pack_dialog import PackDialog

    window = make_window(service)
    select_row(window, 0)
    first = window.current_decision_id()
    action = window.pdf.choose_pack_action
    assert action in window.file_menu.actions() and action.isEnabled()
    chosen = []

    def tick(dialog: PackDialog) -> bool:
        assert dialog.ticked_ids() == [first]  # the register's selection arrives ticked
        others = [i for i in three if i != first]
        dialog.set_ticked(others[0], True)
        dialog.title.setText("Cabinet 9 December")
        chosen.extend([first, others[0]])
        dialog.save_button.click()
        return dialog.result() == dialog.DialogCode.Accepted

    window.pdf.ask_pack = tick
    out = tmp_path / "pack.pdf"
    dialogs.files.append(str(out))
    action.trigger()
    qtbot.waitUntil(lambda: window.pdf.last_path == out, timeout=30_000)
    assert dialogs.calls[-1][0] == "save_file"
    pdf = out.read_bytes()
    assert codes_in_pdf(pdf) == [code_for(service.get(i)) for i in chosen]
    assert "Cabinet 9 December" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_print_committee_pack_can_preview_the_pack(qtbot, make_window, service, three,
                                                   dialogs):
    window = make_window(service)

    def tick_all(dialog) -> bool:
        for ticked in dialog.ticked_ids():
            dialog.set_ticked(ticked, False)
        assert not dialog.preview_button.isEnabled()  # nothing ticked, nothing to print
        dialog.search.setText("Eastfield")  # the search narrows the list; ticks stay
        assert dialog.list.count() == 1
        dialog.set_ticked(three[1], True)
        dialog.search.setText("")
        dialog.set_ticked(three[2], True)
        assert dialog.ticked_ids() == [three[1], three[2]]
        dialog.preview_button.click()
        return True

    window.pdf.ask_pack = tick_all
    window.pdf.choose_pack_action.trigger()
    qtbot.waitUntil(lambda: window.pdf.preview is not None, timeout=30_000)
    assert window.pdf.preview.windowTitle()
    window.pdf.preview.close()
