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


def default_database() -> Path:
    """decisions.db in the user data folder (created on first use)."""
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "decisions.db"


def checklist_path() -> Path:
    return resource("checklist.json")


def checklist_schema_path() -> Path:
    return resource("checklist.schema.json")
