"""Import of 1,000 decisions against plain executemany; autosave of one answer."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench import generate
from bench.context import Context
from bench.harness import Figure, interleaved, percentile

# Every table import_bundle writes, in an order that satisfies the foreign keys (_dump_rows
# refuses to build a floor that leaves out a table the import wrote rows to).
TABLES = ("checklists", "checklist_sections", "decisions", "versions", "version_timeline",
          "options", "answers", "actions", "action_progress", "documents", "appraisals",
          "appraisal_criteria", "appraisal_long_list", "appraisal_scores",
          "appraisal_weight_changes", "sign_offs", "audit_log", "search_index")
# Rows a freshly opened register already holds (the floor's starts the same), and the
# full-text index's own tables, which the floor fills by writing search_index as the app does.
_NOT_IMPORTED = ("_sqlite_migrations", "register_meta")


def _open_service(path: Path):
    from desktop.application.bootstrap import open_service

    return open_service(path, user="bench", now=generate.fixed_clock())


def _dump_rows(db) -> dict[str, tuple[str, list[tuple]]]:
    """Every row of every table, as (INSERT statement, rows)."""
    written = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name NOT LIKE 'search_index_%'")
        if name not in _NOT_IMPORTED and db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone()]
    if missing := sorted(set(written) - set(TABLES)):
        raise RuntimeError(f"the import floor leaves out rows the import wrote: {missing}")
    out = {}
    for table in TABLES:
        cur = db.execute(f"SELECT * FROM {table}") if table != "search_index" else db.execute(
            "SELECT rowid, title, proposal, answers FROM search_index")
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        out[table] = (sql, rows)
    return out


def import_figure(ctx: Context) -> Figure:
    """service.import_bundle of n decisions vs sqlite3 executemany of the rows it writes.

    Both sides start from a freshly opened, migrated database (same schema, triggers, WAL and
    synchronous=FULL); only the import itself (one transaction each) is timed.
    """
    n = ctx.import_size
    text = generate.bundle_text(generate.records(n, ctx.seed, start=10_000_000))
    reference = _open_service(ctx.scratch("import-ref"))
    reference.import_bundle(text)
    rows = _dump_rows(reference.db)
    reference.db.close()
    total_rows = sum(len(r) for _, r in rows.values())

    def subject() -> float:
        service = _open_service(ctx.scratch("import"))
        try:
            t0 = time.perf_counter()
            service.import_bundle(text)
            return (time.perf_counter() - t0) * 1000
        finally:
            service.db.close()

    def floor() -> float:
        from desktop.storage.database import open_database

        db = open_database(ctx.scratch("import-floor"))
        conn: sqlite3.Connection = db.conn
        try:
            t0 = time.perf_counter()
            with conn:
                for sql, table_rows in rows.values():
                    conn.executemany(sql, table_rows)
            return (time.perf_counter() - t0) * 1000
        finally:
            conn.close()

    s, f = interleaved(subject, floor, ctx.reps, warmup=ctx.warmup)
    return Figure("import", f"Import of {n:,} decisions", "ms", 1.6, s, f,
                  floor_what="sqlite3 executemany",
                  extra={"rows": total_rows, "bundle_bytes": len(text.encode())})


def autosave_figures(ctx: Context) -> list[Figure]:
    """service.set_answer of one answer on the big register, synchronous=FULL, committed: its
    median and its 95th percentile over many saves (a user feels the slow ones).

    Shown beside it for reference: one UPDATE of that answer row and its commit in plain
    sqlite3 on the same file (the fsync the budget has to pay for).
    """
    from desktop.domain.decision import Answer, Rating

    path = ctx.register_copy("autosave")
    service = _open_service(path)
    sync = service.db.execute("PRAGMA synchronous").fetchone()[0]
    assert sync == 2, f"autosave must be measured with synchronous=FULL, found {sync}"
    editable = service.db.execute(
        "SELECT decision_id, id FROM versions WHERE is_current = 1 AND status IN ('draft', 'ready') "
        "ORDER BY id LIMIT 100").fetchall()
    half = max(1, len(editable) // 2)  # 50 and 50; a tiny register's split in two
    ids = [decision_id for decision_id, _ in editable[:half]]
    # The raw UPDATE writes other records' answers: one of the saved records' would leave its
    # stored verification code disagreeing with its content (as tampering would), and every
    # save would then take the path for a record changed elsewhere (read it again, merge).
    raw_vids = [vid for _, vid in editable[half:] or editable]
    raw = sqlite3.connect(str(path), isolation_level=None)
    raw.execute("PRAGMA synchronous = FULL")
    counter = iter(range(10**9))
    calls_per_rep = 40  # 200 saves at 5 repetitions: enough for a 95th percentile

    def one_save() -> float:
        i = next(counter)
        decision_id = ids[i % len(ids)]
        answer = Answer(rating=Rating.GREEN, response=f"Revised response {i}: " + "word " * 120,
                        evidence="Council Plan 2025, section 2")
        t0 = time.perf_counter()
        service.set_answer(decision_id, "staff", answer)
        return (time.perf_counter() - t0) * 1000

    def one_raw() -> float:
        i = next(counter)
        t0 = time.perf_counter()
        raw.execute("BEGIN")
        raw.execute("UPDATE answers SET response = ? WHERE version_id = ? AND slug = 'staff'",
                    [f"Raw response {i}", raw_vids[i % len(raw_vids)]])
        raw.execute("COMMIT")
        return (time.perf_counter() - t0) * 1000

    subject_samples: list[float] = []
    floor_samples: list[float] = []
    for _ in range(calls_per_rep):
        s, f = interleaved(one_save, one_raw, ctx.reps, warmup=ctx.warmup)
        subject_samples += s
        floor_samples += f or []
    raw.close()
    service.db.close()
    what = f"Autosave of one answer, synchronous=FULL ({ctx.size:,} decisions)"
    n = len(subject_samples)
    p95 = [percentile(subject_samples, 0.95)] if subject_samples else []
    floor_p95 = [percentile(floor_samples, 0.95)] if floor_samples else None
    return [
        Figure("autosave", f"{what}: median of {n} saves", "ms", 2.0, subject_samples,
               floor_samples, floor_what="raw UPDATE+commit", ratio=False),
        Figure("autosave_p95", f"{what}: 95th percentile of {n} saves", "ms", 10.0, p95,
               floor_p95, floor_what="raw UPDATE+commit, 95th percentile", ratio=False,
               extra={"slowest_ms": max(subject_samples, default=0.0)}),
    ]


PARTS = {"import": ("import",), "autosave": ("autosave", "autosave_p95")}


def figures(ctx: Context, part: str = "") -> list[Figure]:
    out = []
    if part in ("", "import"):
        out.append(import_figure(ctx))
    if part in ("", "autosave"):
        out += autosave_figures(ctx)
    return out
