"""The options appraisal as the bundle's APPRAISAL (JSON-ready), and as audit fields.

Content (imported, exported and covered by the verification code): `criteria` (id, kind,
title, weight, must_pass), `scores` (option, criterion, score, evidence) and, when the author
has reworded it, `rejected_options` (the paragraph "alternative options considered and
rejected, and why") and, when recorded, `long_list` (name, kept, reason: the wider set the
shortlist came from; a record without one codes as before). Export adds read-only keys, which an import of an exported bundle
takes back as they are so that a round trip is exact: `weights_locked_at` and
`weights_locked_by`, `weight_changes` (each weight changed after the lock), each score's
`scored_by` and `scored_at`, and each option's `weighted_total` (desktop/domain/record.py;
computed, so ignored on import). The lock, the weight changes and who scored each cell when
are covered by the code too: the record prints them.
"""

from __future__ import annotations

from typing import Any

from desktop.domain.appraisal import (
    Appraisal,
    Criterion,
    LongListEntry,
    Score,
    WeightChange,
    in_order,
)


def appraisal_to_record(a: Appraisal) -> dict[str, Any]:
    """The APPRAISAL content: what a bundle brings in and the code covers."""
    out: dict[str, Any] = {
        "criteria": [{"id": c.id, "kind": c.kind, "title": c.title, "weight": c.weight,
                      "must_pass": c.must_pass} for c in a.criteria],
        "scores": [{"option": s.option, "criterion": s.criterion, "score": s.score,
                    "evidence": s.evidence} for s in in_order(a.criteria, a.scores)],
    }
    if a.rejected_text:
        out["rejected_options"] = a.rejected_text
    if a.long_list:
        out["long_list"] = long_list_record(a)
    return out


def long_list_record(a: Appraisal) -> list[dict[str, Any]]:
    return [{"name": e.name, "kept": e.kept, "reason": e.reason} for e in a.long_list]


def lock_record(a: Appraisal) -> dict[str, Any]:
    """When the weights were locked and every weight changed after: read-only in a bundle,
    covered by the code."""
    out: dict[str, Any] = {}
    if a.weights_locked_at is not None:
        out["weights_locked_at"] = a.weights_locked_at
        out["weights_locked_by"] = a.weights_locked_by
    if a.weight_changes:
        out["weight_changes"] = [{"criterion": w.criterion, "from": w.old, "to": w.new,
                                  "at": w.changed_at, "by": w.changed_by}
                                 for w in a.weight_changes]
    return out


def scored_record(a: Appraisal) -> list[list[Any]]:
    """Who scored each cell and when, in the matrix's order: read-only in a bundle, printed in
    the annex, so covered by the code."""
    return [[s.option, s.criterion, s.scored_by, s.scored_at]
            for s in in_order(a.criteria, a.scores)]


def appraisal_export(a: Appraisal) -> dict[str, Any]:
    """The APPRAISAL as exported: the content, the lock, and who scored each cell when."""
    out = appraisal_to_record(a)
    by_cell = {(s.option, s.criterion): s for s in a.scores}
    for cell in out["scores"]:
        s = by_cell[(cell["option"], cell["criterion"])]
        cell["scored_by"] = s.scored_by
        cell["scored_at"] = s.scored_at
    out.update(lock_record(a))
    return out


def appraisal_from_record(rec: dict[str, Any]) -> Appraisal:
    """An Appraisal from an already-validated APPRAISAL (read-only keys taken as given;
    titles of sections and factors are filled in by whoever knows the checklist)."""
    criteria = tuple(Criterion(id=c["id"], kind=c["kind"], title=c.get("title") or "",
                               weight=c.get("weight", 0), must_pass=bool(c.get("must_pass")))
                     for c in rec.get("criteria") or ())
    scores = [Score(option=s["option"], criterion=s["criterion"], score=s["score"],
                    evidence=s.get("evidence") or "", scored_by=s.get("scored_by") or "",
                    scored_at=s.get("scored_at") or "")
              for s in rec.get("scores") or ()]
    return Appraisal(
        criteria=criteria,
        scores=in_order(criteria, scores),
        weights_locked_at=rec.get("weights_locked_at"),
        weights_locked_by=rec.get("weights_locked_by") or "",
        weight_changes=tuple(WeightChange(w["criterion"], w["from"], w["to"], w["at"],
                                          w.get("by") or "")
                             for w in rec.get("weight_changes") or ()),
        rejected_text=rec.get("rejected_options") or "",
        long_list=tuple(LongListEntry(e["name"], bool(e["kept"]), e.get("reason") or "")
                        for e in rec.get("long_list") or ()),
    )


def appraisal_fields(a: Appraisal | None) -> dict[str, str | None]:
    """Audit field -> text: the criteria (without weights), each weight, the lock, each
    cell's score and evidence, the reworded paragraph and the long list (when recorded). A weight changed after the lock
    is one row of its own; so is each score."""
    if a is None:
        return {}
    import json

    flat: dict[str, str | None] = {
        "appraisal.criteria": json.dumps(
            [[c.id, c.kind, c.title, c.must_pass] for c in a.criteria], ensure_ascii=False),
        "appraisal.weights_locked_at": a.weights_locked_at,
        "appraisal.rejected_options": a.rejected_text,
    }
    if a.long_list:
        flat["appraisal.long_list"] = json.dumps(long_list_record(a), ensure_ascii=False)
    for c in a.criteria:
        flat[f"appraisal.weight.{c.id}"] = str(c.weight)
    for s in a.scores:
        flat[f"appraisal.score.{s.option}.{s.criterion}"] = str(s.score)
        flat[f"appraisal.evidence.{s.option}.{s.criterion}"] = s.evidence
    return flat
