"""Domain rules: completeness, the overall rating, task-list states and the lifecycle."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.decision import (
    Action,
    Answer,
    Decision,
    Rating,
    Status,
    answer_gaps,
    answer_problems,
    answer_state,
    completeness,
    derived_status,
    detail_problems,
    is_answer_complete,
    is_complete,
    open_actions,
    overall_rating,
    settled_rating,
)
from tests.helpers.shipped import SLUGS

GOOD_ACTION = Action("Consult the trade unions", "Head of HR", "2027-01-31")


def decision(**answers: Answer) -> Decision:
    return Decision(id="d", title="A decision", proposal="Do it", answers=answers,
                    sections=SLUGS)


def all_answered(rating: Rating = Rating.GREEN, **overrides: Answer) -> Decision:
    answers = {slug: Answer(rating, "We have thought about it.") for slug in SLUGS}
    answers.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return Decision(id="d", title="A decision", proposal="Do it", answers=answers,
                    sections=SLUGS)


# ---- completeness of one answer -------------------------------------------------------------


def test_empty_answer_is_not_complete_and_says_what_is_missing():
    problems = answer_problems(Answer())
    assert problems == ["Choose a rating", "Explain how the proposal meets this principle"]


def test_each_gap_names_the_input_it_is_about():
    assert answer_gaps(Answer()) == [
        ("rating", "Choose a rating"),
        ("response", "Explain how the proposal meets this principle"),
    ]
    assert answer_gaps(Answer(Rating.NOT_APPLICABLE, "")) == [
        ("response", "Explain why this principle does not apply")]
    assert answer_gaps(Answer(Rating.RED, "Partly.")) == [
        ("actions", "Add at least one action with an owner and a due date")]
    assert answer_gaps(Answer(Rating.GREEN, "Staff were consulted.")) == []


def test_green_with_response_is_complete():
    assert is_answer_complete(Answer(Rating.GREEN, "Staff were consulted."))


def test_rating_without_response_is_incomplete():
    assert not is_answer_complete(Answer(Rating.GREEN, ""))
    assert not is_answer_complete(Answer(Rating.GREEN, "   \n\t"))


def test_response_without_rating_is_incomplete():
    assert answer_problems(Answer(None, "Words")) == ["Choose a rating"]


def test_not_applicable_needs_the_reason_in_the_response():
    assert answer_problems(Answer(Rating.NOT_APPLICABLE, " ")) == [
        "Explain why this principle does not apply"
    ]
    assert is_answer_complete(Answer(Rating.NOT_APPLICABLE, "No staff are affected."))


@pytest.mark.parametrize("rating", [Rating.AMBER, Rating.RED])
def test_amber_and_red_need_an_action_with_owner_and_due_date(rating):
    base = Answer(rating, "Partly.")
    missing = "Add at least one action with an owner and a due date"
    assert answer_problems(base) == [missing]
    assert answer_problems(replace(base, actions=(Action("Do", "", "2027-01-01"),))) == [missing]
    assert answer_problems(replace(base, actions=(Action("Do", "Jo", None),))) == [missing]
    assert answer_problems(replace(base, actions=(Action("Do", "  ", "2027-01-01"),))) == [missing]
    assert answer_problems(replace(base, actions=(Action("", "Jo", "2027-01-01"),))) == [missing]
    # one good action among incomplete ones is enough
    mixed = replace(base, actions=(Action("Do", "", None), GOOD_ACTION))
    assert is_answer_complete(mixed)


def test_green_does_not_need_actions_but_may_have_them():
    assert is_answer_complete(Answer(Rating.GREEN, "Yes", actions=(Action("x"),)))


# ---- answer_state ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        (Answer(), "Not started"),
        (Answer(None, "  ", "  "), "Not started"),
        (Answer(None, "Some words"), "Incomplete"),
        (Answer(None, "", "evidence only"), "Incomplete"),
        (Answer(None, "", "", (Action(""),)), "Incomplete"),
        (Answer(Rating.RED, "Bad"), "Incomplete"),
        (Answer(Rating.RED, "Bad", actions=(GOOD_ACTION,)), "Completed"),
        (Answer(Rating.GREEN, "Good"), "Completed"),
    ],
)
def test_answer_state(answer, state):
    assert answer_state(answer) == state


# ---- completeness of a decision and overall rating ----------------------------------------


def test_completeness_counts_complete_principles():
    assert completeness(decision()) == 0
    d = decision(values=Answer(Rating.GREEN, "x"), staff=Answer(Rating.RED, "no actions"))
    assert completeness(d) == 1
    assert completeness(all_answered()) == 10
    assert is_complete(all_answered())


def test_answers_for_unknown_slugs_do_not_count():
    d = decision(**{"not-a-principle": Answer(Rating.GREEN, "x")})
    assert completeness(d) == 0
    assert overall_rating(d) is None


def test_overall_rating_is_none_when_nothing_rated():
    assert overall_rating(decision()) is None
    assert overall_rating(decision(values=Answer(None, "words"))) is None


def test_the_settled_rating_waits_for_every_principle():
    """The worst so far is not the record's rating: nine of ten complete is not yet rated."""
    amber = Answer(Rating.AMBER, "Partly.", actions=(GOOD_ACTION,))
    whole = all_answered(staff=amber)
    assert settled_rating(whole) == overall_rating(whole) == Rating.AMBER
    nine = all_answered(staff=amber, values=Answer())
    assert completeness(nine) == 9 and overall_rating(nine) == Rating.AMBER
    assert settled_rating(nine) is None


def test_overall_rating_all_not_applicable():
    assert overall_rating(all_answered(Rating.NOT_APPLICABLE)) == Rating.NOT_APPLICABLE


def test_one_red_is_never_hidden():
    red = Answer(Rating.RED, "No", actions=(GOOD_ACTION,))
    for slug in SLUGS:
        answers = {s: Answer(Rating.GREEN, "ok") for s in SLUGS}
        answers[slug] = red
        assert overall_rating(replace(decision(), answers=answers)) == Rating.RED, slug


def test_amber_beats_green_and_not_applicable():
    d = all_answered(Rating.GREEN, perseverance=Answer(Rating.AMBER, "p", actions=(GOOD_ACTION,)))
    assert overall_rating(d) == Rating.AMBER
    d = all_answered(Rating.NOT_APPLICABLE, values=Answer(Rating.GREEN, "ok"))
    assert overall_rating(d) == Rating.GREEN


_ORDER = {Rating.GREEN: 1, Rating.AMBER: 2, Rating.RED: 3}


@given(st.lists(st.sampled_from([*Rating, None]), min_size=10, max_size=10))
def test_overall_rating_is_the_worst_of_ten(ratings):
    d = decision(**{s: Answer(r, "x") for s, r in zip(SLUGS, ratings, strict=True)})
    graded = [r for r in ratings if r in _ORDER]
    got = overall_rating(d)
    if graded:
        assert got == max(graded, key=_ORDER.__getitem__)
    elif Rating.NOT_APPLICABLE in ratings:
        assert got == Rating.NOT_APPLICABLE
    else:
        assert got is None


def test_ratings_have_text_labels_and_symbols_not_only_colour():
    assert {r.label for r in Rating} == {"Green", "Amber", "Red", "Not applicable"}
    assert len({r.symbol for r in Rating}) == 4


# ---- lifecycle -----------------------------------------------------------------------------


def test_derived_status_follows_completeness_and_details():
    assert derived_status(decision()) == Status.DRAFT
    ready = all_answered()
    assert derived_status(ready) == Status.READY
    assert derived_status(replace(ready, proposal=" ")) == Status.DRAFT
    assert detail_problems(replace(ready, proposal="")) == [
        ("proposal", "Describe what is proposed")
    ]
    # going back from ready when a principle becomes incomplete
    broken = replace(ready, answers={**ready.answers, "staff": Answer(Rating.RED, "x")})
    assert derived_status(replace(broken, status=Status.READY)) == Status.DRAFT


@pytest.mark.parametrize("status", [Status.SIGNED_OFF, Status.WITHDRAWN])
def test_derived_status_keeps_explicit_states(status):
    assert derived_status(replace(decision(), status=status)) == status
    assert derived_status(replace(all_answered(), status=status)) == status


def test_signed_off_is_locked():
    assert replace(decision(), status=Status.SIGNED_OFF).is_locked
    assert not decision().is_locked


def test_open_actions_in_principle_order_without_done_ones():
    done = Action("finished", "Jo", "2026-01-01", done=True)
    a1 = Action("first", "Jo", "2027-01-01")
    a2 = Action("second", "Al", "2027-02-01")
    d = decision(perseverance=Answer(Rating.AMBER, "x", actions=(a2,)),
                 values=Answer(Rating.AMBER, "x", actions=(done, a1)))
    assert open_actions(d) == [("values", a1), ("perseverance", a2)]


def test_an_edit_that_moves_a_done_action_is_audited_as_ticking_writes_it():
    from desktop.domain.record import field_changes

    done = Action("Brief the crews", "Ops lead", "2027-02-28", done=True)
    old = replace(Decision(id="d", title="T", proposal="P"),
                  answers={"staff": Answer(actions=(GOOD_ACTION, done))})
    new = replace(old, answers={"staff": Answer(actions=(done,))})
    changes = field_changes(old, new)
    assert ("answers.staff.actions[0].done", "no", "yes") in changes
    assert ("answers.staff.actions[1].done", "yes", "no") in changes
    assert not [c for c in field_changes(old, old) if c[0].endswith(".done")]


_TEXT = st.text(max_size=30)
_ANSWERS = st.dictionaries(st.sampled_from(SLUGS), st.builds(
    Answer, st.sampled_from([*Rating, None]), _TEXT, _TEXT,
    st.lists(st.builds(Action, _TEXT, _TEXT, st.none(), st.booleans()), max_size=2).map(tuple)),
    max_size=4)


@given(_ANSWERS, _ANSWERS, st.booleans())
def test_an_audit_diff_that_skips_equal_parts_finds_every_field_a_whole_diff_finds(
        before, edits, new_title):
    """field_changes flattens only the answers, options and appraisal that differ: what it
    reports is exactly what comparing the two records flattened whole reports."""
    from desktop.domain.record import _flatten, field_changes

    old = decision(**before)
    new = replace(old, answers={**before, **edits}, title="Renamed" if new_title else old.title)
    whole_old, whole_new = _flatten(old), _flatten(new)
    whole = [(k, whole_old.get(k), v) for k, v in whole_new.items() if whole_old.get(k) != v]
    assert [c for c in field_changes(old, new) if not c[0].endswith(".done")] == whole


_TYPED = st.sampled_from(["", " ", "\t\n", "x", " Yes. "])


@given(st.sampled_from([None, *Rating]), _TYPED,
       st.lists(st.builds(Action, _TYPED, _TYPED, st.sampled_from([None, "2026-03-01"])),
                max_size=3))
def test_an_answer_is_complete_exactly_when_answer_gaps_finds_nothing(rating, response, actions):
    answer = Answer(rating, response, actions=tuple(actions))
    assert is_answer_complete(answer) is (not answer_gaps(answer))
