"""Three-way merge of one editor's change into a record someone else changed meanwhile.

An editor's change is the difference between the record it loaded (the base) and what it
would save (mine). Only the parts it changed are applied to what is stored now (theirs):
a detail, or one part of an answer (its rating, response, evidence or list of actions). A
part that theirs changed since the base too, to something else, is a conflict: theirs is
kept, and the editor is told, never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from desktop.domain.decision import Answer, Decision
from desktop.domain.errors import Refused
from desktop.domain.fields import FIELDS, LABELS

ANSWER_PARTS = ("rating", "response", "evidence", "actions", "documents")
APPRAISAL_PART = "appraisal"


def answer_part(slug: str, part: str) -> str:
    """The name of one part of an answer, as merge() reports it: "answers.values.response"."""
    return f"answers.{slug}.{part}"


def _slugs(*decisions: Decision) -> tuple[str, ...]:
    """The sections answered or asked in any of the records, each once."""
    return tuple(dict.fromkeys(slug for d in decisions for slug in (*d.sections, *d.answers)))


def _parts(decision: Decision, slugs: tuple[str, ...]) -> Iterator[tuple[str, object]]:
    for name in FIELDS:
        yield name, getattr(decision, name)
    yield APPRAISAL_PART, decision.appraisal  # one part: its cells hang together by the lock
    for slug in slugs:
        answer = decision.answer(slug)
        for part in ANSWER_PARTS:
            yield answer_part(slug, part), getattr(answer, part)


def part_value(decision: Decision, name: str) -> object:
    """The value of one part (as merge() names it) of a record."""
    if name.startswith("answers."):
        _, slug, part = name.split(".")
        return getattr(decision.answer(slug), part)
    return getattr(decision, name)


def changed_parts(before: Decision, after: Decision) -> tuple[str, ...]:
    """The parts (details, parts of answers) whose content differs between two records."""
    slugs = _slugs(before, after)
    old = dict(_parts(before, slugs))
    return tuple(name for name, value in _parts(after, slugs) if old[name] != value)


@dataclass(frozen=True)
class Merged:
    """Theirs with my changes applied, and the parts of mine refused because theirs changed
    them too."""

    record: Decision
    conflicts: tuple[str, ...]


def merge(base: Decision, mine: Decision, theirs: Decision) -> Merged:
    """Apply onto `theirs` the parts `mine` changed since `base`; a part `theirs` changed since
    `base` to something else as well is a conflict, and keeps theirs."""
    slugs = _slugs(base, mine, theirs)
    old, ours, now = (dict(_parts(d, slugs)) for d in (base, mine, theirs))
    take: dict[str, object] = {}
    conflicts = []
    for name in changed_parts(base, mine):
        if now[name] in (old[name], ours[name]):
            take[name] = ours[name]
        else:
            conflicts.append(name)
    _options_carry_their_scores(base, mine, theirs, take, conflicts)
    return Merged(_with_parts(theirs, take), tuple(conflicts))


def _options_carry_their_scores(base: Decision, mine: Decision, theirs: Decision,
                                take: dict[str, object], conflicts: list[str]) -> None:
    """The appraisal's scores are by option index, so the options and the scores move
    together: my options applied onto theirs carry theirs' scores to their new places (my
    appraisal changed only by that move is no conflict); my scores, placed for my options,
    are not applied where theirs' options are kept."""
    from desktop.domain.appraisal import option_renumbering, with_options_renumbered

    if "options" in take and APPRAISAL_PART not in take and theirs.appraisal is not None:
        take[APPRAISAL_PART] = with_options_renumbered(
            theirs.appraisal, option_renumbering(theirs.options, mine.options))
        if APPRAISAL_PART in conflicts and base.appraisal is not None and (
                mine.appraisal == with_options_renumbered(
                    base.appraisal, option_renumbering(base.options, mine.options))):
            conflicts.remove(APPRAISAL_PART)
    elif ("options" in conflicts and APPRAISAL_PART in take
          and theirs.options != mine.options):
        del take[APPRAISAL_PART]
        conflicts.append(APPRAISAL_PART)


def _with_parts(decision: Decision, parts: dict[str, object]) -> Decision:
    details: dict[str, Any] = {name: value for name, value in parts.items()
                               if name in FIELDS or name == APPRAISAL_PART}
    answers = dict(decision.answers)
    for name, value in parts.items():
        if name.startswith("answers."):
            _, slug, part = name.split(".")
            one: dict[str, Any] = {part: value}
            answers[slug] = replace(answers.get(slug, Answer()), **one)
    return replace(decision, **details, answers=answers)


def part_label(name: str, principle_titles: dict[str, str] | None = None) -> str:
    """A part in words: "Title", "the response to Staff"."""
    if name in LABELS:
        return LABELS[name]
    if name == APPRAISAL_PART:
        return "the options appraisal"
    _, slug, part = name.split(".")
    title = (principle_titles or {}).get(slug, slug)
    return f"the {part} of {title}"


class EditConflict(Refused):
    """Someone else changed the same part of the record since the editor read it: that part
    of the edit was not saved; the rest of it was (`saved` is the record as now stored)."""

    def __init__(self, message: str, *, saved: Decision, base: Decision,
                 conflicts: tuple[str, ...]) -> None:
        super().__init__(message)
        self.saved = saved
        self.base = base
        self.conflicts = conflicts
