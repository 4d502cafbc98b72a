"""The audit chain's anchor outside the database file: a key and the chain's head. No Qt.

Every audit row is chained to the one before by a plain SHA-256 (checked in the file by a
trigger), which anyone holding the file could recompute after editing rows. So each row
written now also carries a seal, HMAC-SHA-256 of its hash under a per-register key that is
kept in the user's own folder (0600, in a 0700 folder), never in the register. Beside the key
lies the chain's head: the id and hash of the newest row this register has written, sealed
too. Deleting the newest rows, or putting an older copy of the file in place, leaves the file
behind its own head, which the integrity check reports.

The head also records the path of the file that wrote it, and a head belongs to one file: a
register's first file uses `<register id>.head`, and a copy made its own (a `cp` of the file
written to where the original still is: storage/file_identity.py) gets an identity of its
own inside the register and `<register id>.<file id>.head`. So a copy that moves on never
leaves the original behind a head it did not write, while an older copy put back at the
original's path still falls short of the original's head.

Someone who holds both the file and this folder can still rewrite history; only printed
copies and backups kept elsewhere show that.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from desktop.domain.frozen import frozen

_KEY_BYTES, _HEAD_BYTES = 256, 65536  # a key file is 65 bytes, a head about 250 and its path


def _read_small(path: Path, limit: int) -> bytes | None:
    """The bytes of a small regular file, or None: a FIFO, a device, a folder or anything
    bigger than `limit` is never read (it could hang the program or fill its memory)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        return os.read(fd, limit + 1)[:limit]
    except OSError:
        return None
    finally:
        os.close(fd)


def key_id_of(key: bytes) -> str:
    """A short public name for a key (the first 16 hex digits of its SHA-256)."""
    import hashlib  # hashlib and hmac load OpenSSL: not before the window's first paint

    return hashlib.sha256(key).hexdigest()[:16]


@frozen
class Head:
    """The newest audit row the register had written, as recorded beside its key."""

    last_id: int
    last_hash: str
    authentic: bool  # its MAC checked out with the register's key
    path: str | None = None  # the file that wrote it (None: a head written before paths were)


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)


def _write_private(path: Path, data: bytes, *, fsync: bool) -> None:
    """Write a file only its owner can read, replacing the old one in one step."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class AuditSeal:
    """The key and head of one register, kept in `folder` under the register's id."""

    def __init__(self, folder: Path, register_id: str, file_id: str = "") -> None:
        self.folder = Path(folder)
        self.register_id = register_id
        self.file_id = file_id  # "" for the register's first file (storage/file_identity.py)
        self._key: bytes | None = None
        self._key_id = ""  # key_id_of(_key), worked out once: every row sealed names it
        self._keys_by_id: dict[str, bytes] | None = None
        self._folder_made = False  # made private by this object (once, not on every save)
        self._pinned: tuple[Head | None] | None = None  # pin_head's reading

    @property
    def _key_path(self) -> Path:
        return self.folder / f"{self.register_id}.key"

    @property
    def _head_path(self) -> Path:
        own = f".{self.file_id}" if self.file_id else ""
        return self.folder / f"{self.register_id}{own}.head"

    # ---- the key --------------------------------------------------------------------------
    def _load_key(self, path: Path | None = None) -> bytes | None:
        data = _read_small(path or self._key_path, _KEY_BYTES)
        try:
            text = data.decode("ascii").strip() if data is not None else ""
            return bytes.fromhex(text) if len(text) == 64 else None
        except (UnicodeDecodeError, ValueError):
            return None

    def writing_key(self) -> tuple[str, bytes]:
        """(key id, key) to seal new rows with; made on the first write of a register."""
        if self._key is None:
            key = self._load_key()
            if key is None:
                _private_folder(self.folder)
                import secrets

                key = secrets.token_bytes(32)
                try:  # O_EXCL: two processes making the first key never get two keys
                    fd = os.open(self._key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    key = self._load_key() or key
                else:
                    try:
                        os.write(fd, key.hex().encode("ascii") + b"\n")
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            self._key, self._key_id = key, key_id_of(key)
        return self._key_id, self._key

    def holds_key(self) -> bool:
        """Whether this computer holds the register's key."""
        return self._load_key() is not None

    def key(self, key_id: str) -> bytes | None:
        """The key with this id, if this computer holds it."""
        if self._keys_by_id is None:
            key = self._load_key()
            self._keys_by_id = {key_id_of(key): key} if key else {}
        return self._keys_by_id.get(key_id)

    def owner_of(self, key_id: str) -> str | None:
        """The register id whose key has this id, among all this computer holds (a row sealed
        with another register's key means the file's identity was changed)."""
        try:
            files = sorted(self.folder.glob("*.key"))
        except OSError:
            return None
        for path in files[:10_000]:
            key = self._load_key(path)
            if key is not None and key_id_of(key) == key_id:
                return path.stem
        return None

    def seal(self, row_hash: str) -> tuple[str, str]:
        """(key id, seal) for an audit row with this chained hash."""
        import hmac

        key_id, key = self.writing_key()
        return key_id, hmac.digest(key, row_hash.encode("ascii"), "sha256").hex()  # one C call

    def check(self, key_id: str, row_hash: str, seal: str) -> bool | None:
        """Whether a row's seal is right; None if this computer does not hold its key."""
        import hmac

        key = self.key(key_id)
        if key is None:
            return None
        expected = hmac.digest(key, row_hash.encode("ascii"), "sha256").hex()
        return hmac.compare_digest(expected, seal)

    # ---- the head -------------------------------------------------------------------------
    def _head_mac(self, key: bytes, last_id: int, last_hash: str, path: str | None,
                  file_id: str) -> str:
        import hashlib
        import hmac

        message = f"{self.register_id}:{last_id}:{last_hash}"
        if path is not None:  # the file that wrote it, and whose head this is
            message += f":{file_id}:{path}"
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()

    def write_head(self, last_id: int, last_hash: str, path: str | None = None) -> None:
        """Record the newest row after a commit (best effort: the file is what counts), and
        the path of the file that wrote it."""
        key_id, key = self.writing_key()
        record: dict[str, object] = {"last_id": last_id, "last_hash": last_hash,
                                     "key_id": key_id}
        if path is not None:
            record["path"] = path
        record["mac"] = self._head_mac(key, last_id, last_hash, path, self.file_id)
        data = json.dumps(record).encode("utf-8")
        for _attempt in range(2):  # once more, folder made again, if it went meanwhile
            try:
                if not self._folder_made:
                    _private_folder(self.folder)
                    self._folder_made = True
                _write_private(self._head_path, data, fsync=False)
                return
            except OSError:
                if not self._folder_made:
                    return  # a head that lags only weakens the check; it never blocks a save
                self._folder_made = False

    def pin_head(self) -> None:
        """Read the head now, and answer head() with what was read from here on: for a
        reader about to take its snapshot of a file another program may be writing (the head
        is written after each commit, so a head read first never runs ahead of the snapshot,
        and one read later may, which would look like rows removed)."""
        self._pinned = (self.head(),)

    def unpin_head(self) -> None:
        """head() reads the head afresh again."""
        self._pinned = None

    def head(self) -> Head | None:
        """The recorded head, or None if there is none (or it cannot be read)."""
        if self._pinned is not None:
            return self._pinned[0]
        return self._read_head(self._head_path, self.file_id)

    def other_heads(self) -> list[Head]:
        """The heads of this register's other files (copies made their own, or the first
        file, for a copy), each with the path of the file that wrote it."""
        out = []
        try:
            paths = sorted(self.folder.glob(f"{self.register_id}*.head"))
        except OSError:
            return []
        for path in paths[:1000]:
            parts = path.name.split(".")
            if path == self._head_path or parts[0] != self.register_id or len(parts) > 3:
                continue
            head = self._read_head(path, parts[1] if len(parts) == 3 else "")
            if head is not None:
                out.append(head)
        return out

    def _read_head(self, where: Path, file_id: str) -> Head | None:
        import hmac

        data = _read_small(where, _HEAD_BYTES)
        if data is None:
            return None
        try:
            raw = json.loads(data.decode("utf-8"))
            last_id, last_hash = int(raw["last_id"]), str(raw["last_hash"])
            path = raw.get("path")
            path = None if path is None else str(path)
            key = self.key(str(raw["key_id"]))
            authentic = key is not None and hmac.compare_digest(
                self._head_mac(key, last_id, last_hash, path, file_id), str(raw["mac"]))
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
            return None
        return Head(last_id, last_hash, authentic, path)
