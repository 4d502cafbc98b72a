"""When a sign-off may be dated: not in the future, and not before EARLIEST_SIGN_OFF.

The floor catches a slip of the pen or a placeholder (1900-01-01) without refusing any real
record: the app and its records are of this century. It is a fixed date, not the record's
created date, because an imported record is created on the day of import, long after the
sign-offs it carries. The `sign-off` command, the window's dialog (through the same service)
and bundle import all ask `sign_off_date_fault`; each words the answer for its reader.
"""

from __future__ import annotations

from typing import Literal

from desktop.domain.dates import long_date

EARLIEST_SIGN_OFF = "2000-01-01"
EARLIEST_SIGN_OFF_WORDS = long_date(EARLIEST_SIGN_OFF)  # "1 January 2000"

Fault = Literal["", "future", "too early"]


def sign_off_date_fault(date: str, today: str) -> Fault:
    """Why a sign-off cannot carry this YYYY-MM-DD date ("" when it can). ISO dates compare
    as text."""
    if date > today:
        return "future"
    if date < EARLIEST_SIGN_OFF:
        return "too early"
    return ""
