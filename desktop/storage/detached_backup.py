"""The command line's daily backup, made by a detached child process so no command waits
for it. No Qt.

The first write command of the day starts `decision-checklist --daily-backup-child PATH`
(paths.app_command: the frozen app itself, or this Python on desktop.app) and waits only
until the child has opened a read transaction on the register: in WAL mode that reader keeps
its snapshot while the command writes, so the backup it then copies (backup.make_backup:
checked with quick_check under a hidden name, then renamed) holds the register as it was
before the day's first write, however long the copy takes and whether or not the command
has long exited.

Two locks on byte ranges of one hidden file per register in the backups folder, which the
operating system releases when their process ends, however it ends:

- the *snapshot* lock, held only while a child checks for today's backup and takes its
  snapshot (a few milliseconds);
- the *copy* lock, taken under the snapshot lock and held until the backup has its name.

A child that finds the copy lock taken skips: the holder took its snapshot before it let go
of the snapshot lock, so before this command writes anything. A child killed mid-copy leaves
only its hidden partial file (removed later by remove_stale_partials) and frees both locks,
so the next command makes the day's backup.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHILD_OPTION = "--daily-backup-child"
READY, SKIP = "ready", "skip"  # what the child tells its parent, one line on its stdout
START_TIMEOUT_S = 30.0  # a child that has not answered by then: the parent backs up itself
_SNAPSHOT, _COPY = 0, 1  # the byte of the lock file each lock covers


class _DayLock:
    """One register's lock file in the backups folder, with its two byte-range locks."""

    def __init__(self, db_path: Path, folder: Path) -> None:
        from desktop.paths import private_file, private_folder
        from desktop.storage.backup import _prefix

        private_folder(folder)
        self.path = private_file(folder / f".{_prefix(db_path)}daily.lock")
        self.fd = os.open(self.path, os.O_RDWR)

    def acquire(self, which: int, *, wait: bool) -> bool:
        """Take one lock; False if wait=False and another process holds it."""
        try:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(self.fd, which, os.SEEK_SET)
                msvcrt.locking(self.fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.lockf(self.fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB), 1, which)
        except OSError:
            if wait and sys.platform == "win32":  # LK_LOCK gives up after 10 s: try again
                return self.acquire(which, wait=True)
            if wait:
                raise
            return False
        return True

    def release(self, which: int) -> None:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(self.fd, which, os.SEEK_SET)
            msvcrt.locking(self.fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, which)

    def close(self) -> None:
        os.close(self.fd)  # releases whatever this process still holds on it


def back_up_from_snapshot(db_path: Path, folder: Path,
                          ready: Callable[[str], object]) -> Path | None:
    """The child's work: take today's backup of db_path unless it exists or is being made.

    ready(READY) is called once the snapshot is held (what is written after that is not in
    the backup), ready(SKIP) when there is nothing to do; then the copy is made. Raises on
    failure before ready() (the parent then backs up itself) and never after it."""
    from desktop.storage.backup import (
        _has_records,
        _open_read_only,
        backed_up_today,
        make_backup,
    )

    lock = _DayLock(db_path, folder)
    conn = None
    try:
        lock.acquire(_SNAPSHOT, wait=True)
        if not lock.acquire(_COPY, wait=False) or backed_up_today(db_path, folder):
            ready(SKIP)
            return None
        conn = _open_read_only(db_path)
        conn.isolation_level = None
        conn.execute("BEGIN")  # the snapshot: held from the first read until the end
        if not _has_records(conn):
            ready(SKIP)
            return None
        lock.release(_SNAPSHOT)
        ready(READY)
        try:
            return make_backup(db_path, conn, reason="daily", folder=folder)
        except Exception:  # noqa: BLE001 - a failed daily backup must not stop anyone working
            return None
    finally:
        if conn is not None:
            conn.close()
        lock.close()


def run_child(argv: list[str]) -> int:
    """`decision-checklist --daily-backup-child PATH`: back up PATH, telling the parent on
    stdout when it may write."""
    from desktop.storage.backup import backup_folder

    if len(argv) != 1:
        return 2
    out = sys.stdout

    def ready(word: str) -> None:
        out.write(word + "\n")
        out.flush()
        out.close()  # nothing more is said: the parent may be gone

    try:
        back_up_from_snapshot(Path(argv[0]), backup_folder(), ready)
    except Exception:  # noqa: BLE001 - the parent sees no answer and backs up itself
        return 1
    return 0


def child_command(db_path: Path) -> tuple[list[str], Path]:
    """(argv, working folder) of the child that backs up db_path."""
    from desktop.paths import app_command

    return app_command(CHILD_OPTION, str(Path(db_path).resolve()))


def start(db_path: Path, source: sqlite3.Connection, *, folder: Path | None = None,
          command: tuple[list[str], Path] | None = None) -> str:
    """Start today's daily backup of db_path in a detached child and return once it holds
    its snapshot (or has nothing to do): READY, SKIP, or "" when nothing was needed. If the
    child cannot be started or does not answer, the backup is made here, as before
    (backup.daily_backup). Never raises."""
    import subprocess
    import threading

    from desktop.storage.backup import (
        BACKUP_DIR_ENV,
        _has_records,
        backed_up_today,
        backup_folder,
        daily_backup,
    )

    try:
        folder = folder or backup_folder()
        db_path = Path(db_path).resolve()
        if backed_up_today(db_path, folder) or not _has_records(source):
            return ""  # cheap when there is nothing to do: one folder listing
        argv, cwd = command or child_command(db_path)
        env = {**os.environ, BACKUP_DIR_ENV: str(folder)}  # the folder this process chose
        detached: dict[str, Any]
        if sys.platform == "win32":
            detached = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP
                        | subprocess.DETACHED_PROCESS}
        else:
            detached = {"start_new_session": True}
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **detached)
    except (OSError, ValueError, sqlite3.Error):
        daily_backup(db_path, source, folder=folder)
        return ""
    answer: list[bytes] = []
    pipe = child.stdout
    assert pipe is not None  # stdout=PIPE
    reader = threading.Thread(target=lambda: answer.append(pipe.readline()),
                              daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    said = answer[0].decode("ascii", "replace").strip() if answer else ""
    if said not in (READY, SKIP):
        child.kill()  # no snapshot was taken in time (or the child failed): back up here
        child.wait()
        daily_backup(db_path, source, folder=folder)
        said = ""
    pipe.close()  # the child is not waited for: it finishes on its own
    return said


def wait_until_done(db_path: Path, folder: Path | None = None) -> None:
    """Wait for a daily backup a child is making of db_path to get its name (tests, bench)."""
    from desktop.storage.backup import backup_folder

    lock = _DayLock(Path(db_path).resolve(), folder or backup_folder())
    try:
        lock.acquire(_COPY, wait=True)
    finally:
        lock.close()
