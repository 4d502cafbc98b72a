"""Builders shared by the window's tests (not a test module)."""

from __future__ import annotations

from desktop.application import lifecycle
from desktop.domain.decision import Action, Answer, Rating
from tests.helpers.shipped import SLUGS

ROLES = ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder")


def complete_decision(service):
    d = service.create("Hand the libraries to a community trust", proposal="Transfer in 2027.")
    for slug in SLUGS:
        answer = Answer(rating=Rating.GREEN, response="Met.")
        if slug == "users":
            answer = Answer(rating=Rating.AMBER, response="Consultation pending.",
                            actions=(Action("Run the consultation", "Head of libraries",
                                            "2027-02-01"),))
        d = service.set_answer(d.id, slug, answer)
    return d


USERS_PAGE = SLUGS.index("users") + 1  # complete_decision gives "users" one action


def sign_all(service, decision_id):
    for role in ROLES:
        service.lifecycle.record_sign_off(decision_id, lifecycle.SignOffRequest(
            role, f"Signer {role.split()[0]}", "2026-11-20", "Cab 12/26"))
    return service.get(decision_id)
