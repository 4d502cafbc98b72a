"""Which of a version's sign-offs came in a bundle, and the words for them.

A bundle's sign-offs were recorded in another register: this one holds them as the bundle said
them, not as it saw them made. The import writes a `sign_off.<Role>` audit row for each, then
one `imported` row naming the file, in the same transaction (DecisionService.import_bundle).
So a sign-off whose newest row comes before the version's `imported` row came in the bundle;
one recorded after it (a ready record imported part-way through its sign-offs, then signed
here) was recorded in this register. The PDF, `verify` and the window use these words, as
held_versions.py words the versions a bundle did not bring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop.domain.audit_entries import AuditEntry
from desktop.domain.checklist import role_key
from desktop.domain.dates import long_date


@dataclass(frozen=True)
class ImportedSignOffs:
    """The roles whose sign-offs a bundle brought (as the checklist names them), the day it
    was imported (YYYY-MM-DD, local) and the bundle's file name."""

    roles: tuple[str, ...]
    day: str
    source: str

    def came_in(self, role: str) -> bool:
        """Whether this role's sign-off was recorded elsewhere and came in the bundle."""
        return role_key(role) in {role_key(r) for r in self.roles}

    def names(self) -> str:
        """The roles in words: "A", "A and B", "A, B and C"."""
        if len(self.roles) == 1:
            return self.roles[0]
        return f"{', '.join(self.roles[:-1])} and {self.roles[-1]}"

    def notice(self) -> str:
        """The plain words: which sign-offs were recorded elsewhere, and when and from which
        file they came."""
        which = (f"The sign-off by {self.names()} was" if len(self.roles) == 1 else
                 f"The sign-offs by {self.names()} were")
        return (f"{which} recorded elsewhere and imported on {long_date(self.day)} from "
                f"{self.source}: this register holds them as that bundle gave them.")


def imported_sign_offs(entries: Iterable[AuditEntry], version: int,
                       local_day: Callable[[str], str] = lambda at: at[:10],
                       ) -> ImportedSignOffs | None:
    """What a version's audit rows (a decision's, oldest first) say came in a bundle; None if
    no sign-off of it did. `local_day` turns the import row's timestamp into its day."""
    newest: dict[str, tuple[int, str]] = {}  # role_key -> (its newest row, the role's name)
    imported: AuditEntry | None = None
    for e in entries:
        if e.version != version:
            continue
        if e.field.startswith("sign_off."):
            name = e.field.removeprefix("sign_off.")
            if e.new_value is None:
                newest.pop(role_key(name), None)
            else:
                newest[role_key(name)] = (e.id, name)
        elif e.field == "imported":
            imported = e
    if imported is None:
        return None
    roles = tuple(name for row, name in newest.values() if row < imported.id)
    if not roles:
        return None
    return ImportedSignOffs(roles, local_day(imported.at),
                            imported.new_value or "a bundle without a file name")


def shown_values(entries: list[AuditEntry]) -> dict[int, str]:
    """The words the audit log shows, in place of the stored value, for the rows of an import
    that brought sign-offs (row id -> words): the `imported` row names the sign-offs it
    brought and the file, and each of those sign-offs says it was recorded elsewhere."""
    by_decision: dict[str, list[AuditEntry]] = {}
    imports = set()
    for e in entries:  # each decision's rows, gathered once (not once an import)
        by_decision.setdefault(e.decision_id, []).append(e)
        if e.field == "imported":
            imports.add((e.decision_id, e.version))
    out: dict[int, str] = {}
    for decision_id, version in imports:
        rows = by_decision[decision_id]
        found = imported_sign_offs(rows, version)
        if found is None:
            continue
        newest: dict[str, AuditEntry] = {}
        for e in rows:
            if e.version != version:
                continue
            if e.field == "imported":
                plural = "s" if len(found.roles) > 1 else ""
                out[e.id] = (f"{found.source}, with the sign-off{plural} by {found.names()}, "
                             "recorded elsewhere")
                for key, sign_off in newest.items():
                    if found.came_in(key):
                        out[sign_off.id] = (f"{sign_off.new_value} (recorded elsewhere, "
                                            f"imported from {found.source})")
                newest.clear()
            elif e.field.startswith("sign_off.") and e.new_value is not None:
                newest[role_key(e.field.removeprefix("sign_off."))] = e
    return out
