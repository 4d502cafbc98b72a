"""Open actions as a CSV file that Excel opens as it is and that no cell can turn into a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from desktop.domain.action_queries import ActionRow

HEADER = ("Due date", "Overdue", "Owner", "Action", "Decision reference", "Decision",
          "Principle or duty")
# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip them and then read one): "=HYPERLINK(...)" in an owner's name
# would be a live link in the council's spreadsheet. A leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it, never evaluates it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def actions_csv(rows: Iterable[ActionRow], principle: Callable[[ActionRow], str]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents and non-Latin names), CRLF line
    ends, every field quoted as the csv module needs; `principle(row)` names the section of
    its decision's checklist the action is under."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([neutralised(x) for x in (
            r.due or "", "yes" if r.overdue else "", r.owner, r.action, r.reference, r.title,
            principle(r))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
