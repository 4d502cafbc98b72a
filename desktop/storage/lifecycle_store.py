"""SQL for sign-offs, amendments, action follow-up, signed copies and integrity checks.

`LifecycleTables` is the part of the SQLite `Repository` that writes them; the integrity
checks at the end are plain functions over the sqlite-utils Database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from desktop.domain.decision import Decision, SignOff
from desktop.domain.frozen import frozen

if TYPE_CHECKING:  # sqlite-utils is imported when first needed
    from sqlite_utils import Database

    from desktop.storage.connection import LazyDatabase


@frozen
class SignedCopy:
    """A scan of the signed paper record, attached to a signed-off version."""

    id: int
    filename: str
    sha256: str
    size: int
    attached_at: str
    attached_by: str


class LifecycleTables:
    """The SQLite repository's sign-offs, action follow-up and signed copies, by version row id.

    A part of `Repository` (it inherits these); callers run them inside one transaction.
    """

    db: LazyDatabase | Database  # the repository's database
    user: str  # who is recorded as having done it

    def newest_audit_id(self, decision_id: str) -> int:
        """The id of the decision's newest audit row (0: none)."""
        row = self.db.execute("SELECT coalesce(max(id), 0) FROM audit_log WHERE decision_id = ?",
                              [decision_id]).fetchone()
        return int(row[0]) if row else 0

    def insert_sign_off(self, vid: int, s: SignOff, at: str, *, basis: Decision,
                        audit_seen: int | None = None) -> None:
        """Record one sign-off of the version `basis` (as the caller read and checked it).
        The caller read it inside this write transaction (BEGIN IMMEDIATE), so it is what is
        stored: nothing can change between that read and this write (`audit_seen` is not
        needed here)."""
        self.db.execute(
            "INSERT INTO sign_offs (version_id, role, name, date, minute_reference, comment, "
            "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [vid, s.role, s.name, s.date, s.minute_reference, s.comment, at, self.user],
        )

    def delete_sign_off(self, vid: int, role: str, at: str) -> None:
        """Take back a sign-off (`at`: when; the caller's audit row records it)."""
        self.db.execute("DELETE FROM sign_offs WHERE version_id = ? AND role = ?", [vid, role])

    def retire_version(self, decision_id: str, version: int, new_version: int) -> None:
        """Make new_version the current one; the old row changes only its is_current flag."""
        self.db.execute(
            "UPDATE versions SET is_current = 0 WHERE decision_id = ? AND version = ?",
            [decision_id, version],
        )
        self.db.execute(
            "UPDATE decisions SET current_version = ? WHERE id = ?", [new_version, decision_id]
        )

    def version_started(self, decision_id: str, version: int) -> str | None:
        """When a version was created (its amendment started), or None if there is no such one."""
        row = self.db.execute(
            "SELECT created_at FROM versions WHERE decision_id = ? AND version = ?",
            [decision_id, version],
        ).fetchone()
        return row[0] if row else None

    def set_action_done(self, vid: int, slug: str, position: int, done: bool,
                        at: str) -> None:
        if done:
            self.db.execute(
                "INSERT OR IGNORE INTO action_progress (version_id, slug, position, done_at, done_by) "
                "VALUES (?, ?, ?, ?, ?)",
                [vid, slug, position, at, self.user],
            )
        else:
            self.db.execute(
                "DELETE FROM action_progress WHERE version_id = ? AND slug = ? AND position = ?",
                [vid, slug, position],
            )

    def done_when_signed(self, vid: int) -> set[tuple[str, int]]:
        """(slug, position) of the actions already marked done when the last sign-off was recorded."""
        rows = self.db.execute(
            "SELECT slug, position FROM action_progress WHERE version_id = ? "
            "AND done_at <= (SELECT MAX(recorded_at) FROM sign_offs WHERE version_id = ?)",
            [vid, vid],
        ).fetchall()
        return {(slug, position) for slug, position in rows}

    def attach_signed_copy(self, vid: int, filename: str, data: bytes, sha256: str,
                           at: str) -> SignedCopy:
        cur = self.db.execute(
            "INSERT INTO signed_copies (version_id, filename, sha256, size, data, attached_at, "
            "attached_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [vid, filename, sha256, len(data), data, at, self.user],
        )
        return SignedCopy(cast(int, cur.lastrowid), filename, sha256, len(data), at, self.user)

    def stored_timelines(self, decision_id: str | None = None
                         ) -> dict[tuple[str, int], tuple[object, ...]]:
        """(decision id, version) -> its stored version_timeline row (after version_id)."""
        only = " WHERE v.decision_id = ?" if decision_id is not None else ""
        return {(r[0], r[1]): tuple(r[2:]) for r in self.db.execute(
            "SELECT v.decision_id, v.version, t.publication_date, t.decision_date, "
            "t.call_in_end, t.implementable_from, t.challenge_end, t.short_notice "
            f"FROM version_timeline t JOIN versions v ON v.id = t.version_id{only}",
            [] if decision_id is None else [decision_id])}

    def signed_copies(self, vid: int) -> list[SignedCopy]:
        return [
            SignedCopy(*r)
            for r in self.db.execute(
                "SELECT id, filename, sha256, size, attached_at, attached_by FROM signed_copies "
                "WHERE version_id = ? ORDER BY id",
                [vid],
            )
        ]

    def signed_copy_data(self, copy_id: int) -> bytes | None:
        row = self.db.execute("SELECT data FROM signed_copies WHERE id = ?", [copy_id]).fetchone()
        return bytes(row[0]) if row else None


# ---- integrity ----------------------------------------------------------------------------
def triggers(db: LazyDatabase | Database) -> dict[str, str]:
    """name -> SQL of every trigger in the database."""
    return {
        r[0]: r[1]
        for r in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }


def decisions_without_one_current_version(db: LazyDatabase | Database, decision_id: str | None = None) -> list[str]:
    """Ids of decisions (or of this one) whose current_version is not the one (and only)
    current row."""
    only = " AND d.id = ?" if decision_id is not None else ""
    return [
        r[0]
        for r in db.execute(
            "SELECT d.id FROM decisions d WHERE ((SELECT count(*) FROM versions v "
            "WHERE v.decision_id = d.id AND v.is_current = 1) != 1 OR NOT EXISTS ("
            "SELECT 1 FROM versions v WHERE v.decision_id = d.id "
            f"AND v.version = d.current_version AND v.is_current = 1)){only} ORDER BY d.id",
            [decision_id] if decision_id is not None else [],
        )
    ]


def checklist_rows(db: LazyDatabase | Database) -> list[tuple[str, str]]:
    """(sha256, definition) of every stored checklist."""
    return [(r[0], r[1]) for r in db.execute("SELECT sha256, definition FROM checklists")]


def audited_call_in_days(db: LazyDatabase | Database) -> str | None:
    """The call-in period the register's last 'call_in_days' audit row set, or None."""
    row = db.execute("SELECT new_value FROM audit_log WHERE decision_id = '' AND "
                     "field = 'call_in_days' ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def duplicate_checklist_versions(db: LazyDatabase | Database) -> list[tuple[str, int, int]]:
    """(checklist id, version, how many definitions) for each id and version stored with more
    than one definition."""
    return [(r[0], r[1], r[2]) for r in db.execute(
        "SELECT checklist_id, version, count(*) FROM checklists GROUP BY checklist_id, version "
        "HAVING count(*) > 1 ORDER BY checklist_id, version")]


def checklist_section_rows(db: LazyDatabase | Database) -> dict[str, list[tuple[int, str, str]]]:
    """Checklist sha256 -> its (position, slug, kind) rows, in order."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    for sha, position, slug, kind in db.execute(
            "SELECT sha256, position, slug, kind FROM checklist_sections "
            "ORDER BY sha256, position"):
        out.setdefault(sha, []).append((position, slug, kind))
    return out


def signed_copy_hashes(db: LazyDatabase | Database) -> Iterator[tuple[int, str, bytes]]:
    """(id, stored sha256, bytes) of every signed copy, one at a time."""
    for r in db.execute("SELECT id, sha256, data FROM signed_copies ORDER BY id"):
        yield r[0], r[1], bytes(r[2])


def sign_off_rows(db: LazyDatabase | Database, vid: int) -> list[tuple[SignOff, str, str]]:
    """(the sign-off, recorded_at, recorded_by) of every stored sign-off of a version."""
    return [
        (SignOff(role=r[0], name=r[1], date=r[2], minute_reference=r[3], comment=r[4]), r[5], r[6])
        for r in db.execute(
            "SELECT role, name, date, minute_reference, comment, recorded_at, recorded_by "
            "FROM sign_offs WHERE version_id = ? ORDER BY role", [vid])
    ]


def progress_rows(db: LazyDatabase | Database, vid: int) -> list[tuple[str, int, str, str]]:
    """(slug, position, done_at, done_by) of every action of a version marked done."""
    return [(r[0], r[1], r[2], r[3]) for r in db.execute(
        "SELECT slug, position, done_at, done_by FROM action_progress WHERE version_id = ? "
        "ORDER BY slug, position", [vid])]
