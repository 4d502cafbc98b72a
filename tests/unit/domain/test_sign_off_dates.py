"""The one rule for a sign-off's date, and the one matcher for a typed role name."""

from __future__ import annotations

import pytest

from desktop.domain.checklist import role_key
from desktop.domain.sign_off_dates import EARLIEST_SIGN_OFF, sign_off_date_fault

TODAY = "2026-11-25"


@pytest.mark.parametrize(("date", "fault"), [
    ("2026-11-25", ""), ("2026-11-20", ""), (EARLIEST_SIGN_OFF, ""), ("2000-01-01", ""),
    ("2026-11-26", "future"), ("2999-01-01", "future"),
    ("1999-12-31", "too early"), ("1900-01-01", "too early"), ("0001-01-01", "too early"),
])
def test_a_sign_off_date_is_not_in_the_future_nor_before_2000(date, fault):
    assert sign_off_date_fault(date, TODAY) == fault


@pytest.mark.parametrize("typed", [
    "Monitoring Officer", "monitoring officer", " monitoring  officer ", "MONITORING\tOFFICER",
    "\u00a0Monitoring Officer\n",
])
def test_a_typed_role_matches_trimmed_with_inner_spaces_collapsed(typed):
    assert role_key(typed) == role_key("Monitoring Officer") == "monitoring officer"


def test_the_checklist_finds_a_role_as_typed(service):
    checklist = service.checklist
    assert checklist.role(" monitoring  officer ").name == "Monitoring Officer"
    assert checklist.role("monitoringofficer") is None
