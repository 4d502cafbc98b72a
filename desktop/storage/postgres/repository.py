"""`PostgresRepository`: the shared register's DecisionRepository, on a PostgreSQL server.

The same methods with the same meaning as the SQLite `desktop.storage.repository.Repository`
(desktop/storage/interface.py), over the tables `server init` made (p001_initial, p002_search,
p003_report_appraisal_documents, p004_server_hardening, p005_parity). psycopg 3 is imported only here,
when a `--db` is a postgresql:// URI. One connection per repository, in autocommit: a read is one statement (a
record loads in one query, so it is one snapshot); `transaction()` is one transaction, and a
nested one a savepoint in it.

What the server does that the client does in the SQLite register:
- who: the audit log's "user", a sign-off's recorded_by, done_by and attached_by are the
  session user, set by the server's triggers; `user` is read back from the server;
- the audit chain: the server chains every appended row (its own append-only log, its
  session user), so there is no client seal: `seal()` is None, `key_dir` None, `forget()`,
  `unauthenticated()` and `behind_seal()` have nothing to do;
- sign-offs: only through the server's record_sign_off()/remove_sign_off(), never an
  INSERT; the function writes the sign-off's audit rows (and the lock's), so the copies the
  application appends after it in the same transaction are not written twice.

Optimistic concurrency: `current_version_id` (the one check before an edit is written) locks
the version's row (SELECT ... FOR UPDATE) until the transaction ends, so two writers of one
record queue as BEGIN IMMEDIATE makes them queue on a file, and the second sees the first's
save: the service then merges, or raises EditConflict (keep mine / take theirs / merge).
`update_if_held` is that check and the writes in one go: for one answer's rating, response or
evidence (an autosave's) one statement, p014's dc_save_answer, which the server checks and
writes as the caller (one round trip); for anything else current_version_id and update.
Every UPDATE of a version also carries what its writer read (updated_at and status) and is
refused if the row has moved on (`ChangedElsewhere`). Server errors become the domain's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.action_queries import ActionQuery, ActionRow
from desktop.domain.audit_entries import AuditEntry
from desktop.domain.checklist import Checklist
from desktop.domain.decision import (
    Action,
    Answer,
    Decision,
    Document,
    Option,
    Rating,
    SignOff,
    Status,
)
from desktop.domain.errors import InvalidInput, Refused, Stale, StorageError, Unreachable
from desktop.domain.queries import RegisterQuery, RegisterRow
from desktop.domain.record import (
    codes,
    documents_from_record,
    field_changes,
    section_slugs,
    sign_off_text,
)
from desktop.domain.search_matches import SearchMatch
from desktop.domain.timeline import CALL_IN_DAYS, call_in_period, decision_timeline
from desktop.storage import register_sql
from desktop.storage.lifecycle_store import SignedCopy
from desktop.storage.postgres.appraisal_rows import (
    APPRAISAL_JSON,
    appraisal_from_json,
    delete_appraisals,
    foreign_names,
    insert_appraisals,
    who_the_server_keeps,
)
from desktop.storage.postgres.search_vector import (
    MAX_POSITION,
    lexeme_bytes,
    register_dumper,
    search_vector,
)
from desktop.storage.postgres.uri import shown_uri
from desktop.storage.repository import (
    _VERSION_COLUMNS,
    GENESIS_HASH,
    AuditLogCheck,
    _content_columns,
    _has_dates,
    _json_documents,
    _json_list,
    _timeline_inputs,
    _timeline_row,
    answered_as,
    audit_hash,
)
from desktop.storage.search_words import like_escaped, search_tokens
from desktop.storage.worked_out import WorkedOut, search_document

if TYPE_CHECKING:
    import psycopg

    from desktop.storage.postgres.connecting import Connecting
    from desktop.storage.postgres.live import PostgresWatcher
    from desktop.storage.postgres.watchdog import Watchdog
    from desktop.storage.seal import AuditSeal

Change = tuple[str, str | None, str | None]

_AUDIT_SELECT = ('SELECT id, at, "user", decision_id, version, field, old_value, new_value, '
                 "prev_hash, hash FROM audit_log")
_READ = re.compile(r"\s*SELECT\b(?!.*\b(record_sign_off|remove_sign_off|amend_version)\s*\()",
                   re.IGNORECASE | re.DOTALL)  # a statement that writes nothing
RECONNECT_TIMEOUT = 3  # seconds: a window waits for this while the server is away
_PAGE = 1000  # rows a page when the whole register is streamed
# The versions columns an answer's save changes (p014's dc_save_answer sets each of them).
_SET_WITH_AN_ANSWER = frozenset({"updated_at", "complete", "overall_rating", "overall_rank",
                                 "verification_code", "content_code", "code_scheme"})
_SAVE_ANSWER = ("SELECT written, newest FROM dc_save_answer("
                + ", ".join(["%s"] * 19) + ", %s::text[], %s::text[], %s::text[])")
_TIMELINE_COLUMNS = ("publication_date", "decision_date", "call_in_end", "implementable_from",
                     "challenge_end", "short_notice")
_TIMELINE_INSERT = (f"INSERT INTO version_timeline (version_id, {', '.join(_TIMELINE_COLUMNS)}) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)")

# The committee report's columns (m007, p003), as the SQLite repository reads them.
_REPORT_COLUMNS = _VERSION_COLUMNS[_VERSION_COLUMNS.index("report_of"):]

# One version as one row: its columns, its checklist's id and version, and its children as
# JSON arrays (one statement: one round trip and one snapshot).
_LOAD = """
SELECT v.id, v.decision_id, v.version, v.status, v.title, v.proposal, v.reference, v.reasons,
       v.organisation, v.decision_maker, v.proposer, v.meeting_date, v.review_date,
       v.key_decision, v.delivery_model, v.conflicts_of_interest, v.checklist_sha256,
       v.amendment_reason, v.created_at, v.updated_at, v.code_scheme,
       c.checklist_id, c.version, v.recommendations, v.background_papers, {report},
       (SELECT coalesce(json_agg(json_build_array(a.slug, a.action, a.owner, a.due,
                                                  p.done_at IS NOT NULL)
                                 ORDER BY a.slug, a.position), '[]')
          FROM actions a LEFT JOIN action_progress p ON p.version_id = a.version_id
               AND p.slug = a.slug AND p.position = a.position
         WHERE a.version_id = v.id),
       (SELECT coalesce(json_agg(json_build_array(slug, rating, response, evidence)), '[]')
          FROM answers WHERE version_id = v.id),
       (SELECT coalesce(json_agg(json_build_array(name, status, delivery_model, reason)
                                 ORDER BY position), '[]')
          FROM options WHERE version_id = v.id),
       (SELECT coalesce(json_agg(json_build_array(role, name, date, minute_reference, comment)
                                 ORDER BY rowid), '[]')
          FROM sign_offs WHERE version_id = v.id),
       (SELECT coalesce(json_agg(json_build_array(slug, title, date, held_at)
                                 ORDER BY position), '[]')
          FROM documents WHERE version_id = v.id),
       {appraisal}
  FROM versions v LEFT JOIN checklists c ON c.sha256 = v.checklist_sha256
""".format(report=", ".join(f"v.{c}" for c in _REPORT_COLUMNS), appraisal=APPRAISAL_JSON)


class ChangedElsewhere(Refused):
    """A write carried a version of the record that is no longer the stored one."""


def tsvector_text(text: str) -> str:
    """A tsvector literal of a text's words, positioned (so a phrase can be matched).

    Line by line (no word spans a line break), each line's part remembered with the position
    it starts at: an autosave retokenises only the lines typed in, and those after them
    whose words moved, not the whole record's text."""
    parts = []
    start = 1
    for line in text.split("\n"):
        rendered, count = _line_vector(line, min(start, MAX_POSITION))
        if count:
            parts.append(rendered)
            start += count
    return " ".join(parts)


@lru_cache(maxsize=2048)
def _line_vector(line: str, start: int) -> tuple[str, int]:
    """One line's part of a tsvector literal, its words numbered from `start`, and how many."""
    words = search_tokens(line)
    if start + len(words) <= MAX_POSITION:  # (nearly always: no position to clamp)
        return " ".join([f"'{_lexeme(word)}':{i}" for i, word in enumerate(words, start)]), \
            len(words)
    return " ".join([f"'{_lexeme(word)}':{min(i, MAX_POSITION)}"
                     for i, word in enumerate(words, start=start)]), len(words)


@lru_cache(maxsize=8192)  # a record's words repeat: each is quoted once
def _lexeme(word: str) -> str:
    return lexeme_bytes(word).decode("utf-8").replace("\\", "\\\\").replace("'", "''")


def tsquery_text(search: str) -> str | None:
    """Every typed word as a prefix term (a word that tokenises into several is a phrase of
    them, as FTS5 reads a quoted term); None if no word has a letter or digit. As FTS5 reads
    an empty phrase, a typed word without one is passed over ("waste %" finds "waste")."""
    terms = []
    for typed in search.split():
        words = search_tokens(typed)
        if not words:
            continue
        parts = [f"'{_lexeme(w)}'" for w in words]
        parts[-1] += ":*"
        terms.append("(" + " <-> ".join(parts) + ")")
    return " & ".join(terms) if terms else None


# The register's SQL on the server (desktop/storage/register_sql.py): the search index is
# p002's tsvectors, a text sorts by lower() in "C" order as p001's indexes hold it.
_DIALECT = register_sql.Dialect(
    mark="%s", text_order='lower({}) COLLATE "C"', binary='{} COLLATE "C"', like="ILIKE",
    false="false", arrays=True, no_limit=None, words=tsquery_text,
    text_match="v.id IN (SELECT version_id FROM search_index WHERE words @@ ?::tsquery)",
    title_words=tsquery_text,
    title_match="v.id IN (SELECT version_id FROM search_index WHERE title @@ ?::tsquery)",
    listed_reference=None, searched_source="versions v")


def _one_line(exc: BaseException) -> str:
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text or type(exc).__name__


def _lost(uri: str, why: str) -> str:
    """The one line for a shared register lost during an operation."""
    return (f"the shared register at {shown_uri(uri)} could not be reached ({why}): this "
            "step was not saved, or its saving not confirmed; try again when it is back")


def _open(uri: str, timeout: int = 10) -> psycopg.Connection[Any]:
    """A connection (autocommit) to the register at `uri`, checked to hold a register this app
    knows, or a one-line error saying why not: at start, and again at each reconnection."""
    from desktop.storage.postgres.migrate import (
        SCHEMA_VERSION,
        connect,
        no_role,
        schema_version,
    )

    conn = connect(uri, timeout=timeout)
    conn.autocommit = True
    register_dumper(conn)  # search words go as binary tsvectors: nothing for it to parse
    where = shown_uri(uri)
    try:
        version = schema_version(conn)
    except Exception as exc:
        user = conn.info.user
        conn.close()
        import psycopg

        if isinstance(exc, psycopg.errors.InsufficientPrivilege):  # a member of no dc_ role
            raise no_role(user, where) from None
        if isinstance(exc, psycopg.Error):  # the server went away as it was asked
            raise Unreachable(f"cannot connect to the shared register at {where}: "
                               f"{_one_line(exc)}") from None
        raise
    if version is None or version < SCHEMA_VERSION:
        conn.close()
        what = "holds no register" if version is None else (
            f"holds a register at schema version {version}, older than this app's "
            f"({SCHEMA_VERSION})")
        raise StorageError(f"the database at {where} {what}: IT runs "
                           f"`decision-checklist --db {where} server init` to "
                           f"{'make' if version is None else 'upgrade'} it")
    from desktop.storage.postgres.migrate import refuse_newer

    try:
        refuse_newer(version, where)
    except Exception:
        conn.close()
        raise
    return conn


class PostgresRepository:
    """Reads and writes decision records in a shared register on a PostgreSQL server.

    The PostgreSQL implementation of `desktop.storage.interface.DecisionRepository`.
    """

    def __init__(self, uri: str, conn: psycopg.Connection[Any]) -> None:
        self.uri = uri
        self._conn = conn
        row = conn.execute("SELECT session_user").fetchone()
        self.user: str = str(row[0]) if row else "?"  # the server says who, for every row
        self._sections: dict[str, tuple[str, ...]] = {}
        self._counts: dict[str, int] | None = None
        # audit rows the server wrote itself in the open transaction (record_sign_off):
        # (decision id, version, field, old, new) -> how many the application may still send
        self._server_wrote: dict[tuple[str, int, str, str | None, str | None], int] = {}
        self._signed_here: set[int] = set()  # versions locked by record_sign_off just now
        self._seen: int | None = None  # the newest audit row at our last look
        # the open transaction's own reading of the newest audit row, if a statement in it
        # returned one (dc_save_answer): its row, fetched once the transaction has ended
        self._newest: Callable[[], Any] | None = None
        self._depth = 0  # transactions open (1) and savepoints in them
        self._pipe: psycopg.Pipeline | None = None  # the open transaction's pipeline
        # version row id -> (updated_at, status) as current_version_id found and locked it
        # in the open transaction: an UPDATE carrying them cannot miss the row
        self._locked: dict[int, tuple[str, str]] = {}
        self._changes = 0  # how often another connection's commit has been seen
        self._watchers: list[PostgresWatcher] = []  # closed with the repository
        self._worked = WorkedOut()  # an autosave's record: the one the save before it wrote
        # set by a window: a lost connection is made again on a thread of its own, and this
        # is called from that thread as each attempt ends (True: connected)
        self._reconnected: Callable[[bool], object] | None = None
        self._connecting: Connecting[psycopg.Connection[Any]] | None = None  # in flight
        # set by a window too: how long one statement or transaction may wait for the
        # network before its connection is cut (desktop/storage/postgres/watchdog.py)
        self._watchdog: Watchdog | None = None

    @classmethod
    def connect(cls, uri: str) -> PostgresRepository:
        """A repository on the register at `uri`, or a one-line error saying why there is
        none (unreachable, refused, no register there, a schema too old or too new)."""
        return cls(uri, _open(uri))

    # ---- the connection, errors and transactions ----------------------------------------
    def _live(self) -> psycopg.Connection[Any]:
        """The connection, or a new one if the last was lost (the server restarted or went
        away): the repository carries on by itself at the next operation. Never inside a
        transaction, whose work was lost with its connection: that one fails, and says so."""
        if self._dead():
            if self._depth:
                raise Unreachable(_lost(self.uri, "the connection was lost"))
            with suppress(Exception):  # it is gone either way
                self._conn.close()
            if self._reconnected is None:
                self._conn = _open(self.uri, timeout=RECONNECT_TIMEOUT)  # one line if not yet
            else:
                self._conn = self._connected_meanwhile()
        return self._conn

    def reconnect_in_background(self, done: Callable[[bool], object]) -> None:
        """From now on a lost connection is never made again on the caller's thread (a
        window's event loop): an operation that finds it lost starts one attempt on a thread
        of its own (unless one is under way) and fails at once (Unreachable); `done(ok)` is
        called from that thread when the attempt ends, and the next operation takes the new
        connection. A host that drops packets then costs the caller nothing.

        And a network that goes silent under an open connection costs it at most
        RECONNECT_TIMEOUT seconds a wait: a statement, or a transaction since its last
        statement, that waits longer has its connection cut (Unreachable; see watchdog.py)."""
        from desktop.storage.postgres.watchdog import Watchdog

        self._reconnected = done
        if self._watchdog is None:
            self._watchdog = Watchdog(RECONNECT_TIMEOUT)
        for watcher in self._watchers:  # their look-ups of senders too (live.py)
            watcher.bound(self._watchdog.limit)

    def _bounded(self, conn: psycopg.Connection[Any]) -> AbstractContextManager[None]:
        """A wait for the server on `conn`, cut by the watchdog (a window's) if too long."""
        from desktop.storage.postgres.watchdog import bounded

        return bounded(self._watchdog, conn)

    @property
    def watchdog(self) -> Watchdog | None:
        """The bound on a wait for the network (a window's repository has one)."""
        return self._watchdog

    @property
    def reconnecting(self) -> bool:
        """An attempt to connect again (reconnect_in_background's) is under way."""
        return self._connecting is not None and not self._connecting.finished

    def _connected_meanwhile(self) -> psycopg.Connection[Any]:
        """The connection an attempt made, or Unreachable (an attempt started if none is
        under way: never more than one at a time)."""
        attempt = self._connecting
        if attempt is not None and attempt.finished:
            self._connecting = None
            try:
                return attempt.take()
            except Exception:  # said as the attempt found it (one line), and tried again
                self._connecting = self._attempt()
                raise
        if attempt is None:
            self._connecting = self._attempt()
        raise Unreachable(_lost(self.uri, "connecting again"))

    def _attempt(self) -> Connecting[psycopg.Connection[Any]]:
        from desktop.storage.postgres.connecting import Connecting

        uri = self.uri
        return Connecting(lambda: _open(uri, timeout=RECONNECT_TIMEOUT),
                          lambda conn: conn.close(), self._reconnected)

    def _dead(self) -> bool:
        """True once the connection cannot be used again: lost (psycopg marks it broken or
        closed), or left mid-pipeline by a batch (executemany) that the loss cut short."""
        from psycopg import pq

        conn = self._conn
        return (conn.closed or conn.broken or conn.pgconn.status != pq.ConnStatus.OK
                or (self._pipe is None  # transaction()'s own pipeline is not a stuck batch
                    and conn.pgconn.pipeline_status != pq.PipelineStatus.OFF))

    def _x(self, sql: str, params: Iterable[Any] | dict[str, Any] | None = None) -> Any:
        """Execute one statement (a psycopg cursor); server errors become the domain's.

        A read outside a transaction whose connection turns out dead is read again once on
        a new one (a read is safe to repeat); a write never is: it may have been done."""
        try:
            return self._execute(sql, params)
        except Exception as exc:  # noqa: BLE001 - psycopg's errors become the domain's
            if not (self._depth == 0 and _READ.match(sql) and self._dead()):
                raise self._translated(exc) from None
        try:
            return self._execute(sql, params)
        except Exception as exc:  # noqa: BLE001 - psycopg's errors become the domain's
            raise self._translated(exc) from None

    def _execute(self, sql: str, params: Iterable[Any] | dict[str, Any] | None) -> Any:
        conn = self._live()
        with self._bounded(conn):
            return conn.execute(sql, params)  # type: ignore[arg-type]

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        try:
            conn = self._live()
            with self._bounded(conn), conn.cursor() as cur:
                if self._depth:  # queued in the transaction's pipeline: no round trip
                    for row in rows:
                        cur.execute(sql, row)
                    return
                cur.executemany(sql, rows)
        except Exception as exc:  # noqa: BLE001 - psycopg's errors become the domain's
            raise self._translated(exc) from None

    def _translated(self, exc: Exception) -> Exception:
        import psycopg

        if isinstance(exc, ValueError | psycopg.DataError) and "NUL (0x00)" in str(exc):
            return InvalidInput("text may not contain a NUL character (\\u0000): the shared "
                                "register's server cannot store one")
        if not isinstance(exc, psycopg.Error):
            return exc
        state = getattr(exc.diag, "sqlstate", None) or ""
        message = (exc.diag.message_primary or _one_line(exc)) if exc.diag else _one_line(exc)
        if state == "DC001":
            return Refused(f"This record is signed off and locked ({message}).")
        if state == "DC003":
            return Stale(message[0].upper() + message[1:] + ".")
        if state in ("DC002", "DC004"):
            return Refused(message[0].upper() + message[1:] + ".")
        if state == "42501":  # insufficient_privilege
            return Refused(
                f"The shared register refused this: your database role {self.user!r} may not "
                f"do it ({message}). Authors (dc_author) edit, clerks (dc_clerk) record "
                "sign-offs, readers (dc_reader) read: ask IT for the role you need.")
        if state == "23505" and exc.diag.constraint_name == "idx_versions_one_current":
            return Refused("Another version of this record became the current one meanwhile: "
                           "read it again.")
        if state == "23505" and exc.diag.constraint_name == "decisions_pkey":
            # two imports of one bundle at once: the loser's check ran before the winner's
            # commit; as on a register file, the one line of a decision already held
            held = re.search(r"\(id\)=\((.*)\)", exc.diag.message_detail or "")
            return InvalidInput(f"a decision with id {held.group(1) if held else 'given'} "
                                "already exists (it was stored meanwhile, by another import "
                                "or another person): nothing of this was stored")
        if state == "23505" and "sign_offs" in (exc.diag.constraint_name or "sign_offs"):
            return Refused("That role has already signed this version.")
        if isinstance(exc, psycopg.errors.DataError):
            return InvalidInput(message)
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            # the server said it is going (57P01 terminated, 57P02 crashed, 57P03 starting)
            # or the link failed (class 08): lost, however soon psycopg marks it broken
            if self._dead() or state.startswith(("57P", "08")):
                return Unreachable(_lost(self.uri, _one_line(exc)))
            return StorageError(f"the shared register at {shown_uri(self.uri)} could not do "
                                f"this now ({_one_line(exc)}): nothing was saved; try again")
        return exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (a savepoint when nested: it joins the outer one), in psycopg's
        pipeline mode: statements whose results nobody reads are queued, not waited for, so
        a transaction costs a round trip for each read its caller makes and one for the rest
        (its writes, the newest audit row's id and COMMIT, sent together). An autosave is
        two: BEGIN with current_version_id's check, then the writes and COMMIT. A server
        error in a queued statement is raised when the pipeline is next synced (at the
        latest at commit), and the whole transaction is rolled back. A connection lost since
        the last operation is remade before BEGIN; one lost inside fails the transaction."""
        if self._depth:
            yield from self._savepoint()
            return
        newest: Callable[[], Any] | None = None
        try:
            conn = self._live()
            self._depth = 1
            self._locked.clear()
            self._newest = None
            try:
                with self._bounded(conn), conn.pipeline() as self._pipe:
                    conn.execute("BEGIN")
                    yield  # on an exception the finally rolls back, out of the pipeline
                    newest = self._newest or conn.execute(
                        "SELECT coalesce(max(id), 0) FROM audit_log").fetchone
                    conn.execute("COMMIT")
            finally:
                self._depth = 0
                self._pipe = None
                self._newest = None
                self._locked.clear()
                self._server_wrote.clear()
                self._signed_here.clear()
                if not self._dead() and self._conn.info.transaction_status in (2, 3):
                    # not execute("ROLLBACK"): psycopg then only schedules the clearing of its
                    # prepared statements, which a later pipeline ran after preparing new ones
                    # ("prepared statement _pg3_0 does not exist"); rollback() clears them now
                    with self._bounded(self._conn):
                        self._conn.rollback()
        except Exception as exc:  # noqa: BLE001 - psycopg's errors become the domain's
            raise self._translated(exc) from None
        self._counts = None
        row = newest() if newest is not None else None
        self._seen = int(row[-1]) if row else self._seen

    def _savepoint(self) -> Iterator[None]:
        """A nested transaction: a savepoint, synced at its end so that a server error in it
        is raised here (a caller may catch it and go on with the outer transaction)."""
        name = f"dc_{self._depth}"
        pipe = self._pipe
        assert pipe is not None  # a savepoint is only taken inside transaction()'s pipeline
        self._depth += 1
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
            pipe.sync()
        except BaseException as exc:
            self._depth -= 1
            with suppress(Exception):  # if even this fails, the outer COMMIT will
                self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                pipe.sync()
            if isinstance(exc, Exception):
                raise self._translated(exc) from None
            raise
        self._conn.execute(f"RELEASE SAVEPOINT {name}")
        self._depth -= 1

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The connection (for the tests' raw SQL; the application never uses it)."""
        return self._conn

    def close(self) -> None:
        for watcher in self._watchers:
            watcher.close()
        attempt, self._connecting = self._connecting, None
        if attempt is not None:
            attempt.abandon()
        if self._watchdog is not None:
            self._watchdog.close()
        self._conn.close()

    def watcher(self) -> PostgresWatcher:
        """Others' changes as the server announces them (LISTEN on a connection of its own;
        this session's own changes left out), for a window to watch instead of polling."""
        from desktop.storage.postgres.live import PostgresWatcher

        def own_pid() -> int | None:
            return None if self._conn.closed else int(self._conn.info.backend_pid)

        watcher = PostgresWatcher(self.uri, own_pid)
        if self._watchdog is not None:
            watcher.bound(self._watchdog.limit)
        self._watchers.append(watcher)
        return watcher

    def location(self) -> str:
        return shown_uri(self.uri)

    # ---- the register's identity and seal: the server's own log needs no client seal --------
    @property
    def key_dir(self) -> Path | None:
        return None

    def forget(self) -> None:
        """Nothing is cached about the register that a restore could change (pg_restore is
        IT's, with every window closed)."""
        self._sections.clear()
        self._counts = None

    def seal(self, *, for_writing: bool = True) -> AuditSeal | None:
        return None  # the server chains the log and names who; no client key vouches for it

    def sealed_from(self) -> int:
        return 1

    def unauthenticated(self) -> str | None:
        return None

    def behind_seal(self) -> str | None:
        return None

    def register_id(self) -> str | None:
        row = self._x("SELECT value FROM register_meta WHERE key = 'register_id'").fetchone()
        return str(row[0]) if row else None

    # ---- checklists ---------------------------------------------------------------------
    def store_checklist(self, checklist: Checklist) -> str:
        sha = checklist.sha256
        self._x("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                [sha, checklist.id, checklist.version, checklist.raw_json])
        self._many("INSERT INTO checklist_sections (sha256, position, slug, kind) "
                   "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                   [(sha, i, p.slug, p.kind) for i, p in enumerate(checklist.principles)])
        self._counts = None
        return sha

    def lock_checklist_id(self, checklist_id: str) -> None:
        """Hold the server's lock on this checklist id until the transaction ends: two
        imports of one id queue, so the second reads the versions the first stored (p005)."""
        self._x("SELECT dc_lock_checklist_id(%s)", [checklist_id])

    def stored_checklists(self) -> list[tuple[str, str, int, str]]:
        return [(r[0], r[1], r[2], r[3]) for r in self._x(
            "SELECT sha256, checklist_id, version, definition FROM checklists ORDER BY rowid")]

    def setting(self, key: str) -> str | None:
        row = self._x("SELECT value FROM register_settings WHERE key = %s", [key]).fetchone()
        return str(row[0]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        self._x("INSERT INTO register_settings (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def call_in_days(self) -> int:
        """The council's call-in period in working days (register_settings 'call_in_days')."""
        value = self.setting("call_in_days")
        return int(value) if value and value.isdigit() else CALL_IN_DAYS

    def call_in_days_for(self, decision_id: str, version: int) -> int:
        """The call-in period of one version: fixed at its sign-off, else the register's."""
        row = self._x(
            "SELECT new_value FROM audit_log WHERE decision_id = %s AND version = %s AND "
            "field = 'call_in_days' ORDER BY id DESC LIMIT 1", [decision_id, version]).fetchone()
        days = call_in_period(row[0]) if row else None
        return self.call_in_days() if days is None else days

    def set_call_in_days(self, days: int) -> int:
        """Set the call-in period and work out again every version's timeline (derived
        dates, outside the locked rows); returns how many were rewritten."""
        self.set_setting("call_in_days", str(days))
        locked = self.locked_call_in_days()
        rows = self._x(
            "SELECT id, key_decision, forward_plan_notice_date, urgency_route, decision_date, "
            "meeting_date, publication_date, decision_id, version FROM versions "
            "WHERE publication_date IS NOT NULL "
            "OR decision_date IS NOT NULL OR meeting_date IS NOT NULL").fetchall()
        self._x("DELETE FROM version_timeline")
        self._many(_TIMELINE_INSERT, [
            (r[0], *_timeline_row(decision_timeline(Decision(
                id="", title="", key_decision=bool(r[1]), forward_plan_notice_date=r[2],
                urgency_route=r[3], decision_date=r[4], meeting_date=r[5],
                publication_date=r[6]), locked.get((r[7], r[8]), days))))
            for r in rows])
        return len(rows)

    def locked_call_in_days(self) -> dict[tuple[str, int], int]:
        """(decision id, version) -> the call-in period fixed at its sign-off (as SQLite)."""
        out: dict[tuple[str, int], int] = {}
        for did, version, value in self._x(
                "SELECT decision_id, version, new_value FROM audit_log WHERE field = "
                "'call_in_days' AND decision_id != '' ORDER BY id"):
            period = call_in_period(value)
            if period is not None:
                out[(did, version)] = period
        return out

    def _write_timeline(self, vid: int, decision: Decision) -> None:
        if _has_dates(decision):
            row = _timeline_row(decision_timeline(decision, self.call_in_days()))
            self._x(_TIMELINE_INSERT + " ON CONFLICT (version_id) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in _TIMELINE_COLUMNS), [vid, *row])
        else:
            self._x("DELETE FROM version_timeline WHERE version_id = %s", [vid])

    def checklist_use_counts(self) -> dict[str, int]:
        """Checklist sha256 -> how many decisions have a version answered against it."""
        return {r[0]: r[1] for r in self._x(
            "SELECT checklist_sha256, count(DISTINCT decision_id) FROM versions "
            "GROUP BY checklist_sha256")}

    def section_slugs(self, sha256: str) -> tuple[str, ...]:
        slugs = self._sections.get(sha256)
        if slugs is None:
            row = self._x("SELECT definition FROM checklists WHERE sha256 = %s",
                          [sha256]).fetchone()
            try:
                slugs = tuple(p["slug"] for p in json.loads(row[0])["principles"]) if row else ()
            except (ValueError, KeyError, TypeError):
                slugs = ()
            self._sections[sha256] = slugs
        return slugs

    def section_counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = {r[0]: r[1] for r in self._x(
                "SELECT sha256, count(*) FROM checklist_sections GROUP BY sha256")}
        return self._counts

    def checklist_definition(self, decision_id: str, version: int) -> str:
        row = self._x(
            "SELECT c.definition FROM versions v JOIN checklists c ON c.sha256 = "
            "v.checklist_sha256 WHERE v.decision_id = %s AND v.version = %s",
            [decision_id, version]).fetchone()
        if row is None:
            raise KeyError(decision_id)
        return str(row[0])

    def checklist_definitions(self, versions: Iterable[tuple[str, int]]
                              ) -> dict[tuple[str, int], str]:
        """(decision id, version) -> its checklist's definition, for each one on record: one
        round trip for them all (a search's "where it matched" labels a page of rows)."""
        pairs = list(dict.fromkeys(versions))
        if not pairs:
            return {}
        return {(r[0], r[1]): str(r[2]) for r in self._x(
            "SELECT v.decision_id, v.version, c.definition FROM versions v JOIN checklists c "
            "ON c.sha256 = v.checklist_sha256 JOIN unnest(%s::text[], %s::int[]) AS w(d, n) "
            "ON v.decision_id = w.d AND v.version = w.n",
            [[d for d, _ in pairs], [n for _, n in pairs]])}

    # ---- reading ------------------------------------------------------------------------
    def exists(self, decision_id: str) -> bool:
        return self._x("SELECT 1 FROM decisions WHERE id = %s", [decision_id]).fetchone() \
            is not None

    def existing_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        return {r[0] for r in self._x("SELECT id FROM decisions WHERE id = ANY(%s)", [ids])}

    def ids_with_prefix(self, prefix: str, limit: int) -> list[str]:
        pattern = like_escaped(prefix) + "%"
        return [r[0] for r in self._x(
            "SELECT id FROM decisions WHERE id LIKE %s ORDER BY id LIMIT %s", [pattern, limit])]

    def all_ids(self) -> list[str]:
        return [r[0] for r in self._x(
            "SELECT decision_id FROM versions WHERE is_current = 1 ORDER BY created_at, id")]

    def versions_of(self, decision_id: str) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self._x(
            "SELECT version, status FROM versions WHERE decision_id = %s ORDER BY version",
            [decision_id])]

    def load(self, decision_id: str, version: int | None = None) -> Decision | None:
        if version is None:
            row = self._x(_LOAD + " WHERE v.decision_id = %s AND v.is_current = 1",
                          [decision_id]).fetchone()
        else:
            row = self._x(_LOAD + " WHERE v.decision_id = %s AND v.version = %s",
                          [decision_id, version]).fetchone()
        return self._decision(row) if row is not None else None

    def _load_vid(self, vid: int) -> Decision | None:
        row = self._x(_LOAD + " WHERE v.id = %s", [vid]).fetchone()
        return self._decision(row) if row is not None else None

    def _decision(self, row: tuple[Any, ...]) -> Decision:
        (_vid, did, version, status, title, proposal, reference, reasons, organisation, maker,
         proposer, meeting, review, key, model, conflicts, sha, amendment, created, updated,
         scheme, checklist_id, checklist_version, recommendations, papers, *rest) = row
        report = dict(zip(_REPORT_COLUMNS, rest[:len(_REPORT_COLUMNS)], strict=True))
        (actions_json, answers_json, options_json, sign_offs_json, documents_json,
         appraisal_json) = rest[len(_REPORT_COLUMNS):]
        actions: dict[str, list[Action]] = {}
        for slug, text, owner, due, done in actions_json:
            actions.setdefault(slug, []).append(Action(text, owner, due, bool(done)))
        documents: dict[str, list[Document]] = {}
        for slug, title_, date, held_at in documents_json:
            documents.setdefault(slug, []).append(Document(title_, date, held_at))
        answers = {}
        for slug, rating, response, evidence in answers_json:
            answers[slug] = Answer(rating=Rating(rating) if rating else None, response=response,
                                   evidence=evidence, actions=tuple(actions.pop(slug, ())),
                                   documents=tuple(documents.pop(slug, ())))
        for slug, acts in actions.items():  # actions without an answer row
            answers[slug] = Answer(actions=tuple(acts))
        return Decision(
            id=did, title=title, proposal=proposal, reference=reference, reasons=reasons,
            organisation=organisation, decision_maker=maker, proposer=proposer,
            meeting_date=meeting, review_date=review, key_decision=bool(key),
            delivery_model=model,
            options=tuple(Option(name=n, status=s, delivery_model=m, reason=r)
                          for n, s, m, r in options_json),
            conflicts_of_interest=conflicts, answers=answers, version=version,
            status=Status(status), checklist_id=checklist_id or "",
            checklist_version=checklist_version or 0,
            sign_offs=tuple(SignOff(role=r, name=n, date=d, minute_reference=m, comment=c)
                            for r, n, d, m, c in sign_offs_json),
            created_at=created, updated_at=updated, amendment_reason=amendment,
            checklist_sha256=sha, code_scheme=scheme, sections=self.section_slugs(sha),
            recommendations=tuple(json.loads(recommendations)),
            background_papers=documents_from_record(json.loads(papers)), **report,
            appraisal=appraisal_from_json(appraisal_json))

    def stored_derived(self, decision_id: str, version: int) -> dict[str, Any] | None:
        row = self._x(
            "SELECT complete, overall_rating, verification_code, content_code FROM versions "
            "WHERE decision_id = %s AND version = %s", [decision_id, version]).fetchone()
        if row is None:
            return None
        return {"complete": row[0], "overall_rating": row[1], "verification_code": row[2],
                "content_code": row[3]}

    # ---- the register (desktop/storage/register_sql.py) ------------------------------------
    def register_count(self, q: RegisterQuery) -> int:
        return int(self._x(*register_sql.count(_DIALECT, *register_sql.where(_DIALECT, q)))
                   .fetchone()[0])

    def register_page(self, q: RegisterQuery, offset: int = 0,
                      limit: int = 200) -> list[RegisterRow]:
        """One page of the register, filtered and sorted in SQL; while searching, the
        decisions whose title has every word come first (as on SQLite)."""
        where, params = register_sql.where(_DIALECT, q)
        return list(register_sql.register_rows(self._x(*register_sql.rows(
            _DIALECT, where, params, q, offset, limit, first=register_sql.title_test(_DIALECT, q),
        )), self.section_counts()))

    def iter_register(self, q: RegisterQuery) -> Iterator[RegisterRow]:
        """The whole register, a page at a time (memory does not grow with the register)."""
        offset = 0
        while True:
            page = self.register_page(q, offset, _PAGE)
            yield from page
            if len(page) < _PAGE:
                return
            offset += _PAGE

    def search_matches(self, search: str, rows: Iterable[RegisterRow]) -> dict[str, SearchMatch]:
        return register_sql.search_matches(_DIALECT, self._x, search, rows)

    def overdue_counts(self, today: str) -> tuple[int, int]:
        row = self._x(*register_sql.overdue_counts(_DIALECT, today)).fetchone()
        return int(row[0]), int(row[1])

    def open_actions_count(self, q: ActionQuery) -> int:
        return int(self._x(*register_sql.open_actions_count(_DIALECT, q)).fetchone()[0])

    def open_actions(self, q: ActionQuery, offset: int = 0,
                     limit: int = 200) -> list[ActionRow]:
        return register_sql.action_rows(
            self._x(*register_sql.open_actions(_DIALECT, q, offset, limit)))

    def find_by_code(self, code: str) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._x(
            "SELECT decision_id, version FROM versions WHERE verification_code = %s "
            "UNION SELECT decision_id, version FROM versions WHERE content_code = %s",
            [code, code])]

    # ---- writing (inside transaction()) ----------------------------------------------------
    def stored_timelines(self, decision_id: str | None = None
                         ) -> dict[tuple[str, int], tuple[object, ...]]:
        """(decision id, version) -> its stored version_timeline row (after version_id)."""
        only = " WHERE v.decision_id = %s" if decision_id is not None else ""
        return {(r[0], int(r[1])): tuple(r[2:]) for r in self._x(
            f"SELECT v.decision_id, v.version, {', '.join('t.' + c for c in _TIMELINE_COLUMNS)} "
            f"FROM version_timeline t JOIN versions v ON v.id = t.version_id{only}",
            [] if decision_id is None else [decision_id])}

    def version_id(self, decision_id: str, version: int) -> int:
        row = self._x("SELECT id FROM versions WHERE decision_id = %s AND version = %s",
                      [decision_id, version]).fetchone()
        if row is None:
            raise KeyError(decision_id)
        return int(row[0])

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
        self.insert_many([decision], checklist_sha, is_current=is_current)

    def insert_many(self, decisions: Iterable[Decision], checklist_sha: str | None, *,
                    is_current: bool = True,
                    known_codes: Iterable[tuple[str, str] | None] | None = None) -> None:
        """Insert new versions (a version 1 with its decision), one statement per table.

        A signed-off version goes in ready, and its sign-offs through the server's
        record_sign_off, the last of which locks it (so importing sign-offs needs dc_clerk);
        a withdrawn one goes in as its content says, then is withdrawn."""
        asked, known = answered_as(decisions, checklist_sha, known_codes)
        if not asked:
            return
        decisions = self._who_as_the_server_keeps(asked)
        # a decision whose names the server changes has other codes than those given
        known = [c if d is a else None for d, a, c in zip(decisions, asked, known, strict=True)]
        fresh = {d.id for d in decisions if d.version == 1}
        later = [d.id for d in decisions if d.version != 1]
        missing = set(later) - self.existing_ids(later)
        self._many("INSERT INTO decisions (id, current_version, created_at) VALUES (%s, %s, %s)",
                   [(d.id, d.version, d.created_at) for d in decisions
                    if d.id in fresh or d.id in missing])
        rows = []
        sql = None
        for decision, given in zip(decisions, known, strict=True):
            values: dict[str, Any] = {c: getattr(decision, c) for c in _VERSION_COLUMNS}
            values["key_decision"] = int(decision.key_decision)
            values["recommendations"] = _json_list(decision.recommendations)
            values["background_papers"] = _json_documents(decision.background_papers)
            # a version to be signed off goes in ready: its codes are the ready ones until
            # the last sign-off locks it (the server then stores the locked codes)
            values.update(self._derived(replace(decision, status=Status.READY), None)
                          if decision.status == Status.SIGNED_OFF
                          else self._derived(decision, given))
            values.update(
                decision_id=decision.id, version=decision.version, is_current=int(is_current),
                status=(Status.READY if decision.status in (Status.READY, Status.SIGNED_OFF)
                        else Status.DRAFT).value,
                checklist_sha256=decision.checklist_sha256, created_at=decision.created_at,
                updated_at=decision.updated_at)
            sql = sql or (f"INSERT INTO versions ({', '.join(values)}) VALUES "
                          f"({', '.join(['%s'] * len(values))}) RETURNING id")
            rows.append(tuple(values.values()))
        assert sql is not None
        if len(asked) > 1 and self._watchdog is not None:
            self._watchdog.patient()  # an import: the server may take longer (watchdog.py)
        vids: list[int] = []
        try:
            conn = self._live()
            with self._bounded(conn), conn.cursor() as cur:
                cur.executemany(sql, rows, returning=True)
                while True:
                    found = cur.fetchone()
                    if found is not None:
                        vids.append(int(found[0]))
                    if not cur.nextset():
                        break
        except Exception as exc:  # noqa: BLE001 - psycopg's errors become the domain's
            raise self._translated(exc) from None
        pairs = list(zip(vids, decisions, strict=True))
        self._insert_children(pairs)
        timed = [(vid, d) for vid, d in pairs if _has_dates(d)]
        if timed:
            days = self.call_in_days()
            self._many(_TIMELINE_INSERT, [(vid, *_timeline_row(decision_timeline(d, days)))
                                          for vid, d in timed])
        self._many("INSERT INTO search_index (version_id, title, words) "
                   "VALUES (%s, %s::tsvector, %s::tsvector)",
                   [(vid, search_vector(d.title), search_vector("\n".join(search_document(d))))
                    for vid, d in pairs])
        audit_rows = []
        for vid, decision in pairs:
            changes = field_changes(None, decision)
            if decision.status == Status.WITHDRAWN:
                self._x("UPDATE versions SET status = 'withdrawn' WHERE id = %s", [vid])
            if decision.status in (Status.READY, Status.WITHDRAWN):
                changes.append(("status", None, decision.status.value))
            audit_rows.append((decision.id, decision.version, changes, decision.updated_at))
        self.audit_many(audit_rows)
        for vid, decision in pairs:
            if decision.sign_offs:
                self._record_imported_sign_offs(vid, decision)

    def _who_as_the_server_keeps(self, decisions: list[Decision]) -> list[Decision]:
        """The appraisals' scorers, lockers and changers as the server will store them (p005):
        a name the decision's audit rows do not show becomes ours, so the codes agree. One
        read, and only when some appraisal names someone else (an amendment, an import)."""
        foreign = {d.id for d in decisions if foreign_names(d.appraisal, self.user)}
        if not foreign:
            return decisions
        audited: dict[str, set[tuple[str, str, str | None]]] = {}
        for did, who, field, value in self._x(
                'SELECT decision_id, "user", field, new_value FROM audit_log '
                "WHERE decision_id = ANY(%s) AND field LIKE 'appraisal.%%'", [list(foreign)]):
            audited.setdefault(did, set()).add((who, field, value))
        return [replace(d, appraisal=who_the_server_keeps(d.appraisal, self.user,
                                                          audited.get(d.id, set())))
                if d.id in foreign and d.appraisal is not None else d for d in decisions]

    def _record_imported_sign_offs(self, vid: int, decision: Decision) -> None:
        """A bundle's sign-offs, through the server: optional roles first, then the required
        ones, the last of which locks the version if the bundle has it signed off."""
        required = self._required_roles(decision.checklist_sha256)
        ordered = sorted(decision.sign_offs, key=lambda s: s.role.casefold() in required)
        read = replace(decision, status=Status.READY, sign_offs=())
        seen = self.newest_audit_id(decision.id)  # this transaction's own rows do not count
        for i, s in enumerate(ordered):
            last = i == len(ordered) - 1 and decision.status == Status.SIGNED_OFF
            self._sign(vid, read, s, decision.updated_at,
                       decision if last else None, seen)
            read = replace(read, sign_offs=(*read.sign_offs, s))

    def _required_roles(self, sha: str) -> set[str]:
        row = self._x("SELECT definition FROM checklists WHERE sha256 = %s", [sha]).fetchone()
        try:
            roles = json.loads(row[0])["sign_off_roles"] if row else []
            return {r["name"].casefold() for r in roles if r.get("required")}
        except (ValueError, KeyError, TypeError, AttributeError):
            return set()

    def _insert_children(self, rows: list[tuple[int, Decision]]) -> None:
        self._many("INSERT INTO options (version_id, position, name, status, delivery_model, "
                   "reason) VALUES (%s, %s, %s, %s, %s, %s)",
                   [(vid, i, o.name, o.status, o.delivery_model, o.reason)
                    for vid, d in rows for i, o in enumerate(d.options)])
        self._many("INSERT INTO answers (version_id, slug, rating, response, evidence) "
                   "VALUES (%s, %s, %s, %s, %s)",
                   [(vid, slug, a.rating.value if a.rating else None, a.response, a.evidence)
                    for vid, d in rows for slug, a in d.answers.items()])
        self._many("INSERT INTO actions (version_id, slug, position, action, owner, due) "
                   "VALUES (%s, %s, %s, %s, %s, %s)",
                   [(vid, slug, i, x.action, x.owner, x.due)
                    for vid, d in rows for slug, a in d.answers.items()
                    for i, x in enumerate(a.actions)])
        self._many("INSERT INTO action_progress (version_id, slug, position, done_at) "
                   "VALUES (%s, %s, %s, %s)",
                   [(vid, slug, i, d.updated_at)
                    for vid, d in rows for slug, a in d.answers.items()
                    for i, x in enumerate(a.actions) if x.done])
        insert_appraisals(self._many, [(vid, d.appraisal) for vid, d in rows])
        self._many("INSERT INTO documents (version_id, slug, position, title, date, held_at) "
                   "VALUES (%s, %s, %s, %s, %s, %s)",
                   [(vid, slug, i, x.title, x.date, x.held_at)
                    for vid, d in rows for slug, a in d.answers.items()
                    for i, x in enumerate(a.documents)])

    def _write_options(self, vid: int, options: Iterable[Option]) -> None:
        self._x("DELETE FROM options WHERE version_id = %s", [vid])
        self._many("INSERT INTO options (version_id, position, name, status, delivery_model, "
                   "reason) VALUES (%s, %s, %s, %s, %s, %s)",
                   [(vid, i, o.name, o.status, o.delivery_model, o.reason)
                    for i, o in enumerate(options)])

    def _write_answer(self, vid: int, slug: str, answer: Answer, at: str, *,
                      stored: Answer | None = None) -> None:
        """Write one section's answer; `stored`: its answer as stored now (None: no row).

        Only what differs is rewritten: the answer's row is updated in the columns that
        changed (an autosave of its text is one UPDATE, fired through its lock trigger once),
        its documents only if they changed, and its actions only if they changed or one is
        done (a done action's time is rewritten with every change of the answer, as ever)."""
        values = {"rating": answer.rating.value if answer.rating else None,
                  "response": answer.response, "evidence": answer.evidence}
        # a stored answer of only actions may have no row of its own (load makes one up)
        row = stored is not None and bool(stored.rating or stored.response or stored.evidence
                                          or stored.documents)
        if not row:
            if stored is not None:
                self._x("DELETE FROM answers WHERE version_id = %s AND slug = %s", [vid, slug])
            self._x("INSERT INTO answers (version_id, slug, rating, response, evidence) "
                    "VALUES (%s, %s, %s, %s, %s)", [vid, slug, *values.values()])
        else:
            assert stored is not None
            held = {"rating": stored.rating.value if stored.rating else None,
                    "response": stored.response, "evidence": stored.evidence}
            changed = {c: v for c, v in values.items() if held[c] != v}
            if changed:
                sets = ", ".join(f"{c} = %s" for c in changed)
                self._x(f"UPDATE answers SET {sets} WHERE version_id = %s AND slug = %s",
                        [*changed.values(), vid, slug])
        actions = (stored is None or stored.actions != answer.actions
                   or any(a.done for a in stored.actions))
        documents = stored is None or stored.documents != answer.documents
        if stored is not None and actions and documents:
            self._x("WITH p AS (DELETE FROM action_progress WHERE version_id = %(v)s "
                    "AND slug = %(s)s), x AS (DELETE FROM actions WHERE version_id = %(v)s "
                    "AND slug = %(s)s) DELETE FROM documents WHERE version_id = %(v)s "
                    "AND slug = %(s)s", {"v": vid, "s": slug})
        elif stored is not None and actions:
            self._x("WITH p AS (DELETE FROM action_progress WHERE version_id = %(v)s "
                    "AND slug = %(s)s) DELETE FROM actions WHERE version_id = %(v)s "
                    "AND slug = %(s)s", {"v": vid, "s": slug})
        elif stored is not None and documents:
            self._x("DELETE FROM documents WHERE version_id = %s AND slug = %s", [vid, slug])
        if actions:
            self._write_actions(vid, slug, answer, at)
        if documents:
            self._many("INSERT INTO documents (version_id, slug, position, title, date, "
                       "held_at) VALUES (%s, %s, %s, %s, %s, %s)",
                       [(vid, slug, i, x.title, x.date, x.held_at)
                        for i, x in enumerate(answer.documents)])

    def _write_actions(self, vid: int, slug: str, answer: Answer, at: str) -> None:
        self._many("INSERT INTO actions (version_id, slug, position, action, owner, due) "
                   "VALUES (%s, %s, %s, %s, %s, %s)",
                   [(vid, slug, i, a.action, a.owner, a.due)
                    for i, a in enumerate(answer.actions)])
        self._many("INSERT INTO action_progress (version_id, slug, position, done_at) "
                   "VALUES (%s, %s, %s, %s)",
                   [(vid, slug, i, at) for i, a in enumerate(answer.actions) if a.done])

    def current_version_id(self, decision: Decision) -> int | None:
        """The row id of `decision`'s version if it is still the current one, stored as the
        caller holds it; None if anything differs. The row stays locked (FOR UPDATE) until
        the transaction ends: a second writer of the record waits, then sees this save."""
        row = self._x(
            "SELECT id, version, status, updated_at, verification_code, "
            "(SELECT count(*) FROM sign_offs s WHERE s.version_id = v.id), "
            "(SELECT count(*) FROM action_progress p WHERE p.version_id = v.id) "
            "FROM versions v WHERE decision_id = %s AND is_current = 1 FOR UPDATE",
            [decision.id]).fetchone()
        if row is None or tuple(row[1:]) != self._as_held(decision):
            return None
        self._locked[int(row[0])] = (decision.updated_at, decision.status.value)
        return int(row[0])

    def _as_held(self, decision: Decision) -> tuple[int, str, str, str, int, int]:
        """What current_version_id compares with the stored row: the version, its status, the
        time of its last save, its printed code, how many sign-offs and ticked actions."""
        done = sum(a.done for answer in decision.answers.values() for a in answer.actions)
        return (decision.version, decision.status.value, decision.updated_at,
                self._worked.codes(decision)[0], len(decision.sign_offs), done)

    def update_if_held(self, old: Decision, new: Decision) -> Callable[[], bool]:
        """update(old, new) if `old` is still the current version, stored as the caller holds
        it (current_version_id's test); inside transaction(). Returns whether it was written,
        to be asked once the transaction has ended.

        A change of one answer's rating, response or evidence (an autosave's) is one
        statement, p014's dc_save_answer: the server makes the same test and, if it holds,
        the same writes, so the transaction is one round trip. Any other change is
        current_version_id and update, two."""
        args = self._answer_save(old, new)
        if args is None:
            vid = self.current_version_id(old)
            if vid is not None:
                self.update(old, new, vid=vid)
            return lambda: vid is not None
        cur = self._x(_SAVE_ANSWER, args)
        fetched: list[Any] = []

        def row() -> Any:  # (written, newest audit id), once the pipeline has been synced
            if not fetched:
                fetched.append(cur.fetchone())
            return fetched[0]

        self._newest = row  # transaction() reads the newest audit id from it: not again
        return lambda: bool(row()[0])

    def _answer_save(self, old: Decision, new: Decision) -> list[Any] | None:
        """dc_save_answer's arguments for writing `new` over `old`, or None unless all that
        differs is one answer's rating, response or evidence (its row stored, its actions and
        documents as they were, none of them ticked) and what those change of the version
        row (its codes, completeness and rating, the time of the save)."""
        if (self._depth != 1 or old.id != new.id or old.version != new.version
                or old.status != new.status or old.options != new.options
                or old.appraisal != new.appraisal
                or _timeline_inputs(old) != _timeline_inputs(new)):
            return None
        slugs = [slug for slug in dict.fromkeys([*section_slugs(old), *section_slugs(new)])
                 if old.answer(slug) != new.answer(slug)]
        if len(slugs) != 1:
            return None
        slug = slugs[0]
        stored, answer = old.answers.get(slug), new.answer(slug)
        if (stored is None  # a row to update (as _write_answer decides), nothing else
                or not (stored.rating or stored.response or stored.evidence or stored.documents)
                or stored.actions != answer.actions or any(a.done for a in stored.actions)
                or stored.documents != answer.documents):
            return None
        before = {**_content_columns(old), **self._worked.standing(old)}
        after = {**_content_columns(new), **self._derived(new, self._worked.codes(new, old)),
                 "updated_at": new.updated_at}
        if any(c not in _SET_WITH_AN_ANSWER for c, v in after.items()
               if c not in before or before[c] != v):
            return None
        document = self._worked.document(new)
        words = (search_vector("\n".join(document))
                 if self._worked.document(old) != document else None)
        rows = self._unwritten([(new.id, new.version, field_changes(old, new),
                                 new.updated_at)])
        return [old.id, *self._as_held(old), new.updated_at, after["complete"],
                after["overall_rating"], after["overall_rank"], after["verification_code"],
                after["content_code"], after["code_scheme"], slug,
                answer.rating.value if answer.rating else None, answer.response,
                answer.evidence, words, [r[3] for r in rows], [r[4] for r in rows],
                [r[5] for r in rows]]

    def _newest_audit_row(self) -> int:
        row = self._x("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()
        return int(row[0]) if row else 0

    def data_version(self) -> int:
        """A number that changes when another connection has committed a change to the
        register (the newest audit row moved on since our own last commit). One round trip
        a look; a window listens instead (`watcher()`), the command line never looks."""
        try:
            newest = self._newest_audit_row()
        except (Refused, StorageError, InvalidInput):
            return self._changes
        if self._seen is None:
            self._seen = newest
        elif newest != self._seen:
            self._seen = newest
            self._changes += 1
        return self._changes

    def update(self, old: Decision, new: Decision, *,
               vid: int | None = None) -> list[Change]:
        """Write what changed between old and new (same version) and audit it; refused
        (ChangedElsewhere) if the stored version is no longer `old` as its writer read it."""
        changes = field_changes(old, new)
        vid = vid if vid is not None else self.version_id(new.id, new.version)
        if vid in self._signed_here and new.status == Status.SIGNED_OFF:
            self.audit(new.id, new.version, changes, new.updated_at)  # the server wrote these
            return changes
        # Only the columns whose values differ from old's are set: fewer to send, and the
        # server's checks and indexes see only what changed (as the SQLite register does)
        before = {**_content_columns(old), **self._worked.standing(old)}
        after = {**_content_columns(new), **self._derived(new, self._worked.codes(new, old)),
                 "updated_at": new.updated_at}
        values = {c: v for c, v in after.items() if c not in before or before[c] != v}
        sets = ", ".join(f"{c} = %s" for c in values)
        cur = self._x(f"UPDATE versions SET {sets} WHERE id = %s AND updated_at = %s "
                      "AND status = %s RETURNING id", [*values.values(), vid, old.updated_at,
                                                       old.status.value])
        # A row current_version_id locked as `old` has it is updated: no need to wait for the
        # answer (the pipeline sends on). Otherwise read it: none, and it moved on.
        checked = self._locked.get(vid) == (old.updated_at, old.status.value)
        self._locked.pop(vid, None)  # this UPDATE moves it on
        if not checked and cur.fetchone() is None:
            raise ChangedElsewhere(
                f"{old.title!r} was changed elsewhere since it was read, so this change was "
                "not saved: open it again")
        if old.options != new.options:
            self._write_options(vid, new.options)
        if _timeline_inputs(old) != _timeline_inputs(new):
            self._write_timeline(vid, new)
        if old.appraisal != new.appraisal:
            delete_appraisals(self._x, [vid])
            insert_appraisals(self._many, [(vid, new.appraisal)])
        for slug in dict.fromkeys([*section_slugs(old), *section_slugs(new)]):
            if old.answer(slug) != new.answer(slug):
                self._write_answer(vid, slug, new.answer(slug), new.updated_at,
                                   stored=old.answers.get(slug))
        document = self._worked.document(new)
        if self._worked.document(old) != document:  # the title's words only if it changed
            title = "title = %s::tsvector, " if old.title != new.title else ""
            self._x(f"UPDATE search_index SET {title}words = %s::tsvector WHERE version_id = %s",
                    [*([search_vector(new.title)] if title else []),
                     search_vector("\n".join(document)), vid])
        self.audit(new.id, new.version, changes, new.updated_at)
        return changes

    def delete(self, decision_id: str, at: str) -> None:
        vids = [r[0] for r in self._x("SELECT id FROM versions WHERE decision_id = %s",
                                      [decision_id])]
        for table in ("action_progress", "actions", "documents", "answers", "options",
                      "version_timeline", "search_index"):
            self._x(f"DELETE FROM {table} WHERE version_id = ANY(%s)", [vids])
        delete_appraisals(self._x, vids)
        self._x("DELETE FROM versions WHERE decision_id = %s", [decision_id])
        self._x("DELETE FROM decisions WHERE id = %s", [decision_id])
        self.audit(decision_id, 0, [("deleted", None, None)], at)

    # ---- sign-offs, amendments, follow-up, signed copies (inside transaction()) -------------
    def newest_audit_id(self, decision_id: str) -> int:
        """The id of the decision's newest audit row (0: none). Read before the record a
        sign-off rests on: record_sign_off refuses (stale) if the decision has a newer one."""
        row = self._x("SELECT coalesce(max(id), 0) FROM audit_log WHERE decision_id = %s",
                      [decision_id]).fetchone()
        return int(str(row[0])) if row else 0

    def insert_sign_off(self, vid: int, s: SignOff, at: str, *, basis: Decision,
                        audit_seen: int | None = None) -> None:
        """Record one sign-off of `basis`, the version as the caller read and checked it (a
        printed copy's code among the checks), through the server's record_sign_off: under
        the version's row lock it refuses the sign-off (stale) unless what is stored is still
        `basis`, and when this is the last required role it locks the version with the codes
        given (computed from `basis`, which that check proves is what is stored). Never a
        read of our own here: one made after the caller's checks could be newer than what
        they checked. `audit_seen`, the decision's newest audit id read before `basis`: the
        server refuses if the decision has a newer audit row (every content change has one,
        p007), which no author's raw SQL can avoid (p009)."""
        read = basis
        signed = replace(read, sign_offs=(*read.sign_offs, s))
        required = self._required_roles(read.checklist_sha256)
        done = {x.role.casefold() for x in signed.sign_offs}
        locked = replace(signed, status=Status.SIGNED_OFF, updated_at=at) \
            if required <= done else None
        self._sign(vid, read, s, at, locked, audit_seen)

    def _sign(self, vid: int, read: Decision, s: SignOff, at: str,
              locked: Decision | None, audit_seen: int | None) -> None:
        printed, content = codes(locked) if locked is not None else (None, None)
        self._x("SELECT record_sign_off(%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s)",
                [vid, s.role, s.name, s.date, s.minute_reference, s.comment, at,
                 codes(read)[0],
                 json.dumps([[x.role, x.name, x.date, x.minute_reference, x.comment]
                             for x in read.sign_offs]),
                 printed, content, audit_seen])
        self._wrote(read, f"sign_off.{s.role}", None, sign_off_text(s))
        if locked is not None:
            self._signed_here.add(vid)
            self._wrote(read, "status", read.status.value, Status.SIGNED_OFF.value)
            self._wrote(read, "verification_code", None, printed)
            self._wrote(read, "content_code", None, content)

    def _wrote(self, d: Decision, field: str, old: str | None, new: str | None) -> None:
        key = (d.id, d.version, field, old, new)
        self._server_wrote[key] = self._server_wrote.get(key, 0) + 1

    def delete_sign_off(self, vid: int, role: str, at: str) -> None:
        row = self._x("SELECT v.decision_id, v.version, s.name, s.date, s.minute_reference, "
                      "s.comment FROM sign_offs s JOIN versions v ON v.id = s.version_id "
                      "WHERE s.version_id = %s AND s.role = %s", [vid, role]).fetchone()
        self._x("SELECT remove_sign_off(%s, %s, %s)", [vid, role, at])
        if row is not None:
            text = sign_off_text(SignOff(role, row[2], row[3], row[4], row[5]))
            key = (row[0], row[1], f"sign_off.{role}", text, None)
            self._server_wrote[key] = self._server_wrote.get(key, 0) + 1

    def retire_version(self, decision_id: str, version: int, new_version: int) -> None:
        """Start an amendment through the server's amend_version, the only way a version
        stops being current; new_version must then be inserted in the same transaction."""
        self._x("SELECT amend_version(%s, %s, %s)", [decision_id, version, new_version])

    def version_started(self, decision_id: str, version: int) -> str | None:
        row = self._x("SELECT created_at FROM versions WHERE decision_id = %s AND version = %s",
                      [decision_id, version]).fetchone()
        return str(row[0]) if row else None

    def set_action_done(self, vid: int, slug: str, position: int, done: bool,
                        at: str) -> None:
        if done:
            self._x("INSERT INTO action_progress (version_id, slug, position, done_at) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING", [vid, slug, position, at])
        else:
            self._x("DELETE FROM action_progress WHERE version_id = %s AND slug = %s "
                    "AND position = %s", [vid, slug, position])

    def done_when_signed(self, vid: int) -> set[tuple[str, int]]:
        return {(r[0], r[1]) for r in self._x(
            "SELECT slug, position FROM action_progress WHERE version_id = %s AND done_at <= "
            "(SELECT max(recorded_at) FROM sign_offs WHERE version_id = %s)", [vid, vid])}

    def attach_signed_copy(self, vid: int, filename: str, data: bytes, sha256: str,
                           at: str) -> SignedCopy:
        """The copy as the server stored it: its time and who attached it are the server's."""
        row = self._x("INSERT INTO signed_copies (version_id, filename, sha256, size, data, "
                      "attached_at) VALUES (%s, %s, %s, %s, %s, %s) "
                      "RETURNING id, attached_at, attached_by",
                      [vid, filename, sha256, len(data), data, at]).fetchone()
        return SignedCopy(int(row[0]), filename, sha256, len(data), str(row[1]), str(row[2]))

    def signed_copies(self, vid: int) -> list[SignedCopy]:
        return [SignedCopy(*r) for r in self._x(
            "SELECT id, filename, sha256, size, attached_at, attached_by FROM signed_copies "
            "WHERE version_id = %s ORDER BY id", [vid])]

    def signed_copy_data(self, copy_id: int) -> bytes | None:
        row = self._x("SELECT data FROM signed_copies WHERE id = %s", [copy_id]).fetchone()
        return bytes(row[0]) if row else None

    # ---- the audit log: appended here, chained and signed for by the server -----------------
    def audit(self, decision_id: str, version: int, changes: Iterable[Change],
              at: str) -> None:
        self.audit_many([(decision_id, version, changes, at)])

    def audit_many(self, entries: Iterable[tuple[str, int, Iterable[Change], str]], *,
                   accept_behind: bool = False) -> None:
        """Append audit rows; the server sets each one's id, "user" and hash chain. A row
        the server's own function already wrote in this transaction is not written again."""
        self._many("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                   "new_value) VALUES (%s, %s, %s, %s, %s, %s)", self._unwritten(entries))

    def _unwritten(self, entries: Iterable[tuple[str, int, Iterable[Change], str]]
                   ) -> list[tuple[str, str, int, str, str | None, str | None]]:
        """The audit rows (at, decision id, version, field, old, new) of `entries` that the
        server's own function has not already written in this transaction."""
        rows = []
        for decision_id, version, changes, at in entries:
            for field, old_value, new_value in changes:
                key = (decision_id, version, field, old_value, new_value)
                if self._server_wrote.get(key):
                    self._server_wrote[key] -= 1
                    continue
                rows.append((at, decision_id, version, field, old_value, new_value))
        return rows

    def audit_entries(self, decision_id: str | None = None) -> list[AuditEntry]:
        if decision_id is None:
            return [AuditEntry(*r) for r in self._x(_AUDIT_SELECT + " ORDER BY id")]
        return [AuditEntry(*r) for r in self._x(
            _AUDIT_SELECT + " WHERE decision_id = %s ORDER BY id", [decision_id])]

    def audit_rows(self, decision_id: str, version: int, field: str) -> list[AuditEntry]:
        return [AuditEntry(*r) for r in self._x(
            _AUDIT_SELECT + " WHERE decision_id = %s AND version = %s AND field = %s "
            "ORDER BY id", [decision_id, version, field])]

    def audited_lock_code(self, code: str) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._x(
            "SELECT DISTINCT decision_id, version FROM audit_log "
            "WHERE field IN ('verification_code', 'content_code') AND new_value = %s", [code])]

    def verify_audit_chain(self) -> list[int]:
        """Ids of audit rows whose hash or chain link does not match (empty when intact)."""
        return list(self.check_audit_log().tampered)

    def check_audit_log(self) -> AuditLogCheck:
        """Re-derive the chain the server keeps: every link and hash (no seal: the server's
        append-only log and its session user stand in for it)."""
        bad: list[int] = []
        prev = GENESIS_HASH
        expected_id = 0
        for rid, at, user, did, version, field, old, new, prev_hash, h in self._x(
                _AUDIT_SELECT + " ORDER BY id"):
            expected_id += 1
            if prev_hash != prev or h != audit_hash(prev, at, user, did, version, field, old,
                                                    new) or rid != expected_id:
                bad.append(rid)
            prev, expected_id = h, rid
        return AuditLogCheck(tuple(bad), {}, ())
