"""Sign-off, amendment, action follow-up, signed copies and history: the LifecycleService.

Service operations for the window and the command line (as `DecisionService.lifecycle`); no Qt.
Each write is one transaction (through DecisionService.write) that also writes its audit rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from desktop.domain.audit_entries import AuditEntry
from desktop.domain.checklist import Checklist, Principle, SignOffRole, numbered, role_key
from desktop.domain.decision import (
    Answer,
    Decision,
    SignOff,
    Status,
    answer_problems,
    answer_state,
    appraisal_gaps,
    derived_status,
    detail_problems,
)
from desktop.domain.errors import InvalidInput, NotFound, Refused, Stale
from desktop.domain.held_versions import HeldVersions
from desktop.domain.record import CODE_SCHEME, code_for, content_code, sign_off_text
from desktop.domain.redline import FieldChange, diff_versions, principle_label
from desktop.domain.rules import allowed
from desktop.domain.sign_off_dates import EARLIEST_SIGN_OFF_WORDS, sign_off_date_fault
from desktop.domain.sign_off_limits import MAX_COMMENT, MAX_MINUTE, MAX_NAME
from desktop.domain.typed_dates import is_iso_date
from desktop.domain.visible import has_visible_character
from desktop.storage.interface import DecisionRepository
from desktop.storage.lifecycle_store import SignedCopy

if TYPE_CHECKING:
    from desktop.domain.imported_sign_offs import ImportedSignOffs

MAX_SIGNED_COPY = 100 * 1024 * 1024
NOT_STARTED = "not started"


def _local_day(stamp: str) -> str:
    """The local day (YYYY-MM-DD) of a stored UTC timestamp, as DecisionService.today() gives
    it; the stamp's own first ten characters if it is not a timestamp."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().date().isoformat()
    except ValueError:
        return stamp[:10]


@dataclass(frozen=True)
class RoleState:
    """A sign-off role of a version and who, if anyone, has signed for it."""

    name: str
    required: bool
    sign_off: SignOff | None

    @property
    def signed(self) -> bool:
        return self.sign_off is not None


@dataclass(frozen=True)
class SignOffRequest:
    """What the clerk typed to record one sign-off."""

    role: str
    name: str
    date: str
    minute_reference: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Problem:
    """Something that blocks an action: which field, what to do, and whose fault.

    kind "input" is the user's typing (exit 2); "state" is the record's state (exit 1).
    """

    field: str
    message: str
    kind: str = "input"
    section: Principle | None = None  # the checklist section it is about, if known


# ---- sign-off rules that need no service -----------------------------------------------
def completeness_problems(decision: Decision, checklist: Checklist | None) -> list[Problem]:
    """What the record still lacks before anyone can sign it (empty when complete)."""
    out = [Problem(field, message, "state") for field, message in detail_problems(decision)]
    sections = {p.slug: p for p in checklist.principles} if checklist is not None else {}
    for slug in decision.sections:
        answer = decision.answer(slug)
        section = sections.get(slug)
        gaps = answer_problems(answer, section.noun if section else "section")
        label = principle_label(slug, checklist)
        if answer_state(answer) == "Not started":
            out.append(Problem(f"answers.{slug}", f"{label}: {NOT_STARTED}", "state", section))
        elif gaps:
            out.append(Problem(f"answers.{slug}", f"{label}: {'; '.join(gaps).lower()}", "state",
                               section))
    out.extend(Problem("appraisal", f"Options appraisal: {gap[0].lower()}{gap[1:]}", "state")
               for gap in appraisal_gaps(decision))
    return out


def _state_problems(decision: Decision, checklist: Checklist,
                    role: SignOffRole | None) -> list[Problem]:
    rules = allowed(decision)
    if not rules.sign_off and decision.status != Status.DRAFT:  # signed off or withdrawn
        return [Problem("status", rules.why_not("sign_off").removesuffix("."), "state")]
    problems = completeness_problems(decision, checklist)  # a draft's: what it still lacks
    if role is not None:
        for s in decision.sign_offs:
            if s.role.casefold() == role.name.casefold():
                problems.append(Problem(
                    "role", f"{role.name} has already signed ({s.name}, {s.date})", "state"))
    return problems


def refusal(decision: Decision, problems: list[Problem]) -> Exception:
    """The one-line error for a list of problems (InvalidInput if any is the user's input)."""
    bad_input = [p for p in problems if p.kind == "input"]
    if bad_input:
        p = bad_input[0]
        return InvalidInput(f"{p.field.replace('_', ' ')}: {p.message}")
    gaps = [p for p in problems if p.field not in ("status", "role")]
    if gaps:
        started = [p.message for p in gaps if not p.message.endswith(NOT_STARTED)]
        idle = [p for p in gaps if p.message.endswith(NOT_STARTED)]
        if idle:
            named = [p.section for p in idle if p.section is not None]
            unnamed = [p.message.split(".")[0] for p in idle if p.section is None]
            if unnamed:  # no checklist to name them by
                named_text = f"section{'s' if len(unnamed) > 1 else ''} {', '.join(unnamed)}"
            else:
                named_text = numbered(named)
            started.append(f"{named_text} {NOT_STARTED}")
        return Refused(
            f"{decision.title!r} version {decision.version} is not complete, so it cannot be "
            f"signed off. Still missing: {'; '.join(started)}."
        )
    return Refused(problems[0].message + ".")


def _check_signed_copy(decision: Decision, typed: str) -> None:
    """Refuse a sign-off of a printed copy whose code is not the current content's."""
    from desktop.domain.verification import normalise_code

    code = normalise_code(typed)
    if code is None:
        raise InvalidInput(f"code: {typed.strip()!r} is not a verification code "
                           "(12 letters and digits, like ABCD-EFGH-JKMN)")
    current = content_code(decision)
    if code != current:
        raise Refused(
            f"The signed copy's code {code} is not the code of {decision.title!r} version "
            f"{decision.version} as it stands ({current}): the record changed after that copy "
            "was printed. Print it again and have the new copy signed."
        )


def _refuse_a_forged_basis(repo: DecisionRepository, decision: Decision) -> None:
    """Refuse to add a sign-off (and so perhaps lock) on rows the audit log does not account
    for: who has signed, and so who is still to sign, must be what the app recorded."""
    from desktop.application.integrity import sign_off_basis_problems

    problems = sign_off_basis_problems(repo, decision)
    if problems:
        raise Refused(
            f"{decision.title!r} version {decision.version} cannot be signed: the register "
            f"no longer agrees with its audit log ({problems[0]}). Check the audit trail "
            "(audit --check) before recording more sign-offs."
        )


_T = TypeVar("_T")


class Decisions(Protocol):
    """What the lifecycle needs of DecisionService: a Protocol, so that this module does not
    import decisions.py, which builds the LifecycleService (DecisionService.lifecycle)."""

    def get(self, decision_id: str, version: int | None = None) -> Decision: ...
    def checklist_for(self, decision: Decision) -> Checklist: ...
    def require_section(self, decision: Decision, slug: str) -> None: ...
    def timestamp(self) -> str: ...
    def today(self) -> str: ...
    def write(self, fn: Callable[[], _T]) -> _T: ...


class LifecycleService:
    """Sign-off, amendment, follow-up, signed copies and history of the records `decisions`
    keeps. Each write is one transaction (decisions.write) that also writes its audit rows."""

    def __init__(self, decisions: Decisions, repo: DecisionRepository) -> None:
        self.decisions = decisions
        self.repo = repo

    # ---- sign-off -----------------------------------------------------------------------
    def role_states(self, decision: Decision) -> list[RoleState]:
        """Every role of the version's checklist, required first as listed, with its sign-off."""
        checklist = self.decisions.checklist_for(decision)
        by_role = {s.role.casefold(): s for s in decision.sign_offs}
        return [
            RoleState(r.name, r.required, by_role.get(r.name.casefold()))
            for r in checklist.sign_off_roles
        ]

    def missing_roles(self, decision: Decision) -> list[str]:
        """Required roles that have not signed yet."""
        checklist = self.decisions.checklist_for(decision)
        return checklist.unsigned_roles(s.role for s in decision.sign_offs)

    def sign_off_problems(self, decision: Decision, request: SignOffRequest) -> list[Problem]:
        """Everything that blocks recording this sign-off, input problems first."""
        checklist = self.decisions.checklist_for(decision)
        problems: list[Problem] = []
        role = checklist.role(request.role) if request.role.strip() else None
        if not request.role.strip():
            problems.append(Problem("role", "Choose the role that signed"))
        elif role is None:
            names = ", ".join(repr(r.name) for r in checklist.sign_off_roles)
            problems.append(
                Problem("role", f"{request.role!r} is not a sign-off role; choose one of: {names}")
            )
        if not request.name.strip():
            problems.append(Problem("name", "Enter the name of the person who signed"))
        elif not has_visible_character(request.name):
            problems.append(Problem("name", "The name has no visible character (only spaces, "
                                    "invisible or formatting characters): enter the name of "
                                    "the person who signed"))
        elif len(request.name) > MAX_NAME:
            problems.append(Problem("name", f"The name must be {MAX_NAME} characters or fewer"))
        problems.extend(self._date_problems(request.date))
        if len(request.minute_reference) > MAX_MINUTE:
            problems.append(
                Problem("minute_reference", f"The minute reference must be {MAX_MINUTE} characters or fewer")
            )
        if len(request.comment) > MAX_COMMENT:
            problems.append(Problem("comment", f"The comment must be {MAX_COMMENT} characters or fewer"))
        problems.extend(_state_problems(decision, checklist, role))
        return problems

    def _date_problems(self, date: str) -> list[Problem]:
        if not date.strip():
            return [Problem("date", "Enter the date it was signed")]
        if not is_iso_date(date):
            return [Problem("date", f"{date!r} is not a date in the form YYYY-MM-DD")]
        fault = sign_off_date_fault(date, self.decisions.today())
        if fault == "future":
            return [Problem("date", f"The date it was signed ({date}) cannot be in the future")]
        if fault == "too early":
            return [Problem("date", f"The date it was signed ({date}) cannot be before "
                                    f"{EARLIEST_SIGN_OFF_WORDS}")]
        return []

    def record_sign_off(self, decision_id: str, request: SignOffRequest,
                        code: str | None = None) -> Decision:
        """Record one role's sign-off; the last required one locks the version.

        Everything is decided inside the write transaction (BEGIN IMMEDIATE): two clerks
        recording the last two roles at once queue, and the second one sees the first one's
        sign-off, so the version always locks. With `code`, the sign-off is bound to the printed
        copy that was signed: a copy whose code is not the current content's is refused.

        On the shared register the server refuses a sign-off whose read the register has
        moved on from (Stale: another clerk's sign-off came first). Then it is read again and
        tried once more by itself, every check re-run on the fresh read (with `code`, a printed
        copy that no longer matches is refused as ever).
        """
        stamp = self.decisions.timestamp()

        def write() -> Decision:
            repo = self.repo
            # before the record: any change committed after this read has a newer audit row
            seen = repo.newest_audit_id(decision_id)
            decision = self.decisions.get(decision_id)
            problems = self.sign_off_problems(decision, request)
            if problems:
                raise refusal(decision, problems)
            _refuse_a_forged_basis(self.repo, decision)
            if code is not None:
                _check_signed_copy(decision, code)
            checklist = self.decisions.checklist_for(decision)
            role = checklist.role(request.role)
            assert role is not None  # sign_off_problems refused a role the checklist does not name
            sign_off = SignOff(
                role=role.name,  # the checklist's spelling, whatever case was typed
                name=request.name.strip(),
                date=request.date,
                minute_reference=request.minute_reference.strip(),
                comment=request.comment.strip(),
            )
            signed = replace(decision, sign_offs=(*decision.sign_offs, sign_off))
            vid = repo.version_id(decision.id, decision.version)
            repo.insert_sign_off(vid, sign_off, stamp, basis=decision, audit_seen=seen)
            repo.audit(decision.id, decision.version,
                       [(f"sign_off.{role.name}", None, sign_off_text(sign_off))], stamp)
            if self.missing_roles(signed):
                return signed
            new = replace(signed, status=Status.SIGNED_OFF, updated_at=stamp)
            repo.update(signed, new)
            repo.audit(decision.id, decision.version,
                       [("verification_code", None, code_for(new)),
                        ("content_code", None, content_code(new)),
                        # the call-in period its printed dates are worked out with, fixed
                        ("call_in_days", None, str(repo.call_in_days()))], stamp)
            return new

        try:
            return self.decisions.write(write)
        except Stale:
            return self.decisions.write(write)

    def remove_sign_off(self, decision_id: str, role_name: str) -> Decision:
        """Take back a sign-off recorded by mistake, before the version locks."""
        decision = self.decisions.get(decision_id)
        rules = allowed(decision)
        if decision.sign_offs and not rules.remove_sign_off:  # none at all: NotFound names the role
            raise Refused(rules.why_not("remove_sign_off"))
        match = [s for s in decision.sign_offs if role_key(s.role) == role_key(role_name)]
        if not match:
            raise NotFound(f"no sign-off by {role_name!r} is recorded on {decision.title!r}")
        s = match[0]
        stamp = self.decisions.timestamp()

        def write() -> Decision:
            vid = self.repo.version_id(decision.id, decision.version)
            self.repo.delete_sign_off(vid, s.role, stamp)
            self.repo.audit(decision.id, decision.version,
                            [(f"sign_off.{s.role}", sign_off_text(s), None)], stamp)
            return replace(decision, sign_offs=tuple(x for x in decision.sign_offs if x is not s))

        return self.decisions.write(write)

    # ---- amendment ----------------------------------------------------------------------
    def amend(self, decision_id: str, reason: str) -> Decision:
        """Start version n+1 of a signed-off record, open to change and with no sign-offs (its
        status follows from its answers: ready for sign-off when complete); version n stays as
        signed.

        Decided inside the write transaction, so two amendments at once make one new version
        and the other is refused (the record is then a draft, not signed off).
        """
        if not reason.strip():
            raise InvalidInput("reason: give the reason for the amendment", field="reason")
        stamp = self.decisions.timestamp()

        def write() -> Decision:
            old = self.decisions.get(decision_id)
            allowed(old).require("amend")
            new = replace(
                old,
                version=old.version + 1,
                status=Status.DRAFT,
                sign_offs=(),
                amendment_reason=reason.strip(),
                created_at=stamp,
                updated_at=stamp,
                code_scheme=CODE_SCHEME,
            )
            new = replace(new, status=derived_status(new))
            repo = self.repo
            repo.retire_version(old.id, old.version, new.version)
            repo.insert(new, old.checklist_sha256)  # same questions as signed
            repo.audit(new.id, new.version, [("amendment_reason", None, new.amendment_reason)], stamp)
            return new

        return self.decisions.write(write)

    def changes_since(self, decision: Decision, since: int | None = None) -> list[FieldChange]:
        """Per-field changes from version `since` (default: the one before) to this version."""
        since = decision.version - 1 if since is None else since
        if since < 1 or since >= decision.version:
            return []
        if not self.held_versions(decision.id).holds(since):
            return []  # imported at a later version: that one was made elsewhere
        earlier = self.decisions.get(decision.id, since)
        return diff_versions(earlier, decision, self.decisions.checklist_for(decision))

    def superseded_by(self, decision: Decision) -> tuple[int, str] | None:
        """(the version that replaced this one, the day it was started) for an earlier version;
        None for the current one."""
        started = self.repo.version_started(decision.id, decision.version + 1)
        if not started:
            return None
        return decision.version + 1, _local_day(started)

    def held_versions(self, decision_id: str) -> HeldVersions:
        """The earliest version this register holds of a decision (a bundle carries only the
        current version, so one imported at version 7 starts here at 7) and the day it came."""
        held = self.repo.versions_of(decision_id)
        first = held[0][0] if held else 1
        if first == 1:
            return HeldVersions()
        rows = self.repo.audit_rows(decision_id, first, "created")
        return HeldVersions(first, _local_day(rows[0].at) if rows else "")

    def imported_sign_offs(self, decision: Decision) -> ImportedSignOffs | None:
        """The version's sign-offs that came in a bundle (recorded in another register), with
        the day and file they came from; None if none did."""
        from desktop.domain.imported_sign_offs import imported_sign_offs

        if not decision.sign_offs or not self.repo.audit_rows(decision.id, decision.version,
                                                               "imported"):
            return None
        return imported_sign_offs(self.repo.audit_entries(decision.id), decision.version,
                                  _local_day)

    def versions(self, decision_id: str) -> list[tuple[int, Status]]:
        """(version, status) of every version, oldest first."""
        return [(v, Status(s)) for v, s in self.repo.versions_of(decision_id)]

    # ---- follow-up ----------------------------------------------------------------------
    def as_signed(self, decision: Decision) -> Decision:
        """A signed-off version as it stood when signed: actions marked done since then show as
        open, so its PDF never changes with follow-up (which the verification code leaves out)."""
        if decision.status != Status.SIGNED_OFF:
            return decision
        vid = self.repo.version_id(decision.id, decision.version)
        done = self.repo.done_when_signed(vid)
        answers = {
            slug: replace(a, actions=tuple(replace(x, done=(slug, i) in done)
                                           for i, x in enumerate(a.actions)))
            for slug, a in decision.answers.items()
        }
        return replace(decision, answers=answers)

    def set_action_done(self, decision_id: str, slug: str, position: int, done: bool,
                        version: int | None = None) -> Decision:
        """Mark an action done or not done; allowed after sign-off (follow-up is not content)."""
        decision = self.decisions.get(decision_id, version)
        allowed(decision).require("mark_actions")
        self.decisions.require_section(decision, slug)
        actions = decision.answer(slug).actions
        if not 0 <= position < len(actions):
            raise NotFound(f"{principle_label(slug, self.decisions.checklist_for(decision))} "
                           f"has no action {position + 1}")
        if actions[position].done == done:
            return decision
        stamp = self.decisions.timestamp()
        flags = ("no", "yes") if done else ("yes", "no")

        def write() -> Decision:
            repo = self.repo
            vid = repo.version_id(decision.id, decision.version)
            repo.set_action_done(vid, slug, position, done, stamp)
            repo.audit(decision.id, decision.version,
                       [(f"answers.{slug}.actions[{position}].done", *flags)], stamp)
            acts = list(actions)
            acts[position] = replace(acts[position], done=done)
            answers = dict(decision.answers)
            answers[slug] = replace(decision.answers.get(slug, Answer()), actions=tuple(acts))
            return replace(decision, answers=answers)

        return self.decisions.write(write)

    # ---- signed copies ------------------------------------------------------------------
    def attach_signed_copy(self, decision_id: str, filename: str, data: bytes,
                           version: int | None = None) -> SignedCopy:
        """Keep the scan of the signed paper record with a signed-off version, with its SHA-256."""
        decision = self.decisions.get(decision_id, version)
        allowed(decision).require("attach_signed_copy")
        if not data.startswith(b"%PDF-"):
            raise InvalidInput(f"{filename}: not a PDF file")
        if len(data) > MAX_SIGNED_COPY:
            raise InvalidInput(f"{filename}: larger than {MAX_SIGNED_COPY // (1024 * 1024)} MB")
        sha = hashlib.sha256(data).hexdigest()
        stamp = self.decisions.timestamp()

        def write() -> SignedCopy:
            repo = self.repo
            vid = repo.version_id(decision.id, decision.version)
            copy = repo.attach_signed_copy(vid, filename, data, sha, stamp)
            repo.audit(decision.id, decision.version,
                       [("signed_copy", None, f"{filename} (SHA-256 {sha})")], stamp)
            return copy

        return self.decisions.write(write)

    def signed_copies(self, decision_id: str, version: int | None = None) -> list[SignedCopy]:
        decision = self.decisions.get(decision_id, version)
        return self.repo.signed_copies(self.repo.version_id(decision.id,
                                                               decision.version))

    def signed_copy_data(self, copy_id: int) -> bytes:
        data = self.repo.signed_copy_data(copy_id)
        if data is None:
            raise NotFound(f"no signed copy {copy_id}")
        return data

    # ---- history ------------------------------------------------------------------------
    def history(self, decision_id: str) -> list[AuditEntry]:
        """Every audit row of one decision, oldest first."""
        return self.repo.audit_entries(decision_id)
