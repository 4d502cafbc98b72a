"""Start-up: one running copy per database, open it, wire the window, excepthook, event loop."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QLockFile, QSettings
from PySide6.QtWidgets import QApplication

from desktop import paths
from desktop.application.instance import instance_key, lock_folder, lock_path, path_key
from desktop.domain.errors import KnownError, Unreachable

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

ACTIVATE = b"activate\n"
# How long a second copy waits for the running one to answer: a copy still starting answers
# once its window is painted (well under a second, on a busy machine a few).
ANSWER_WAIT_S = 8.0


class SingleInstance:
    """Holds the QLockFile and answers 'bring yourself to the front' from a second copy."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = db_path
        self.key = path_key(db_path)  # the local server's name
        self.lock = QLockFile(str(lock_folder() / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)  # a crashed copy's lock is stale once its process is gone
        self.file_lock: QLockFile | None = None  # by device and inode, once the file exists
        # A QLocalServer once listening (QtNetwork loads after first paint).
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Lock the path and, if the file exists, the file itself (another path to it, such as
        a hard link, finds that one held)."""
        if not self.lock.tryLock(100):
            return False
        if not self.pin():
            self.lock.unlock()
            return False
        return True

    def pin(self) -> bool:
        """Hold the lock by the file's device and inode too, once the file exists."""
        key = instance_key(self.db_path)
        if key == self.key or self.file_lock is not None:
            return True
        lock = QLockFile(str(lock_path(self.db_path)))
        lock.setStaleLockTime(0)
        if not lock.tryLock(100):
            return False
        self.file_lock = lock
        return True

    def listen(self, on_activate) -> None:
        from PySide6.QtNetwork import QLocalServer

        QLocalServer.removeServer(self.key)  # a server left behind by a crash
        self.server = QLocalServer()
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(lambda: self._accept(on_activate))
        self.server.listen(self.key)

    def _accept(self, on_activate) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.waitForReadyRead(500)
            if bytes(sock.readAll().data()).startswith(ACTIVATE.strip()):
                on_activate()
                sock.write(b"ok\n")
                sock.flush()
                sock.waitForBytesWritten(500)
            sock.disconnectFromServer()
            sock.deleteLater()

    def ask_running_copy_to_activate(self, wait_s: float = ANSWER_WAIT_S) -> bool:
        """True if the running copy answered. A copy still starting (the app double-clicked
        twice) listens only once its window is painted: it is asked again until then."""
        import time

        from PySide6.QtNetwork import QLocalSocket

        deadline = time.monotonic() + wait_s
        sock = QLocalSocket()
        sock.connectToServer(self.key)
        while not sock.waitForConnected(1000):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
            sock.abort()
            sock.connectToServer(self.key)
        sock.write(ACTIVATE)
        sock.flush()
        # a copy that has just painted finishes its start-up before it reads the question
        left_ms = max(2000, int((deadline - time.monotonic()) * 1000))
        answered = sock.waitForReadyRead(left_ms) and bytes(sock.readAll().data()).startswith(b"ok")
        sock.disconnectFromServer()
        return bool(answered)

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.file_lock is not None:
            self.file_lock.unlock()
        self.lock.unlock()


def write_crash_log(log_dir: Path, exc_type, exc, tb) -> Path | None:
    """Append the traceback to errors.log in the user log folder; None if that failed."""
    try:
        from desktop.paths import private_file, private_folder

        path = private_file(private_folder(log_dir) / "errors.log")  # 0700 / 0600 (POSIX)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc_type, exc, tb)))
        return path
    except OSError:
        return None


def error_signature(exc_type, tb) -> tuple:
    """What makes two errors "the same": the exception type and where it was raised (every
    frame's file and line), not its message, which may name a different object each time."""
    return (exc_type.__qualname__,
            *((f.filename, f.lineno) for f in traceback.extract_tb(tb)))


def make_excepthook(window_getter, dialogs, log_dir: Path | Callable[[], Path]):
    """Log unexpected exceptions, save what can be saved, tell the user, keep running.

    log_dir may be a function: the user log folder is looked up only when something failed.

    The hook never re-enters itself: an error raised while its dialog is open (the dialog's own
    focus changes run the window's slots) is only logged. And an error already reported once is
    only logged when it happens again: one broken slot that runs on every focus change must not
    open a new dialog each time the last one is closed.
    """
    busy: list[int] = []
    reported: set[tuple] = set()

    def hook(exc_type, exc, tb) -> None:
        folder = log_dir() if callable(log_dir) else log_dir
        signature = error_signature(exc_type, tb)
        if busy or signature in reported:  # while reporting an error, or again: only log it
            write_crash_log(folder, exc_type, exc, tb)
            return
        busy.append(1)
        reported.add(signature)
        try:
            if issubclass(exc_type, KnownError):
                # a message fit for a person, raised where no view expected one (a read of
                # the shared register while its server is away): said as it is, once, not as
                # a crash (nothing to log or send to IT)
                away = issubclass(exc_type, Unreachable)
                print(f"error: {exc}", file=sys.stderr)
                dialogs.error(window_getter(),
                              "The shared register can't be reached" if away else
                              "That could not be done",
                              f"{exc}." if away else str(exc))
                return
            path = write_crash_log(folder, exc_type, exc, tb)
            window = window_getter()
            saved = True
            if window is not None:
                try:
                    saved = window.editor.save_now()
                except Exception:  # noqa: BLE001 - the report must still be shown
                    saved = False
            where = f"Details were written to {path}." if path else "Details could not be logged."
            kept = ("Your work has been saved." if saved else
                    "Your latest typing is still on screen and will be saved when possible.")
            print(f"error: unexpected {exc_type.__name__}: {exc}", file=sys.stderr)
            dialogs.error(window, "Something went wrong",
                          f"The app met an unexpected problem ({exc_type.__name__}) but is still "
                          f"running. {kept} {where} Please send that file to your IT support.")
        finally:
            busy.clear()

    return hook


def default_settings() -> QSettings:
    return QSettings("DecisionChecklist", "Decision Checklist")


def offer_newest_backup(path: Path, exc: Exception, dialogs) -> bool:
    """A damaged register at start-up: offer its newest backup rather than a dead end. True if
    it was restored (the damaged file's bytes are kept in the backups folder first)."""
    from desktop.application import backups as backup
    from desktop.domain.errors import KnownError

    backups = backup.list_backups(path)
    if not backups:
        return False
    newest = backups[0]
    if not dialogs.confirm(
            None, "Restore from a backup?",
            f"{exc}\n\nThe newest backup of this file was made on {newest.label}. Restore it and "
            "open the app? Anything saved since then is not in the backup; the damaged file is "
            f"kept in {newest.path.parent} first.", "Restore this backup"):
        return False
    from desktop.application.backups import restore_register

    try:
        restore_register(newest.path, path)
    except KnownError as restore_error:
        dialogs.error(None, "Cannot restore the backup", str(restore_error))
        return False
    return True


def run_gui(db_path: str | None, dialogs=None, settings: QSettings | None = None) -> int:
    """Open the window on a database; returns the exit status."""
    from desktop.application.bootstrap import (
        is_shared_register,
        open_service_for_window,
        shown_register,
    )
    from desktop.domain.errors import DamagedDatabase, KnownError
    from desktop.ui import theme
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.main_window import MainWindow
    from desktop.ui.startup.gc_collector import MainThreadCollector
    from desktop.ui.widgets import FocusRing

    # Fusion by command-line option: QApplication.setStyle() hands the style back to Python,
    # and building PySide's QStyle type for it costs ~5 ms before the first paint.
    created = QApplication.instance() is None
    # instance() is typed as the core application; in this process it is always a QApplication
    app = cast(QApplication,
               QApplication.instance() or QApplication([*sys.argv[:1], "-style", "Fusion"]))
    app.setApplicationName("Decision Checklist")
    app.setOrganizationName("DecisionChecklist")
    icon = paths.resource("icons", "decision-checklist.png")
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    dialogs = dialogs or Dialogs()
    # a shared register's URI is kept as typed (a Path would fold its '//')
    path = Path(db_path) if db_path and not is_shared_register(db_path) else (
        db_path or paths.default_database())

    instance = SingleInstance(path)
    if not instance.acquire():
        # switched to the window already open: what the user asked for, so no error (exit 0)
        switched = instance.ask_running_copy_to_activate()
        print(("" if switched else "error: ") + f"{shown_register(path)} is already open in "
              "another Decision Checklist window"
              + ("; switched to it." if switched else "; close that window first."),
              file=sys.stderr)
        return 0 if switched else 1

    from desktop.ui.startup.checks import StartUpChecks

    checks = StartUpChecks(dialogs)
    try:
        try:
            service, check = open_service_for_window(path, report=checks.report)
        except DamagedDatabase as exc:
            if isinstance(path, str) or not offer_newest_backup(path, exc, dialogs):
                raise
            service, check = open_service_for_window(path, report=checks.report)
    except KnownError as exc:
        print(f"error: {exc}", file=sys.stderr)
        dialogs.error(None, "Cannot open the database", str(exc))
        instance.release()
        return exc.exit_code

    instance.pin()
    theme.apply_theme(app, set_style=not created, oblique=False)
    window = MainWindow(service, settings or default_settings(), dialogs, defer_extras=True)
    checks.attach(window, service)
    sys.excepthook = make_excepthook(lambda: window, dialogs, paths.user_log_dir)
    window.restore_state()
    from desktop.ui.startup import first_paint

    def after_paint() -> None:
        # What the first frame does not show waits for it: the focus ring, answering a second
        # copy, the integrity check and daily backup (a worker thread), the window's extras.
        theme.load_oblique_font()
        # The ring on the focused input: placing it names the focused widget's type, and
        # PySide then initialises every QtWidgets class (~60 enum types) before the first frame.
        FocusRing(app)
        instance.listen(window.bring_to_front)
        check.start()
        window.finish_start_up()

    if first_paint.requested():  # DECISION_CHECKLIST_EXIT_AFTER_PAINT: time the start-up only
        first_paint.exit_after_first_paint(app, window)
    else:
        first_paint.after_first_paint(app, window, after_paint)
    window.show()
    if created:  # this process's own start-up: later collections need not walk its objects
        gc.freeze()
    # Collections from now on run on this thread only (never in the PDF or check workers).
    collector = MainThreadCollector(app)
    try:
        return app.exec()
    finally:
        collector.stop()
        collector.deleteLater()
        sys.excepthook = sys.__excepthook__
        check.join()  # a daily backup in progress finishes before the file is let go
        instance.release()
        service.close()
        if created:  # the interpreter's final collections would walk every object: ~25 ms
            gc.freeze()
