"""The options appraisal's operations, for the window and the command line: reached as
`DecisionService.appraisals`. Each is one audited write of the record (DecisionService._save:
refused when the record may not be edited, merged with what another process saved)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.domain import appraisal as rules
from desktop.domain.appraisal import (
    CSF_TITLES,
    SECTION_KINDS,
    Appraisal,
    Criterion,
    LongListEntry,
    Score,
)
from desktop.domain.checklist import Checklist
from desktop.domain.decision import Decision
from desktop.domain.errors import InvalidInput, Refused

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


def titled(criteria: Sequence[Criterion], checklist: Checklist) -> tuple[Criterion, ...]:
    """The criteria with their titles where they come from elsewhere: a section's from the
    checklist, a critical success factor's from the Green Book's list (unknown ids are left
    for the rules to refuse)."""
    titles = {p.slug: p.title for p in checklist.principles}
    out = []
    for c in criteria:
        if c.kind in SECTION_KINDS and c.id in titles:
            c = replace(c, title=titles[c.id])
        elif c.kind == "csf" and c.id in CSF_TITLES:
            c = replace(c, title=CSF_TITLES[c.id])
        out.append(c)
    return tuple(out)


class AppraisalService:
    """Start an appraisal, set its criteria and weights, lock them, score, and reword."""

    def __init__(self, service: DecisionService) -> None:
        self.service = service

    def _change(self, decision: str | Decision,
                change: Callable[[Decision, Appraisal], Appraisal]) -> Decision:
        def apply(old: Decision) -> Decision:
            if old.appraisal is None:
                raise Refused(f"{old.title!r} has no options appraisal yet; start one first.")
            return replace(old, appraisal=change(old, old.appraisal))

        return self.service._save(decision, apply)

    def start(self, decision: str | Decision,
              criteria: Sequence[Criterion] | None = None) -> Decision:
        """Give the record an appraisal: these criteria, or (by default) every section of its
        checklist and the five critical success factors, all weighted 0."""
        def apply(old: Decision) -> Decision:
            if old.appraisal is not None:
                return old
            checklist = self.service.checklist_for(old)
            chosen = rules.default_criteria(checklist) if criteria is None else criteria
            return replace(old, appraisal=rules.with_criteria(
                Appraisal(), titled(chosen, checklist), checklist.slugs))

        return self.service._save(decision, apply)

    def remove(self, decision: str | Decision) -> Decision:
        """Take the appraisal off the record (audited, like every change)."""
        return self.service._save(decision, lambda old: replace(old, appraisal=None))

    def set_criteria(self, decision: str | Decision,
                     criteria: Sequence[Criterion]) -> Decision:
        """Replace the criteria, their weights and must-pass marks (before the lock only)."""
        def change(old: Decision, a: Appraisal) -> Appraisal:
            checklist = self.service.checklist_for(old)
            return rules.with_criteria(a, titled(criteria, checklist), checklist.slugs)

        return self._change(decision, change)

    def lock_weights(self, decision: str | Decision) -> Decision:
        """Fix the weights (the moment is audited and printed); scoring may then begin."""
        return self._change(decision, lambda _old, a: rules.lock_weights(
            a, self.service.timestamp(), self.service.user))

    def change_weight(self, decision: str | Decision, criterion: str, weight: int) -> Decision:
        """One criterion's weight; after the lock the change is kept and printed."""
        if type(weight) is not int:
            raise InvalidInput("A weight is a whole number from 0 to 100.", field="weight")
        return self._change(decision, lambda _old, a: rules.change_weight(
            a, criterion, weight, self.service.timestamp(), self.service.user))

    def score(self, decision: str | Decision, option: int, criterion: str, score: int,
              evidence: str = "") -> Decision:
        """Score one cell 0-4 with its evidence (refused before the weights are locked)."""
        if type(score) is not int or type(option) is not int:
            raise InvalidInput("A score is a whole number from 0 to 4.", field="score")
        return self._change(decision, lambda old, a: rules.with_score(
            a, Score(option, criterion, score, evidence, self.service.user,
                     self.service.timestamp()), len(old.options)))

    def clear_score(self, decision: str | Decision, option: int, criterion: str) -> Decision:
        return self._change(decision, lambda _old, a: rules.without_score(a, option, criterion))

    def set_rejected_text(self, decision: str | Decision, text: str) -> Decision:
        """The author's wording of "alternative options considered and rejected, and why"
        ("" goes back to the generated paragraph)."""
        return self._change(decision, lambda _old, a: rules.with_rejected_text(a, text))

    def set_long_list(self, decision: str | Decision,
                      entries: Sequence[LongListEntry]) -> Decision:
        """The long list the shortlist came from, each option kept or dropped and why."""
        return self._change(decision, lambda _old, a: rules.with_long_list(a, entries))


def imported_appraisal(d: Decision, rec: dict[str, object], prefix: str, checklist: Checklist,
                       stamp: str, user: str) -> Decision:
    """A bundle record's appraisal checked as the window's rules would check it, naming the
    key path of the first problem (BundleError): each criterion (a principle or duty must be
    a section of the record's checklist), each cell (its option and criterion must exist,
    once each). Titles of sections and factors come from their lists. Scores in a bundle
    without `weights_locked_at` (written by hand, no cell dated) are taken as locked at the
    import; a cell without `scored_by`/`scored_at` as scored by the importer then. The lock
    and the weight changes must hold together (`_check_moments`)."""
    from desktop.export.bundle import BundleError

    a = d.appraisal
    if a is None:
        return d
    where = f"{prefix}.appraisal"
    problems = rules.criterion_problems(a.criteria, checklist.slugs)
    if problems:
        i, key, message = problems[0]
        raise BundleError(f"{where}.criteria[{i}].{key}", message)
    if several := rules.too_many_recommended(d.options):
        raise BundleError(f"{prefix}.options[{rules.recommended_indexes(d.options)[1]}].status",
                          several[0].lower() + several[1:])
    kinds = {p.slug: p.kind for p in checklist.principles}
    for i, c in enumerate(a.criteria):
        if c.kind in SECTION_KINDS and kinds.get(c.id, c.kind) != c.kind:
            raise BundleError(f"{where}.criteria[{i}].kind",
                              f"{c.id!r} is a {kinds[c.id]} of the checklist, not a {c.kind}")
    known = set(a.criterion_ids)
    seen: set[tuple[int, str]] = set()
    raw = rec.get("appraisal")
    cells = raw.get("scores", []) if isinstance(raw, dict) else []
    assert isinstance(cells, list)
    for k, cell in enumerate(cells):
        assert isinstance(cell, dict)
        option, criterion = cell["option"], cell["criterion"]
        if not 0 <= option < len(d.options):
            raise BundleError(f"{where}.scores[{k}].option",
                              f"there is no option {option}: the options are numbered from 0 "
                              f"to {len(d.options) - 1}" if d.options else
                              f"there is no option {option}: the record lists no options")
        if criterion not in known:
            raise BundleError(f"{where}.scores[{k}].criterion",
                              f"{criterion!r} is not one of the appraisal's criteria")
        if (option, criterion) in seen:
            raise BundleError(f"{where}.scores[{k}]",
                              f"option {option} is scored against {criterion!r} twice")
        seen.add((option, criterion))
    for k, w in enumerate(a.weight_changes):
        if w.criterion not in known:
            raise BundleError(f"{where}.weight_changes[{k}].criterion",
                              f"{w.criterion!r} is not one of the appraisal's criteria")
    if (a.weights_locked_at is not None or a.scores) and not any(c.weight for c in a.criteria):
        raise BundleError(f"{where}.weights_locked_at" if a.weights_locked_at is not None
                          else f"{where}.criteria", "the weights are locked (or scores given) "
                          "but every weight is 0: give at least one criterion a weight above 0")
    _check_moments(a, [c.get("scored_at") or "" for c in cells], where, stamp)
    locked_at = a.weights_locked_at
    locked_by = a.weights_locked_by
    if locked_at is None and a.scores:
        locked_at, locked_by = stamp, user
    scores = tuple(replace(s, scored_by=s.scored_by or user, scored_at=s.scored_at or stamp)
                   for s in a.scores)
    return replace(d, appraisal=replace(a, criteria=titled(a.criteria, checklist), scores=scores,
                                        weights_locked_at=locked_at,
                                        weights_locked_by=locked_by))


def _check_moments(a: Appraisal, scored_at: Sequence[str], where: str, stamp: str) -> None:
    """The lock and the weight changes as the window makes them, or BundleError naming the
    path: a dated score needs a lock at or before it; the lock is not after the import; each
    weight change is after the lock, in order, a real change, and each criterion's changes
    chain from one to the next and end at its weight."""
    import datetime as dt

    from desktop.export.bundle import BundleError

    def moment(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    now = moment(stamp)
    lock = None if a.weights_locked_at is None else moment(a.weights_locked_at)
    if lock is not None and lock > now:
        raise BundleError(f"{where}.weights_locked_at",
                          f"the weights cannot have been locked at {a.weights_locked_at}, "
                          "after this import")
    for k, when in enumerate(scored_at):  # as the bundle lists them
        if not when:
            continue
        if lock is None:
            raise BundleError(f"{where}.weights_locked_at", "the scores are dated, so the "
                              "moment the weights were locked must be given")
        if moment(when) < lock:
            raise BundleError(f"{where}.scores[{k}].scored_at",
                              f"scored at {when}, before the weights were locked at "
                              f"{a.weights_locked_at}")
        if moment(when) > now:
            raise BundleError(f"{where}.scores[{k}].scored_at",
                              f"scored at {when}, after this import")
    if a.weight_changes and lock is None:
        raise BundleError(f"{where}.weight_changes", "weights changed after the lock, but "
                          "no lock is given (weights_locked_at)")
    last = lock
    weight_now: dict[str, int] = {}
    for k, w in enumerate(a.weight_changes):
        path = f"{where}.weight_changes[{k}]"
        at = moment(w.changed_at)
        if last is not None and at < last:
            raise BundleError(f"{path}.at", f"{w.changed_at} is before the lock or the change "
                              "listed before it")
        if at > now:
            raise BundleError(f"{path}.at", f"{w.changed_at} is after this import")
        if w.old == w.new:
            raise BundleError(f"{path}.to", f"the weight did not change (from {w.old} to "
                              f"{w.new})")
        if w.criterion in weight_now and weight_now[w.criterion] != w.old:
            raise BundleError(f"{path}.from", f"the change before it left the weight at "
                              f"{weight_now[w.criterion]}, not {w.old}")
        weight_now[w.criterion] = w.new
        last = at
    for cid, weight in weight_now.items():
        if a.criterion(cid).weight != weight:
            k = max(i for i, w in enumerate(a.weight_changes) if w.criterion == cid)
            raise BundleError(f"{where}.weight_changes[{k}].to",
                              f"the last change leaves {cid!r} at {weight}, but its weight "
                              f"is {a.criterion(cid).weight}")


def imported_audit_rows(d: Decision) -> list[tuple[str, None, str]]:
    """The audit rows an imported appraisal's lock and weight changes get, as the window's
    writes get them."""
    a = d.appraisal
    if a is None or a.weights_locked_at is None:
        return []
    rows: list[tuple[str, None, str]] = [
        ("appraisal.weights_locked_at", None,
         f"{a.weights_locked_at} by {a.weights_locked_by}" if a.weights_locked_by
         else a.weights_locked_at)]
    rows += [(f"appraisal.weight.{w.criterion}", None,
              f"{w.old} to {w.new} at {w.changed_at}" + (f" by {w.changed_by}"
                                                         if w.changed_by else ""))
             for w in a.weight_changes]
    return rows
