"""Wire the non-GUI objects: open the database, load the checklist, build the service.

`--db` chooses the engine: a postgresql:// (or postgres://) URI opens the shared register on
that server (storage.postgres.repository.PostgresRepository); anything else is a register
file (SQLite), as it always was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService
    from desktop.application.integrity import IntegrityReport
    from desktop.domain.checklist import Checklist
    from desktop.storage.background_check import BackgroundCheck, NothingToCheck


def load_shipped_checklist() -> Checklist:
    from desktop.domain.checklist import load_checklist

    return load_checklist(paths.checklist_path(), paths.checklist_schema_path())


def load_shipped_checklists() -> tuple[Checklist, ...]:
    """Every checklist the app ships (the default first). A register holds them all without
    storing them: one is stored the first time a decision is answered against it, so a
    register made before a checklist shipped gains it on open, unwritten and with its
    default unchanged (application/checklists.py)."""
    from desktop.domain.checklist import load_checklist

    return tuple(load_checklist(path, paths.checklist_schema_path())
                 for path in paths.shipped_checklist_paths())


def service_on(db: Any, **kwargs: Any) -> DecisionService:
    """A DecisionService on an open database, with every shipped checklist."""
    from desktop.application.decisions import DecisionService

    shipped = load_shipped_checklists()
    return DecisionService(db, shipped[0], paths.checklist_schema_path(), shipped=shipped,
                           **kwargs)


def is_shared_register(db: Path | str | None) -> bool:
    """True if `db` names a shared register on a PostgreSQL server, not a file."""
    from desktop.storage.postgres.uri import is_postgres_uri

    return isinstance(db, str) and is_postgres_uri(db)


def shown_register(db: Path | str) -> str:
    """A register as a message may name it: a file's path, a connection string without its
    password (a `--db` that is neither but holds `password=` is shown without it too)."""
    from desktop.storage.postgres.uri import shown_uri

    return shown_uri(str(db))


def open_shared_service(uri: str, **kwargs: Any) -> DecisionService:
    """A DecisionService on the shared register at `uri`. The server says who the user is
    (its session user), so a `user` given is not used; there is no audit seal key (the
    server's own append-only log stands in for it), no daily backup (pg_dump is IT's)."""
    from desktop.application.decisions import DecisionService
    from desktop.storage.postgres.repository import PostgresRepository

    for unused in ("user", "key_dir"):
        kwargs.pop(unused, None)
    repo = PostgresRepository.connect(uri)
    shipped = load_shipped_checklists()
    return DecisionService(None, shipped[0], paths.checklist_schema_path(), shipped=shipped,
                           repo=repo, **kwargs)


def open_service(db_path: Path | str | None = None, *, daily_backup: bool = True,
                 backup_in_child: bool = False, read_only: bool = False,
                 check_alongside: bool = False, **kwargs: Any) -> DecisionService:
    """A DecisionService on the given (default: the user's) database.

    daily_backup=False leaves out the daily backup (the command line asks for one only
    before a write to one of the user's own registers: storage.backup.is_own_register).
    backup_in_child=True has a detached child process make it (storage.detached_backup): this
    returns once the child holds its snapshot of the register, not when the copy is done.
    read_only=True reads a register that cannot be changed without creating anything beside
    it; every write is refused (storage.database.open_database).

    check_alongside=True (a reading command that writes only its output at the end: `pack`,
    `export`): an up-to-date file of ours in WAL mode is opened at once and quick_check, which
    reads the whole file, runs on a second thread (storage.background_check) while the
    command works; the command calls service.confirm_intact() before it writes anything, and
    writes to the register wait for the verdict. Not with a daily backup (only of a checked
    file) or read_only (that file is checked as it is opened)."""
    if is_shared_register(db_path):
        assert isinstance(db_path, str)
        return open_shared_service(db_path, **kwargs)
    from desktop.storage.database import open_database

    path = Path(db_path) if db_path else paths.default_database()
    if check_alongside and not daily_backup and not read_only:
        from desktop.storage.background_check import BackgroundCheck

        db = open_database(path, check_integrity=False)
        check = BackgroundCheck(path, daily_backup=False)
        check.start()
        db.hold_writes_until(check.verdict)
        return service_on(db, intact=check.verdict, **kwargs)
    db = open_database(path, read_only=read_only)
    if daily_backup and not read_only:
        from desktop.storage import backup, detached_backup

        if backup_in_child:
            detached_backup.start(path, db.conn)  # waits only for the child's snapshot
        else:
            backup.daily_backup(path, db.conn)  # at most once a day; skipped when today's exists
    return service_on(db, **kwargs)


def open_service_for_window(db_path: Path | str,
                            report: Callable[[str | None], object] | None = None,
                            **kwargs: Any) -> tuple[DecisionService,
                                                    BackgroundCheck | NothingToCheck]:
    """(DecisionService, BackgroundCheck) for the window: the slow checks come later.

    The integrity check and the daily backup run in a worker thread once `check.start()`
    is called (after the first paint); the first write waits for the check, and a damaged
    file is never written to. report(problem or None) is called from the worker thread.
    """
    if is_shared_register(db_path):  # the server checks itself; pg_dump is IT's backup
        from desktop.storage.background_check import NothingToCheck

        assert isinstance(db_path, str)
        return open_shared_service(db_path, **kwargs), NothingToCheck(report)
    from desktop.storage.background_check import BackgroundCheck
    from desktop.storage.database import open_database

    path = Path(db_path)
    db = open_database(path, check_integrity=False)
    check = BackgroundCheck(path, report=report)
    db.hold_writes_until(check.verdict)
    return service_on(db, **kwargs), check


def check_file(db_path: str, service: DecisionService) -> IntegrityReport:
    """check_integrity on a fresh connection to db_path (safe to call from any thread)."""
    from desktop.application.decisions import DecisionService
    from desktop.application.integrity import check_integrity
    from desktop.storage.database import open_database

    db = open_database(db_path, migrate=False)
    try:
        own = DecisionService(db, service.checklist, service.schema_path, user=service.user,
                              shipped=service.shipped)
        return check_integrity(own)
    finally:
        db.close()
