"""Command-line handlers for printed records: `export`, `pack` and `verify`. No Qt."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.application.userfiles import atomic_write, check_output, require_regular_file
from desktop.cli._output import EXIT_OK, json_text, shown_lines, shown_message
from desktop.domain.errors import InvalidInput

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


def _check_out(out: str) -> Path:
    """Refused before the PDF is drawn: a folder, a device, a FIFO, a database, a name too
    long (userfiles.check_output, which atomic_write applies again when writing)."""
    path = Path(out)
    check_output(path)
    return path


def _warn(warnings: Iterable[str]) -> None:
    for w in warnings:
        print(f"warning: {shown_message(w)}", file=sys.stderr)


def cmd_export(args: argparse.Namespace, service: DecisionService) -> int:
    """`export ID [--version N] --out FILE.pdf`: the PDF assurance record of one version."""
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record

    out = _check_out(args.out)
    if args.record_version is not None and args.record_version < 1:
        raise InvalidInput(f"--version {args.record_version}: versions start at 1")
    rendered = render_record(print_record(service, args.id, args.record_version))
    service.confirm_intact()  # the register passed its check (run alongside) before any output
    atomic_write(out, rendered.pdf)
    _warn(rendered.warnings)
    return EXIT_OK


def cmd_pack(args: argparse.Namespace, service: DecisionService) -> int:
    """`pack ID ... --out FILE.pdf`: a committee pack of the current versions, in the given order."""
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_pack

    out = _check_out(args.out)
    ids = list(dict.fromkeys(service.resolve_id(i) for i in args.ids))
    rendered = render_pack([print_record(service, i) for i in ids])
    service.confirm_intact()  # the register passed its check (run alongside) before any output
    atomic_write(out, rendered.pdf)
    _warn(rendered.warnings)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, service: DecisionService) -> int:
    """`verify CODE-or-FILE [--json]`: which decision and version a typed code, a PDF or a scan
    (PNG, JPEG, image-only PDF) matches. Exit 0 match, 3 superseded or withdrawn, 1 no match
    or altered (the worst over a pack's codes), 2 bad input."""
    if os.path.exists(args.code):
        require_regular_file(args.code)  # a FIFO, a device or a folder: refused, never opened
    from desktop.application.verification import as_json, check, exit_status, format_findings
    from desktop.cli._output import print_verdict

    findings = check(service, args.code)
    text = json_text(as_json(findings)) if args.json else shown_lines(format_findings(findings))
    return print_verdict(text, exit_status(findings))
