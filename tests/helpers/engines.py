"""The contract suite's helpers: raw SQL and people on either engine.

Most contract tests go through the service only; the few that look at stored rows ask
`rows(service, sql, params)`, written once with SQLite's `?` placeholders.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest


def is_shared(service: Any) -> bool:
    return bool(service.shared)


def rows(service: Any, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows a query gives on the service's register, either engine."""
    if not is_shared(service):
        return [tuple(r) for r in service.db.execute(sql, list(params)).fetchall()]
    conn = service.repo.connection
    return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), list(params)).fetchall()]


def value(service: Any, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
    return rows(service, sql, params)[0][0]


def sqlite_only(service: Any, why: str) -> None:
    """Skip on the shared register, saying why the test is about the file."""
    if is_shared(service):
        pytest.skip(f"SQLite only: {why}")


_MADE: set[tuple[str, str]] = set()  # (cluster, name): roles are a cluster's


def person(register: Any, name: str, *roles: str) -> str:
    """The URL of `register` as `name`, a LOGIN role of the cluster holding `roles`."""
    made = (str(register.cluster.root), name)
    if made not in _MADE:
        import psycopg

        with register.connect() as conn:
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                conn.execute(f'CREATE ROLE "{name}" LOGIN')
            for role in roles:
                conn.execute(f'GRANT {role} TO "{name}"')
        _MADE.add(made)
    return str(register.url(name))


def refuses_raw_write(service: Any, sql: str) -> str:
    """Run a raw write as the service's own user; the message of its refusal (it must be
    refused: a lock trigger on either engine, or on the server the role's rights)."""
    import sqlite3

    if not is_shared(service):
        with pytest.raises(sqlite3.IntegrityError) as refused:
            service.db.execute(sql)
        return str(refused.value)
    import psycopg

    with pytest.raises(psycopg.Error) as failed:
        service.repo.connection.execute(sql)
    return str(failed.value)


def tamper(service: Any, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Change stored rows behind the app: in a register file with any SQLite tool; on the
    server as its superuser with the triggers off (what only a database administrator can
    do): the integrity rules must still see it."""
    if not is_shared(service):
        with service.repo.transaction():
            service.db.execute(sql, list(params))
        return
    with service.test_register.connect() as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(sql.replace("?", "%s"), list(params))
