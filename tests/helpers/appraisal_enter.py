"""Type the three real-world appraisals (tests/helpers/appraisal_examples.py) into the real
window, as a user would on the Options appraisal page, then export each as a bundle (not a
test module):

    QT_QPA_PLATFORM=offscreen python -m tests.helpers.appraisal_enter OUTDIR

The record and its options are made through the service (the Decision details page is not
what this is about); everything on the appraisal page goes through its widgets: Start, each
weight typed and Tab, the must-pass ticks, an own criterion typed and Enter, Lock weights
(confirmed), each cell's score dialog (a score chosen, the evidence typed, Save score), the
long list's rows. Writes OUTDIR/<slug>.json for each."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.helpers.appraisal_examples import EXAMPLES, Example


class Confirming:
    """The window's dialogs, but every question is answered yes (and recorded)."""

    def __init__(self) -> None:
        from desktop.ui.dialogs import Dialogs

        self._real = Dialogs()
        self.asked: list[str] = []

    def confirm(self, _parent, title: str, _text: str, _action: str) -> bool:
        self.asked.append(title)
        return True

    def error(self, _parent, title: str, text: str) -> None:
        raise AssertionError(f"{title}: {text}")

    def __getattr__(self, name: str):
        return getattr(self._real, name)


def settle(app, ms: int = 0) -> None:
    from PySide6.QtTest import QTest

    app.processEvents()
    if ms:
        QTest.qWait(ms)


def enter(app, window, service, example: Example) -> str:
    """The example typed into the window's appraisal page; returns the decision's id."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    d = service.create(example.title, proposal=example.proposal, options=example.options)
    window.open_decision(d.id, 0)
    window.editor.go_to(window.editor.appraisal_page)
    page = window.editor.appraisal
    settle(app)
    page.start_button.click()
    settle(app)
    for row in example.rows:
        if row.title:  # an own criterion: typed, then Enter
            page.own_title.setFocus()
            page.own_title.setText(row.title)
            QTest.keyClick(page.own_title, Qt.Key.Key_Return)
            settle(app)
        a = page.decision.appraisal
        cid = next(c.id for c in a.criteria if c.title == row.title) if row.title else row.id
        box = page.criteria.weights[cid]
        box.setFocus()
        box.selectAll()
        QTest.keyClicks(box, str(row.weight))
        QTest.keyClick(box, Qt.Key.Key_Return)  # as Tab does, it finishes the weight
        settle(app)
        if row.must_pass:
            page.criteria.must_pass[cid].click()
            settle(app)
    page.lock_button.click()
    settle(app)
    a = page.decision.appraisal
    assert a.weights_locked, "the weights did not lock"
    for r, row in enumerate(example.rows):
        assert a.criteria[r].weight == row.weight, (a.criteria[r].id, row.weight)
        for o, (score, evidence) in enumerate(row.cells):
            page.open_cell(r, o)
            dialog = page.score_dialog
            assert dialog is not None
            dialog.buttons[score].click()
            dialog.evidence.setPlainText(evidence)
            dialog.save_button.click()
            settle(app)
    table = page.long_list
    for i, entry in enumerate(example.long_list):
        table.add_button.click()
        table.cell(i, "name").setPlainText(entry.name)
        kept = table.cell(i, "kept")
        kept.setCurrentIndex(kept.findData("kept" if entry.kept else "dropped"))
        table.cell(i, "reason").setPlainText(entry.reason)
    page.save_long_list()
    settle(app)
    stored = service.get(d.id)
    assert stored.appraisal is not None and stored.appraisal.long_list == example.long_list
    return d.id


def main(argv: list[str]) -> None:  # pragma: no cover - a tool
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.application.bootstrap import open_service
    from desktop.domain.appraisal import appraisal_problems
    from desktop.ui.main_window import MainWindow
    from desktop.ui.theme import apply_theme

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    service = open_service(folder / "register.db", user="Head of Strategy")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    dialogs = Confirming()
    window = MainWindow(service, settings, dialogs)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    for example in EXAMPLES:
        decision_id = enter(app, window, service, example)
        d = service.get(decision_id)
        assert d.appraisal is not None
        print(example.slug, decision_id, "problems:", appraisal_problems(d.appraisal, d.options))
        (out / f"{example.slug}.json").write_text(service.export_bundle([decision_id]),
                                                 encoding="utf-8")
    print("asked:", dialogs.asked)
    window.close()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
