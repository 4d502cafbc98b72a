"""`backup` and `restore`: copies made with SQLite's backup API, and putting one back."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.application.userfiles import check_new_file, require_regular_file, shown
from desktop.cli._output import EXIT_OK, whole_number
from desktop.domain.errors import InvalidInput, Refused, StorageError

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

MAX_KEEP = 1000


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add the two subcommands; `command(name, help)` is cli.build_parser's helper."""
    p = command("backup", "copy the database with SQLite's backup API (into the backups "
                          "folder, keeping the newest ones, unless --out is given)")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="write the copy to FILE instead (never overwrites an existing file)")
    p.add_argument("--list", action="store_true", help="list this database's backups, newest first")
    p.add_argument("--keep", type=whole_number("--keep", 1, MAX_KEEP), default=None, metavar="N",
                   help="from now on keep the newest N backups of each database (default 10)")
    p = command("restore", "replace the database's content with a backup; the current "
                           "content is backed up first")
    p.add_argument("backup", metavar="BACKUP", help="a backup file (see `backup --list`)")


def _db_path(args: argparse.Namespace) -> Path:
    from desktop import paths

    return Path(args.db) if getattr(args, "db", None) else paths.default_database()


def cmd_backup(args: argparse.Namespace, service: DecisionService) -> int:
    from desktop.storage import backup

    db_path = _db_path(args)
    if args.keep is not None:
        if args.keep < 1:
            raise InvalidInput("backup --keep: keep at least 1 backup")
        backup.set_keep(args.keep)
        removed = backup.prune(db_path, args.keep)
        print(f"keeping the newest {args.keep} backups of each database"
              + (f"; removed {len(removed)} older ones" if removed else ""))
    if args.list:
        for info in backup.list_backups(db_path):
            print(f"{info.path}\t{info.label}")
        return EXIT_OK
    if args.keep is not None and args.out is None:
        return EXIT_OK
    if args.out is not None:
        if not args.out.strip():
            raise InvalidInput("backup --out: give a file name (it was empty)")
        out = Path(args.out)
        # a new regular file in a folder that takes one: refused here, exit 2, not after
        # the copy was made (a read-only folder, a device, a 5,000-character name)
        check_new_file(out)
        dest = backup.copy_database(service.file_db().conn, out)
    else:
        dest = backup.make_backup(db_path, service.file_db().conn, reason="manual")
    print(dest)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, service: DecisionService | None) -> int:
    """Runs without opening the database first: restoring is the cure for a damaged one."""

    db_path = _db_path(args)
    source = Path(args.backup)
    if not source.exists():
        raise InvalidInput(f"{shown(source)}: no such backup file (see `backup --list`)")
    require_regular_file(source, what="a backup file")  # a FIFO or a device: at once
    from desktop.application.backups import restore_register
    from desktop.application.instance import is_open_in_window

    if is_open_in_window(db_path):
        raise Refused(
            f"{db_path} is open in a Decision Checklist window; restore it from that window "
            "(File > Restore from a backup) or close the window first."
        )
    try:
        saved = restore_register(source, db_path)
    except StorageError as exc:
        raise StorageError(f"not restored: {exc}") from None
    if saved is not None:
        print(f"the previous content was saved to {saved}", file=sys.stderr)
    print(f"restored {db_path} from {source}")
    return EXIT_OK
