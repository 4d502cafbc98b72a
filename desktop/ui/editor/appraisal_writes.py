"""What the options appraisal page needs of the application: each write of the appraisal,
by the decision's id, returning the record as stored afterwards. The application's
AppraisalService (`DecisionService.appraisals`) has these methods; the page is given it
through its constructor, so it never reaches for a service itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from desktop.domain.appraisal import Criterion, LongListEntry
from desktop.domain.decision import Decision


class AppraisalWrites(Protocol):
    """Each raises KnownError (InvalidInput, Refused) when the write is not allowed."""

    def start(self, decision: str) -> Decision:
        """Give the record an appraisal with the default criteria, all weighted 0."""
        ...

    def set_criteria(self, decision: str, criteria: Sequence[Criterion]) -> Decision:
        """The criteria, weights and must-pass marks (refused once the weights are locked)."""
        ...

    def lock_weights(self, decision: str) -> Decision:
        ...

    def change_weight(self, decision: str, criterion: str, weight: int) -> Decision:
        """After the lock, the change is recorded and printed with the record."""
        ...

    def score(self, decision: str, option: int, criterion: str, score: int,
              evidence: str = "") -> Decision:
        """Refused before the weights are locked."""
        ...

    def clear_score(self, decision: str, option: int, criterion: str) -> Decision:
        ...

    def set_rejected_text(self, decision: str, text: str) -> Decision:
        """The author's wording of the rejected-options paragraph ("" = the generated one)."""
        ...

    def set_long_list(self, decision: str, entries: Sequence[LongListEntry]) -> Decision:
        """The long list: each option considered, kept or dropped, and why."""
        ...

    def remove(self, decision: str) -> Decision:
        """Take the appraisal off the record (audited)."""
        ...
