"""Registers made before checklists were data (schema v1-v5, each written by its own release)
open, list their sections, print every record with its ten principles and verify."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.application.bootstrap import open_service
from desktop.application.integrity import check_integrity
from desktop.application.printing import print_record
from desktop.application.verification import MATCH, check_file
from desktop.domain.queries import RegisterQuery
from desktop.export.pdf import render_record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BEFORE = sorted(p for p in FIXTURES.glob("schema-v*.db")
                if int(p.stem.removeprefix("schema-v")) <= 5)
SIGNED = "0b7c6a52-3d7e-4f5e-9a4b-6c1d2e3f4a50"  # build_fixture.py's signed-off record


@pytest.fixture(params=BEFORE, ids=lambda p: p.stem)
def old_service(request, tmp_path):
    db = tmp_path / "decisions.db"
    shutil.copy(request.param, db)
    service = open_service(db)
    yield request.param, service
    service.db.close()


def test_there_are_registers_from_before(old_service):
    assert len(BEFORE) >= 4


def test_an_old_register_opens_lists_prints_and_verifies(old_service, tmp_path):
    fixture, service = old_service
    rows = list(service.iter_register(RegisterQuery()))
    assert rows and all(r.sections == 10 for r in rows)
    # v1 kept no audit row of the lock (the same finding before this change)
    lock_unaudited = fixture.stem == "schema-v1"
    assert all(lock_unaudited and "the audit log has no record of it" in p
               for p in check_integrity(service).problems)
    checklist = service.checklists.default()
    assert checklist.id == "tizard-ten-principles" and len(checklist.principles) == 10
    for row in rows:
        record = print_record(service, row.id)
        assert record.checklist.slugs == record.decision.sections
        pdf = render_record(record).pdf
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Summary of the ten principles" in text
        assert all(f"Principle {n} of 10" in text for n in range(1, 11))
        assert f"{row.complete} of 10 principles complete" in text
        if row.id == SIGNED and not lock_unaudited:
            path = tmp_path / "signed.pdf"
            path.write_bytes(pdf)
            assert [f.result for f in check_file(service, path)] == [MATCH]
