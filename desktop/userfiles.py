"""Reading and writing files a user names (bundles, PDFs), with one-line messages. No Qt."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.domain.errors import InvalidInput


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or InvalidInput saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: {exc.strerror}") from None


def read_text(path: str | Path) -> str:
    """UTF-8 text (a byte-order mark is allowed)."""
    try:
        return read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start})") from None


_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _is_database(path: Path) -> bool:
    """True for an SQLite database, or a -wal/-shm/-journal file beside one."""
    for suffix in _SQLITE_SIDE_FILES:
        if path.name.endswith(suffix):
            path = path.with_name(path.name[: -len(suffix)])
            break
    try:
        with path.open("rb") as fh:
            return fh.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file.

    A database (this app's register or any other) is never replaced by an export: a
    mistyped --out once turned the open register into a JSON file."""
    if Path(path).is_dir():
        raise InvalidInput(f"cannot write {path}: it is a folder; give a file name")
    if _is_database(Path(path)):
        raise InvalidInput(f"cannot write {path}: it is a database (or part of one), which an "
                           "export must never replace; choose another file name")
    path = Path(os.path.abspath(path))  # so that '.' or 'x/..' has a name to build on
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
