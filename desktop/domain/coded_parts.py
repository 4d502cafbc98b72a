"""The content code's canonical JSON kept in parts, so that a record which differs from one
already coded only in its answers is coded without serialising the rest of it again.

An autosave changes one answer of an 8 kB record: encoding the whole record for its code
took most of the save's own Python. The canonical JSON (desktop/domain/verification.py) is
its keys sorted, joined by "," with ":" between key and value, so it is put together from
each top-level item's encoding, and the answers' from each answer's: the same bytes, so the
same codes (tests/unit/domain/test_coded_parts.py holds them to codes()).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from desktop.domain.decision import Decision, Status
from desktop.domain.record import _NOT_STARTED, _coded, answer_to_record, codes
from desktop.domain.verification import _CANONICAL, _EXCLUDED, code_of

# What a record's content code covers besides its answers: another record equal in all of
# these (and in neither signed off) differs from it in its code only by its answers.
_NOT_ANSWERS = tuple(f.name for f in fields(Decision)
                     if f.name not in ("answers", "status", "updated_at"))


@dataclass(frozen=True)
class CodedParts:
    """A record's canonical content, in parts: each top-level item but the answers, encoded
    as `"key":value`, and each answer's item, `"slug":{...}`."""

    items: dict[str, str]
    answers: dict[str, str]

    def canonical(self) -> bytes:
        """The canonical content, as canonical_content gives it."""
        answers = '"answers":{' + ",".join([self.answers[s] for s in sorted(self.answers)]) + "}"
        items = {**self.items, "answers": answers}
        return ("{" + ",".join([items[k] for k in sorted(items)]) + "}").encode("utf-8")


def _item(key: str, value: Any) -> str:
    return f"{_CANONICAL.encode(key)}:{_CANONICAL.encode(value)}"


def coded_parts(decision: Decision) -> CodedParts:
    """The parts of what the content code of `decision` covers."""
    record = _coded(decision)
    answers = record.pop("answers")
    return CodedParts({k: _item(k, v) for k, v in record.items() if k not in _EXCLUDED},
                      {slug: _item(slug, a) for slug, a in answers.items()})


def codes_and_parts(decision: Decision, like: tuple[Decision, CodedParts] | None = None,
                    ) -> tuple[tuple[str, str], CodedParts | None]:
    """codes(decision), and its parts (None for a signed-off record, whose printed code also
    covers its sign-offs: coded as codes() codes it). `like`: a record and its parts, which
    the parts of `decision` are made from when the two differ only in answers."""
    if decision.status == Status.SIGNED_OFF:
        return codes(decision), None
    parts = _parts_like(decision, *like) if like is not None else None
    if parts is None:
        parts = coded_parts(decision)
    code = code_of(parts.canonical())
    return (code, code), parts


def _parts_like(decision: Decision, base: Decision, parts: CodedParts) -> CodedParts | None:
    if base.status == Status.SIGNED_OFF or any(
            getattr(decision, name) != getattr(base, name) for name in _NOT_ANSWERS):
        return None
    answers = dict(parts.answers)
    new, old = decision.answers, base.answers
    for slug in {*new, *old}:
        answer = new.get(slug)
        if answer is old.get(slug):
            continue
        if answer is None or answer == _NOT_STARTED:
            answers.pop(slug, None)
        else:
            answers[slug] = _item(slug, answer_to_record(answer))
    return CodedParts(parts.items, answers)
