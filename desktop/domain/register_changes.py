"""A live update from the shared register: another session committed a change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisterChange:
    """Another session committed a change to the shared register (a live update): which
    decision (None: register-wide, or not known, so read everything again), its version,
    and what kind ("new", "edit", "sign-off", "lock", "amended", "imported", "deleted",
    "action", "register"). A hint to read again, never a copy of what changed."""

    decision_id: str | None
    version: int | None
    kind: str
