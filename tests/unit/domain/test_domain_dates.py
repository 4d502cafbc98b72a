"""Dates as people read them: one set of English names, the same text the three former
functions (the PDF's long_date and short_date, the window's uk_date) printed."""

from __future__ import annotations

import contextlib
import datetime as dt
import locale

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop.domain.dates import long_date, padded_date, short_date, shown_date
from desktop.domain.typed_dates import is_iso_date, parse_typed_date

# ---- what was printed before: the three functions this module replaced, as they were ----
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pdf_long_date(value):
    if not value:
        return ""
    try:
        d = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def pdf_short_date(value):
    try:
        d = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {_SHORT[d.month - 1]} {d.year}"


def window_uk_date(iso):
    if not iso:
        return ""
    if not is_iso_date(iso):
        return iso
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {_SHORT[d.month - 1]} {d.year}"


@contextlib.contextmanager
def time_locale(name: str):
    """LC_TIME set to `name` for the block (skips the test if the machine lacks it)."""
    saved = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, name)
    except locale.Error:
        pytest.skip(f"no {name} locale on this machine")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_TIME, saved)


# ---- the same text as before ---------------------------------------------------------------
@given(st.dates())
def test_a_date_reads_as_it_did(day):
    iso = day.isoformat()
    assert long_date(iso) == pdf_long_date(iso) == f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    assert short_date(iso) == pdf_short_date(iso) == window_uk_date(iso)


@given(st.datetimes())
def test_a_timestamp_reads_as_its_day_as_it_did_in_the_pdf(moment):
    stamp = moment.isoformat() + "Z"
    assert long_date(stamp) == pdf_long_date(stamp) == long_date(moment.date().isoformat())
    assert short_date(stamp) == pdf_short_date(stamp)


@given(st.text(max_size=24))
def test_what_is_not_a_date_is_shown_as_the_window_showed_it(text):
    assume(not (is_iso_date(text[:10]) and text[10:11] == "T"))  # a timestamp: its day
    assert short_date(text) == window_uk_date(text)
    assert long_date(text) in (text, pdf_long_date(text))


def test_blank_and_junk():
    assert long_date(None) == long_date("") == short_date(None) == short_date("") == ""
    for junk in ("2027-02-30", "2027-09-15junk", "2026-W45-1", "20261209", "next week"):
        assert long_date(junk) == short_date(junk) == junk
    assert long_date("2026-12-01") == "1 December 2026"
    assert short_date("2027-09-15") == "15 Sep 2027"
    assert short_date("2026-11-25T09:00:01.000000Z") == "25 Nov 2026"


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1)))
def test_the_padded_form_is_what_strftime_printed_in_english(moment):
    with time_locale("C"):
        assert padded_date(moment) == f"{moment:%d %b %Y}"
        assert padded_date(moment, weekday=True) == f"{moment:%a %d %b %Y}"


@pytest.mark.parametrize("name", ["de_DE.UTF-8", "fr_FR.UTF-8"])
def test_the_names_stay_english_whatever_the_locale(name):
    with time_locale(name):
        assert f"{dt.date(2026, 12, 2):%B}" != "December"  # the locale does change strftime
        assert long_date("2026-12-02") == "2 December 2026"
        assert short_date("2026-12-02") == "2 Dec 2026"
        assert padded_date(dt.date(2026, 12, 2), weekday=True) == "Wed 02 Dec 2026"


# ---- the form a date field shows -------------------------------------------------------------
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_the_shown_form_is_uk_and_reads_back(day):
    shown = short_date(day.isoformat())
    assert shown == f"{day.day} {_SHORT[day.month - 1]} {day.year}"
    assert parse_typed_date(shown) == day.isoformat()
    assert shown_date(day.isoformat()) == shown == shown_date(shown)


@given(st.text(max_size=20))
def test_shown_date_keeps_what_is_not_a_date(text):
    assert shown_date(text) == text or parse_typed_date(text) is not None
