"""A whole register round-trips through export-json and import, as real processes: importing
the exported bundle into an empty database and exporting again gives the same bytes
(PRODUCT.md), import's peak memory stays within 10x the bundle (it reads it whole), and
export's holds no bundle at all (it writes one decision at a time).

`make stress` does it with 10,000 decisions (DC_BUNDLE_DECISIONS=10000): a bundle of about
79 MB, over the 64 MB cap on other files, which import once refused. `make test` does it with
200; tests/unit/cli/test_bundle_size_limit.py checks export and import agree on the cap.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.application import userfiles
from tests.helpers.measured_run import main_py_measured

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="POSIX only (wait4)")
DECISIONS = int(os.environ.get("DC_BUNDLE_DECISIONS", "200"))
TIMEOUT = 900  # seconds a run may take: 10,000 decisions import in ~20 s on an idle machine
_BASE_BYTES = 150 * 2**20  # the interpreter, Qt-free imports and SQLite, before any bundle


def _run(folder: Path, *argv) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, its own peak resident bytes) of one run of main.py."""
    status, out, err, peak_kb = main_py_measured(folder, *argv, timeout=TIMEOUT, cwd=folder,
                                                 own_peak=True)
    return status, out, err, peak_kb * 1024


@pytest.mark.timeout(4 * TIMEOUT)
def test_a_whole_register_round_trips_through_export_json_and_import(tmp_path, note):
    from bench import generate

    generate.build_register(tmp_path / "source.db", DECISIONS)
    first = tmp_path / "first.json"
    status, _, err, export_peak = _run(tmp_path, "--db", tmp_path / "source.db", "export-json",
                                       "--out", first)
    assert (status, err) == (0, "")
    size = first.stat().st_size
    assert export_peak < _BASE_BYTES  # written a decision at a time: the bundle is never held
    if DECISIONS >= 10_000:  # the size the black-box tester's import refused
        assert size > userfiles.MAX_INPUT_BYTES

    status, out, err, import_peak = _run(tmp_path, "--db", tmp_path / "copy.db", "import", first)
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == DECISIONS
    assert import_peak < 10 * size + _BASE_BYTES

    again = tmp_path / "again.json"
    status, _, err, _ = _run(tmp_path, "--db", tmp_path / "copy.db", "export-json", "--out",
                             again)
    assert (status, err) == (0, "")
    assert again.read_bytes() == first.read_bytes()
    note(f"bundle round trip, {DECISIONS:,} decisions",
         f"{size / 2**20:,.1f} MiB; peak RSS export {export_peak / 2**20:,.0f} MiB, "
         f"import {import_peak / 2**20:,.0f} MiB ({import_peak / size:.1f}x the bundle)")
