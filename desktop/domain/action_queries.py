"""What the list of open actions is asked for and the rows it gives back (plain values, shared
by storage, which answers, and the window and the actions CSV, which ask)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionRow:
    """One open action, with the decision and principle it belongs to."""

    decision_id: str
    reference: str
    title: str
    slug: str
    position: int
    action: str
    owner: str
    due: str | None
    overdue: bool


@dataclass(frozen=True)
class ActionQuery:
    """Which open actions to list: an owner filter (any part of the name, any case) and a sort.
    Overdue actions always come first; the sort orders each group."""

    owner: str = ""
    today: str = ""
    sort: str = "due"
    descending: bool = False
