"""The checklists a register holds: list, import, export, and which one new decisions use.

A register holds the checklists shipped with the app and any imported into it, each an id
and a version; stored definitions are content-addressed and never change (a new wording is a
new version, with a higher number). One id is the register's default: new decisions, and
bundles that name no checklist, are answered against its newest version. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from desktop.domain.checklist import Checklist
from desktop.domain.errors import InvalidInput, NotFound
from desktop.storage.interface import DecisionRepository

_T = TypeVar("_T")

DEFAULT_SETTING = "default_checklist"


@dataclass(frozen=True)
class ChecklistEntry:
    """One checklist version as `checklist list` shows it."""

    checklist: Checklist
    is_default: bool  # the default id's newest version
    shipped: bool  # comes with the app (it need not be stored in the register yet)

    def as_json(self) -> dict[str, object]:
        c = self.checklist
        return {"id": c.id, "version": c.version, "title": c.title,
                "sections": len(c.principles), "default": self.is_default,
                "shipped": self.shipped, "sha256": c.sha256}


class Decisions(Protocol):
    """What this needs of DecisionService: a Protocol, so that this module does not import
    decisions.py, which builds the ChecklistService (DecisionService.checklists)."""

    repo: DecisionRepository

    def parse_checklist(self, text: str) -> Checklist: ...
    def store_checklist(self, checklist: Checklist) -> str: ...
    def timestamp(self) -> str: ...
    def write(self, fn: Callable[[], _T]) -> _T: ...


class ChecklistService:
    """The register's checklists (as `DecisionService.checklists`)."""

    def __init__(self, decisions: Decisions, shipped: tuple[Checklist, ...]) -> None:
        self.decisions = decisions
        self.repo = decisions.repo
        self.shipped = shipped

    # ---- reading ------------------------------------------------------------------------
    def all(self) -> list[Checklist]:
        """Every checklist version this register knows, by id (shipped ids first), oldest
        version first. A shipped definition wins over a stored one of the same version."""
        found: dict[tuple[str, int], Checklist] = {(c.id, c.version): c for c in self.shipped}
        for _sha, cid, version, text in self.repo.stored_checklists():
            if (cid, version) not in found:
                found[(cid, version)] = self.decisions.parse_checklist(text)
        order = {c.id: i for i, c in enumerate(self.shipped)}
        return sorted(found.values(),
                      key=lambda c: (order.get(c.id, len(order)), c.id, c.version))

    def newest(self) -> list[Checklist]:
        """The newest version of each checklist id: what a new decision may be answered
        against (the default first)."""
        latest: dict[str, Checklist] = {}
        for c in self.all():
            latest[c.id] = c
        default = self.default_id()
        return sorted(latest.values(), key=lambda c: c.id != default)

    def entries(self) -> list[ChecklistEntry]:
        default = self.default()
        shipped = {c.sha256 for c in self.shipped}
        return [ChecklistEntry(c, c.sha256 == default.sha256, c.sha256 in shipped)
                for c in self.all()]

    def default_id(self) -> str:
        return self.repo.setting(DEFAULT_SETTING) or self.shipped[0].id

    def default(self) -> Checklist:
        """The newest version of the register's default checklist."""
        return self.find(self.default_id())

    def find(self, checklist_id: str, version: int | None = None) -> Checklist:
        """The checklist with this id and version (default: its newest); NotFound if the
        register holds none."""
        versions = [c for c in self.all() if c.id == checklist_id]
        if not versions:
            known = ", ".join(sorted({c.id for c in self.all()}))
            raise NotFound(f"no checklist {checklist_id!r} in this register (it holds: {known})")
        if version is None:
            return versions[-1]
        for c in versions:
            if c.version == version:
                return c
        held = ", ".join(str(c.version) for c in versions)
        raise NotFound(f"checklist {checklist_id!r} has no version {version} in this register "
                       f"(it holds version {held})")

    # ---- writing ------------------------------------------------------------------------
    def import_text(self, text: str, source: str | None = None) -> Checklist:
        """Validate a checklist definition and add it to the register (ChecklistError naming
        the JSON path if it is not valid; InvalidInput if its version is not newer than every
        version of its id already held)."""
        checklist = self.decisions.parse_checklist(text)
        held = [c.version for c in self.all() if c.id == checklist.id]
        if held and checklist.version <= max(held):
            raise InvalidInput(
                f"version: checklist {checklist.id!r} version {checklist.version} is not "
                f"newer than version {max(held)}, which this register already holds; give "
                f"the new wording version {max(held) + 1} or higher", field="version")
        stamp = self.decisions.timestamp()

        def write() -> Checklist:
            self.decisions.store_checklist(checklist)
            self.repo.audit("", 0, [("checklist_imported", None,
                                     f"{checklist.id} version {checklist.version} "
                                     f"({checklist.sha256}) from "
                                     f"{source or 'a file without a name'}")], stamp)
            return checklist

        return self.decisions.write(write)

    def set_default(self, checklist_id: str) -> Checklist:
        """Make a checklist id the default for new decisions (its newest version)."""
        checklist = self.find(checklist_id)
        old = self.default_id()
        if old == checklist.id and self.repo.setting(DEFAULT_SETTING) is not None:
            return checklist
        stamp = self.decisions.timestamp()

        def write() -> Checklist:
            self.repo.set_setting(DEFAULT_SETTING, checklist.id)
            self.repo.audit("", 0, [("checklist_default", old, checklist.id)], stamp)
            return checklist

        return self.decisions.write(write)

    def export_text(self, checklist_id: str, version: int | None = None) -> str:
        """The definition exactly as stored (its bytes give its SHA-256)."""
        return self.find(checklist_id, version).raw_json

