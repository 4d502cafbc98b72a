"""What the window and the command line both call. Validates, writes atomically, returns records.

No Qt here. Every public write is one db.atomic() transaction that also writes its audit rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from desktop.domain.checklist import Checklist, parse_checklist, role_key
from desktop.domain.decision import (
    DELIVERY_MODELS,
    OPTION_STATUSES,
    Answer,
    Decision,
    Document,
    Option,
    Status,
    appraisal_gaps,
    derived_status,
    sections_complete,
)
from desktop.domain.errors import InvalidInput, NotFound, Refused, StorageError
from desktop.domain.fields import EXEMPT_PARAGRAPHS, FIELDS, REPORT_FIELDS, max_length, names
from desktop.domain.frozen import replaced
from desktop.domain.queries import RegisterQuery, RegisterRow
from desktop.domain.record import CODE_SCHEME
from desktop.domain.rules import allowed
from desktop.domain.sign_off_dates import EARLIEST_SIGN_OFF_WORDS, sign_off_date_fault
from desktop.domain.timeline import (
    MAX_CALL_IN_DAYS,
    URGENCY_ROUTES,
    Timeline,
    date_order_problems,
    decision_timeline,
)
from desktop.domain.typed_dates import is_iso_date
from desktop.domain.visible import has_visible_character
from desktop.storage.interface import DecisionRepository
from desktop.storage.interface import RegisterWatcher as RegisterWatcher  # the window's name for it
from desktop.storage.repository import Repository

if TYPE_CHECKING:  # sqlite-utils is imported when first needed
    from sqlite_utils import Database

    from desktop.application.appraisals import AppraisalService
    from desktop.application.checklists import ChecklistService
    from desktop.application.lifecycle import LifecycleService
    from desktop.domain.action_queries import ActionQuery, ActionRow
    from desktop.storage.connection import LazyDatabase

MAX_TITLE = max_length("title")
MAX_REFERENCE = max_length("reference")


T = TypeVar("T")
Query = TypeVar("Query", RegisterQuery, "ActionQuery")


def os_user() -> str:
    """The operating-system account running this process, for the audit log's "who".

    Asked of the system, never of the environment: getpass.getuser() reads LOGNAME, USER,
    LNAME and USERNAME first, so `LOGNAME="Chief Executive" main.py sign-off ...` put
    "Chief Executive" in the audit log."""
    if os.name == "nt":
        return _windows_user()
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # no passwd entry (a container run with an arbitrary uid)
        return f"uid {uid}"


def _windows_user() -> str:
    """GetUserNameW: the account of this process's token, not %USERNAME%."""
    import ctypes
    from ctypes import wintypes

    size = wintypes.DWORD(257)  # UNLEN + 1
    buffer = ctypes.create_unicode_buffer(size.value)
    # Windows only: typeshed defines WinDLL and get_last_error for win32 alone.
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined, unused-ignore]
    if not advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        return f"unknown (GetUserNameW error {ctypes.get_last_error()})"  # type: ignore[attr-defined, unused-ignore]
    return buffer.value


def new_id() -> str:
    """A random id for a new decision (uuid, ~3 ms to import, loads when first needed)."""
    import uuid

    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_date(value: str | None, label: str) -> str | None:
    """Accept None/'' or a real YYYY-MM-DD date."""
    if value is None or value == "":
        return None
    if not is_iso_date(value):
        raise InvalidInput(f"{label}: {value!r} is not a date in the form YYYY-MM-DD")
    return value


class DecisionService:
    """The application's operations on decision records."""

    def __init__(self, db: LazyDatabase | Database | None, checklist: Checklist,
                 schema_path: Path, *, user: str | None = None,
                 now: Callable[[], dt.datetime] = utc_now,
                 key_dir: Path | Callable[[], Path] | None = None,
                 shipped: tuple[Checklist, ...] = (),
                 repo: DecisionRepository | None = None,
                 intact: Callable[[], None] | None = None) -> None:
        """On a register file (`db`, the SQLite Repository over it), or on another
        repository (`repo`: the shared register, whose server says who the user is; `db` is
        then None). `intact`: the verdict of the file's integrity check when it runs
        alongside the command (bootstrap.open_service(check_alongside=True)): waits for it
        and raises StorageError if the file failed it."""
        from desktop import paths

        self.db = db
        self._intact = intact
        self.checklist = checklist  # the shipped default; a record follows its own checklist
        self.shipped = shipped or (checklist,)
        self.schema_path = schema_path
        self.now = now
        if repo is not None:
            self.user = repo.user
            self.repo: DecisionRepository = repo
        else:
            assert db is not None
            self.user = user or os_user()
            self.repo = Repository(db, self.user, key_dir or paths.audit_key_dir)
        self._stored_checklists: set[str] = set()
        self._example_ids: frozenset[str] | None = None

    @cached_property
    def lifecycle(self) -> LifecycleService:
        """Sign-off, amendment, follow-up and history of these records (made on first use)."""
        from desktop.application.lifecycle import LifecycleService

        return LifecycleService(self, self.repo)

    @cached_property
    def appraisals(self) -> AppraisalService:
        """The options appraisal of these records: criteria, weights, scores (made on first
        use)."""
        from desktop.application.appraisals import AppraisalService

        return AppraisalService(self)

    @cached_property
    def checklists(self) -> ChecklistService:
        """The checklists this register holds, and its default (made on first use)."""
        from desktop.application.checklists import ChecklistService

        return ChecklistService(self, self.shipped)

    def forget_file(self) -> None:
        """Drop what was cached about the file's content (its stored checklist row, its
        identity, seal and head): after a restore put another copy of the register in place."""
        self._stored_checklists.clear()
        self.repo.forget()

    # ---- helpers ------------------------------------------------------------------------
    def timestamp(self) -> str:
        return _timestamp(self.now())

    def today(self) -> str:
        return self.now().astimezone().date().isoformat()

    def write(self, fn: Callable[[], T]) -> T:
        """Run fn inside one transaction, turning SQLite failures into user messages."""
        import sqlite3

        from desktop.storage.files import describe_os_error

        try:
            try:
                with self.repo.transaction():
                    return fn()
            except BaseException:
                # a checklist stored in the transaction was rolled back with it
                self._stored_checklists.clear()
                raise
        except sqlite3.IntegrityError as exc:
            if "locked" in str(exc):
                raise Refused(f"This record is signed off and locked ({exc}).") from None
            if "UNIQUE constraint failed: sign_offs" in str(exc):
                raise Refused("That role has already signed this version.") from None
            if "UNIQUE constraint failed: checklists" in str(exc):
                raise Refused("The register already holds another definition with this "
                              "checklist id and version.") from None
            raise
        except sqlite3.OperationalError as exc:
            raise StorageError(describe_os_error(self.db_path(), exc)) from None

    def confirm_intact(self) -> None:
        """Wait for the register's integrity check if it runs alongside this command, and
        raise StorageError (the message opening would have given) if the file failed it.
        Nothing to wait for when the file was checked as it was opened."""
        if self._intact is not None:
            self._intact()

    def db_path(self) -> str:
        """The register file's path, or the shared register's URI (without a password)."""
        return self.repo.location()

    @property
    def shared(self) -> bool:
        """True on a shared register (a PostgreSQL server), False on a register file."""
        return self.db is None

    def close(self) -> None:
        self.repo.close()

    def file_db(self) -> LazyDatabase | Database:
        """The register file's database, for what only a file has (its backups); refused on
        a shared register, which IT backs up on its server (pg_dump)."""
        if self.db is None:
            raise Refused("A shared register is backed up and restored on its server, by IT "
                          "(pg_dump and pg_restore): this copies or replaces register files.")
        return self.db

    def store_checklist(self, checklist: Checklist) -> str:
        """Store a checklist definition (once; call inside write()) and give its SHA-256."""
        if checklist.sha256 not in self._stored_checklists:
            self.repo.store_checklist(checklist)
            self._stored_checklists.add(checklist.sha256)
        return checklist.sha256

    def parse_checklist(self, text: str) -> Checklist:
        """A checklist definition, validated against the schema (ChecklistError if not)."""
        return _parse_cached(text, str(self.schema_path))

    def checklist_for(self, decision: Decision) -> Checklist:
        """The checklist definition this version was answered against."""
        return self.checklist_at(decision.id, decision.version)

    def checklist_at(self, decision_id: str, version: int) -> Checklist:
        return self.parse_checklist(self.repo.checklist_definition(decision_id, version))

    # ---- reading -------------------------------------------------------------------------
    def get(self, decision_id: str, version: int | None = None) -> Decision:
        decision = self.repo.load(decision_id, version)
        if decision is None:
            what = f"version {version} of " if version else ""
            raise NotFound(f"no decision {what}{decision_id!r} on record")
        return decision

    def data_version(self) -> int | None:
        """Changes when another process commits to the register (a window watches it);
        None once the connection is closed (the app is closing)."""
        import sqlite3

        try:
            return self.repo.data_version()
        except sqlite3.ProgrammingError:  # closed
            return None

    def live_updates(self) -> RegisterWatcher | None:
        """Others' changes to a shared register as its server announces them (a window
        watches this instead of data_version); None on a register file."""
        return self.repo.watcher()

    def reconnect_in_background(self, done: Callable[[bool], object]) -> None:
        """For a window: a shared register's lost connection is made again on a thread of its
        own, never on the caller's (its event loop); a step that finds it lost fails at once
        (Unreachable), and `done(ok)` is called from that thread as each attempt ends."""
        self.repo.reconnect_in_background(done)

    def resolve_id(self, text: str) -> str:
        """A full id, or a unique prefix of one (as shown in `list`)."""
        text = text.strip()
        if self.repo.exists(text):
            return text
        if len(text) >= 4:
            rows = self.repo.ids_with_prefix(text.lower(), 2)
            if len(rows) == 1:
                return rows[0]
        raise NotFound(f"no decision {text!r} on record")

    def register(self, query: RegisterQuery, offset: int = 0, limit: int = 200) -> list[RegisterRow]:
        return self.repo.register_page(self._dated(query), offset, limit)

    def iter_register(self, query: RegisterQuery) -> Iterator[RegisterRow]:
        """Every row of the register, streamed (for `list`)."""
        return self.repo.iter_register(self._dated(query))

    @property
    def example_text(self) -> str:
        """The shipped example bundle ("Open an example" imports it)."""
        from desktop import paths

        return paths.resource("example-bundle.json").read_text(encoding="utf-8")

    @property
    def example_ids(self) -> frozenset[str]:
        """The ids of the shipped example's decisions, marked as examples wherever they show."""
        if self._example_ids is None:
            import json

            self._example_ids = frozenset(
                d["id"] for d in json.loads(self.example_text)["decisions"] if "id" in d)
        return self._example_ids

    def is_example(self, decision_id: str) -> bool:
        return decision_id in self.example_ids

    def search_matches(self, search: str, rows: Iterable[RegisterRow]) -> dict[str, str]:
        """Where a search found each register row, in words (by decision id): "title",
        "proposal", "answers: 3. Staff", "reference", "verification code"."""
        from desktop.domain.redline import principle_label

        rows = list(rows)
        versions = {r.id: r.version for r in rows}
        shown: dict[str, str] = {}
        matches = self.repo.search_matches(search, rows)
        definitions = self.repo.checklist_definitions(  # one read for every row's checklist
            (d, versions[d]) for d, m in matches.items() if "answers" in m.places)
        for decision_id, match in matches.items():
            parts = []
            for place in match.places:
                if place == "answers":
                    definition = definitions.get((decision_id, versions[decision_id]))
                    if definition is None:
                        raise KeyError(decision_id)
                    checklist = self.parse_checklist(definition)
                    place = "answers: " + ", ".join(principle_label(s, checklist)
                                                    for s in match.answer_slugs)
                parts.append(place)
            shown[decision_id] = "; ".join(parts)
        return shown

    def register_count(self, query: RegisterQuery) -> int:
        return self.repo.register_count(self._dated(query))

    def overdue_counts(self) -> tuple[int, int]:
        return self.repo.overdue_counts(self.today())

    def open_actions(self, query: ActionQuery, offset: int = 0,
                     limit: int = 200) -> list[ActionRow]:
        """Open actions across the register, overdue first (the rule of overdue_counts)."""
        return self.repo.open_actions(self._dated(query), offset, limit)

    def open_actions_count(self, query: ActionQuery) -> int:
        return self.repo.open_actions_count(self._dated(query))

    def _dated(self, query: Query) -> Query:
        return query if query.today else replace(query, today=self.today())

    # ---- creating and editing ------------------------------------------------------------
    def create(self, title: str = "Untitled decision", *, checklist: Checklist | None = None,
               **fields: Any) -> Decision:
        """A new draft, with 'Do nothing' already among the options considered, answered
        against `checklist` (default: the register's default checklist)."""
        checklist = checklist or self.checklists.default()
        stamp = self.timestamp()
        decision = answered_against(Decision(
            id=new_id(),
            title=title,
            options=(Option(name="Do nothing", status="rejected"),),
            created_at=stamp,
            updated_at=stamp,
        ), checklist)
        decision = self._validated(decision, fields)

        def write() -> Decision:
            self.store_checklist(checklist)
            self.repo.insert(decision, decision.checklist_sha256)
            return decision

        return self.write(write)

    def _validated(self, decision: Decision, changes: dict[str, Any]) -> Decision:
        allowed = {
            "title", "proposal", "reference", "reasons", "organisation", "decision_maker",
            "proposer", "meeting_date", "review_date", "key_decision", "delivery_model",
            "conflicts_of_interest", "options", *REPORT_FIELDS,
        }
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}")
        out = dict(changes)
        if "title" in out:
            title = out["title"]
            if not isinstance(title, str) or not title.strip():
                raise InvalidInput("title: enter a title")
            if len(title) > MAX_TITLE:
                raise InvalidInput(f"title: at most {MAX_TITLE} characters")
        if "reference" in out and len(out["reference"]) > MAX_REFERENCE:
            raise InvalidInput(f"reference: at most {MAX_REFERENCE} characters")
        for key in ("meeting_date", "review_date", *names("date")):
            if key in out:
                out[key] = check_date(out[key], key)
        for key in REPORT_FIELDS:
            limit = FIELDS[key].max_length
            if key in out and limit is not None and len(out[key]) > limit:
                raise InvalidInput(f"{key}: at most {limit} characters")
        if "recommendations" in out:
            # a blank one printed as a bare number: dropped (import refuses it)
            out["recommendations"] = tuple(str(r) for r in out["recommendations"]
                                           if str(r).strip())
        if "background_papers" in out:
            papers = []
            for i, x in enumerate(out["background_papers"]):
                if not isinstance(x, Document):
                    raise InvalidInput(f"background_papers[{i}]: not a document")
                papers.append(replace(x, date=check_date(x.date,
                                                         f"background_papers[{i}].date")))
            out["background_papers"] = tuple(papers)
        if "exempt_paragraph" in out and out["exempt_paragraph"] not in (None,
                                                                        *EXEMPT_PARAGRAPHS):
            raise InvalidInput(f"exempt_paragraph: {out['exempt_paragraph']!r} is not a "
                               "paragraph of Schedule 12A (1 to 7)")
        if "urgency_route" in out and out["urgency_route"] not in URGENCY_ROUTES:
            raise InvalidInput(f"urgency_route: {out['urgency_route']!r} is not known")
        if "delivery_model" in out:
            if out["delivery_model"] == "":
                out["delivery_model"] = None
            if out["delivery_model"] is not None and out["delivery_model"] not in DELIVERY_MODELS:
                raise InvalidInput(f"delivery_model: {out['delivery_model']!r} is not known")
        if "key_decision" in out:
            out["key_decision"] = bool(out["key_decision"])
        if "options" in out:
            opts = tuple(out["options"])
            for i, o in enumerate(opts):
                if o.status not in OPTION_STATUSES:
                    raise InvalidInput(f"options[{i}].status: {o.status!r} is not known")
                if o.delivery_model not in (None, *DELIVERY_MODELS):
                    raise InvalidInput(f"options[{i}].delivery_model: {o.delivery_model!r}")
            out["options"] = opts
            if decision.appraisal is not None and opts != decision.options:
                # each score follows its option to its new place; a removed option's go
                from desktop.domain.appraisal import option_renumbering, with_options_renumbered

                out["appraisal"] = with_options_renumbered(
                    decision.appraisal, option_renumbering(decision.options, opts))
        return replace(decision, **out)

    def _editable(self, decision_id: str, held: Decision | None = None) -> Decision:
        """The decision (`held`, if the caller holds it), unless its content may not change
        now (refused, saying why)."""
        decision = held if held is not None else self.get(decision_id)
        allowed(decision).require("edit")
        return decision

    def _save(self, decision: str | Decision, change: Callable[[Decision], Decision]) -> Decision:
        """Write change(the editable current version) and return the record as written.

        `decision` is an id, or the record as the caller holds it (the one its edit started
        from), which saves reading it: inside the write transaction one SELECT confirms it is
        still what is stored (its lock state included). Only if it is not is the record read
        again and checked, and only the parts the change altered are applied to it (a three-
        way merge): what another process saved meanwhile stays. A part both changed is not
        overwritten: EditConflict, after the rest is saved."""
        from desktop.domain.merge import EditConflict, merge, part_label  # not at start-up

        decision_id, held = (decision, None) if isinstance(decision, str) else (decision.id,
                                                                                decision)
        old = self._editable(decision_id, held)
        mine = _with_status(change(old))
        if mine == old:
            return old
        stamped: list[Decision] = []

        def held_write() -> Callable[[], bool]:  # stored as held: nothing to merge
            stamped.append(replace(mine, updated_at=self.timestamp()))
            return self.repo.update_if_held(old, stamped[0])

        if self.write(held_write)():
            return stamped[0]

        def write() -> tuple[Decision, tuple[str, ...]]:  # stored otherwise meanwhile
            vid = self.repo.current_version_id(old)
            conflicts: tuple[str, ...] = ()
            if vid is not None:  # stored as held: nothing to merge
                current, new = old, mine
            else:
                current = self._changed_elsewhere(old)
                merged = merge(old, mine, current)
                new, conflicts = _with_status(merged.record), merged.conflicts
            if new == current:
                return current, conflicts
            new = replace(new, updated_at=self.timestamp())
            self.repo.update(current, new, vid=vid)
            return new, conflicts

        saved, conflicts = self.write(write)
        if conflicts:
            titles = {p.slug: f"{p.number}. {p.title}"
                      for p in self.checklist_for(saved).principles}
            parts = ", ".join(part_label(c, titles) for c in conflicts)
            raise EditConflict(
                f"Changed by someone else since you opened it: {parts}. What you typed there "
                "was not saved; it is still on screen to copy.",
                saved=saved, base=old, conflicts=conflicts)
        return saved

    def _changed_elsewhere(self, held: Decision) -> Decision:
        """The stored record, read again because it is no longer as `held`: refused if it may
        not be edited now, or if it is not the version `held` is (amended or deleted)."""
        current = self.repo.load(held.id)
        if current is None:
            raise Refused(f"{held.title!r} was deleted elsewhere, so what you typed was not "
                          "saved.")
        if current.version != held.version:
            raise Refused(
                f"{held.title!r} version {held.version} was amended elsewhere: version "
                f"{current.version} is now the current one, so what you typed on version "
                f"{held.version} was not saved.")
        allowed(current).require("edit")
        return current

    def update(self, decision: str | Decision, **changes: Any) -> Decision:
        """Change decision fields (title, dates, options, ...) on an editable version.

        `decision`: its id, or the record as the caller holds it (saves reading it); a field
        given with the value it already holds there is no change, and is not written."""
        return self._save(decision, lambda old: self._validated(old, changes))

    def set_answer(self, decision: str | Decision, slug: str, answer: Answer) -> Decision:
        """Replace the answer to one section of its checklist (`decision` as for update:
        only the parts of the answer that differ from the held record's are changes)."""
        for i, a in enumerate(answer.actions):
            check_date(a.due, f"answers.{slug}.actions[{i}].due")

        def change(old: Decision) -> Decision:
            self.require_section(old, slug)
            return replace(old, answers={**old.answers, slug: answer})

        return self._save(decision, change)

    def require_section(self, decision: Decision, slug: str) -> None:
        """InvalidInput unless `slug` is a section of the decision's checklist."""
        if slug not in decision.sections:
            phrase = self.checklist_for(decision).sections_phrase
            raise InvalidInput(f"{slug!r} is not one of {phrase}")

    def duplicate(self, decision_id: str) -> Decision:
        """A new draft copying the content (not the sign-offs) of an existing decision."""
        source = self.get(decision_id)
        stamp = self.timestamp()
        title = f"Copy of {source.title}"[:MAX_TITLE]
        copy = replace(
            source,
            id=new_id(),
            title=title,
            version=1,
            status=Status.DRAFT,
            sign_offs=(),
            created_at=stamp,
            updated_at=stamp,
            amendment_reason="",
            answers={s: replace(a, actions=tuple(replace(x, done=False) for x in a.actions))
                     for s, a in source.answers.items()},
            # A copy is a new proposal: it has not been noticed, decided or published.
            forward_plan_notice_date=None, urgency_route="none", decision_date=None,
            publication_date=None,
        )
        copy = replace(copy, status=derived_status(copy))

        def write() -> Decision:  # answered against the same checklist as the original
            stored = replace(copy, code_scheme=CODE_SCHEME)
            self.repo.insert(stored, stored.checklist_sha256)
            return stored

        return self.write(write)

    def withdraw(self, decision_id: str) -> Decision:
        """Withdraw a record that has not been signed off (sign-offs may be part recorded)."""
        old = self.get(decision_id)
        allowed(old).require("withdraw")
        new = replace(old, status=Status.WITHDRAWN, updated_at=self.timestamp())

        def write() -> Decision:
            self.repo.update(old, new)
            return new

        return self.write(write)

    def delete(self, decision_id: str) -> None:
        """Delete a draft that was never signed off. Anything else is refused."""
        allowed(self.get(decision_id)).require("delete")
        self.write(lambda: self.repo.delete(decision_id, self.timestamp()))

    # ---- bundle ------------------------------------------------------------------------------
    def import_bundle(self, text: str, source: str | None = None) -> list[Decision]:
        """Add every decision in a bundle, or none of them (strict, all-or-nothing).

        `source` names the bundle (its file name) in the audit log: each imported version
        that carries sign-offs gets a sign_off.<Role> row per sign-off and one `imported` row,
        by the importing user, in the same transaction as the records."""
        from desktop.domain.collector_pause import collector_paused

        with collector_paused():  # a bundle's objects all live until the end: see the module
            decisions, checklists, coded = self._prepared(text)
            stamp = self.timestamp()

            def write() -> list[Decision]:
                for checklist in checklists:
                    self.store_checklist(checklist)
                self.repo.insert_many(decisions, None, known_codes=coded)
                self.repo.audit_many(_imported_sign_off_rows(decisions, source, stamp))
                return decisions

            return self.write(write)

    def prepare_import(self, text: str) -> list[Decision]:
        """The decisions a bundle would add, checked as import checks them; writes nothing."""
        from desktop.domain.collector_pause import collector_paused

        with collector_paused():
            return self._prepared(text)[0]

    def _prepared(self, text: str) -> tuple[list[Decision], list[Checklist],
                                            list[tuple[str, str] | None]]:
        """(the decisions a bundle would add, the checklists they are answered against, the
        codes (printed, content) of each that carried a verification code: worked out to
        check it, so not serialised again to be stored)."""
        from desktop.application.appraisals import imported_appraisal
        from desktop.export.bundle import BundleError, parse_bundle, record_to_decision

        found: dict[tuple[str, int] | None, Checklist] = {}

        def checklist_of(rec: dict[str, Any], prefix: str) -> Checklist:
            """The checklist a record names (default: the register's default); refused,
            naming the key path, if the register holds no such checklist."""
            named = rec.get("checklist")
            key = (named["id"], named["version"]) if named else None
            if key not in found:
                try:
                    found[key] = (self.checklists.find(*key) if key is not None
                                  else self.checklists.default())
                except NotFound as exc:
                    raise BundleError(f"{prefix}.checklist", str(exc)) from None
            return found[key]

        records = parse_bundle(text, checklist_of)
        # JSON can hold a NUL only so: walk then (a compiled search reads 6.7 MB of bundle in
        # about 2 ms; `in` took 5 ms for the escape). A NUL written as itself is never looked
        # for: strict JSON refuses every control character in a string, and anywhere else it
        # is not JSON at all, so parse_bundle has refused it already.
        if _NUL_ESCAPE.search(text):
            for i, rec in enumerate(records):
                _refuse_nul(rec, f"decisions[{i}]")
        decisions: list[Decision] = []
        coded: list[tuple[str, str] | None] = []
        stamp = self.timestamp()
        taken = self.repo.existing_ids([rec["id"] for rec in records])  # one query
        for i, rec in enumerate(records):
            prefix = f"decisions[{i}]"
            if rec["id"] in taken:
                raise BundleError(f"{prefix}.id", f"a decision with id {rec['id']} already exists")
            checklist = checklist_of(rec, prefix)
            d = record_to_decision(rec, **answered_fields(checklist),
                                   created_at=rec.get("created_at") or stamp,
                                   updated_at=rec.get("updated_at") or stamp)
            for field, message in date_order_problems(d).items():
                raise BundleError(f"{prefix}.{field}", message)
            for n, text in enumerate(d.recommendations):
                if not text.strip():
                    raise BundleError(f"{prefix}.recommendations[{n}]",
                                      "is blank: leave a blank recommendation out")
            d = imported_appraisal(d, rec, prefix, checklist, stamp, self.user)
            _refuse_contradicting_status(rec.get("status"), d, prefix, checklist)
            follows_completeness = rec.get("status") in (None, "draft", "ready")
            # draft/ready follow completeness (d is draft or ready here, never locked)
            if follows_completeness and (status := derived_status(d)) != d.status:
                d = replaced(d, status=status)
            if not follows_completeness and d.status == Status.SIGNED_OFF:
                if not sections_complete(d):
                    raise BundleError(f"{prefix}.status", "signed-off but not all "
                                      f"{checklist.sections_phrase.removeprefix('the ')} are "
                                      "complete")
                if gaps := appraisal_gaps(d):
                    raise BundleError(f"{prefix}.appraisal", "signed-off but the options "
                                      f"appraisal is not complete: {gaps[0]}")
                missing = checklist.unsigned_roles(s.role for s in d.sign_offs)
                if missing:
                    raise BundleError(f"{prefix}.sign_offs", f"signed-off but no sign-off by {', '.join(missing)}")
            d = self._imported_sign_offs(d, prefix, checklist)
            known = None
            if rec.get("verification_code") is not None:
                d, known = self._with_code_scheme(d, rec["verification_code"], prefix)
            decisions.append(d)
            coded.append(known)
        return decisions, list({c.sha256: c for c in found.values()}.values()), coded

    @staticmethod
    def _with_code_scheme(d: Decision, code: str, prefix: str
                          ) -> tuple[Decision, tuple[str, str]]:
        """The decision under the code scheme that gives the bundle's code (a record made
        before scheme 2 keeps its code), and its codes (printed, content); refused if no
        scheme gives it."""
        from desktop.domain.record import codes
        from desktop.export.bundle import BundleError

        for scheme in (CODE_SCHEME, 1):
            candidate = replaced(d, code_scheme=scheme)
            found = codes(candidate)
            if found[0] == code:
                return candidate, found
        raise BundleError(f"{prefix}.verification_code",
                          "does not match the content (the record was changed after export)")

    def _imported_sign_offs(self, d: Decision, prefix: str, checklist: Checklist) -> Decision:
        """Check a bundle's sign-offs as the sign-off command would (the schema has checked the
        lengths of names and minutes), and name each role as the checklist does. A ready
        record that every required role has signed is signed off, as it would have been in
        the app; an incomplete one cannot carry sign-offs."""
        from desktop.export.bundle import BundleError

        if not d.sign_offs:
            return d
        if d.status == Status.WITHDRAWN:
            raise BundleError(f"{prefix}.sign_offs", "a withdrawn record cannot carry sign-offs")
        named = []
        today = self.today()
        for j, s in enumerate(d.sign_offs):
            path = f"{prefix}.sign_offs[{j}]"
            fault = sign_off_date_fault(s.date, today)  # an ISO date (checked by parse_bundle)
            if fault == "future":
                raise BundleError(f"{path}.date", f"{s.date} is in the future")
            if fault == "too early":
                raise BundleError(f"{path}.date", f"{s.date} is before {EARLIEST_SIGN_OFF_WORDS}, "
                                  "the earliest date a sign-off can carry")
            if not has_visible_character(s.name):
                raise BundleError(f"{path}.name", "has no visible character: give the name "
                                  "of the person who signed")
            role = checklist.role(s.role)
            if role is None:
                roles = ", ".join(r.name for r in checklist.sign_off_roles)
                raise BundleError(f"{path}.role", f"{s.role!r} is not a sign-off role ({roles})")
            if any(role_key(o.role) == role_key(s.role) for o in d.sign_offs[:j]):
                raise BundleError(f"{path}.role",
                                  f"{s.role!r} appears twice; each role signs once")
            named.append(replace(s, role=role.name))
        d = replaced(d, sign_offs=tuple(named))
        if d.status == Status.DRAFT:
            raise BundleError(f"{prefix}.sign_offs",
                              "sign-offs are recorded on a record that is not complete")
        if d.status == Status.READY and not checklist.unsigned_roles(s.role for s in d.sign_offs):
            d = replaced(d, status=Status.SIGNED_OFF)
        return d

    def export_bundle(self, decision_ids: list[str] | None = None) -> str:
        """A bundle of the given (default: all) decisions' current versions."""
        return "".join(self.export_bundle_pieces(decision_ids))

    def export_bundle_pieces(self, decision_ids: list[str] | None = None) -> Iterator[str]:
        """export_bundle's text in pieces, one decision read at a time (export/bundle.py
        bundle_pieces): the memory it needs does not grow with the register. Every id is
        resolved first, so an unknown one is refused before any text is given."""
        from desktop.export.bundle import bundle_pieces

        ids = decision_ids if decision_ids else self.repo.all_ids()
        # Each decision once, however often (or by whatever prefix) it was named: a bundle
        # with one id twice would be refused on import.
        unique = list(dict.fromkeys(self.resolve_id(i) for i in ids))
        return bundle_pieces((self.get(i) for i in unique), self.call_in_days_for)

    # ---- the decision timeline -----------------------------------------------------------
    def call_in_days(self) -> int:
        """The council's call-in period, in working days after publication."""
        return self.repo.call_in_days()

    def call_in_days_for(self, decision: Decision) -> int:
        """A version's call-in period: a signed-off one's was fixed when it was signed off
        (its printed dates do not move if the council's period changes), else the
        council's."""
        if decision.status == Status.SIGNED_OFF:
            return self.repo.call_in_days_for(decision.id, decision.version)
        return self.repo.call_in_days()

    def timeline(self, decision: Decision) -> Timeline:
        """The decision's timeline, with its call-in period (`call_in_days_for`)."""
        return decision_timeline(decision, self.call_in_days_for(decision))

    def set_call_in_days(self, days: int) -> None:
        """Set the call-in period (1 to 30 working days; audited) and rework every timeline
        but a signed-off one's."""
        if type(days) is not int or not 1 <= days <= MAX_CALL_IN_DAYS:
            raise InvalidInput(f"call-in period: {days!r} is not a number of working days "
                               f"from 1 to {MAX_CALL_IN_DAYS}")
        old = self.repo.call_in_days()
        stamp = self.timestamp()

        def write() -> None:
            self.repo.set_call_in_days(days)
            self.repo.audit("", 0, [("call_in_days", str(old), str(days))], stamp)

        self.write(write)


def answered_fields(checklist: Checklist) -> dict[str, Any]:
    """What a decision answered against this checklist holds of it: its id, version, hash
    and sections."""
    return {"checklist_id": checklist.id, "checklist_version": checklist.version,
            "checklist_sha256": checklist.sha256, "sections": checklist.slugs}


def answered_against(decision: Decision, checklist: Checklist) -> Decision:
    """The decision as answered against this checklist (its id, version, hash and sections)."""
    return replace(decision, **answered_fields(checklist))


def _with_status(decision: Decision) -> Decision:
    """The decision with the status its content gives it (draft or ready)."""
    status = derived_status(decision)
    return decision if status == decision.status else replace(decision, status=status)


def _refuse_contradicting_status(given: str | None, d: Decision, prefix: str,
                                 checklist: Checklist) -> None:
    """Refuse a record whose status and sign-offs contradict each other, naming it: a draft
    carries no sign-offs (they were of another version, or of none), and a record every
    required role has signed is signed off, never still ready (the last required sign-off
    locks it: Checklist.unsigned_roles). A record without a status takes the one its content
    and sign-offs give it; signed-off with a required role unsigned is refused after this."""
    from desktop.export.bundle import BundleError

    if not d.sign_offs:
        return
    roles = ", ".join(s.role for s in d.sign_offs)
    if given == "draft":
        raise BundleError(f"{prefix}.status", f"{d.title!r} is a draft, but it carries sign-offs "
                          f"by {roles}: a draft has none, so its status and sign_offs disagree")
    if given == "ready" and not checklist.unsigned_roles(s.role for s in d.sign_offs):
        raise BundleError(f"{prefix}.status", f"{d.title!r} is ready for sign-off, but every "
                          f"required role has signed ({roles}): the last required sign-off "
                          "signs a record off, so its status and sign_offs disagree")


_NUL_ESCAPE = re.compile(r"\\u0000")


def _refuse_nul(value: object, path: str) -> None:
    """A NUL in any text of a bundle is refused, naming its key path: no title, name or
    answer has one, and SQLite, C libraries and terminals cut text short at it."""
    from desktop.export.bundle import BundleError

    if isinstance(value, str):
        if "\x00" in value:
            raise BundleError(path, "contains a NUL character (\\u0000), which no text may hold")
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise BundleError(path, "has a key containing a NUL character (\\u0000)")
            _refuse_nul(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _refuse_nul(item, f"{path}[{n}]")


def _imported_sign_off_rows(decisions: list[Decision], source: str | None, at: str,
                            ) -> Iterator[tuple[str, int, list[tuple[str, None, str]], str]]:
    """The audit rows saying which sign-offs (and an appraisal's weight lock and changes)
    arrived in a bundle, and from which file."""
    from desktop.application.appraisals import imported_audit_rows
    from desktop.domain.record import sign_off_text  # as the sign-off command writes it

    for d in decisions:
        changes = [(f"sign_off.{s.role}", None, sign_off_text(s)) for s in d.sign_offs]
        changes += imported_audit_rows(d)
        if changes:
            changes.append(("imported", None, source or "(a bundle without a file name)"))
            yield d.id, d.version, changes, at


@lru_cache(maxsize=8)
def _parse_cached(text: str, schema_path: str) -> Checklist:
    from pathlib import Path

    return parse_checklist(text, Path(schema_path))
