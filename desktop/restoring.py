"""Restoring a backup is itself an audited event in the restored register. No Qt.

The restored file's audit chain ends wherever the backup's did, behind the seal's head of the
register it replaces (storage/seal.py). So a restore appends one row to the restored chain,
saying what was replaced, where the replaced chain ended, from which backup, when and by whom,
and moves the seal's head on. A file put in place any other way stays behind its seal, and
the integrity check says so.
"""

from __future__ import annotations

from pathlib import Path

from desktop.storage import backup as backups


def _describe(source: Path, replaced: tuple[int, str] | None, saved: Path | None) -> str:
    if replaced is None:
        was = "a register with no readable audit log"
    else:
        was = f"a register whose audit chain ended at row {replaced[0]} (hash {replaced[1]})"
    kept = f"; the replaced file was saved to {saved}" if saved else ""
    return f"restored from {source}, replacing {was}{kept}"


def record_restore(service, source: Path, replaced: tuple[int, str] | None,
                   saved: Path | None) -> None:
    """Append the restore to the restored register's audit chain (sealed, head moved on)."""
    stamp = service.timestamp()
    repo = service.repo
    with repo.transaction():
        repo.audit_many([("", 0, [("restored", None, _describe(source, replaced, saved))],
                          stamp)], accept_behind=True)


def _stage(source: Path, replaced: tuple[int, str] | None, service_options: dict):
    """The prepare step of backup.restore: the restore's audit row written into the staged
    copy (migrated first), so the restored file never stands without it."""
    def prepare(staged: Path, saved: Path | None) -> None:
        from desktop import bootstrap, paths
        from desktop.services import DecisionService
        from desktop.storage import migrations
        from desktop.storage.database import open_database

        db = open_database(staged, migrate=False)
        try:
            migrations.apply(db)
            service = DecisionService(db, bootstrap.load_shipped_checklist(),
                                      paths.checklist_schema_path(), **service_options)
            record_restore(service, Path(source), replaced, saved)
        finally:
            db.close()
    return prepare


def _catch_up(service, source: Path) -> None:
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


def restore_register(source: Path, db_path: Path, *, folder: Path | None = None,
                     **service_options) -> Path | None:
    """Restore a backup over a register that no window has open; returns the saved copy."""
    from desktop.bootstrap import open_service

    _same_register(Path(source), Path(db_path))
    replaced = backups.chain_end(db_path)
    saved = backups.restore(source, db_path, folder=folder,
                            prepare=_stage(source, replaced, service_options))
    service = open_service(db_path, **service_options)
    try:
        _catch_up(service, Path(source))
    finally:
        service.db.close()
    return saved


def restore_open_register(service, source: Path, *, folder: Path | None = None) -> Path | None:
    """Restore into the register an open DecisionService holds (the window's)."""
    _same_register(Path(source), Path(service.db_path()))
    replaced = backups.chain_end(Path(service.db_path()))
    saved = backups.restore_open_service(
        service, source, folder=folder,
        prepare=_stage(source, replaced, {"user": service.user,
                                          "key_dir": service.repo.key_dir}))
    _catch_up(service, Path(source))
    return saved
