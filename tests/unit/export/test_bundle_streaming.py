"""export-json writes its bundle one decision at a time: the same bytes json.dumps gives for
the whole bundle, with memory that does not grow with the register (before: 615 MB peak for
the 10,000-decision register's 79 MB bundle; after: 27 MB, byte-identical).

`make test` compares 30 with 300 decisions (DC_EXPORT_SIZES); tests/stress/
test_bundle_round_trip.py checks the whole process's peak at 10,000 in `make stress`."""

from __future__ import annotations

import json
import os
import tracemalloc
from types import SimpleNamespace

from hypothesis import given, settings

from desktop.cli import main as cli
from desktop.export.bundle import bundle_dict, bundle_pieces
from tests.unit.export.test_bundle import bundle

SMALL, LARGE = (int(n) for n in os.environ.get("DC_EXPORT_SIZES", "30,300").split(","))


def _whole(service) -> str:
    """The bundle as the whole-register json.dumps wrote it before export streamed."""
    decisions = [service.get(i) for i in service.repo.all_ids()]
    return json.dumps(bundle_dict(decisions, service.call_in_days_for), ensure_ascii=False,
                      indent=2) + "\n"


@settings(max_examples=25)
@given(bundle)
def test_the_pieces_joined_are_json_s_own_text_for_any_text(fresh, data):
    service = fresh()
    service.import_bundle(json.dumps(data))
    assert "".join(service.export_bundle_pieces()) == _whole(service)


def test_no_decisions_and_one_decision_are_json_s_own_text(service):
    assert "".join(bundle_pieces([])) == json.dumps(bundle_dict([]), indent=2) + "\n"
    service.create("Close the Tuesday library\n\u2028 — “quoted” \\ back\\slash")
    assert "".join(service.export_bundle_pieces()) == _whole(service)


def _register(service, n, start=1):
    from bench import generate

    records = list(generate.records(n, 5, start=start))
    for start in range(0, n, 500):
        service.import_bundle(json.dumps({"format": "decision-checklist/1",
                                          "decisions": records[start:start + 500]}))


def _peak_of_export(service, path) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        assert cli.cmd_export_json(SimpleNamespace(ids=[], out=str(path)), service) == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_json_memory_stays_flat_as_the_register_grows(service, tmp_path):
    _register(service, SMALL)
    small_peak = _peak_of_export(service, tmp_path / "small.json")
    _register(service, LARGE - SMALL, start=SMALL + 1)
    large_peak = _peak_of_export(service, tmp_path / "large.json")
    text = (tmp_path / "large.json").read_text(encoding="utf-8")
    assert len(json.loads(text)["decisions"]) == LARGE
    assert text == _whole(service)
    # ten times the decisions, not ten times the memory (before: the whole bundle was built,
    # then its text, then its bytes: 12.2 MB against 1.3 MB); the ids named up front and the
    # bounded caches a longer run fills are all that grows
    assert large_peak < 2 * small_peak + 256 * 1024, (small_peak, large_peak)
