"""The database file on disk: inspect it without changing it, make writes durable, and say
in plain words why an operating-system call failed."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from desktop.domain.errors import DamagedDatabase, NotOurs, StorageError

SQLITE_HEADER = b"SQLite format 3\x00"


def is_locked(exc: BaseException) -> bool:
    """Whether an SQLite error is another connection's lock ("database is locked", "busy")."""
    return "locked" in str(exc) or "busy" in str(exc)


def quick_check(conn: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
    """Raise StorageError unless SQLite's quick_check passes (it reads the whole file).

    full=True runs integrity_check, about twice as long: it also finds an index that does not
    match its table, which is what pages from another file's WAL most often leave behind."""
    try:
        result = conn.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}").fetchone()[0]
    except sqlite3.DatabaseError as exc:  # too damaged to even check
        if is_locked(exc):
            raise
        result = str(exc)
    if result != "ok":
        raise DamagedDatabase(
            f"{path} is damaged ({result}). It has been left untouched; "
            "restore it from a backup."
        )


def read_only_uri(path: Path) -> str:
    """A URI that reads `path` without creating anything beside it.

    Reading a WAL-mode file, even read-only, creates -wal and -shm files beside it that
    a read-only connection cannot remove. When no other connection is using the file (no
    -wal or -journal exists), read it as immutable so that nothing at all is created.
    """
    path = Path(path)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal")):
        uri += "&immutable=1"
    return uri


BUSY_TIMEOUT_S = 2.0
"""How long a connection waits for another program's lock before saying the file is locked."""


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates nothing beside the file (read_only_uri).

    A -journal beside the file (a stray copy, junk, or left by a crash) makes SQLite want to
    roll it back first, which a read-only connection cannot: "attempt to write a readonly
    database". That is no damage: opening the file for writing deals with the journal as
    SQLite always does (a journal that is not one is ignored and removed). So the file itself
    is read as immutable instead, here, where only what it is made of is being looked at.
    """
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_READONLY_ROLLBACK":
            if is_locked(exc):
                # waited once already: the caller's first query reports it at once, so a
                # file another program holds is named after one wait, not two
                conn.execute("PRAGMA busy_timeout = 0")
            return conn  # the caller's first query reports it as before
        conn.close()
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    return conn


def schema_problem(conn: sqlite3.Connection) -> str | None:
    """What is missing from a file of ours at the current version ("missing column
    sign_offs.comment"), or None. One query over sqlite_master and pragma_table_info: a
    dropped table or column otherwise surfaced later as a traceback (verify, audit, export)."""
    from desktop.storage import schema_info

    found: dict[str, set[str]] = {}
    for table, column in conn.execute(
            "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
            "WHERE m.type = 'table'"):
        found.setdefault(table, set()).add(column)
    missing = []
    for table, columns in schema_info.EXPECTED_COLUMNS.items():
        if table not in found:
            missing.append(f"missing table {table}")
            continue
        missing += [f"missing column {table}.{c}" for c in columns if c not in found[table]]
    if not missing:
        return None
    more = f", and {len(missing) - 1} more" if len(missing) > 1 else ""
    return f"{missing[0]}{more}"


def altered(path: Path, problem: str) -> DamagedDatabase:
    return DamagedDatabase(
        f"{path} has been altered outside Decision Checklist ({problem}). It has been left "
        "untouched; restore it from a backup.")


def inspect_file(path: Path, *, integrity: bool = True) -> tuple[int, bool]:
    """Raise StorageError if an existing file must not be opened for writing.

    Returns (user_version, in WAL mode). integrity=False leaves out quick_check, for a caller
    that runs it later (desktop/storage/background_check.py) before anything is written.
    """
    from desktop.storage import leftover_wal

    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except PermissionError:
        raise StorageError(
            f"{path} cannot be read: permission denied. Check the file's permissions."
        ) from None
    except OSError as exc:
        raise StorageError(f"{path} cannot be read: {exc.strerror}.") from None
    if size == 0:
        raise StorageError(
            f"{path} is empty (0 bytes), so it is not a Decision Checklist database. "
            "It has been left untouched; choose another file or move this one away."
        )
    if not header.startswith(SQLITE_HEADER):
        raise StorageError(
            f"{path} is not a database (it may be a document or another kind of file). "
            "It has been left untouched; choose a Decision Checklist database."
        )
    raw_page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    page_count = int.from_bytes(header[28:32], "big")
    if len(header) < 100 or (size < page_size * page_count
                             and not leftover_wal.wal_has_frames(path)):
        # With frames in the WAL, page 1 may already hold the grown page count that a checkpoint
        # cut short by a crash had not yet written out: SQLite recovers the rest from the WAL,
        # and quick_check (here or in the background check) still finds real damage.
        raise DamagedDatabase(
            f"{path} is damaged (the file is truncated). It has been left untouched; "
            "restore it from a backup."
        )
    in_wal_mode = header[18] == 2 and header[19] == 2
    if leftover_wal.leftover(path):
        return _inspect_with_leftover_wal(path), in_wal_mode
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise StorageError(f"{path} cannot be opened: {exc}.") from None
    try:
        return _inspect_connection(conn, path, integrity=integrity), in_wal_mode
    finally:
        conn.close()


def _inspect_with_leftover_wal(path: Path) -> int:
    """inspect_file for a file whose WAL no open connection is using (leftover_wal): the file
    as that WAL would make it is checked in full before anything merges the WAL into it."""
    from desktop.storage import leftover_wal

    wal = leftover_wal.wal_of(path)
    try:
        with leftover_wal.wal_view(path, *hidden_sibling(path, "walcheck")) as conn:
            return _inspect_connection(conn, path, integrity=True, full=True)
    except StorageError as exc:  # said below, once it is known whether the file alone is sound
        if not isinstance(exc, (NotOurs, DamagedDatabase)):  # e.g. locked: no verdict on it
            raise
        with_its_wal = exc
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(
            f"{path} has a write-ahead log ({wal}) left by a crash or copied in, and it could "
            f"not be checked ({getattr(exc, 'strerror', None) or exc}). Both have been left "
            "untouched; free some disk space and try again.") from None
    alone = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        _inspect_connection(alone, path, integrity=True)  # the file's own problem, if any
        blank = alone.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        alone.close()
    if blank:  # all there is of this database is in its WAL (never checkpointed): that is it
        raise with_its_wal
    raise DamagedDatabase(
        f"{path} cannot be opened: its write-ahead log ({wal}) does not belong to it or is "
        "damaged. Both have been left untouched; restore the register from a backup, or move "
        f"{wal.name} out of the folder to open the register as it was before that log was "
        "written (whatever that log holds is then not in it).")


def _inspect_connection(conn: sqlite3.Connection, path: Path, *, integrity: bool,
                        full: bool = False) -> int:
    """inspect_file's checks of what the file holds, on a read-only connection to it; its
    user_version."""
    from desktop.storage import schema_info

    APPLICATION_ID = schema_info.APPLICATION_ID  # noqa: N806 - read at call time (tests patch)
    MIGRATION_SET = schema_info.MIGRATION_SET  # noqa: N806
    SCHEMA_VERSION = schema_info.SCHEMA_VERSION  # noqa: N806

    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, APPLICATION_ID) or (
            app_id == 0 and tables and "_sqlite_migrations" not in tables
        ):
            raise NotOurs(
                f"{path} is another program's database, not a Decision Checklist one. "
                "It has been left untouched; choose a Decision Checklist database."
            )
        recorded: set[str] = set()
        if "_sqlite_migrations" in tables:
            sets = {
                r[0] for r in conn.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")
            }
            if MIGRATION_SET not in sets and sets:
                raise NotOurs(
                    f"{path} is another program's database, not a Decision Checklist one. "
                    "It has been left untouched; choose a Decision Checklist database."
                )
            recorded = {r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
        if user_version > SCHEMA_VERSION:
            raise NotOurs(
                f"{path} was made by a newer version of Decision Checklist "
                f"(schema {user_version}; this version understands up to {SCHEMA_VERSION}). "
                "It has been left untouched; install the newer version to open it."
            )
        if user_version == SCHEMA_VERSION and set(schema_info.MIGRATION_NAMES) <= recorded:
            problem = schema_problem(conn)  # nothing pending: all of it must be there
            if problem:
                raise altered(path, problem)
        if integrity or user_version < SCHEMA_VERSION:  # never migrate an unchecked file
            quick_check(conn, path, full=full)
        return int(user_version)
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if is_locked(exc):
            raise StorageError(
                f"{path} is locked by another program. Close the other program and try again."
            ) from None
        raise DamagedDatabase(
            f"{path} is damaged or not a database ({message}). It has been left untouched; "
            "restore it from a backup."
        ) from None


def _nearly_full(folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def _read_only_media(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # no statvfs (Windows)
        return False


def unwritable(path: Path) -> str | None:
    """Why an existing register cannot be changed here, or None: read-only media, a file
    whose permissions do not let this user change it, or a folder that takes no -wal/-shm."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if _read_only_media(folder):
        return (f"{path} is on a read-only disk or mount, so it cannot be changed. Reading it "
                "works (list, export, verify, audit); to change it, copy it to a folder you "
                "own (such as Documents) and open it there.")
    if not os.access(path, os.W_OK):
        return (f"{path} is read-only (its permissions do not let you change it). Reading it "
                "works (list, export, verify, audit); to change it, copy it to a folder you "
                "own (such as Documents) and open it there.")
    if not os.access(folder, os.W_OK):
        return (f"{path} is in a folder you cannot write to. "
                "Copy it to a folder you own (such as Documents) and open it there.")
    return None


def describe_os_error(path: Path | str, exc: BaseException) -> str:
    """A user-facing sentence for an OS or SQLite error while writing."""
    text = str(exc)
    err = getattr(exc, "errno", None)
    folder = Path(path).parent
    if "disk I/O error" in text and _nearly_full(folder):
        err = errno.ENOSPC  # SQLite reports a failed -shm/-wal extension as an I/O error
    if "unable to open" in text and Path(path).exists() and not os.access(folder, os.W_OK):
        err = errno.EROFS  # the file is there but its -wal/-shm cannot be created beside it
    if err == errno.ENOSPC or "database or disk is full" in text:
        return (
            f"The disk holding {path} is full, so changes cannot be saved. "
            "Free some space; nothing already saved has been lost."
        )
    if err in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        with contextlib.suppress(OSError):
            problem = Path(path).exists() and unwritable(Path(path))
            if problem:
                return problem
        return (
            f"{path} is in a folder you cannot write to. "
            "Copy it to a folder you own (such as Documents) and open it there."
        )
    if is_locked(exc):
        return f"{path} is locked by another program. Close the other program and try again."
    if "unable to open" in text:
        return f"{path} cannot be opened or created: check the folder exists and you can write to it."
    return f"{path}: {text}"


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not possible on every platform (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def hidden_sibling(target: Path, purpose: str) -> tuple[Path, list[Path]]:
    """The name of a new hidden database file beside `target` (`.NAME.PURPOSE-PID`) and the
    names SQLite may give its companions (itself, -wal, -shm, -journal), for the caller to
    clear, build in, and remove at the end. Leftovers of a run killed part-way, over a
    minute old, are removed first."""
    import time

    prefix = f".{target.name}.{purpose}-"
    with contextlib.suppress(OSError):
        for stale in target.parent.iterdir():
            if stale.name.startswith(prefix) and time.time() - stale.stat().st_mtime > 60:
                stale.unlink()
    tmp = target.with_name(f"{prefix}{os.getpid()}")
    return tmp, [Path(f"{tmp}{s}") for s in ("", "-wal", "-shm", "-journal")]


def link_into_place(tmp: Path, target: Path) -> bool:
    """Put the finished file `tmp` in place as `target` in one step, durably, never over a file
    made there meanwhile: False (and `target` left as it is) if one was."""
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    try:
        os.link(tmp, target)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if target.exists():
            return False
        os.replace(tmp, target)
    fsync_dir(target.parent)
    return True


def atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
