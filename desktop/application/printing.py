"""Gather what a printed record shows: the version, its checklist, code, changes and status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.record import code_for
from desktop.domain.redline import FieldChange, diff_versions
from desktop.export.pdf.base import PrintRecord, Superseded

if TYPE_CHECKING:
    from desktop.application.decisions import DecisionService


def print_record(service: DecisionService, decision_id: str, version: int | None = None) -> PrintRecord:
    """Load a version (default: current) with its checklist, code and status mark, ready to
    render anywhere. An earlier version than the current one prints as superseded."""
    # A signed-off version prints as it was signed, whatever follow-up has been marked since.
    decision = service.lifecycle.as_signed(service.get(service.resolve_id(decision_id), version))
    checklist = service.checklist_for(decision)
    changes: tuple[FieldChange, ...] = ()
    earlier_versions = ""
    if decision.version > 1:
        held = service.lifecycle.held_versions(decision.id)
        if held.holds(decision.version - 1):
            earlier = service.get(decision.id, decision.version - 1)
            changes = tuple(diff_versions(earlier, decision, checklist))
        else:  # imported at this version: the one before was made elsewhere
            earlier_versions = held.notice(decision.version)
    superseded = None
    if version is not None:
        later = service.lifecycle.superseded_by(decision)
        superseded = Superseded(*later) if later else None
    return PrintRecord(decision, checklist, code_for(decision), changes, superseded,
                       earlier_versions=earlier_versions, call_in_days=service.call_in_days_for(decision),
                       imported=service.lifecycle.imported_sign_offs(decision))
