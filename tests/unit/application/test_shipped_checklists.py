"""Every register holds every shipped checklist: a new one, and one made before the statutory
checklist shipped (which gains it on open, unwritten, its default unchanged).

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TEN, STATUTORY = "tizard-ten-principles", "tizard-principles-and-statutory-duties"


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_a_new_register_holds_both_with_the_ten_principles_the_default(service):
    newest = service.checklists.newest()
    assert [c.id for c in newest] == [TEN, STATUTORY]
    assert service.checklists.default().id == TEN
    statutory = service.checklists.find(STATUTORY)
    assert [p.kind for p in statutory.principles] == ["principle"] * 10 + ["duty"] * 7
    d = service.create("Outsource", checklist=statutory)
    assert len(service.get(d.id).sections) == 17


def test_an_old_register_gains_it_on_open_without_changing_its_default(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    service = open_service(db, daily_backup=False)
    try:
        assert [c.id for c in service.checklists.newest()] == [TEN, STATUTORY]
        assert service.checklists.default().id == TEN
        d = service.create("Stop the library van", checklist=service.checklists.find(STATUTORY))
        assert service.checklist_for(service.get(d.id)).id == STATUTORY
    finally:
        service.db.close()


def test_a_read_only_register_lists_it_and_is_not_written(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    open_service(db, daily_backup=False).db.close()  # migrated once, as any open does
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    service = open_service(db, read_only=True)
    try:
        assert [c.id for c in service.checklists.newest()] == [TEN, STATUTORY]
    finally:
        service.db.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_refused_sign_off_names_principles_and_duties_apart(service):
    from desktop.application.lifecycle import SignOffRequest
    from desktop.domain.decision import Answer, Rating
    from desktop.domain.errors import Refused

    statutory = service.checklists.find(STATUTORY)
    d = service.create("Outsource waste collection", checklist=statutory)
    service.update(d.id, proposal="Contract out.")
    for p in statutory.principles:
        if p.number not in (2, 4, 11, 12, 17):
            service.set_answer(d.id, p.slug, Answer(Rating.GREEN, "Shown."))
    service.set_answer(d.id, "welsh-language", Answer(Rating.NOT_APPLICABLE))
    with pytest.raises(Refused) as refused:
        service.lifecycle.record_sign_off(d.id, SignOffRequest(
            role="Monitoring Officer", name="A. Officer", date="2026-01-05"))
    message = str(refused.value)
    assert "principles 2, 4 and duties 11, 12 not started" in message
    assert "17. Welsh language: explain why this duty does not apply" in message
