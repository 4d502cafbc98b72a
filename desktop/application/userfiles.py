"""Reading and writing files a user names (bundles, PDFs, backups, --db), with one-line
messages. No Qt.

The one rule for every file the program is told to read or write: it must be a regular file
(or, for a write, not exist yet). A named pipe, a device, a folder or a socket is refused at
once, from its stat, before anything opens it: opening a FIFO for reading waits for a writer
for ever, and /dev/zero never ends. A file read whole into memory is at most MAX_INPUT_BYTES,
or, for a JSON bundle, MAX_BUNDLE_BYTES: export-json refuses first to write one larger, so
every bundle it writes can be imported again.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from desktop.domain.errors import InvalidInput

MAX_INPUT_BYTES = 64 * 1024 * 1024  # the largest other file read whole (a PDF, a scan, a checklist)
# The largest JSON bundle read whole, and so the largest export-json writes. A register of
# 100,000 decisions (the most the product supports, issue 18) exports as about 790 MiB at the
# generated registers' ~8.3 kB a decision (bench/generate.py); this leaves ~30% for longer
# ones. Importing one reads it whole: peak memory is about 5x the file, exporting it about
# 7x (README, "Bundles at scale").
MAX_BUNDLE_BYTES = 1024 * 1024 * 1024
_MB = 1024 * 1024
_SHOWN_CHARS = 120


def shown(path: str | Path) -> str:
    """A path as a message shows it: whole unless absurdly long (a 5,000-character --out)."""
    text = str(path)
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[:60]}…{text[-40:]} ({len(text):,} characters)"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is a file, not a folder"
    return exc.strerror or str(exc)


def _stat(path: Path, label: str) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        raise InvalidInput(f"{label}: {_reason(exc)}") from None
    except ValueError:  # an embedded NUL
        raise InvalidInput(f"{label}: not a usable file name") from None


def _refuse_unless_regular(st: os.stat_result, label: str, what: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = _kind(st.st_mode)
        raise InvalidInput(f"{label}: is {kind}, not {what}" if kind != "not a regular file"
                           else f"{label}: is not {what}")


def require_regular_file(path: str | Path, *, label: str | None = None,
                         what: str = "a regular file") -> os.stat_result:
    """The file's stat if it is a regular file (following symbolic links); otherwise
    InvalidInput, at once. Never opens the file. `label` begins the message (default: the
    path); `what` says what was wanted ("a database file")."""
    path = Path(path)
    label = label or shown(path)
    st = _stat(path, label)
    _refuse_unless_regular(st, label, what)
    return st


def _open_regular(path: Path, label: str) -> int:
    """A read-only descriptor of a regular file: stat first (a FIFO is never opened), then
    open without blocking and fstat the descriptor, so a file swapped for a FIFO or a device
    between the two is refused too."""
    require_regular_file(path, label=label)
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InvalidInput(f"{label}: {_reason(exc)}") from None
    try:
        _refuse_unless_regular(os.fstat(fd), label, "a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _in_mb(tenths: int) -> str:
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,} MB" if tenth == 0 else f"{whole:,}.{tenth} MB"


def _limit_shown(limit: int) -> str:
    """A limit as a message shows it: exact bytes under 1 MB, else MB to one decimal, down."""
    return f"{limit:,} bytes" if limit < _MB else _in_mb(limit * 10 // _MB)


def _size_over(size: int, limit: int) -> str:
    """A size over `limit` as a message shows it beside _limit_shown(limit): exact bytes under
    1 MB, else MB to the nearest tenth, but always above the limit shown, so the two numbers
    never match: "larger than 64 MB (it is 64.4 MB)", and 64 MB and 1 byte is 64.1 MB."""
    if size < _MB:
        return f"{size:,} bytes"
    return _in_mb(max((size * 20 // _MB + 1) // 2, limit * 10 // _MB + 1))


def _too_large(label: str, limit: int, size: int | None = None) -> InvalidInput:
    was = f" (it is {_size_over(size, limit)})" if size is not None else ""
    return InvalidInput(f"{label}: is larger than {_limit_shown(limit)}{was}, the most this "
                        "program reads")


def read_bytes(path: str | Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or InvalidInput saying why not."""
    path = Path(path)
    label = shown(path)
    fd = _open_regular(path, label)
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fd).st_size
        if size > limit:
            raise _too_large(label, limit, size)
        try:
            data = _read_at_most(fh, size, limit)
        except OSError as exc:
            raise InvalidInput(f"{label}: {_reason(exc)}") from None
    if len(data) > limit:
        raise _too_large(label, limit)
    return data


def _read_at_most(fh: BinaryIO, size: int, limit: int) -> bytes:
    """The file's bytes, up to limit + 1 of them. Asks for its size (from the fstat) + 1, not
    for limit + 1, which Python allocates at once (a 1 GiB buffer for every bundle); a file
    that has grown since (or a /proc file, whose size says 0) is read on 1 MB at a time."""
    parts = [fh.read(size + 1)]
    total = len(parts[0])
    while total > size and total <= limit:
        part = fh.read(min(_MB, limit + 1 - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_text(path: str | Path, *, limit: int = MAX_INPUT_BYTES) -> str:
    """UTF-8 text (a byte-order mark is allowed)."""
    try:
        return read_bytes(path, limit=limit).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{shown(path)}: not UTF-8 text (byte {exc.start})") from None


def read_bundle(path: str | Path) -> str:
    """A JSON bundle's text, of at most MAX_BUNDLE_BYTES (see refuse_unimportable_bundle)."""
    return read_text(path, limit=MAX_BUNDLE_BYTES)


def refuse_unimportable_bundle(path: str | Path, size: int) -> None:
    """Refuse, before anything is written, a bundle of `size` bytes that read_bundle would
    refuse: an export that import cannot read back is no export."""
    if size > MAX_BUNDLE_BYTES:
        raise InvalidInput(f"cannot write {shown(path)}: the bundle would be "
                           f"{_size_over(size, MAX_BUNDLE_BYTES)}, larger than "
                           f"{_limit_shown(MAX_BUNDLE_BYTES)}, the most import reads; export "
                           "fewer decisions at a time (name their ids)")


_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _is_database(path: Path) -> bool:
    """True for an SQLite database, or a -wal/-shm/-journal file beside one."""
    for suffix in _SQLITE_SIDE_FILES:
        if path.name.endswith(suffix):
            path = path.with_name(path.name[: -len(suffix)])
            break
    try:
        fd = _open_regular(path, str(path))
    except InvalidInput:
        return False
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
        except OSError:
            return False


def check_output(path: str | Path) -> None:
    """Refuse an output path that is not a regular file or a new name: a device (a device
    node was once replaced by a regular file), a FIFO, a folder, a name too long to create,
    or a database (a mistyped --out once turned the open register into a JSON file)."""
    path = Path(path)
    label = f"cannot write {shown(path)}"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InvalidInput(f"{label}: {_reason(exc)}") from None
    except ValueError:
        raise InvalidInput(f"{label}: not a usable file name") from None
    if st is None:
        try:
            os.stat(path.parent)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError | NotADirectoryError):
                raise InvalidInput(f"{label}: the folder {shown(path.parent)} does not exist"
                                   ) from None
            raise InvalidInput(f"{label}: {_reason(exc)}") from None
        max_name = _max_name_length(path.parent)
        if len(os.fsencode(path.name)) > max_name:
            raise InvalidInput(f"{label}: the name is too long for the file system (at most "
                               f"{max_name} bytes)")
        return
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput(f"{label}: it is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput(f"{label}: it is {_kind(st.st_mode)}; only a regular file (or a new "
                           "one) is written")
    if _is_database(path):
        raise InvalidInput(f"{label}: it is a database (or part of one), which an "
                           "export must never replace; choose another file name")


def check_new_file(path: str | Path) -> None:
    """Refuse a new output file that cannot be created here (a read-only folder, one not
    ours, a name too long, /proc): created and removed at once, exclusively, so nothing
    that exists is touched. For writers that build the file themselves (a backup)."""
    path = Path(path)
    label = f"cannot write {shown(path)}"
    if os.path.isfile(path):
        raise InvalidInput(f"{label}: it already exists; choose a new file name")
    check_output(path)  # a folder, a device, a FIFO, a name too long
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
    except OSError as exc:
        why = _reason(exc)
        if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
            why = (f"the folder {shown(path.parent)} does not let you create files in it "
                   f"({exc.strerror})")
        elif isinstance(exc, FileNotFoundError):  # /proc: a folder that takes no new files
            why = f"the folder {shown(path.parent)} does not let you create files in it"
        raise InvalidInput(f"{label}: {why}") from None
    os.close(fd)
    os.unlink(path)


def _max_name_length(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


def atomic_write(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file.

    `data` may come in pieces (written as they come). Only a regular file, or a new one, is
    written (see check_output): never a device, a FIFO, a folder or a database. If anything
    fails or is refused part-way, the temporary file is removed and `path` is as it was."""
    check_output(path)
    path = Path(os.path.abspath(path))  # so that '.' or 'x/..' has a name to build on
    tmp = path.with_name(f".{path.name[:200]}.tmp-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)  # one left by a crash of an earlier process with our pid
        with tmp.open("xb") as fh:
            for piece in (data,) if isinstance(data, bytes) else data:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {shown(path)}: {_reason(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _OverTheCap(Exception):
    pass


def write_bundle(path: str | Path, pieces: Iterable[str]) -> None:
    """Write a bundle's text as it comes (atomic_write), refusing it as
    refuse_unimportable_bundle does once it passes MAX_BUNDLE_BYTES: the rest is then only
    counted, for the message, and `path` is left as it was."""
    size = 0

    def capped() -> Iterator[bytes]:
        nonlocal size
        for piece in pieces:
            data = piece.encode("utf-8")
            size += len(data)
            if size > MAX_BUNDLE_BYTES:
                raise _OverTheCap
            yield data

    try:
        atomic_write(path, capped())
    except _OverTheCap:
        size += sum(len(piece.encode("utf-8")) for piece in pieces)
        refuse_unimportable_bundle(path, size)
