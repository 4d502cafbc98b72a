"""An autosave of one answer in one statement (issue 17 item 8: at most 2x a raw UPDATE).

An autosave was eight statements in two round trips: BEGIN and current_version_id's check
(SELECT ... FOR UPDATE, read by the client), then UPDATE versions (the codes and the time),
UPDATE answers, UPDATE search_index, INSERT INTO audit_log, the newest audit id and COMMIT.
The client's share (psycopg's ~25 us a statement, and a wake-up for each answer) was about
as much as the server's. dc_save_answer does the same statements in the same order on the
server, behind one call: the check first (the version row locked FOR UPDATE, then compared
with the record as the caller holds it: version, status, time of the last save, printed
code, how many sign-offs and ticked actions, each read after the lock), and, only if it is
as held, the writes. Not as held: nothing is written and `written` is false (the client then
reads the record again and merges, as before). So an autosave is one round trip.

It is SECURITY INVOKER: each statement runs as the caller, with the caller's privileges, and
fires every trigger it fired as the client's own statement (the lock on signed-off versions,
the hold for signers, the audit chain and its "who", the commit-time audit check), so a
role that may not write an answer may not call this to write one either. It does nothing a
client could not do with the same statements, and the client still writes every audit row.
Only an answer's rating, response and evidence go this way (its row already stored, its
actions and documents unchanged and none ticked); any other change is the statements of
before. Its search words come as a tsvector in binary form (search_vector.py).

And the triggers an autosave fires do the same checks cheaper (server time of an autosave,
measured on the bench register with pg_stat_statements and the backend's CPU time, in the
README's Performance section):
- dc_is_timestamp takes the app's own form of a time, with fields no calendar refuses, as a
  timestamp without trying the cast, whose EXCEPTION block made a subtransaction each call;
- dc_audit_guard asks who owns the tables (pg_has_role) only before a refusal, or while
  copying in, not first at every client row: the owner is still refused nothing;
- dc_audit_append takes the transaction's time from the audit_head row it has just locked
  and keeps it in the same UPDATE that moves the head on (one UPDATE, not two: p013's
  dc_server_time locked and updated the row again);
- dc_audit_check (p013) asks once whether a client row of the version explains a versions
  row in which only the derived columns changed (codes, completeness, rating, time), from a
  comparison of the two rows with those set aside, before turning the rows into JSON.
"""

from __future__ import annotations

NAME = "p014_one_statement_autosave"

SQL = r"""
CREATE FUNCTION dc_save_answer(
    p_decision_id text, p_version integer, p_status text, p_updated_at text, p_code text,
    p_sign_offs bigint, p_done bigint,
    p_stamp text, p_complete integer, p_overall_rating text, p_overall_rank integer,
    p_verification_code text, p_content_code text, p_code_scheme integer,
    p_slug text, p_rating text, p_response text, p_evidence text, p_words tsvector,
    p_fields text[], p_olds text[], p_news text[],
    OUT written boolean, OUT newest bigint)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v record;
BEGIN
    -- current_version_id's check: the row locked, then compared (each count read after it)
    SELECT id, version, status, updated_at, verification_code INTO v FROM versions
        WHERE decision_id = p_decision_id AND is_current = 1 FOR UPDATE;
    written := coalesce(FOUND AND v.version = p_version AND v.status = p_status
        AND v.updated_at = p_updated_at AND v.verification_code = p_code
        AND (SELECT count(*) FROM sign_offs s WHERE s.version_id = v.id) = p_sign_offs
        AND (SELECT count(*) FROM action_progress a WHERE a.version_id = v.id) = p_done,
        false);
    IF written THEN
        UPDATE versions SET updated_at = p_stamp, complete = p_complete,
            overall_rating = p_overall_rating, overall_rank = p_overall_rank,
            verification_code = p_verification_code, content_code = p_content_code,
            code_scheme = p_code_scheme
            WHERE id = v.id;
        UPDATE answers SET rating = p_rating, response = p_response, evidence = p_evidence
            WHERE version_id = v.id AND slug = p_slug;
        IF NOT FOUND THEN  -- the client sends only an answer it holds a row of
            RAISE EXCEPTION 'the answer % was not found on this version: read it again',
                quote_literal(p_slug) USING ERRCODE = 'DC003';
        END IF;
        IF p_words IS NOT NULL THEN
            UPDATE search_index SET words = p_words WHERE version_id = v.id;
        END IF;
        INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value)
            SELECT p_stamp, p_decision_id, p_version, c.f, c.o, c.n
            FROM unnest(p_fields, p_olds, p_news) WITH ORDINALITY AS c(f, o, n, i)
            ORDER BY c.i;
    END IF;
    SELECT coalesce(max(id), 0) INTO newest FROM audit_log;
END $$;
REVOKE EXECUTE ON FUNCTION dc_save_answer(text, integer, text, text, text, bigint, bigint,
    text, integer, text, integer, text, text, integer, text, text, text, text, tsvector, text[],
    text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dc_save_answer(text, integer, text, text, text, bigint, bigint,
    text, integer, text, integer, text, text, integer, text, text, text, text, tsvector, text[],
    text[], text[]) TO dc_author, dc_clerk;

-- ---- the triggers an autosave fires, each the same check done cheaper ----------------------
-- An audit row's time: the app's own form, with fields no calendar refuses, is a timestamp
-- without trying the cast (whose EXCEPTION block is a subtransaction at every call); any
-- other form is tried as before.
CREATE OR REPLACE FUNCTION dc_is_timestamp(at text) RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF at IS NULL OR at !~ ('^\d{4}-\d{2}-\d{2}'
                            '(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$') THEN
        RETURN false;
    END IF;
    IF at ~ ('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])'
             'T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z$')
       AND left(at, 4) <> '0000' THEN
        RETURN true;
    END IF;
    BEGIN
        PERFORM at::timestamptz;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
        RETURN false;
    END;
    RETURN true;
END $$;

-- A client's audit row: the same checks in the same order (p009), and who owns the tables
-- asked only before a refusal (the owner is refused nothing) or while copying in, not first
-- at every row.
CREATE OR REPLACE FUNCTION dc_audit_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    key text := dc_audit_key(NEW.field);
    state text;
BEGIN
    IF coalesce(current_setting('dc.copy_in', true), '') = 'on' AND dc_as_owner() THEN
        RETURN NEW;
    END IF;
    IF (NEW.field IS NULL OR NEW.field !~ '^[][a-z0-9_.-]+$') AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: an audit row''s field is named in lower-case ASCII letters, digits and _ . - [ ] only, not %',
            quote_literal(NEW.field) USING ERRCODE = 'DC002';
    END IF;
    IF (key IN ('verificationcode', 'contentcode') OR key LIKE 'signoff%'
        OR (key = 'status' AND dc_audit_key(NEW.new_value) = 'signedoff'))
       AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: only record_sign_off writes the audit rows of sign-offs and locks'
            USING ERRCODE = 'DC002';
    END IF;
    IF NOT dc_is_timestamp(NEW.at) AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: an audit row''s time must be an ISO 8601 date or timestamp, not %',
            quote_literal(NEW.at) USING ERRCODE = 'DC002';
    END IF;
    IF NEW.decision_id = '' THEN
        RETURN NEW;
    END IF;
    IF key = 'deleted' THEN
        IF NOT dc_deleted_here(NEW.decision_id) AND NOT dc_as_owner() THEN
            RAISE EXCEPTION 'refused: a ''deleted'' audit row is written only as its decision is deleted (% was not deleted here)',
                quote_literal(NEW.decision_id) USING ERRCODE = 'DC002';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.decision_id) AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: an audit row must be about a decision in the register (% is not)',
            quote_literal(NEW.decision_id) USING ERRCODE = 'DC002';
    END IF;
    SELECT status INTO state FROM versions
        WHERE decision_id = NEW.decision_id AND version = NEW.version;
    IF NOT FOUND AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: % has no version %', quote_literal(NEW.decision_id), NEW.version
            USING ERRCODE = 'DC002';
    END IF;
    IF state = 'signed-off'
       AND NEW.field !~ '^answers\.[^.]+\.actions\[[0-9]+\]\.done$' AND NEW.field <> 'signed_copy'
       AND NOT (dc_locked_here(NEW.decision_id, NEW.version)
                AND (NEW.field IN ('call_in_days', 'imported', 'appraisal.weights_locked_at')
                     OR starts_with(NEW.field, 'appraisal.weight.')))
       AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'locked: version % of % is signed off; its history takes only ticked actions and signed copies, not %',
            NEW.version, quote_literal(NEW.decision_id), quote_literal(NEW.field)
            USING ERRCODE = 'DC001';
    END IF;
    RETURN NEW;
END $$;

-- An append: as p012, with the transaction's time (dc_server_time, p013) read from and kept
-- on the audit_head row it has just locked, in the one UPDATE that moves the head on.
CREATE OR REPLACE FUNCTION dc_audit_append() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    head audit_head;
    xact bigint := txid_current();
BEGIN
    -- The row lock queues concurrent appends (READ COMMITTED: the next one reads the head
    -- this one leaves; REPEATABLE READ or SERIALIZABLE: it fails with 40001, retry).
    SELECT * INTO head FROM audit_head WHERE one FOR UPDATE;
    IF dc_copying_in() THEN  -- rows copied as they are must still chain on
        NEW.id := coalesce(NEW.id, head.last_id + 1);
        IF NEW.id <= head.last_id OR NEW.prev_hash IS DISTINCT FROM head.last_hash
           OR NEW.hash IS DISTINCT FROM dc_audit_hash(NEW.prev_hash, NEW.at, NEW."user",
                NEW.decision_id, NEW.version, NEW.field, NEW.old_value, NEW.new_value) THEN
            RAISE EXCEPTION 'the audit log is append-only: a row must chain on from the last'
                USING ERRCODE = 'DC004';
        END IF;
        UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE one;
    ELSE
        IF head.time_xact IS DISTINCT FROM xact THEN  -- the transaction's first need of one
            head.time_at := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
        END IF;
        NEW.id := head.last_id + 1;
        NEW.at := head.time_at;
        NEW."user" := session_user;
        NEW.prev_hash := head.last_hash;
        NEW.hash := dc_audit_hash(NEW.prev_hash, NEW.at, NEW."user", NEW.decision_id,
                                  NEW.version, NEW.field, NEW.old_value, NEW.new_value);
        NEW.key_id := NULL;
        NEW.seal := NULL;
        UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash, time_xact = xact,
                              time_at = head.time_at
            WHERE one;
    END IF;
    NEW.xact := xact;
    NEW.server_written := coalesce(current_setting('dc.server_audit', true), '') = 'on';
    RETURN NEW;
END $$;

-- The commit-time audit check (p013), with one look for the commonest versions row change.
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
    ov versions;  -- p014: a versions row as it was, and as it is but for its derived columns
    nv versions;
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
    IF TG_TABLE_NAME = 'versions' AND TG_OP = 'UPDATE' THEN
        -- p014: only the columns the app derives changed (an answer's save): any client row
        -- of this version explains them (as below), asked without turning the rows into JSON
        ov := OLD;
        nv := NEW;
        nv.updated_at := ov.updated_at;
        nv.complete := ov.complete;
        nv.overall_rating := ov.overall_rating;
        nv.overall_rank := ov.overall_rank;
        nv.verification_code := ov.verification_code;
        nv.content_code := ov.content_code;
        nv.code_scheme := ov.code_scheme;
        nv.is_current := ov.is_current;
        IF nv IS NOT DISTINCT FROM ov
           AND dc_audit_explained(NEW.decision_id, NEW.version, NULL, true) THEN
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
"""
