"""A decision as a plain JSON-ready record (the bundle's DECISION), and field-level diffs."""

from __future__ import annotations

import json
from typing import Any

from desktop.domain.decision import (
    RATING_VALUE,
    Action,
    Answer,
    Decision,
    Document,
    Option,
    Rating,
    SignOff,
    Status,
)
from desktop.domain.fields import IMPLICATIONS, REPORT_FIELDS
from desktop.domain.timeline import CALL_IN_DAYS, decision_timeline
from desktop.domain.verification import verification_code

_OPTIONAL_TEXT = (
    "reference",
    "reasons",
    "organisation",
    "decision_maker",
    "proposer",
    "conflicts_of_interest",
)


_NOT_STARTED = Answer()
_RATINGS = {r.value: r for r in Rating}  # a dict lookup: Rating(value) costs ten times more
_REPORT_TEXT = ("report_of", "contact_officer", "wards_affected")
_TIMELINE_DATES = ("forward_plan_notice_date", "decision_date", "publication_date")
# Worked out from the record (desktop/domain/timeline.py): written by export, accepted and
# ignored by import.
TIMELINE_KEYS = ("call_in_end", "implementable_from", "challenge_end")


def report_record(decision: Decision) -> dict[str, Any]:
    """The committee report's keys of the bundle record, each left out while blank: so a
    record from before they existed serialises, and so is coded, exactly as it was."""
    rec: dict[str, Any] = {}
    for key in _REPORT_TEXT:
        if getattr(decision, key):
            rec[key] = getattr(decision, key)
    if decision.recommendations:
        rec["recommendations"] = list(decision.recommendations)
    if decision.exempt_paragraph is not None or decision.exempt_parts:
        rec["exempt_information"] = {"paragraph": decision.exempt_paragraph,
                                     "parts": decision.exempt_parts}
    implications = {}
    for kind, _post in IMPLICATIONS:
        text = getattr(decision, f"{kind}_implications")
        officer = getattr(decision, f"{kind}_officer")
        if text or officer:
            implications[kind] = {"text": text, "officer": officer}
    if implications:
        rec["implications"] = implications
    for key in _TIMELINE_DATES:
        if getattr(decision, key) is not None:
            rec[key] = getattr(decision, key)
    if decision.urgency_route != "none":
        rec["urgency_route"] = decision.urgency_route
    if decision.background_papers:
        rec["background_papers"] = documents_to_record(decision.background_papers)
    return rec


def report_fields(rec: dict[str, Any]) -> dict[str, Any]:
    """The Decision fields of a validated bundle record's committee report keys."""
    out: dict[str, Any] = {key: rec.get(key) or "" for key in _REPORT_TEXT}
    out["recommendations"] = tuple(rec.get("recommendations") or ())
    exempt = rec.get("exempt_information") or {}
    out["exempt_paragraph"] = exempt.get("paragraph")
    out["exempt_parts"] = exempt.get("parts") or ""
    implications = rec.get("implications") or {}
    for kind, _post in IMPLICATIONS:
        part = implications.get(kind) or {}
        out[f"{kind}_implications"] = part.get("text") or ""
        out[f"{kind}_officer"] = part.get("officer") or ""
    for key in _TIMELINE_DATES:
        out[key] = rec.get(key)
    out["urgency_route"] = rec.get("urgency_route") or "none"
    out["background_papers"] = documents_from_record(rec.get("background_papers"))
    return out


def answer_to_record(answer: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rating": RATING_VALUE.get(answer.rating),
        "response": answer.response,
        "evidence": answer.evidence,
    }
    if answer.actions:
        out["actions"] = [
            {"action": a.action, "owner": a.owner, "due": a.due} for a in answer.actions
        ]
    if answer.documents:  # absent when none: the codes of records without them stay the same
        out["documents"] = documents_to_record(answer.documents)
    return out


def documents_to_record(documents: tuple[Document, ...]) -> list[dict[str, Any]]:
    return [{"title": x.title, "date": x.date, "held_at": x.held_at} for x in documents]


def documents_from_record(items: Any) -> tuple[Document, ...]:
    return tuple(Document(title=x["title"], date=x.get("date"), held_at=x.get("held_at") or "")
                 for x in items or ())


def answer_order(decision: Decision) -> list[str]:
    """The slugs answered, in its checklist's order (any the checklist lacks last, sorted:
    no answer is ever left out of a record or its code)."""
    return [slug for slug in section_slugs(decision) if slug in decision.answers]


def content_record(decision: Decision) -> dict[str, Any]:
    """The bundle record without the export-only keys that change over a version's life."""
    rec: dict[str, Any] = {"id": decision.id, "title": decision.title, "proposal": decision.proposal}
    for key in _OPTIONAL_TEXT:
        rec[key] = getattr(decision, key)
    for key in ("meeting_date", "review_date", "delivery_model"):
        value = getattr(decision, key)
        if value is not None:
            rec[key] = value
    rec["key_decision"] = decision.key_decision
    rec["options"] = []
    for o in decision.options:
        opt: dict[str, Any] = {"name": o.name, "status": o.status}
        if o.delivery_model is not None:
            opt["delivery_model"] = o.delivery_model
        opt["reason"] = o.reason
        rec["options"].append(opt)
    rec.update(report_record(decision))
    # Principles not yet started are left out. A started but unrated answer is kept with
    # "rating": null so that no typed word is lost in a backup or transfer.
    answers = decision.answers
    rec["answers"] = {
        slug: answer_to_record(answers[slug])
        for slug in answer_order(decision)
        # a rated answer is started: only an unrated one is compared with a blank Answer
        if answers[slug].rating is not None or answers[slug] != _NOT_STARTED
    }
    rec["version"] = decision.version
    rec["checklist"] = {"id": decision.checklist_id, "version": decision.checklist_version}
    # Only a record with an appraisal has the key, so the codes of all others stay as they were.
    if decision.appraisal is not None:
        from desktop.domain.appraisal_record import appraisal_to_record

        rec["appraisal"] = appraisal_to_record(decision.appraisal)
    return rec


def to_record(decision: Decision, call_in_days: int = CALL_IN_DAYS) -> dict[str, Any]:
    """The full export record, read-only keys included (`call_in_days`: the register's)."""
    rec = content_record(decision)
    for key, value in decision_timeline(decision, call_in_days).iso().items():
        if value is not None:
            rec[key] = value
    if decision.appraisal is not None:
        from desktop.domain.appraisal import weighted_total
        from desktop.domain.appraisal_record import appraisal_export

        rec["appraisal"] = appraisal_export(decision.appraisal)
        for i, option in enumerate(rec["options"]):
            total = weighted_total(decision.appraisal, i)
            option["weighted_total"] = None if total is None else round(total, 1)
    rec["status"] = decision.status.value
    rec["sign_offs"] = [
        {"role": s.role, "name": s.name, "date": s.date, "minute_reference": s.minute_reference}
        for s in decision.sign_offs
    ]
    rec["created_at"] = decision.created_at
    rec["updated_at"] = decision.updated_at
    rec["verification_code"] = code_for(decision)
    return rec


CODE_SCHEME = 2  # the scheme of every version written now


def content_code(decision: Decision) -> str:
    """The code of the version's content: what the copy for signature prints.

    Scheme 2 covers the checklist definition itself (its SHA-256), not only its id and
    version, so a definition swapped under a record changes the code. A sign-off recorded
    with `--code` is bound to this code.
    """
    return verification_code(_coded(decision))


def code_for(decision: Decision) -> str:
    """The verification code a printout of this version carries now.

    Once signed off (scheme 2), the code also pins the recorded sign-offs (role, name, date,
    minute), so a sign-off changed afterwards no longer verifies. Before that it is the
    content code, which stays the same while sign-offs are being recorded.
    """
    return codes(decision)[0]


def codes(decision: Decision) -> tuple[str, str]:
    """(the code printed now, the content code), the content serialised once."""
    record = _coded(decision)
    if decision.code_scheme < 2:
        code = verification_code(record)
        return code, code
    content = verification_code(record)
    if decision.status != Status.SIGNED_OFF:
        return content, content
    record["signed_by"] = sorted(
        [s.role.casefold(), s.name, s.date, s.minute_reference] for s in decision.sign_offs
    )
    return verification_code(record), content


def _coded(decision: Decision) -> dict[str, Any]:
    """What the content code covers: the content, and (scheme 2) the checklist definition and
    an appraisal's weight lock, the weights changed after it and who scored each cell when,
    which the record prints."""
    record = content_record(decision)
    if decision.code_scheme >= 2:
        record["checklist_sha256"] = decision.checklist_sha256
    if decision.appraisal is not None:
        from desktop.domain.appraisal_record import lock_record, scored_record

        if locks := lock_record(decision.appraisal):
            record["appraisal_locks"] = locks
        if scored := scored_record(decision.appraisal):
            record["appraisal_scored"] = scored
    return record


def from_record(rec: dict[str, Any], **fields: Any) -> Decision:
    """Build a Decision from an already-validated bundle record; `fields` are set as given
    instead (what the record does not say: the checklist it is answered against, say), so
    the Decision is built once."""
    from desktop.domain.appraisal_record import appraisal_from_record

    answers = {}
    for slug, a in (rec.get("answers") or {}).items():
        rating, actions, documents = a.get("rating"), a.get("actions"), a.get("documents")
        answers[slug] = Answer(
            rating=(_RATINGS.get(rating) or Rating(rating)) if rating else None,
            response=a.get("response", ""),
            evidence=a.get("evidence") or "",
            actions=tuple([  # a list first: tuple(generator) costs a third more
                Action(action=x["action"], owner=x["owner"], due=x["due"]) for x in actions
            ]) if actions else (),
            documents=documents_from_record(documents) if documents else (),
        )
    checklist = rec.get("checklist") or {}
    optional_text: dict[str, Any] = {k: rec.get(k) or "" for k in _OPTIONAL_TEXT}
    values: dict[str, Any] = dict(
        id=rec["id"],
        title=rec["title"],
        proposal=rec["proposal"],
        **optional_text,
        meeting_date=rec.get("meeting_date"),
        review_date=rec.get("review_date"),
        key_decision=bool(rec.get("key_decision", False)),
        delivery_model=rec.get("delivery_model"),
        options=tuple([
            Option(
                name=o["name"],
                status=o["status"],
                delivery_model=o.get("delivery_model"),
                reason=o.get("reason") or "",
            )
            for o in rec.get("options") or ()
        ]),
        answers=answers,
        version=rec.get("version", 1),
        status=Status(rec.get("status", "draft")),
        checklist_id=checklist.get("id", ""),
        checklist_version=checklist.get("version", 0),
        sign_offs=tuple(
            SignOff(
                role=s["role"],
                name=s["name"],
                date=s["date"],
                minute_reference=s.get("minute_reference") or "",
            )
            for s in rec.get("sign_offs") or ()
        ),
        created_at=rec.get("created_at", ""),
        updated_at=rec.get("updated_at", ""),
        **report_fields(rec),
        appraisal=appraisal_from_record(rec["appraisal"]) if "appraisal" in rec else None,
    )
    values.update(fields)
    return Decision(**values)


# The fields _flatten turns into one value each of its own (the options, the answers and
# the appraisal are flattened apart)
_DETAILS = ("title", "proposal", *_OPTIONAL_TEXT, "meeting_date", "review_date",
            "key_decision", "delivery_model", "status", *REPORT_FIELDS)


def _flatten(decision: Decision, same: frozenset[str] = frozenset(), *,
             same_options: bool = False, same_appraisal: bool = False,
             same_details: bool = False) -> dict[str, str | None]:
    """Field path -> text value, for audit rows and redlines.

    Parts the caller knows are equal in the record it compares with are left out (their
    fields cannot differ): the answers to the slugs in `same`, the options, the appraisal,
    the details (_DETAILS)."""
    flat: dict[str, str | None] = {}
    if not same_details:
        for key in ("title", "proposal", *_OPTIONAL_TEXT, "meeting_date", "review_date"):
            flat[key] = getattr(decision, key)
        flat["key_decision"] = "yes" if decision.key_decision else "no"
        flat["delivery_model"] = decision.delivery_model
    if not same_options:
        flat["options"] = json.dumps(
            content_record(decision)["options"], ensure_ascii=False, sort_keys=True
        )
    if not same_details:
        flat["status"] = decision.status.value
        for key in REPORT_FIELDS:
            value = getattr(decision, key)
            if key == "recommendations":
                flat[key] = json.dumps(list(value), ensure_ascii=False)
            elif key == "background_papers":
                flat[key] = json.dumps(documents_to_record(value), ensure_ascii=False)
            else:
                flat[key] = None if value is None else str(value)
    for slug in section_slugs(decision):
        if slug in same:
            continue
        a = decision.answer(slug)
        flat[f"answers.{slug}.rating"] = a.rating.value if a.rating else None
        flat[f"answers.{slug}.response"] = a.response
        flat[f"answers.{slug}.evidence"] = a.evidence
        flat[f"answers.{slug}.actions"] = json.dumps(
            [{"action": x.action, "owner": x.owner, "due": x.due} for x in a.actions],
            ensure_ascii=False,
        )
        flat[f"answers.{slug}.documents"] = json.dumps(documents_to_record(a.documents),
                                                      ensure_ascii=False)
    if not same_appraisal:
        from desktop.domain.appraisal_record import appraisal_fields

        flat.update(appraisal_fields(decision.appraisal))
    return flat


def section_slugs(decision: Decision) -> list[str]:
    """Its checklist's slugs, then any other slug it has an answer for (sorted)."""
    sections = decision.sections
    others = decision.answers.keys() - sections  # most records have none
    return [*sections, *sorted(others)] if others else list(sections)


def field_changes(old: Decision | None, new: Decision) -> list[tuple[str, str | None, str | None]]:
    """(field, old value, new value) for every field that differs; old None means created."""
    if old is None:
        return [("created", None, new.title)]
    # What is equal in both (most of a record, on an autosave) is not flattened at all.
    old_slugs = set(section_slugs(old))
    same = frozenset(slug for slug in section_slugs(new)
                     if slug in old_slugs and old.answer(slug) == new.answer(slug))
    equal = {"same_options": old.options == new.options,
             "same_appraisal": old.appraisal == new.appraisal,
             "same_details": all(getattr(old, k) == getattr(new, k) for k in _DETAILS)}
    after = _flatten(new, same, **equal)
    before = _flatten(old, same, **equal)
    changes = [(k, before.get(k), after[k]) for k in after if before.get(k) != after[k]]
    # An appraisal's fields can go (a score cleared, the long list emptied, the appraisal
    # removed): each is audited as changed to nothing.
    changes.extend((k, v, None) for k, v in before.items()
                   if k.startswith("appraisal.") and k not in after and v is not None)
    # An edit that moves or drops a done action is audited as ticking writes it.
    for slug in dict.fromkeys((*new.sections, *old.answers, *new.answers)):
        was, now = _done_flags(old, slug), _done_flags(new, slug)
        changes.extend((f"answers.{slug}.actions[{i}].done", "yes" if i in was else "no",
                        "yes" if i in now else "no") for i in sorted(was ^ now))
    return changes


def _done_flags(decision: Decision, slug: str) -> set[int]:
    return {i for i, a in enumerate(decision.answer(slug).actions) if a.done}


def sign_off_text(s: SignOff) -> str:
    """A sign-off as the audit log records it."""
    bits = [s.name, s.date]
    if s.minute_reference:
        bits.append(f"minute {s.minute_reference}")
    text = ", ".join(bits)
    return f"{text} ({s.comment})" if s.comment else text
