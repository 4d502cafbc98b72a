"""The decision timeline: forward-plan notice, decision, publication, call-in, implementation
and the end of the window for a legal challenge, worked out from the dates on the record.

The rules (STATUTORY.md, "Timing and process"):
- A key decision needs 28 *clear* days' notice on the forward plan (regulation 9 of the 2012
  Regulations): the day of the notice and the day of the decision are not counted. Without
  them, the general exception (regulation 10: 28 days' notice impracticable, 5 clear days'
  notice to the chair of scrutiny) or special urgency (regulation 11: the chair's agreement)
  must be taken. A key decision with short notice and neither route is flagged.
- The decision date is the record's own decision date or, if it has none, its meeting date.
- Call-in runs for N working days after the decision notice is published (N is each
  council's, `CALL_IN_DAYS` by default): weekends and England & Wales bank holidays
  (`BANK_HOLIDAYS`, 2024 to 2030; later years skip weekends only) are not counted, nor is the
  day of publication. It ends at the end of the Nth working day.
- The decision is implementable from the day after call-in ends. A special-urgency decision
  is taken to be exempt from call-in (most constitutions say so; the record names the
  route), so it is implementable from the decision date.
- A claim for judicial review must be brought promptly and in any event within three
  months after the grounds arose (CPR 54.5), taken here from the decision date: the window
  ends on the corresponding day three months on (the last day of that month if it has none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from desktop.domain.decision import Decision
from desktop.domain.frozen import frozen

CALL_IN_DAYS = 5  # working days, the common period (register_settings "call_in_days")
MAX_CALL_IN_DAYS = 30  # the longest call-in period a council may set
NOTICE_CLEAR_DAYS = 28

URGENCY_ROUTES: tuple[str, ...] = ("none", "general-exception", "special-urgency")
URGENCY_LABELS = {
    "none": "None: 28 clear days' notice on the forward plan",
    "general-exception": "General exception: 28 days' notice impracticable; 5 clear days' "
                         "notice to the chair of scrutiny (regulation 10)",
    "special-urgency": "Special urgency: the chair of scrutiny agreed the decision is urgent "
                       "(regulation 11)",
}
URGENCY_SHORT = {"none": "None", "general-exception": "General exception",
                 "special-urgency": "Special urgency"}

# England and Wales bank holidays, 2024 to 2030 (gov.uk/bank-holidays; substitute days
# where the day falls at a weekend).
BANK_HOLIDAYS: frozenset[dt.date] = frozenset(dt.date.fromisoformat(d) for d in (
    "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
    "2024-12-25", "2024-12-26",
    "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
    "2025-12-25", "2025-12-26",
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
    "2026-12-25", "2026-12-28",
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
    "2027-12-27", "2027-12-28",
    "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28",
    "2028-12-25", "2028-12-26",
    "2029-01-01", "2029-03-30", "2029-04-02", "2029-05-07", "2029-05-28", "2029-08-27",
    "2029-12-25", "2029-12-26",
    "2030-01-01", "2030-04-19", "2030-04-22", "2030-05-06", "2030-05-27", "2030-08-26",
    "2030-12-25", "2030-12-26",
))


def call_in_period(value: str | None) -> int | None:
    """A stored call-in period (register_settings, an audit row) as working days from 1 to
    MAX_CALL_IN_DAYS; None if it is not one (99999999 days ran the calendar past 9999)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        return None
    days = int(text)
    return days if 1 <= days <= MAX_CALL_IN_DAYS else None


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`th working day after `start` (`start` itself is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def clear_days(notice: dt.date, decision: dt.date) -> int:
    """Whole days between the notice and the decision, neither day counted."""
    return (decision - notice).days - 1


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or the last day of that month if it has none."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    for day in range(start.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, start.day)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@frozen
class Timeline:
    """A decision's timeline; a date is None where the record lacks what it is worked from."""

    key_decision: bool
    notice_date: dt.date | None
    urgency_route: str
    decision_date: dt.date | None
    publication_date: dt.date | None
    call_in_days: int
    notice_clear_days: int | None
    call_in_end: dt.date | None
    implementable_from: dt.date | None
    challenge_end: dt.date | None

    @property
    def exempt_from_call_in(self) -> bool:
        return self.urgency_route == "special-urgency"

    @property
    def notice_warning(self) -> str:
        """Why a key decision's notice falls short ('' when it does not)."""
        if not self.key_decision or self.urgency_route != "none":
            return ""
        if self.notice_date is None:
            return ("This is a key decision, but no forward plan notice date is recorded and "
                    "no urgency route was taken.")
        if self.notice_clear_days is not None and self.notice_clear_days < NOTICE_CLEAR_DAYS:
            return (f"This key decision had {max(self.notice_clear_days, 0)} clear days' "
                    f"notice on the forward plan: at least {NOTICE_CLEAR_DAYS} are needed, "
                    "or an urgency route (general exception or special urgency).")
        return ""

    def iso(self) -> dict[str, str | None]:
        """The worked-out dates as YYYY-MM-DD (None where unknown): stored and exported."""
        return {key: value.isoformat() if value else None for key, value in (
            ("call_in_end", self.call_in_end),
            ("implementable_from", self.implementable_from),
            ("challenge_end", self.challenge_end))}


def add_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def _worked_out(rule: Callable[[dt.date, int], dt.date], start: dt.date, n: int
                ) -> dt.date | None:
    """A date worked out from another, or None past the calendar's end (a decision dated
    31 December 9999 has no call-in end: date arithmetic overflowed into a traceback)."""
    try:
        return rule(start, n)
    except (OverflowError, ValueError):
        return None


def timeline(*, key_decision: bool, notice_date: str | None, urgency_route: str,
             decision_date: str | None, meeting_date: str | None,
             publication_date: str | None, call_in_days: int = CALL_IN_DAYS) -> Timeline:
    """The timeline worked out from a record's dates (YYYY-MM-DD strings)."""
    notice, published = _day(notice_date), _day(publication_date)
    decided = _day(decision_date) or _day(meeting_date)
    route = urgency_route if urgency_route in URGENCY_ROUTES else "none"
    exempt = route == "special-urgency"
    call_in_end = (_worked_out(add_working_days, published, call_in_days)
                   if published is not None and not exempt else None)
    if exempt:
        implementable = decided
    else:
        implementable = _worked_out(add_days, call_in_end, 1) if call_in_end else None
    return Timeline(
        key_decision=key_decision,
        notice_date=notice,
        urgency_route=route,
        decision_date=decided,
        publication_date=published,
        call_in_days=call_in_days,
        notice_clear_days=clear_days(notice, decided) if notice and decided else None,
        call_in_end=call_in_end,
        implementable_from=implementable,
        challenge_end=_worked_out(add_months, decided, 3) if decided else None,
    )


def date_order_problems(decision: Decision) -> dict[str, str]:
    """Field -> why its date cannot stand against the others: a forward-plan notice comes
    before the decision, and the decision notice is published on or after it (the decision
    date is the record's decision date, else its meeting date)."""
    notice, published = _day(decision.forward_plan_notice_date), _day(decision.publication_date)
    decided = _day(decision.decision_date) or _day(decision.meeting_date)
    which = "decision date" if _day(decision.decision_date) else "meeting date"
    out: dict[str, str] = {}
    if notice and decided and notice > decided:
        out["forward_plan_notice_date"] = (f"The forward plan notice date must be on or "
                                           f"before the {which}")
    if published and decided and published < decided:
        out["publication_date"] = (f"The decision notice must be published on or after the "
                                   f"{which}")
    return out


def in_call_in(t: Timeline, today: dt.date) -> bool:
    """Published, and call-in has not yet ended (the rule the register's SQL also follows)."""
    return (t.publication_date is not None and t.call_in_end is not None
            and t.publication_date <= today <= t.call_in_end)


def challenge_open(t: Timeline, today: dt.date) -> bool:
    """Decided, and the three months for a legal challenge have not yet run out."""
    return (t.decision_date is not None and t.challenge_end is not None
            and t.decision_date <= today <= t.challenge_end)


def decision_timeline(decision: Decision, call_in_days: int = CALL_IN_DAYS) -> Timeline:
    """The timeline of one record (`call_in_days`: its register's call-in period)."""
    return timeline(key_decision=decision.key_decision,
                    notice_date=decision.forward_plan_notice_date,
                    urgency_route=decision.urgency_route,
                    decision_date=decision.decision_date,
                    meeting_date=decision.meeting_date,
                    publication_date=decision.publication_date,
                    call_in_days=call_in_days)
