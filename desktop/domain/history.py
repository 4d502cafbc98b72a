"""A decision's history as a person's edits: the autosave writes a field every few seconds as
someone types, so the audit log holds many rows for one edit. No Qt here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

FOLD_WINDOW_S = 5 * 60  # saves of one field by one person less than this apart are one edit


class Change(Protocol):
    """An audit row (desktop.domain.audit_entries.AuditEntry has these), read only."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> str: ...
    @property
    def user(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def field(self) -> str: ...
    @property
    def old_value(self) -> str | None: ...
    @property
    def new_value(self) -> str | None: ...


@dataclass(frozen=True)
class Edit:
    """One or more audit rows read as one edit: the value before the first, after the last."""

    rows: tuple[Change, ...]  # the audit rows, oldest first

    @property
    def first(self) -> Change:
        return self.rows[0]

    @property
    def last(self) -> Change:
        return self.rows[-1]

    @property
    def id(self) -> int:
        return self.last.id

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.rows)

    @property
    def at(self) -> str:
        return self.last.at

    @property
    def started_at(self) -> str:
        return self.first.at

    @property
    def user(self) -> str:
        return self.first.user

    @property
    def version(self) -> int:
        return self.first.version

    @property
    def field(self) -> str:
        return self.first.field

    @property
    def old_value(self) -> str | None:
        return self.first.old_value

    @property
    def new_value(self) -> str | None:
        return self.last.new_value

    @property
    def saves(self) -> int:
        return len(self.rows)


def _moment(at: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def fold_edits(rows: Iterable[Change], window_s: float = FOLD_WINDOW_S) -> list[Edit]:
    """Audit rows (oldest first) as edits, in the order each edit began.

    A row joins the latest edit of its field when the same person made it, on the same
    version, less than `window_s` after that edit's last row; anyone else's change to the
    field in between starts a new edit. Rows of other fields in between (one autosave writes
    several) do not break an edit. Nothing is dropped: every row is in exactly one edit."""
    groups: list[list[Change]] = []
    latest: dict[str, int] = {}  # field -> index in groups of its latest edit
    for row in rows:
        i = latest.get(row.field)
        if i is not None:
            group = groups[i]
            prev = group[-1]
            then, now = _moment(prev.at), _moment(row.at)
            if (prev.user == row.user and prev.version == row.version and then is not None
                    and now is not None
                    and dt.timedelta(0) <= now - then < dt.timedelta(seconds=window_s)):
                group.append(row)
                continue
        latest[row.field] = len(groups)
        groups.append([row])
    return [Edit(tuple(g)) for g in groups]


def edit_rows(edits: Sequence[Edit]) -> list[Change]:
    """Every audit row of these edits, in the edits' order (the inverse of fold_edits)."""
    return [r for e in edits for r in e.rows]
