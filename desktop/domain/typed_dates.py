"""Dates: the strict YYYY-MM-DD of bundles and the command line, and the forms people type
into the window (ISO, or the UK's day-first forms)."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_STRICT_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(value: object) -> bool:
    """True for a real date written YYYY-MM-DD (date.fromisoformat alone also takes week
    dates such as 2026-W45-1, and other forms a bundle must not hold)."""
    if not isinstance(value, str) or not _STRICT_ISO.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")


def parse_typed_date(text: str) -> str | None:
    """The date as YYYY-MM-DD, or None if `text` is not a real date.

    Takes 2027-03-31, 31/03/2027, 31/3/2027, 31.03.2027, 31-03-2027 and 31 March 2027 (or
    31 Mar 2027): a council officer in England writes the day first, never the month.
    """
    text = text.strip().lower()
    for pattern, order in ((_ISO, "ymd"), (_DAY_FIRST, "dmy"), (_WORDS, "dmy")):
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS.get(parts["m"]) if not parts["m"].isdigit() else int(parts["m"])
        if month is None:
            return None
        try:
            return dt.date(int(parts["y"]), month, int(parts["d"])).isoformat()
        except ValueError:
            return None
    return None
