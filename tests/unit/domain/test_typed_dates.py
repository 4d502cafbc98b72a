"""Dates typed in the window: ISO or the UK's day-first forms, never month-first."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.typed_dates import parse_typed_date


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_date_in_every_form_reads_back(day):
    iso = day.isoformat()
    for typed in (iso, f"{day.day:02}/{day.month:02}/{day.year}", f"{day.day}/{day.month}/{day.year}",
                  f"{day.day}.{day.month}.{day.year}", f"{day.day}-{day.month:02}-{day.year}",
                  day.strftime(f"{day.day} %B %Y"), day.strftime(f"{day.day} %b %Y"),
                  f" {day.day:02} / {day.month:02} / {day.year} "):
        assert parse_typed_date(typed) == iso, typed


@pytest.mark.parametrize("typed", [
    "", "next spring", "31/02/2027", "2027-02-30", "13/13/2027", "2027-W01-1", "20270331",
    "03/31/2027",  # month first: not how an English council writes it
    "31 Smarch 2027", "2027-3-31", "1/1/27",
])
def test_what_is_not_a_date_is_refused(typed):
    assert parse_typed_date(typed) is None


def test_day_first_wins_where_both_would_be_valid():
    assert parse_typed_date("04/05/2027") == "2027-05-04"
    assert parse_typed_date("1st March 2027") == "2027-03-01"
