"""Numbers and dates at the edge of what a computer holds end in a one-line refusal or a
record that prints, never a traceback: a checklist version of 2**63, a decision dated
31 December 9999, a call-in period of 99999999 days written into the register."""

from __future__ import annotations

import json
import sqlite3

import pytest

from desktop.application.bootstrap import load_shipped_checklist
from tests.helpers.cli import run, write_bundle


@pytest.mark.parametrize("version", [2**31, 2**63, 10**30])
def test_a_checklist_version_too_big_is_refused(tmp_path, capsys, version):
    data = json.loads(load_shipped_checklist().raw_json)
    data.update(id="big", version=version)
    f = tmp_path / "big.json"
    f.write_text(json.dumps(data))
    status, _, err = run(capsys, "--db", tmp_path / "d.db", "checklist", "import", f)
    assert status == 2, err
    assert "version" in err and str(2**31 - 1) in err
    assert len(err.strip().splitlines()) == 1


def test_the_biggest_checklist_version_imports_and_exports(tmp_path, capsys):
    data = json.loads(load_shipped_checklist().raw_json)
    data.update(id="big", version=2**31 - 1)
    f = tmp_path / "big.json"
    f.write_text(json.dumps(data))
    db = tmp_path / "d.db"
    assert run(capsys, "--db", db, "checklist", "import", f)[0] == 0
    out = tmp_path / "out.json"
    assert run(capsys, "--db", db, "checklist", "export", "big", "--version", 2**31 - 1,
               "--out", out)[0] == 0


def _bundle(tmp_path, example_bundle_text, **changes):
    data = json.loads(example_bundle_text)
    data["decisions"][0].update(changes)
    return write_bundle(tmp_path / "b.json", data)


def test_a_decision_dated_at_the_end_of_the_calendar_exports(tmp_path, capsys,
                                                              example_bundle_text):
    db = tmp_path / "d.db"
    bundle = _bundle(tmp_path, example_bundle_text, decision_date="9999-12-31",
                     publication_date="9999-12-31")
    status, _, err = run(capsys, "--db", db, "import", bundle)
    assert status == 0, err
    decision_id = json.loads(example_bundle_text)["decisions"][0]["id"]
    assert run(capsys, "--db", db, "export", decision_id, "--out", tmp_path / "r.pdf")[0] == 0
    assert run(capsys, "--db", db, "export-json", decision_id, "--out", tmp_path / "o.json"
               )[0] == 0
    assert json.loads((tmp_path / "o.json").read_text())["decisions"][0].get("call_in_end") is None


def test_a_call_in_period_out_of_range_in_the_register_reads_as_the_default(
        tmp_path, capsys, example_bundle_text):
    db = tmp_path / "d.db"
    bundle = _bundle(tmp_path, example_bundle_text, decision_date="2026-11-18",
                     publication_date="2026-11-20")
    assert run(capsys, "--db", db, "import", bundle)[0] == 0
    conn = sqlite3.connect(db)
    conn.execute("INSERT OR REPLACE INTO register_settings (key, value) VALUES "
                 "('call_in_days', '99999999')")
    conn.commit()
    conn.close()
    decision_id = json.loads(example_bundle_text)["decisions"][0]["id"]
    status, out, err = run(capsys, "--db", db, "export-json", decision_id, "--out",
                           tmp_path / "o.json")
    assert status == 0, err
    exported = json.loads((tmp_path / "o.json").read_text())["decisions"][0]
    assert exported["call_in_end"] == "2026-11-27"
    assert run(capsys, "--db", db, "export", decision_id, "--out", tmp_path / "r.pdf")[0] == 0
    status, out, err = run(capsys, "--db", db, "audit", "--check")
    assert status != 0 and "call-in period was set to '99999999' outside the app" in out + err


@pytest.mark.parametrize(("changes", "path", "message"), [
    ({"forward_plan_notice_date": "2026-11-19", "decision_date": "2026-11-18"},
     "decisions[0].forward_plan_notice_date", "on or before the decision date"),
    ({"decision_date": "2026-11-18", "publication_date": "2026-11-17"},
     "decisions[0].publication_date", "on or after the decision date"),
    ({"meeting_date": "2026-11-18", "publication_date": "2026-11-01"},
     "decisions[0].publication_date", "on or after the meeting date"),
])
def test_timeline_dates_out_of_order_are_refused_at_import(tmp_path, capsys,
                                                           example_bundle_text, changes,
                                                           path, message):
    bundle = _bundle(tmp_path, example_bundle_text, **changes)
    status, _, err = run(capsys, "--db", tmp_path / "d.db", "import", bundle)
    assert status == 2, err
    assert path in err and message in err


@pytest.mark.parametrize("blank", ["", "  ", "\n\t"])
def test_a_blank_recommendation_is_refused_at_import(tmp_path, capsys, example_bundle_text,
                                                     blank):
    bundle = _bundle(tmp_path, example_bundle_text, recommendations=["Agree", blank])
    status, _, err = run(capsys, "--db", tmp_path / "d.db", "import", bundle)
    assert status == 2, err
    assert "decisions[0].recommendations[1]" in err and "blank" in err


def test_blank_recommendations_are_dropped_on_save(service):
    d = service.create("Recommend", proposal="P")
    saved = service.update(d.id, recommendations=("", "Agree the plan", "  ", "Note it"))
    assert saved.recommendations == ("Agree the plan", "Note it")
