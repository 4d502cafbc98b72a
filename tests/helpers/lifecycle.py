"""Shared builders for the lifecycle, lock and audit tests (not a test module)."""

from __future__ import annotations

from desktop.application import lifecycle
from desktop.domain.decision import Action, Answer, Rating
from tests.helpers.shipped import SLUGS

ROLES = ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder")


def complete_decision(service, title: str = "Bring highways maintenance in-house"):
    """A draft with every principle answered: status 'ready'."""
    d = service.create(title, proposal="End the contract in 2027 and employ the crews.",
                       review_date="2027-06-30")
    for slug in SLUGS:
        answer = Answer(rating=Rating.GREEN, response=f"How we meet {slug}.")
        if slug == "staff":
            answer = Answer(rating=Rating.AMBER, response="TUPE consultation under way.",
                            actions=(Action("Consult the unions", "HR lead", "2027-01-31"),))
        d = service.set_answer(d.id, slug, answer)
    return d


def sign(service, decision_id: str, role: str, name: str = "A. Signer",
         date: str = "2026-11-20", minute: str = "Min 45/26"):
    return service.lifecycle.record_sign_off(
        decision_id,
        lifecycle.SignOffRequest(role=role, name=name, date=date, minute_reference=minute),
    )


def signed_off_decision(service, title: str = "Bring highways maintenance in-house"):
    d = complete_decision(service, title)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    return d
