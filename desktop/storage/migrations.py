"""The database schema, built step by step with sqlite-utils' built-in Migrations.

Each migration is applied once, inside a transaction. Never edit a released migration:
add a new one. SCHEMA_VERSION is stored in PRAGMA user_version so that an older app can
recognise a database made by a newer one and refuse it without touching it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database, Migrations

from desktop.storage.schema_info import (
    APPLICATION_ID,
    APPRAISAL_TABLES,
    LONG_LIST_TABLE,
    MIGRATION_SET,
)

if TYPE_CHECKING:
    from desktop.storage.connection import LazyDatabase

__all__ = ["APPLICATION_ID", "MIGRATION_SET", "SCHEMA_VERSION", "apply", "migrations"]

migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _exec(
        db,
        """
        CREATE TABLE checklists (
            sha256 TEXT PRIMARY KEY,
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition TEXT NOT NULL
        );
        CREATE TABLE decisions (
            id TEXT PRIMARY KEY,
            current_version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            decision_id TEXT NOT NULL REFERENCES decisions(id),
            version INTEGER NOT NULL,
            is_current INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'ready', 'signed-off', 'withdrawn')),
            title TEXT NOT NULL,
            proposal TEXT NOT NULL DEFAULT '',
            reference TEXT NOT NULL DEFAULT '',
            reasons TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            decision_maker TEXT NOT NULL DEFAULT '',
            proposer TEXT NOT NULL DEFAULT '',
            meeting_date TEXT,
            review_date TEXT,
            key_decision INTEGER NOT NULL DEFAULT 0,
            delivery_model TEXT,
            conflicts_of_interest TEXT NOT NULL DEFAULT '',
            checklist_sha256 TEXT NOT NULL REFERENCES checklists(sha256),
            amendment_reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            complete INTEGER NOT NULL DEFAULT 0,
            overall_rating TEXT,
            overall_rank INTEGER NOT NULL DEFAULT 0,
            verification_code TEXT NOT NULL DEFAULT '',
            UNIQUE (decision_id, version)
        );
        CREATE TABLE options (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('recommended', 'rejected')),
            delivery_model TEXT,
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, position)
        );
        CREATE TABLE answers (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            slug TEXT NOT NULL,
            rating TEXT CHECK (rating IN ('green', 'amber', 'red', 'not-applicable')),
            response TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, slug)
        );
        CREATE TABLE actions (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            slug TEXT NOT NULL,
            position INTEGER NOT NULL,
            action TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            due TEXT,
            PRIMARY KEY (version_id, slug, position)
        );
        -- Follow-up happens after sign-off, so an action's done state lives outside the
        -- locked rows (and is audited like everything else).
        CREATE TABLE action_progress (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            slug TEXT NOT NULL,
            position INTEGER NOT NULL,
            done_at TEXT NOT NULL,
            done_by TEXT NOT NULL,
            PRIMARY KEY (version_id, slug, position)
        );
        CREATE TABLE sign_offs (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            role TEXT NOT NULL,
            name TEXT NOT NULL,
            date TEXT NOT NULL,
            minute_reference TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            PRIMARY KEY (version_id, role)
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            decision_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE search_index USING fts5(
            title, proposal, answers, tokenize = 'unicode61 remove_diacritics 2'
        );

        -- The register lists current versions; these partial indexes let SQLite page
        -- through 10,000 rows in any sort order without a full scan.
        CREATE INDEX idx_versions_current_title ON versions(title COLLATE NOCASE)
            WHERE is_current = 1;
        CREATE INDEX idx_versions_current_reference ON versions(reference COLLATE NOCASE)
            WHERE is_current = 1;
        CREATE INDEX idx_versions_current_maker ON versions(decision_maker COLLATE NOCASE)
            WHERE is_current = 1;
        CREATE INDEX idx_versions_current_meeting ON versions(meeting_date) WHERE is_current = 1;
        CREATE INDEX idx_versions_current_status ON versions(status) WHERE is_current = 1;
        CREATE INDEX idx_versions_current_complete ON versions(complete) WHERE is_current = 1;
        CREATE INDEX idx_versions_current_rating ON versions(overall_rank) WHERE is_current = 1;
        CREATE INDEX idx_versions_current_review ON versions(review_date) WHERE is_current = 1;
        CREATE INDEX idx_versions_current_updated ON versions(updated_at) WHERE is_current = 1;
        CREATE INDEX idx_versions_code ON versions(verification_code);
        CREATE INDEX idx_actions_due ON actions(due);
        CREATE INDEX idx_audit_decision ON audit_log(decision_id, version);

        -- The lock lives in the database: a signed-off version and everything under it
        -- cannot be changed or deleted, whatever tool is used.
        CREATE TRIGGER versions_locked_update BEFORE UPDATE ON versions
        WHEN OLD.status = 'signed-off'
             AND NOT (NEW.is_current = 0 AND OLD.is_current = 1 AND
                      NEW.status = OLD.status AND NEW.title IS OLD.title AND
                      NEW.proposal IS OLD.proposal AND NEW.updated_at IS OLD.updated_at AND
                      NEW.verification_code IS OLD.verification_code AND
                      NEW.reasons IS OLD.reasons AND NEW.reference IS OLD.reference AND
                      NEW.organisation IS OLD.organisation AND
                      NEW.decision_maker IS OLD.decision_maker AND
                      NEW.proposer IS OLD.proposer AND NEW.meeting_date IS OLD.meeting_date AND
                      NEW.review_date IS OLD.review_date AND
                      NEW.key_decision IS OLD.key_decision AND
                      NEW.delivery_model IS OLD.delivery_model AND
                      NEW.conflicts_of_interest IS OLD.conflicts_of_interest AND
                      NEW.checklist_sha256 IS OLD.checklist_sha256 AND
                      NEW.version IS OLD.version AND NEW.decision_id IS OLD.decision_id AND
                      NEW.id IS OLD.id AND NEW.complete IS OLD.complete AND
                      NEW.overall_rating IS OLD.overall_rating AND
                      NEW.overall_rank IS OLD.overall_rank AND
                      NEW.created_at IS OLD.created_at AND
                      NEW.amendment_reason IS OLD.amendment_reason)
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
        END;
        CREATE TRIGGER versions_locked_delete BEFORE DELETE ON versions
        WHEN OLD.status = 'signed-off'
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be deleted');
        END;
        """,
    )
    for table in ("options", "answers", "actions"):
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            _exec(
                db,
                f"""
                CREATE TRIGGER {table}_locked_{event.lower()} BEFORE {event} ON {table}
                WHEN (SELECT status FROM versions WHERE id = {row}.version_id) = 'signed-off'
                BEGIN
                    SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
                END;
                """,
            )
    _exec(
        db,
        """
        CREATE TRIGGER sign_offs_locked_update BEFORE UPDATE ON sign_offs
        WHEN (SELECT status FROM versions WHERE id = OLD.version_id) = 'signed-off'
        BEGIN
            SELECT RAISE(ABORT, 'locked: sign-offs of a signed-off version cannot be changed');
        END;
        CREATE TRIGGER sign_offs_locked_delete BEFORE DELETE ON sign_offs
        WHEN (SELECT status FROM versions WHERE id = OLD.version_id) = 'signed-off'
        BEGIN
            SELECT RAISE(ABORT, 'locked: sign-offs of a signed-off version cannot be deleted');
        END;
        CREATE TRIGGER sign_offs_locked_insert BEFORE INSERT ON sign_offs
        WHEN (SELECT status FROM versions WHERE id = NEW.version_id) IN ('signed-off', 'withdrawn')
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version cannot take more sign-offs');
        END;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        """,
    )


def _exec(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction (executescript would commit)."""
    import sqlite3

    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    assert not statement.strip(), f"incomplete SQL: {statement!r}"


@migrations()
def m002_close_lock_holes(db: Database) -> None:
    """Close ways round m001's lock found by trying raw SQL against a signed-off record.

    REPLACE conflict resolution deletes rows without firing delete triggers (unless
    recursive_triggers is on), so INSERT/UPDATE OR REPLACE needed their own guards; rows could
    be moved into a locked version by changing their version_id; the decision row, the stored
    checklist and a version's identity were unguarded; a version could be marked signed-off
    without its sign-offs; and the audit log accepted rows that do not chain on.
    """
    for table in ("options", "answers", "actions", "sign_offs"):
        _exec(
            db,
            f"""
            CREATE TRIGGER {table}_locked_move BEFORE UPDATE ON {table}
            WHEN (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off'
            BEGIN
                SELECT RAISE(ABORT, 'locked: rows cannot be moved into a signed-off version');
            END;
            """,
        )
    _exec(
        db,
        """
        CREATE TRIGGER versions_identity_update BEFORE UPDATE OF id, decision_id, version
        ON versions
        WHEN NEW.id IS NOT OLD.id OR NEW.decision_id IS NOT OLD.decision_id
             OR NEW.version IS NOT OLD.version
        BEGIN
            SELECT RAISE(ABORT, 'locked: a version''s identity cannot be changed');
        END;
        CREATE TRIGGER versions_locked_insert BEFORE INSERT ON versions
        WHEN NEW.status = 'signed-off' OR EXISTS (
            SELECT 1 FROM versions
            WHERE (id = NEW.id OR (decision_id = NEW.decision_id AND version = NEW.version))
              AND status = 'signed-off')
        BEGIN
            SELECT RAISE(ABORT, 'locked: a signed-off version cannot be inserted or replaced');
        END;
        -- Signing off needs a complete record and a sign-off by every required role of the
        -- checklist stored with the version (role names match case-insensitively).
        CREATE TRIGGER versions_sign_off_requires_roles BEFORE UPDATE OF status ON versions
        WHEN NEW.status = 'signed-off' AND OLD.status IS NOT 'signed-off' AND (
            NEW.complete < 10 OR EXISTS (
                SELECT 1 FROM checklists c, json_each(c.definition, '$.sign_off_roles') r
                WHERE c.sha256 = NEW.checklist_sha256
                  AND json_extract(r.value, '$.required')
                  AND NOT EXISTS (
                      SELECT 1 FROM sign_offs s
                      WHERE s.version_id = NEW.id
                        AND lower(s.role) = lower(json_extract(r.value, '$.name')))))
        BEGIN
            SELECT RAISE(ABORT, 'refused: sign-off needs a complete record and every required role');
        END;
        CREATE TRIGGER decisions_locked_delete BEFORE DELETE ON decisions
        WHEN EXISTS (SELECT 1 FROM versions WHERE decision_id = OLD.id)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a decision cannot be deleted while it has versions');
        END;
        CREATE TRIGGER decisions_locked_update BEFORE UPDATE ON decisions
        WHEN NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at
             OR NEW.current_version < OLD.current_version
        BEGIN
            SELECT RAISE(ABORT, 'locked: a decision''s identity cannot be changed');
        END;
        CREATE TRIGGER decisions_locked_replace BEFORE INSERT ON decisions
        WHEN EXISTS (SELECT 1 FROM decisions WHERE id = NEW.id)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a decision cannot be replaced');
        END;
        -- A stored checklist is content-addressed (sha256 of its text): it never changes,
        -- and it stays while any version refers to it.
        CREATE TRIGGER checklists_locked_update BEFORE UPDATE ON checklists
        BEGIN
            SELECT RAISE(ABORT, 'locked: a stored checklist definition cannot be changed');
        END;
        CREATE TRIGGER checklists_locked_delete BEFORE DELETE ON checklists
        WHEN EXISTS (SELECT 1 FROM versions WHERE checklist_sha256 = OLD.sha256)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a checklist in use cannot be deleted');
        END;
        CREATE TRIGGER checklists_locked_replace BEFORE INSERT ON checklists
        WHEN EXISTS (SELECT 1 FROM checklists WHERE sha256 = NEW.sha256)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a stored checklist definition cannot be replaced')
            WHERE EXISTS (SELECT 1 FROM checklists WHERE sha256 = NEW.sha256
                          AND (definition IS NOT NEW.definition
                               OR checklist_id IS NOT NEW.checklist_id
                               OR version IS NOT NEW.version));
            SELECT RAISE(IGNORE);
        END;
        CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        CREATE TRIGGER audit_log_chained AFTER INSERT ON audit_log
        WHEN NEW.id IS NOT (SELECT max(id) FROM audit_log)
             OR NEW.prev_hash IS NOT coalesce(
                 (SELECT hash FROM audit_log WHERE id < NEW.id ORDER BY id DESC LIMIT 1),
                 '0000000000000000000000000000000000000000000000000000000000000000')
        BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only: a row must chain on from the last');
        END;
        """,
    )


@migrations()
def m003_signed_copies(db: Database) -> None:
    """Scans of the signed paper record, kept with their SHA-256; add-only, signed-off only."""
    _exec(
        db,
        """
        CREATE TABLE signed_copies (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES versions(id),
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            attached_at TEXT NOT NULL,
            attached_by TEXT NOT NULL
        );
        CREATE INDEX idx_signed_copies_version ON signed_copies(version_id);
        CREATE TRIGGER signed_copies_insert BEFORE INSERT ON signed_copies
        WHEN (SELECT status FROM versions WHERE id = NEW.version_id) IS NOT 'signed-off'
             OR EXISTS (SELECT 1 FROM signed_copies WHERE id = NEW.id)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a signed copy is attached once, to a signed-off version');
        END;
        CREATE TRIGGER signed_copies_no_update BEFORE UPDATE ON signed_copies
        BEGIN
            SELECT RAISE(ABORT, 'locked: a signed copy cannot be changed');
        END;
        CREATE TRIGGER signed_copies_no_delete BEFORE DELETE ON signed_copies
        BEGIN
            SELECT RAISE(ABORT, 'locked: a signed copy cannot be deleted');
        END;
        """,
    )


@migrations()
def m004_sealed_register(db: Database) -> None:
    """Codes that cover the checklist definition and pin sign-offs; a keyed audit chain.

    Rows from before keep code_scheme 1 (their printed codes still verify) and an empty
    content_code (the same as their verification_code). Audit rows written from now on carry
    an HMAC-SHA-256 seal made with a key kept outside this file (storage/seal.py), which is
    found through the register's random id.
    """
    import uuid

    _exec(
        db,
        """
        ALTER TABLE versions ADD COLUMN content_code TEXT NOT NULL DEFAULT '';
        ALTER TABLE versions ADD COLUMN code_scheme INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX idx_versions_content_code ON versions(content_code);
        ALTER TABLE audit_log ADD COLUMN key_id TEXT;
        ALTER TABLE audit_log ADD COLUMN seal TEXT;
        CREATE TRIGGER versions_locked_codes BEFORE UPDATE OF content_code, code_scheme
        ON versions
        WHEN OLD.status = 'signed-off' AND (NEW.content_code IS NOT OLD.content_code
                                            OR NEW.code_scheme IS NOT OLD.code_scheme)
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
        END;
        CREATE TABLE register_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TRIGGER register_meta_locked BEFORE UPDATE ON register_meta
        BEGIN
            SELECT RAISE(ABORT, 'locked: the register''s identity cannot be changed');
        END;
        """,
    )
    db.execute("INSERT INTO register_meta (key, value) VALUES ('register_id', ?)",
               [str(uuid.uuid4())])


@migrations()
def m005_seal_from(db: Database) -> None:
    """Where sealing begins, and the register's identity kept: rows from `sealed_from` on must
    all carry a seal, so stripping the seals and recomputing the plain chain is caught."""
    _exec(
        db,
        """
        INSERT INTO register_meta (key, value)
            SELECT 'sealed_from', coalesce(max(id), 0) + 1 FROM audit_log;
        CREATE TRIGGER register_meta_kept BEFORE DELETE ON register_meta
        BEGIN
            SELECT RAISE(ABORT, 'locked: the register''s identity cannot be removed');
        END;
        """,
    )


@migrations()
def m006_checklists_as_data(db: Database) -> None:
    """A register holds several checklists, each with its own sections, one the default.

    checklist_sections lists each stored definition's section slugs in order (read from its
    locked JSON, so it cannot disagree with it): loading a record, sorting actions by section
    and counting a record's sections need no JSON parsing. register_settings holds the
    default checklist's id (none: the shipped one). Signing off needs every section of the
    version's own checklist complete, however many it has, where m002 counted ten.
    """
    _exec(
        db,
        """
        CREATE TABLE checklist_sections (
            sha256 TEXT NOT NULL REFERENCES checklists(sha256),
            position INTEGER NOT NULL,
            slug TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'principle',
            PRIMARY KEY (sha256, slug)
        );
        INSERT INTO checklist_sections (sha256, position, slug, kind)
            SELECT c.sha256, CAST(j.key AS INTEGER), json_extract(j.value, '$.slug'),
                   coalesce(json_extract(j.value, '$.kind'), 'principle')
            FROM checklists c, json_each(c.definition, '$.principles') j;
        CREATE TRIGGER checklist_sections_locked_update BEFORE UPDATE ON checklist_sections
        BEGIN
            SELECT RAISE(ABORT, 'locked: a stored checklist definition cannot be changed');
        END;
        CREATE TRIGGER checklist_sections_locked_delete BEFORE DELETE ON checklist_sections
        WHEN EXISTS (SELECT 1 FROM versions WHERE checklist_sha256 = OLD.sha256)
        BEGIN
            SELECT RAISE(ABORT, 'locked: a checklist in use cannot be deleted');
        END;
        CREATE TABLE register_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        DROP TRIGGER versions_sign_off_requires_roles;
        CREATE TRIGGER versions_sign_off_requires_roles BEFORE UPDATE OF status ON versions
        WHEN NEW.status = 'signed-off' AND OLD.status IS NOT 'signed-off' AND (
            NEW.complete < coalesce((SELECT json_array_length(c.definition, '$.principles')
                                     FROM checklists c WHERE c.sha256 = NEW.checklist_sha256),
                                    1000000)
            OR EXISTS (
                SELECT 1 FROM checklists c, json_each(c.definition, '$.sign_off_roles') r
                WHERE c.sha256 = NEW.checklist_sha256
                  AND json_extract(r.value, '$.required')
                  AND NOT EXISTS (
                      SELECT 1 FROM sign_offs s
                      WHERE s.version_id = NEW.id
                        AND lower(s.role) = lower(json_extract(r.value, '$.name')))))
        BEGIN
            SELECT RAISE(ABORT, 'refused: sign-off needs a complete record and every required role');
        END;
        """,
    )


@migrations()
def m007_committee_report(db: Database) -> None:
    """The committee report's fields and the decision timeline (issue 15, part 3).

    The report's fields are columns of the version, locked with it once signed off. The
    dates worked out from them (call-in end, implementable from, end of the challenge
    window: desktop/domain/timeline.py) live in `version_timeline`, one row per version
    that has any: they are derived, and the council's call-in period (register_settings
    'call_in_days') can change after a record is signed off, so they are rewritten then
    (they are not part of any code). Their indexes let the register's "In call-in" and
    "Challenge window open" filters run in SQL over 100,000 decisions.
    """
    columns = ("report_of", "contact_officer", "wards_affected", "exempt_parts",
               "financial_implications", "financial_officer", "legal_implications",
               "legal_officer", "equalities_implications", "equalities_officer")
    for column in columns:
        db.execute(f"ALTER TABLE versions ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    _exec(
        db,
        """
        ALTER TABLE versions ADD COLUMN recommendations TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE versions ADD COLUMN exempt_paragraph INTEGER
            CHECK (exempt_paragraph BETWEEN 1 AND 7);
        ALTER TABLE versions ADD COLUMN forward_plan_notice_date TEXT;
        ALTER TABLE versions ADD COLUMN urgency_route TEXT NOT NULL DEFAULT 'none'
            CHECK (urgency_route IN ('none', 'general-exception', 'special-urgency'));
        ALTER TABLE versions ADD COLUMN decision_date TEXT;
        ALTER TABLE versions ADD COLUMN publication_date TEXT;
        CREATE TABLE version_timeline (
            version_id INTEGER PRIMARY KEY REFERENCES versions(id),
            publication_date TEXT,
            decision_date TEXT,
            call_in_end TEXT,
            implementable_from TEXT,
            challenge_end TEXT,
            short_notice INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_timeline_call_in ON version_timeline(call_in_end, publication_date);
        CREATE INDEX idx_timeline_challenge ON version_timeline(challenge_end, decision_date);
        """,
    )
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (
        *columns, "recommendations", "exempt_paragraph", "forward_plan_notice_date",
        "urgency_route", "decision_date", "publication_date"))
    _exec(
        db,
        f"""
        CREATE TRIGGER versions_locked_report BEFORE UPDATE ON versions
        WHEN OLD.status = 'signed-off' AND ({changed})
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
        END;
        """,
    )
    # Records from before have none of these dates but their meeting date, from which the
    # challenge window runs (and a key decision among them has no notice date on record).
    from desktop.domain.timeline import timeline

    rows = []
    for vid, meeting, key in db.execute(
            "SELECT id, meeting_date, key_decision FROM versions WHERE meeting_date IS NOT NULL"):
        t = timeline(key_decision=bool(key), notice_date=None, urgency_route="none",
                     decision_date=None, meeting_date=meeting, publication_date=None)
        if t.decision_date is not None and t.challenge_end is not None:
            rows.append((vid, t.decision_date.isoformat(), t.challenge_end.isoformat(),
                         int(bool(t.notice_warning))))
    db.conn.executemany(
        "INSERT INTO version_timeline (version_id, decision_date, challenge_end, short_notice) "
        "VALUES (?, ?, ?, ?)", rows)


@migrations()
def m008_appraisal(db: Database) -> None:
    """The options appraisal (desktop/domain/appraisal.py), one per version that has one.

    appraisals: the row that says a version has one, when its weights were locked and by whom,
    and the author's own wording of the rejected-options paragraph ('' = the generated one).
    appraisal_criteria: its rows in order; appraisal_scores: one per scored cell (option is
    the index into the version's options); appraisal_weight_changes: each weight changed
    after the lock. A signed-off version's rows are locked as its options and answers are.
    Depends on nothing after m006.
    """
    _exec(
        db,
        """
        CREATE TABLE appraisals (
            version_id INTEGER PRIMARY KEY REFERENCES versions(id),
            weights_locked_at TEXT,
            weights_locked_by TEXT NOT NULL DEFAULT '',
            rejected_text TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE appraisal_criteria (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            position INTEGER NOT NULL,
            criterion TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('principle', 'csf', 'duty', 'custom')),
            title TEXT NOT NULL DEFAULT '',
            weight INTEGER NOT NULL DEFAULT 0 CHECK (weight BETWEEN 0 AND 100),
            must_pass INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (version_id, criterion)
        );
        CREATE TABLE appraisal_scores (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            option INTEGER NOT NULL,
            criterion TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 4),
            evidence TEXT NOT NULL DEFAULT '',
            scored_by TEXT NOT NULL DEFAULT '',
            scored_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, option, criterion)
        );
        CREATE TABLE appraisal_weight_changes (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            position INTEGER NOT NULL,
            criterion TEXT NOT NULL,
            old_weight INTEGER NOT NULL,
            new_weight INTEGER NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, position)
        );
        """,
    )
    for table in APPRAISAL_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            _exec(
                db,
                f"""
                CREATE TRIGGER {table}_locked_{event.lower()} BEFORE {event} ON {table}
                WHEN (SELECT status FROM versions WHERE id = {row}.version_id) = 'signed-off'
                BEGIN
                    SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
                END;
                """,
            )
        _exec(
            db,
            f"""
            CREATE TRIGGER {table}_locked_move BEFORE UPDATE ON {table}
            WHEN (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off'
            BEGIN
                SELECT RAISE(ABORT, 'locked: rows cannot be moved into a signed-off version');
            END;
            """,
        )


@migrations()
def m009_evidence_documents(db: Database) -> None:
    """The documents an answer's evidence names (title, date, where held): the record prints
    them as background papers. Locked with their version, as actions are; a register with
    none reads as before."""
    _exec(
        db,
        """
        CREATE TABLE documents (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            slug TEXT NOT NULL,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            date TEXT,
            held_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, slug, position)
        );
        CREATE TRIGGER documents_locked_move BEFORE UPDATE ON documents
        WHEN (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off'
        BEGIN
            SELECT RAISE(ABORT, 'locked: rows cannot be moved into a signed-off version');
        END;
        """,
    )
    for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        _exec(
            db,
            f"""
            CREATE TRIGGER documents_locked_{event.lower()} BEFORE {event} ON documents
            WHEN (SELECT status FROM versions WHERE id = {row}.version_id) = 'signed-off'
            BEGIN
                SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
            END;
            """,
        )


@migrations()
def m011_appraisal_long_list(db: Database) -> None:
    """The appraisal's long list (desktop/domain/appraisal.LongListEntry): each option
    considered before the shortlist, kept or dropped (kept 1/0), and why, in order. Locked
    with its signed-off version, as the appraisal's other tables are. Depends only on m008 (a
    register without a long list reads as before)."""
    _exec(
        db,
        f"""
        CREATE TABLE {LONG_LIST_TABLE} (
            version_id INTEGER NOT NULL REFERENCES versions(id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            kept INTEGER NOT NULL CHECK (kept IN (0, 1)),
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (version_id, position)
        );
        CREATE TRIGGER {LONG_LIST_TABLE}_locked_move BEFORE UPDATE ON {LONG_LIST_TABLE}
        WHEN (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off'
        BEGIN
            SELECT RAISE(ABORT, 'locked: rows cannot be moved into a signed-off version');
        END;
        """,
    )
    for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        _exec(
            db,
            f"""
            CREATE TRIGGER {LONG_LIST_TABLE}_locked_{event.lower()} BEFORE {event}
            ON {LONG_LIST_TABLE}
            WHEN (SELECT status FROM versions WHERE id = {row}.version_id) = 'signed-off'
            BEGIN
                SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
            END;
            """,
        )


@migrations()
def m012_background_papers(db: Database) -> None:
    """The report's own background papers, beside those its answers' evidence names (m009):
    a JSON list of {title, date, held_at}, as the bundle's DECISION `background_papers`, on
    the version and locked with it once signed off. '[]' for every record before, whose codes
    stay the same (an empty list is left out of the coded record). Depends on nothing after
    m007."""
    _exec(
        db,
        """
        ALTER TABLE versions ADD COLUMN background_papers TEXT NOT NULL DEFAULT '[]';
        CREATE TRIGGER versions_locked_background_papers BEFORE UPDATE ON versions
        WHEN OLD.status = 'signed-off' AND NEW.background_papers IS NOT OLD.background_papers
        BEGIN
            SELECT RAISE(ABORT, 'locked: this version is signed off and cannot be changed');
        END;
        """,
    )


@migrations()
def m013_checklist_version_unique(db: Database) -> None:
    """One definition per checklist id and version: two imports racing could store two
    wordings both called version 1. A trigger rather than a UNIQUE index, so that a register
    that already holds such a pair still opens (`audit --check` reports the pair)."""
    _exec(
        db,
        """
        CREATE TRIGGER checklists_version_unique BEFORE INSERT ON checklists
        WHEN EXISTS (SELECT 1 FROM checklists WHERE checklist_id = NEW.checklist_id
                     AND version = NEW.version AND sha256 IS NOT NEW.sha256)
        BEGIN
            SELECT RAISE(ABORT,
                'UNIQUE constraint failed: checklists.checklist_id, checklists.version');
        END;
        """,
    )


SCHEMA_VERSION = len(migrations._migrations)


def apply(db: Database | LazyDatabase) -> list[str]:
    """Apply pending migrations; return their names. Sets user_version to SCHEMA_VERSION."""
    from desktop.storage.connection import as_sqlite_utils

    db = as_sqlite_utils(db)
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    # Also when nothing is pending: a crash between the last migration's commit and this
    # line would otherwise leave user_version behind for good.
    if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return pending


def known_migration_names() -> list[str]:
    return [m.name for m in migrations._migrations]
