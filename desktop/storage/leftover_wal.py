"""A write-ahead log that no open connection is using: a crash's leftover, or a file copied in.

SQLite merges any -wal beside a file into it when the next writing connection opens, and
nothing in a WAL says which database it belongs to: one from another register, or another
program, is checkpointed into the file and deleted, leaving the file corrupt. So a leftover
WAL is checked first, on a private view of the file plus that WAL (wal_view), which changes
nothing beside the file.

A WAL that a live connection is using (the window is open and the command line runs beside
it) is the normal case and is not checked: SQLite's unix VFS holds a shared lock on the
-shm's dead-man-switch byte while any connection has the file open, and that is told
without opening the -shm (/proc/locks, Linux), which matters because closing any descriptor
of a file drops every POSIX lock this process holds on it, SQLite's included. Elsewhere a WAL
with a -shm beside it is taken to be in use, as before this check; one copied in alone (no
-shm) is still checked.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from desktop.paths import private_file

WAL_HEADER_BYTES = 32
DEAD_MAN_SWITCH_BYTE = 128  # UNIX_SHM_DMS in SQLite's os_unix.c: 120 + SQLITE_SHM_NLOCK
LOCK_BYTES = 0x40000000  # PENDING_BYTE: SQLite locks the database file from here on
PROC_LOCKS = Path("/proc/locks")


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def shm_of(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


def wal_has_frames(path: Path) -> bool:
    """Whether the WAL beside path holds at least one frame (more than its 32-byte header)."""
    try:
        return wal_of(path).stat().st_size > WAL_HEADER_BYTES
    except OSError:
        return False


def _holds_lock(locks: str, inode: int, first: int, last: int) -> bool:
    """Whether /proc/locks lists a lock held on any byte first..last of this inode."""
    needle = f":{inode} "
    for line in locks.splitlines():
        if needle not in line:
            continue
        fields = line.split()
        if "->" in fields:  # a process waiting for the lock, not holding it
            continue
        try:
            held_inode = int(fields[5].rsplit(":", 1)[1])
            start, end = int(fields[6]), fields[7]
        except (IndexError, ValueError):
            continue
        if held_inode == inode and start <= last and (end == "EOF" or int(end) >= first):
            return True
    return False


def in_use(path: Path) -> bool:
    """Whether an open connection (in any process, this one included) is using path's WAL: a
    lock on the -shm's dead-man-switch byte, or on the file's own lock bytes (a connection in
    exclusive locking mode keeps its WAL index in memory, with no -shm at all)."""
    shm_path = shm_of(path)
    try:
        locks = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:  # not Linux: probing a lock means opening the file, and closing that
        return shm_path.exists()  # descriptor would drop this process's own locks on it
    try:
        if _holds_lock(locks, path.stat().st_ino, LOCK_BYTES, LOCK_BYTES + 511):
            return True
        shm = shm_path.stat()
    except OSError:
        return False  # no -shm: no connection has the file open in WAL mode
    return _holds_lock(locks, shm.st_ino, DEAD_MAN_SWITCH_BYTE, DEAD_MAN_SWITCH_BYTE)


def leftover(path: Path) -> bool:
    """Whether path has a WAL with frames that no open connection is using."""
    return wal_has_frames(path) and not in_use(path)


@contextlib.contextmanager
def wal_view(path: Path, view: Path, extras: list[Path]) -> Iterator[sqlite3.Connection]:
    """A read-only connection on path plus its WAL, opened on a private copy of the pair (the
    file hard-linked as `view`, a hidden name beside it whose companions are `extras`, where
    it can be) so that nothing beside path is created or changed: a read-only connection on
    the file itself would create a -shm there."""
    folder = None
    try:
        for p in extras:
            p.unlink(missing_ok=True)
        os.link(path, view)
    except OSError:  # a read-only folder, or no hard links: a private folder instead
        folder = Path(tempfile.mkdtemp(prefix="decision-checklist-walcheck-"))  # 0700
        view = folder / path.name
        extras = [Path(f"{view}{s}") for s in ("", "-wal", "-shm", "-journal")]
    try:
        if folder is not None:
            shutil.copyfile(path, view)
        shutil.copyfile(wal_of(path), private_file(wal_of(view)))  # the register's own words
        conn = sqlite3.connect(f"{view.resolve().as_uri()}?mode=ro", uri=True)
        try:
            yield conn
        finally:
            conn.close()
    finally:
        for p in extras:
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
