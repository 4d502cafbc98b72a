"""An answer's documents are stored, audited, locked with their version, part of its code,
and round-trip through a bundle; records without any keep their codes.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.application.printing import print_record
from desktop.application.verification import MATCH, check_file
from desktop.domain.decision import Answer, Document, Rating
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from tests.helpers.engines import refuses_raw_write
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EQIA = Document("Equality impact assessment", "2026-09-14", "Democratic Services")


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_documents_are_stored_audited_and_part_of_the_code(service):
    d = service.create("Close the depot")
    service.set_answer(d.id, "staff", Answer(Rating.GREEN, "Consulted.", documents=(EQIA,)))
    before = service.get(d.id)
    assert before.answer("staff").documents == (EQIA,)
    later = Document("Consultation report", None, "")
    service.set_answer(d.id, "staff", Answer(Rating.GREEN, "Consulted.",
                                             documents=(EQIA, later)))
    after = service.get(d.id)
    assert after.answer("staff").documents == (EQIA, later)
    assert code_for(after) != code_for(before)
    rows = [e for e in service.repo.audit_entries(d.id) if e.field == "answers.staff.documents"]
    assert [json.loads(e.new_value) for e in rows][-1] == [
        {"title": EQIA.title, "date": EQIA.date, "held_at": EQIA.held_at},
        {"title": "Consultation report", "date": None, "held_at": ""}]
    assert [r.id for r in service.register(RegisterQuery(search="impact assessment"))] == [d.id]
    bundle = service.export_bundle([d.id])
    assert json.loads(bundle)["decisions"][0]["answers"]["staff"]["documents"][1] == {
        "title": "Consultation report", "date": None, "held_at": ""}


def test_a_bundle_with_documents_round_trips(service, tmp_path):
    d = service.create("Share the library service")
    service.set_answer(d.id, "values", Answer(Rating.AMBER, "Partly.", documents=(EQIA,)))
    text = service.export_bundle([d.id])
    other = open_service(tmp_path / "other.db", daily_backup=False)
    try:
        other.import_bundle(text)
        assert other.get(d.id).answer("values").documents == (EQIA,)
        again = json.loads(other.export_bundle([d.id]))["decisions"][0]
        assert again["answers"] == json.loads(text)["decisions"][0]["answers"]
        assert again["verification_code"] == json.loads(text)["decisions"][0]["verification_code"]
    finally:
        other.close()


def test_a_signed_off_versions_documents_are_locked(service):
    d = signed_off_decision(service)
    vid = service.repo.version_id(d.id, d.version)
    assert "locked" in refuses_raw_write(
        service, f"INSERT INTO documents (version_id, slug, position, title) "
        f"VALUES ({vid}, 'values', 0, 'forged')")
    assert service.get(d.id).answer("values").documents == ()
    # and the documents it was signed off with stay as they were
    d = complete_decision(service, "Close the depot")
    service.set_answer(d.id, "values", Answer(Rating.GREEN, "Yes.", documents=(EQIA,)))
    for role in ROLES:
        d = sign(service, d.id, role)
    vid = service.repo.version_id(d.id, d.version)
    for sql in ("UPDATE documents SET title = 'forged' WHERE version_id = {vid}",
                "UPDATE documents SET version_id = {vid}, slug = 'other' "
                "WHERE version_id = {vid}",
                "DELETE FROM documents WHERE version_id = {vid}"):
        assert "locked" in refuses_raw_write(service, sql.format(vid=vid))
    assert service.get(d.id).answer("values").documents == (EQIA,)


def test_an_old_register_without_documents_keeps_its_codes(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    service = open_service(db, daily_backup=False)
    try:
        signed = [r for r in service.iter_register(RegisterQuery()) if r.status == "signed-off"]
        assert signed
        for row in signed:
            stored = service.db.execute(
                "SELECT verification_code FROM versions WHERE decision_id = ? AND is_current",
                [row.id]).fetchone()[0]
            assert code_for(service.get(row.id)) == stored
            pdf = tmp_path / "signed.pdf"
            pdf.write_bytes(render_record(print_record(service, row.id)).pdf)
            assert [f.result for f in check_file(service, pdf)] == [MATCH]
    finally:
        service.db.close()
