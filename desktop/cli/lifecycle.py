"""Command-line handlers for `sign-off` and `audit`; each is handler(args, service) -> exit status."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from desktop.application import lifecycle
from desktop.application.integrity import check_integrity
from desktop.cli._output import one_line, shown_message
from desktop.domain.errors import InvalidInput
from desktop.domain.redline import field_label

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService
    from desktop.domain.decision import Decision


def cmd_sign_off(args: argparse.Namespace, service: DecisionService) -> int:
    """`sign-off ID --role ROLE --name NAME --date YYYY-MM-DD [--minute REF] [--code CODE]`."""
    decision_id = service.resolve_id(args.id)
    request = lifecycle.SignOffRequest(
        role=args.role, name=args.name, date=args.date, minute_reference=args.minute
    )
    decision = service.lifecycle.record_sign_off(decision_id, request, code=args.code)
    signed = decision.sign_offs[-1]
    print(shown_message(f"Recorded: {signed.role} signed by {signed.name} on {signed.date}."))
    if decision.is_locked:
        print(shown_message(f"{decision.title} version {decision.version} is signed off and "
                            f"locked (verification code {decision_code(decision)})."))
    else:
        missing = service.lifecycle.missing_roles(decision)
        print(shown_message(f"Still to sign: {', '.join(missing)}."))
    return 0


def cmd_amend(args: argparse.Namespace, service: DecisionService) -> int:
    """`amend ID --reason TEXT`: starts version n+1 (open to change, no sign-offs); prints
    ID<TAB>VERSION."""
    if not args.reason.strip():
        raise InvalidInput("--reason: give the reason for the amendment (it was empty)")
    decision = service.lifecycle.amend(service.resolve_id(args.id), args.reason)
    print(f"{decision.id}\t{decision.version}")
    return 0


def decision_code(decision: Decision) -> str:
    from desktop.domain.record import code_for

    return code_for(decision)


def cmd_audit(args: argparse.Namespace, service: DecisionService) -> int:
    """`audit [ID] [--check]`: a decision's history, or the whole log; --check verifies it."""
    if args.check:
        from desktop.cli._output import print_verdict

        if args.id:
            service.resolve_id(args.id)  # an unknown id is refused, not ignored
        report = check_integrity(service)
        for line in report.lines():
            print(f"problem: {shown_message(line)}", file=sys.stderr)
        return print_verdict(shown_message(report.summary()), 0 if report.ok else 1)
    decision_id = service.resolve_id(args.id) if args.id else None
    if decision_id:
        checklist = service.checklist_for(service.get(decision_id))
        entries = service.lifecycle.history(decision_id)
    else:
        checklist, entries = None, service.repo.audit_entries()
    from desktop.domain.imported_sign_offs import shown_values

    shown = shown_values(entries)  # an import's rows say what came from elsewhere
    for e in entries:
        print("\t".join([
            one_line(e.at), one_line(e.user), one_line(e.decision_id), str(e.version),
            one_line(field_label(e.field, checklist)), one_line(e.old_value),
            one_line(shown.get(e.id, e.new_value)),
        ]))
    return 0


