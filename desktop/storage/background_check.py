"""The integrity check and the daily backup, off the window's start-up path. No Qt.

`PRAGMA quick_check` reads the whole file: 130-200 ms for 10,000 decisions. The command line
still runs it before it opens anything; the window opens an up-to-date file of ours at once
and runs the check here, in a worker thread on its own read-only connection (a SQLite
connection belongs to the thread that opened it), then the daily backup when the file passed.
Until the verdict is in, the first write waits for it (LazyDatabase.hold_writes_until), and a
damaged file is never written to: the service refuses writes and SQLite enforces it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from desktop.domain.errors import StorageError


def check_file(path: Path) -> str | None:
    """Run quick_check on its own read-only connection; the user-facing problem, or None."""
    from desktop.storage.files import quick_check

    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"{path} cannot be opened: {exc}."
    try:
        quick_check(conn, Path(path))
    except StorageError as exc:
        return str(exc)
    except sqlite3.Error as exc:  # e.g. locked: no verdict means no writes
        return f"{path} could not be checked ({exc}), so nothing will be written to it."
    finally:
        conn.close()
    return None


class BackgroundCheck:
    """quick_check, then the daily backup, in one worker thread; report() gets the verdict."""

    def __init__(self, path: Path, *, daily_backup: bool = True,
                 report: Callable[[str | None], object] | None = None) -> None:
        self.path = Path(path)
        self.daily_backup = daily_backup
        self.report = report  # called in the worker thread with the problem, or None
        self.problem: str | None = None
        self._checked = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker (once)."""
        with self._lock:
            if self._thread is not None or self._checked.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="integrity-check")
            self._thread.start()

    def _run(self) -> None:
        try:
            self.problem = check_file(self.path)
        except Exception as exc:  # noqa: BLE001 - an unchecked file must not be written to
            self.problem = f"{self.path} could not be checked ({exc}), so nothing will be written to it."
        finally:
            self._checked.set()
        if self.report is not None:
            self.report(self.problem)
        if self.problem is None and self.daily_backup:
            from desktop.storage.backup import daily_backup

            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            except sqlite3.Error:
                return  # a failed daily backup must not stop anyone working
            try:
                daily_backup(self.path, conn)  # never raises; at most once a day
            finally:
                conn.close()

    def verdict(self) -> None:
        """Wait for the check (running it here if it never started); raise if the file failed."""
        self.start()
        self._checked.wait()
        if self.problem is not None:
            raise StorageError(self.problem)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker, backup included (before the app lets go of the file)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


class NothingToCheck:
    """BackgroundCheck's stand-in for the shared register: the server keeps its own data
    safe (its triggers, its log, IT's pg_dump), so there is no file to check or back up."""

    def __init__(self, report: Callable[[str | None], object] | None = None) -> None:
        self.report = report
        self.problem: str | None = None
        self._started = False

    def start(self) -> None:
        if not self._started and self.report is not None:
            self._started = True
            self.report(None)

    def verdict(self) -> None:
        return None

    def join(self, timeout: float | None = None) -> None:
        return None
