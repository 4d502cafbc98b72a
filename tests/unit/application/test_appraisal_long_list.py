"""The appraisal's long list and its removal, through the services: stored, audited, locked
with a signed-off version, printed before the matrix.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

import json

import pytest

from desktop.application.printing import print_record
from desktop.domain.appraisal import Appraisal, LongListEntry
from desktop.domain.appraisal_text import long_list_line
from desktop.domain.decision import Status
from desktop.domain.errors import InvalidInput, Refused
from desktop.domain.redline import field_label
from desktop.export.pdf import render_record
from tests.helpers.appraisal import HIGHWAYS, appraised_decision
from tests.helpers.engines import refuses_raw_write, value
from tests.helpers.lifecycle import ROLES, sign
from tests.helpers.pdf import page_texts
from tests.unit.application.test_appraisals import audit_fields

ENTRIES = (
    LongListEntry("Re-let the contract", True, "Two bidders last time; the market is there."),
    LongListEntry("Bring in-house", True),
    LongListEntry("A joint venture with a contractor", False,
                  "No partner came forward at the market day."),
    LongListEntry("Share a service with Ésher & “Co”", False, "It would take until 2029."),
)


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_the_line_names_what_was_kept_and_why_the_rest_were_dropped() -> None:
    assert long_list_line(Appraisal()) == ""
    assert long_list_line(Appraisal(long_list=ENTRIES)) == (
        "Long list: 4 options considered; kept: Re-let the contract, Bring in-house; dropped: "
        "A joint venture with a contractor (No partner came forward at the market day); "
        "Share a service with Ésher & “Co” (It would take until 2029).")
    assert long_list_line(Appraisal(long_list=ENTRIES[2:3])) == (
        "Long list: 1 option considered; kept: none; dropped: A joint venture with a "
        "contractor (No partner came forward at the market day).")


def test_the_long_list_is_stored_audited_and_printed_before_the_matrix(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.set_long_list(d, ENTRIES)
    assert service.get(d.id).appraisal.long_list == ENTRIES
    [row] = [r for r in audit_fields(service, d.id) if r[0] == "appraisal.long_list"]
    assert row[1] is None and [e["name"] for e in json.loads(row[2])] == [
        e.name for e in ENTRIES]
    assert field_label("appraisal.long_list") == "Options appraisal: long list"
    text = " ".join(page_texts(render_record(print_record(service, d.id)).pdf))
    line = text.index("Long list: 4 options considered; kept: Re-let the contract")
    assert text.index("Options appraisal", text.index("Options considered")) < line
    assert line < text.index("Weighted total")
    assert "Share a service with Ésher & “Co” (It would take until 2029)." in text
    with pytest.raises(InvalidInput, match="Give each option of the long list a name"):
        service.appraisals.set_long_list(d, [LongListEntry("  ", False)])


def test_a_signed_off_long_list_is_locked_in_the_database(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.set_long_list(d, ENTRIES)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    assert d.status == Status.SIGNED_OFF
    vid = service.repo.version_id(d.id, d.version)
    for sql in ("UPDATE appraisal_long_list SET kept = 1 WHERE version_id = {vid}",
                "DELETE FROM appraisal_long_list WHERE version_id = {vid}",
                "INSERT INTO appraisal_long_list VALUES ({vid}, 9, 'Stop', 0, '')"):
        assert "locked" in refuses_raw_write(service, sql.format(vid=vid))
    with pytest.raises(Refused):
        service.appraisals.set_long_list(d, ())


def test_removing_the_appraisal_takes_its_rows_away_and_is_audited(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.set_long_list(d, ENTRIES)
    d = service.appraisals.remove(d)
    assert d.appraisal is None and service.get(d.id).appraisal is None
    vid = service.repo.version_id(d.id, d.version)
    for table in ("appraisals", "appraisal_scores", "appraisal_long_list"):
        assert value(service, f"SELECT count(*) FROM {table} WHERE version_id = ?", [vid]) == 0
    removed = {f: old for f, old, new in audit_fields(service, d.id) if new is None}
    assert "appraisal.long_list" in removed and "appraisal.score.1.affordability" in removed
