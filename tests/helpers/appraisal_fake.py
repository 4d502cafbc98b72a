"""An in-memory stand-in for the application's appraisal writes (the page's AppraisalWrites),
over the pure domain rules, and builders of appraised decisions for the window's tests and
screenshots (not a test module). `python -m tests.helpers.appraisal_fake [OPTIONS CRITERIA]`
shows the page with that many options and criteria, for tools/screenshot."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain import appraisal as rules
from desktop.domain.appraisal import Appraisal, Criterion, LongListEntry, Score
from desktop.domain.checklist import Checklist
from desktop.domain.decision import Decision, Option

STAMP = "2026-12-01T10:00:00.000000Z"
MODELS = ("in-house", "outsource", "shared-service", "social-sector", "co-production", "stop")
NAMES = ("Keep the service in-house", "Outsource to a national contractor",
         "Share with a neighbouring council", "Hand to a community trust",
         "Co-produce with the people who use it", "Stop the service after 2027")


class FakeAppraisals:
    """Holds decisions by id; each write applies the domain rule, as the service does,
    and counts itself in `writes` (name, arguments)."""

    def __init__(self, checklist: Checklist, *decisions: Decision, user: str = "A. Officer"
                 ) -> None:
        self.checklist = checklist
        self.records = {d.id: d for d in decisions}
        self.user = user
        self.writes: list[tuple[str, tuple[object, ...]]] = []

    def _change(self, name: str, decision: str, change, *args: object) -> Decision:
        self.writes.append((name, args))
        d = self.records[decision]
        assert d.appraisal is not None
        d = replace(d, appraisal=change(d, d.appraisal))
        self.records[decision] = d
        return d

    def start(self, decision: str) -> Decision:
        self.writes.append(("start", ()))
        d = replace(self.records[decision],
                    appraisal=Appraisal(criteria=rules.default_criteria(self.checklist)))
        self.records[decision] = d
        return d

    def set_criteria(self, decision: str, criteria: Sequence[Criterion]) -> Decision:
        return self._change("set_criteria", decision,
                            lambda _d, a: rules.with_criteria(a, criteria), tuple(criteria))

    def lock_weights(self, decision: str) -> Decision:
        return self._change("lock_weights", decision,
                            lambda _d, a: rules.lock_weights(a, STAMP, self.user))

    def change_weight(self, decision: str, criterion: str, weight: int) -> Decision:
        return self._change("change_weight", decision, lambda _d, a: rules.change_weight(
            a, criterion, weight, STAMP, self.user), criterion, weight)

    def score(self, decision: str, option: int, criterion: str, score: int,
              evidence: str = "") -> Decision:
        return self._change("score", decision, lambda d, a: rules.with_score(
            a, Score(option, criterion, score, evidence, self.user, STAMP), len(d.options)),
            option, criterion, score, evidence)

    def clear_score(self, decision: str, option: int, criterion: str) -> Decision:
        return self._change("clear_score", decision,
                            lambda _d, a: rules.without_score(a, option, criterion),
                            option, criterion)

    def set_rejected_text(self, decision: str, text: str) -> Decision:
        return self._change("set_rejected_text", decision,
                            lambda _d, a: rules.with_rejected_text(a, text), text)

    def set_long_list(self, decision: str, entries: Sequence[LongListEntry]) -> Decision:
        return self._change("set_long_list", decision,
                            lambda _d, a: rules.with_long_list(a, entries), tuple(entries))

    def remove(self, decision: str) -> Decision:
        self.writes.append(("remove", ()))
        d = replace(self.records[decision], appraisal=None)
        self.records[decision] = d
        return d


def options(n: int) -> tuple[Option, ...]:
    """n options (up to six): business as usual first, the fourth recommended."""
    return tuple(Option(NAMES[i], "recommended" if i == min(3, n - 1) else "rejected",
                        MODELS[i], "" if i == min(3, n - 1) else f"Reason {i + 1}.")
                 for i in range(n))


def criteria(checklist: Checklist, n: int) -> tuple[Criterion, ...]:
    """n criteria: the five critical success factors, up to three own, the rest sections."""
    own = tuple(Criterion(f"own-{k}", "custom", title) for k, title in enumerate(
        ("Social value and local jobs", "Carbon", "Staff terms and conditions"), start=1))
    own = own[:max(0, min(3, n - 5))]
    sections = tuple(Criterion(p.slug, p.kind, p.title) for p in checklist.principles)
    csf = tuple(rules.csf_criterion(cid) for cid, _ in rules.CRITICAL_SUCCESS_FACTORS)
    chosen = (*sections[:max(0, n - 5 - len(own))], *csf, *own)[:n]
    return tuple(replace(c, weight=5 + (7 * i) % 20, must_pass=i % 6 == 0)
                 for i, c in enumerate(chosen))


def appraised(checklist: Checklist, n_options: int = 6, n_criteria: int = 20, *,
              locked: bool = True, scored: bool = True) -> Decision:
    """A decision with an appraisal of that size, weighted, locked and scored (an option's
    scores a pattern that leaves a clear leader and one must-pass fail)."""
    crit = criteria(checklist, n_criteria)
    a = Appraisal(criteria=crit)
    if locked:
        a = rules.lock_weights(a, STAMP, "A. Officer")
    if locked and scored:
        for o in range(n_options):
            for i, c in enumerate(crit):
                value = 3 + i % 2 if o == 3 else (o * 3 + i * 2) % 5
                if c.must_pass:  # option 2 alone fails the first must-pass criterion
                    value = 0 if (o, i) == (1, 0) else max(value, 1)
                a = rules.with_score(a, Score(o, c.id, value, f"Evidence {o + 1}/{i + 1}.",
                                              "A. Officer", STAMP), n_options)
    return Decision(id="d1", title="Future of the library service", options=options(n_options),
                    appraisal=a)


def main(argv: list[str]) -> None:  # pragma: no cover - for tools/screenshot
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMainWindow, QWidget

    from desktop import paths
    from desktop.domain.checklist import load_checklist
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.editor.appraisal_page import PAGE_WIDTH, AppraisalPage
    from desktop.ui.theme import apply_theme
    from desktop.ui.widgets import scroll_page

    n_options, n_criteria = (int(argv[0]), int(argv[1])) if len(argv) > 1 else (6, 20)
    app = QApplication([])
    apply_theme(app)
    statutory = load_checklist(paths.resource("checklist-statutory.json"),
                               paths.checklist_schema_path())
    d = appraised(statutory if n_criteria > 15 else load_shipped_checklist(), n_options,
                  n_criteria, locked="unlocked" not in argv)
    page = AppraisalPage(FakeAppraisals(statutory, d), Dialogs())
    page.load(d)
    window = QMainWindow()
    area = scroll_page(page)
    page.setMaximumWidth(PAGE_WIDTH)
    # As in the editor: the task list (320 px at 1280) on the left of the page.
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    side = QLabel("(task list)")
    side.setFixedWidth(320 if "wide" in argv else 240)
    row.addWidget(side)
    row.addWidget(area, 1)
    window.setCentralWidget(holder)
    window.showMaximized()
    from PySide6.QtCore import QTimer

    def scroll() -> None:
        for word, widget in (("scores", page.matrix), ("results", page.results),
                             ("rejected", page.rejected)):
            if word in argv:
                widget.setFocus()
                top = widget.mapTo(area.widget(), widget.rect().topLeft()).y()
                area.verticalScrollBar().setValue(top - 60)
        if "cell" in argv:
            page.open_cell(1, 1)

    QTimer.singleShot(500, scroll)
    app.exec()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
