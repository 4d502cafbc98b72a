"""Two editors of one record (two windows on a shared register, each with its own connection):
each save applies only what its editor changed since it read the record, onto what is stored
now, so neither undoes the other; a part both changed is refused, never overwritten.

A contract test: both engines (on the server, two connections as two database users)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.domain.decision import Action, Answer, Rating
from desktop.domain.errors import Refused
from desktop.domain.merge import EditConflict, changed_parts, merge
from tests.helpers.lifecycle import ROLES, complete_decision, sign


@pytest.fixture
def service(any_service):
    return any_service


@pytest.fixture
def elsewhere(any_elsewhere):
    return any_elsewhere


def _form(decision):
    """The details page's fields as a form sends them: every field, changed or not."""
    return {"title": decision.title, "proposal": decision.proposal,
            "reference": decision.reference, "decision_maker": decision.decision_maker,
            "options": decision.options, "key_decision": decision.key_decision}


def test_two_editors_of_the_details_keep_both_edits(service, elsewhere):
    opened = service.create("Draft one")
    theirs = elsewhere.update(elsewhere.get(opened.id), **{**_form(opened),
                                                           "title": "Draft one AAA"})
    saved = service.update(opened, **{**_form(opened), "proposal": "BBB"})
    stored = service.get(opened.id)
    assert (stored.title, stored.proposal) == ("Draft one AAA", "BBB")
    assert saved == stored  # the editor is given the merged record to show
    history = service.lifecycle.history(opened.id)
    theirs_last = max(e.id for e in history if e.user != "tester")  # the rows of my save follow
    mine = [e for e in history if e.user == "tester" and e.id > theirs_last]
    assert [(e.field, e.new_value) for e in mine] == [("proposal", "BBB")]  # no revert audited
    assert theirs.title == "Draft one AAA"


def test_two_editors_of_one_answer_keep_both_parts(service, elsewhere):
    opened = service.create("Draft one")
    elsewhere.set_answer(opened.id, "values", Answer(response="Met, says A."))
    service.set_answer(opened, "values", Answer(evidence="Survey 2026, says B."))
    stored = service.get(opened.id).answer("values")
    assert (stored.response, stored.evidence) == ("Met, says A.", "Survey 2026, says B.")


def test_the_same_field_changed_by_both_keeps_theirs_and_refuses_mine(service, elsewhere):
    opened = service.create("Draft one")
    elsewhere.update(opened.id, title="Draft one AAA")
    with pytest.raises(EditConflict, match="Changed by someone else since you opened it: "
                                           "Title") as refused:
        service.update(opened, **{**_form(opened), "title": "Draft one BBB",
                                  "reference": "CAB 9/27"})
    stored = service.get(opened.id)
    assert stored.title == "Draft one AAA"  # theirs stays
    assert stored.reference == "CAB 9/27"  # the rest of mine is saved
    assert refused.value.saved == stored
    assert refused.value.conflicts == ("title",)
    assert refused.value.base == opened


def test_a_conflict_on_an_answer_names_the_principle_and_keeps_theirs(service, elsewhere):
    opened = service.create("Draft one")
    elsewhere.set_answer(opened.id, "staff", Answer(response="A's words."))
    with pytest.raises(EditConflict, match=r"the response of 3\. Staff"):
        service.set_answer(opened, "staff", Answer(response="B's words.", rating=Rating.GREEN))
    stored = service.get(opened.id).answer("staff")
    assert (stored.response, stored.rating) == ("A's words.", Rating.GREEN)


def test_the_same_change_made_by_both_is_no_conflict(service, elsewhere):
    opened = service.create("Draft one")
    elsewhere.update(opened.id, title="Agreed title")
    saved = service.update(opened, **{**_form(opened), "title": "Agreed title"})
    assert saved.title == "Agreed title"


def test_an_action_ticked_done_elsewhere_survives_an_edit_of_the_same_answer(service,
                                                                             elsewhere):
    held = complete_decision(service)
    elsewhere.lifecycle.set_action_done(held.id, "staff", 0, True)
    edited = replace(held.answer("staff"), response="Consultation finished.")
    saved = service.set_answer(held, "staff", edited)
    assert saved.answer("staff").actions[0].done
    assert saved.answer("staff").response == "Consultation finished."


def test_a_change_put_back_elsewhere_is_not_undone_by_the_next_keystroke(service, elsewhere):
    """As after a restore from another process: the stored record went back to older content."""
    opened = service.update(service.create("Draft one"), title="Draft one AAA")
    elsewhere.update(opened.id, title="Draft one")  # put back
    service.update(opened, **{**_form(opened), "decision_maker": "Cabinet"})
    stored = service.get(opened.id)
    assert (stored.title, stored.decision_maker) == ("Draft one", "Cabinet")


def test_an_edit_of_a_version_amended_elsewhere_is_refused_not_moved(service, elsewhere):
    held = complete_decision(service)
    for role in ROLES:
        sign(elsewhere, held.id, role)
    elsewhere.lifecycle.amend(held.id, "The review date moved")
    with pytest.raises(Refused, match="version 1 was amended elsewhere: version 2"):
        service.update(held, title="Typed on version 1")
    assert service.get(held.id).title == held.title
    assert service.get(held.id).version == 2


def test_an_edit_of_a_record_deleted_elsewhere_says_so_in_words(service, elsewhere):
    held = service.create("Draft one")
    elsewhere.delete(held.id)
    with pytest.raises(Refused, match="'Draft one' was deleted elsewhere") as refused:
        service.update(held, title="Draft two")
    assert held.id not in str(refused.value)


def test_merge_applies_only_the_parts_mine_changed(service):
    base = service.create("Base")
    mine = replace(base, title="Mine", answers={"values": Answer(response="r")})
    theirs = replace(base, proposal="Theirs",
                     answers={"values": Answer(actions=(Action("Do it", "Me"),))})
    merged = merge(base, mine, theirs)
    assert merged.conflicts == ()
    assert (merged.record.title, merged.record.proposal) == ("Mine", "Theirs")
    assert merged.record.answer("values") == Answer(response="r",
                                                     actions=(Action("Do it", "Me"),))
    assert changed_parts(base, merged.record) == ("title", "proposal",
                                                  "answers.values.response",
                                                  "answers.values.actions")


def test_options_edited_while_a_score_is_saved_elsewhere_carry_every_score(service, elsewhere):
    """The editor removes an option while another process scores a cell: merged, each
    option's scores (the new one too) stay with it."""
    from tests.helpers.appraisal import LIBRARIES, appraised_decision

    opened = appraised_decision(service, LIBRARIES)
    elsewhere.appraisals.score(elsewhere.get(opened.id), 2, "affordability", 0, "New costs")
    by_name = {o.name: {s.criterion: s.score for s in elsewhere.get(opened.id).appraisal.scores
                        if s.option == i} for i, o in enumerate(opened.options)}
    assert by_name[opened.options[2].name]["affordability"] == 0
    saved = service.update(opened, options=opened.options[1:])  # the first removed
    stored = service.get(opened.id)
    assert saved == stored and stored.options == opened.options[1:]
    for i, o in enumerate(stored.options):
        assert {s.criterion: s.score for s in stored.appraisal.scores if s.option == i} == \
            by_name[o.name]


def test_my_scores_placed_for_my_options_are_not_put_on_theirs(service):
    from desktop.domain.appraisal import option_renumbering, with_options_renumbered
    from tests.helpers.appraisal import LIBRARIES, appraised_decision

    base = appraised_decision(service, LIBRARIES)
    swapped = (base.options[1], base.options[0], *base.options[2:])
    mine = replace(base, options=swapped, appraisal=with_options_renumbered(
        base.appraisal, option_renumbering(base.options, swapped)))
    theirs = replace(base, options=base.options[:3])  # the last removed elsewhere
    merged = merge(base, mine, theirs)
    assert set(merged.conflicts) == {"options", "appraisal"}
    assert merged.record == theirs  # neither my options nor my moved scores
