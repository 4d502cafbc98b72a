"""A version's options appraisal in its four tables (migrations.m008_appraisal) and its long
list (m011_appraisal_long_list) <-> Appraisal.

Called by the repository inside its write transaction; the audit rows come from the
record's fields (desktop/domain/appraisal_record.appraisal_fields), as for every other part.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from desktop.storage.multi_row_insert import insert_rows
from desktop.storage.schema_info import APPRAISAL_TABLES, LONG_LIST_TABLE

if TYPE_CHECKING:  # imported where an appraisal is read: not before the register's first paint
    from desktop.domain.appraisal import Appraisal


def load_appraisal(conn: Any, vid: int) -> Appraisal | None:
    """The appraisal of version row `vid`, or None when it has none (one SELECT then)."""
    try:
        head = conn.execute("SELECT weights_locked_at, weights_locked_by, rejected_text "
                            "FROM appraisals WHERE version_id = ?", [vid]).fetchone()
    except sqlite3.OperationalError:  # a file from before m008 being inspected unmigrated
        return None
    if head is None:
        return None
    from desktop.domain.appraisal import (
        Appraisal,
        Criterion,
        LongListEntry,
        Score,
        WeightChange,
        in_order,
    )

    criteria = tuple(
        Criterion(cid, kind, title, weight, bool(must_pass))
        for cid, kind, title, weight, must_pass in conn.execute(
            "SELECT criterion, kind, title, weight, must_pass FROM appraisal_criteria "
            "WHERE version_id = ? ORDER BY position", [vid]))
    scores = [Score(*row) for row in conn.execute(
        "SELECT option, criterion, score, evidence, scored_by, scored_at FROM appraisal_scores "
        "WHERE version_id = ?", [vid])]
    changes = tuple(WeightChange(*row) for row in conn.execute(
        "SELECT criterion, old_weight, new_weight, changed_at, changed_by "
        "FROM appraisal_weight_changes WHERE version_id = ? ORDER BY position", [vid]))
    try:
        long_list = tuple(LongListEntry(name, bool(kept), reason) for name, kept, reason in
                          conn.execute(f"SELECT name, kept, reason FROM {LONG_LIST_TABLE} "
                                       "WHERE version_id = ? ORDER BY position", [vid]))
    except sqlite3.OperationalError:  # a file from before m011 being inspected unmigrated
        long_list = ()
    return Appraisal(criteria=criteria, scores=in_order(criteria, scores),
                     weights_locked_at=head[0], weights_locked_by=head[1],
                     weight_changes=changes, rejected_text=head[2], long_list=long_list)


def insert_appraisals(conn: Any, given: Iterable[tuple[int, Appraisal | None]]) -> None:
    """The appraisals of brand-new versions (or of one just cleared): one executemany a table."""
    rows = [(vid, a) for vid, a in given if a is not None]
    if not rows:
        return
    insert_rows(conn,
        "INSERT INTO appraisals (version_id, weights_locked_at, weights_locked_by, "
        "rejected_text) VALUES (?, ?, ?, ?)",
        [(vid, a.weights_locked_at, a.weights_locked_by, a.rejected_text) for vid, a in rows])
    insert_rows(conn,
        "INSERT INTO appraisal_criteria (version_id, position, criterion, kind, title, weight, "
        "must_pass) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(vid, i, c.id, c.kind, c.title, c.weight, int(c.must_pass))
         for vid, a in rows for i, c in enumerate(a.criteria)])
    insert_rows(conn,
        "INSERT INTO appraisal_scores (version_id, option, criterion, score, evidence, "
        "scored_by, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(vid, s.option, s.criterion, s.score, s.evidence, s.scored_by, s.scored_at)
         for vid, a in rows for s in a.scores])
    insert_rows(conn,
        "INSERT INTO appraisal_weight_changes (version_id, position, criterion, old_weight, "
        "new_weight, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(vid, i, w.criterion, w.old, w.new, w.changed_at, w.changed_by)
         for vid, a in rows for i, w in enumerate(a.weight_changes)])
    insert_rows(conn,
        f"INSERT INTO {LONG_LIST_TABLE} (version_id, position, name, kept, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        [(vid, i, e.name, int(e.kept), e.reason)
         for vid, a in rows for i, e in enumerate(a.long_list)])


def delete_appraisal(conn: Any, vid: int) -> None:
    for table in (*APPRAISAL_TABLES, LONG_LIST_TABLE):
        conn.execute(f"DELETE FROM {table} WHERE version_id = ?", [vid])


def write_appraisal(conn: Any, vid: int, appraisal: Appraisal | None) -> None:
    """Replace the version's appraisal rows with these (none: remove them). A 6 x 20 matrix
    is 150 rows, rewritten whole: simpler than a diff, and quick inside the transaction."""
    delete_appraisal(conn, vid)
    insert_appraisals(conn, [(vid, appraisal)])
