"""The one permission rule: what may be done to a record at each stage, and why not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.decision import Decision, SignOff, Status
from desktop.domain.errors import Refused
from desktop.domain.rules import ACTIONS, Allowed, allowed

SIGNED = SignOff("Proposing Director", "A. Director", "2026-11-20")
DRAFT = Decision(id="d", title="Bring highways in-house")
READY = replace(DRAFT, status=Status.READY)
PART_SIGNED = replace(READY, sign_offs=(SIGNED,))
SIGNED_OFF = replace(READY, status=Status.SIGNED_OFF, sign_offs=(SIGNED,))
WITHDRAWN = replace(DRAFT, status=Status.WITHDRAWN)
WITHDRAWN_PART_SIGNED = replace(PART_SIGNED, status=Status.WITHDRAWN)
AMENDMENT = replace(DRAFT, version=2, amendment_reason="Add the business plan")
AMENDMENT_READY = replace(AMENDMENT, status=Status.READY)
# An earlier version, replaced by an amendment, is stored as it was signed: signed off.
SUPERSEDED = SIGNED_OFF

# What each stage allows; everything else it refuses.
STAGES = {
    "draft": (DRAFT, {"edit", "withdraw", "delete", "mark_actions"}),
    "ready": (READY, {"edit", "withdraw", "delete", "sign_off", "mark_actions"}),
    "part signed": (PART_SIGNED, {"withdraw", "sign_off", "remove_sign_off", "mark_actions"}),
    "signed off": (SIGNED_OFF, {"amend", "mark_actions", "attach_signed_copy"}),
    "superseded": (SUPERSEDED, {"amend", "mark_actions", "attach_signed_copy"}),
    "withdrawn": (WITHDRAWN, set()),
    "withdrawn part signed": (WITHDRAWN_PART_SIGNED, set()),
    "amendment draft": (AMENDMENT, {"edit", "withdraw", "mark_actions"}),
    "amendment ready": (AMENDMENT_READY, {"edit", "withdraw", "sign_off", "mark_actions"}),
}


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_allows_exactly_its_actions(stage):
    decision, expected = STAGES[stage]
    rules = allowed(decision)
    assert {a for a in ACTIONS if getattr(rules, a)} == expected
    assert set(rules.refusals) == set(ACTIONS) - expected


def test_the_actions_are_the_booleans_of_allowed():
    from dataclasses import fields

    assert set(ACTIONS) == {f.name for f in fields(Allowed)} - {"refusals"}


@pytest.mark.parametrize(("decision", "action", "reason"), [
    (SIGNED_OFF, "edit",
     "'Bring highways in-house' version 1 is signed off and locked; amend it to make changes."),
    (WITHDRAWN, "edit", "'Bring highways in-house' has been withdrawn and cannot be changed."),
    (PART_SIGNED, "edit",
     "'Bring highways in-house' version 1 has sign-offs recorded; finish recording them, or "
     "remove them, before changing it."),
    (WITHDRAWN_PART_SIGNED, "edit",  # the stage first: withdrawn, whatever was signed
     "'Bring highways in-house' has been withdrawn and cannot be changed."),
    (SIGNED_OFF, "withdraw",
     "'Bring highways in-house' version 1 is signed off and locked; amend it to make changes."),
    (WITHDRAWN, "withdraw", "'Bring highways in-house' has been withdrawn and cannot be changed."),
    (AMENDMENT, "delete",
     "Only a first version can be deleted; 'Bring highways in-house' is version 2, an "
     "amendment, so it is kept. Withdraw it instead."),
    (AMENDMENT_READY, "delete",
     "Only a first version can be deleted; 'Bring highways in-house' is version 2, an "
     "amendment, so it is kept. Withdraw it instead."),
    (WITHDRAWN, "delete",  # not "withdraw it instead": it has been
     "'Bring highways in-house' has been withdrawn; it is kept for the record and cannot be "
     "deleted."),
    (SIGNED_OFF, "delete",  # a signed-off record cannot be withdrawn either
     "'Bring highways in-house' version 1 is signed off; it is kept for the record and "
     "cannot be deleted."),
    (PART_SIGNED, "delete",
     "'Bring highways in-house' has sign-offs recorded, so it is kept. Remove them first if "
     "they were recorded by mistake, or withdraw it."),
    (SIGNED_OFF, "sign_off",
     "'Bring highways in-house' version 1 is already signed off and locked; amend it to "
     "change it."),
    (WITHDRAWN, "sign_off",
     "'Bring highways in-house' version 1 has been withdrawn and cannot be signed."),
    (DRAFT, "sign_off",
     "'Bring highways in-house' version 1 is not complete, so it cannot be signed off."),
    (SIGNED_OFF, "remove_sign_off",
     "'Bring highways in-house' version 1 is signed off and locked; its sign-offs cannot be "
     "removed."),
    (WITHDRAWN_PART_SIGNED, "remove_sign_off",
     "'Bring highways in-house' has been withdrawn and cannot be changed."),
    (READY, "remove_sign_off", "No sign-off is recorded on 'Bring highways in-house' version 1."),
    (READY, "amend",
     "'Bring highways in-house' is ready for sign-off, not signed off; change it directly "
     "instead of amending it."),
    (DRAFT, "amend",
     "'Bring highways in-house' is a draft, not signed off; change it directly instead of "
     "amending it."),
    (AMENDMENT, "amend",
     "'Bring highways in-house' is a draft, not signed off; change it directly instead of "
     "amending it."),
    (WITHDRAWN, "amend", "'Bring highways in-house' has been withdrawn and cannot be amended."),
    (WITHDRAWN_PART_SIGNED, "amend",
     "'Bring highways in-house' has been withdrawn and cannot be amended."),
    (PART_SIGNED, "amend",  # it cannot be changed directly either: the signers signed it
     "'Bring highways in-house' version 1 is not signed off yet, so it cannot be amended; "
     "finish recording the sign-offs, or remove them to change it."),
    (WITHDRAWN, "mark_actions", "'Bring highways in-house' has been withdrawn."),
    (PART_SIGNED, "attach_signed_copy",
     "'Bring highways in-house' version 1 is not signed off yet; attach the signed copy after "
     "recording the sign-offs."),
])
def test_each_refusal_says_why(decision, action, reason):
    rules = allowed(decision)
    assert not getattr(rules, action)
    assert rules.why_not(action) == reason
    with pytest.raises(Refused) as refused:
        rules.require(action)
    assert str(refused.value) == reason


def test_an_allowed_action_has_no_reason_and_passes():
    rules = allowed(READY)
    assert rules.why_not("sign_off") == ""
    rules.require("sign_off")  # does not raise


def test_an_unknown_action_is_a_mistake_not_a_refusal():
    with pytest.raises(ValueError, match="'sign' is not one of edit, withdraw"):
        allowed(DRAFT).why_not("sign")


def test_the_lifecycle_moves_only_forward():
    """draft <-> ready (by editing), ready -> signed off, draft/ready -> withdrawn; a signed-off
    version changes only by amendment (a new version), a withdrawn one never."""
    assert allowed(DRAFT).edit and allowed(READY).edit  # completeness moves between them
    assert allowed(READY).sign_off and not allowed(DRAFT).sign_off  # ready first
    assert allowed(DRAFT).withdraw and allowed(READY).withdraw
    locked = allowed(SIGNED_OFF)
    assert not (locked.edit or locked.withdraw or locked.sign_off or locked.delete)
    assert locked.amend
    assert not any(getattr(allowed(WITHDRAWN), a) for a in ACTIONS)


decisions = st.builds(
    Decision,
    id=st.just("d"),
    title=st.text(max_size=40),
    version=st.integers(1, 5),
    status=st.sampled_from(Status),
    sign_offs=st.lists(st.just(SIGNED), max_size=3).map(tuple),
)


@given(decisions)
def test_every_refusal_has_a_reason_naming_the_record(d):
    rules = allowed(d)
    for action in ACTIONS:
        reason = rules.why_not(action)
        assert bool(reason) != getattr(rules, action)
        if reason:  # a sentence, naming the record as the services name it
            assert repr(d.title) in reason and reason.endswith(".")


@given(decisions)
def test_the_rules_hold_together(d):
    rules = allowed(d)
    open_ = d.status in (Status.DRAFT, Status.READY)
    assert rules.withdraw == open_
    assert rules.edit == (open_ and not d.sign_offs)  # signed content stays as signed
    assert rules.delete == (rules.edit and d.version == 1)  # a first-version draft only
    assert rules.sign_off == (d.status == Status.READY)
    assert rules.remove_sign_off == (open_ and bool(d.sign_offs))
    assert rules.amend == rules.attach_signed_copy == (d.status == Status.SIGNED_OFF)
    assert rules.mark_actions == (d.status != Status.WITHDRAWN)  # follow-up, even when locked
    assert not (rules.edit and rules.amend)
