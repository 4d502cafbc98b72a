"""The decision's details as one table: each field's name, label, kind and length limit.

The order is the form's (the editor's Details page). The printed record and the redline read
them in their own order (desktop/domain/redline.py), and the bundle and the content code
keep theirs (contracts), so those lists name fields but take labels and limits from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DetailField:
    """One of a decision's details."""

    name: str
    label: str
    kind: str  # "line" (one line of text), "text" (paragraphs), "date", "flag", "choice", "options"
    max_length: int | None = None  # characters that can be saved (None: no limit)


DETAILS: tuple[DetailField, ...] = (
    DetailField("title", "Title", "line", 200),
    DetailField("reference", "Reference", "line", 60),
    DetailField("proposal", "Proposal", "text"),
    DetailField("reasons", "Reasons for the recommendation", "text"),
    DetailField("organisation", "Organisation", "line"),
    DetailField("decision_maker", "Decision maker", "line"),
    DetailField("proposer", "Proposer", "line"),
    DetailField("meeting_date", "Meeting date", "date"),
    DetailField("review_date", "Review date", "date"),
    DetailField("key_decision", "Key decision", "flag"),
    DetailField("delivery_model", "Recommended delivery model", "choice"),
    DetailField("options", "Options considered", "options"),
    DetailField("conflicts_of_interest", "Conflicts of interest and dispensations", "text"),
)
FIELDS = {f.name: f for f in DETAILS}
LABELS = {f.name: f.label for f in DETAILS}


def names(kind: str) -> tuple[str, ...]:
    """The details of one kind, in the form's order."""
    return tuple(f.name for f in DETAILS if f.kind == kind)


def max_length(name: str) -> int:
    """The length limit of a field that has one (KeyError/ValueError for one that has none)."""
    limit = FIELDS[name].max_length
    if limit is None:
        raise ValueError(f"{name} has no length limit")
    return limit
