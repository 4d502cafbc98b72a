"""The window offers what domain.rules.allowed allows, at every stage of a record."""

from __future__ import annotations

import pytest

from desktop.application import lifecycle
from desktop.domain.rules import allowed
from tests.helpers.gui import ROLES, USERS_PAGE, complete_decision, sign_all
from tests.helpers.shipped import SUMMARY_PAGE


def _sign_one(service, d):
    return service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(
        ROLES[0], "Signer Proposing", "2026-11-20", "Cab 12/26"))


STAGES = {
    "draft": lambda s: s.update(complete_decision(s).id, proposal=""),
    "ready": complete_decision,
    "part signed": lambda s: _sign_one(s, complete_decision(s)),
    "signed off": lambda s: sign_all(s, complete_decision(s).id),
    "withdrawn": lambda s: s.withdraw(complete_decision(s).id),
    "withdrawn part signed": lambda s: s.withdraw(_sign_one(s, complete_decision(s)).id),
    "amendment": lambda s: s.lifecycle.amend(sign_all(s, complete_decision(s).id).id,
                                           "Add the trust's business plan"),
}


def _offered(window) -> dict[str, bool]:
    """Each window action that a rule governs, as enabled now."""
    actions = window.lifecycle
    return {
        "withdraw": window.withdraw_action.isEnabled(),
        "delete": window.delete_action.isEnabled(),
        "sign_off": actions.sign_off_action.isEnabled(),
        "remove_sign_off": actions.remove_sign_off_action.isEnabled(),
        "amend": actions.amend_action.isEnabled(),
        "attach_signed_copy": actions.attach_action.isEnabled(),
    }


def _expected(rules) -> dict[str, bool]:
    return {action: getattr(rules, action) for action in (
        "withdraw", "delete", "sign_off", "remove_sign_off", "amend", "attach_signed_copy")}


@pytest.mark.parametrize("stage", STAGES)
def test_the_window_follows_allowed(window, service, stage):
    d = STAGES[stage](service)
    rules = allowed(service.get(d.id))
    window.refresh()

    window.register.select(d.id)  # in the register
    assert window.current_decision_id() == d.id
    assert _offered(window) == _expected(rules)

    window.open_decision(d.id)  # in the editor
    assert _offered(window) == _expected(rules)
    editor = window.editor
    assert editor.read_only == (not rules.edit)
    assert editor.details.inputs["title"].isReadOnly() == (not rules.edit)
    page = editor.principles[USERS_PAGE - 1]
    assert page.response.isReadOnly() == (not rules.edit)
    assert page.actions.cell(0, "done").isEnabled() == rules.mark_actions

    editor.go_to(SUMMARY_PAGE)
    summary = editor.summary
    assert (summary.sign_off_button is not None) == rules.sign_off
    verbs = {link.text() for link in summary.links if link.text() in ("Change", "View")}
    assert verbs == {"Change" if rules.edit else "View"}
