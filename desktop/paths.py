"""The one place that finds resources/ and the user's data, config and log folders."""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "DecisionChecklist"
APP_AUTHOR = "DecisionChecklist"


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def app_command(*argv: str) -> tuple[list[str], Path]:
    """(command, working folder) that starts this program again with `argv`: the frozen app
    itself (sys.executable is the app), or this Python on the desktop package's entry point
    (run from the folder holding the package, so that it imports the same code)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *argv], Path(sys.executable).resolve().parent
    return [sys.executable, "-m", "desktop.app", *argv], Path(__file__).resolve().parent.parent


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def audit_key_dir() -> Path:
    """Where each register's audit key and chain head live (DECISION_CHECKLIST_KEY_DIR, or
    audit-keys/ in the user's config folder): outside the register, readable by its owner only."""
    import os

    override = os.environ.get("DECISION_CHECKLIST_KEY_DIR")
    return Path(override) if override else user_config_dir() / "audit-keys"


# Who else may read what this program writes: no one. Another account on the same computer
# must not read the register (with its -wal and -shm, which SQLite creates with the main
# file's permissions), its backups, the copies made before a restore, or the crash logs. On
# POSIX the folders are made 0700 and the files 0600 whatever the umask; on Windows the
# user's own profile folders (AppData) are already private to that account, so nothing is
# changed there.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) if needed, and make it the user's alone (POSIX)."""
    import os

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    if os.name != "nt":
        try:
            if folder.stat().st_uid == os.geteuid():
                os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode is cut by the umask
        except OSError:
            pass
    return folder


def private_file(path: Path) -> Path:
    """Create `path` empty if it does not exist, readable and writable by the user alone;
    an existing file of this user's is made so too (POSIX)."""
    import os

    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    try:
        if os.name != "nt" and os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, PRIVATE_FILE)  # os.open's mode is cut by the umask too
    finally:
        os.close(fd)
    return path


def default_database() -> Path:
    """decisions.db in the user data folder (created on first use, private to the user)."""
    return private_folder(user_data_dir()) / "decisions.db"


def checklist_path() -> Path:
    return resource("checklist.json")


def shipped_checklist_paths() -> tuple[Path, ...]:
    """Every checklist the app ships, the default for a new register first."""
    return (checklist_path(), resource("checklist-statutory.json"))


def checklist_schema_path() -> Path:
    return resource("checklist.schema.json")
