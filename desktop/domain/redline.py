"""Per-field differences between two versions of a decision, for the window and the PDF.

No Qt here: the window (desktop/ui/lifecycle/redline.py) and the PDF renderer both draw these.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from desktop.domain.appraisal_text import long_list_line, score_label
from desktop.domain.checklist import Checklist
from desktop.domain.decision import (
    DELIVERY_MODEL_LABELS,
    FIELD_LABELS,
    Action,
    Decision,
    Document,
    Option,
)
from desktop.domain.fields import REPORT_FIELDS
from desktop.domain.record import section_slugs
from desktop.domain.timeline import URGENCY_SHORT

# Principle sub-fields, in the order a reader meets them.
ANSWER_PARTS = {
    "rating": "rating",
    "response": "response",
    "evidence": "evidence",
    "actions": "actions",
    "documents": "documents",
    "done": "action done",
}
_DETAIL_ORDER = (
    "title",
    "reference",
    "organisation",
    "decision_maker",
    "proposer",
    "meeting_date",
    "review_date",
    "key_decision",
    "proposal",
    "reasons",
    "delivery_model",
    "options",
    "conflicts_of_interest",
    *REPORT_FIELDS,
)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions, as text a reader understands."""

    field: str  # path, e.g. "answers.staff.response"
    label: str  # e.g. "3. Respect and involve staff: response"
    old: str  # "" when the field was empty
    new: str

    def segments(self) -> list[tuple[str, str]]:
        """Word-level redline: ("equal" | "delete" | "insert", text) in reading order."""
        return word_diff(self.old, self.new)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Words removed and added between two texts, keeping the unchanged words between them."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []

    def emit(kind: str, tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            emit("equal", a[i1:i2])
        else:
            emit("delete", a[i1:i2])
            emit("insert", b[j1:j2])
    return out


def principle_label(slug: str, checklist: Checklist | None) -> str:
    if checklist is not None:
        try:
            p = checklist.principle(slug)
        except KeyError:
            pass
        else:
            return f"{p.number}. {p.title}"
    return slug


def field_label(field: str, checklist: Checklist | None = None) -> str:
    """A reader's name for a field path (also used for audit log rows)."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    parts = field.split(".")
    if parts[0] == "answers" and len(parts) >= 3:
        part = ".".join(parts[2:])
        m = re.fullmatch(r"actions\[(\d+)\]\.done", part)
        what = f"action {int(m.group(1)) + 1} done" if m else ANSWER_PARTS.get(part, part)
        return f"{principle_label(parts[1], checklist)}: {what}"
    if parts[0] == "sign_off" and len(parts) >= 2:
        return f"Sign-off: {'.'.join(parts[1:])}"
    if parts[0] == "appraisal":
        return "Options appraisal: " + _appraisal_part(parts[1:], checklist)
    return {
        "status": "Status",
        "created": "Created",
        "deleted": "Deleted",
        "verification_code": "Verification code",
        "amendment_reason": "Reason for amendment",
        "is_current": "Current version",
        "signed_copy": "Signed copy attached",
    }.get(field, field.replace("_", " ").capitalize())


def _appraisal_part(parts: list[str], checklist: Checklist | None) -> str:
    """An appraisal audit field in words ("weight of 3. Staff", "score of option 2 on
    Affordability"); fields: desktop/domain/appraisal_record.appraisal_fields."""
    from desktop.domain.appraisal import CSF_TITLES

    def criterion(cid: str) -> str:
        return CSF_TITLES.get(cid) or principle_label(cid, checklist)

    if parts == ["criteria"]:
        return "criteria"
    if parts == ["weights_locked_at"]:
        return "weights locked"
    if parts == ["rejected_options"]:
        return "alternative options considered and rejected"
    if parts == ["long_list"]:
        return "long list"
    if len(parts) >= 2 and parts[0] == "weight":
        return f"weight of {criterion('.'.join(parts[1:]))}"
    if len(parts) >= 3 and parts[0] in ("score", "evidence") and parts[1].isdigit():
        return (f"{parts[0]} of option {int(parts[1]) + 1} on "
                f"{criterion('.'.join(parts[2:]))}")
    if not parts:
        return "the appraisal"
    return criterion(".".join(parts))  # a criterion's line (readable_fields)


def _option_text(o: Option) -> str:
    bits = [o.status]
    if o.delivery_model:
        bits.append(DELIVERY_MODEL_LABELS.get(o.delivery_model, o.delivery_model))
    text = f"{o.name} ({', '.join(bits)})"
    return f"{text}: {o.reason}" if o.reason.strip() else text


def _action_text(a: Action) -> str:
    who = ", ".join(x for x in (a.owner, f"due {a.due}" if a.due else "") if x)
    return f"{a.action} ({who})" if who else a.action


def document_text(x: Document) -> str:
    """"Equality impact assessment, 2026-03-03, held at Democratic Services" (plain)."""
    bits = [x.title]
    if x.date:
        bits.append(x.date)
    if x.held_at:
        bits.append(f"held at {x.held_at}")
    return ", ".join(bits)


def readable_fields(decision: Decision) -> dict[str, str]:
    """Field path -> the text a reader sees, in reading order (content only, no status)."""
    out: dict[str, str] = {}
    for key in _DETAIL_ORDER:
        if key == "key_decision":
            out[key] = "Yes" if decision.key_decision else "No"
        elif key == "delivery_model":
            dm = decision.delivery_model
            out[key] = DELIVERY_MODEL_LABELS.get(dm, dm) if dm else ""
        elif key == "options":
            out[key] = "\n".join(_option_text(o) for o in decision.options)
        elif key == "recommendations":
            out[key] = "\n".join(f"{n}. {r}" for n, r in
                                 enumerate(decision.recommendations, start=1))
        elif key == "background_papers":
            out[key] = "\n".join(document_text(x) for x in decision.background_papers)
        elif key == "exempt_paragraph":
            p = decision.exempt_paragraph
            out[key] = "" if p is None else f"Paragraph {p}"
        elif key == "urgency_route":
            route = decision.urgency_route
            out[key] = "" if route == "none" else URGENCY_SHORT.get(route, route)
        else:
            out[key] = getattr(decision, key) or ""
    for slug in section_slugs(decision):
        a = decision.answer(slug)
        out[f"answers.{slug}.rating"] = a.rating.label if a.rating else ""
        out[f"answers.{slug}.response"] = a.response
        out[f"answers.{slug}.evidence"] = a.evidence
        out[f"answers.{slug}.actions"] = "\n".join(_action_text(x) for x in a.actions)
        out[f"answers.{slug}.documents"] = "\n".join(document_text(x) for x in a.documents)
    appraisal = decision.appraisal
    if appraisal is not None:  # a line for each criterion: its weight and every option's score
        names = [o.name or f"option {i + 1}" for i, o in enumerate(decision.options)]
        for c in appraisal.criteria:
            cells = [f"{names[x.option] if x.option < len(names) else x.option + 1}: "
                     f"{score_label(x.score)}" + (f" ({x.evidence})" if x.evidence else "")
                     for x in appraisal.scores if x.criterion == c.id]
            head = f"weight {c.weight}" + (", must pass" if c.must_pass else "")
            out[f"appraisal.{c.id}"] = "; ".join([head, *cells])
        out["appraisal.rejected_options"] = appraisal.rejected_text
        out["appraisal.long_list"] = long_list_line(appraisal)
    return out


def diff_versions(old: Decision, new: Decision,
                  checklist: Checklist | None = None) -> list[FieldChange]:
    """Every content field that differs from old to new, in reading order."""
    before, after = readable_fields(old), readable_fields(new)
    return [
        FieldChange(field=k, label=field_label(k, checklist), old=before.get(k, ""),
                    new=after[k])
        for k in after
        if before.get(k, "") != after[k]
    ]
