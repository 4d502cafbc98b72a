"""A version's options appraisal in the shared register's four tables (p003) and its long
list (p005) <-> Appraisal.

What desktop/storage/appraisal_store.py is to a register file: the same tables and rows.
A record loads in one statement (PostgresRepository's _LOAD), so the appraisal comes as one
JSON value of that row (`APPRAISAL_JSON`), read back by `appraisal_from_json`; the rows of
brand-new versions are written one executemany a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from desktop.domain.appraisal import (
    Appraisal,
    Criterion,
    LongListEntry,
    Score,
    WeightChange,
    in_order,
)
from desktop.storage.schema_info import APPRAISAL_TABLES, LONG_LIST_TABLE

# The appraisal of version v (in _LOAD) as [locked_at, locked_by, rejected_text, criteria,
# scores, weight changes, long list], or NULL when it has none.
APPRAISAL_JSON = """(SELECT json_build_array(ap.weights_locked_at, ap.weights_locked_by,
            ap.rejected_text,
            (SELECT coalesce(json_agg(json_build_array(criterion, kind, title, weight, must_pass)
                                      ORDER BY position), '[]')
               FROM appraisal_criteria WHERE version_id = v.id),
            (SELECT coalesce(json_agg(json_build_array(option, criterion, score, evidence,
                                                       scored_by, scored_at)), '[]')
               FROM appraisal_scores WHERE version_id = v.id),
            (SELECT coalesce(json_agg(json_build_array(criterion, old_weight, new_weight,
                                                       changed_at, changed_by)
                                      ORDER BY position), '[]')
               FROM appraisal_weight_changes WHERE version_id = v.id),
            (SELECT coalesce(json_agg(json_build_array(name, kept, reason) ORDER BY position),
                             '[]')
               FROM appraisal_long_list WHERE version_id = v.id))
          FROM appraisals ap WHERE ap.version_id = v.id)"""

Many = Callable[[str, list[tuple[Any, ...]]], None]


def appraisal_from_json(value: list[Any] | None) -> Appraisal | None:
    """The Appraisal of APPRAISAL_JSON's value (as appraisal_store.load_appraisal builds it)."""
    if value is None:
        return None
    locked_at, locked_by, rejected_text, criteria_rows, score_rows, change_rows, long_rows = value
    criteria = tuple(Criterion(cid, kind, title, weight, bool(must_pass))
                     for cid, kind, title, weight, must_pass in criteria_rows)
    scores = [Score(*row) for row in score_rows]
    changes = tuple(WeightChange(*row) for row in change_rows)
    return Appraisal(criteria=criteria, scores=in_order(criteria, scores),
                     weights_locked_at=locked_at, weights_locked_by=locked_by,
                     weight_changes=changes, rejected_text=rejected_text,
                     long_list=tuple(LongListEntry(name, bool(kept), reason)
                                     for name, kept, reason in long_rows))


def insert_appraisals(many: Many, given: Iterable[tuple[int, Appraisal | None]]) -> None:
    """The appraisals of brand-new versions (or of one just cleared)."""
    rows = [(vid, a) for vid, a in given if a is not None]
    if not rows:
        return
    many("INSERT INTO appraisals (version_id, weights_locked_at, weights_locked_by, "
         "rejected_text) VALUES (%s, %s, %s, %s)",
         [(vid, a.weights_locked_at, a.weights_locked_by, a.rejected_text) for vid, a in rows])
    many("INSERT INTO appraisal_criteria (version_id, position, criterion, kind, title, weight, "
         "must_pass) VALUES (%s, %s, %s, %s, %s, %s, %s)",
         [(vid, i, c.id, c.kind, c.title, c.weight, int(c.must_pass))
          for vid, a in rows for i, c in enumerate(a.criteria)])
    many("INSERT INTO appraisal_scores (version_id, option, criterion, score, evidence, "
         "scored_by, scored_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
         [(vid, s.option, s.criterion, s.score, s.evidence, s.scored_by, s.scored_at)
          for vid, a in rows for s in a.scores])
    many("INSERT INTO appraisal_weight_changes (version_id, position, criterion, old_weight, "
         "new_weight, changed_at, changed_by) VALUES (%s, %s, %s, %s, %s, %s, %s)",
         [(vid, i, w.criterion, w.old, w.new, w.changed_at, w.changed_by)
          for vid, a in rows for i, w in enumerate(a.weight_changes)])
    many(f"INSERT INTO {LONG_LIST_TABLE} (version_id, position, name, kept, reason) "
         "VALUES (%s, %s, %s, %s, %s)",
         [(vid, i, e.name, int(e.kept), e.reason)
          for vid, a in rows for i, e in enumerate(a.long_list)])


def delete_appraisals(execute: Callable[[str, list[Any]], object], vids: list[int]) -> None:
    """Remove these versions' appraisal rows (children first)."""
    for table in (LONG_LIST_TABLE, *reversed(APPRAISAL_TABLES)):
        execute(f"DELETE FROM {table} WHERE version_id = ANY(%s)", [vids])


# Audit rows ("user", field, new value) that show who did what to an appraisal (p005).
Audited = set[tuple[str, str, str | None]]


def foreign_names(a: Appraisal | None, user: str) -> bool:
    """Whether the appraisal names anyone but `user` (or no one) as scorer, locker or changer."""
    if a is None:
        return False
    names = {a.weights_locked_by, *(s.scored_by for s in a.scores),
             *(w.changed_by for w in a.weight_changes)}
    return bool(names - {"", user})


def who_the_server_keeps(a: Appraisal, user: str, audited: Audited) -> Appraisal:
    """The appraisal as the server stores it for `user` (p005 dc_appraisal_who): a name other
    than the user's (or '') stays only where the decision's audit rows show that person did
    it; any other becomes the user's. The client codes what the server keeps."""
    def scored(name: str, criterion: str, score: int) -> bool:
        return name in ("", user) or any(
            who == name and field.startswith("appraisal.score.")
            and field.endswith(f".{criterion}") and value == str(score)
            for who, field, value in audited)

    def did(name: str, field: str, value: str | None) -> bool:
        return name in ("", user) or (name, field, value) in audited

    scores = [s if scored(s.scored_by, s.criterion, s.score) else replace(s, scored_by=user)
              for s in a.scores]
    changes = tuple(w if did(w.changed_by, f"appraisal.weight.{w.criterion}", str(w.new))
                    else replace(w, changed_by=user) for w in a.weight_changes)
    locked_by = a.weights_locked_by if did(a.weights_locked_by, "appraisal.weights_locked_at",
                                           a.weights_locked_at) else user
    return replace(a, scores=tuple(scores), weight_changes=changes, weights_locked_by=locked_by)
