"""What the register, the list of open actions and the audit log are asked for, and the rows
they give back: plain values, shared by storage (which answers) and the window (which asks)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.decision import Rating, Status


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register: the current version of a decision."""

    id: str
    reference: str
    title: str
    decision_maker: str
    meeting_date: str | None
    status: Status
    version: int
    complete: int
    overall_rating: Rating | None
    review_date: str | None
    verification_code: str
    version_id: int = 0  # the current version's row (where a search's matches are looked up)
    sections: int = 0  # how many sections its checklist has (`complete` counts them done)
    # Its timeline as stored (desktop/domain/timeline.py worked it out when it was saved).
    decision_date: str | None = None
    publication_date: str | None = None
    call_in_end: str | None = None
    implementable_from: str | None = None
    challenge_end: str | None = None
    short_notice: bool = False


@dataclass(frozen=True)
class SearchMatch:
    """Where a search found one decision: the places ("title", "proposal", "answers",
    "reference", "verification code") and, for answers, which sections' (slugs, in its
    checklist's order)."""

    places: tuple[str, ...]
    answer_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegisterQuery:
    """What the register shows: search text, filters, sort and a page."""

    search: str = ""
    statuses: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    overdue_only: bool = False
    in_call_in: bool = False  # published, and call-in not yet over, as of `today`
    challenge_open: bool = False  # decided, and the three months not yet run, as of `today`
    today: str = ""
    sort: str = "updated_at"
    descending: bool = True


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


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    decision_id: str
    version: int
    field: str
    old_value: str | None
    new_value: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class RegisterChange:
    """Another session committed a change to the shared register (a live update): which
    decision (None: register-wide, or not known, so read everything again), its version,
    and what kind ("new", "edit", "sign-off", "lock", "amended", "imported", "deleted",
    "action", "register"). A hint to read again, never a copy of what changed."""

    decision_id: str | None
    version: int | None
    kind: str
