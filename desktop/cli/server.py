"""`server init`: create or upgrade the shared register on a PostgreSQL server.

It needs no DecisionService (it opens no register, it makes one). Every other command takes a
postgresql:// `--db` as it takes a file, but `backup` and `restore` (NOT_ON_SERVER).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from desktop.cli._output import EXIT_OK
from desktop.domain.errors import InvalidInput
from desktop.storage.postgres.uri import is_postgres_uri

# Commands a shared register (a postgresql:// --db) does not take, and why.
NOT_ON_SERVER = {
    "backup": "a shared register is backed up on its server, by IT: pg_dump (see the README); "
              "`backup` copies a register file",
    "restore": "a shared register is restored on its server, by IT: pg_restore of a pg_dump "
               "(see the README); `restore` replaces a register file",
}


def runs_on_server(command: str) -> bool:
    """True if the command works on a shared register (all but NOT_ON_SERVER)."""
    return command not in NOT_ON_SERVER


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser],
                add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `server` and its one subcommand; `command(name, help)` and `add_db(parser)` are
    cli.build_parser's helpers."""
    p = command("server", "the shared register on a PostgreSQL server (--db postgresql://...)")
    actions = p.add_subparsers(dest="server_command", required=True, metavar="init",
                               parser_class=type(p))
    init = actions.add_parser("init", help="create or upgrade the shared register's schema "
                                           "and roles (run by IT as the database's owner)",
                              description="create or upgrade the shared register's schema "
                                          "and roles")
    add_db(init)


def run_server(args: argparse.Namespace) -> int:
    """`server ...` with any --db, or any other command with a PostgreSQL --db."""
    if args.command != "server":
        raise InvalidInput(f"{args.command}: {NOT_ON_SERVER.get(args.command, 'not on a shared register')}")
    return cmd_server(args)


def cmd_server(args: argparse.Namespace) -> int:
    """`server init --db postgresql://...`: prints what it did, one line each."""
    if not is_postgres_uri(args.db):
        raise InvalidInput("server init: give the shared register's PostgreSQL database as "
                           "--db postgresql://HOST/DBNAME (a register file needs no server)")
    from desktop.storage.postgres.migrate import SCHEMA_VERSION, init

    result = init(args.db)
    if result.roles_created:
        print(f"created the roles {', '.join(result.roles_created)} (NOLOGIN groups: grant "
              "them to people, e.g. GRANT dc_clerk TO alice)")
    if result.applied:
        print(f"schema version {result.version}: applied {', '.join(result.applied)}")
    else:
        print(f"schema version {SCHEMA_VERSION}: up to date, nothing was pending")
    return EXIT_OK
