"""The checklists a register holds: list, import, export, and which one new decisions use.

A register holds the checklists shipped with the app and any imported into it, each an id
and a version; stored definitions are content-addressed and never change (a new wording is a
new version, with a higher number). One id is the register's default: new decisions, and
bundles that name no checklist, are answered against its newest version. No Qt here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from desktop.domain.checklist import (
    Checklist,
    Problem,
    checklist_problems,
    format_path,
    importable,
)
from desktop.domain.errors import ChecklistError, InvalidInput, NotFound
from desktop.storage.interface import DecisionRepository

_T = TypeVar("_T")
# What reading a stored definition can raise when its text is damaged or was written outside
# the app: not valid JSON, not valid against the schema, or a shape the schema let through.
_UNREADABLE = (ChecklistError, ValueError, TypeError, KeyError, AttributeError)

DEFAULT_SETTING = "default_checklist"
DRAFT_SETTING = "checklist_editor_draft"  # the editor's unsaved draft, kept as it is typed
EDITOR_SOURCE = "the checklist editor"  # what the audit row says a saved draft came from


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


@dataclass(frozen=True)
class UnreadableChecklist:
    """A stored definition that no longer reads as a checklist (damaged, or written outside
    the app): left out of every list, so the others still work, and named by `line()`."""

    checklist_id: str
    version: int
    sha256: str
    reason: str

    def line(self) -> str:
        shown = self.checklist_id if len(self.checklist_id) <= 100 else \
            f"{self.checklist_id[:100]}…"
        return (f"checklist {shown!r} version {self.version} (stored as {self.sha256[:12]}…) "
                f"cannot be read, so it is left out: {self.reason}")


@dataclass(frozen=True)
class DraftProblem:
    """One problem with a draft in the checklist editor: where (a JSON path) and what to do,
    in the words of GOV.UK's error messages."""

    path: tuple[str | int, ...]
    message: str


Draft = dict[str, Any]  # a checklist definition as its JSON: what the editor edits


class Decisions(Protocol):
    """What this needs of DecisionService: a Protocol, so that this module does not import
    decisions.py, which builds the ChecklistService (DecisionService.checklists)."""

    repo: DecisionRepository
    schema_path: Path

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
        version first. A shipped definition wins over a stored one of the same version; a
        stored one that cannot be read is left out (`unreadable` names it)."""
        found: dict[tuple[str, int], Checklist] = {(c.id, c.version): c for c in self.shipped}
        for _sha, cid, version, text in self.repo.stored_checklists():
            if (cid, version) not in found:
                try:
                    found[(cid, version)] = self.decisions.parse_checklist(text)
                except _UNREADABLE:
                    continue
        order = {c.id: i for i, c in enumerate(self.shipped)}
        return sorted(found.values(),
                      key=lambda c: (order.get(c.id, len(order)), c.id, c.version))

    def unreadable(self) -> list[UnreadableChecklist]:
        """The stored definitions that do not read as a checklist, in the order stored (one
        bad row must not stop anyone listing or choosing the others)."""
        bad = []
        for sha, cid, version, text in self.repo.stored_checklists():
            try:
                self.decisions.parse_checklist(text)
            except _UNREADABLE as exc:
                bad.append(UnreadableChecklist(cid, version, sha, str(exc) or type(exc).__name__))
        return bad

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
            ids = sorted({c.id for c in self.all()})
            known = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
            shown = checklist_id if len(checklist_id) <= 100 else f"{checklist_id[:100]}…"
            raise NotFound(f"no checklist {shown!r} in this register (it holds: {known})")
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
        checklist = importable(self.decisions.parse_checklist(text))
        stamp = self.decisions.timestamp()

        def write() -> Checklist:
            # Read inside the write transaction, holding the id's lock (BEGIN IMMEDIATE on a
            # file, the server's lock on a shared register): two imports of one id at once
            # cannot both find their version newer.
            self.repo.lock_checklist_id(checklist.id)
            held = [c.version for c in self.all() if c.id == checklist.id]
            if held and checklist.version <= max(held):
                raise InvalidInput(
                    f"version: checklist {checklist.id!r} version {checklist.version} is not "
                    f"newer than version {max(held)}, which this register already holds; "
                    f"give the new wording version {max(held) + 1} or higher",
                    field="version")
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


    # ---- the checklist editor --------------------------------------------------------------
    def use_counts(self) -> dict[str, int]:
        """Checklist sha256 -> how many decisions are answered against it (any version)."""
        return self.repo.checklist_use_counts()

    def new_version_draft(self, checklist_id: str) -> Draft:
        """A copy of the newest version of `checklist_id`, numbered as its next version:
        saved, it is that checklist's new version (decisions already answered keep theirs)."""
        newest = self.find(checklist_id)
        draft: Draft = json.loads(newest.raw_json)
        draft["version"] = newest.version + 1
        return draft

    def new_checklist_draft(self, checklist_id: str, version: int | None = None) -> Draft:
        """A copy of a checklist under a new id (version 1) that this register does not
        hold yet: saved, it is a checklist of its own."""
        source = self.find(checklist_id, version)
        draft: Draft = json.loads(source.raw_json)
        held = {c.id for c in self.all()}
        new_id, n = f"{source.id}-copy", 2
        while new_id in held:
            new_id, n = f"{source.id}-copy-{n}", n + 1
        draft.update(id=new_id, version=1, title=f"Copy of {source.title}")
        return draft

    def draft_problems(self, draft: Draft) -> list[DraftProblem]:
        """Every reason `save_draft` would refuse this draft, in the order of the form: the
        checks `checklist import` makes (the schema, unique slugs and role names), and its
        version rule. [] when it may be saved."""
        data = numbered(draft)
        found = [DraftProblem(p.path, plain_message(p))
                 for p in checklist_problems(data, self.decisions.schema_path)]
        version, cid = data.get("version"), data.get("id")
        held = [c.version for c in self.all() if c.id == cid]
        if isinstance(version, int) and held and version <= max(held):
            found.append(DraftProblem(("version",), f"Version must be higher than {max(held)}, "
                                                    f"the newest version of {cid} this "
                                                    f"register holds"))
        return sorted(found, key=_form_order)

    def save_draft(self, draft: Draft) -> Checklist:
        """Store the draft as a checklist version, audited as an import from the editor, and
        forget the kept draft. InvalidInput naming the first problem if it may not be saved."""
        problems = self.draft_problems(draft)
        if problems:
            raise InvalidInput(problems[0].message, field=".".join(map(str, problems[0].path)))
        text = json.dumps(numbered(draft), ensure_ascii=False, indent=2) + "\n"
        checklist = self.import_text(text, source=EDITOR_SOURCE)
        self.drop_draft()
        return checklist

    def keep_draft(self, draft: Draft) -> None:
        """Keep the editor's draft in the register as it is typed, so closing the window (or
        a crash) loses none of it; `kept_draft` gives it back."""
        text = json.dumps(draft, ensure_ascii=False)
        self.decisions.write(lambda: self.repo.set_setting(DRAFT_SETTING, text))

    def kept_draft(self) -> Draft | None:
        text = self.repo.setting(DRAFT_SETTING)
        if not text:
            return None
        try:
            draft = json.loads(text)
        except ValueError:
            return None
        return draft if isinstance(draft, dict) else None

    def drop_draft(self) -> None:
        if self.repo.setting(DRAFT_SETTING):
            self.decisions.write(lambda: self.repo.set_setting(DRAFT_SETTING, ""))


def numbered(draft: Draft) -> Draft:
    """The draft with its sections numbered 1, 2, 3... in the order they stand (the editor
    moves sections; their numbers follow)."""
    data = dict(draft)
    principles = data.get("principles")
    if isinstance(principles, list):
        data["principles"] = [dict(p, number=i) if isinstance(p, dict) else p
                              for i, p in enumerate(principles, start=1)]
    return data


# The order of the editor's form, which its error summary follows: the checklist's own
# fields, then each section's and each role's.
_TOP_ORDER = ("id", "version", "title", "principles", "sign_off_roles")
_PART_ORDER = ("slug", "title", "kind", "wording", "guidance", "questions", "name", "required")


def _form_order(problem: DraftProblem) -> list[int]:
    path = problem.path
    top = [_TOP_ORDER.index(path[0]) if path and path[0] in _TOP_ORDER else len(_TOP_ORDER)]
    return top + [x if isinstance(x, int) else
                  _PART_ORDER.index(x) if x in _PART_ORDER else len(_PART_ORDER)
                  for x in path[1:]]


_FIELD_NAMES = {"title": "title", "slug": "slug", "wording": "wording",
                "guidance": "guidance", "kind": "kind", "id": "checklist id",
                "name": "name", "questions": "questions"}


def _where(path: tuple[str | int, ...]) -> str:
    """"section 3", "sign-off role 2", "the checklist": whose field it is."""
    if len(path) >= 2 and path[0] == "principles" and isinstance(path[1], int):
        return f"section {path[1] + 1}"
    if len(path) >= 2 and path[0] == "sign_off_roles" and isinstance(path[1], int):
        return f"sign-off role {path[1] + 1}"
    return "the checklist"


def plain_message(problem: Problem) -> str:
    """A schema or rule problem as an error message a monitoring officer can act on
    ("Enter the title of section 11"); the schema's own words for anything unforeseen."""
    path, rule, limit = problem.path, problem.rule, problem.limit
    where = _where(path)
    last = path[-1] if path else ""
    if (isinstance(last, int) and len(path) >= 2 and path[-2] == "questions"
            and rule == "minLength"):
        return f"Enter question {last + 1} of {where}, or remove it"
    field = _FIELD_NAMES.get(str(last), str(last))
    if path == ("principles",):
        return ("Add at least one section" if rule == "minItems"
                else f"A checklist can have at most {limit} sections")
    if path == ("sign_off_roles",) and rule == "minItems":
        return "Add at least one sign-off role"
    if path == ("version",) and rule in ("type", "minimum", "maximum"):
        return "Enter the version as a whole number from 1 to 2,147,483,647, such as 2"
    if rule == "control":
        return (f"The {field} of {where} must be one line of plain text, without tabs, line "
                f"breaks or other control characters")
    if rule == "minLength":
        return f"Enter the {field} of {where}"
    if rule == "maxLength":
        return f"The {field} of {where} must be {limit} characters or fewer"
    if rule == "pattern" and last == "slug" and problem.value == "":
        return f"Enter the slug of {where}, like climate-emergency"
    if rule == "pattern" and last == "slug":
        return (f"The slug of {where} must be lower-case letters and digits, words joined by "
                f"single hyphens, like climate-emergency")
    if last == "questions" and rule == "minItems":
        return f"Give {where} at least {limit} questions"
    if last == "questions" and rule == "maxItems":
        return f"Give {where} no more than {limit} questions"
    if rule == "unique" and last == "slug" and isinstance(limit, int):
        return f"The slug of {where} is already the slug of section {limit + 1}: choose another"
    if rule == "unique" and isinstance(limit, int):
        return f"The name of {where} is the same as sign-off role {limit + 1}'s: choose another"
    return f"{where[0].upper()}{where[1:]}, {format_path(path)}: {problem.text}"


def suggest_slug(title: str) -> str:
    """A slug for a new section from its title ("Climate emergency" -> "climate-emergency"):
    what the editor fills in until the user types one. Letters other than a-z are dropped
    (the schema's slugs are ASCII); it may still need a hand, and is checked like any other."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:60].strip("-")
