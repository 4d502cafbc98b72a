"""The shared register's server stops while someone types: the window keeps the text, says so
calmly in the banner (no dialog to dismiss), tries again at a growing pace, and saves it by
itself once the server is back. On a real cluster of this module's own (it is stopped)."""

from __future__ import annotations

import pytest

from desktop.application.bootstrap import open_service
from desktop.ui.editor.decision_editor import AWAY
from tests.helpers.lifecycle import complete_decision
from tests.helpers.shared_register_window import editing_a_saved_title

pytestmark = pytest.mark.postgres


@pytest.fixture
def register(pg_own_register):
    return pg_own_register


def test_typing_while_the_server_is_stopped_is_kept_and_saved_when_it_is_back(
        register, pg_own_server, make_window, dialogs, qtbot):
    service = open_service(register.url("alice"))
    window, decision, editor, title = editing_a_saved_title(service, make_window, qtbot, watch_ms=200)

    pg_own_server.cluster.stop()
    qtbot.keyClicks(title, " and later")
    qtbot.waitUntil(lambda: AWAY in editor.banner.text.text(), timeout=5000)
    assert editor.banner.isVisible() and editor.is_dirty()
    assert window.saved_label.text() == "Not saved yet — will try again"
    title.setText(title.text() + " — café, 東京")  # typed on while it is away (not ASCII)
    qtbot.wait(1500)  # a paced try or two while it is still away
    assert editor.is_dirty() and AWAY in editor.banner.text.text()
    assert title.text() == "Close the old depot now and later — café, 東京"
    assert window.editor.unsaveable()  # closing now would ask first: the text is not stored
    assert dialogs.calls == []  # calm: a notice, no dialog to dismiss

    pg_own_server.cluster.restart()
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=20000)
    assert AWAY not in editor.banner.text.text()
    assert not editor.banner.isVisible()
    reader = open_service(register.url("carol"))
    assert reader.get(decision.id).title == "Close the old depot now and later — café, 東京"
    assert reader.repo.check_audit_log().problems == ()
    assert dialogs.calls == []
    reader.close()
    window.close()
    service.close()


def test_a_sign_off_while_the_server_is_away_keeps_the_dialog_and_its_text(
        register, pg_own_server, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.ui.lifecycle.signoff_dialog import SignOffDialog
    from tests.helpers.engines import person

    service = open_service(person(register, "tester", "dc_author", "dc_clerk"))
    decision = complete_decision(service, "Close the old depot")
    dialog = SignOffDialog(service, decision.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.name, "Mo Officer")
    dialog.comment.setPlainText("Signed with a caveat — see minute 45/26")

    pg_own_server.cluster.stop()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.summary.isVisible()
    [said] = [link.text() for link in dialog.summary.links]
    assert "be reached" in said and "try again" in said  # one line, in the summary
    assert dialog.name.text() == "Mo Officer"  # nothing typed is lost
    assert dialog.comment.toPlainText() == "Signed with a caveat — see minute 45/26"

    pg_own_server.cluster.restart()
    with qtbot.waitSignal(dialog.signed):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    [signed] = service.get(decision.id).sign_offs
    assert (signed.name, signed.comment) == ("Mo Officer", "Signed with a caveat — see minute 45/26")
    assert service.repo.check_audit_log().problems == ()
    service.close()
