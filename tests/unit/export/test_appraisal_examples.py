"""The three real-world appraisals of issue 16, entered in the window
(tests/helpers/appraisal_enter.py) and kept as bundles: each imports into a fresh register,
exports again byte for byte, and prints its appraisal, long list and annex."""

from __future__ import annotations

import json

import pytest

from desktop.application.printing import print_record
from desktop.export.pdf import render_record
from tests.helpers.appraisal_examples import EXAMPLES
from tests.helpers.cli import ROOT
from tests.helpers.pdf import page_texts

FOLDER = ROOT / "tests" / "fixtures" / "appraisal-examples"

# What each prints: the option ranked first, its total, and the sensitivity's verdict.
EXPECTED = {
    "barnet-capita-review": ("1st of 3", "77.9%", "Robust: no change to any one weight"),
    "library-service-options": ("4th of 4, failed", "85.2%", "Robust: no change"),
    "highways-maintenance": ("2nd of 2", "69.6%", "Not robust: raising Be radical from 1 to 7"),
}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_each_example_imports_round_trips_and_prints(fresh, example) -> None:
    text = (FOLDER / f"{example.slug}.json").read_text(encoding="utf-8")
    service = fresh()
    [d] = service.import_bundle(text)
    assert service.export_bundle() == text
    rec = json.loads(text)["decisions"][0]
    assert rec["title"] == example.title
    assert [e["name"] for e in rec["appraisal"]["long_list"]] == [
        e.name for e in example.long_list]
    assert len(rec["appraisal"]["scores"]) == len(example.options) * len(example.rows)
    pages = page_texts(render_record(print_record(service, d.id)).pdf)
    whole = " ".join(pages)
    rank, total, verdict = EXPECTED[example.slug]
    assert f"Long list: {len(example.long_list)} options considered; kept: " in whole
    assert rank in whole and total in whole and verdict in whole
    annex = next(i for i, t in enumerate(pages) if "Annex: evidence for the options" in t)
    rest = " ".join(pages[annex:])
    last = example.rows[-1]
    assert last.cells[-1][1].split(" (")[0][:40] in rest  # the last cell's evidence
    assert "Head of Strategy" in rest
