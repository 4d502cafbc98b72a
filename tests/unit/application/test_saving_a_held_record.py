"""Saving from the record the caller holds: written without reading it back, and refused or
re-read, inside the write transaction, when another process changed it meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.errors import Refused
from tests.helpers.lifecycle import ROLES, complete_decision, sign


@pytest.fixture
def elsewhere(db_path):
    """Another process on the same register: its own connection, clock and user."""
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    other = open_service(db_path, user="clerk", now=lambda: moment)
    yield other
    other.db.close()


def _traced(service, fn):
    statements: list[str] = []
    service.db.conn.set_trace_callback(statements.append)
    try:
        result = fn()
    finally:
        service.db.conn.set_trace_callback(None)
    return result, statements


def test_a_held_record_is_saved_without_reading_it_back(service):
    held = service.create("Close the depot")
    saved, statements = _traced(service, lambda: service.set_answer(
        held, "values", Answer(rating=Rating.GREEN, response="Met.")))
    assert saved == service.get(held.id)  # what it returns is what is stored
    assert not [s for s in statements if s.startswith("SELECT * FROM versions")]
    again, statements = _traced(service, lambda: service.update(saved, reference="CAB 1/27"))
    assert again == service.get(held.id)
    assert not [s for s in statements if s.startswith("SELECT * FROM versions")]
    assert statements[0] == "BEGIN IMMEDIATE"  # the check of the stored version is inside


def test_an_unchanged_save_writes_nothing(service):
    held = service.create("Close the depot", reference="CAB 1/27")
    _, statements = _traced(service, lambda: service.update(held, reference="CAB 1/27"))
    assert statements == []


def test_a_sign_off_recorded_elsewhere_meanwhile_refuses_the_write(service, elsewhere):
    held = complete_decision(service)
    sign(elsewhere, held.id, ROLES[0])
    with pytest.raises(Refused, match="has sign-offs recorded"):
        service.set_answer(held, "values", Answer(rating=Rating.RED, response="Not met."))
    with pytest.raises(Refused, match="has sign-offs recorded"):
        service.update(held, title="Changed under the signer")
    stored = service.get(held.id)
    assert stored.answer("values") == held.answer("values")
    assert stored.title == held.title


def test_a_record_locked_or_withdrawn_elsewhere_meanwhile_refuses_the_write(service, elsewhere):
    held = complete_decision(service)
    for role in ROLES:
        sign(elsewhere, held.id, role)
    with pytest.raises(Refused, match="signed off and locked"):
        service.update(held, title="Changed after the lock")
    other = service.create("Sell the old town hall")
    elsewhere.withdraw(other.id)
    with pytest.raises(Refused, match="withdrawn"):
        service.update(other, title="Changed after withdrawal")
    assert service.get(other.id).status == Status.WITHDRAWN


def test_a_change_saved_elsewhere_at_the_same_moment_is_not_undone(service, db_path):
    held = service.create("Close the depot")
    # Another process saves a change stamped with the very time the held record carries.
    same_moment = dt.datetime.fromisoformat(held.updated_at)
    other = open_service(db_path, user="clerk", now=lambda: same_moment)
    try:
        assert other.update(held.id, proposer="Director of Place").updated_at == held.updated_at
    finally:
        other.db.close()
    saved = service.update(held, decision_maker="Cabinet")
    assert saved == service.get(held.id)
    assert (saved.proposer, saved.decision_maker) == ("Director of Place", "Cabinet")


def test_an_action_ticked_done_elsewhere_stays_done(service, elsewhere):
    held = complete_decision(service)
    elsewhere.lifecycle.set_action_done(held.id, "staff", 0, True)
    saved = service.set_answer(held, "values", Answer(rating=Rating.GREEN, response="Still met."))
    assert saved == service.get(held.id)
    assert saved.answer("staff").actions[0].done
