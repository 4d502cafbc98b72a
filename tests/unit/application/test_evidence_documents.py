"""An answer's documents are stored, audited, locked with their version, part of its code,
and round-trip through a bundle; records without any keep their codes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.application.printing import print_record
from desktop.application.verification import MATCH, check_file
from desktop.domain.decision import Answer, Document, Rating
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from tests.helpers.lifecycle import signed_off_decision

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EQIA = Document("Equality impact assessment", "2026-09-14", "Democratic Services")


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
        other.db.close()


def test_a_signed_off_versions_documents_are_locked(service):
    d = signed_off_decision(service)
    vid = service.repo.version_id(d.id, d.version)
    with pytest.raises(sqlite3.DatabaseError, match="locked"):
        service.db.execute("INSERT INTO documents (version_id, slug, position, title) "
                           "VALUES (?, 'values', 0, 'forged')", [vid])
    assert service.get(d.id).answer("values").documents == ()


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
