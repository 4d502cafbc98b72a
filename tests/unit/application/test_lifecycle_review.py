"""Review dates and follow-up: the register's overdue filter agrees with the overdue counts."""

from __future__ import annotations

import pytest

from desktop.domain.decision import Action, Answer, Rating
from desktop.domain.queries import RegisterQuery
from tests.helpers.lifecycle import signed_off_decision

TODAY = "2027-03-01"


@pytest.fixture
def register(service):
    """Decisions covering each overdue case; returns title -> id."""
    ids = {}

    def make(title, review=None, due=None, done=False, withdraw=False):
        d = service.create(title, review_date=review)
        if due:
            d = service.set_answer(d.id, "staff", Answer(
                rating=Rating.AMBER, response="r", actions=(Action("Do it", "Me", due, done),)))
        if withdraw:
            service.withdraw(d.id)
        ids[title] = d.id

    make("review overdue", review="2027-02-28")
    make("review due today", review=TODAY)
    make("review later", review="2027-12-31")
    make("no review date")
    make("action overdue", due="2027-01-31")
    make("action overdue but done", due="2027-01-31", done=True)
    make("action due later", due="2027-06-30")
    make("withdrawn with overdue review and action", review="2026-12-01", due="2027-01-01",
         withdraw=True)
    return ids


def _overdue_titles(service, **query):
    q = RegisterQuery(overdue_only=True, today=TODAY, sort="title", descending=False, **query)
    return [r.title for r in service.register(q)]


def test_overdue_filter_shows_overdue_reviews_and_open_overdue_actions_only(service, register):
    assert _overdue_titles(service) == ["action overdue", "review overdue"]
    assert service.register_count(RegisterQuery(overdue_only=True, today=TODAY)) == 2
    assert service.repo.overdue_counts(TODAY) == (1, 1)


def test_overdue_filter_combines_with_search_and_status(service, register):
    assert _overdue_titles(service, search="action") == ["action overdue"]
    assert _overdue_titles(service, statuses=("withdrawn",)) == []


def test_marking_the_action_done_clears_it_even_after_sign_off(service):
    d = signed_off_decision(service)  # staff action due 2027-01-31, review 2027-06-30
    assert _overdue_titles(service) == [d.title]
    assert service.repo.overdue_counts(TODAY) == (0, 1)
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    assert _overdue_titles(service) == []
    assert service.repo.overdue_counts("2027-07-01") == (1, 0)
    assert _overdue_titles(service) == [] and service.register(
        RegisterQuery(overdue_only=True, today="2027-07-01"))[0].id == d.id


def test_overdue_follows_the_current_version_after_an_amendment(service):
    d = signed_off_decision(service)
    service.lifecycle.amend(d.id, "New review date")
    service.update(d.id, review_date="2026-12-01")
    assert service.repo.overdue_counts(TODAY) == (1, 1)
    rows = service.register(RegisterQuery(overdue_only=True, today=TODAY))
    assert [(r.id, r.version) for r in rows] == [(d.id, 2)]
