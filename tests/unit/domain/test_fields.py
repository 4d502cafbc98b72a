"""The one table of a decision's details gives the labels, kinds and limits the layers used
to spell out each for themselves (the same values, so the same text on screen and paper)."""

from __future__ import annotations

import pytest

from desktop.domain import fields
from desktop.domain.decision import FIELD_LABELS, Decision


def test_the_labels_are_the_ones_printed_and_shown():
    assert FIELD_LABELS == {
        "title": "Title",
        "proposal": "Proposal",
        "reference": "Reference",
        "reasons": "Reasons for the recommendation",
        "organisation": "Organisation",
        "decision_maker": "Decision maker",
        "proposer": "Proposer",
        "meeting_date": "Meeting date",
        "review_date": "Review date",
        "key_decision": "Key decision",
        "delivery_model": "Recommended delivery model",
        "options": "Options considered",
        "conflicts_of_interest": "Conflicts of interest and dispensations",
        "report_of": "Report of",
        "contact_officer": "Contact officer",
        "wards_affected": "Wards affected",
        "recommendations": "Recommendations",
        "exempt_paragraph": "Exempt information: Schedule 12A paragraph",
        "exempt_parts": "Exempt information: which parts",
        "financial_implications": "Financial implications",
        "financial_officer": "Financial implications: written by",
        "legal_implications": "Legal implications",
        "legal_officer": "Legal implications: written by",
        "equalities_implications": "Equalities implications",
        "equalities_officer": "Equalities implications: written by",
        "forward_plan_notice_date": "Forward plan notice date",
        "urgency_route": "Urgency route",
        "decision_date": "Decision date",
        "publication_date": "Decision notice published",
        "background_papers": "Background papers",
    }


def test_the_kinds_in_the_forms_order():
    assert fields.names("line") == ("title", "reference", "organisation", "decision_maker",
                                    "proposer", "report_of", "contact_officer",
                                    "wards_affected", "financial_officer", "legal_officer",
                                    "equalities_officer")
    assert fields.names("text") == ("proposal", "reasons", "conflicts_of_interest",
                                    "exempt_parts", "financial_implications",
                                    "legal_implications", "equalities_implications")
    assert fields.names("date") == ("meeting_date", "review_date", "forward_plan_notice_date",
                                    "decision_date", "publication_date")
    assert fields.REPORT_FIELDS[0] == "report_of" and fields.REPORT_FIELDS[-2:] == (
        "publication_date", "background_papers")
    assert fields.names("documents") == ("background_papers",)


def test_the_limits_the_service_and_the_form_enforce():
    from desktop.application.decisions import MAX_REFERENCE, MAX_TITLE

    assert (fields.max_length("title"), fields.max_length("reference")) == (200, 60)
    assert (MAX_TITLE, MAX_REFERENCE) == (200, 60)
    with pytest.raises(ValueError):
        fields.max_length("proposal")


def test_every_detail_is_a_field_of_a_decision():
    assert set(fields.FIELDS) <= set(Decision.__dataclass_fields__)
