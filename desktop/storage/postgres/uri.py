"""Which kind of register a `--db` names, and a connection string as it may be shown (no psycopg).

A shared register is named by anything libpq accepts: a `postgresql://` (or `postgres://`) URI,
or libpq's keyword/value form (`host=dbhost dbname=decisions user=alice`). A password given
in either is never shown: every message, log line and window title that names a register
goes through `shown_uri`, and libpq's own words about a connection string through
`libpq_reason`.
"""

from __future__ import annotations

import re

SCHEMES = ("postgresql://", "postgres://")

# libpq's connection keywords (PostgreSQL 17, "Parameter Key Words"): a `--db` that begins
# with one of them and '=' is a keyword/value connection string, not a file.
KEYWORDS = frozenset({
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth",
    "channel_binding", "connect_timeout", "client_encoding", "options", "application_name",
    "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
    "requiressl", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslpassword",
    "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
    "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib",
    "gssdelegation", "service", "target_session_attrs", "load_balance_hosts",
})
# The patterns are compiled where first used (re keeps them): a register file, the usual
# `--db`, needs none of them before the window's first paint.
_FIRST_KEYWORD = r"\s*([A-Za-z_]+)\s*="
HIDDEN = "***"
# A password in each form libpq reads: a URI's user:password@, a URI's ?password= (or
# &sslpassword=), and the keyword form's password=value, quoted ('a b\'c') or not (a\ b).
_URI_USERINFO = r"((?:^|\s)postgres(?:ql)?://[^/?#@:\s]*):[^/?#@\s]*@"
_URI_PARAMETER = r"([?&](?:ssl)?password=)[^&#\s]*"
# An unquoted value runs on to the next `keyword=`, not the next space: libpq would refuse
# `password=hun ter2` (missing "=" after "ter2"), and "ter2" is still part of the password.
_KEYWORD_VALUE = (r"((?:^|(?<=\s))(?:ssl)?password\s*=\s*)"
                  r"('(?:[^'\\]|\\.)*(?:'|$)|.+?(?=\s+[A-Za-z_]+\s*=|\s*$))")


def is_postgres_uri(db: str | None) -> bool:
    """True for a libpq connection string (the shared register): a postgresql:// URI or the
    keyword/value form; a file path is not one (name a file called `host=x` as ./host=x)."""
    if db is None:
        return False
    if db.lower().startswith(SCHEMES):
        return True
    if "=" not in db:  # every keyword/value string has one; most file paths have none
        return False
    first = re.match(_FIRST_KEYWORD, db)
    return first is not None and first.group(1).lower() in KEYWORDS


def shown_uri(uri: str) -> str:
    """The connection string (or any text naming one) with every password left out, fit for
    a message, a log or a window title."""
    uri = re.sub(_URI_USERINFO, rf"\1:{HIDDEN}@", uri, flags=re.IGNORECASE)
    uri = re.sub(_URI_PARAMETER, rf"\1{HIDDEN}", uri, flags=re.IGNORECASE)
    return re.sub(_KEYWORD_VALUE, rf"\1{HIDDEN}", uri, flags=re.IGNORECASE | re.DOTALL)


def _password_text(db: str) -> list[str]:
    """The text of `db` that holds a password, however libpq would read it (or fail to)."""
    found = [m.group(2) for m in re.finditer(_KEYWORD_VALUE, db, re.IGNORECASE | re.DOTALL)]
    found += [m.group(0).split("=", 1)[1]
              for m in re.finditer(_URI_PARAMETER, db, re.IGNORECASE)]
    userinfo = re.search(_URI_USERINFO, db, re.IGNORECASE)
    if userinfo:
        found.append(db[userinfo.end(1) + 1:userinfo.end() - 1])
    return [text for text in found if text]


def libpq_reason(message: str, db: str) -> str:
    """libpq's (or psycopg's) words about the connection string `db`, on one line, with any
    password, or a piece of one it quotes ('missing "=" after "b"'), left out."""
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    secrets = _password_text(db)
    for secret in sorted(secrets, key=len, reverse=True):
        line = line.replace(secret, HIDDEN)

    def quoted(m: re.Match[str]) -> str:
        piece = m.group(1)
        return f'"{HIDDEN}"' if piece and any(piece in s for s in secrets) else m.group(0)

    return re.sub(r'"([^"]*)"', quoted, line)
