"""Which kind of register a `--db` names, and a PostgreSQL URI as it may be shown (no psycopg)."""

from __future__ import annotations

import re

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_uri(db: str | None) -> bool:
    """True for a libpq connection URI (the shared register); a file path is not one."""
    return db is not None and db.lower().startswith(SCHEMES)


def shown_uri(uri: str) -> str:
    """The URI with any password left out, fit for a message or a log."""
    uri = re.sub(r"^(postgres(?:ql)?://[^/?#@:]*):[^/?#@]*@", r"\1:***@", uri,
                 flags=re.IGNORECASE)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", uri, flags=re.IGNORECASE)
