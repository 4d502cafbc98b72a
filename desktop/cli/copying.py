"""`copy-register FROM TO`: move a register file into a shared register, and back
(storage/copy_register.py). Like `server init` it opens no DecisionService: it reads one
register and makes another.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from desktop.cli._output import EXIT_OK, shown_message
from desktop.domain.errors import InvalidInput
from desktop.storage.postgres.uri import shown_uri


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add `copy-register`; `command(name, help)` is cli.build_parser's helper."""
    p = command("copy-register", "copy every row of a register (a file or a postgresql:// "
                "URI) into a new, empty one: every version, sign-off and audit row kept")
    p.add_argument("source", metavar="FROM", help="the register to copy (only read)")
    p.add_argument("target", metavar="TO", help="a file that does not exist yet, or a shared "
                   "register after `server init` that holds no decisions (as its owner)")


def _shown(where: str) -> str:
    return shown_uri(where)


def cmd_copy_register(args: argparse.Namespace) -> int:
    """Copy, with a line on stderr every so many decisions and the result on stdout."""
    if args.db is not None:
        raise InvalidInput("copy-register: give the registers as FROM and TO, not --db")
    from desktop.storage.copy_register import copy_register, summary

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = copy_register(args.source, args.target, progress)
    for line in summary(result, _shown(args.target)):
        print(shown_message(line))
    return EXIT_OK
