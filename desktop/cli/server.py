"""`server init`: create or upgrade the shared register on a PostgreSQL server.

The one subcommand that takes a PostgreSQL `--db` before the shared register's repository
exists; it needs no DecisionService (it opens no register, it makes one).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from desktop.cli._output import EXIT_OK
from desktop.domain.errors import InvalidInput
from desktop.storage.postgres.uri import is_postgres_uri

NOT_YET = ("the shared register (a postgresql:// --db) works only with `server init` in this "
           "version; the window and the other commands come with the next one")


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
        raise InvalidInput(NOT_YET)
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
