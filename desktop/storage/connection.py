"""The open database: a plain sqlite3 connection now, sqlite-utils on it when first needed.

Importing sqlite-utils costs 50-100 ms and about 15 MiB, and the window's first painted
register only reads. So reads go straight to the connection, and the sqlite-utils `Database`
(transactions through `atomic()`, migrations, its table API) is wrapped around the SAME
connection the first time anything asks for it, or at an idle moment after start-up.

Writes can be held behind a gate: while the file's integrity check runs in the background
(see desktop/storage/background_check.py), the first write waits for its verdict, and a file that
failed it is switched to `PRAGMA query_only`, so SQLite itself refuses to modify it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from desktop.domain.errors import StorageError

if TYPE_CHECKING:  # sqlite-utils is imported when first needed
    from sqlite_utils import Database
    from sqlite_utils.db import Table, View

# Statements that make Python's sqlite3 open an implicit transaction. sqlite-utils'
# execute() commits those when no transaction was open; anything else behaves identically
# on the bare connection.
_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _first_keyword(sql: str) -> str:
    return sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""


class LazyDatabase:
    """A sqlite3 connection that becomes a sqlite-utils Database on first need."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._database: Database | None = None
        self._gate: Callable[[], None] | None = None
        self._refused: str | None = None

    # ---- the sqlite-utils side ------------------------------------------------------------
    @property
    def database(self) -> Database:
        """The sqlite-utils Database on this connection (imports sqlite-utils once)."""
        if self._database is None:
            from sqlite_utils import Database

            self._database = Database(self.conn, execute_plugins=False)
        return self._database

    def preload(self) -> None:
        """Import sqlite-utils now (an idle moment), so the first save does not wait for it."""
        _ = self.database

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class does not define: sqlite-utils' table API and such.
        if name.startswith("__"):
            raise AttributeError(name)
        self._before_write()
        return getattr(self.database, name)

    def __getitem__(self, table: str) -> Table | View:
        self._before_write()
        return self.database[table]

    # ---- what the app uses -----------------------------------------------------------------
    def execute(self, sql: str,
                parameters: Sequence[Any] | dict[str, Any] | None = None) -> sqlite3.Cursor:
        """Like sqlite-utils' Database.execute (a lone write statement is committed)."""
        if _first_keyword(sql) in _DML:
            self._before_write()
            return self.database.execute(sql, parameters)
        if self._database is not None:
            return self._database.execute(sql, parameters)
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def atomic(self) -> AbstractContextManager[object]:
        """One write transaction, begun with BEGIN IMMEDIATE (a savepoint inside one).

        IMMEDIATE takes the write lock at the start, so everything read inside the block
        is what the write will be judged against: two processes recording the last two
        sign-offs queue one after the other instead of both deciding from a stale read.
        """
        self._before_write()
        database = self.database
        if self.conn.in_transaction:
            return database.atomic()
        return _immediate(self.conn)

    def close(self) -> None:
        self.conn.close()

    # ---- the write gate ---------------------------------------------------------------------
    def hold_writes_until(self, check: Callable[[], None]) -> None:
        """Run check() before the first write; if it raises StorageError, refuse all writes."""
        self._gate = check

    def refuse_writes(self, message: str) -> None:
        """From now on every write fails with `message`; SQLite enforces it (query_only)."""
        self._refused = message
        self._gate = None
        if self.conn.in_transaction:
            self.conn.rollback()
        self.conn.execute("PRAGMA query_only = ON")

    @property
    def refused(self) -> str | None:
        """Why writes are refused, or None."""
        return self._refused

    def _before_write(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            try:
                gate()
            except StorageError as exc:
                self.refuse_writes(str(exc))
        if self._refused is not None:
            raise StorageError(self._refused)


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # a RAISE(ROLLBACK) trigger may have ended it already
            conn.rollback()
        raise
    else:
        conn.commit()


def as_sqlite_utils(db: LazyDatabase | Database) -> Database:
    """The sqlite-utils Database behind `db` (which may already be one)."""
    return db.database if isinstance(db, LazyDatabase) else db
