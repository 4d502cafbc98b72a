"""Which database files are open in a running window (Qt-free, so the CLI can ask too).

The window holds a QLockFile at lock_path(db). QLockFile writes the owner's PID on the first
line; a lock whose process is gone is stale.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path


def instance_key(db_path: Path | str) -> str:
    """A name for the lock file and local server, unique to one database file."""
    resolved = str(Path(db_path).expanduser().resolve())
    return "decision-checklist-" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]


def lock_path(db_path: Path | str) -> Path:
    return Path(tempfile.gettempdir()) / f"{instance_key(db_path)}.lock"


def is_open_in_window(db_path: Path | str) -> bool:
    """True if a live Decision Checklist window holds this database's lock."""
    path = lock_path(db_path)
    try:
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
