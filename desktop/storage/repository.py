"""Rows <-> dataclasses. Every public write runs inside one db.atomic() transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.checklist import Checklist
from desktop.domain.decision import (
    RATING_VALUE,
    Action,
    Answer,
    Decision,
    Document,
    Option,
    Rating,
    SignOff,
    Status,
)
from desktop.domain.frozen import frozen
from desktop.domain.queries import RegisterQuery, RegisterRow
from desktop.domain.record import (
    documents_from_record,
    documents_to_record,
    field_changes,
    section_slugs,
)
from desktop.domain.timeline import CALL_IN_DAYS, Timeline, call_in_period, decision_timeline
from desktop.storage import register_sql
from desktop.storage.appraisal_store import (
    delete_appraisal,
    insert_appraisals,
    load_appraisal,
    write_appraisal,
)
from desktop.storage.file_identity import copy_of, current_file_id, file_path, new_file_id
from desktop.storage.lifecycle_store import LifecycleTables
from desktop.storage.multi_row_insert import insert_rows
from desktop.storage.register_sql import SORT_COLUMNS as SORT_COLUMNS
from desktop.storage.seal import AuditSeal, Head
from desktop.storage.search_words import like_escaped
from desktop.storage.search_words import search_tokens as search_tokens
from desktop.storage.worked_out import WorkedOut
from desktop.storage.worked_out import search_document as search_document

if TYPE_CHECKING:  # sqlite-utils is imported when first needed
    from sqlite_utils import Database

    from desktop.domain.action_queries import ActionQuery, ActionRow
    from desktop.domain.audit_entries import AuditEntry
    from desktop.domain.search_matches import SearchMatch
    from desktop.storage.connection import LazyDatabase

_VERSION_COLUMNS = (
    "title",
    "proposal",
    "reference",
    "reasons",
    "organisation",
    "decision_maker",
    "proposer",
    "meeting_date",
    "review_date",
    "key_decision",
    "delivery_model",
    "conflicts_of_interest",
    "amendment_reason",
    # The committee report (m007); recommendations are written as a JSON list.
    "report_of",
    "contact_officer",
    "wards_affected",
    "exempt_paragraph",
    "exempt_parts",
    "financial_implications",
    "financial_officer",
    "legal_implications",
    "legal_officer",
    "equalities_implications",
    "equalities_officer",
    "forward_plan_notice_date",
    "urgency_route",
    "decision_date",
    "publication_date",
)
GENESIS_HASH = "0" * 64
_AUDIT_SELECT = ("SELECT id, at, user, decision_id, version, field, old_value, new_value, "
                 "prev_hash, hash FROM audit_log")

_TIMELINE_INSERT = ("INSERT INTO version_timeline (version_id, publication_date, decision_date, "
                    "call_in_end, implementable_from, challenge_end, short_notice) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)")


# json.dumps with options builds a new encoder each call: one each, made once (same output).
_TEXT_JSON = json.JSONEncoder(ensure_ascii=False)
_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json_list(items: tuple[str, ...]) -> str:
    # most records have none: "[]" without an encoder made for it (2 µs a call)
    return _TEXT_JSON.encode(list(items)) if items else "[]"


def _json_documents(documents: tuple[Document, ...]) -> str:
    """The report's background papers as the column holds them (m012): the bundle's list."""
    return _TEXT_JSON.encode(documents_to_record(documents)) if documents else "[]"


def _timeline_inputs(d: Decision) -> tuple[object, ...]:
    return (d.key_decision, d.forward_plan_notice_date, d.urgency_route, d.decision_date,
            d.meeting_date, d.publication_date)


def _has_dates(d: Decision) -> bool:
    return any(x is not None for x in (d.publication_date, d.decision_date, d.meeting_date))


def timeline_row(d: Decision, call_in_days: int) -> tuple[object, ...] | None:
    """The version_timeline row (after version_id) a version should have with this call-in
    period; None when it has no dates to work from (it has no row)."""
    return _timeline_row(decision_timeline(d, call_in_days)) if _has_dates(d) else None


def _timeline_row(t: Timeline) -> tuple[object, ...]:
    """version_timeline's columns after version_id, as the register's filters read them."""
    dates = t.iso()
    return (t.publication_date.isoformat() if t.publication_date else None,
            t.decision_date.isoformat() if t.decision_date else None,
            dates["call_in_end"], dates["implementable_from"], dates["challenge_end"],
            int(bool(t.notice_warning)))


def audit_hash(prev_hash: str, at: str, user: str, decision_id: str, version: int, field: str,
               old_value: str | None, new_value: str | None) -> str:
    """The chained hash of one audit row: SHA-256 of the row as compact JSON (json's bytes,
    ensure_ascii=False). orjson writes the same bytes for a list of text, None and an integer
    (20 times faster than json's encoder, which is made anew each call); anything else, and
    what orjson refuses (a lone surrogate), is json's to write, or to refuse, as before."""
    import hashlib  # OpenSSL: not before the window's first paint (desktop/app.py)

    import orjson

    row = [prev_hash, at, user, decision_id, version, field, old_value, new_value]
    if (type(version) is int and (old_value is None or type(old_value) is str)
            and (new_value is None or type(new_value) is str)):
        try:
            return hashlib.sha256(orjson.dumps(row)).hexdigest()
        except orjson.JSONEncodeError:
            pass
    return hashlib.sha256(_AUDIT_JSON.encode(row).encode("utf-8")).hexdigest()


def fts_query(text: str) -> str:
    """Each word typed as a quoted FTS5 prefix term, so no input is a syntax error.

    Prefix matching lets search-as-you-type find "library" while the user has typed "libr".
    """
    # sqlite-utils' quote_fts turns a lone '"' into an empty query, which FTS5 rejects.
    return " ".join('"' + word.replace('"', '""') + '"*' for word in text.split())


def _title_fts_query(text: str) -> str:
    """fts_query of `text` in the titles only."""
    return "{title} : (" + fts_query(text) + ")"


# The register's SQL on a register file (desktop/storage/register_sql.py). The unary + keeps
# SQLite walking the sort order's index and testing each row against the list of matches,
# instead of fetching every match's (large) row and sorting them: 35 ms -> 1 ms for a common
# word on 10,000 decisions.
_MATCHED = "+v.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
SQLITE = register_sql.Dialect(
    mark="?", text_order="{} COLLATE NOCASE", binary="{}", like="LIKE", false="0",
    arrays=False, no_limit=-1, words=fts_query, text_match=_MATCHED,
    title_words=_title_fts_query, title_match=_MATCHED,
    listed_reference=("+v.id IN (SELECT id FROM versions INDEXED BY "
                      "idx_versions_current_reference WHERE is_current = 1 AND "
                      "reference LIKE ? ESCAPE '\\')"),
    searched_source="versions v INDEXED BY idx_versions_current_reference")


def answered_as(decisions: Iterable[Decision], checklist_sha: str | None,
                known_codes: Iterable[tuple[str, str] | None] | None,
                ) -> tuple[list[Decision], list[tuple[str, str] | None]]:
    """The decisions to insert, each answered against `checklist_sha` (None: as it is), and
    the codes given for each (None where none was given, or where the checklist changed,
    which changes the codes)."""
    decisions = list(decisions)
    given = [None] * len(decisions) if known_codes is None else list(known_codes)
    out: list[Decision] = []
    known: list[tuple[str, str] | None] = []
    for d, c in zip(decisions, given, strict=True):
        if checklist_sha is not None and d.checklist_sha256 != checklist_sha:
            d, c = replace(d, checklist_sha256=checklist_sha), None
        out.append(d)
        known.append(c)
    return out, known


def _content_columns(d: Decision) -> dict[str, Any]:
    """The versions columns a version's content and status fill (not its codes)."""
    values = {c: getattr(d, c) for c in _VERSION_COLUMNS}
    values["key_decision"] = int(d.key_decision)
    values["recommendations"] = _json_list(d.recommendations)
    values["background_papers"] = _json_documents(d.background_papers)
    values["status"] = d.status.value
    return values


class Repository(LifecycleTables):
    """Reads and writes decision records in a sqlite-utils Database.

    The SQLite implementation of `desktop.storage.interface.DecisionRepository`.
    """

    def __init__(self, db: LazyDatabase | Database, user: str, key_dir: Path | Callable[[], Path] | None = None) -> None:
        self.db = db
        self.user = user
        # where the audit seal's key and head live (a function: found when first needed, so
        # start-up does not pay for finding the user's folders); None: no seal
        self._key_dir = key_dir
        self._seal: AuditSeal | None = None
        self._head: tuple[int, str] | None = None  # newest row appended, until committed
        self._written: tuple[int, str] | None = None  # the head this process last recorded
        self._identity_lost = False  # set when a write had to give the register a new id
        self._file_path: tuple[str | None] | None = None  # file_path(), once worked out
        self._sections: dict[str, tuple[str, ...]] = {}  # checklist sha256 -> its slugs
        self._worked = WorkedOut()  # an autosave's record: the one the save before it wrote

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE; a savepoint when nested).

        When the outermost one commits rows to the audit log, the seal's head is moved on.
        """
        outer = not self.db.conn.in_transaction
        try:
            with self.db.atomic():
                yield
        except BaseException:
            if outer:
                self._head = None
            raise
        if outer and self._head is not None:
            head, self._head = self._head, None
            seal = self.seal()
            if seal is not None:
                seal.write_head(*head, path=self.file_path())
                self._written = head

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """The reads inside see one moment of the file, however another program writes it
        meanwhile: the seal's head is read first (a writer records it after each commit, so
        one read before the snapshot never runs ahead of it; one read later may, which would
        look like rows removed), then one read transaction is held. Inside a transaction
        already: that is the snapshot."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        seal = self.seal(for_writing=False)
        if seal is not None:
            seal.pin_head()
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT count(*) FROM audit_log").fetchone()  # taken now, not later
            yield
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if seal is not None:
                seal.unpin_head()

    def close(self) -> None:
        self.db.close()

    def location(self) -> str:
        """The register file's path."""
        row = self.db.execute("PRAGMA database_list").fetchone()
        path: str = row[2] if row else "the database"
        return path

    def file_path(self) -> str | None:
        """The file as the seal's head records it (storage/file_identity.py); None in memory."""
        if self._file_path is None:
            row = self.db.execute("PRAGMA database_list").fetchone()
            self._file_path = (file_path(row[2] if row else ""),)
        return self._file_path[0]

    def taken_as(self, path: Path) -> None:
        """Write as the file at `path`: a restore's staged copy, which is put there."""
        self._file_path = (file_path(str(path)),)

    def _copy_of(self, seal: AuditSeal) -> str | None:
        """The file this one is a copy of, whose head the seal's is (file_identity.copy_of)."""
        head = seal.head()
        return copy_of(self.file_path(), head.path if head else None, seal.register_id,
                       seal.file_id)

    def _made_its_own(self, seal: AuditSeal) -> AuditSeal:
        """Give a copy of a register file an identity and head of its own, in the write
        transaction now open (its first write): it no longer moves the original's head."""
        assert self.key_dir is not None  # a seal was found there
        self._seal = AuditSeal(self.key_dir, seal.register_id, new_file_id(self.db.conn))
        return self._seal

    # ---- the register's identity and seal -------------------------------------------------
    @property
    def key_dir(self) -> Path | None:
        if callable(self._key_dir):
            self._key_dir = self._key_dir()
        return self._key_dir

    def forget(self) -> None:
        """Drop what was cached about the file (its seal, the head last written): after a
        restore put other content in place."""
        self._seal = None
        self._written = None
        self._head = None

    def _meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM register_meta WHERE key = ?",
                                  [key]).fetchone()
        except sqlite3.OperationalError:  # no such table: altered outside the app
            return None
        return row[0] if row else None

    def register_id(self) -> str | None:
        return self._meta("register_id")

    def sealed_from(self) -> int:
        """The first audit row that must carry a seal (1 if the record of it is missing:
        then every row must)."""
        value = self._meta("sealed_from")
        try:
            return int(value) if value is not None else 1
        except ValueError:
            return 1

    def seal(self, *, for_writing: bool = True) -> AuditSeal | None:
        """The audit seal of this register, or None when sealing is off (no key folder), or
        when only reading a register that has no identity.

        A register whose identity was removed is given a new one on its next write, and that
        write records the loss in the chain (the old key, and so the old rows' seals, can no
        longer be found)."""
        if self._seal is None and self.key_dir is not None:
            register_id = self.register_id()
            if register_id is None and not for_writing:
                return None
            if register_id is None:
                import uuid

                register_id = str(uuid.uuid4())
                self._identity_lost = self.db.execute(
                    "SELECT count(*) FROM audit_log").fetchone()[0] > 0
                self.db.execute(
                    "INSERT INTO register_meta (key, value) VALUES ('register_id', ?)",
                    [register_id])
            self._seal = AuditSeal(self.key_dir, register_id, current_file_id(self.db.conn))
        return self._seal

    # ---- checklists -------------------------------------------------------------------
    def lock_checklist_id(self, checklist_id: str) -> None:
        """Nothing to do: a write transaction on a register file (BEGIN IMMEDIATE) already
        keeps every other writer out, so two imports of one id queue."""

    def store_checklist(self, checklist: Checklist) -> str:
        sha = checklist.sha256
        self.db.execute(
            "INSERT OR IGNORE INTO checklists (sha256, checklist_id, version, definition) "
            "VALUES (?, ?, ?, ?)",
            [sha, checklist.id, checklist.version, checklist.raw_json],
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO checklist_sections (sha256, position, slug, kind) "
            "VALUES (?, ?, ?, ?)",
            [(sha, i, p.slug, p.kind) for i, p in enumerate(checklist.principles)],
        )
        return sha

    def stored_checklists(self) -> list[tuple[str, str, int, str]]:
        """(sha256, id, version, definition) of every checklist the register holds, in the
        order they were stored."""
        return [(r[0], r[1], r[2], r[3]) for r in self.db.execute(
            "SELECT sha256, checklist_id, version, definition FROM checklists ORDER BY rowid")]

    def setting(self, key: str) -> str | None:
        """A register-wide setting (such as the default checklist), or None."""
        row = self.db.execute("SELECT value FROM register_settings WHERE key = ?",
                              [key]).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO register_settings (key, value) VALUES (?, ?)",
                        [key, value])

    def call_in_days(self) -> int:
        """The council's call-in period in working days (register_settings 'call_in_days')."""
        value = self.setting("call_in_days")
        days = call_in_period(value)
        return CALL_IN_DAYS if days is None else days

    def locked_call_in_days(self) -> dict[tuple[str, int], int]:
        """(decision id, version) -> the call-in period fixed when it was signed off (its
        audit row 'call_in_days'): a signed-off record keeps the dates it printed with when
        the council's period changes later. Versions signed off before that row was kept
        are not here (they follow the register's period)."""
        out: dict[tuple[str, int], int] = {}
        for did, version, value in self.db.execute(
                "SELECT decision_id, version, new_value FROM audit_log WHERE field = "
                "'call_in_days' AND decision_id != '' ORDER BY id"):
            days = call_in_period(value)
            if days is not None:
                out[(did, version)] = days
        return out

    def call_in_days_for(self, decision_id: str, version: int) -> int:
        """The call-in period of one version: fixed at its sign-off, else the register's."""
        row = self.db.execute(
            "SELECT new_value FROM audit_log WHERE decision_id = ? AND version = ? AND "
            "field = 'call_in_days' ORDER BY id DESC LIMIT 1", [decision_id, version]).fetchone()
        days = call_in_period(row[0]) if row else None
        return self.call_in_days() if days is None else days

    def set_call_in_days(self, days: int) -> int:
        """Set the call-in period and work out again every version's timeline (their dates
        are derived, outside the locked rows) but a signed-off one's, which keeps the period
        fixed at its sign-off; returns how many were rewritten."""
        self.set_setting("call_in_days", str(days))
        locked = self.locked_call_in_days()
        rows = self.db.execute(
            "SELECT id, key_decision, forward_plan_notice_date, urgency_route, decision_date, "
            "meeting_date, publication_date, decision_id, version FROM versions "
            "WHERE publication_date IS NOT NULL "
            "OR decision_date IS NOT NULL OR meeting_date IS NOT NULL").fetchall()
        self.db.execute("DELETE FROM version_timeline")
        self.db.conn.executemany(_TIMELINE_INSERT, [
            (r[0], *_timeline_row(decision_timeline(Decision(
                id="", title="", key_decision=bool(r[1]), forward_plan_notice_date=r[2],
                urgency_route=r[3], decision_date=r[4], meeting_date=r[5],
                publication_date=r[6]), locked.get((r[7], r[8]), days))))
            for r in rows])
        return len(rows)

    def _write_timeline(self, vid: int, decision: Decision) -> None:
        if _has_dates(decision):
            row = _timeline_row(decision_timeline(decision, self.call_in_days()))
            self.db.execute(_TIMELINE_INSERT.replace("INSERT", "INSERT OR REPLACE", 1),
                            [vid, *row])
        else:
            self.db.execute("DELETE FROM version_timeline WHERE version_id = ?", [vid])

    def section_slugs(self, sha256: str) -> tuple[str, ...]:
        """The section slugs of a stored checklist, in order, read from its (locked)
        definition: the record's completeness follows them."""
        slugs = self._sections.get(sha256)
        if slugs is None:
            row = self.db.execute("SELECT definition FROM checklists WHERE sha256 = ?",
                                  [sha256]).fetchone()
            try:
                slugs = tuple(p["slug"] for p in json.loads(row[0])["principles"]) if row else ()
            except (ValueError, KeyError, TypeError):  # altered outside the app
                slugs = ()
            self._sections[sha256] = slugs
        return slugs

    def section_counts(self) -> dict[str, int]:
        """Checklist sha256 -> how many sections it has."""
        return dict(self.db.execute(
            "SELECT sha256, count(*) FROM checklist_sections GROUP BY sha256").fetchall())

    def checklist_use_counts(self) -> dict[str, int]:
        """Checklist sha256 -> how many decisions have a version answered against it."""
        return dict(self.db.execute(
            "SELECT checklist_sha256, count(DISTINCT decision_id) FROM versions "
            "GROUP BY checklist_sha256").fetchall())

    def checklist_definition(self, decision_id: str, version: int) -> str:
        row = self.db.execute(
            "SELECT c.definition FROM versions v JOIN checklists c ON c.sha256 = v.checklist_sha256 "
            "WHERE v.decision_id = ? AND v.version = ?",
            [decision_id, version],
        ).fetchone()
        if row is None:
            raise KeyError(decision_id)
        definition: str = row[0]
        return definition

    def checklist_definitions(self, versions: Iterable[tuple[str, int]]
                              ) -> dict[tuple[str, int], str]:
        """(decision id, version) -> its checklist's definition, for each one on record."""
        out = {}
        for decision_id, version in dict.fromkeys(versions):
            try:
                out[(decision_id, version)] = self.checklist_definition(decision_id, version)
            except KeyError:
                continue
        return out

    # ---- reading ----------------------------------------------------------------------
    def exists(self, decision_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM decisions WHERE id = ?", [decision_id]).fetchone()
            is not None
        )

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these decision ids are already in the register (a few queries for any
        number: an import of 1,000 asked 1,000 times)."""
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update(r[0] for r in self.db.execute(
                f"SELECT id FROM decisions WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def versions_of(self, decision_id: str) -> list[tuple[int, str]]:
        """(version, status) of every version, oldest first."""
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT version, status FROM versions WHERE decision_id = ? ORDER BY version",
                [decision_id],
            )
        ]

    def _version_row(self, decision_id: str, version: int | None) -> dict[str, Any] | None:
        if version is None:
            sql = "SELECT * FROM versions WHERE decision_id = ? AND is_current = 1"
            params: list[Any] = [decision_id]
        else:
            sql = "SELECT * FROM versions WHERE decision_id = ? AND version = ?"
            params = [decision_id, version]
        cur = self.db.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def load(self, decision_id: str, version: int | None = None) -> Decision | None:
        """The given version (default: current) of a decision, or None."""
        row = self._version_row(decision_id, version)
        if row is None:
            return None
        vid = row["id"]
        checklist = self.db.execute(
            "SELECT checklist_id, version FROM checklists WHERE sha256 = ?",
            [row["checklist_sha256"]],
        ).fetchone()
        actions: dict[str, list[Action]] = {}
        for slug, text, owner, due, done in self.db.execute(
            "SELECT a.slug, a.action, a.owner, a.due, p.done_at IS NOT NULL FROM actions a "
            "LEFT JOIN action_progress p ON p.version_id = a.version_id AND p.slug = a.slug "
            "AND p.position = a.position WHERE a.version_id = ? ORDER BY a.slug, a.position",
            [vid],
        ):
            actions.setdefault(slug, []).append(Action(text, owner, due, bool(done)))
        documents: dict[str, list[Document]] = {}
        for slug, title, date, held_at in self.db.execute(
            "SELECT slug, title, date, held_at FROM documents WHERE version_id = ? "
            "ORDER BY slug, position", [vid],
        ):
            documents.setdefault(slug, []).append(Document(title, date, held_at))
        answers = {}
        for slug, rating, response, evidence in self.db.execute(
            "SELECT slug, rating, response, evidence FROM answers WHERE version_id = ?", [vid]
        ):
            answers[slug] = Answer(
                rating=Rating(rating) if rating else None,
                response=response,
                evidence=evidence,
                actions=tuple(actions.pop(slug, ())),
                documents=tuple(documents.pop(slug, ())),
            )
        for slug, acts in actions.items():  # actions without an answer row
            answers[slug] = Answer(actions=tuple(acts))
        options = tuple(
            Option(name=n, status=s, delivery_model=m, reason=r)
            for n, s, m, r in self.db.execute(
                "SELECT name, status, delivery_model, reason FROM options WHERE version_id = ? "
                "ORDER BY position",
                [vid],
            )
        )
        sign_offs = tuple(
            SignOff(role=r, name=n, date=d, minute_reference=m, comment=c)
            for r, n, d, m, c in self.db.execute(
                "SELECT role, name, date, minute_reference, comment FROM sign_offs "
                "WHERE version_id = ? ORDER BY rowid",
                [vid],
            )
        )
        return Decision(
            id=row["decision_id"],
            title=row["title"],
            proposal=row["proposal"],
            reference=row["reference"],
            reasons=row["reasons"],
            organisation=row["organisation"],
            decision_maker=row["decision_maker"],
            proposer=row["proposer"],
            meeting_date=row["meeting_date"],
            review_date=row["review_date"],
            key_decision=bool(row["key_decision"]),
            delivery_model=row["delivery_model"],
            options=options,
            conflicts_of_interest=row["conflicts_of_interest"],
            answers=answers,
            version=row["version"],
            status=Status(row["status"]),
            checklist_id=checklist[0] if checklist else "",
            checklist_version=checklist[1] if checklist else 0,
            sign_offs=sign_offs,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            amendment_reason=row["amendment_reason"],
            checklist_sha256=row["checklist_sha256"],
            code_scheme=row["code_scheme"],
            sections=self.section_slugs(row["checklist_sha256"]),
            recommendations=tuple(json.loads(row["recommendations"])),
            background_papers=documents_from_record(json.loads(row["background_papers"])),
            **{c: row[c] for c in _VERSION_COLUMNS[_VERSION_COLUMNS.index("report_of"):]},
            appraisal=load_appraisal(self.db.conn, vid),
        )

    def register_count(self, q: RegisterQuery) -> int:
        # Counting matches over the partial index of current versions' references, not their
        # rows: it holds what the reference test reads (38 -> 30 ms for a common word on
        # 100,000 decisions, 47 -> 12 ms for a word found nowhere).
        where, params = register_sql.where(SQLITE, q)
        count: int = self.db.execute(*register_sql.count(
            SQLITE, where, params, searched=bool(q.search.strip()))).fetchone()[0]
        return count

    def register_page(self, q: RegisterQuery, offset: int = 0, limit: int = 200) -> list[RegisterRow]:
        """One page of the register, filtered and sorted in SQL."""
        return list(self._register_rows(q, offset, limit))

    def iter_register(self, q: RegisterQuery) -> Iterator[RegisterRow]:
        """The whole register, one row at a time (memory does not grow with the register)."""
        return self._register_rows(q, 0, -1)

    def _register_rows(self, q: RegisterQuery, offset: int, limit: int) -> Iterator[RegisterRow]:
        title = register_sql.title_test(SQLITE, q)
        if title is None:
            yield from self._sorted_rows(*register_sql.where(SQLITE, q), q, offset, limit)
            return
        # Ranked: the decisions whose title has every word come first, then the rest, each
        # part in the chosen sort (two queries, so each still walks its sort index).
        titled, title_words = title
        # A title match is a match: the first part needs only the filters and the title test,
        # not the list of every match (14 -> 4 ms for a common word on 100,000 decisions).
        filtered, filter_params = register_sql.where(SQLITE, q, search=False)
        taken = 0
        for row in self._sorted_rows(f"{filtered} AND {titled}", [*filter_params, title_words],
                                     q, offset, limit):
            taken += 1
            yield row
        if 0 <= limit <= taken:
            return
        if taken:
            rest_offset = 0
        else:  # the page starts past the title matches: how many there are says where
            rest_offset = offset - (self.db.execute(*register_sql.count(
                SQLITE, f"{filtered} AND {titled}", [*filter_params, title_words],
            )).fetchone()[0] if offset else 0)
        # The rest walks the sort index past every title match (all of it for a rare word);
        # a row's reference is tested against a list read from their (covering) index, so it
        # is not read from its (large) row.
        where, params = register_sql.where(SQLITE, q, listed_references=True)
        yield from self._sorted_rows(f"{where} AND NOT {titled}", [*params, title_words], q,
                                     max(0, rest_offset), limit - taken if limit >= 0 else -1)

    def _sorted_rows(self, where: str, params: list[Any], q: RegisterQuery, offset: int,
                     limit: int) -> Iterator[RegisterRow]:
        return register_sql.register_rows(
            self.db.execute(*register_sql.rows(SQLITE, where, params, q, offset, limit)),
            self.section_counts())

    def search_matches(self, search: str, rows: Iterable[RegisterRow]) -> dict[str, SearchMatch]:
        """Where `search` found each of these register rows (by decision id), read from the
        rows' own text: a page of the register at a time, only while searching."""
        return register_sql.search_matches(SQLITE, self.db.execute, search, rows)

    def overdue_counts(self, today: str) -> tuple[int, int]:
        """(overdue reviews, overdue open actions) across current versions."""
        reviews, actions = self.db.execute(*register_sql.overdue_counts(SQLITE, today)).fetchone()
        return reviews, actions

    def open_actions_count(self, q: ActionQuery) -> int:
        """How many open actions match (the same rule as overdue_counts)."""
        count: int = self.db.execute(*register_sql.open_actions_count(SQLITE, q)).fetchone()[0]
        return count

    def open_actions(self, q: ActionQuery, offset: int = 0, limit: int = 200) -> list[ActionRow]:
        """One page of open actions across the register: overdue first, then in q's sort.
        About 40 ms a page on 10,000 decisions (67,000 actions)."""
        return register_sql.action_rows(
            self.db.execute(*register_sql.open_actions(SQLITE, q, offset, limit)))

    def find_by_code(self, code: str) -> list[tuple[str, int]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT decision_id, version FROM versions WHERE verification_code = ? "
                "UNION SELECT decision_id, version FROM versions WHERE content_code = ?",
                [code, code],
            )
        ]

    def stored_derived(self, decision_id: str, version: int) -> dict[str, Any] | None:
        """What was stored as derived from a version's content when it was last written:
        complete, overall_rating, verification_code and content_code (None if there is no
        such version)."""
        row = self.db.execute(
            "SELECT complete, overall_rating, verification_code, content_code FROM versions "
            "WHERE decision_id = ? AND version = ?", [decision_id, version]
        ).fetchone()
        if row is None:
            return None
        return {"complete": row[0], "overall_rating": row[1], "verification_code": row[2],
                "content_code": row[3]}

    def audited_lock_code(self, code: str) -> list[tuple[str, int]]:
        """(decision id, version) that the audit log says were signed off with this code."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT DISTINCT decision_id, version FROM audit_log "
            "WHERE field IN ('verification_code', 'content_code') AND new_value = ?", [code])]

    def audit_rows(self, decision_id: str, version: int, field: str) -> list[AuditEntry]:
        """The audit rows of one field of one version, oldest first."""
        from desktop.domain.audit_entries import AuditEntry

        return [AuditEntry(*r) for r in self.db.execute(
            f"{_AUDIT_SELECT} WHERE decision_id = ? AND version = ? AND field = ? ORDER BY id",
            [decision_id, version, field])]

    def ids_with_prefix(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` decision ids that begin with `prefix` (as typed: LIKE's own
        characters in it are matched as themselves)."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM decisions WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            [like_escaped(prefix) + "%", limit])]

    def all_ids(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT decision_id FROM versions WHERE is_current = 1 ORDER BY created_at, id"
            )
        ]

    # ---- writing (call inside transaction()) --------------------------------------------
    def version_id(self, decision_id: str, version: int) -> int:
        """The row id of a version (KeyError if there is none)."""
        row = self.db.execute(
            "SELECT id FROM versions WHERE decision_id = ? AND version = ?", [decision_id, version]
        ).fetchone()
        if row is None:
            raise KeyError(decision_id)
        version_id: int = row[0]
        return version_id

    def _derived(self, decision: Decision,
                 known: tuple[str, str] | None = None) -> dict[str, Any]:
        """The versions columns worked out from a version (`known`: its codes, if given)."""
        printed, content = known if known is not None else self._worked.codes(decision)
        return {
            **self._worked.standing(decision),
            "verification_code": printed,
            "content_code": content if decision.code_scheme >= 2 else "",
            "code_scheme": decision.code_scheme,
        }

    def insert(self, decision: Decision, checklist_sha: str | None, *,
               is_current: bool = True) -> None:
        """Insert a new decision version (and the decision itself if it is version 1)."""
        self.insert_many([decision], checklist_sha, is_current=is_current)

    def insert_many(self, decisions: Iterable[Decision], checklist_sha: str | None, *,
                    is_current: bool = True,
                    known_codes: Iterable[tuple[str, str] | None] | None = None) -> None:
        """Insert new decision versions, one executemany per table for all of them; each
        answered against `checklist_sha` (None: the checklist each names). `known_codes`: for
        each decision, its codes (printed, content) as codes() gives them, if the caller
        has worked them out (None: worked out here).

        Table by table rather than decision by decision: importing 1,000 decisions spends
        about half the time it did with one INSERT per row, decision after decision.
        """
        decisions, known = answered_as(decisions, checklist_sha, known_codes)
        conn = self.db.conn
        insert_rows(conn,
            "INSERT INTO decisions (id, current_version, created_at) VALUES (?, ?, ?)",
            # A version 1 is always a new decision (a clash fails on the primary key anyway).
            [(d.id, d.version, d.created_at) for d in decisions
             if d.version == 1 or not self.exists(d.id)],
        )
        # Ids are handed out here so that all versions go in with one executemany. Inside
        # this write transaction no other connection can take them (WAL: a writer that
        # slipped in between makes our INSERT fail with "database is locked", never clash).
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM versions").fetchone()[0]
        vids = list(range(first, first + len(decisions)))
        codes: list[tuple[str, str]] = []
        version_rows = []
        sql = None
        for vid, decision, given in zip(vids, decisions, known, strict=True):
            values: dict[str, Any] = {"id": vid, **_content_columns(decision),
                                      **self._derived(decision, given)}
            values.update(
                decision_id=decision.id,
                version=decision.version,
                is_current=int(is_current),
                # Ready is written at once; signed-off/withdrawn only after the children
                # and sign-offs, which the lock triggers would refuse under those statuses.
                status=(Status.READY if decision.status == Status.READY else Status.DRAFT).value,
                checklist_sha256=decision.checklist_sha256,
                created_at=decision.created_at,
                updated_at=decision.updated_at,
            )
            sql = sql or (f"INSERT INTO versions ({', '.join(values)}) "
                          f"VALUES ({', '.join('?' * len(values))})")
            version_rows.append(tuple(values.values()))
            codes.append((values["verification_code"], values["content_code"]))
        if sql:
            insert_rows(conn, sql, version_rows)
        self._insert_children(list(zip(vids, decisions, strict=True)))
        timed = [(vid, d) for vid, d in zip(vids, decisions, strict=True) if _has_dates(d)]
        if timed:
            days = self.call_in_days()
            insert_rows(conn, _TIMELINE_INSERT, [
                (vid, *_timeline_row(decision_timeline(d, days))) for vid, d in timed])
        # One row a statement, as before: FTS5 lays out its index by the statements it is
        # written in (several rows a statement gave other, equally good, index pages).
        conn.executemany(
            "INSERT INTO search_index (rowid, title, proposal, answers) VALUES (?, ?, ?, ?)",
            [(vid, *search_document(d)) for vid, d in zip(vids, decisions, strict=True)],
        )
        insert_rows(conn,
            "INSERT INTO sign_offs (version_id, role, name, date, minute_reference, comment, "
            "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(vid, s.role, s.name, s.date, s.minute_reference, s.comment, d.updated_at,
              self.user)
             for vid, d in zip(vids, decisions, strict=True) for s in d.sign_offs],
        )
        audit_rows = []
        for vid, decision, (code, content) in zip(vids, decisions, codes, strict=True):
            changes = field_changes(None, decision)
            if decision.status != Status.DRAFT:
                if decision.status != Status.READY:
                    conn.execute(
                        "UPDATE versions SET status = ? WHERE id = ?", [decision.status.value, vid]
                    )
                # The audit check expects every signed-off version to have its lock on record.
                changes.append(("status", None, decision.status.value))
                if decision.status == Status.SIGNED_OFF:
                    changes.append(("verification_code", None, code))
                    changes.append(("content_code", None, content))
                    changes.append(("call_in_days", None, str(self.call_in_days())))
            audit_rows.append((decision.id, decision.version, changes, decision.updated_at))
        self.audit_many(audit_rows)

    def _insert_children(self, rows: list[tuple[int, Decision]]) -> None:
        """Options, answers and actions of brand-new versions: nothing to delete first."""
        conn = self.db.conn
        insert_rows(conn,
            "INSERT INTO options (version_id, position, name, status, delivery_model, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(vid, i, o.name, o.status, o.delivery_model, o.reason)
             for vid, d in rows for i, o in enumerate(d.options)],
        )
        answers: list[tuple[object, ...]] = []
        actions: list[tuple[object, ...]] = []
        progress: list[tuple[object, ...]] = []
        documents: list[tuple[object, ...]] = []
        rating_value = RATING_VALUE.get
        for vid, d in rows:  # one pass over the answers for their four tables
            for slug, a in d.answers.items():
                answers.append((vid, slug, rating_value(a.rating), a.response,
                                a.evidence))
                for i, x in enumerate(a.actions):
                    actions.append((vid, slug, i, x.action, x.owner, x.due))
                    if x.done:
                        progress.append((vid, slug, i, d.updated_at, self.user))
                documents.extend((vid, slug, i, x.title, x.date, x.held_at)
                                 for i, x in enumerate(a.documents))
        insert_rows(conn,
            "INSERT INTO answers (version_id, slug, rating, response, evidence) "
            "VALUES (?, ?, ?, ?, ?)", answers)
        insert_rows(conn,
            "INSERT INTO actions (version_id, slug, position, action, owner, due) "
            "VALUES (?, ?, ?, ?, ?, ?)", actions)
        insert_rows(conn,
            "INSERT INTO action_progress (version_id, slug, position, done_at, done_by) "
            "VALUES (?, ?, ?, ?, ?)", progress)
        insert_appraisals(conn, [(vid, d.appraisal) for vid, d in rows])
        insert_rows(conn,
            "INSERT INTO documents (version_id, slug, position, title, date, held_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", documents)

    def _write_options(self, vid: int, options: Iterable[Option]) -> None:
        self.db.execute("DELETE FROM options WHERE version_id = ?", [vid])
        for i, o in enumerate(options):
            self.db.execute(
                "INSERT INTO options (version_id, position, name, status, delivery_model, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [vid, i, o.name, o.status, o.delivery_model, o.reason],
            )

    def _write_answer(self, vid: int, slug: str, answer: Answer, at: str) -> None:
        self.db.execute("DELETE FROM answers WHERE version_id = ? AND slug = ?", [vid, slug])
        self.db.execute(
            "DELETE FROM action_progress WHERE version_id = ? AND slug = ?", [vid, slug]
        )
        self.db.execute("DELETE FROM actions WHERE version_id = ? AND slug = ?", [vid, slug])
        self.db.execute("DELETE FROM documents WHERE version_id = ? AND slug = ?", [vid, slug])
        for i, x in enumerate(answer.documents):
            self.db.execute(
                "INSERT INTO documents (version_id, slug, position, title, date, held_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", [vid, slug, i, x.title, x.date, x.held_at])
        self.db.execute(
            "INSERT INTO answers (version_id, slug, rating, response, evidence) "
            "VALUES (?, ?, ?, ?, ?)",
            [vid, slug, answer.rating.value if answer.rating else None, answer.response,
             answer.evidence],
        )
        for i, a in enumerate(answer.actions):
            self.db.execute(
                "INSERT INTO actions (version_id, slug, position, action, owner, due) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [vid, slug, i, a.action, a.owner, a.due],
            )
            if a.done:
                self.db.execute(
                    "INSERT INTO action_progress (version_id, slug, position, done_at, done_by) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [vid, slug, i, at, self.user],
                )

    def current_version_id(self, decision: Decision) -> int | None:
        """The row id of `decision`'s version if it is still the current one, stored as the
        caller holds it: same status, sign-offs, actions done, content and time of the last
        save (one SELECT). None if anything differs: then read the record again."""
        row = self.db.execute(
            "SELECT id, version, status, updated_at, verification_code, "
            "(SELECT count(*) FROM sign_offs s WHERE s.version_id = v.id), "
            "(SELECT count(*) FROM action_progress p WHERE p.version_id = v.id) "
            "FROM versions v WHERE decision_id = ? AND is_current = 1", [decision.id],
        ).fetchone()
        done = sum(a.done for answer in decision.answers.values() for a in answer.actions)
        held = (decision.version, decision.status.value, decision.updated_at,
                self._worked.codes(decision)[0], len(decision.sign_offs), done)
        return row[0] if row is not None and tuple(row[1:]) == held else None

    def update_if_held(self, old: Decision, new: Decision) -> Callable[[], bool]:
        """update(old, new) if `old` is still the current version, stored as the caller holds
        it (current_version_id); inside transaction(). Returns whether it was written (to be
        asked once the transaction has ended: the shared register learns it from its server
        then)."""
        vid = self.current_version_id(old)
        if vid is not None:
            self.update(old, new, vid=vid)
        return lambda: vid is not None

    def data_version(self) -> int:
        """A number that changes when another connection (another window, the command line)
        commits to the file, and only then (SQLite's PRAGMA data_version: no file read)."""
        version: int = self.db.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def watcher(self) -> None:
        """A file has no server to announce changes: the window looks at data_version."""
        return None

    def reconnect_in_background(self, done: Callable[[bool], object]) -> None:
        """A file is never lost as a server's connection is: nothing to make again."""

    def update(self, old: Decision, new: Decision, *,
               vid: int | None = None) -> list[tuple[str, str | None, str | None]]:
        """Write what changed between old and new (same version) and audit it (`vid`: the
        version's row id, if the caller has it)."""
        changes = field_changes(old, new)
        vid = vid if vid is not None else self.version_id(new.id, new.version)
        # Only the columns whose values differ from old's (as stored) are set: an indexed
        # column set to the value it holds still rewrites its index entry, and each page
        # written is one more the commit (synchronous=FULL) has to put on disk.
        before = {**_content_columns(old), **self._worked.standing(old)}
        after = {**_content_columns(new), **self._derived(new, self._worked.codes(new, old)),
                 "updated_at": new.updated_at}
        values = {c: v for c, v in after.items() if c not in before or before[c] != v}
        sets = ", ".join(f"{c} = ?" for c in values)
        self.db.execute(f"UPDATE versions SET {sets} WHERE id = ?", [*values.values(), vid])
        if old.options != new.options:
            self._write_options(vid, new.options)
        if _timeline_inputs(old) != _timeline_inputs(new):
            self._write_timeline(vid, new)
        if old.appraisal != new.appraisal:
            write_appraisal(self.db.conn, vid, new.appraisal)
        for slug in dict.fromkeys([*section_slugs(old), *section_slugs(new)]):
            if old.answer(slug) != new.answer(slug):
                self._write_answer(vid, slug, new.answer(slug), new.updated_at)
        document = self._worked.document(new)
        if self._worked.document(old) != document:  # no index rewrite for the same searchable text
            self.db.execute("DELETE FROM search_index WHERE rowid = ?", [vid])
            self.db.execute(
                "INSERT INTO search_index (rowid, title, proposal, answers) VALUES (?, ?, ?, ?)",
                [vid, *document],
            )
        self.audit(new.id, new.version, changes, new.updated_at)
        return changes

    def delete(self, decision_id: str, at: str) -> None:
        """Remove a decision and all its versions (the service allows this for drafts only)."""
        vids = [
            r[0] for r in self.db.execute("SELECT id FROM versions WHERE decision_id = ?",
                                          [decision_id])
        ]
        for vid in vids:
            for table in ("action_progress", "actions", "documents", "answers", "options",
                          "sign_offs", "version_timeline"):
                self.db.execute(f"DELETE FROM {table} WHERE version_id = ?", [vid])
            delete_appraisal(self.db.conn, vid)
            self.db.execute("DELETE FROM search_index WHERE rowid = ?", [vid])
        self.db.execute("DELETE FROM versions WHERE decision_id = ?", [decision_id])
        self.db.execute("DELETE FROM decisions WHERE id = ?", [decision_id])
        self.audit(decision_id, 0, [("deleted", None, None)], at)

    # ---- audit ------------------------------------------------------------------------
    def audit(self, decision_id: str, version: int,
              changes: Iterable[tuple[str, str | None, str | None]], at: str) -> None:
        """Append audit rows, each hash chained to the previous row."""
        self.audit_many([(decision_id, version, changes, at)])

    def audit_many(self, entries: Iterable[tuple[str, int, Iterable[tuple[str, str | None,
                                                                      str | None]], str]],
                   *, accept_behind: bool = False) -> None:
        """Append the audit rows of several (decision_id, version, changes, at) in one go."""
        entries = [(did, version, list(changes), at) for did, version, changes, at in entries]
        entries = [e for e in entries if e[2]]
        if not entries:
            return
        row = self.db.execute(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        last_id, prev = (row[0], row[1]) if row else (0, GENESIS_HASH)
        seal = self.seal()
        # (the head this process wrote last is its own file's, so it is not looked at again)
        mine = (last_id, prev) in (self._written, self._head)
        original = self._copy_of(seal) if seal is not None and not mine else None
        if seal is not None and original is not None:
            # a copy of a register file (cp, a backup) written to where the original is: from
            # now on it has a head of its own, and the original's is left as it was (an older
            # copy is not behind a head of its own: it goes on from where it was copied)
            replaced = None if accept_behind else self._replaced(seal, last_id)
            seal = self._made_its_own(seal)
            entries.insert(0, ("", 0, [("file_copy", None, (
                f"this file ({self.file_path()}) is a copy of the register at {original}; "
                "from this row on it keeps an audit seal of its own"))], entries[0][3]))
            if replaced:  # and it stands where another file of the register stood
                entries.insert(0, ("", 0, [("audit_seal", replaced, None)], entries[0][3]))
        elif self._identity_lost:
            self._identity_lost = False
            entries.insert(0, ("", 0, [("audit_seal", "the register's identity (register_meta) "
                                        "was missing, removed outside the app; a new one was "
                                        "made, and rows sealed before cannot be checked", None)],
                               entries[0][3]))
        elif seal is not None and not mine:
            behind = self._behind(seal, last_id, prev)
            if behind and not accept_behind:
                # Rows the seal saw are gone (deleted, or an older copy put in place). Say
                # so in the chain itself before carrying on, so the next write cannot hide it.
                entries.insert(0, ("", 0, [("audit_seal", behind, None)], entries[0][3]))
        rows = []
        for decision_id, version, changes, at in entries:
            for field, old_value, new_value in changes:
                h = audit_hash(prev, at, self.user, decision_id, version, field, old_value,
                               new_value)
                key_id, mac = seal.seal(h) if seal is not None else (None, None)
                last_id += 1
                rows.append((last_id, at, self.user, decision_id, version, field, old_value,
                             new_value, prev, h, key_id, mac))
                prev = h
        if not rows:
            return
        insert_rows(
            self.db.conn,
            "INSERT INTO audit_log (id, at, user, decision_id, version, field, old_value, "
            "new_value, prev_hash, hash, key_id, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            rows,
        )
        self._head = (last_id, prev)

    def unauthenticated(self) -> str | None:
        """Why this computer cannot authenticate the register's audit trail (None: it can, or
        sealing is off, or there is nothing yet to authenticate). The seal's head, found by
        the register's id, vouches for every row up to it; without it the file vouches only
        for itself, and anyone holding the file alone could have rewritten it."""
        if self.key_dir is None:
            return None
        if self.db.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone() is None:
            return None
        seal = self.seal(for_writing=False)
        if seal is None:
            return "the register has no identity, so its audit seal cannot be found"
        if not seal.holds_key():
            return (f"this computer holds no audit seal for this register ({seal.register_id}), "
                    "so its audit trail rests on the file alone")
        return None  # a key without its head is a break, reported by _behind

    def behind_seal(self) -> str | None:
        """Why the register's audit seal cannot vouch for the file (None: it can, or sealing
        is off): its identity is gone, or the file falls short of the seal's head."""
        if self.key_dir is None:
            return None
        if self.register_id() is None or self._meta("sealed_from") is None:
            return ("the register's identity (register_meta) was removed or changed outside "
                    "the app, so its audit seal cannot be found")
        seal = self.seal(for_writing=False)
        if seal is None:
            return None
        row = self.db.execute(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        return self._behind(seal, *(row if row else (0, GENESIS_HASH)))

    def _behind(self, seal: AuditSeal, last_id: int, last_hash: str) -> str | None:
        """How the file falls short of the seal's head, or of the head of another file of
        this register that stood at its path; None if it holds each head's row (or a restore
        of the file says where the head went). A copy not yet written to is held to the head
        of the file it was copied from, as a backup is: it is that file's state as it was."""
        head = seal.head()
        if head is None:
            if seal.holds_key() and last_id >= self.sealed_from():
                return ("the audit seal's record of the newest row is missing from "
                        f"{seal.folder} (removed, or lost in a crash between a save and its "
                        "seal), so rows removed from the end cannot be ruled out")
            return self._replaced(seal, last_id)
        if self._holds(head, last_id):
            return self._replaced(seal, last_id)
        what = "" if head.authentic else " (the head record itself does not authenticate)"
        return (f"the audit seal records row {head.last_id} (hash {head.last_hash[:16]}), "
                f"but the file ends at row {last_id} (hash {last_hash[:16]}){what}")

    def _holds(self, head: Head, last_id: int) -> bool:
        """Whether the file holds a head's row, or a restore of it says where the head went."""
        if head.authentic and head.last_id <= last_id:
            row = self.db.execute("SELECT hash FROM audit_log WHERE id = ?",
                                  [head.last_id]).fetchone()
            if row is not None and row[0] == head.last_hash:
                return True
        return bool(head.authentic and self.db.execute(
            "SELECT 1 FROM audit_log WHERE field = 'restored' AND instr(new_value, ?) > 0",
            [f"ended at row {head.last_id} (hash {head.last_hash})"]).fetchone())

    def _replaced(self, seal: AuditSeal, last_id: int) -> str | None:
        """How this file (ending at row `last_id`) falls short of the head of another file of
        the register that stood at its path (a copy, made its own, put in that file's place)."""
        here = self.file_path()
        for head in seal.other_heads():
            if here is not None and head.path == here and not self._holds(head, last_id):
                return (f"the audit seal of the register's file that stood at {here} records "
                        f"row {head.last_id} (hash {head.last_hash[:16]}), which this file, "
                        "another copy of the register, does not hold")
        return None

    def audit_entries(self, decision_id: str | None = None) -> list[AuditEntry]:
        from desktop.domain.audit_entries import AuditEntry

        sql = _AUDIT_SELECT
        params: list[Any] = []
        if decision_id is not None:
            sql += " WHERE decision_id = ?"
            params.append(decision_id)
        return [AuditEntry(*r) for r in self.db.execute(sql + " ORDER BY id", params)]

    def verify_audit_chain(self) -> list[int]:
        """Ids of audit rows whose hash, chain link or seal does not match (empty when intact)."""
        return list(self.check_audit_log().tampered)

    def check_audit_log(self) -> AuditLogCheck:
        """Re-derive the whole chain: every link, every seal, and the seal's head."""
        bad: list[int] = []
        unverifiable: dict[str, int] = {}
        problems: list[str] = []
        register_id = self.register_id()
        if register_id is None or self._meta("sealed_from") is None:
            problems.append("The register's identity (register_meta) was removed or changed "
                            "outside the app, so its audit seal cannot be found")
        seal = self.seal(for_writing=False)
        sealed_from = self.sealed_from()
        holds_key = seal is not None and seal.holds_key()
        prev = GENESIS_HASH
        last_id = 0
        first_sealed: int | None = None
        for row in self.db.execute(
            "SELECT id, at, user, decision_id, version, field, old_value, new_value, "
            "prev_hash, hash, key_id, seal FROM audit_log ORDER BY id"
        ):
            (rid, at, user, did, version, field, old_value, new_value, prev_hash, h,
             key_id, mac) = row
            expected = audit_hash(prev, at, user, did, version, field, old_value, new_value)
            ok = prev_hash == prev and h == expected
            if mac is None:
                # rows from sealed_from on, and any after the first sealed one, are sealed
                ok = ok and rid < sealed_from and first_sealed is None
            else:
                first_sealed = rid if first_sealed is None else first_sealed
                verdict = seal.check(key_id or "", h, mac) if seal is not None else None
                if verdict is None:
                    unverifiable[key_id or "?"] = unverifiable.get(key_id or "?", 0) + 1
                ok = ok and verdict is not False
            if not ok:
                bad.append(rid)
            if field == "audit_seal":
                problems.append(f"At {at} the register was found behind its own audit seal: "
                                f"{old_value}")
            prev, last_id = h, rid
        if sealed_from > last_id + 1 and last_id > 0:
            problems.append(f"The register says sealing began at row {sealed_from}, after its "
                            f"newest row {last_id}: register_meta was changed outside the app")
        moved = {key_id: seal.owner_of(key_id) for key_id in unverifiable} if seal else {}
        for key_id, owner in moved.items():
            if owner and owner != register_id:
                problems.append(f"Audit rows are sealed with the key of register {owner}, but "
                                f"the file now calls itself {register_id}: its identity was "
                                "changed outside the app")
                unverifiable.pop(key_id)
        if self.unauthenticated() and not unverifiable:
            unverifiable["(no seal on this computer)"] = last_id
        elif seal is not None and holds_key:
            behind = self._behind(seal, last_id, prev)
            if behind:
                problems.append(f"The register is behind its own audit seal: {behind}. "
                                "Rows were removed, or an older copy of the file was put "
                                "in place")
        return AuditLogCheck(tuple(bad), unverifiable, tuple(problems))


@frozen
class AuditLogCheck:
    """What re-deriving the audit log found."""

    tampered: tuple[int, ...]
    unverifiable: dict[str, int]  # key id -> rows sealed with a key this computer lacks
    problems: tuple[str, ...]
