"""The sign-offs and ticked actions a version's audit rows account for, and how the stored
rows differ from them. No Qt; part of the integrity rule (desktop/application/integrity.py).

Neither the sign_offs rows of an unlocked version nor any action_progress row is held by a
lock trigger, so the audit log is what vouches for them: replaying a decision's audit rows
in order gives, for each version, who signed (the text, by whom and when it was recorded)
and which actions are marked done (by whom and when), and every stored row must be one of
those, as recorded. The rows that write them:
- `sign_off.<Role>`: a sign-off recorded (its text), or removed (new value NULL); a bundle's
  sign-offs arrive so too, before the version's `imported` row, stored as recorded when the
  record was (the version's `created` row);
- `answers.<slug>.actions[<n>].done`: an action ticked ("yes") or not ("no"), by the follow-up
  command or by an edit of the answer (which may move a done action to another position);
- any `answers.<slug>.…` row of an edit: the answer was stored again, and its done actions
  with it (as done at that time, by that user): so a done action may carry the time and user
  of its tick or of any later row of its answer;
- `amendment_reason`: the next version, which starts with the done actions of the one before.

A register sealed from a later row (`register_meta.sealed_from` > 1: made before the audit
chain was sealed) may hold rows written before the app audited them: a version that already
existed then is not faulted for a stored row recorded before the first sealed row, nor for
when or by whom a row written before sealing says it was recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain.decision import SignOff
from desktop.domain.record import sign_off_text
from desktop.domain.redline import principle_label

_DONE_ROW = re.compile(r"answers\.([^.]+)\.actions\[(\d+)\]\.done")


@dataclass(frozen=True)
class Recorded:
    """One sign-off or tick as the audit log recorded it: the row, when and by whom."""

    row: int  # the audit row's id
    at: str
    user: str
    text: str = ""  # a sign-off's text (sign_off_text)
    role: str = ""  # a sign-off's role as recorded


@dataclass(frozen=True)
class Ticked:
    """An action the audit log has as done: the row that ticked it, and each (time, user) its
    stored row may carry (the tick's, or a later rewrite of its answer's)."""

    row: int
    stamps: tuple[tuple[str, str], ...]


@dataclass
class AuditedRows:
    """A version's sign-offs and done actions as its audit rows account for them."""

    first_row: int | None = None  # the version's first audit row (of those replayed)
    created_at: str | None = None  # when its `created` row says it was made
    sign_offs: dict[str, Recorded] = field(default_factory=dict)  # casefolded role ->
    done: dict[tuple[str, int], Ticked] = field(default_factory=dict)  # (slug, position) ->

    def replay(self, rid: int, at: str, user: str, name: str, new: str | None,
               before: AuditedRows | None) -> None:
        """Apply one audit row of this version (`before`: the previous version's rows)."""
        if self.first_row is None:
            self.first_row = rid
        if name == "created":
            self.created_at = at
        elif name == "amendment_reason" and before is not None:
            self.done = {k: Ticked(rid, ((at, user),)) for k in before.done}
        elif name == "imported":  # the bundle's sign-offs were stored as made with the record
            self.sign_offs = {k: _as_imported(s, at, self.created_at)
                              for k, s in self.sign_offs.items()}
        elif name.startswith("sign_off."):
            role = name.removeprefix("sign_off.")
            if new is None:
                self.sign_offs.pop(role.casefold(), None)
            else:
                self.sign_offs[role.casefold()] = Recorded(rid, at, user, new, role)
        elif name.startswith("answers."):
            slug = name.split(".")[1]
            tick = _DONE_ROW.fullmatch(name)
            if tick is not None:
                key = (tick.group(1), int(tick.group(2)))
                if new == "yes":
                    self.done[key] = Ticked(rid, ())
                else:
                    self.done.pop(key, None)
            # the answer may have been stored again, and its done actions with it
            self.done.update({k: Ticked(t.row, (*t.stamps, (at, user)))
                              for k, t in self.done.items() if k[0] == slug})


def _as_imported(s: Recorded, at: str, created_at: str | None) -> Recorded:
    if s.at != at or created_at is None:
        return s
    return Recorded(s.row, created_at, s.user, s.text, s.role)


@dataclass(frozen=True)
class SealStart:
    """Where the register's audit chain began to be sealed: rows before it may predate the
    audit of sign-offs and ticks."""

    sealed_from: int
    at: str | None  # when the first sealed row was written (None: none has been yet)

    def predates(self, audited: AuditedRows, stamp: str) -> bool:
        """True if a stored row recorded at `stamp` may have been written before sealing."""
        if self.sealed_from <= 1:
            return False
        if audited.first_row is not None and audited.first_row >= self.sealed_from:
            return False  # the version was made after sealing began
        return self.at is None or stamp < self.at

    def vouches(self, recorded: Recorded | Ticked) -> bool:
        """True if the row's user and time are the app's record (written under the seal)."""
        return recorded.row >= self.sealed_from


def sign_off_problems(where: str, audited: AuditedRows, stored: list[tuple[SignOff, str, str]],
                      start: SealStart) -> list[str]:
    """How a version's stored sign-offs differ from those its audit rows account for."""
    problems = []
    held = {s.role.casefold(): (s, at, by) for s, at, by in stored}
    for key, r in audited.sign_offs.items():
        if key not in held:
            problems.append(f"{where}: the sign-off by {r.role} recorded in the audit log "
                            f"({r.text}) is missing from the register")
            continue
        s, at, by = held[key]
        if sign_off_text(s) != r.text:
            problems.append(f"{where}: the sign-off by {r.role} was changed outside the app "
                            f"({_changed_field(r.text, s)}: the audit log recorded "
                            f"{r.text!r}, the register now says {sign_off_text(s)!r})")
        elif start.vouches(r) and (by, at) != (r.user, r.at):
            problems.append(f"{where}: the sign-off by {r.role} was changed outside the app "
                            f"(the register says {by} recorded it at {at}; the audit log "
                            f"recorded {r.user} at {r.at})")
    for key, (s, at, _) in held.items():
        if key not in audited.sign_offs and not start.predates(audited, at):
            problems.append(f"{where}: a sign-off by {s.role} ({sign_off_text(s)}) is in the "
                            "register but not in the audit log (added outside the app)")
    return problems


def _changed_field(recorded: str, s: SignOff) -> str:
    """Which part of a sign-off differs from the text the audit log recorded for it."""
    if not recorded.startswith(f"{s.name}, "):
        return "name"
    rest = recorded.removeprefix(f"{s.name}, ")
    if not rest.startswith(s.date):
        return "date"
    minute = f", minute {s.minute_reference}" if s.minute_reference else ""
    if not rest.removeprefix(s.date).startswith(minute) or (
            not minute and rest.removeprefix(s.date).startswith(", minute ")):
        return "minute reference"
    return "comment"


def progress_problems(where: str, audited: AuditedRows,
                      stored: list[tuple[str, int, str, str]], start: SealStart,
                      label: Callable[[str], str] | None = None) -> list[str]:
    """How a version's stored done actions differ from those its audit rows account for.

    label(slug) names a section as the reader knows it ("principle 3. Staff"); default:
    "section" and the slug."""
    name = label or (lambda slug: f"section {principle_label(slug, None)}")
    problems = []
    held = {(slug, position): (at, by) for slug, position, at, by in stored}
    for (slug, position), r in sorted(audited.done.items()):
        what = f"action {position + 1} of {name(slug)}"
        if (slug, position) not in held:
            if start.vouches(r):
                problems.append(f"{where}: the audit log records {what} as done, but the "
                                "register has it open (changed outside the app)")
            continue
        at, by = held[(slug, position)]
        if start.vouches(r) and (at, by) not in r.stamps:
            problems.append(f"{where}: {what} was changed outside the app (the register "
                            f"says {by} marked it done at {at}; the audit log recorded "
                            f"{r.stamps[-1][1]} at {r.stamps[-1][0]})")
    for (slug, position), (at, by) in sorted(held.items()):
        if (slug, position) not in audited.done and not start.predates(audited, at):
            problems.append(f"{where}: action {position + 1} of "
                            f"{name(slug)} is marked done (by {by}, at {at}) "
                            "but the audit log has no record of it being ticked (changed "
                            "outside the app)")
    return problems
