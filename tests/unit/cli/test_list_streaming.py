"""`list --json` streams: its memory does not grow with the register.

`make test` compares 300 with 3,000 decisions; `make stress` 10,000 with 100,000
(DC_LIST_SIZES=10000,100000).
"""

from __future__ import annotations

import json
import os
import sys
import tracemalloc
from types import SimpleNamespace

from desktop.cli import main as cli

SMALL, LARGE = (int(n) for n in os.environ.get("DC_LIST_SIZES", "300,3000").split(","))


def _register(service, n):
    from bench import generate

    # minimal records: the size of each row is not what is measured
    records = [{"title": r["title"], "proposal": "", "reference": r.get("reference", "")}
               for r in generate.records(n, 5, start=1)]
    for start in range(0, n, 5000):
        service.import_bundle(json.dumps({"format": "decision-checklist/1",
                                          "decisions": records[start:start + 5000]}))


def _peak_of_list(service, monkeypatch, path) -> tuple[int, str]:
    with open(path, "w", encoding="utf-8") as out:  # a file: its buffer does not grow
        monkeypatch.setattr(sys, "stdout", out)
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            assert cli.cmd_list(SimpleNamespace(json=True), service) == 0
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            monkeypatch.undo()
    return peak, path.read_text(encoding="utf-8")


def test_list_json_memory_stays_flat_as_the_register_grows(service, monkeypatch, tmp_path):
    _register(service, SMALL)
    small_peak, small_text = _peak_of_list(service, monkeypatch, tmp_path / "small.json")
    assert len(json.loads(small_text)) == SMALL
    _register(service, LARGE - SMALL)
    large_peak, large_text = _peak_of_list(service, monkeypatch, tmp_path / "large.json")
    rows = json.loads(large_text)
    assert len(rows) == LARGE
    assert large_text == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    # ten times the rows, not ten times the memory (before: the whole list was built)
    assert large_peak < 2 * small_peak + 256 * 1024, (small_peak, large_peak)
