"""What identifies a Decision Checklist database, without importing sqlite-utils.

Opening a file reads these to decide whether it is ours, too new, or needs migrating; the
migrations themselves (and sqlite-utils) are imported only when one is pending.
tests/unit/test_migrations.py checks that these match the registered migrations.
"""

from __future__ import annotations

# 'DCK1': marks the file as ours, so another program's SQLite file is recognised.
APPLICATION_ID = 0x44434B31
MIGRATION_SET = "decision_checklist"
# Every migration in desktop/storage/migrations.py, in order. Add the new name here too.
MIGRATION_NAMES = ("m001_initial", "m002_close_lock_holes", "m003_signed_copies",
                   "m004_sealed_register", "m005_seal_from")
SCHEMA_VERSION = len(MIGRATION_NAMES)  # stored in PRAGMA user_version once all are applied
