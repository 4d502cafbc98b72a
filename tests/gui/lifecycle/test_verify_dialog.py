"""Decision ▸ Verify a printed copy…: a typed code, a PDF or a scan gives the command line's
answer; the keyboard alone drives it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.application.printing import print_record
from desktop.application.verification import check, format_findings
from desktop.cli import main as cli
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from desktop.ui.lifecycle.verify_dialog import VerifyDialog

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _dialog(qtbot, service, dialogs):
    dialog = VerifyDialog(service, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_typed_code_and_enter_show_the_command_lines_answer(qtbot, service, dialogs,
                                                             example_bundle_text, db_path,
                                                             capsys):
    d = service.import_bundle(example_bundle_text)[0]
    code = code_for(d)
    dialog = _dialog(qtbot, service, dialogs)
    assert dialog.focusWidget() is dialog.code
    assert dialog.code.accessibleName() == "Verification code"
    assert dialog.field.label.buddy() is dialog.code
    qtbot.keyClicks(dialog.code, code.lower().replace("-", " "))
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.heading.text() == "This copy matches the register"
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "verify", code]) == 0
    assert dialog.answer() == capsys.readouterr().out.rstrip("\n")
    assert dialog.answer().startswith(f"MATCH: {code}")
    assert dialog.focusWidget() is dialog.result  # the answer is read next

    dialog.code.clear()
    qtbot.keyClicks(dialog.code, _ALPHABET[(_ALPHABET.index(code[0]) + 1) % 32] + code[1:])
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.heading.text() == "This copy does not match the register"
    assert dialog.answer().startswith("NO MATCH: no record has this code")

    dialog.code.setText("not a code")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "is not a verification code" in dialog.field.error.text()
    assert dialog.answer() == ""


def test_open_a_pdf(qtbot, service, dialogs, example_bundle_text, tmp_path):
    d = service.import_bundle(example_bundle_text)[0]
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(render_record(print_record(service, d.id)).pdf)
    dialogs.files.append(str(pdf))
    dialog = _dialog(qtbot, service, dialogs)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialogs.calls[-1][0] == "open_file" and "*.jpg" in dialogs.calls[-1][2]
    assert dialog.answer() == format_findings(check(service, str(pdf)))
    assert dialog.answer().startswith(f"MATCH: {code_for(d)}")


def test_the_decision_menu_offers_it(qtbot, service, make_window):
    window = make_window(service)
    window.finish_start_up(build_editor=False)
    texts = [a.text() for a in window.decision_menu.actions()]
    assert "&Verify a printed copy…" in texts
    window.verify_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "verify_dialog", None) is not None
                    and window.verify_dialog.isVisible())
    window.verify_dialog.close()
