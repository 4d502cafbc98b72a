"""Which database files are open in a running window (Qt-free, so the CLI can ask too).

The window holds a QLockFile at lock_path(db). QLockFile writes the owner's PID on the first
line; a lock whose process is gone is stale.

A file is known by its device and inode once it exists, so a hard link or another path to an
open register names the same lock. The locks live in a folder only the user can write (the
user's runtime folder, else locks/ in the data folder), never a shared temporary folder where
another account could plant one; a lock file owned by another account is never honoured.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop.domain.digest import sha256_hex


def _key(identity: str) -> str:
    return "decision-checklist-" + sha256_hex(identity.encode("utf-8"))[:16]


def path_key(db_path: Path | str) -> str:
    """A name for one path to a database (the window's local server answers on it)."""
    return _key(str(Path(db_path).expanduser().resolve()))


def instance_key(db_path: Path | str) -> str:
    """A name for the lock file, unique to one database file however it is reached: its
    device and inode once it exists, its path before."""
    path = Path(db_path).expanduser()
    try:
        st = path.stat()
    except OSError:  # not created yet
        return path_key(path)
    return _key(f"file:{st.st_dev}:{st.st_ino}")


def lock_folder() -> Path:
    """A folder for lock files that only this user can write (made 0700 on first use)."""
    from desktop import paths

    override = os.environ.get("DECISION_CHECKLIST_LOCK_DIR")
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if override:
        folder = Path(override)
    elif runtime and Path(runtime).is_dir() and os.access(runtime, os.W_OK):
        folder = Path(runtime) / paths.APP_NAME
    elif sys.platform.startswith("linux"):  # platformdirs' answer, without importing it
        data = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local/share")
        folder = Path(data) / paths.APP_NAME / "locks"
    else:
        folder = paths.user_data_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def lock_path(db_path: Path | str) -> Path:
    return lock_folder() / f"{instance_key(db_path)}.lock"


def is_open_in_window(db_path: Path | str) -> bool:
    """True if a live Decision Checklist window holds this database's lock."""
    path = lock_path(db_path)
    try:
        if os.name == "posix" and path.stat().st_uid != os.geteuid():
            return False  # planted by another account: not ours to honour
        first_line = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        pid = int(first_line.strip())
    except (OSError, IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        # The owner keeps the file open without delete sharing; a stale file can be removed.
        try:
            path.unlink()
        except PermissionError:
            return True
        except OSError:
            return False
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
