"""The report's own background papers (the DECISION's `background_papers`): stored, audited,
refused with a bad date, locked with their signed-off version, part of its code (a record
without any keeps the code it had), in the bundle, and printed first in the record's
"Background papers" table, before the documents its answers name.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service); the
register of the previous schema is a file's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.application.printing import print_record
from desktop.application.verification import MATCH, check_file
from desktop.domain.decision import Answer, Document, Rating
from desktop.domain.errors import InvalidInput, Refused
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from tests.helpers.engines import refuses_raw_write
from tests.helpers.lifecycle import ROLES, complete_decision, sign
from tests.helpers.pdf import page_texts, squash

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPORT = Document("Cabinet report: <waste> & recycling", "2026-09-01", "Democratic Services")
BUDGET = Document("Medium-term financial strategy", None, "")
EQIA = Document("Equality impact assessment", "2026-09-14", "Insight team")


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_papers_are_stored_audited_coded_and_in_the_bundle(service):
    d = service.create("Close the depot")
    before = service.get(d.id)
    service.update(d.id, background_papers=(REPORT, Document(BUDGET.title, "", "")))
    after = service.get(d.id)
    assert after.background_papers == (REPORT, BUDGET)  # '' read as no date
    assert code_for(after) != code_for(before)
    [row] = [e for e in service.repo.audit_entries(d.id) if e.field == "background_papers"]
    assert json.loads(row.old_value) == [] and json.loads(row.new_value) == [
        {"title": REPORT.title, "date": "2026-09-01", "held_at": "Democratic Services"},
        {"title": BUDGET.title, "date": None, "held_at": ""}]
    rec = json.loads(service.export_bundle([d.id]))["decisions"][0]
    assert rec["background_papers"][1] == {"title": BUDGET.title, "date": None, "held_at": ""}
    with pytest.raises(InvalidInput, match=r"background_papers\[0\]\.date"):
        service.update(d.id, background_papers=(Document("x", "1 Sept 2026"),))
    service.update(d.id, background_papers=())
    assert "background_papers" not in json.loads(service.export_bundle([d.id]))["decisions"][0]
    assert code_for(service.get(d.id)) == code_for(before)  # none again: the same code


def test_a_signed_off_versions_papers_are_locked(service, tmp_path):
    d = complete_decision(service)
    d = service.update(d.id, background_papers=(REPORT,))
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    assert d.status.value == "signed-off"
    vid = service.repo.version_id(d.id, d.version)
    assert "locked" in refuses_raw_write(
        service, f"UPDATE versions SET background_papers = '[]' WHERE id = {vid}")
    with pytest.raises(Refused):
        service.update(d.id, background_papers=())
    stored = service.get(d.id)
    assert stored.background_papers == (REPORT,)
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(render_record(print_record(service, d.id)).pdf)
    assert [f.result for f in check_file(service, pdf)] == [MATCH]


def test_the_report_papers_print_first_then_the_answers_documents(service):
    d = complete_decision(service)
    service.set_answer(d.id, "staff", Answer(Rating.GREEN, "Consulted.", documents=(EQIA,)))
    service.update(d.id, background_papers=(REPORT, BUDGET))
    text = squash("\n".join(page_texts(render_record(print_record(service, d.id)).pdf)))
    table = text[text.index("Background papers The documents"):]
    assert f"1 {REPORT.title} 1 September 2026 Democratic Services The report" in table
    assert f"2 {BUDGET.title} Undated The report" in table
    assert f"3 {EQIA.title} 14 September 2026 Insight team 3." in table
    assert table.index(REPORT.title) < table.index(BUDGET.title) < table.index(EQIA.title)
    # the section's own page points at its paper by its number after the report's
    assert f"Background paper 3: {EQIA.title}, 14 September 2026, held at Insight team" in text


def test_a_register_of_the_previous_schema_keeps_its_codes(tmp_path):
    from desktop.application.bootstrap import open_service

    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v9.db", db)
    service = open_service(db, daily_backup=False)
    try:
        signed = [r for r in service.iter_register(RegisterQuery()) if r.status == "signed-off"]
        assert signed
        for row in signed:
            stored = service.db.execute(
                "SELECT verification_code FROM versions WHERE decision_id = ? AND is_current",
                [row.id]).fetchone()[0]
            d = service.get(row.id)
            assert d.background_papers == () and code_for(d) == stored
        pdf = tmp_path / "signed.pdf"
        pdf.write_bytes(render_record(print_record(service, signed[0].id)).pdf)
        assert [f.result for f in check_file(service, pdf)] == [MATCH]
    finally:
        service.db.close()
