"""Checklists as data through the command line (PRODUCT.md, "Checklists"): a twelve-section
checklist written by hand from the schema imports; a decision answered against it imports,
reaches 12/12, prints all twelve and round-trips; a pack mixes it with the ten principles."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.cli import HAND_WRITTEN, answer, run, write_bundle

TWELVE = Path(__file__).resolve().parents[2] / "fixtures" / "checklist-twelve.json"
TWELVE_ID = "westmere-place-and-climate"
SECTIONS = [p["slug"] for p in json.loads(TWELVE.read_text(encoding="utf-8"))["principles"]]
DECISION_ID = "5d1c0e9a-2b3f-4c6d-8e7f-9a0b1c2d3e4f"


def twelve_bundle(**changes) -> dict:
    """A decision answered against the twelve-section checklist, every section complete."""
    answers = {slug: answer("green", f"Considered {slug}.") for slug in SECTIONS}
    answers["climate-emergency"] = answer(
        "amber", "Fleet emissions fall only from 2029.",
        actions=[{"action": "Electric fleet plan", "owner": "Climate Lead", "due": "2027-06-30"}])
    decision = {"id": DECISION_ID, "title": "Close the Eastgate depot",
                "proposal": "Move the depot's work to the Northbrook site.",
                "checklist": {"id": TWELVE_ID, "version": 1}, "answers": answers}
    decision.update(changes)
    return {"format": "decision-checklist/1", "decisions": [decision]}


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "decisions.db"
    assert run(capsys, "--db", path, "import", write_bundle(tmp_path / "ten.json",
                                                            HAND_WRITTEN))[0] == 0
    status, out, err = run(capsys, "--db", path, "checklist", "import", TWELVE)
    assert (status, err) == (0, "")
    assert out.startswith(f"{TWELVE_ID}\t1\t")
    return path


def test_a_register_lists_its_checklists_with_the_default(db, capsys):
    status, out, _ = run(capsys, "checklist", "list", "--db", db)
    assert status == 0
    assert [line.split("\t")[:4] for line in out.splitlines()] == [
        ["tizard-ten-principles", "1", "10", "default"],
        ["tizard-principles-and-statutory-duties", "1", "17", "-"], [TWELVE_ID, "1", "12", "-"]]
    listed = json.loads(run(capsys, "--db", db, "checklist", "list", "--json")[1])
    assert [(c["id"], c["sections"], c["default"], c["shipped"]) for c in listed] == [
        ("tizard-ten-principles", 10, True, True),
        ("tizard-principles-and-statutory-duties", 17, False, True),
        (TWELVE_ID, 12, False, False)]


def test_twelve_sections_import_complete_print_and_round_trip(db, tmp_path, capsys):
    status, _, err = run(capsys, "--db", db, "import",
                           write_bundle(tmp_path / "twelve.json", twelve_bundle()))
    assert (status, err) == (0, "")
    rows = {r["id"]: r for r in json.loads(run(capsys, "--db", db, "list", "--json")[1])}
    row = rows[DECISION_ID]
    assert (row["complete"], row["sections"], row["status"], row["overall_rating"]) == (
        12, 12, "ready", "amber")
    assert {r["sections"] for i, r in rows.items() if i != DECISION_ID} == {10}
    listed = [line.split("\t") for line in run(capsys, "--db", db, "list")[1].splitlines()]
    assert [r[5] for r in listed if r[0] == DECISION_ID] == ["12/12"]

    pdf = tmp_path / "twelve.pdf"
    assert run(capsys, "--db", db, "export", DECISION_ID, "--out", pdf)[0] == 0
    text = pdf_text(pdf)
    for n in range(1, 11):
        assert f"Principle {n} of 10, section {n} of 12" in text
    assert "Duty 1 of 2, section 11 of 12" in text and "Duty 2 of 2, section 12 of 12" in text
    assert "Climate emergency" in text and "Public sector equality duty" in text
    assert "12 of 12 sections complete" in text and "Summary of the ten principles and two duties" in text
    assert "Climate Lead" in text  # its own sign-off roles

    out_json = tmp_path / "out.json"
    assert run(capsys, "--db", db, "export-json", DECISION_ID, "--out", out_json)[0] == 0
    exported = json.loads(out_json.read_text(encoding="utf-8"))["decisions"][0]
    assert exported["checklist"] == {"id": TWELVE_ID, "version": 1}
    assert list(exported["answers"]) == SECTIONS  # in the checklist's order
    again = tmp_path / "again.db"  # an empty register first learns the checklist
    assert run(capsys, "--db", again, "import", out_json)[0] == 2
    assert run(capsys, "--db", again, "checklist", "import", TWELVE)[0] == 0
    assert run(capsys, "--db", again, "import", out_json)[0] == 0
    second = tmp_path / "second.json"
    assert run(capsys, "--db", again, "export-json", "--out", second)[0] == 0
    assert json.loads(second.read_text(encoding="utf-8")) == json.loads(
        out_json.read_text(encoding="utf-8"))


def test_a_pack_mixing_checklists_has_a_grid_for_each(db, tmp_path, capsys):
    run(capsys, "--db", db, "import", write_bundle(tmp_path / "twelve.json", twelve_bundle()))
    ids = [r["id"] for r in json.loads(run(capsys, "--db", db, "list", "--json")[1])]
    pack = tmp_path / "pack.pdf"
    status, _, err = run(capsys, "--db", db, "pack", *ids, "--out", pack)
    assert (status, err) == (0, "")
    reader = PdfReader(io.BytesIO(pack.read_bytes()))
    grid = next(" ".join(p.extract_text().split()) for p in reader.pages
                if "answered against two checklists" in p.extract_text())
    assert "Summary of decisions" in grid
    assert "Ten leadership principles for service delivery decisions (version 1): ten principles" \
        in grid
    assert "(version 1): ten principles and two duties" in grid
    assert "Each column is one section" in grid and "Each column is one principle" in grid
    assert "9 Climate emergency (principle); 10 Places and neighbourhoods (principle); " \
        "11 Public sector equality duty (duty)" in grid
    assert "2 Outcomes for communities; 3 Staff" in grid  # one kind: no word each


def test_an_unknown_section_or_checklist_is_refused_naming_the_key_path(db, tmp_path, capsys):
    before = run(capsys, "--db", db, "list")[1]
    bundle = twelve_bundle()
    bundle["decisions"][0]["answers"]["staff"] = answer("green", "A shipped slug, not its own.")
    status, _, err = run(capsys, "--db", db, "import", write_bundle(tmp_path / "b.json", bundle))
    assert status == 2
    assert err.startswith("error: decisions[0].answers.staff: 'staff' is not one of the "
                          "ten principles and two duties (values, residents, workforce,")
    unknown = twelve_bundle(checklist={"id": TWELVE_ID, "version": 2})
    status, _, err = run(capsys, "--db", db, "import", write_bundle(tmp_path / "c.json", unknown))
    assert status == 2
    assert err.startswith(f"error: decisions[0].checklist: checklist '{TWELVE_ID}' has no "
                          "version 2 in this register")
    assert run(capsys, "--db", db, "list")[1] == before  # nothing written


def test_a_bundle_without_a_checklist_uses_the_register_default(db, tmp_path, capsys):
    bundle = twelve_bundle()
    del bundle["decisions"][0]["checklist"]
    status, _, err = run(capsys, "--db", db, "import", write_bundle(tmp_path / "b.json", bundle))
    assert status == 2 and "is not one of the ten principles" in err  # the default: ten
    status, out, _ = run(capsys, "--db", db, "checklist", "default", TWELVE_ID)
    assert (status, out) == (0, f"{TWELVE_ID}\t1\n")
    assert run(capsys, "--db", db, "import", tmp_path / "b.json")[0] == 0
    listed = json.loads(run(capsys, "--db", db, "checklist", "list", "--json")[1])
    assert [c["id"] for c in listed if c["default"]] == [TWELVE_ID]
    history = run(capsys, "--db", db, "audit")[1]
    assert "Checklist default\ttizard-ten-principles\twestmere-place-and-climate" in history


def test_a_new_version_must_be_higher(db, tmp_path, capsys):
    data = json.loads(TWELVE.read_text(encoding="utf-8"))
    same = tmp_path / "same.json"
    same.write_text(json.dumps({**data, "title": "Reworded"}), encoding="utf-8")
    status, _, err = run(capsys, "--db", db, "checklist", "import", same)
    assert status == 2 and err.startswith("error: version: checklist "
                                          f"'{TWELVE_ID}' version 1 is not newer than version 1")
    newer = copy.deepcopy(data)
    newer["version"] = 2
    newer["principles"][8]["questions"].append("Which suppliers have net zero plans?")
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(newer, indent=2), encoding="utf-8")
    assert run(capsys, "--db", db, "checklist", "import", path)[0] == 0
    for version, wanted in ((1, TWELVE.read_text(encoding="utf-8")),
                            (2, path.read_text(encoding="utf-8"))):
        out = tmp_path / f"export-{version}.json"
        assert run(capsys, "--db", db, "checklist", "export", TWELVE_ID, "--version", version,
                   "--out", out)[0] == 0
        assert out.read_text(encoding="utf-8") == wanted  # exactly as imported
    newest = tmp_path / "newest.json"
    assert run(capsys, "--db", db, "checklist", "export", TWELVE_ID, "--out", newest)[0] == 0
    assert json.loads(newest.read_text(encoding="utf-8"))["version"] == 2


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda d: d["principles"][3].__setitem__("slug", "Service Users"), "principles[3].slug"),
    (lambda d: d["principles"][10].__setitem__("kind", "statute"), "principles[10].kind"),
    (lambda d: d["principles"][1]["questions"].clear(), "principles[1].questions"),
    (lambda d: d.pop("title"), "(top level)"),
])
def test_a_broken_checklist_is_refused_naming_the_json_path(db, tmp_path, capsys, mutate, path):
    data = json.loads(TWELVE.read_text(encoding="utf-8"))
    data["id"] = "broken"
    mutate(data)
    file = tmp_path / "broken.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    status, _, err = run(capsys, "--db", db, "checklist", "import", file)
    assert status == 2
    assert err.startswith(f"error: checklist {path}:") and err.count("\n") == 1
    listed = json.loads(run(capsys, "--db", db, "checklist", "list", "--json")[1])
    assert "broken" not in {c["id"] for c in listed}


def test_unknown_checklist_ids(db, tmp_path, capsys):
    status, _, err = run(capsys, "--db", db, "checklist", "default", "nope")
    assert status == 1 and "no checklist 'nope' in this register" in err
    status, _, err = run(capsys, "--db", db, "checklist", "export", TWELVE_ID, "--version", "3",
                         "--out", tmp_path / "x.json")
    assert status == 1 and "has no version 3" in err
    assert not (tmp_path / "x.json").exists()
