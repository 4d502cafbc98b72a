"""Decision records, answers, ratings, completeness and the lifecycle."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING

from desktop.domain.fields import LABELS
from desktop.domain.frozen import frozen

if TYPE_CHECKING:  # imported where an appraisal is read: not before the register's first paint
    from desktop.domain.appraisal import Appraisal


class Rating(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_APPLICABLE = "not-applicable"

    @property
    def label(self) -> str:
        return RATING_LABELS[self]

    @property
    def symbol(self) -> str:
        return RATING_SYMBOLS[self]


RATING_LABELS = {
    Rating.GREEN: "Green",
    Rating.AMBER: "Amber",
    Rating.RED: "Red",
    Rating.NOT_APPLICABLE: "Not applicable",
}
# Shapes carry the rating without colour (print in black and white; colour blindness).
RATING_SYMBOLS = {
    Rating.GREEN: "✓",
    Rating.AMBER: "!",
    Rating.RED: "✕",
    Rating.NOT_APPLICABLE: "–",
}
_SEVERITY = {Rating.GREEN: 1, Rating.AMBER: 2, Rating.RED: 3}
# A rating's stored text, None for none: RATING_VALUE.get(rating) in loops over every answer
# (rating.value goes through enum's descriptor, five times the cost of the dict lookup).
RATING_VALUE: dict[Rating | None, str] = {r: r.value for r in Rating}


class Status(enum.StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SIGNED_OFF = "signed-off"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            Status.DRAFT: "Draft",
            Status.READY: "Ready for sign-off",
            Status.SIGNED_OFF: "Signed off",
            Status.WITHDRAWN: "Withdrawn",
        }[self]


DELIVERY_MODELS: tuple[str, ...] = (
    "in-house",
    "outsource",
    "shared-service",
    "social-sector",
    "co-production",
    "stop",
    "other",
)
DELIVERY_MODEL_LABELS = {
    "in-house": "In-house",
    "outsource": "Outsource",
    "shared-service": "Shared service",
    "social-sector": "Social sector (social enterprise, charity, community)",
    "co-production": "Co-production with users",
    "stop": "Stop the service",
    "other": "Other",
}
OPTION_STATUSES: tuple[str, ...] = ("recommended", "rejected")


@frozen
class Action:
    """Something to be done where a principle falls short."""

    action: str
    owner: str = ""
    due: str | None = None
    done: bool = False

    @property
    def is_complete(self) -> bool:
        return bool(self.action.strip() and self.owner.strip() and self.due)


@frozen
class Document:
    """A document the evidence rests on, as a background paper names it: its title, its date
    (YYYY-MM-DD, None until known) and where it is held (a file path, a web address, an
    office)."""

    title: str
    date: str | None = None
    held_at: str = ""


@frozen
class Answer:
    """The answer to one section of a checklist."""

    rating: Rating | None = None
    response: str = ""
    evidence: str = ""
    actions: tuple[Action, ...] = ()
    documents: tuple[Document, ...] = ()


EMPTY_ANSWER = Answer()


@frozen
class Option:
    """An option considered; one is recommended, the others rejected."""

    name: str
    status: str = "rejected"
    delivery_model: str | None = None
    reason: str = ""


@frozen
class SignOff:
    """A recorded sign-off by one role."""

    role: str
    name: str
    date: str
    minute_reference: str = ""
    comment: str = ""


@frozen
class Decision:
    """One version of a decision record."""

    id: str
    title: str
    proposal: str = ""
    reference: str = ""
    reasons: str = ""
    organisation: str = ""
    decision_maker: str = ""
    proposer: str = ""
    meeting_date: str | None = None
    review_date: str | None = None
    key_decision: bool = False
    delivery_model: str | None = None
    options: tuple[Option, ...] = ()
    conflicts_of_interest: str = ""
    answers: Mapping[str, Answer] = field(default_factory=dict)
    version: int = 1
    status: Status = Status.DRAFT
    checklist_id: str = ""
    checklist_version: int = 0
    sign_offs: tuple[SignOff, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    amendment_reason: str = ""
    # SHA-256 of the stored checklist definition this version was answered against, and
    # how its verification code is derived (1: before definitions and sign-offs were part
    # of the code; kept so that codes printed then still verify). See domain/record.py.
    checklist_sha256: str = ""
    code_scheme: int = 2
    # The section slugs of that checklist, in its order: what completeness, the overall
    # rating and the record follow (set wherever the checklist is known: storage, services).
    sections: tuple[str, ...] = ()
    # The committee report (desktop/domain/fields.py labels them).
    report_of: str = ""
    contact_officer: str = ""
    wards_affected: str = ""  # free text: "All wards", or the wards named
    recommendations: tuple[str, ...] = ()
    exempt_paragraph: int | None = None  # Schedule 12A paragraph 1-7; None: not exempt
    exempt_parts: str = ""
    financial_implications: str = ""
    financial_officer: str = ""
    legal_implications: str = ""
    legal_officer: str = ""
    equalities_implications: str = ""
    equalities_officer: str = ""
    # The decision timeline's own dates (desktop/domain/timeline.py works out the rest).
    forward_plan_notice_date: str | None = None
    urgency_route: str = "none"
    decision_date: str | None = None  # None: the meeting date
    publication_date: str | None = None
    # The report's own background papers, which are not the evidence of one answer (the
    # record prints them first, then the documents the answers name).
    background_papers: tuple[Document, ...] = ()
    # The options appraisal (desktop/domain/appraisal.py); None when the record has none.
    appraisal: Appraisal | None = None

    def answer(self, slug: str) -> Answer:
        return self.answers.get(slug, EMPTY_ANSWER)

    @property
    def is_locked(self) -> bool:
        return self.status == Status.SIGNED_OFF


FIELD_LABELS = LABELS  # each detail's label (desktop/domain/fields.py)
_NEEDS_ACTION = frozenset({Rating.AMBER, Rating.RED})  # the ratings that need an action


def answer_gaps(answer: Answer, noun: str = "principle") -> list[tuple[str, str]]:
    """(field, message) of what is still missing before this section is complete: the field
    is the answer's input it is about, "rating", "response" or "actions". `noun` names the
    section as a sentence does ("principle", "duty": Principle.noun)."""
    gaps: list[tuple[str, str]] = []
    rating = answer.rating  # looked at up to three times: read once
    if rating is None:
        gaps.append(("rating", "Choose a rating"))
    if not answer.response.strip():
        if rating == Rating.NOT_APPLICABLE:
            gaps.append(("response", f"Explain why this {noun} does not apply"))
        else:
            gaps.append(("response", f"Explain how the proposal meets this {noun}"))
    if rating in _NEEDS_ACTION:
        for a in answer.actions:  # a loop, not any(generator): imports call this 17,000 times
            if a.is_complete:
                break
        else:
            gaps.append(("actions", "Add at least one action with an owner and a due date"))
    return gaps


def answer_problems(answer: Answer, noun: str = "principle") -> list[str]:
    """What is still missing before this section is complete (empty when complete)."""
    return [message for _field, message in answer_gaps(answer, noun)]


def is_answer_complete(answer: Answer) -> bool:
    """A principle is complete when it has a rating, a response and any actions required:
    when answer_gaps finds nothing missing (the same three tests, without the messages, so
    the 17,000 calls of an import build no lists; tests/unit/domain/test_domain.py holds the
    two together)."""
    rating = answer.rating
    if rating is None or not answer.response.strip():
        return False
    if rating in _NEEDS_ACTION:
        return any(a.is_complete for a in answer.actions)
    return True


def answer_state(answer: Answer) -> str:
    """Task-list state: 'Not started', 'Incomplete' or 'Completed'."""
    if answer == EMPTY_ANSWER or (
        answer.rating is None
        and not answer.response.strip()
        and not answer.evidence.strip()
        and not answer.actions
        and not answer.documents
    ):
        return "Not started"
    return "Completed" if is_answer_complete(answer) else "Incomplete"


def completed_slugs(decision: Decision) -> list[str]:
    """The sections of its checklist that are complete, in order (for Checklist.progress)."""
    return [slug for slug in decision.sections if is_answer_complete(decision.answer(slug))]


def completeness(decision: Decision) -> int:
    """How many sections of the decision's checklist are complete."""
    answers = decision.answers  # a section without an answer is not complete (EMPTY_ANSWER)
    return sum(1 for slug in decision.sections
               if (a := answers.get(slug)) is not None and is_answer_complete(a))


def sections_complete(decision: Decision) -> bool:
    """Every section of its checklist is complete (a decision without one never is)."""
    return bool(decision.sections) and all(
        is_answer_complete(decision.answer(slug)) for slug in decision.sections)


def appraisal_gaps(decision: Decision) -> list[str]:
    """What its options appraisal still lacks (desktop/domain/appraisal.py); none without one."""
    if decision.appraisal is None:
        return []
    from desktop.domain.appraisal import appraisal_problems

    return appraisal_problems(decision.appraisal, decision.options)


def is_complete(decision: Decision) -> bool:
    """Every section of its checklist is complete, and so is its appraisal when it has one."""
    return sections_complete(decision) and not appraisal_gaps(decision)


def overall_rating(decision: Decision) -> Rating | None:
    """The worst rating of its sections (red > amber > green); N/A only if all rated are N/A."""
    answers = decision.answers  # a section without an answer has no rating (EMPTY_ANSWER)
    ratings = [a.rating for s in decision.sections if (a := answers.get(s)) is not None]
    rated = [r for r in ratings if r in _SEVERITY]
    if rated:
        return max(rated, key=_SEVERITY.__getitem__)
    if any(r == Rating.NOT_APPLICABLE for r in ratings):
        return Rating.NOT_APPLICABLE
    return None


def settled_rating(decision: Decision) -> Rating | None:
    """The overall rating once every section is complete; None before then, so an early
    draft's worst-so-far (three greens, say) never reads as the record's rating."""
    return overall_rating(decision) if sections_complete(decision) else None


def detail_problems(decision: Decision) -> list[tuple[str, str]]:
    """Missing decision details as (field, message)."""
    problems: list[tuple[str, str]] = []
    if not decision.title.strip():
        problems.append(("title", "Enter a title"))
    if not decision.proposal.strip():
        problems.append(("proposal", "Describe what is proposed"))
    return problems


def derived_status(decision: Decision) -> Status:
    """Draft and ready follow completeness; other states are set explicitly."""
    if decision.status in (Status.SIGNED_OFF, Status.WITHDRAWN):
        return decision.status
    if is_complete(decision) and not detail_problems(decision):
        return Status.READY
    return Status.DRAFT


def background_papers(decision: Decision) -> list[tuple[str, Document]]:
    """(slug, document): the report's own background papers first (slug ""), then every
    document its answers name, in the checklist's order: the record's background papers,
    numbered from 1 in this order."""
    return [*(("", x) for x in decision.background_papers),
            *((slug, x) for slug in decision.sections for x in decision.answer(slug).documents)]


def open_actions(decision: Decision) -> list[tuple[str, Action]]:
    """(slug, action) for every action not yet done, in the checklist's order."""
    return [
        (slug, a) for slug in decision.sections for a in decision.answer(slug).actions
        if not a.done
    ]
