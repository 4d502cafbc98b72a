"""`checklist list|import|export|default`: the checklists this register holds (PRODUCT.md,
"Checklists"). The rules are the ChecklistService's (desktop/application/checklists.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.application.userfiles import atomic_write, read_text
from desktop.cli._output import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    json_text,
    one_line,
    shown_message,
    whole_number,
)
from desktop.domain.checklist import MAX_VERSION as CHECKLIST_MAX_VERSION

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService

MAX_VERSION = CHECKLIST_MAX_VERSION
READING = frozenset({"list", "export"})  # these only read the register


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser],
                add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `checklist` and its four commands; `command(name, help)` is cli.build_parser's
    helper, add_db(parser) lets --db follow the inner command too."""
    p = command("checklist", "the checklists this register holds: list, import, export, "
                             "and which one new decisions are answered against")
    inner = p.add_subparsers(dest="checklist_command", metavar="COMMAND",
                             parser_class=type(p))
    inner.required = True

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        q = inner.add_parser(name, help=help_text, description=help_text)
        add_db(q)
        return q

    q = sub("list", "every checklist version: ID<TAB>VERSION<TAB>SECTIONS<TAB>DEFAULT<TAB>TITLE "
                    "(a stored one that cannot be read: a line on stderr, exit 1)")
    q.add_argument("--json", action="store_true", help="print a JSON array")
    q = sub("import", "add a checklist definition (JSON, checked against the checklist "
                      "schema); a new version of an id must have a higher version number")
    q.add_argument("file", metavar="FILE.json")
    q = sub("export", "write a checklist definition exactly as the register holds it")
    q.add_argument("id", metavar="ID")
    q.add_argument("--version", dest="checklist_version", default=None,
                   type=whole_number("--version", 1, MAX_VERSION),
                   help="a version (default: the newest)")
    q.add_argument("--out", required=True, metavar="FILE.json")
    q = sub("default", "answer new decisions (and bundles that name no checklist) against "
                       "the newest version of this checklist")
    q.add_argument("id", metavar="ID")


def reads_only(args: argparse.Namespace) -> bool:
    return args.checklist_command in READING


def cmd_checklist(args: argparse.Namespace, service: DecisionService) -> int:
    checklists = service.checklists
    command = args.checklist_command
    if command == "list":
        entries = checklists.entries()
        if args.json:
            sys.stdout.write(json_text([e.as_json() for e in entries]) + "\n")
        else:
            for e in entries:
                c = e.checklist
                print("\t".join([one_line(c.id), str(c.version), str(len(c.principles)),
                                 "default" if e.is_default else "-", one_line(c.title)]))
        # a stored definition that cannot be read is named, one line each, and the exit
        # status says the list is not whole; the others are listed all the same
        unreadable = checklists.unreadable()
        for bad in unreadable:
            print(f"error: {shown_message(bad.line())}", file=sys.stderr)
        return EXIT_NOT_FOUND if unreadable else EXIT_OK
    elif command == "import":
        c = checklists.import_text(read_text(args.file), source=Path(args.file).name)
        print(f"{one_line(c.id)}\t{c.version}\t{one_line(c.title)}")
    elif command == "export":
        text = checklists.export_text(args.id, args.checklist_version)
        atomic_write(Path(args.out), text.encode("utf-8"))
    else:
        c = checklists.set_default(args.id)
        print(f"{one_line(c.id)}\t{c.version}")
    return EXIT_OK
