"""The decision timeline is derived, so the check derives it again: a stored timeline or a
call-in period changed outside the app is reported, and a signed-off record keeps the
call-in period it was signed off with (its printed "Call-in ends" does not move)."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.application.integrity import check_integrity
from desktop.application.printing import print_record
from desktop.domain.decision import Status
from desktop.export.pdf import render_record
from tests.helpers.lifecycle import ROLES, complete_decision, sign
from tests.helpers.pdf import page_texts

DATES = {"decision_date": "2026-11-18", "publication_date": "2026-11-20"}


def _timed(service, title="Close the depot", signed=True):
    d = complete_decision(service, title)
    service.update(d.id, **DATES)
    if signed:
        for role in ROLES:
            d = sign(service, d.id, role, name=f"Signer for {role}")
        assert d.status == Status.SIGNED_OFF
    return service.get(d.id)


def _printed(service, decision_id) -> str:
    return " ".join(page_texts(render_record(print_record(service, decision_id)).pdf))


def _sql(service, db_path, statement, params=()):
    service.db.close()
    conn = sqlite3.connect(db_path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()
    from desktop.application.bootstrap import open_service

    return open_service(db_path, user="tester")


def test_a_signed_off_record_keeps_its_call_in_period(service):
    d = _timed(service)
    draft = _timed(service, "Still a draft", signed=False)
    before = _printed(service, d.id)
    assert "Call-in ends (5 working days after publication) 27 November 2026" in before
    bundle = service.export_bundle([d.id])
    service.set_call_in_days(10)
    after = _printed(service, d.id)
    assert "Call-in ends (5 working days after publication) 27 November 2026" in after
    assert "Implementable from 28 November 2026" in after
    assert service.export_bundle([d.id]) == bundle
    assert "(10 working days after publication)" in _printed(service, draft.id)
    assert service.timeline(service.get(draft.id)).call_in_days == 10
    report = check_integrity(service)
    assert report.ok, report.lines()


def test_a_stored_timeline_changed_outside_the_app_is_reported(service, db_path):
    d = _timed(service)
    original = dict(zip(("call_in_end", "challenge_end", "short_notice"), service.db.execute(
        "SELECT call_in_end, challenge_end, short_notice FROM version_timeline").fetchone(),
        strict=True))
    for column, value in (("call_in_end", "2026-11-21"), ("challenge_end", "2030-01-01"),
                          ("short_notice", 1)):
        service = _sql(service, db_path, f"UPDATE version_timeline SET {column} = ?", [value])
        lines = check_integrity(service).lines()
        assert any(f"Decision {d.id} version 1: its stored timeline" in line
                   for line in lines), (column, lines)
        service = _sql(service, db_path, f"UPDATE version_timeline SET {column} = ?",
                       [original[column]])
        assert check_integrity(service).ok, check_integrity(service).lines()
    service = _sql(service, db_path, "DELETE FROM version_timeline")
    assert any("stored timeline was removed" in line for line in check_integrity(service).lines())
    service.db.close()


def test_a_call_in_period_set_outside_the_app_is_reported(service, db_path):
    _timed(service, signed=False)
    service.set_call_in_days(7)
    assert check_integrity(service).ok
    service = _sql(service, db_path,
                   "UPDATE register_settings SET value = '3' WHERE key = 'call_in_days'")
    lines = check_integrity(service).lines()
    assert any("call-in period was set to '3' outside the app (the audit log records 7 "
               "working days)" in line for line in lines), lines
    service.db.close()


def test_a_call_in_period_added_outside_the_app_is_reported(service, db_path):
    _timed(service)
    service = _sql(service, db_path, "INSERT INTO register_settings (key, value) VALUES "
                                     "('call_in_days', '10')")
    lines = check_integrity(service).lines()
    assert any("call-in period was set to '10' outside the app" in line for line in lines)
    service.db.close()


@pytest.mark.postgres
@pytest.mark.parametrize("triggers", ["on", "off"])
def test_a_timeline_moved_on_the_server_is_found_there_as_in_a_copy(pg_register, tmp_path,
                                                                   triggers):
    """The last hostile tester of issue 17: two versions' timeline rows swapped by raw SQL as
    the owner (triggers on, or off), then `audit --check`: the server's check finds what the
    same data copied to a register file finds (it found nothing)."""
    from desktop.application.bootstrap import open_service
    from desktop.storage.copy_register import copy_register

    service = open_service(pg_register.url())
    try:
        signed = _timed(service)
        draft = complete_decision(service, "Open a library")
        service.update(draft.id, decision_date="2027-01-10")
    finally:
        service.close()
    with pg_register.connect() as conn, conn.transaction():
        if triggers == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        a, b = (conn.execute("SELECT id FROM versions WHERE decision_id = %s",
                             (d.id,)).fetchone()[0] for d in (signed, draft))
        conn.execute("UPDATE version_timeline SET version_id = CASE version_id WHEN %s THEN %s "
                     "ELSE %s END WHERE version_id IN (%s, %s)", (a, -b, -a, a, b))
        conn.execute("UPDATE version_timeline SET version_id = -version_id")

    def timeline_lines(where) -> list[str]:
        checked = open_service(where)
        try:
            return sorted(line for line in check_integrity(checked).lines()
                          if "stored timeline" in line)
        finally:
            checked.close()

    on_server = timeline_lines(pg_register.url())
    assert [line.split(":")[0] for line in on_server] == sorted(
        f"Decision {d.id} version 1" for d in (signed, draft))
    copy_register(pg_register.url(), str(tmp_path / "copy.db"))
    assert timeline_lines(tmp_path / "copy.db") == on_server
