"""The whole window at a record's options appraisal, for tools/screenshot (not a test module):
`python -m tests.helpers.appraisal_window [OPTIONS CRITERIA] [scores|results|task]`. The
record (on a temporary database, the statutory checklist) is entered through
DecisionService.appraisals, as the page enters it."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> None:  # pragma: no cover - for tools/screenshot
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.application.bootstrap import open_service
    from desktop.domain.appraisal import LongListEntry
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.main_window import MainWindow
    from desktop.ui.theme import apply_theme
    from tests.helpers.appraisal_fake import appraised

    numbers = [int(a) for a in argv if a.isdigit()]
    n_options, n_criteria = (numbers[0], numbers[1]) if len(numbers) > 1 else (6, 20)
    folder = Path(tempfile.mkdtemp())
    service = open_service(folder / "register.db", user="A. Officer")
    statutory = service.checklists.find("tizard-principles-and-statutory-duties")  # shipped
    model = appraised(statutory, n_options, n_criteria)
    d = service.create(model.title, checklist=statutory, options=model.options)
    assert model.appraisal is not None
    a = model.appraisal
    service.appraisals.start(d.id, a.criteria)
    service.appraisals.lock_weights(d.id)
    for s in a.scores:
        service.appraisals.score(d.id, s.option, s.criterion, s.score, s.evidence)
    service.appraisals.set_long_list(d.id, [
        LongListEntry(o.name, True, "Shortlisted.") for o in model.options] + [
        LongListEntry("Outsource to a commercial operator", False,
                      "Only one operator answered the market notice, and surpluses would "
                      "leave the county.")])

    app = QApplication([])
    apply_theme(app)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(service, settings, Dialogs())
    window.restore_state()
    window.showMaximized()

    def at_the_page() -> None:
        window.open_decision(d.id, 0)  # its pages follow its checklist: then the appraisal's
        window.editor.go_to(window.editor.appraisal_page)
        page = window.editor.appraisal
        area = window.editor.scrolls[window.editor.appraisal_page]
        for word, widget in (("scores", page.matrix), ("results", page.results),
                             ("criteria", page.criteria), ("remove", page.rejected)):
            if word in argv:
                widget.setFocus()
                top = widget.mapTo(area.widget(), widget.rect().topLeft()).y()
                area.verticalScrollBar().setValue(top - 40)
        if "cell" in argv:
            page.matrix.setFocus()
            page.open_cell(1, 1)

    QTimer.singleShot(300, at_the_page)
    app.exec()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
