"""Wire the non-GUI objects: open the database, load the checklist, build the service."""

from __future__ import annotations

from pathlib import Path

from desktop import paths


def load_shipped_checklist():
    from desktop.domain.checklist import load_checklist

    return load_checklist(paths.checklist_path(), paths.checklist_schema_path())


def open_service(db_path: Path | str | None = None, **kwargs):
    """A DecisionService on the given (default: the user's) database."""
    from desktop.services import DecisionService
    from desktop.storage.database import open_database

    path = Path(db_path) if db_path else paths.default_database()
    checklist = load_shipped_checklist()
    db = open_database(path)
    from desktop.storage.backup import daily_backup

    daily_backup(path, db.conn)  # at most once a day; skipped at once when today's exists
    return DecisionService(db, checklist, paths.checklist_schema_path(), **kwargs)
