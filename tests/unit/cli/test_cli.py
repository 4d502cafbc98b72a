"""The command line: import, list, export-json, --db anywhere, exit codes, no tracebacks."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.helpers.cli import EXPECTED, HAND_WRITTEN, answer, main_py, run, write_bundle


@pytest.fixture
def hand(tmp_path) -> Path:
    return write_bundle(tmp_path / "hand.json", HAND_WRITTEN)


def test_hand_written_bundle_imports_complete_with_the_right_rating(tmp_path, capsys, hand):
    db = tmp_path / "a.db"
    status, out, err = run(capsys, "--db", db, "import", hand)
    assert (status, err) == (0, "")
    lines = [line.split("\t") for line in out.splitlines()]
    assert [t for _, t in lines] == [d["title"] for d in HAND_WRITTEN["decisions"]]
    assert lines[0][0] == "0b5e7f44-3c1d-4a8e-9f2b-6d4c3a2b1e01"
    assert uuid.UUID(lines[1][0])

    status, out, err = run(capsys, "list", "--json", "--db", db)
    assert status == 0
    rows = json.loads(out)
    assert {r["title"]: (r["complete"], r["overall_rating"], r["status"]) for r in rows} == EXPECTED
    for r in rows:
        assert {"id", "reference", "title", "status", "version", "complete",
                "overall_rating"} <= set(r)
        assert r["version"] == 1
    assert [r["reference"] for r in rows if r["title"].startswith("Hand")] == ["CAB/2026/031"]


def test_hand_written_bundle_exports_and_reimports_identically(tmp_path, capsys, hand):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    e1, e2 = tmp_path / "e1.json", tmp_path / "e2.json"
    assert run(capsys, "--db", a, "import", hand)[0] == 0
    assert run(capsys, "export-json", "--out", e1, "--db", a)[0] == 0
    assert run(capsys, "import", e1, "--db", b)[0] == 0
    assert run(capsys, "--db", b, "export-json", "--out", e2)[0] == 0
    assert e1.read_bytes() == e2.read_bytes()
    exported = json.loads(e1.read_text(encoding="utf-8"))["decisions"]
    lib = next(d for d in exported if d["reference"] == "CAB/2026/031")
    given = HAND_WRITTEN["decisions"][0]
    for key in ("title", "proposal", "reasons", "conflicts_of_interest", "meeting_date"):
        assert lib[key] == given[key]
    assert lib["answers"]["long-term"]["actions"] == given["answers"]["long-term"]["actions"]
    assert lib["options"][2] == {"name": "Community trust", "status": "recommended",
                                 "delivery_model": "social-sector", "reason": ""}
    # the same list in both databases
    assert run(capsys, "--db", a, "list", "--json")[1] == run(capsys, "--db", b, "list",
                                                              "--json")[1]


@pytest.mark.parametrize("form", ["before", "after", "equals-before", "equals-after"])
def test_db_option_before_or_after_the_subcommand(tmp_path, capsys, hand, form):
    db = tmp_path / "x.db"
    run(capsys, "--db", db, "import", hand)
    argv = {
        "before": ["--db", db, "list", "--json"],
        "after": ["list", "--json", "--db", db],
        "equals-before": [f"--db={db}", "list", "--json"],
        "equals-after": ["list", f"--db={db}", "--json"],
    }[form]
    status, out, _ = run(capsys, *argv)
    assert status == 0 and len(json.loads(out)) == 3


def test_list_text_columns(tmp_path, capsys, hand):
    db = tmp_path / "x.db"
    run(capsys, "--db", db, "import", hand)
    status, out, _ = run(capsys, "--db", db, "list")
    assert status == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert len(lines) == 3 and all(len(cols) == 7 for cols in lines)
    lib = next(cols for cols in lines if cols[1] == "CAB/2026/031")
    assert lib[2:] == ["Hand the library service to a community trust", "ready", "1", "10/10",
                       "red"]
    assert all(cols[1] == "-" for cols in lines if cols is not lib)


def test_list_of_an_empty_database(tmp_path, capsys):
    from desktop.application.bootstrap import open_service

    open_service(tmp_path / "new.db").db.close()
    status, out, err = run(capsys, "--db", tmp_path / "new.db", "list", "--json")
    assert (status, json.loads(out), err) == (0, [], "")
    assert run(capsys, "--db", tmp_path / "new.db", "list")[1] == ""


def test_a_mistyped_db_path_is_not_created(tmp_path, capsys):
    missing = tmp_path / "typo.db"
    status, _out, err = run(capsys, "--db", missing, "list")
    assert status == 1
    assert err.strip() == f"error: no database at {missing}"
    assert not missing.exists()


def test_list_json_of_a_partial_decision(tmp_path, capsys):
    f = write_bundle(tmp_path / "p.json", {"format": "decision-checklist/1", "decisions": [
        {"title": "Half", "proposal": "p",
         "answers": {"staff": answer("red", "No actions yet"), "users": answer("green", "ok")}},
        {"title": "Nothing yet", "proposal": ""}]})
    db = tmp_path / "x.db"
    run(capsys, "--db", db, "import", f)
    rows = {r["title"]: r for r in json.loads(run(capsys, "--db", db, "list", "--json")[1])}
    assert (rows["Half"]["complete"], rows["Half"]["overall_rating"]) == (1, "red")
    assert (rows["Nothing yet"]["complete"], rows["Nothing yet"]["overall_rating"]) == (0, None)
    assert rows["Half"]["status"] == "draft" and rows["Half"]["reference"] == ""


def test_export_json_of_chosen_ids(tmp_path, capsys, hand):
    db, out = tmp_path / "x.db", tmp_path / "one.json"
    run(capsys, "--db", db, "import", hand)
    status, _, err = run(capsys, "--db", db, "export-json", "0b5e7f44", "--out", out)
    assert (status, err) == (0, "")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["reference"] for d in data["decisions"]] == ["CAB/2026/031"]


def test_export_json_of_an_unknown_id_is_not_found(tmp_path, capsys, hand):
    db, out = tmp_path / "x.db", tmp_path / "none.json"
    run(capsys, "--db", db, "import", hand)
    status, stdout, err = run(capsys, "--db", db, "export-json",
                              "99999999-9999-4999-8999-999999999999", "--out", out)
    assert status == 1 and stdout == ""
    assert err.count("\n") == 1 and "no decision" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["export-json"],  # --out is required
        ["import"],  # FILE is required
        ["list", "--colour"],
        ["--db"],
        ["import", "missing.json"],
        ["import", "."],
        ["export-json", "--out", "no-such-folder/x.json"],
        ["export-json", "--out", "."],
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    if argv != ["--db"]:
        from desktop.application.bootstrap import open_service

        open_service(tmp_path / "x.db").db.close()
        argv = ["--db", str(tmp_path / "x.db"), *argv]
    status, out, err = run(capsys, *argv)
    assert status == 2, err
    assert out == ""
    assert err.count("\n") == 1 and err.strip()


def test_import_prints_nothing_and_writes_nothing_on_error(tmp_path, capsys, hand):
    db = tmp_path / "x.db"
    run(capsys, "--db", db, "import", hand)
    status, out, err = run(capsys, "--db", db, "import", hand)  # same ids again
    assert status == 2 and out == ""
    assert "decisions[0].id: a decision with id 0b5e7f44-3c1d-4a8e-9f2b-6d4c3a2b1e01 already" in err
    assert len(json.loads(run(capsys, "--db", db, "list", "--json")[1])) == 3


# ---- a few real processes: what a clerk or a script actually runs -------------------------------


def test_processes_import_list_export(tmp_path, hand):
    db = tmp_path / "p.db"
    r = main_py("import", hand, "--db", db, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, "")
    assert len(r.stdout.splitlines()) == 3
    r = main_py("--db", db, "list", "--json", cwd=tmp_path)
    assert r.returncode == 0
    assert {x["title"]: (x["complete"], x["overall_rating"], x["status"])
            for x in json.loads(r.stdout)} == EXPECTED
    r = main_py("--db", db, "export-json", "--out", tmp_path / "out.json", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "out.json").exists()


def test_process_bad_bundle_exits_2_without_traceback(tmp_path):
    bad = json.loads(json.dumps(HAND_WRITTEN))
    bad["decisions"][1]["answers"]["staff"]["rating"] = "purple"
    f = write_bundle(tmp_path / "bad.json", bad)
    r = main_py("--db", tmp_path / "p.db", "import", f, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == ("error: decisions[1].answers.staff.rating: 'purple' is not one of "
                        "green, amber, red, not-applicable\n")


def test_process_refuses_a_file_that_is_not_a_database(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    r = main_py("list", "--db", notes, cwd=tmp_path)
    assert r.returncode == 1
    assert "is not a database" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1
    assert notes.read_text(encoding="utf-8") == "not a database\n"


def test_process_usage_error_and_version(tmp_path):
    r = main_py("list", "--nope", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    r = main_py("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("decision-checklist ")
