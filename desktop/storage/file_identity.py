"""Which file of a register this is: its identity inside the register, and whether it is a copy.

A plain `cp` of a register file carries its register id, and so its audit key and head
(storage/seal.py), to the copy. The head says which file wrote it (its path), so:

- a file at the path its head names is that file: it is held to its head, and an older copy
  put back at that path falls short of it ("behind its own audit seal");
- a file somewhere else, while the file its head names is still there with the same
  identity, is a copy of that file (a `cp`, a backup): until it is written to it is held to
  that file's head, as a backup is (an older or cut-short copy reads as behind it), and its
  first write makes it a file of its own, going on from where it was copied: a new file id,
  kept in the register (`register_meta`, key `file_id:<id>`; the newest one counts), its own
  head from then on, and an audit row saying whose copy it is;
- a file somewhere else whose head's file is gone, or is another file now, was moved: it is
  still held to its head, and its next write records its new path there.

The same file reached by another name (a hard link, a symlink) is the file itself. Nothing here
reads the file system's own metadata as an identity: a copy keeps or loses that arbitrarily.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

FILE_ID_KEY = "file_id:"  # register_meta keys of the file ids a register's files were given


def current_file_id(conn: sqlite3.Connection) -> str:
    """This file's id ("" for a register's first file, which has not needed one)."""
    try:
        row = conn.execute("SELECT value FROM register_meta WHERE key LIKE 'file\\_id:%' "
                           "ESCAPE '\\' ORDER BY rowid DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no such table: altered outside the app
        return ""
    return str(row[0]) if row else ""


def new_file_id(conn: sqlite3.Connection) -> str:
    """Give this file an id of its own (inside the current write transaction)."""
    import uuid

    file_id = str(uuid.uuid4())
    conn.execute("INSERT INTO register_meta (key, value) VALUES (?, ?)",
                 [f"{FILE_ID_KEY}{file_id}", file_id])
    return file_id


def file_path(location: str) -> str | None:
    """A register's file as a head records it (absolute, links resolved); None if it has none
    (an in-memory register)."""
    if not location or location == ":memory:":
        return None
    try:
        return str(Path(location).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(location)


def copy_of(here: str | None, head_path: str | None, register_id: str,
            file_id: str) -> str | None:
    """The path of the file this one is a copy of: the file its head names, if that is
    another file, still there, of the same register and with the same file id; else None
    (this is that file, or it was moved, or the head names no file)."""
    if here is None or head_path is None or head_path == here:
        return None
    try:
        if not os.path.isfile(head_path) or os.path.samefile(head_path, here):
            return None
    except OSError:
        return None
    return head_path if _identity_of(Path(head_path)) == (register_id, file_id) else None


def _identity_of(path: Path) -> tuple[str, str] | None:
    """(register id, file id) of a register file, read-only; None if it cannot be read."""
    from desktop.storage.files import connect_read_only

    try:
        conn = connect_read_only(path)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(
            "SELECT value FROM register_meta WHERE key = 'register_id'").fetchone()
        return (str(row[0]), current_file_id(conn)) if row else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
