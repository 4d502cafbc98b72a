"""Open a database file safely: refuse anything that is not ours, never modify it first."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.errors import StorageError
from desktop.storage.files import (
    BUSY_TIMEOUT_S,
    altered,
    connect_read_only,
    describe_os_error,
    hidden_sibling,
    inspect_file,
    link_into_place,
    schema_problem,
    unwritable,
)

if TYPE_CHECKING:
    from desktop.storage.connection import LazyDatabase



def _create_atomically(path: Path) -> None:
    """Build a new, migrated database beside `path`, then link it into place in one step.

    A crash part-way (the crash tests kill the first start) then leaves only a hidden
    temporary file, never a 0-byte or half-made database under the real name, which the
    next start would rightly refuse to open.
    """
    from sqlite_utils import Database

    from desktop.storage import migrations

    tmp, extras = hidden_sibling(path, "creating")  # a crashed first start's are cleared
    try:
        for p in extras:
            p.unlink(missing_ok=True)
        from desktop.paths import private_file

        private_file(tmp)  # 0600 before SQLite writes a byte; its -wal/-shm inherit that
        conn = sqlite3.connect(str(tmp))
        try:
            db = Database(conn, execute_plugins=False)
            db.enable_wal()
            migrations.apply(db)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        link_into_place(tmp, path)  # a file another copy created meanwhile is kept
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(describe_os_error(path, exc)) from None
    finally:
        for p in extras:
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)


def open_database(path: Path | str, *, migrate: bool = True, check_integrity: bool = True,
                  read_only: bool = False) -> LazyDatabase:
    """Open (creating if needed) a Decision Checklist database and bring its schema up to date.

    Returns a LazyDatabase: the sqlite3 connection with WAL, foreign keys and
    synchronous=FULL, which becomes a sqlite-utils Database on first need. sqlite-utils (and
    the migrations) are imported only when a migration is pending. With
    check_integrity=False, quick_check is left to the caller (desktop/storage/background_check.py)
    for a file of ours that is up to date and in WAL mode, which opening does not modify;
    any other file is checked here first.

    read_only=True (for reading commands, on a register that unwritable() says cannot be
    changed): the file is read with a read-only connection that creates nothing beside it,
    nothing is migrated, and every write is refused with the reason.
    """
    from desktop.storage import schema_info
    from desktop.storage.connection import LazyDatabase

    path = Path(path)
    try:
        existed = path.exists()
    except OSError as exc:  # e.g. a folder on the way that this user may not enter
        raise StorageError(
            f"{path} cannot be reached: {exc.strerror}. "
            "Check that you may open the folders that lead to it."
        ) from None
    user_version = 0
    if existed:
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file.")
        if not path.is_file():  # opening a named pipe would wait for ever
            raise StorageError(f"{path} is not a regular file (a device or a named pipe), "
                               "so it is not a database file.")
        user_version, wal = inspect_file(path, integrity=check_integrity)
        if read_only:
            return _open_read_only(path, user_version)
        problem = unwritable(path)
        if problem:  # said now, not as "attempt to write a readonly database" later
            raise StorageError(problem)
        if not check_integrity and not wal:  # switching it to WAL writes to it: check first
            inspect_file(path)
    else:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.exists():
            raise StorageError(f"The folder {folder} does not exist.")
        if not os.access(folder, os.W_OK):
            raise StorageError(
                f"Cannot create {path}: the folder {folder} is read-only. "
                "Choose a folder you can write to."
            )
        if migrate:
            _create_atomically(path)
            user_version = schema_info.SCHEMA_VERSION
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        db = LazyDatabase(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if migrate and (user_version < schema_info.SCHEMA_VERSION
                        or not _all_migrations_recorded(conn)):
            from desktop.storage import migrations

            if existed and migrations.migrations.pending(db.database):
                from desktop.storage.backup import before_migration

                before_migration(path, conn)  # raises (file untouched) if it cannot
            migrations.apply(db)
            problem = schema_problem(conn)
            if problem:  # the migrations ran, yet something is missing: altered by hand
                raise altered(path, problem)
    except StorageError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        with contextlib.suppress(Exception):  # best effort while reporting the real error
            conn.close()
        raise StorageError(describe_os_error(path, exc)) from None
    return db


def _open_read_only(path: Path, user_version: int) -> LazyDatabase:
    from desktop.storage import schema_info
    from desktop.storage.connection import LazyDatabase

    why = unwritable(path) or f"{path} is open for reading only."
    try:
        conn = connect_read_only(path)
        current = (user_version == schema_info.SCHEMA_VERSION
                   and _all_migrations_recorded(conn))
    except sqlite3.Error as exc:
        raise StorageError(describe_os_error(path, exc)) from None
    if not current:
        conn.close()
        raise StorageError(f"{path} was made by an older version of Decision Checklist and "
                           f"needs upgrading before it can be read, which cannot be done here: "
                           f"{why}")
    db = LazyDatabase(conn)
    db.refuse_writes(why)
    return db


def _all_migrations_recorded(conn: sqlite3.Connection) -> bool:
    """True when every known migration is in _sqlite_migrations (a cheap indexed read)."""
    from desktop.storage import schema_info

    try:
        names = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
            [schema_info.MIGRATION_SET])}
    except sqlite3.OperationalError:  # no such table
        return False
    return set(schema_info.MIGRATION_NAMES) <= names
