"""Dates as people read them, in English whatever the machine's locale.

strftime's %B, %b and %a follow the locale (and the window's QApplication sets it from the
user's settings), so month and day names are spelt here, once, for the PDF, the window and
the command line alike.
"""

from __future__ import annotations

import datetime as dt

from desktop.domain.typed_dates import is_iso_date, parse_typed_date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
SHORT_MONTHS = tuple(month[:3] for month in MONTHS)
SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_of(value: str | None) -> dt.date | None:
    """The day a YYYY-MM-DD date names, or a timestamp that starts with one; else None."""
    if not value or not is_iso_date(value[:10]) or value[10:11] not in ("", "T"):
        return None
    return dt.date.fromisoformat(value[:10])


def _written(value: str | None, months: tuple[str, ...]) -> str:
    day = day_of(value)
    if day is None:
        return value or ""  # blank stays blank; what is not a date is shown as it is
    return f"{day.day} {months[day.month - 1]} {day.year}"


def long_date(value: str | None) -> str:
    """'2026-12-09' (or a timestamp of that day) -> '9 December 2026', the form of committee
    papers. Blank stays blank; anything that is not a date is shown as it is (never hidden)."""
    return _written(value, MONTHS)


def short_date(value: str | None) -> str:
    """'2027-09-15' (or a timestamp of that day) -> '15 Sep 2027': the window's one form of a
    date, and the PDF's status marks. Blank and not-a-date as `long_date`."""
    return _written(value, SHORT_MONTHS)


def padded_date(day: dt.date, *, weekday: bool = False) -> str:
    """'09 Dec 2026', or 'Wed 09 Dec 2026': a list of backups, where the days line up."""
    text = f"{day.day:02d} {SHORT_MONTHS[day.month - 1]} {day.year}"
    return f"{SHORT_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def shown_date(text: str) -> str:
    """What a date field shows for `text` typed or stored: the UK form when it is a date,
    otherwise the text as it is (so a mistyped date stays on screen to be corrected)."""
    iso = parse_typed_date(text)
    return short_date(iso) if iso else text
