"""`copy-register FROM TO`: every row of one register into a new, empty one (issue 17 item 6).

Either end is a register file or a shared register (a postgresql:// URI). Every row is kept
as it is: decisions, every version (signed-off ones too) and what hangs off them, sign-offs,
signed copies, checklists, register settings, and the audit log with its ids, who, times and
hash chain, so `audit --check` and `verify` give the same answers on the copy.

- The source is only read (a file through a read-only connection, a server in a READ ONLY
  REPEATABLE READ transaction, so a live register gives one consistent snapshot), and its
  audit log must check out first: a copy must not launder a broken chain or seals this
  computer cannot check (they are not carried into a file, see below).
- Into a server: one transaction, as the database's owner, under `SET LOCAL dc.copy_in` (the
  server keeps each row's own who, ids, hashes and seals, and each audit row must still chain
  on from the one before). The identity sequences are moved past the copied ids after.
- Into a file: a new file only, built in a temporary file beside it and linked into place at
  the end (a copy killed part-way leaves no register under the name). A file's audit rows
  written by this computer carry seals (storage/seal.py) under the new register's key; rows
  copied in were not, so the audit rows go in before m005_seal_from runs, which records that
  sealing begins after them (`register_meta.sealed_from`), as for a register made before
  sealing existed. Their chain is checked as ever; the first row written after the copy is
  sealed.
- A signed-off version cannot be inserted as such (the lock triggers of both engines): it goes
  in as 'ready', its rows and sign-offs after it, and then its status is set, which the
  triggers allow only with a complete record and every required sign-off.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.domain.errors import InvalidInput, StorageError
from desktop.storage.postgres.uri import is_postgres_uri
from desktop.storage.schema_info import APPRAISAL_TABLES, LONG_LIST_TABLE

BATCH = 500  # decisions copied (and reported on stderr) at a time

# Register-wide tables, copied first, with the order their rows are read in.
_REGISTER_TABLES = (("checklists", "rowid"), ("checklist_sections", "sha256, position"),
                    ("register_settings", "key"))
# A version's own rows, copied while it is not locked yet (after its versions row).
_VERSION_TABLES = ("options", "answers", "actions", "documents", "version_timeline",
                   *APPRAISAL_TABLES, LONG_LIST_TABLE, "sign_offs", "action_progress")
_LOCKED_STATUSES = ("signed-off", "withdrawn")  # set after the version's rows are in
_NOT_COPIED = {"rowid"}  # the server's own insertion order (GENERATED ALWAYS)
_AUDIT_COLUMNS = ("id", "at", "user", "decision_id", "version", "field", "old_value",
                  "new_value", "prev_hash", "hash", "key_id", "seal")


@dataclass(frozen=True)
class CopyResult:
    decisions: int
    versions: int
    audit_rows: int
    rows: int  # every row copied, of every table


def _q(name: str) -> str:
    return f'"{name}"'


# ---- reading and writing rows, either engine ------------------------------------------------
class _Rows:
    """Raw rows of one register's tables; `mark` is the engine's parameter placeholder."""

    mark = "?"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def columns(self, table: str) -> list[str] | None:
        rows = self.execute(f"PRAGMA table_info({_q(table)})").fetchall()
        return [str(r[1]) for r in rows] or None

    def differs_from_default(self, table: str, column: str) -> bool:
        """Whether any row holds something other than the column's default in `column`."""
        default = next((r[4] for r in self.execute(f"PRAGMA table_info({_q(table)})")
                        if r[1] == column), None)
        test = f"IS NOT ({default})" if default is not None else "IS NOT NULL"
        return self.execute(f"SELECT 1 FROM {_q(table)} WHERE {_q(column)} {test} "
                            "LIMIT 1").fetchone() is not None

    def within(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{_q(column)} IN ({', '.join('?' * len(values))})", list(values)

    def select(self, table: str, columns: Sequence[str], order: str,
               where: tuple[str, list[Any]] | None = None) -> list[tuple[Any, ...]]:
        sql = f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)}"
        if where is not None:
            sql += f" WHERE {where[0]}"
        return [tuple(r) for r in self.execute(f"{sql} ORDER BY {order}", where[1] if where else ())]

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            marks = ", ".join([self.mark] * len(columns))
            self.conn.executemany(f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) "
                                  f"VALUES ({marks})", rows)

    def count(self, table: str) -> int:
        row = self.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()
        return int(row[0]) if row else 0


class _PgRows(_Rows):
    mark = "%s"

    def columns(self, table: str) -> list[str] | None:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s ORDER BY ordinal_position", [table]).fetchall()
        return [str(r[0]) for r in rows] or None

    def differs_from_default(self, table: str, column: str) -> bool:
        row = self.execute(
            "SELECT column_default FROM information_schema.columns WHERE table_schema = "
            "'public' AND table_name = %s AND column_name = %s", [table, column]).fetchone()
        default = row[0] if row else None
        test = f"IS DISTINCT FROM ({default})" if default is not None else "IS NOT NULL"
        return self.execute(f"SELECT 1 FROM {_q(table)} WHERE {_q(column)} {test} "
                            "LIMIT 1").fetchone() is not None

    def within(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{_q(column)} = ANY(%s)", [list(values)]

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) "
                                f"VALUES ({', '.join(['%s'] * len(columns))})", rows)


# ---- the source ----------------------------------------------------------------------------
@contextlib.contextmanager
def _source(where: str) -> Iterator[tuple[_Rows, Any]]:
    """(rows, repository) of the register at `where`, read in one read-only snapshot."""
    if is_postgres_uri(where):
        from desktop.storage.postgres.repository import PostgresRepository

        pg = PostgresRepository.connect(where)
        try:
            conn = pg.connection
            conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
                         "REPEATABLE READ, READ ONLY")
            with conn.transaction():
                yield _PgRows(conn), pg
        finally:
            pg.close()
        return
    from desktop import paths
    from desktop.storage.database import open_database
    from desktop.storage.repository import Repository

    path = Path(where)
    if not path.is_file():
        raise InvalidInput(f"copy-register: there is no register file at {where}")
    db = open_database(path, read_only=True)
    try:
        repo = Repository(db, "copy-register", paths.audit_key_dir)
        with repo.read_snapshot():  # one snapshot of a file another program may be writing
            yield _Rows(db.conn), repo
    finally:
        db.close()


def _refuse_unsound_source(repo: Any, where: str) -> None:
    check = repo.check_audit_log()
    problem = (f"{len(check.tampered)} audit row(s) do not chain or do not match their seal"
               if check.tampered else "; ".join(check.problems) if check.problems else
               "its audit seals cannot be checked on this computer, which does not hold the "
               "key they were made with (copy it on the computer that holds its key)"
               if check.unverifiable else "")
    if problem:
        raise InvalidInput(f"copy-register: the register at {where} does not check out: "
                           f"{problem}; run `audit --check` on it. Nothing was copied")


# ---- the copy ------------------------------------------------------------------------------
class _Copier:
    def __init__(self, src: _Rows, repo: Any, dst: _Rows, *, into_server: bool,
                 progress: Callable[[str], None]) -> None:
        self.src, self.repo, self.dst = src, repo, dst
        self.into_server = into_server
        self.progress = progress
        self.rows = 0
        self._columns: dict[str, list[str] | None] = {}

    def columns(self, table: str) -> list[str] | None:
        """The columns both ends have, or None if the source has no such table. Refuses a
        source that holds something the target has no place for (a newer schema)."""
        if table not in self._columns:
            ours, theirs = self.src.columns(table), self.dst.columns(table)
            if ours is None:
                self._columns[table] = None
                return None
            if theirs is None:
                if self.src.count(table):
                    raise InvalidInput(f"copy-register: the target has no table {table} for "
                                       "the source's rows (upgrade it: server init). Nothing "
                                       "was copied")
                self._columns[table] = None
                return None
            lost = [c for c in ours if c not in theirs and c not in _NOT_COPIED
                    and self.src.differs_from_default(table, c)]
            if lost:
                raise InvalidInput(f"copy-register: the target's {table} has no column "
                                   f"{', '.join(lost)} for the source's values (upgrade it: "
                                   "server init). Nothing was copied")
            self._columns[table] = [c for c in ours if c in theirs and c not in _NOT_COPIED]
        return self._columns[table]

    def copy_table(self, table: str, order: str,
                   where: tuple[str, list[Any]] | None = None,
                   change: Callable[[dict[str, Any]], None] | None = None) -> list[tuple[Any, ...]]:
        columns = self.columns(table)
        if columns is None:
            return []
        rows = self.src.select(table, columns, order, where)
        if change is not None:
            changed = []
            for row in rows:
                values = dict(zip(columns, row, strict=True))
                change(values)
                changed.append(tuple(values[c] for c in columns))
            rows = changed
        self.dst.insert(table, columns, rows)
        self.rows += len(rows)
        return rows

    def register_tables(self) -> None:
        """Checklists, their sections and the settings; a server may hold the same stored
        checklists already (content-addressed: the same sha256 is the same text)."""
        for table, order in _REGISTER_TABLES:
            columns = self.columns(table)
            if columns is None:
                continue
            if not self.into_server:  # a new file holds none of these yet
                self.copy_table(table, order)
                continue
            keys = {"checklists": "sha256", "checklist_sections": "sha256, slug"}.get(table)
            tail = (f"ON CONFLICT ({keys}) DO NOTHING" if keys else
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            rows = self.src.select(table, columns, order)
            with self.dst.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({', '.join(map(_q, columns))}) VALUES "
                                f"({', '.join(['%s'] * len(columns))}) {tail}", rows)
            self.rows += len(rows)

    def decisions(self) -> tuple[int, int]:
        ids = [str(r[0]) for r in self.src.execute("SELECT id FROM decisions ORDER BY id")]
        versions = 0
        for start in range(0, len(ids), BATCH):
            versions += self._batch(ids[start:start + BATCH])
            done = min(start + BATCH, len(ids))
            if len(ids) > BATCH:
                self.progress(f"copied {done} of {len(ids)} decisions")
        return len(ids), versions

    def _batch(self, ids: list[str]) -> int:
        self.copy_table("decisions", "id", self.src.within("id", ids))
        locked: list[tuple[str, int]] = []

        def unlocked(values: dict[str, Any]) -> None:
            if values["status"] in _LOCKED_STATUSES:
                locked.append((values["status"], values["id"]))
                values["status"] = "ready"

        rows = self.copy_table("versions", "id", self.src.within("decision_id", ids), unlocked)
        columns = self.columns("versions") or []
        at = {c: i for i, c in enumerate(columns)}
        vids = [r[at["id"]] for r in rows]
        if not vids:
            return 0
        for table in _VERSION_TABLES:
            columns_of = self.columns(table)
            if columns_of is not None:
                order = "rowid" if table == "sign_offs" else ", ".join(
                    _q(c) for c in columns_of[:3])
                self.copy_table(table, order, self.src.within("version_id", vids))
        for status, vid in locked:
            self.dst.execute(f"UPDATE versions SET status = {self.dst.mark} "
                             f"WHERE id = {self.dst.mark}", (status, vid))
        self.copy_table("signed_copies", "id", self.src.within("version_id", vids))
        self._search_rows([(str(r[at["decision_id"]]), int(r[at["version"]]), r[at["id"]])
                           for r in rows])
        return len(vids)

    def _search_rows(self, versions: list[tuple[str, int, Any]]) -> None:
        from desktop.storage.worked_out import search_document

        found = [(vid, self.repo.load(did, number)) for did, number, vid in versions]
        if self.into_server:
            from desktop.storage.postgres.repository import tsvector_text

            rows = [(vid, tsvector_text(d.title), tsvector_text("\n".join(search_document(d))))
                    for vid, d in found if d is not None]
            with self.dst.conn.cursor() as cur:
                cur.executemany("INSERT INTO search_index (version_id, title, words) "
                                "VALUES (%s, %s::tsvector, %s::tsvector)", rows)
        else:
            self.dst.conn.executemany(
                "INSERT INTO search_index (rowid, title, proposal, answers) VALUES (?, ?, ?, ?)",
                [(vid, *search_document(d)) for vid, d in found if d is not None])

    def audit_rows(self, *, keep_seals: bool) -> int:
        rows = self.src.select("audit_log", _AUDIT_COLUMNS, "id")
        if not keep_seals:
            rows = [(*r[:10], None, None) for r in rows]
        self.dst.insert("audit_log", _AUDIT_COLUMNS, rows)
        self.rows += len(rows)
        return len(rows)


# ---- into a server ---------------------------------------------------------------------------
def _into_server(src: _Rows, repo: Any, uri: str, progress: Callable[[str], None]) -> CopyResult:
    import psycopg

    from desktop.storage.postgres.migrate import (
        SCHEMA_VERSION,
        connect,
        no_role,
        schema_version,
    )
    from desktop.storage.postgres.uri import shown_uri

    where = shown_uri(uri)
    conn = connect(uri)
    try:
        with conn.transaction():
            try:
                version = schema_version(conn)
            except psycopg.errors.InsufficientPrivilege:  # a member of no dc_ role
                raise no_role(conn.info.user, where) from None
            if version != SCHEMA_VERSION:
                raise InvalidInput(
                    f"copy-register: the database at {where} "
                    f"{'holds no register' if version is None else f'is at schema version {version}'}"
                    f": IT runs `decision-checklist --db {where} server init` first (schema "
                    f"version {SCHEMA_VERSION}). Nothing was copied")
            conn.execute("SET LOCAL dc.copy_in = 'on'")
            row = conn.execute("SELECT dc_copying_in()").fetchone()
            if not row or not row[0]:
                raise InvalidInput(f"copy-register: run it as the owner of the database at "
                                   f"{where} (who ran server init). Nothing was copied")
            # writers queue. In the order a writer takes them (an author storing a checklist
            # takes its id's lock, p005, then the audit head's to append its row), so an
            # author saving meanwhile waits, or is waited for, and never deadlocks the copy
            for (checklist_id,) in src.execute("SELECT DISTINCT checklist_id FROM checklists "
                                               "ORDER BY checklist_id").fetchall():
                conn.execute("SELECT dc_lock_checklist_id(%s)", [checklist_id])
            conn.execute("SELECT 1 FROM audit_head WHERE one FOR UPDATE")
            held = conn.execute("SELECT (SELECT count(*) FROM decisions) + "
                                "(SELECT count(*) FROM audit_log)").fetchone()
            if held and int(str(held[0])):
                raise InvalidInput(f"copy-register: the shared register at {where} is not "
                                   "empty (it holds decisions or audit rows): copy into a new "
                                   "one. Nothing was copied")
            dst = _PgRows(conn)
            copier = _Copier(src, repo, dst, into_server=True, progress=progress)
            audit = copier.audit_rows(keep_seals=True)
            copier.register_tables()
            decisions, versions = copier.decisions()
            for table, column in conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND is_identity = 'YES' "
                    "AND identity_generation = 'BY DEFAULT'").fetchall():
                conn.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                             f"coalesce(max({_q(str(column))}), 0) + 1, false) FROM {_q(str(table))}",
                             [f"public.{table}", column])
    except (psycopg.errors.DeadlockDetected, psycopg.errors.LockNotAvailable,
            psycopg.errors.SerializationFailure):
        raise StorageError(f"copy-register into {where}: the shared register was busy "
                           "(someone was writing to it at the same time): nothing was copied; "
                           "try again when nobody is using it") from None
    except psycopg.Error as exc:
        raise StorageError(f"copy-register into {where} failed: "
                           f"{' '.join(str(exc).split())}; nothing was copied") from None
    finally:
        conn.close()
    return CopyResult(decisions, versions, audit, copier.rows)


# ---- into a new file -------------------------------------------------------------------------
def _into_file(src: _Rows, repo: Any, target: Path, progress: Callable[[str], None]) -> CopyResult:
    from sqlite_utils import Database

    from desktop.paths import private_file
    from desktop.storage import migrations
    from desktop.storage.files import hidden_sibling, link_into_place

    tmp, extras = hidden_sibling(target, "copying")  # a copy killed part-way's are cleared
    try:
        for p in extras:
            p.unlink(missing_ok=True)
        private_file(tmp)
        conn = sqlite3.connect(str(tmp))
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = OFF")  # a temporary file: fsynced once, at the end
            db = Database(conn, execute_plugins=False)
            # the copied audit rows predate this file's seal: in before m005 records where
            # sealing begins (after them)
            migrations.migrations.apply(db, stop_before="m005_seal_from")
            dst = _Rows(conn)
            copier = _Copier(src, repo, dst, into_server=False, progress=progress)
            conn.commit()
            conn.execute("BEGIN")
            audit = copier.audit_rows(keep_seals=False)
            conn.execute("COMMIT")
            migrations.apply(db)
            conn.commit()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN")
            copier.register_tables()
            decisions, versions = copier.decisions()
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise InvalidInput(f"copy-register: the source's {broken[0]} has a row whose "
                                   f"{broken[2]} is not in the register. Nothing was copied")
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _anchor(conn)
        finally:
            conn.close()
        if not link_into_place(tmp, target):  # never over a file made meanwhile
            raise InvalidInput(f"copy-register: {target} appeared while copying; it was left "
                               "as it is. Nothing was copied")
    except (sqlite3.Error, OSError) as exc:
        from desktop.storage.files import describe_os_error

        raise StorageError(f"copy-register into {target} failed: "
                           f"{describe_os_error(target, exc)}; nothing was copied") from None
    finally:
        for p in extras:
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)
    return CopyResult(decisions, versions, audit, copier.rows)


def _anchor(conn: sqlite3.Connection) -> None:
    """Give the new file's audit seal (a key of its own register id, in this computer's key
    folder) a head at the last copied row, which the source's check vouched for: rows taken
    off the end later are then caught, as in any register. The copied rows stay unsealed."""
    from desktop import paths
    from desktop.storage.seal import AuditSeal

    register_id = conn.execute("SELECT value FROM register_meta "
                               "WHERE key = 'register_id'").fetchone()
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if register_id is not None and last is not None:
        AuditSeal(paths.audit_key_dir(), str(register_id[0])).write_head(int(last[0]),
                                                                          str(last[1]))


def _refuse_existing_file(target: Path) -> None:
    try:
        present = target.exists() or target.is_symlink()
    except OSError as exc:
        raise InvalidInput(f"copy-register: {target} cannot be reached: {exc.strerror}") from None
    if present:
        raise InvalidInput(f"copy-register: {target} already exists; copy into a new file "
                           "(it was left as it is)")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"copy-register: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InvalidInput(f"copy-register: the folder {folder} is read-only; choose a folder "
                           "you can write to")


def copy_register(source: str, target: str,
                  progress: Callable[[str], None] = lambda line: None) -> CopyResult:
    """Copy every row of the register at `source` into the new, empty one at `target` (a
    file path or a postgresql:// URI); all or nothing. Refused (InvalidInput, nothing
    touched): a target that is not empty, a source that does not check out."""
    if not is_postgres_uri(target):
        _refuse_existing_file(Path(target))
    if not is_postgres_uri(source) and not is_postgres_uri(target):
        with contextlib.suppress(OSError):
            if Path(source).resolve() == Path(target).resolve():
                raise InvalidInput("copy-register: FROM and TO are the same register")
    elif source == target:
        raise InvalidInput("copy-register: FROM and TO are the same register")
    with _source(source) as (src, repo):
        _refuse_unsound_source(repo, source if not is_postgres_uri(source) else repo.location())
        if is_postgres_uri(target):
            return _into_server(src, repo, target, progress)
        return _into_file(src, repo, Path(target), progress)


def summary(result: CopyResult, target: str) -> Iterable[str]:
    """The lines `copy-register` prints when done."""
    yield (f"copied {result.decisions} decision{'s' if result.decisions != 1 else ''} "
           f"({result.versions} version{'s' if result.versions != 1 else ''}), "
           f"{result.audit_rows} audit row{'s' if result.audit_rows != 1 else ''}, "
           f"{result.rows} rows in all, into {target}")
