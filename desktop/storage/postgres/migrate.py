"""`server init`: create or upgrade the shared register's schema and roles on a PostgreSQL server.

Run by IT as the database's owner, once against an empty database and again after each
upgrade of the app. Everything happens in one transaction, under an advisory lock (two runs
at once queue). `register_schema` lists the migrations applied; a register whose schema is
newer than this app knows is refused untouched.

The roles are cluster-wide NOLOGIN groups, made once and shared by every register database
on the server; people are granted them (`GRANT dc_clerk TO alice`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.domain.errors import InvalidInput, StorageError, Unreachable
from desktop.storage.postgres import (
    p001_initial,
    p002_search,
    p003_report_appraisal_documents,
    p004_server_hardening,
    p005_parity,
    p006_notify,
    p007_server_audit,
    p008_autosave,
    p009_register_guards,
    p010_sign_off_guard,
    p011_autosave_checks,
    p012_server_trust,
    p013_server_order,
    p014_one_statement_autosave,
    p015_unticks_and_names,
)
from desktop.storage.postgres.uri import libpq_reason, shown_uri

if TYPE_CHECKING:
    import psycopg

# Every migration, in order (name, SQL). Never edit a released one: add the next.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (p001_initial.NAME, p001_initial.SQL),
    (p002_search.NAME, p002_search.SQL),
    (p003_report_appraisal_documents.NAME, p003_report_appraisal_documents.SQL),
    (p004_server_hardening.NAME, p004_server_hardening.SQL),
    (p005_parity.NAME, p005_parity.SQL),
    (p006_notify.NAME, p006_notify.SQL),
    (p007_server_audit.NAME, p007_server_audit.SQL),
    (p008_autosave.NAME, p008_autosave.SQL),
    (p009_register_guards.NAME, p009_register_guards.SQL),
    (p010_sign_off_guard.NAME, p010_sign_off_guard.SQL),
    (p011_autosave_checks.NAME, p011_autosave_checks.SQL),
    (p012_server_trust.NAME, p012_server_trust.SQL),
    (p013_server_order.NAME, p013_server_order.SQL),
    (p014_one_statement_autosave.NAME, p014_one_statement_autosave.SQL),
    (p015_unticks_and_names.NAME, p015_unticks_and_names.SQL),
)
SCHEMA_VERSION = len(MIGRATIONS)
ROLES = ("dc_reader", "dc_author", "dc_clerk")  # readers first: the others are members
MIN_SERVER = 130000  # gen_random_uuid() is built in from PostgreSQL 13

_REGISTER_SCHEMA = """
CREATE TABLE register_schema (
    version integer PRIMARY KEY,
    name text NOT NULL UNIQUE,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT session_user
);
GRANT SELECT ON register_schema TO dc_reader;
"""
_LOCK = "SELECT pg_advisory_xact_lock(7358031880452613443)"  # any fixed number: ours


@dataclass(frozen=True)
class InitResult:
    """What a run of `server init` did."""

    applied: tuple[str, ...]  # migrations applied by this run, in order
    version: int  # the schema version the register is at now
    roles_created: tuple[str, ...]


def schema_version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The register's schema version, or None if the database holds no register."""
    row = conn.execute("SELECT to_regclass('public.register_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    row = conn.execute("SELECT coalesce(max(version), 0) FROM register_schema").fetchone()
    return int(str(row[0])) if row else 0


def no_role(user: str, where: str) -> InvalidInput:
    """The one line for a database user who is a member of no dc_ role (exit 2)."""
    return InvalidInput(f"your database role {user!r} has no role on the shared register "
                        f"at {where}: ask IT for a role (dc_author, dc_clerk or dc_reader)")


def refuse_newer(version: int, where: str) -> None:
    """Raise if a register's schema is newer than this app knows."""
    if version > SCHEMA_VERSION:
        raise InvalidInput(
            f"the shared register at {where} has schema version {version}, newer than this "
            f"version of Decision Checklist knows ({SCHEMA_VERSION}): upgrade the app first; "
            "nothing was changed")


# libpq's options that notice a TCP connection whose network has gone silent (libpq applies
# them to TCP only): keepalives after 10 s idle, every 5 s, given up after 3 unanswered (~25 s);
# and data sent but not acknowledged for 30 s ends the connection. A window bounds its own
# waits more tightly still (watchdog.py); these cover the command line and the listener.
_SILENCE_OPTIONS = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                    "keepalives_count": 3, "tcp_user_timeout": 30000}


def silence_options(uri: str) -> dict[str, Any]:
    """The options of _SILENCE_OPTIONS that `uri` leaves unset (a user's own value stands,
    and a service file's: none is added to a connection string naming one)."""
    import os

    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(uri)
    except Exception:  # noqa: BLE001 - unreadable: psycopg.connect says why, in one line
        return {}
    if "service" in given or os.environ.get("PGSERVICE"):
        return {}
    return {k: v for k, v in _SILENCE_OPTIONS.items() if k not in given}


def connect(uri: str, timeout: int = 10) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server, or a one-line error saying why there is none (Unreachable
    when trying again later may work: the server is down or the network is)."""
    import logging

    import psycopg

    # psycopg logs what it ignores while cleaning up after a lost connection ("error ignored
    # terminating <psycopg.Pipeline [BAD]>"); with no handler, Python prints that to stderr
    # beside our own one-line error, which already says the server could not be reached
    psycopg_log = logging.getLogger("psycopg")
    if not psycopg_log.handlers:
        psycopg_log.addHandler(logging.NullHandler())
    try:
        return psycopg.connect(uri, connect_timeout=timeout, **silence_options(uri))
    except psycopg.OperationalError as exc:
        reason = libpq_reason(_one_line(exc), uri)
        if _BAD_OPTION.search(reason):  # libpq refused an option before it tried the server
            raise InvalidInput(f"--db {shown_uri(uri)}: {reason} (a connection option was "
                               "refused before the server was tried: correct it in --db)"
                               ) from None
        advice, later = _advice(reason)
        raise (Unreachable if later else StorageError)(
            f"cannot connect to the shared register at {shown_uri(uri)}: "
            f"{reason}{advice}") from None
    except psycopg.ProgrammingError as exc:  # a connection string libpq cannot read
        raise InvalidInput(f"--db {shown_uri(uri)}: {libpq_reason(str(exc), uri)}") from None


# libpq's words for an option it refuses before it tries any server (sslmode=bogus, port=x,
# a weak sslmode with sslrootcert=system, ...): the server is not "away", the --db is wrong.
_BAD_OPTION = re.compile(r"^(?!.*connection to server)(?:.*\binvalid\b|.*could not match|"
                         r".*may not be used|.*not compiled in|.*not supported)", re.DOTALL)


# What to do about what libpq said, and whether trying again later may work by itself.
_ADVICE = (
    (re.compile(r"password authentication failed|no password supplied|authentication failed"),
     "the password was refused: give the right one in ~/.pgpass or PGPASSWORD (the app "
     "never stores one), or ask IT", False),
    (re.compile(r'role "[^"]*" does not exist'),
     "the server has no database user by that name: ask IT to create it and grant it a "
     "role (dc_author, dc_clerk or dc_reader)", False),
    (re.compile(r'database "[^"]*" does not exist'),
     "there is no such database on the server: check the name in --db, or ask IT", False),
)
_AWAY = ("the server is not running or cannot be reached from here: try again later, or ask "
         "IT")


def _advice(message: str) -> tuple[str, bool]:
    """(advice in brackets, True if trying again later may work: the server is away)."""
    for pattern, advice, later in _ADVICE:
        if pattern.search(message):
            return f" ({advice})", later
    return f" ({_AWAY})", True


def init(uri: str) -> InitResult:
    """Create or upgrade the schema and roles of the register at `uri` (see the module)."""
    import psycopg

    where = shown_uri(uri)
    with connect(uri) as conn:
        try:
            with conn.transaction():
                conn.execute(_LOCK)
                _check_server(conn, where)
                current = schema_version(conn)
                if current is None:
                    _require_empty(conn, where)
                else:
                    refuse_newer(current, where)
                created = _ensure_roles(conn)
                if current is None:
                    conn.execute(_REGISTER_SCHEMA)
                    current = 0
                applied = []
                for number, (name, sql) in enumerate(MIGRATIONS[current:], start=current + 1):
                    conn.execute(sql.encode("utf-8"))
                    conn.execute("INSERT INTO register_schema (version, name) VALUES (%s, %s)",
                                 (number, name))
                    applied.append(name)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StorageError(
                f"server init at {where} was refused: {_first_line(exc)}. Run it as the "
                "database's owner, a role that may create roles (CREATEROLE), such as "
                "postgres") from None
        except psycopg.Error as exc:  # the server went away, a statement failed...
            raise StorageError(f"server init at {where} failed: {_first_line(exc)}; "
                               "nothing was changed") from None
    return InitResult(tuple(applied), SCHEMA_VERSION, tuple(created))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _one_line(exc: Exception) -> str:
    """libpq's message (which can run over lines, with tabs) on one line."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    for noise in ("connection is bad: ", "connection failed: "):
        text = text.removeprefix(noise)
    return re.sub(r"\b(FATAL|ERROR): +", "", text) or type(exc).__name__


def _check_server(conn: psycopg.Connection[tuple[object, ...]], where: str) -> None:
    row = conn.execute("SELECT current_setting('server_version_num')::int, "
                       "current_setting('server_encoding')").fetchone()
    assert row is not None
    raw = row[1]  # bytes when the database is SQL_ASCII (psycopg then decodes nothing)
    version = int(str(row[0]))
    encoding = raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw)
    if version < MIN_SERVER:
        raise InvalidInput(f"the server at {where} runs PostgreSQL {version // 10000}; the "
                           "shared register needs PostgreSQL 13 or newer")
    if encoding.upper() not in ("UTF8", "UTF-8"):
        raise InvalidInput(f"the database at {where} is in the {encoding} encoding; the "
                           "shared register needs UTF8 (createdb --encoding=UTF8 "
                           "--template=template0 ...)")


def _require_empty(conn: psycopg.Connection[tuple[object, ...]], where: str) -> None:
    """Refuse a database that already holds tables of another program."""
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
        "ORDER BY c.relname LIMIT 4").fetchall()
    if rows:
        names = ", ".join(str(r[0]) for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
        raise InvalidInput(f"the database at {where} is not empty ({names}) and is not a "
                           "Decision Checklist register: give server init an empty database "
                           "(createdb)")


def _ensure_roles(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """Make the group roles that do not exist yet; readers' rights go to the other two."""
    import psycopg
    from psycopg import sql

    existing = {str(r[0]) for r in conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(ROLES),))}
    created = []
    for role in ROLES:
        if role not in existing:
            try:  # an init of another database on the server may make it at the same time
                with conn.transaction():
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
                continue
            created.append(role)
    members = {str(r[0]) for r in conn.execute(
        "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'dc_reader'")}
    for role in ("dc_author", "dc_clerk"):
        if role not in members:
            conn.execute(sql.SQL("GRANT dc_reader TO {}").format(sql.Identifier(role)))
    return created
