"""An issue-16 example typed into the real window's appraisal page (as
tests/helpers/appraisal_enter.py typed all three) gives the appraisal kept in its bundle."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication

from tests.helpers.appraisal_enter import enter
from tests.helpers.appraisal_examples import HIGHWAYS
from tests.helpers.cli import ROOT

KEPT = ROOT / "tests" / "fixtures" / "appraisal-examples" / "highways-maintenance.json"


def content(bundle: str) -> dict:
    """The appraisal as typed: criteria, each cell's score and evidence, the long list, and
    the options (who scored when, and the lock's moment, left out)."""
    rec = json.loads(bundle)["decisions"][0]
    a = rec["appraisal"]
    return {"criteria": a["criteria"], "long_list": a["long_list"],
            "scores": [(s["option"], s["criterion"], s["score"], s["evidence"])
                       for s in a["scores"]],
            "options": rec["options"]}


def test_the_highways_example_typed_in_the_window_is_the_kept_bundle(window, service,
                                                                      dialogs) -> None:
    decision_id = enter(QApplication.instance(), window, service, HIGHWAYS)
    assert not [c for c in dialogs.calls if c[0] == "error"]
    assert ("confirm", "Lock the weights?") in [c[:2] for c in dialogs.calls]
    typed = content(service.export_bundle([decision_id]))
    assert typed == content(KEPT.read_text(encoding="utf-8"))
    d = service.get(decision_id)
    assert d.appraisal.weights_locked and len(d.appraisal.scores) == 2 * len(HIGHWAYS.rows)
