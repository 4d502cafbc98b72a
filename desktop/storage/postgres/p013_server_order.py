"""What the hostile tester of issue 17 still got past the server (its second round: M1-M4, M6,
L1): the order of the server's times, explanations a client forged, rows moved between
versions, and names too long to print.

- M1, times rise with audit ids. A transaction's server time (dc_server_time, p012) was its
  start (now()): a clerk who began, waited and then signed got a sign-off dated before an
  author's edit committed in between, and `audit` listed the edit above it. Now the time is
  taken when the transaction first needs one, after it holds the audit append lock (the
  audit_head row, held to commit, that serialises appends), from clock_timestamp(), and kept
  for the transaction on the audit_head row it holds (not in a setting: a client may SET
  LOCAL any setting), so every row of one transaction still bears one time, and a later
  append bears a later (or the same) time.
- M2, a client's 'created' audit row explains (to the commit-time audit check, p007/p011)
  only a version inserted in this same transaction (created_versions, written by the server
  as the version is inserted, as p009's deleted_decisions); a forged 'created' row for an
  older version explains nothing, and the server writes its own rows for the edits.
- M3, a child row moved from one version to another (UPDATE ... SET version_id) is audited
  on both versions: unless the client explained it on each, the server writes a row for each
  (the row gone from the one, come to the other). The same for version_timeline, which p007
  does not audit field by field: a move not explained by any client row of the version is
  written as 'stored.timeline'.
- M4, on a signed-off version a client's 'signed_copy' row stands only beside the signed copy
  it names (the same file name and SHA-256, attached in this transaction: its attached_at is
  the transaction's time), and an 'answers.<slug>.actions[N].done' row "yes" only beside that
  action's tick of this transaction, "no" only if the action is not ticked; else the commit is
  refused (DC002).
- M6, a sign-off's typed parts are no longer than the app allows
  (desktop.domain.sign_off_limits, the one rule), refused by the server on any insert or
  update of sign_offs (record_sign_off's included) with the app's own words.
- L1, the musical null notehead (U+1D159) draws nothing: dc_blank (p012) is made again from
  the rule's ranges as they are now (invisible_ranges.RANGES).
Copy-register (dc_copying_in) is exempt from M2-M4 and keeps the source's times, as before.
"""

from __future__ import annotations

from desktop.domain.sign_off_limits import MAX_COMMENT, MAX_MINUTE, MAX_NAME
from desktop.storage.postgres.invisible_ranges import RANGES
from desktop.storage.postgres.p012_server_trust import _bracket

NAME = "p013_server_order"

SQL = r"""
-- ---- M1: a transaction's time, taken after the append lock, kept for the transaction -------
-- (kept on the locked audit_head row, which no client may write: a setting could be SET LOCAL)
ALTER TABLE audit_head ADD COLUMN time_xact bigint, ADD COLUMN time_at text;
CREATE OR REPLACE FUNCTION dc_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- only dc_audit_append moves the head on; dc_server_time keeps the transaction's time
    IF pg_trigger_depth() < 2 AND (TG_OP <> 'UPDATE'
            OR (NEW.one, NEW.last_id, NEW.last_hash) IS DISTINCT FROM
               (OLD.one, OLD.last_id, OLD.last_hash)) THEN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'DC004';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION dc_server_time() RETURNS text LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head record;
    t text;
BEGIN
    SELECT time_xact, time_at INTO head FROM audit_head WHERE one FOR UPDATE;  -- held to commit
    IF head.time_xact IS NOT DISTINCT FROM txid_current() THEN
        RETURN head.time_at;
    END IF;
    t := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    UPDATE audit_head SET time_xact = txid_current(), time_at = t WHERE one;
    RETURN t;
END $$;
REVOKE EXECUTE ON FUNCTION dc_server_time() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dc_server_time() TO dc_author, dc_clerk;

-- ---- M2: 'created' explains only a version inserted in this transaction --------------------
-- (noted in a table only the owner writes: a setting could be SET LOCAL by the client)
CREATE TABLE created_versions (
    decision_id text NOT NULL,
    version integer NOT NULL,
    xact bigint NOT NULL
);
CREATE INDEX idx_created_versions ON created_versions (xact, decision_id, version);
REVOKE ALL ON created_versions FROM PUBLIC;
CREATE FUNCTION dc_note_new_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO created_versions VALUES (NEW.decision_id, NEW.version, txid_current());
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_note_new_version() FROM PUBLIC;
CREATE TRIGGER versions_noted_new AFTER INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION dc_note_new_version();

CREATE OR REPLACE FUNCTION dc_audit_explained(p_decision_id text, p_version integer,
                                              p_field text, p_exact boolean)
RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM audit_log
        WHERE xact = txid_current() AND decision_id = p_decision_id AND version = p_version
          AND NOT server_written
          AND CASE WHEN field = 'created' THEN EXISTS (
                        SELECT 1 FROM created_versions f WHERE f.xact = txid_current()
                        AND f.decision_id = p_decision_id AND f.version = p_version)
                   ELSE p_field IS NULL
                        OR CASE WHEN p_exact THEN field = p_field
                                ELSE starts_with(field, p_field) END END);
END $$;

-- ---- M3: a child row moved between versions is audited on both ---------------------------
-- The server's audit rows of one child row's change on one version (o: before, n: after;
-- either NULL for a row that came or went), as p011's dc_audit_check wrote them.
CREATE FUNCTION dc_audit_child_write(p_table text, p_did text, p_ver integer, p_family text,
                                     o jsonb, n jsonb) RETURNS void LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    r jsonb := coalesce(n, o);
    col text;
BEGIN
    IF p_table = 'answers' THEN
        FOREACH col IN ARRAY ARRAY['rating', 'response', 'evidence'] LOOP
            IF o ->> col IS DISTINCT FROM n ->> col THEN
                PERFORM dc_audit_write(p_did, p_ver, p_family || col, o ->> col, n ->> col);
            END IF;
        END LOOP;
        RETURN;
    END IF;
    PERFORM dc_audit_write(p_did, p_ver,
        CASE p_table
            WHEN 'options' THEN 'options'
            WHEN 'actions' THEN p_family || 'actions'
            WHEN 'documents' THEN p_family || 'documents'
            WHEN 'appraisals' THEN 'appraisal'
            WHEN 'appraisal_criteria' THEN 'appraisal.criteria'
            WHEN 'appraisal_long_list' THEN 'appraisal.long_list'
            WHEN 'appraisal_scores' THEN 'appraisal.score.' || (r ->> 'option') || '.'
                                         || (r ->> 'criterion')
            ELSE 'appraisal.weight_changes' END,
        (o - 'version_id')::text, (n - 'version_id')::text);
END $$;
REVOKE EXECUTE ON FUNCTION dc_audit_child_write(text, text, integer, text, jsonb, jsonb)
    FROM PUBLIC;

-- The family of audit fields that explains a child row of `p_table` (r: the row as JSON).
CREATE FUNCTION dc_audit_family(p_table text, r jsonb) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN p_table = 'options' THEN 'options'
                WHEN p_table IN ('answers', 'actions', 'documents')
                    THEN 'answers.' || (r ->> 'slug') || '.'
                ELSE 'appraisal.' END
$$;

CREATE OR REPLACE FUNCTION dc_audit_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    o jsonb;
    n jsonb;
    r jsonb;
    did text;
    ver integer;
    family text;
    col text;
    any_row boolean;  -- a client row of this version in this transaction (asked once)
    moved boolean := false;  -- a child row that changed versions
BEGIN
    -- (dc_copying_in is asked only when the setting is on: it is off but while copying in)
    IF coalesce(current_setting('dc.copy_in', true), '') = 'on' AND dc_copying_in() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME <> 'versions' THEN
        IF TG_OP = 'UPDATE' AND OLD.version_id IS DISTINCT FROM NEW.version_id THEN
            -- moved: the row went from the old version (audited there unless explained)
            -- and came to the new one
            moved := true;
            o := to_jsonb(OLD);
            family := dc_audit_family(TG_TABLE_NAME, o);
            SELECT decision_id, version INTO did, ver FROM versions WHERE id = OLD.version_id;
            IF FOUND AND NOT dc_audit_explained(did, ver, family, TG_TABLE_NAME = 'options') THEN
                PERFORM dc_audit_child_write(TG_TABLE_NAME, did, ver, family, o, NULL);
            END IF;
        END IF;
        -- explained by the client (its row, or 'created'): nothing to compare
        SELECT decision_id, version INTO did, ver FROM versions
            WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END;
        IF NOT FOUND THEN  -- its version went with it: the version's deletion is audited
            RETURN NULL;
        END IF;
        IF TG_TABLE_NAME = 'options' THEN
            family := 'options';
        ELSIF TG_TABLE_NAME NOT IN ('answers', 'actions', 'documents') THEN
            family := 'appraisal.';
        ELSIF TG_OP = 'DELETE' THEN  -- (a table without the column never reads it)
            family := 'answers.' || OLD.slug || '.';
        ELSE
            family := 'answers.' || NEW.slug || '.';
        END IF;
        IF dc_audit_explained(did, ver, family, TG_TABLE_NAME = 'options') THEN
            RETURN NULL;
        END IF;
        IF moved THEN
            PERFORM dc_audit_child_write(TG_TABLE_NAME, did, ver, family, NULL, to_jsonb(NEW));
            RETURN NULL;
        END IF;
    END IF;
    o := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    n := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    r := coalesce(n, o);
    IF o IS NOT DISTINCT FROM n THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'versions' THEN
        did := r ->> 'decision_id';
        ver := (r ->> 'version')::integer;
        IF TG_OP = 'INSERT' THEN
            IF NOT dc_audit_explained(did, ver, 'created', true) THEN
                PERFORM dc_audit_write(did, ver, 'created', NULL, n ->> 'title');
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            IF NOT EXISTS (SELECT 1 FROM audit_log WHERE xact = txid_current()
                           AND decision_id = did AND field = 'deleted' AND NOT server_written) THEN
                PERFORM dc_audit_write(did, 0, 'deleted', o ->> 'title', NULL);
            END IF;
        ELSE
            FOR col IN SELECT key FROM jsonb_each(n)
                       WHERE n -> key IS DISTINCT FROM o -> key AND key <> 'is_current'
                       ORDER BY key LOOP
                IF col IN ('updated_at', 'complete', 'overall_rating', 'overall_rank',
                           'verification_code', 'content_code', 'code_scheme') THEN
                    IF any_row IS NULL THEN
                        any_row := dc_audit_explained(did, ver, NULL, true);
                    END IF;
                    IF NOT any_row THEN
                        PERFORM dc_audit_write(did, ver, 'stored.' || col, o ->> col, n ->> col);
                    END IF;
                ELSIF NOT dc_audit_explained(did, ver, col, true) THEN
                    PERFORM dc_audit_write(did, ver, col, o ->> col, n ->> col);
                END IF;
            END LOOP;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM dc_audit_child_write(TG_TABLE_NAME, did, ver, family, o, n);
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_audit_check() FROM PUBLIC;

-- version_timeline: a row moved between versions, unexplained by any client row of a version
CREATE FUNCTION dc_timeline_moved() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    did text;
    ver integer;
BEGIN
    IF coalesce(current_setting('dc.copy_in', true), '') = 'on' AND dc_copying_in() THEN
        RETURN NULL;
    END IF;
    SELECT decision_id, version INTO did, ver FROM versions WHERE id = OLD.version_id;
    IF FOUND AND NOT dc_audit_explained(did, ver, NULL, true) THEN
        PERFORM dc_audit_write(did, ver, 'stored.timeline', (to_jsonb(OLD) - 'version_id')::text,
                               NULL);
    END IF;
    SELECT decision_id, version INTO did, ver FROM versions WHERE id = NEW.version_id;
    IF FOUND AND NOT dc_audit_explained(did, ver, NULL, true) THEN
        PERFORM dc_audit_write(did, ver, 'stored.timeline', NULL,
                               (to_jsonb(NEW) - 'version_id')::text);
    END IF;
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_timeline_moved() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER version_timeline_moved AFTER UPDATE OF version_id ON version_timeline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.version_id IS DISTINCT FROM NEW.version_id)
    EXECUTE FUNCTION dc_timeline_moved();

-- ---- M4: a signed copy's or a tick's audit row stands only beside the copy or the tick -----
CREATE FUNCTION dc_audit_backed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    vid bigint;
    m text[];
BEGIN
    IF NEW.server_written OR dc_copying_in() THEN
        RETURN NULL;
    END IF;
    SELECT id INTO vid FROM versions WHERE decision_id = NEW.decision_id
        AND version = NEW.version AND status = 'signed-off';
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NEW.field = 'signed_copy' THEN
        IF NOT EXISTS (SELECT 1 FROM signed_copies WHERE version_id = vid
                       AND attached_at = NEW.at
                       AND filename || ' (SHA-256 ' || sha256 || ')' = NEW.new_value) THEN
            RAISE EXCEPTION 'refused: a ''signed_copy'' audit row is written only as its signed copy is attached'
                USING ERRCODE = 'DC002';
        END IF;
        RETURN NULL;
    END IF;
    m := regexp_match(NEW.field, '^answers\.(.*)\.actions\[([0-9]+)\]\.done$');
    IF NEW.new_value = 'yes' AND EXISTS (
            SELECT 1 FROM action_progress WHERE version_id = vid AND slug = m[1]
               AND position = m[2]::integer AND done_at = NEW.at) THEN
        RETURN NULL;
    END IF;
    IF NEW.new_value = 'no' AND NOT EXISTS (
            SELECT 1 FROM action_progress WHERE version_id = vid AND slug = m[1]
               AND position = m[2]::integer) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'refused: an action''s ''done'' audit row is written only as the action is ticked or unticked'
        USING ERRCODE = 'DC002';
END $$;
REVOKE EXECUTE ON FUNCTION dc_audit_backed() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER audit_log_backed AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.field = 'signed_copy' OR NEW.field ~ '^answers\..*\.actions\[[0-9]+\]\.done$')
    EXECUTE FUNCTION dc_audit_backed();

-- ---- M6: a sign-off's typed parts no longer than the app allows ----------------------------
CREATE FUNCTION dc_sign_off_lengths() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF char_length(NEW.name) > {max_name} THEN
        RAISE EXCEPTION 'name: The name must be {max_name} characters or fewer'
            USING ERRCODE = '22023';
    END IF;
    IF char_length(NEW.minute_reference) > {max_minute} THEN
        RAISE EXCEPTION 'minute_reference: The minute reference must be {max_minute} characters or fewer'
            USING ERRCODE = '22023';
    END IF;
    IF char_length(NEW.comment) > {max_comment} THEN
        RAISE EXCEPTION 'comment: The comment must be {max_comment} characters or fewer'
            USING ERRCODE = '22023';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER b_lengths_sign_offs BEFORE INSERT OR UPDATE ON sign_offs
    FOR EACH ROW EXECUTE FUNCTION dc_sign_off_lengths();

-- ---- L1: dc_blank from the rule's ranges as they are now -----------------------------------
CREATE OR REPLACE FUNCTION dc_blank(value text) RETURNS boolean LANGUAGE sql IMMUTABLE
PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(value, '') !~ '[^{blank}]'
$$;
""".replace("{max_name}", str(MAX_NAME)).replace("{max_minute}", str(MAX_MINUTE)).replace(
    "{max_comment}", str(MAX_COMMENT)).replace("{blank}", _bracket(RANGES))
