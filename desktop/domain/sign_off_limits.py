"""How long a sign-off's typed parts may be: the one rule the app's form (application.lifecycle)
and the shared register's server (storage.postgres.p013) both enforce."""

from __future__ import annotations

MAX_NAME = 200  # characters in the signer's name
MAX_MINUTE = 100  # characters in the minute reference
MAX_COMMENT = 2000  # characters in the comment
