"""Connection strings with a password in them, as the tests of its redaction write them."""

from __future__ import annotations

import urllib.parse

from hypothesis import strategies as st

# A password anyone could type, framed so that it is nowhere in a message by chance.
PASSWORDS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                    min_size=1, max_size=24).map(lambda typed: f"Pw{typed}9!")


def quoted(value: str) -> str:
    """A keyword/value connection string's quoting of a value (libpq's rule)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def uri_form(password: str, host: str, user: str = "alice", dbname: str = "reg1") -> str:
    secret = urllib.parse.quote(password, safe="")
    return f"postgresql://{user}:{secret}@/{dbname}?host={host}"
