"""The committee report's fields are stored, audited and locked with the version; the
register's "In call-in" and "Challenge window open" filters run on stored timeline dates;
a register of the previous schema gains its timeline (and keeps its codes) on migration.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from tests.helpers.engines import is_shared, refuses_raw_write, rows

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPORT = dict(
    report_of="Director of Environment", contact_officer="A. Officer, 01234 567890",
    wards_affected="All wards", recommendations=("Agree the outsourcing", "Delegate to the “Director”"),
    exempt_paragraph=3, exempt_parts="Appendix 2 (tender prices)",
    financial_implications="Saves £1.2m a year.", financial_officer="B. Finance",
    legal_implications="Procurement Act 2023 applies.", legal_officer="C. Legal",
    equalities_implications="EIA attached; no adverse effect.", equalities_officer="D. Equal",
    forward_plan_notice_date="2026-12-17", urgency_route="general-exception",
    decision_date="2027-01-15", publication_date="2027-01-18",
)


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_every_field_is_stored_and_each_change_audited(service):
    d = service.create("Outsource waste")
    saved = service.update(d.id, **REPORT)
    again = service.get(d.id)
    for key, value in REPORT.items():
        assert getattr(again, key) == value, key
    assert again == saved
    fields = {e.field for e in service.repo.audit_entries(d.id)}
    assert set(REPORT) <= fields
    service.update(d.id, recommendations=("Agree the outsourcing",), exempt_paragraph=None)
    [row] = [e for e in service.repo.audit_entries(d.id) if e.field == "exempt_paragraph"
             and e.new_value is None]
    assert row.old_value == "3"


def test_the_service_refuses_what_cannot_be_stored(service):
    from desktop.domain.errors import InvalidInput

    d = service.create("Outsource waste")
    for bad in ({"exempt_paragraph": 8}, {"urgency_route": "urgent"},
                {"publication_date": "18/01/2027"}, {"report_of": "x" * 201}):
        with pytest.raises(InvalidInput):
            service.update(d.id, **bad)


def test_a_signed_off_version_locks_the_new_columns(service, example_bundle_text):
    import json

    data = json.loads(example_bundle_text)
    rec = data["decisions"][0]
    rec["recommendations"] = ["Agree"]
    rec["status"] = "signed-off"
    rec["sign_offs"] = [{"role": r.name, "name": "N", "date": "2026-11-20"}
                        for r in service.checklists.default().sign_off_roles if r.required]
    [d] = service.import_bundle(json.dumps({"format": data["format"], "decisions": [rec]}))
    assert service.get(d.id).status.value == "signed-off"
    changes = (("recommendations", "'[]'"), ("report_of", "'x'"),
               ("publication_date", "'2027-01-01'"), ("exempt_paragraph", "1"))
    if is_shared(service):  # raw SQL as the author and clerk the service runs as
        for column, value in changes:
            assert "locked" in refuses_raw_write(
                service, f"UPDATE versions SET {column} = {value} WHERE decision_id = '{d.id}'")
        return
    raw = sqlite3.connect(service.db_path())  # any tool, no app code
    for column, value in changes:
        with pytest.raises(sqlite3.DatabaseError, match="locked"):
            raw.execute(f"UPDATE versions SET {column} = {value} WHERE decision_id = ?", [d.id])
    raw.close()


def test_the_register_filters_by_call_in_and_challenge_window(service):
    def make(title, **dates):
        d = service.create(title)
        service.update(d.id, **dates)
        return d.id

    in_call_in = make("Published Monday", meeting_date="2026-11-26",
                      publication_date="2026-11-30")
    decided_long_ago = make("Long ago", meeting_date="2026-01-15")
    not_yet = make("Next month", meeting_date="2026-12-20")
    urgent = make("Urgent", decision_date="2026-11-30", publication_date="2026-11-30",
                  urgency_route="special-urgency")

    def ids(today, **flags):
        return {r.id for r in service.register(RegisterQuery(today=today, **flags))}

    assert ids("2026-12-01", in_call_in=True) == {in_call_in}
    assert ids("2026-12-07", in_call_in=True) == {in_call_in}  # the last day of call-in
    assert ids("2026-12-08", in_call_in=True) == set()
    assert ids("2026-12-01", challenge_open=True) == {in_call_in, urgent}
    assert ids("2026-12-21", challenge_open=True) == {in_call_in, urgent, not_yet}
    assert decided_long_ago not in ids("2026-12-01", challenge_open=True)
    assert service.register_count(RegisterQuery(today="2026-12-01", in_call_in=True)) == 1
    [row] = [r for r in service.register(RegisterQuery()) if r.id == in_call_in]
    assert (row.call_in_end, row.implementable_from, row.challenge_end) == (
        "2026-12-07", "2026-12-08", "2027-02-26")


def test_a_short_notice_key_decision_is_marked_in_the_register(service):
    d = service.create("Short", key_decision=True, meeting_date="2027-01-15",
                       forward_plan_notice_date="2026-12-18")
    [row] = service.register(RegisterQuery())
    assert row.short_notice
    service.update(d.id, forward_plan_notice_date="2026-12-17")
    [row] = service.register(RegisterQuery())
    assert not row.short_notice


def test_the_filters_use_the_timeline_indexes(service):
    query = ("SELECT version_id FROM version_timeline "
             "WHERE call_in_end >= ? AND publication_date <= ?")
    if is_shared(service):  # a tiny table is read whole unless a scan is ruled out
        conn = service.repo.connection
        with conn.transaction():
            conn.execute("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(r[0]) for r in conn.execute(
                "EXPLAIN " + query.replace("?", "%s"), ["2026-12-01", "2026-12-01"]))
    else:
        plan = " ".join(r[3] for r in rows(service, "EXPLAIN QUERY PLAN " + query,
                                           ["2026-12-01", "2026-12-01"]))
    assert "idx_timeline_call_in" in plan


def test_a_register_of_the_previous_schema_gains_its_timeline_and_keeps_its_codes(tmp_path):
    db = tmp_path / "decisions.db"
    shutil.copy(FIXTURES / "schema-v6.db", db)
    raw = sqlite3.connect(db)
    before = dict(raw.execute("SELECT id, verification_code FROM versions"))
    raw.close()
    service = open_service(db)
    try:
        after = dict(service.repo.db.execute("SELECT id, verification_code FROM versions"))
        assert after == before
        for row in service.iter_register(RegisterQuery()):
            d = service.get(row.id)
            assert code_for(d) == row.verification_code
            if d.meeting_date:
                assert row.decision_date == d.meeting_date and row.challenge_end
    finally:
        service.db.close()


def test_a_new_call_in_period_leaves_a_signed_off_timeline_as_it_printed(service):
    from tests.helpers.lifecycle import ROLES, complete_decision, sign

    d = complete_decision(service, "Published Monday")
    service.update(d.id, meeting_date="2026-11-26", publication_date="2026-11-30")
    for role in ROLES:
        d = sign(service, d.id, role)
    assert d.status.value == "signed-off"
    [row] = service.register(RegisterQuery())
    assert (row.call_in_end, row.implementable_from) == ("2026-12-07", "2026-12-08")
    service.set_call_in_days(10)
    assert service.call_in_days() == 10
    [row] = service.register(RegisterQuery())  # fixed at its sign-off (audited there)
    assert (row.call_in_end, row.implementable_from) == ("2026-12-07", "2026-12-08")
    assert service.register_count(RegisterQuery(today="2026-12-10", in_call_in=True)) == 0
    assert service.call_in_days_for(service.get(d.id)) == 5
    assert service.get(d.id) == d  # the dates are derived: the locked version is as it was
    assert [(e.field, e.old_value, e.new_value) for e in service.repo.audit_entries("")
            if e.field == "call_in_days"] == [("call_in_days", "5", "10")]


def test_a_copy_keeps_the_report_but_not_the_timeline_of_the_original(service):
    d = service.create("Outsource waste")
    service.update(d.id, **REPORT)
    copy = service.get(service.duplicate(d.id).id)
    assert copy.recommendations == REPORT["recommendations"]
    assert copy.legal_officer == "C. Legal" and copy.exempt_paragraph == 3
    assert (copy.forward_plan_notice_date, copy.urgency_route, copy.decision_date,
            copy.publication_date) == (None, "none", None, None)
