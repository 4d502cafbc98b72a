"""Restoring a backup is itself an audited event in the restored register. No Qt.

The restored file's audit chain ends wherever the backup's did, behind the seal's head of the
register it replaces (storage/seal.py). So a restore appends one row to the restored chain,
saying what was replaced, where the replaced chain ended, from which backup, when and by whom,
and moves the seal's head on. A file put in place any other way stays behind its seal, and
the integrity check says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.storage import backup as backups
from desktop.storage.backup import BackupInfo as BackupInfo  # what the window lists
from desktop.storage.backup import list_backups as list_backups
from desktop.storage.backup import make_backup as make_backup

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService
    from desktop.domain.queries import RegisterRow


def _describe(source: Path, replaced: tuple[int, str] | None, saved: Path | None) -> str:
    if replaced is None:
        was = "a register with no readable audit log"
    else:
        was = f"a register whose audit chain ended at row {replaced[0]} (hash {replaced[1]})"
    kept = f"; the replaced file was saved to {saved}" if saved else ""
    return f"restored from {source}, replacing {was}{kept}"


def record_restore(service: DecisionService, source: Path, replaced: tuple[int, str] | None,
                   saved: Path | None) -> None:
    """Append the restore to the restored register's audit chain (sealed, head moved on)."""
    stamp = service.timestamp()
    repo = service.repo
    with repo.transaction():
        repo.audit_many([("", 0, [("restored", None, _describe(source, replaced, saved))],
                          stamp)], accept_behind=True)


def _stage(source: Path, replaced: tuple[int, str] | None, db_path: Path,
           service_options: dict[str, Any]) -> Callable[[Path, Path | None], None]:
    """The prepare step of backup.restore: the restore's audit row written into the staged
    copy (migrated first), so the restored file never stands without it. The staged copy is
    written as the file it becomes (db_path): not a copy of it (storage/file_identity.py)."""
    def prepare(staged: Path, saved: Path | None) -> None:
        from desktop.application import bootstrap
        from desktop.storage import migrations
        from desktop.storage.database import open_database
        from desktop.storage.repository import Repository

        db = open_database(staged, migrate=False)
        try:
            migrations.apply(db)
            service = bootstrap.service_on(db, **service_options)
            if isinstance(service.repo, Repository):  # a file's staged copy: always one
                service.repo.taken_as(db_path)
            record_restore(service, Path(source), replaced, saved)
        finally:
            db.close()
    return prepare


def _catch_up(service: DecisionService, source: Path) -> None:
    """A write that reached the replaced file while the restore ran moved the seal's head on
    past the chain end the restore recorded: say so in the restored chain, so the check can
    tell it from rows removed behind the app's back."""
    repo = service.repo
    repo.forget()
    seal = repo.seal(for_writing=False)
    if seal is None or repo.behind_seal() is None:
        return
    head = seal.head()
    if head is None or not head.authentic:
        return
    stamp = service.timestamp()
    with repo.transaction():
        repo.audit_many([("", 0, [("restored", None, (
            f"restored from {source}: while it ran, the replaced register moved on; its audit "
            f"chain ended at row {head.last_id} (hash {head.last_hash})"))], stamp)],
            accept_behind=True)


def _same_register(source: Path, db_path: Path) -> None:
    """A restore puts back an earlier state of the same register. Another register's file
    would make this one's records vanish (its signed copies would then match nothing): that
    is opened with --db, not restored over this one."""
    from desktop.domain.errors import Refused

    current, other = backups.register_id_of(db_path), backups.register_id_of(source)
    if current and other and current != other:
        raise Refused(f"{source} is a backup of another register (id {other}), not of "
                      f"{db_path} (id {current}); nothing was changed. To look at it, open it "
                      "as a register of its own (main.py --db FILE).")


def open_preview(backup: Path) -> DecisionService:
    """A read-only DecisionService on a backup, for previewing its register.

    Nothing is written to the backup: the connection is opened with mode=ro.
    """
    from desktop.application import bootstrap

    db = backups.open_read_only(Path(backup))
    return bootstrap.service_on(db)


def preview_register(backup: Path, limit: int) -> tuple[list[RegisterRow], int | None]:
    """(the first `limit` rows by title, the total) of a backup's register, read-only. The
    total is None when the register cannot be listed (a backup from an older version)."""
    import sqlite3

    from desktop.domain.queries import RegisterQuery

    preview = open_preview(backup)
    try:
        query = RegisterQuery(sort="title", descending=False)
        return preview.register(query, 0, limit), preview.register_count(query)
    except sqlite3.Error:
        return [], None
    finally:
        preview.close()


def _restore_open_service(service: DecisionService, backup: Path, *, folder: Path | None = None,
                          prepare: Callable[[Path, Path | None], object] | None = None,
                          ) -> Path | None:
    """Restore into the database a running DecisionService has open, then bring it up to date.

    SQLite notices the new content on the service's next read; an older backup's schema is
    migrated at once, and the service forgets what it had cached about the old content.
    """
    import sqlite3

    from desktop.domain.errors import StorageError
    from desktop.storage import migrations

    saved = backups.restore(backup, Path(service.db_path()), folder=folder, prepare=prepare)
    try:
        migrations.apply(service.file_db())
    except sqlite3.Error as exc:
        raise StorageError(f"The backup was restored but could not be upgraded: {exc}.") from None
    service.forget_file()  # another file now: its identity, seal, head and checklist row
    return saved


def restore_register(source: Path, db_path: Path, *, folder: Path | None = None,
                     **service_options: Any) -> Path | None:
    """Restore a backup over a register that no window has open; returns the saved copy."""
    from desktop.application.bootstrap import open_service

    _same_register(Path(source), Path(db_path))
    replaced = backups.chain_end(db_path)
    saved = backups.restore(source, db_path, folder=folder,
                            prepare=_stage(source, replaced, Path(db_path), service_options))
    service = open_service(db_path, **service_options)
    try:
        _catch_up(service, Path(source))
    finally:
        service.close()
    return saved


def restore_open_register(service: DecisionService, source: Path, *, folder: Path | None = None) -> Path | None:
    """Restore into the register an open DecisionService holds (the window's)."""
    _same_register(Path(source), Path(service.db_path()))
    replaced = backups.chain_end(Path(service.db_path()))
    saved = _restore_open_service(
        service, source, folder=folder,
        prepare=_stage(source, replaced, Path(service.db_path()),
                       {"user": service.user, "key_dir": service.repo.key_dir}))
    _catch_up(service, Path(source))
    return saved
