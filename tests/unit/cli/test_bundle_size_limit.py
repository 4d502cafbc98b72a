"""export-json never writes a bundle that import refuses, and a bundle far over the 64 MB cap
on other files round-trips (PRODUCT.md: importing an exported bundle into an empty database
and exporting again gives the same content).

The reduced form of tests/stress/test_bundle_round_trip.py: here the caps are patched down to
the size of a small bundle, so export and import are checked to agree on the exact byte."""

from __future__ import annotations

import pytest

from desktop.application import userfiles
from tests.helpers.cli import HAND_WRITTEN, run, write_bundle


@pytest.fixture
def exported(tmp_path, capsys) -> bytes:
    """The bytes export-json writes for a register holding the hand-written bundle."""
    source = write_bundle(tmp_path / "hand.json", HAND_WRITTEN)
    assert run(capsys, "--db", tmp_path / "a.db", "import", source)[0] == 0
    assert run(capsys, "--db", tmp_path / "a.db", "export-json", "--out",
               tmp_path / "a.json")[0] == 0
    return (tmp_path / "a.json").read_bytes()


def test_a_bundle_at_the_bundle_cap_and_over_the_file_cap_round_trips(tmp_path, capsys,
                                                                      monkeypatch, exported):
    # other files stay capped far below the bundle: the bundle cap alone decides
    monkeypatch.setattr(userfiles, "MAX_INPUT_BYTES", len(exported) // 8)
    monkeypatch.setattr(userfiles, "MAX_BUNDLE_BYTES", len(exported))
    assert run(capsys, "--db", tmp_path / "a.db", "export-json", "--out",
               tmp_path / "at-cap.json") == (0, "", "")
    assert (tmp_path / "at-cap.json").read_bytes() == exported
    status, out, err = run(capsys, "--db", tmp_path / "b.db", "import", tmp_path / "at-cap.json")
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == len(HAND_WRITTEN["decisions"])
    assert run(capsys, "--db", tmp_path / "b.db", "export-json", "--out",
               tmp_path / "b.json")[0] == 0
    assert (tmp_path / "b.json").read_bytes() == exported


def test_export_refuses_a_bundle_import_would_refuse_before_writing_anything(
        tmp_path, capsys, monkeypatch, exported):
    cap = len(exported) - 1
    monkeypatch.setattr(userfiles, "MAX_BUNDLE_BYTES", cap)
    out = tmp_path / "over.json"
    status, printed, err = run(capsys, "--db", tmp_path / "a.db", "export-json", "--out", out)
    assert (status, printed) == (2, "")
    assert err == (f"error: cannot write {out}: the bundle would be {len(exported):,} bytes, "
                   f"larger than {cap:,} bytes, the most import reads; export fewer decisions "
                   "at a time (name their ids)\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("over", ".over"))
                  ) == []
    # and import draws the line at the same byte
    status, printed, err = run(capsys, "--db", tmp_path / "c.db", "import", tmp_path / "a.json")
    assert (status, printed) == (2, "")
    assert err == (f"error: {tmp_path / 'a.json'}: is larger than {cap:,} bytes (it is "
                   f"{len(exported):,} bytes), the most this program reads\n")
    assert not (tmp_path / "c.db").exists()


def test_export_refuses_without_touching_a_file_already_there(tmp_path, capsys, monkeypatch,
                                                             exported):
    monkeypatch.setattr(userfiles, "MAX_BUNDLE_BYTES", len(exported) - 1)
    out = tmp_path / "earlier.json"
    out.write_bytes(b"an earlier export")
    assert run(capsys, "--db", tmp_path / "a.db", "export-json", "--out", out)[0] == 2
    assert out.read_bytes() == b"an earlier export"
