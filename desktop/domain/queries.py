"""What the register is asked for and the rows it gives back: plain values, shared by storage
(which answers) and the window (which asks).

The register's first page needs only these two classes, and a frozen dataclass costs ~0.5 ms
to create (Python 3.11 compiles its generated methods), so the other rows and questions live
in modules of their own, loaded where first used: the open actions (`action_queries.py`), the
audit log's rows (`audit_entries.py`), where a search matched (`search_matches.py`) and the
shared register's live updates (`register_changes.py`)."""

from __future__ import annotations

from desktop.domain.decision import Rating, Status
from desktop.domain.frozen import frozen


@frozen
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



@frozen
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
