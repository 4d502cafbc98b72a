"""Where a register search found each decision it matched (the register's "Matched in")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchMatch:
    """Where a search found one decision: the places ("title", "proposal", "answers",
    "reference", "verification code") and, for answers, which sections' (slugs, in its
    checklist's order)."""

    places: tuple[str, ...]
    answer_slugs: tuple[str, ...] = ()
