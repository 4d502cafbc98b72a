"""The command line: subcommands for clerks, scripting and tests. No Qt unless the GUI is asked for.

Exit status: 0 success; 1 not found / no match / refused by the record's state; 2 bad input.
Errors print one line on stderr; a user's mistake never produces a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop.application.userfiles import (
    read_bundle,
    require_regular_file,
    shown,
    write_bundle,
)
from desktop.cli._output import (
    EXIT_BAD_INPUT,
    EXIT_NOT_FOUND,
    EXIT_OK,
    OPEN_WINDOW,
    RUN_SMOKE_TEST,
    _json_row,
    _stdout_gone,
    one_line,
    shown_message,
    whole_number,
)
from desktop.domain.errors import InvalidInput, KnownError, NotFound
from desktop.storage.postgres.uri import is_postgres_uri, shown_uri

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for any bad input
        raise InvalidInput(f"{self.prog}: {message}")


MAX_VERSION = 1_000_000  # as a bundle's version: SQLite's integers end at 2**63, and no
# record gets near a million versions


def _add_db(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="database file (default: decisions.db in your user data folder), or a shared "
             "register's postgresql:// URI",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="decision-checklist", description=(
        "Test proposed decisions against ten leadership principles and produce the PDF "
        "assurance record. With no command, opens the window."))
    _add_db(parser, top=True)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--smoke-test", action="store_true",
                        help="check this installation on a throwaway database, print 'smoke ok'")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_db(p, top=False)
        return p

    p = command("import", "add the decisions in a JSON bundle; prints ID<TAB>TITLE for each")
    p.add_argument("file", metavar="FILE.json")
    p = command("list", "the register: id, reference, title, status, version, complete, rating")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p = command("export-json", "write a JSON bundle of the given (or all) decisions")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.json")
    p = command("export", "write the PDF assurance record of a decision's current version")
    p.add_argument("id", metavar="ID")
    p.add_argument("--version", dest="record_version", default=None,
                   type=whole_number("--version", 1, MAX_VERSION),
                   help="an earlier version (default: the current one)")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p = command("pack", "write a committee pack: many decisions in one PDF")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p = command("sign-off", "record one sign-off of a decision's current version")
    p.add_argument("id", metavar="ID")
    p.add_argument("--role", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--minute", default="", metavar="REF")
    p.add_argument("--code", default=None, metavar="CODE",
                   help="the verification code printed on the copy that was signed; refused "
                        "if the record has changed since that copy was printed")
    p = command("amend", "start the next version of a signed-off decision (the signed one "
                         "stays, read-only); prints ID<TAB>VERSION")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is being amended")
    p = command("verify", "say which decision and version a code, a printed PDF or a scan "
                "(PNG, JPEG, image-only PDF) matches; exit 0 match, 3 superseded or withdrawn, "
                "1 no match or altered")
    p.add_argument("code", metavar="CODE-or-FILE")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per code")
    p = command("audit", "print a decision's history (or the whole log); --check verifies it")
    p.add_argument("id", nargs="?", metavar="ID")
    p.add_argument("--check", action="store_true",
                   help="check the hash chain and locked records; exit 1 if tampered with")
    from desktop.cli.backup import add_parsers as add_backup_parsers
    from desktop.cli.checklists import add_parsers as add_checklist_parsers
    from desktop.cli.copying import add_parsers as add_copy_parsers
    from desktop.cli.server import add_parsers as add_server_parsers

    add_backup_parsers(command)
    add_checklist_parsers(command, lambda p: _add_db(p, top=False))
    add_server_parsers(command, lambda p: _add_db(p, top=False))
    add_copy_parsers(command)
    return parser


# Subcommands whose handlers live in their own modules: name -> "module:function".
# Each handler is called as handler(args, service) and returns an exit status.
_HANDLERS: dict[str, str] = {
    "export": "desktop.cli.records:cmd_export",
    "pack": "desktop.cli.records:cmd_pack",
    "verify": "desktop.cli.records:cmd_verify",
    "sign-off": "desktop.cli.lifecycle:cmd_sign_off",
    "amend": "desktop.cli.lifecycle:cmd_amend",
    "audit": "desktop.cli.lifecycle:cmd_audit",
    "backup": "desktop.cli.backup:cmd_backup",
    "restore": "desktop.cli.backup:cmd_restore",
    "checklist": "desktop.cli.checklists:cmd_checklist",
}


def _handler(name: str) -> Callable[..., int]:
    import importlib

    module, _, function = _HANDLERS[name].partition(":")
    handler: Callable[..., int] = getattr(importlib.import_module(module), function)
    return handler


def cmd_import(args: argparse.Namespace, service: DecisionService) -> int:
    # The text was read by run(), before the db opened; the audit log names the file.
    for d in service.import_bundle(args.bundle_text, source=Path(args.file).name):
        print(f"{d.id}\t{one_line(d.title)}")
    return EXIT_OK


def _check_bundle(text: str) -> None:
    """Every check import makes, against an empty register in memory: a bundle refused
    for any reason (a future sign-off date as much as bad JSON) creates no database file."""
    from sqlite_utils import Database

    from desktop.application.bootstrap import service_on
    from desktop.storage import migrations

    db = Database(memory=True)
    try:
        migrations.apply(db)
        service_on(db, user="-").prepare_import(text)
    finally:
        db.close()


def cmd_list(args: argparse.Namespace, service: DecisionService) -> int:
    """The register, streamed row by row: memory stays flat however many decisions there are
    (the JSON is exactly what json.dumps(indent=2) gives for the whole list)."""
    from desktop.domain.queries import RegisterQuery

    rows = service.iter_register(RegisterQuery(sort="title", descending=False))
    chunk: list[str] = []

    def write(text: str) -> None:  # a few large writes, not one per row
        chunk.append(text)
        if len(chunk) >= 500:
            sys.stdout.write("".join(chunk))
            chunk.clear()

    if args.json:
        first = True
        for r in rows:
            item = _json_row({
                "id": r.id,
                "reference": r.reference,
                "title": r.title,
                "status": r.status.value,
                "version": r.version,
                "complete": r.complete,
                "sections": r.sections,
                "overall_rating": r.overall_rating.value if r.overall_rating else None,
                "decision_maker": r.decision_maker,
                "meeting_date": r.meeting_date,
                "review_date": r.review_date,
                "verification_code": r.verification_code,
            })
            write(("[\n  " if first else ",\n  ") + item)
            first = False
        write("[]\n" if first else "\n]\n")
    else:
        for r in rows:
            rating = r.overall_rating.value if r.overall_rating else "-"
            write("\t".join([r.id, one_line(r.reference or None), one_line(r.title),
                             r.status.value, str(r.version), f"{r.complete}/{r.sections}", rating]) + "\n")
    sys.stdout.write("".join(chunk))
    return EXIT_OK


def cmd_export_json(args: argparse.Namespace, service: DecisionService) -> int:
    write_bundle(Path(args.out), service.export_bundle_pieces(args.ids))
    return EXIT_OK


_BUILTIN: dict[str, Callable[..., int]] = {"import": cmd_import, "list": cmd_list, "export-json": cmd_export_json}


# Subcommands that may start a new database file; the others need an existing one.
_CREATES_DATABASE = frozenset({"import", "restore"})
# Subcommands that only read the register: they never trigger the daily backup, and they
# read a register that cannot be written (a read-only file, read-only media) read-only.
READING = frozenset({"list", "export", "export-json", "pack", "verify", "audit", "backup"})
# Reading commands whose handler calls service.confirm_intact() before it writes its output:
# the register's quick_check runs alongside them (bootstrap.open_service(check_alongside=True)).
_CHECKED_ALONGSIDE = frozenset({"export", "pack"})
# Commands that read their records and build one document from them. In a process that ends
# with the command (run(..., process_ends=True), as app.main runs it), the cycle collector
# stays off from the start of the command to the exit: what the build makes lives until the
# end, and its collection when the build switched the collector back on scanned every object
# of it, once, for nothing (a fortieth of a 100-decision pack, and the collections while its
# records were read). Memory is the same: the build holds the collector off already.
_ONE_DOCUMENT = frozenset({"export", "pack"})


def _creates_database(args: argparse.Namespace) -> bool:
    """The command may start a new database file (see _CREATES_DATABASE): importing a
    checklist is how a new register that uses its own checklist begins."""
    return args.command in _CREATES_DATABASE or (
        args.command == "checklist" and args.checklist_command == "import")


def _reads_only(args: argparse.Namespace) -> bool:
    """The command only reads the register (see READING)."""
    if args.command == "checklist":
        from desktop.cli.checklists import reads_only

        return reads_only(args)
    return args.command in READING


def _missing(path: str) -> bool:
    """True if path surely does not exist; False if it cannot even be checked (no access to
    a folder on the way), so that opening it reports what is wrong instead of a traceback."""
    try:
        return not Path(path).exists()
    except OSError:
        return False


def _present(path: str) -> bool:
    """True if path surely exists (stat answered); a folder on the way that cannot be entered
    is left to opening, which says so."""
    try:
        return Path(path).exists()
    except OSError:
        return False


def _cannot_be_written(db: str | None) -> bool:
    """An existing register that a reading command must read read-only (a read-only file,
    read-only media, a folder that takes no -wal/-shm): nothing is then created beside it."""
    from desktop import paths
    from desktop.storage.files import unwritable

    path = Path(db) if db else paths.default_database()
    try:
        return path.is_file() and unwritable(path) is not None
    except OSError:
        return False


def _own_register(db: str | None) -> bool:
    """The default register, or one in the user's data folder: those get daily backups."""
    from desktop.storage.backup import is_own_register

    return db is None or is_own_register(Path(db))


def _utf8_output() -> None:
    """Print UTF-8 whatever the locale says: a title with an emoji, redirected to a file on a
    Windows machine (cp1252), raised UnicodeEncodeError after the import had been committed."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def _check_arguments(args: argparse.Namespace) -> None:
    """Refuse what a shell can pass but no one can have meant: an empty --db (an unset
    variable, which would have opened the default register) and bytes that are not text."""
    if args.db == "":
        raise InvalidInput("--db: give a database file name (it was empty)")
    for key, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise InvalidInput(f"--{key.replace('_', '-')}: contains bytes that are "
                                       "not text in UTF-8") from None


def run(argv: list[str], *, process_ends: bool = False) -> int:
    """Run a subcommand and return its exit status; -1 means 'no subcommand: open the window'.
    process_ends: the process ends after the command (app.main), see _ONE_DOCUMENT."""
    try:
        args = build_parser().parse_args(argv)
    except InvalidInput as exc:
        print(shown_message(str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        _check_arguments(args)
    except InvalidInput as exc:
        print(f"error: {shown_message(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.command is not None:
        _utf8_output()
    if args.version:
        from desktop import __version__

        print(f"decision-checklist {__version__}")
        return EXIT_OK
    if args.smoke_test:
        return RUN_SMOKE_TEST
    if args.command is None:
        return OPEN_WINDOW
    if process_ends and args.command in _ONE_DOCUMENT:
        import gc

        gc.disable()  # on again never: the process ends (app._left_to_exit)
    service = None
    try:
        if args.command == "copy-register":  # opens no register of --db: FROM and TO
            from desktop.cli.copying import cmd_copy_register

            status = cmd_copy_register(args)
            sys.stdout.flush()
            return status
        if args.command == "server" or is_postgres_uri(args.db):
            # `server init` opens no register; backup and restore of a shared register are
            # IT's (pg_dump); every other command opens the shared register as a file
            from desktop.cli.server import run_server, runs_on_server

            if args.command == "server" or not runs_on_server(args.command):
                status = run_server(args)
                sys.stdout.flush()
                return status
        handler = _BUILTIN.get(args.command) or _handler(args.command)
        from desktop.application.bootstrap import open_service

        if is_postgres_uri(args.db):
            if args.command == "import":
                args.bundle_text = read_bundle(args.file)
            service = open_service(args.db)
            status = handler(args, service)
            sys.stdout.flush()
            return status
        if args.db and not _creates_database(args) and _missing(args.db):
            # a mistyped --db must not silently create an empty register
            raise NotFound(f"no database at {shown(shown_uri(args.db))}")
        if args.db and _present(args.db):
            # a FIFO would hang the open, a device or a folder is no database: stat only
            require_regular_file(args.db, label=f"--db {shown(shown_uri(args.db))}",
                                 what="a database file")
        if args.command == "import":
            # A bundle that cannot be read or is refused leaves no new database file behind.
            args.bundle_text = read_bundle(args.file)
            if args.db is None or _missing(args.db):
                _check_bundle(args.bundle_text)
        # restore must work on a file too damaged to open: it opens nothing first
        service = None if args.command == "restore" else open_service(
            args.db, daily_backup=not _reads_only(args) and _own_register(args.db),
            backup_in_child=True,
            read_only=_reads_only(args) and _cannot_be_written(args.db),
            check_alongside=args.command in _CHECKED_ALONGSIDE)
        try:
            status = handler(args, service)
        except Exception:
            if service is not None:  # a damaged register is said first, as when checked at open
                service.confirm_intact()
            raise
        sys.stdout.flush()  # a full disk or a closed reader is reported here, not at exit
        return status
    except BrokenPipeError:
        return _stdout_gone()
    except OSError as exc:  # writing the output failed (`> /dev/full`)
        print(f"error: could not write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except KnownError as exc:
        print(f"error: {shown_message(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if service is not None:
            service.close()
