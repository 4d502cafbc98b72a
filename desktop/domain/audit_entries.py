"""One row of the audit log, as storage reads it back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: who changed which field of which version, from what to what, and the
    hashes that chain it to the row before."""

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
