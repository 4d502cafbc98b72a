"""The shared register catches up with the SQLite register's m011-m013: the appraisal's long
list, the report's own background papers, and one definition per checklist id and version.

Same tables and columns, with the same names, as migrations.m011_appraisal_long_list,
m012_background_papers and m013_checklist_version_unique (without them a postgresql://
--db silently dropped the long list and the background papers):
- appraisal_long_list is a version's child: dc_child_locked (p001) refuses adding to,
  changing in, moving into or taking from a signed-off version's rows, for every role and
  the owner. Authors write it (a draft's), readers read it.
- versions gains background_papers ('[]' for every record before, whose codes stay the
  same). It is locked with the version as every column is: dc_versions_update compares
  the whole row of a signed-off version.
- checklists_version_unique: a trigger rather than a UNIQUE index, as on SQLite, so a
  register that already holds such a pair (stored by two imports at once before this)
  still upgrades and `audit --check` reports the pair. It takes dc_lock_checklist_id's
  lock first, so two inserts of one id at once queue and the second sees the first.
  `dc_lock_checklist_id()` is what `checklist import` takes before it reads the versions
  held (PostgresRepository.lock_checklist_id): the loser of two imports at once then reads
  the winner's version and is told its version is not newer, as on a register file.
- Who scored a cell, who locked the weights and who changed a weight after the lock are the
  server's to say, as the audit's "who" is: a name other than the session user's (or '',
  unknown) is kept only if the audit log shows that person did it on this decision (its
  audit rows' "user" is the session user of the time, set by the server): the same score of
  the same criterion (at any option: scores follow their option when options move), the
  same lock time, the same new weight. So a cell carried over by a later edit or an
  amendment keeps its scorer, and a name a client makes up becomes the session user's
  (appraisal_rows.who_the_server_keeps is the same rule, so a client's codes agree).
"""

from __future__ import annotations

NAME = "p005_parity"

SQL = r"""
-- ---- the appraisal's long list (m011) ------------------------------------------------------
CREATE TABLE appraisal_long_list (
    version_id bigint NOT NULL REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    position integer NOT NULL,
    name text NOT NULL,
    kept integer NOT NULL CHECK (kept IN (0, 1)),
    reason text NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, position)
);
CREATE TRIGGER appraisal_long_list_locked
    BEFORE INSERT OR UPDATE OR DELETE ON appraisal_long_list
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();
REVOKE ALL ON appraisal_long_list FROM PUBLIC;
GRANT SELECT ON appraisal_long_list TO dc_reader;
GRANT INSERT, UPDATE, DELETE ON appraisal_long_list TO dc_author;

-- ---- the report's background papers (m012): locked with the whole row (p001/p004) ----------
ALTER TABLE versions ADD COLUMN background_papers text NOT NULL DEFAULT '[]';

-- ---- one definition per checklist id and version (m013) ------------------------------------
-- The lock both the import (before it reads what is held) and the trigger take: imports of
-- one id queue until the first commits (a transaction-level advisory lock: no rights needed).
CREATE FUNCTION dc_lock_checklist_id(p_checklist_id text) RETURNS void LANGUAGE sql
SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_advisory_xact_lock(1682204531, hashtext(p_checklist_id))
$$;
CREATE FUNCTION dc_checklists_version_unique() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_lock_checklist_id(NEW.checklist_id);
    IF EXISTS (SELECT 1 FROM checklists WHERE checklist_id = NEW.checklist_id
               AND version = NEW.version AND sha256 IS DISTINCT FROM NEW.sha256) THEN
        RAISE EXCEPTION 'refused: the register already holds another definition of checklist % version %',
            quote_literal(NEW.checklist_id), NEW.version USING ERRCODE = 'DC002';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER checklists_version_unique BEFORE INSERT ON checklists
    FOR EACH ROW EXECUTE FUNCTION dc_checklists_version_unique();
GRANT EXECUTE ON FUNCTION dc_lock_checklist_id(text) TO dc_author;

-- ---- who scored, locked the weights, changed a weight: the session user, unless audited -----
CREATE FUNCTION dc_appraisal_who() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    did text;
    who text;
BEGIN
    IF dc_copying_in() THEN
        RETURN NEW;
    END IF;
    SELECT decision_id INTO did FROM versions WHERE id = NEW.version_id;
    IF TG_TABLE_NAME = 'appraisal_scores' THEN
        who := NEW.scored_by;
        IF who NOT IN ('', session_user::text) AND NOT EXISTS (
                SELECT 1 FROM audit_log a WHERE a.decision_id = did AND a."user" = who
                   AND a.field LIKE 'appraisal.score.%'
                   AND right(a.field, length(NEW.criterion) + 1) = '.' || NEW.criterion
                   AND a.new_value = NEW.score::text) THEN
            NEW.scored_by := session_user;
        END IF;
    ELSIF TG_TABLE_NAME = 'appraisals' THEN
        who := NEW.weights_locked_by;
        IF who NOT IN ('', session_user::text) AND NOT EXISTS (
                SELECT 1 FROM audit_log a WHERE a.decision_id = did AND a."user" = who
                   AND a.field = 'appraisal.weights_locked_at'
                   AND a.new_value = NEW.weights_locked_at) THEN
            NEW.weights_locked_by := session_user;
        END IF;
    ELSE
        who := NEW.changed_by;
        IF who NOT IN ('', session_user::text) AND NOT EXISTS (
                SELECT 1 FROM audit_log a WHERE a.decision_id = did AND a."user" = who
                   AND a.field = 'appraisal.weight.' || NEW.criterion
                   AND a.new_value = NEW.new_weight::text) THEN
            NEW.changed_by := session_user;
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER appraisal_scores_who BEFORE INSERT OR UPDATE ON appraisal_scores
    FOR EACH ROW EXECUTE FUNCTION dc_appraisal_who();
CREATE TRIGGER appraisals_who BEFORE INSERT OR UPDATE ON appraisals
    FOR EACH ROW EXECUTE FUNCTION dc_appraisal_who();
CREATE TRIGGER appraisal_weight_changes_who BEFORE INSERT OR UPDATE ON appraisal_weight_changes
    FOR EACH ROW EXECUTE FUNCTION dc_appraisal_who();
"""
