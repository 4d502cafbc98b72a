"""The decision's details as one table: each field's name, label, kind and length limit.

The order is the form's (the editor's Details page). The printed record and the redline read
them in their own order (desktop/domain/redline.py), and the bundle and the content code
keep theirs (contracts), so those lists name fields but take labels and limits from here.
"""

from __future__ import annotations

from desktop.domain.frozen import frozen


@frozen
class DetailField:
    """One of a decision's details."""

    name: str
    label: str
    # "line" (one line of text), "text" (paragraphs), "date", "flag", "choice", "options",
    # "list" (numbered lines), "paragraph" (a Schedule 12A paragraph number, or none),
    # "documents" (title, date, where held: domain.decision.Document)
    kind: str
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
    # The committee report (issue 15, part 3).
    DetailField("report_of", "Report of", "line", 200),
    DetailField("contact_officer", "Contact officer", "line", 200),
    DetailField("wards_affected", "Wards affected", "line", 500),
    DetailField("recommendations", "Recommendations", "list"),
    DetailField("exempt_paragraph", "Exempt information: Schedule 12A paragraph", "paragraph"),
    DetailField("exempt_parts", "Exempt information: which parts", "text"),
    DetailField("financial_implications", "Financial implications", "text"),
    DetailField("financial_officer", "Financial implications: written by", "line", 200),
    DetailField("legal_implications", "Legal implications", "text"),
    DetailField("legal_officer", "Legal implications: written by", "line", 200),
    DetailField("equalities_implications", "Equalities implications", "text"),
    DetailField("equalities_officer", "Equalities implications: written by", "line", 200),
    # The decision timeline (desktop/domain/timeline.py works out the rest).
    DetailField("forward_plan_notice_date", "Forward plan notice date", "date"),
    DetailField("urgency_route", "Urgency route", "choice"),
    DetailField("decision_date", "Decision date", "date"),
    DetailField("publication_date", "Decision notice published", "date"),
    # The report's own background papers (title, date, where held), as an answer's documents.
    DetailField("background_papers", "Background papers", "documents"),
)
FIELDS = {f.name: f for f in DETAILS}
LABELS = {f.name: f.label for f in DETAILS}
# The committee report's new fields, in the form's order (left out of a record while blank,
# so records written before them keep their codes: desktop/domain/record.py).
REPORT_FIELDS: tuple[str, ...] = tuple(f.name for f in DETAILS[DETAILS.index(FIELDS["report_of"]):])
EXEMPT_PARAGRAPHS = range(1, 8)  # Schedule 12A, Part 1, paragraphs 1 to 7
# What each paragraph covers, shortened from the Local Government Act 1972, Schedule 12A.
EXEMPT_PARAGRAPH_LABELS = {
    1: "information relating to any individual",
    2: "information likely to reveal the identity of an individual",
    3: "the financial or business affairs of any particular person (including the council)",
    4: "consultations or negotiations on a labour relations matter",
    5: "information subject to legal professional privilege",
    6: "a notice, order or direction the council proposes to give or make under an enactment",
    7: "the prevention, investigation or prosecution of crime",
}
# Who writes each implication, as printed under their name.
IMPLICATIONS: tuple[tuple[str, str], ...] = (
    ("financial", "Chief Finance Officer (Section 151 officer)"),
    ("legal", "Monitoring Officer"),
    ("equalities", "Equalities officer"),
)


def names(kind: str) -> tuple[str, ...]:
    """The details of one kind, in the form's order."""
    return tuple(f.name for f in DETAILS if f.kind == kind)


def max_length(name: str) -> int:
    """The length limit of a field that has one (KeyError/ValueError for one that has none)."""
    limit = FIELDS[name].max_length
    if limit is None:
        raise ValueError(f"{name} has no length limit")
    return limit
