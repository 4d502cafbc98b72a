"""Rolling backups made with SQLite's online backup API, and restoring from them. No Qt.

Backups live in the user data folder (``backups/``), one file per backup, named
``<stem>-<path hash>-<YYYYMMDD-HHMMSS>-<reason>.db`` so that several databases can share the
folder. Each is a complete, self-contained SQLite file (rollback journal, not WAL), checked
with ``PRAGMA quick_check`` before it is given its final name, so a backup that exists is a
backup that opens. The last ``keep`` backups of each database are kept (10 unless the user
changed it; the number lives in ``backups/settings.json``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.dates import padded_date
from desktop.domain.errors import NotOurs, StorageError
from desktop.storage.files import (
    atomic_text,
    describe_os_error,
    fsync_dir,
    inspect_file,
    read_only_uri,
)

if TYPE_CHECKING:  # sqlite-utils is imported when first needed
    from sqlite_utils import Database

DEFAULT_KEEP = 10
BACKUP_DIR_ENV = "DECISION_CHECKLIST_BACKUP_DIR"
_SETTINGS = "settings.json"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    """One backup file of one database."""

    path: Path
    taken_at: dt.datetime
    reason: str

    @property
    def why(self) -> str:
        return {
            "daily": "daily backup", "before-migration": "made before an upgrade",
            "before-restore": "made before a restore", "manual": "made by hand",
        }.get(self.reason, self.reason)

    @property
    def label(self) -> str:
        """What a person sees in a list: when, and why it was made."""
        return f"{padded_date(self.taken_at)} {self.taken_at:%H:%M:%S} ({self.why})"


def backup_folder() -> Path:
    """Where backups go: $DECISION_CHECKLIST_BACKUP_DIR, else the user data folder's backups/."""
    override = os.environ.get(BACKUP_DIR_ENV)
    if override:
        return Path(override)
    from desktop import paths

    return paths.user_data_dir() / "backups"


def get_keep(folder: Path | None = None) -> int:
    """How many backups of each database to keep."""
    folder = folder or backup_folder()
    try:
        keep = int(json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))["keep"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_KEEP
    return keep if keep >= 1 else DEFAULT_KEEP


def set_keep(keep: int, folder: Path | None = None) -> None:
    """Change how many backups of each database are kept (at least 1)."""
    if keep < 1:
        raise StorageError("Keep at least one backup.")
    from desktop.paths import private_folder

    folder = private_folder(folder or backup_folder())
    atomic_text(folder / _SETTINGS, json.dumps({"keep": keep}))


def _prefix(db_path: Path) -> str:
    digest = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8")).hexdigest()[:8]
    return f"{Path(db_path).stem}-{digest}-"


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """The backups of one database, newest first."""
    folder = folder or backup_folder()
    prefix = _prefix(db_path)
    found = []
    with contextlib.suppress(OSError):
        for p in folder.glob(f"{glob_escape(prefix)}*.db"):
            rest = p.stem[len(prefix):]
            date, _, tail = rest.partition("-")
            time, _, reason = tail.partition("-")
            try:
                taken = dt.datetime.strptime(f"{date}-{time}", _STAMP)
            except ValueError:
                continue
            found.append(BackupInfo(p, taken, reason.rsplit(".", 1)[0] or "manual"))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


_PARTIAL = ".partial-"
_STALE_AFTER = 24 * 3600  # seconds untouched: a copy that old is dead whoever holds its PID


def _running(pid: int) -> bool:
    """Whether a process with this id exists (POSIX). On Windows os.kill(pid, 0) would end
    the process, so there a partial copy counts as stale only by its age."""
    if os.name == "nt" or pid <= 0:
        return os.name == "nt"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, another account's
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete the hidden `.NAME.partial-PID` copies a killed backup left (up to the size of
    the register each): those whose process is gone, or untouched for a day."""
    import time

    removed = []
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if not (p.name.startswith(".") and _PARTIAL in p.name):
                continue
            pid = p.name.rsplit(_PARTIAL, 1)[1].removesuffix("-journal")  # and its journal
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                old = time.time() - p.lstat().st_mtime > _STALE_AFTER
                if old or not _running(int(pid)):
                    p.unlink()
                    removed.append(p)
            except OSError:
                continue
    return removed


def copy_database(source: sqlite3.Connection, dest: Path) -> Path:
    """Write a checked, self-contained copy of `source` to `dest` via the backup API.

    The copy is built under a temporary name and renamed into place only once it passes
    quick_check, so a crash or a full disk never leaves a half-written file under `dest`.
    """
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}{_PARTIAL}{os.getpid()}")
    tmp.unlink(missing_ok=True)
    out = None
    try:
        from desktop.paths import private_file

        private_file(tmp)  # a copy of the register is as private as the register
        out = sqlite3.connect(str(tmp))
        source.backup(out)  # all pages in one step: a consistent snapshot
        out.execute("PRAGMA journal_mode = DELETE")
        result = out.execute("PRAGMA quick_check").fetchone()[0]
        out.close()
        out = None
        if result != "ok":
            raise StorageError(f"The backup copy failed its check ({result}).")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(
            f"Could not write the backup {dest}: {describe_os_error(dest, exc)}"
        ) from None
    finally:
        if out is not None:
            out.close()
        tmp.unlink(missing_ok=True)
    return dest


def make_backup(db_path: Path, source: sqlite3.Connection | None = None, *,
                reason: str = "manual", folder: Path | None = None,
                keep: int | None = None, now: dt.datetime | None = None) -> Path:
    """Back up one database into the backups folder, then drop all but the newest `keep`."""
    db_path = Path(db_path)
    from desktop.paths import private_folder

    folder = folder or backup_folder()
    try:
        private_folder(folder)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the backup folder {folder}: {exc.strerror}. "
            "Check that you can write to it."
        ) from None
    moment = now or dt.datetime.now()
    base = f"{_prefix(db_path)}{moment.strftime(_STAMP)}-{reason}"
    dest = folder / f"{base}.db"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"{base}.{n}.db"
    remove_stale_partials(folder)
    own = source is None
    conn = _open_read_only(db_path) if source is None else source
    try:
        copy_database(conn, dest)
    finally:
        if own:
            conn.close()
    prune(db_path, keep if keep is not None else get_keep(folder), folder)
    return dest


def prune(db_path: Path, keep: int, folder: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups of a database; return what was deleted
    (any copy a killed backup left behind goes too)."""
    remove_stale_partials(folder or backup_folder())
    removed = []
    for info in list_backups(db_path, folder)[max(keep, 1):]:
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    return removed


def daily_backup(db_path: Path, source: sqlite3.Connection, *, folder: Path | None = None,
                 today: dt.date | None = None) -> Path | None:
    """At start-up: back up a non-empty database unless it already has a backup from today.

    Cheap when there is nothing to do (one folder listing). Never raises: a failed daily
    backup must not stop anyone working; it returns None.
    """
    try:
        folder = folder or backup_folder()
        if backed_up_today(db_path, folder, today):
            return None
        if not _has_records(source):
            return None
        return make_backup(db_path, source, reason="daily", folder=folder)
    except (StorageError, sqlite3.Error, OSError):
        return None


def backed_up_today(db_path: Path, folder: Path, today: dt.date | None = None) -> bool:
    """Whether the database has a backup (of any kind) taken today: then no daily one."""
    today = today or dt.date.today()
    return any(b.taken_at.date() == today for b in list_backups(db_path, folder))


def is_own_register(db_path: Path) -> bool:
    """Whether the command line makes daily backups of this register: the default one and
    any other kept in the user's data folder. A register on a USB stick or a shared drive,
    opened with --db, is someone's to back up, but not into this user's folder every day."""
    from desktop import paths

    try:
        return Path(db_path).resolve().is_relative_to(paths.user_data_dir().resolve())
    except (OSError, ValueError):
        return False


def _has_records(conn: sqlite3.Connection) -> bool:
    try:
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM decisions)").fetchone()[0])
    except sqlite3.Error:
        return False


def before_migration(db_path: Path, source: sqlite3.Connection, *,
                     folder: Path | None = None) -> Path | None:
    """Back up an existing database that holds anything before its schema is upgraded.

    Raises StorageError if the backup cannot be made: the upgrade must not go ahead then.
    """
    tables = source.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    ).fetchone()[0]
    if not tables:
        return None
    try:
        return make_backup(db_path, source, reason="before-migration", folder=folder)
    except StorageError as exc:
        raise StorageError(
            f"{db_path} needs upgrading, but it could not be backed up first, so it has been "
            f"left untouched. {exc}"
        ) from None


def _open_read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"{path} cannot be opened: {exc}.") from None


def open_read_only(backup: Path) -> Database:
    """A sqlite-utils Database on a backup, opened with mode=ro: nothing is written to it."""
    from sqlite_utils import Database

    inspect_file(Path(backup))
    return Database(_open_read_only(backup), execute_plugins=False)


def register_id_of(db_path: Path) -> str | None:
    """The register id a file carries, read-only; None if it has none, cannot be read, or is
    not one of ours (then nothing is opened: restore refuses such a file itself)."""
    if not Path(db_path).is_file():
        return None
    try:
        inspect_file(Path(db_path))
        conn = _open_read_only(db_path)
    except StorageError:
        return None
    try:
        row = conn.execute(
            "SELECT value FROM register_meta WHERE key = 'register_id'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def chain_end(db_path: Path) -> tuple[int, str] | None:
    """(id, hash) of the newest audit row of a register, read-only; None if unreadable."""
    if not Path(db_path).is_file():
        return None
    try:
        conn = sqlite3.connect(read_only_uri(Path(db_path)), uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def restore(backup: Path, db_path: Path, *, folder: Path | None = None,
            prepare: Callable[[Path, Path | None], object] | None = None) -> Path | None:
    """Replace the database's content with a backup's; return the backup of what was there.

    The backup is checked first (ours, not from a newer version, not damaged), and so is the
    file it would replace: another program's database, one from a newer version, or one
    locked by another program is refused, both files untouched; only a register of ours that
    is damaged may be replaced. The current file is backed up before anything changes
    ("before-restore"); if it is too damaged for SQLite to read, its raw bytes are copied
    instead. The content is then copied in with the
    backup API, which goes through SQLite's journal, so a crash mid-restore leaves the old
    content, never a mix.
    """
    backup, db_path = Path(backup), Path(db_path)
    if not backup.is_file():
        raise StorageError(f"{backup}: no such backup file.")
    inspect_file(backup)
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise StorageError(f"{backup} is the database itself; choose a backup file.")
    saved = None
    healthy = True
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            inspect_file(db_path)
        except StorageError as exc:
            # another program's file, a newer version's, one in use: refused, both untouched;
            # a damaged register of ours, or bytes that are no database at all, is replaced
            if isinstance(exc, NotOurs) or "is locked" in str(exc):
                raise
            healthy = False
        saved = (make_backup(db_path, reason="before-restore", folder=folder) if healthy
                 else _raw_copy(db_path, folder or backup_folder()))
    staged = None
    if prepare is not None:
        # prepare(staged, saved) readies a copy of the backup (the restore's own audit row)
        # before it goes in, so the file is never in place without it.
        staged = db_path.with_name(f".{db_path.name}.restoring-{os.getpid()}")
        first = _open_read_only(backup)
        try:
            copy_database(first, staged)
        finally:
            first.close()
        prepare(staged, saved)
    try:
        src = _open_read_only(staged or backup)
        try:
            if healthy and db_path.exists():
                _copy_into(src, db_path)
            else:
                _replace_file(src, db_path)
        finally:
            src.close()
    finally:
        if staged is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{staged}{suffix}").unlink(missing_ok=True)
    return saved


def _copy_into(src: sqlite3.Connection, db_path: Path) -> None:
    try:
        dest = sqlite3.connect(str(db_path), timeout=5.0)
        try:
            src.backup(dest)
            if dest.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                dest.execute("PRAGMA journal_mode = WAL")
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise StorageError(
            f"Could not restore into {db_path}: {describe_os_error(db_path, exc)} "
            "The current content has not been changed."
        ) from None


def _replace_file(src: sqlite3.Connection, db_path: Path) -> None:
    """For a missing or unreadable database: write the backup beside it and rename it in."""
    tmp = db_path.with_name(f".{db_path.name}.restoring-{os.getpid()}")
    copy_database(src, tmp)
    for suffix in ("-wal", "-shm", "-journal"):  # they belong to the damaged file (copied)
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, db_path)
    fsync_dir(db_path.parent)


def _raw_copy(db_path: Path, folder: Path) -> Path:
    """Keep the exact bytes of a file SQLite cannot read (and its WAL), before replacing it."""
    from desktop.paths import private_file, private_folder

    stamp = dt.datetime.now().strftime(_STAMP)
    dest = folder / f"{_prefix(db_path)}{stamp}-damaged.db.bytes"
    try:
        private_folder(folder)
        for suffix in ("", "-wal", "-journal"):
            extra = Path(f"{db_path}{suffix}")
            if extra.exists():
                copy = private_file(Path(f"{dest}{suffix}"))  # 0600 first: copyfile keeps it
                shutil.copyfile(extra, copy)
    except OSError as exc:
        raise StorageError(
            f"Could not copy {db_path} aside before restoring: {exc.strerror}. Nothing was changed."
        ) from None
    return dest
