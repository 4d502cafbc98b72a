"""What a repository works out from a record to write it (its codes, how complete it is and
its rating, its search text), kept for the last records it was asked about.

An autosave's record is the one the save before it of that record wrote: the save checks it
against the stored row (its codes), compares it with the record it writes (its standing and
search text) and then works the same out for the new one, which the next save holds. Kept by
identity (records are frozen, and each entry keeps its record alive, so an id is not reused
while it is held), each is worked out once, whichever records were saved in between (up to
KEPT/2 of them: the entry asked about longest ago goes first).
"""

from __future__ import annotations

from typing import Any

from desktop.domain.coded_parts import coded_parts, codes_and_parts
from desktop.domain.decision import Decision, Status, completeness, overall_rating
from desktop.domain.record import codes, section_slugs

# records kept: a save asks about two (the one held, the one written), so this is twice
# the records saved in turn that keep theirs (an editor per open record, the bench's 20)
KEPT = 64
_RANK = {None: 0, "not-applicable": 1, "green": 2, "amber": 3, "red": 4}


def search_document(decision: Decision) -> tuple[str, str, str]:
    """(title, proposal, answers) text for the full-text index."""
    parts = []
    answers = decision.answers
    for slug in section_slugs(decision):
        a = answers.get(slug)
        if a is None:  # a section not started has no text
            continue
        parts.append(a.response)
        parts.append(a.evidence)
        if a.documents:  # most answers name none: no generator made for them
            parts.extend(text for x in a.documents for text in (x.title, x.held_at))
    return decision.title, decision.proposal, "\n".join(filter(None, parts))  # blanks left out


def standing(d: Decision) -> dict[str, Any]:
    """The versions columns worked out from its answers: how complete, the overall rating."""
    rating = overall_rating(d)
    value = rating.value if rating else None
    return {"complete": completeness(d), "overall_rating": value, "overall_rank": _RANK[value]}


class WorkedOut:
    """codes(), standing() and document() of a record, each worked out once for each of the
    last KEPT records given."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[Decision, dict[str, Any]]] = {}

    def _of(self, decision: Decision) -> dict[str, Any]:
        held = self._held.pop(id(decision), None)
        if held is not None and held[0] is decision:
            self._held[id(decision)] = held  # the most recently asked about, now
            return held[1]
        if len(self._held) >= KEPT:
            del self._held[next(iter(self._held))]  # the one asked about longest ago
        out: dict[str, Any] = {}
        self._held[id(decision)] = (decision, out)
        return out

    def codes(self, decision: Decision, like: Decision | None = None) -> tuple[str, str]:
        """codes(decision): (the code printed now, the content code). `like`: the record
        `decision` was made from (an edit's), whose coded parts the code is made from when
        the two differ only in answers (desktop/domain/coded_parts.py), which are kept in
        turn for the record made from `decision`."""
        base = None
        if like is not None:
            of_like = self._of(like)
            if "parts" not in of_like:
                of_like["parts"] = None if like.status == Status.SIGNED_OFF else \
                    coded_parts(like)
            base = (like, of_like["parts"]) if of_like["parts"] is not None else None
        known = self._of(decision)
        if "codes" not in known or (base is not None and "parts" not in known):
            if base is None:
                known["codes"] = codes(decision)
            else:
                known["codes"], known["parts"] = codes_and_parts(decision, base)
        return known["codes"]  # type: ignore[no-any-return]

    def standing(self, decision: Decision) -> dict[str, Any]:
        """The versions columns worked out from its answers: how complete, the overall
        rating and its rank (a new dict each call: the caller may add to it)."""
        known = self._of(decision)
        if "standing" not in known:
            known["standing"] = standing(decision)
        return dict(known["standing"])

    def document(self, decision: Decision) -> tuple[str, str, str]:
        """search_document(decision): (title, proposal, answers) text for the index."""
        known = self._of(decision)
        if "document" not in known:
            known["document"] = search_document(decision)
        return known["document"]  # type: ignore[no-any-return]
