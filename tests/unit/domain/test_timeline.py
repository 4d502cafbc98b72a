"""The decision timeline, worked by hand: clear days, working days past weekends and bank
holidays, call-in, implementation and the three months for a challenge."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.decision import Decision
from desktop.domain.timeline import (
    BANK_HOLIDAYS,
    add_months,
    add_working_days,
    challenge_open,
    clear_days,
    decision_timeline,
    in_call_in,
    timeline,
)

D = dt.date.fromisoformat


def _t(**kw):
    base = dict(key_decision=True, notice_date=None, urgency_route="none", decision_date=None,
                meeting_date=None, publication_date=None)
    return timeline(**{**base, **kw})


@pytest.mark.parametrize(("published", "days", "end"), [
    # Mon 30 Nov 2026: Tue, Wed, Thu, Fri, then Mon 7 Dec is the fifth working day.
    ("2026-11-30", 5, "2026-12-07"),
    # Fri 18 Dec 2026: Mon 21 .. Thu 24 are four; Fri 25 (Christmas), the weekend and Mon 28
    # (Boxing Day's substitute) are skipped; Tue 29 is the fifth.
    ("2026-12-18", 5, "2026-12-29"),
    # Thu 27 May 2027: Fri 28, then Mon 31 (spring bank holiday) skipped, Tue 1 .. Fri 4 Jun.
    ("2027-05-27", 5, "2027-06-04"),
    # A council with a three-day period; published on a Saturday: Mon, Tue, Wed.
    ("2027-01-09", 3, "2027-01-13"),
])
def test_call_in_counts_working_days_after_publication(published, days, end):
    assert add_working_days(D(published), days) == D(end)
    t = _t(meeting_date="2026-11-26", publication_date=published, call_in_days=days)
    assert t.call_in_end == D(end)
    assert t.implementable_from == D(end) + dt.timedelta(days=1)


def test_clear_days_leave_out_the_day_of_notice_and_the_day_of_decision():
    assert clear_days(D("2026-12-17"), D("2027-01-15")) == 28
    assert clear_days(D("2026-12-18"), D("2027-01-15")) == 27
    assert clear_days(D("2027-01-14"), D("2027-01-15")) == 0


def test_a_key_decision_with_exactly_28_clear_days_is_not_warned_of_but_27_is():
    enough = _t(notice_date="2026-12-17", meeting_date="2027-01-15")
    assert enough.notice_clear_days == 28 and enough.notice_warning == ""
    short = _t(notice_date="2026-12-18", meeting_date="2027-01-15")
    assert short.notice_clear_days == 27
    assert "27 clear days" in short.notice_warning and "at least 28" in short.notice_warning


def test_an_urgency_route_or_a_non_key_decision_is_not_warned_of():
    for route in ("general-exception", "special-urgency"):
        assert _t(notice_date="2027-01-10", meeting_date="2027-01-15",
                  urgency_route=route).notice_warning == ""
    assert _t(key_decision=False, notice_date="2027-01-10",
              meeting_date="2027-01-15").notice_warning == ""


def test_a_key_decision_without_a_notice_date_is_warned_of():
    assert "no forward plan notice date" in _t(meeting_date="2027-01-15").notice_warning


def test_the_decision_date_is_its_own_or_else_the_meeting_date():
    assert _t(meeting_date="2027-01-15").decision_date == D("2027-01-15")
    assert _t(meeting_date="2027-01-15", decision_date="2027-01-18").decision_date == D(
        "2027-01-18")


def test_special_urgency_is_exempt_from_call_in():
    t = _t(meeting_date="2027-01-15", publication_date="2027-01-18",
           urgency_route="special-urgency")
    assert t.exempt_from_call_in and t.call_in_end is None
    assert t.implementable_from == D("2027-01-15")


@pytest.mark.parametrize(("decided", "end"), [
    ("2027-01-15", "2027-04-15"),
    ("2026-11-30", "2027-02-28"),  # no 30 February: the last day of the month
    ("2027-11-30", "2028-02-29"),  # a leap year
    ("2027-10-31", "2028-01-31"),  # over the year's end
])
def test_the_challenge_window_is_three_months_from_the_decision(decided, end):
    assert add_months(D(decided), 3) == D(end)
    assert _t(decision_date=decided).challenge_end == D(end)


def test_in_call_in_and_challenge_open_as_of_a_day():
    t = _t(meeting_date="2026-11-26", publication_date="2026-11-30")
    assert not in_call_in(t, D("2026-11-29"))
    assert in_call_in(t, D("2026-11-30")) and in_call_in(t, D("2026-12-07"))
    assert not in_call_in(t, D("2026-12-08"))
    assert challenge_open(t, D("2027-02-26")) and not challenge_open(t, D("2027-02-27"))


def test_nothing_is_worked_out_from_dates_that_are_missing():
    t = decision_timeline(Decision(id="x", title="t"))
    assert (t.decision_date, t.call_in_end, t.implementable_from, t.challenge_end) == (
        None, None, None, None)


def _easter(year: int) -> dt.date:  # the anonymous Gregorian algorithm
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 90) // 25
    return dt.date(year, n, (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 33 * n + 19) % 32)


def _monday(year: int, month: int, last: bool) -> dt.date:
    days = [dt.date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
    mondays = [d for d in days if d.weekday() == 0]
    return mondays[-1] if last else mondays[0]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _substitute(day: dt.date, taken: set[dt.date]) -> dt.date:
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


def test_the_bank_holiday_table_follows_the_rules_for_2024_to_2030():
    expected: set[dt.date] = set()
    for year in range(2024, 2031):
        easter = _easter(year)
        expected |= {_substitute(dt.date(year, 1, 1), set()),
                     easter - dt.timedelta(days=2), easter + dt.timedelta(days=1),
                     _monday(year, 5, False), _monday(year, 5, True), _monday(year, 8, True)}
        christmas = _substitute(dt.date(year, 12, 25), set())
        expected |= {christmas, _substitute(dt.date(year, 12, 26), {christmas})}
    assert expected == BANK_HOLIDAYS
