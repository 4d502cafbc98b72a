"""What may be done to a record now: the one permission rule the services and the window share.

The services refuse with `allowed(decision)` and raise its reason; the window enables its
actions with it. A signed-off version is locked (amending makes a new version); a withdrawn
one is kept for the record; once anyone has signed, the content they signed stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from desktop.domain.decision import Decision, Status
from desktop.domain.errors import Refused
from desktop.domain.frozen import frozen

OPEN = (Status.DRAFT, Status.READY)


@frozen
class Allowed:
    """What may be done to one version of a record; for each thing refused, why, in words."""

    edit: bool  # change its details and answers
    withdraw: bool
    delete: bool
    sign_off: bool  # record a sign-off
    remove_sign_off: bool  # take back one recorded by mistake
    amend: bool  # start the next version
    mark_actions: bool  # tick actions done or not done (follow-up, not content)
    attach_signed_copy: bool
    refusals: Mapping[str, str]  # action (a field above) -> why it is refused

    def why_not(self, action: str) -> str:
        """Why `action` is refused, as the services say it; "" when it is allowed."""
        if action not in ACTIONS:
            raise ValueError(f"{action!r} is not one of {', '.join(ACTIONS)}")
        return self.refusals.get(action, "")

    def require(self, action: str) -> None:
        """Refuse (raise Refused with the reason) unless `action` is allowed."""
        if self.why_not(action):
            raise Refused(self.refusals[action])


def _closed(d: Decision) -> str:
    """Why a signed-off or withdrawn record cannot change ("" while it is open)."""
    if d.status == Status.SIGNED_OFF:
        return f"{d.title!r} version {d.version} is signed off and locked; amend it to make changes."
    if d.status == Status.WITHDRAWN:
        return f"{d.title!r} has been withdrawn and cannot be changed."
    return ""


def _edit(d: Decision) -> str:
    if d.sign_offs and not _closed(d):
        # The signers signed this content: it must not change under the later signers.
        return (f"{d.title!r} version {d.version} has sign-offs recorded; "
                "finish recording them, or remove them, before changing it.")
    return _closed(d)


def _delete(d: Decision) -> str:
    """Only a first version nobody has signed may be deleted (draft or ready for sign-off)."""
    if d.status == Status.WITHDRAWN:
        return f"{d.title!r} has been withdrawn; it is kept for the record and cannot be deleted."
    if d.status == Status.SIGNED_OFF:
        return (f"{d.title!r} version {d.version} is signed off; it is kept for the record and "
                "cannot be deleted.")
    if d.version > 1:
        return (f"Only a first version can be deleted; {d.title!r} is version {d.version}, an "
                "amendment, so it is kept. Withdraw it instead.")
    if d.sign_offs:
        return (f"{d.title!r} has sign-offs recorded, so it is kept. Remove them first if they "
                "were recorded by mistake, or withdraw it.")
    return ""


def _sign_off(d: Decision) -> str:
    if d.status == Status.SIGNED_OFF:
        return (f"{d.title!r} version {d.version} is already signed off and locked; "
                "amend it to change it.")
    if d.status == Status.WITHDRAWN:
        return f"{d.title!r} version {d.version} has been withdrawn and cannot be signed."
    if d.status == Status.DRAFT:  # ready means complete (decision.derived_status)
        return (f"{d.title!r} version {d.version} is not complete, so it cannot be "
                "signed off.")
    return ""


def _remove_sign_off(d: Decision) -> str:
    if d.status == Status.SIGNED_OFF:
        return (f"{d.title!r} version {d.version} is signed off and locked; "
                "its sign-offs cannot be removed.")
    if d.status == Status.WITHDRAWN:
        return f"{d.title!r} has been withdrawn and cannot be changed."
    if not d.sign_offs:
        return f"No sign-off is recorded on {d.title!r} version {d.version}."
    return ""


def _amend(d: Decision) -> str:
    """Only a signed-off version is amended; each other stage says what to do instead."""
    if d.status == Status.WITHDRAWN:
        return f"{d.title!r} has been withdrawn and cannot be amended."
    if d.status == Status.SIGNED_OFF:
        return ""
    if d.sign_offs:  # open, but its content is held for the signers (see _edit)
        return (f"{d.title!r} version {d.version} is not signed off yet, so it cannot be "
                "amended; finish recording the sign-offs, or remove them to change it.")
    stage = "a draft" if d.status == Status.DRAFT else "ready for sign-off"
    return (f"{d.title!r} is {stage}, not signed off; "
            "change it directly instead of amending it.")


def _mark_actions(d: Decision) -> str:
    return f"{d.title!r} has been withdrawn." if d.status == Status.WITHDRAWN else ""


def _attach_signed_copy(d: Decision) -> str:
    if d.status != Status.SIGNED_OFF:
        return (f"{d.title!r} version {d.version} is not signed off yet; "
                "attach the signed copy after recording the sign-offs.")
    return ""


_RULES: Mapping[str, Callable[[Decision], str]] = {
    "edit": _edit,
    "withdraw": _closed,
    "delete": _delete,
    "sign_off": _sign_off,
    "remove_sign_off": _remove_sign_off,
    "amend": _amend,
    "mark_actions": _mark_actions,
    "attach_signed_copy": _attach_signed_copy,
}
ACTIONS: tuple[str, ...] = tuple(_RULES)


def allowed(decision: Decision) -> Allowed:
    """What may be done to this version now, and why not where it is refused."""
    refusals = {action: why for action, rule in _RULES.items() if (why := rule(decision))}
    return Allowed(
        edit="edit" not in refusals,
        withdraw="withdraw" not in refusals,
        delete="delete" not in refusals,
        sign_off="sign_off" not in refusals,
        remove_sign_off="remove_sign_off" not in refusals,
        amend="amend" not in refusals,
        mark_actions="mark_actions" not in refusals,
        attach_signed_copy="attach_signed_copy" not in refusals,
        refusals=refusals,
    )
