"""A decision imported at version 2 or later (a bundle carries the current version only)
prints, packs, verifies, lists and exports again, saying that its earlier versions are not
held here, never that it amends a version this register has not got."""

from __future__ import annotations

import json
import re

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.held_versions import HeldVersions
from tests.helpers.cli import run
from tests.helpers.imported import CASES, later_version_bundle
from tests.helpers.pdf import page_texts

NOTICE = re.compile(r"Version (\d+)\. Earlier versions are not held in this register: it was "
                    r"imported from a bundle on \d{1,2} [A-Z][a-z]+ \d{4}\.")


@pytest.fixture(params=CASES, ids=[f"v{v}-{'signed' if s else 'draft'}" for v, s in CASES])
def imported(request, service, tmp_path, capsys):
    """(register path, decision id, version, signed?, the bundle imported) on a new register."""
    version, signed = request.param
    text, did = later_version_bundle(service, version, signed)
    bundle = tmp_path / "elsewhere.json"
    bundle.write_text(text, encoding="utf-8")
    db = tmp_path / "here.db"
    status, out, err = run(capsys, "--db", db, "import", bundle)
    assert (status, err) == (0, "") and out.startswith(did)
    return db, did, version, signed, json.loads(text)


def test_the_pdf_prints_that_earlier_versions_are_not_held(imported, tmp_path, capsys):
    db, did, version, _signed, _ = imported
    out = tmp_path / "record.pdf"
    status, _, err = run(capsys, "--db", db, "export", did, "--out", out)
    assert (status, err) == (0, "")
    cover = page_texts(out.read_bytes())[0]
    found = NOTICE.search(cover)
    assert found and found.group(1) == str(version)
    assert "Earlier versions" in cover and "Changes since version" not in cover
    assert "amends" not in cover


def test_the_pack_prints_it_too(imported, tmp_path, capsys):
    db, did, version, _signed, _ = imported
    out = tmp_path / "pack.pdf"
    status, _, err = run(capsys, "--db", db, "pack", did, "--out", out)
    assert (status, err) == (0, "")
    found = [m.group(1) for page in page_texts(out.read_bytes()) for m in NOTICE.finditer(page)]
    assert found == [str(version)]


def test_verify_matches_the_printed_copy_and_says_what_is_not_held(imported, tmp_path, capsys):
    db, did, version, signed, _ = imported
    pdf = tmp_path / "record.pdf"
    assert run(capsys, "--db", db, "export", did, "--out", pdf)[0] == 0
    status, out, _ = run(capsys, "--db", db, "verify", pdf)
    lines = out.splitlines()
    assert status == 0 and lines[0].startswith("MATCH: ")
    assert f"is version {version} of" in lines[0] and "the current version" in lines[0]
    assert any(NOTICE.fullmatch(line) for line in lines)
    assert "Amended on" not in out
    assert ("Sign-offs: signed elsewhere, imported on" in out) == signed


def test_verify_says_superseded_once_amended_here_and_names_only_what_is_held(
        imported, tmp_path, capsys):
    db, did, version, signed, _ = imported
    if not signed:
        pytest.skip("only a signed-off version can be amended")
    pdf = tmp_path / "record.pdf"
    assert run(capsys, "--db", db, "export", did, "--out", pdf)[0] == 0
    assert run(capsys, "--db", db, "amend", did, "--reason", "New costs")[0] == 0
    status, out, _ = run(capsys, "--db", db, "verify", pdf)
    assert status == 3 and out.startswith("SUPERSEDED: ")
    assert f"version {version + 1} is now current" in out.splitlines()[0]
    assert f"(version {version + 1}): New costs" in out
    assert any(NOTICE.fullmatch(line) for line in out.splitlines())
    # the new version amends the imported one, which is held: its reason prints, no notice
    new = tmp_path / "new.pdf"
    assert run(capsys, "--db", db, "export", did, "--out", new)[0] == 0
    cover = page_texts(new.read_bytes())[0]
    assert "Reason for this amendment New costs" in cover
    assert not NOTICE.search(cover) and "Earlier versions" not in cover


def test_list_and_history_show_the_version_imported(imported, capsys):
    db, did, version, signed, _ = imported
    status, out, _ = run(capsys, "--db", db, "list")
    row = out.splitlines()[0].split("\t")
    assert status == 0 and row[0] == did and row[4] == str(version)
    assert row[3] == ("signed-off" if signed else "draft")
    status, out, _ = run(capsys, "--db", db, "audit", did)
    assert status == 0
    assert {line.split("\t")[3] for line in out.splitlines()} == {str(version)}


def test_exported_again_it_is_the_bundle_imported(imported, tmp_path, capsys):
    db, _did, version, _signed, sent = imported
    again = tmp_path / "again.json"
    assert run(capsys, "--db", db, "export-json", "--out", again)[0] == 0
    got = json.loads(again.read_text(encoding="utf-8"))
    [record] = got["decisions"]
    assert record["version"] == version
    assert {k: v for k, v in record.items() if k != "verification_code"} == \
        {k: v for k, v in sent["decisions"][0].items() if k != "verification_code"}
    # and into an empty register, then out again: the same content
    third = tmp_path / "third.db"
    assert run(capsys, "--db", third, "import", again)[0] == 0
    out = tmp_path / "third.json"
    assert run(capsys, "--db", third, "export-json", "--out", out)[0] == 0
    assert json.loads(out.read_text(encoding="utf-8")) == got


def test_held_versions_knows_the_first_and_the_day(imported, clock):
    db, did, version, _signed, _ = imported
    svc = open_service(db, user="tester", now=clock)
    try:
        held = svc.lifecycle.held_versions(did)
        assert held == HeldVersions(version, svc.today())
        assert not held.holds(version - 1) and held.lacks_earlier(version)
        assert svc.lifecycle.changes_since(svc.get(did)) == []
    finally:
        svc.db.close()


def test_a_register_that_made_every_version_notices_nothing(service):
    assert HeldVersions().notice(3) == "" and HeldVersions().missing() == ""
    assert HeldVersions(2, "2026-12-01").missing() == (
        "Version 1 is not held in this register: version 2 was imported from a bundle on "
        "1 December 2026.")
    assert HeldVersions(7).missing().startswith("Versions 1 to 6 are not held")
