"""The services refuse exactly what domain.rules.allowed refuses, with its reason."""

from __future__ import annotations

import pytest

from desktop.domain.decision import Status
from desktop.domain.errors import NotFound, Refused
from desktop.domain.rules import ACTIONS, allowed
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision


def _draft(service):
    d = complete_decision(service)  # with an action on "staff", to tick
    return service.update(d.id, proposal="")  # a detail missing: a draft again


def _part_signed(service):
    d = complete_decision(service)
    return sign(service, d.id, ROLES[0])


def _withdrawn(service):
    return service.withdraw(_draft(service).id)


def _withdrawn_part_signed(service):
    return service.withdraw(_part_signed(service).id)


def _amendment(service):
    d = signed_off_decision(service)
    return service.lifecycle.amend(d.id, "Add the business plan")


STAGES = {
    "draft": _draft,
    "ready": complete_decision,
    "part signed": _part_signed,
    "signed off": signed_off_decision,
    "withdrawn": _withdrawn,
    "withdrawn part signed": _withdrawn_part_signed,
    "amendment": _amendment,
}


def _attempt(service, d, action):
    unsigned = [r for r in ROLES if r not in {s.role for s in d.sign_offs}]
    signed = [s.role for s in d.sign_offs]
    return {
        "edit": lambda: service.update(d.id, title="A new title"),
        "withdraw": lambda: service.withdraw(d.id),
        "delete": lambda: service.delete(d.id),
        "sign_off": lambda: sign(service, d.id, (unsigned or ROLES)[0]),
        "remove_sign_off": lambda: service.lifecycle.remove_sign_off(d.id, (signed or ROLES)[0]),
        "amend": lambda: service.lifecycle.amend(d.id, "Another change"),
        "mark_actions": lambda: service.lifecycle.set_action_done(d.id, "staff", 0, True),
        "attach_signed_copy": lambda: service.lifecycle.attach_signed_copy(
            d.id, "signed.pdf", b"%PDF-1.4 scan"),
    }[action]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("stage", STAGES)
def test_a_service_refuses_what_allowed_refuses_and_says_why(service, stage, action):
    d = STAGES[stage](service)
    assert d == service.get(d.id)
    rules = allowed(d)
    attempt = _attempt(service, d, action)
    if getattr(rules, action):
        attempt()  # goes through
        return
    reason = rules.why_not(action)
    if action == "remove_sign_off" and not d.sign_offs:
        with pytest.raises(NotFound, match="no sign-off by"):  # names the role asked for
            attempt()
        return
    with pytest.raises(Refused) as refused:
        attempt()
    if action == "sign_off" and d.status == Status.DRAFT:
        # a draft's refusal goes on to list what is still missing
        assert str(refused.value).startswith(reason.removesuffix(".") + ". Still missing: ")
    else:
        assert str(refused.value) == reason
    assert service.get(d.id) == d  # nothing changed


@pytest.mark.parametrize("action", ["mark_actions", "attach_signed_copy"])
def test_an_earlier_version_is_judged_as_it_was_signed(service, action):
    """A version an amendment replaced stays signed off: its actions can still be ticked and
    its signed copy attached."""
    v1 = signed_off_decision(service)
    service.lifecycle.amend(v1.id, "Add the business plan")
    superseded = service.get(v1.id, 1)
    assert getattr(allowed(superseded), action)
    if action == "mark_actions":
        service.lifecycle.set_action_done(v1.id, "staff", 0, True, version=1)
        assert service.get(v1.id, 1).answer("staff").actions[0].done
    else:
        service.lifecycle.attach_signed_copy(v1.id, "signed.pdf", b"%PDF-1.4", version=1)
        assert len(service.lifecycle.signed_copies(v1.id, version=1)) == 1
