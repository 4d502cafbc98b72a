"""The shared register's server closes what a hostile test of p001-p003 found (issue 17).

- Only an amendment retires a version: `amend_version()` (SECURITY DEFINER, EXECUTE for
  dc_author) locks the current signed-off version, makes it no longer current and moves the
  decision on; nobody else may change a version's is_current or a decision's
  current_version, and a deferred check refuses at commit a retirement without the new
  current version beside it. A decision has at most one current version (a unique index).
- The audit rows of sign-offs and locks come only from the server's functions, whatever the
  spelling: the guard compares field names and the status written with case, spaces and
  punctuation taken out ('Sign_off.Chair', 'verification_code ', 'signed-off ' are refused).
  A client's row must say when (`at`, an ISO 8601 date or timestamp) and be about a decision that
  exists (register-wide rows are about '', a deletion about the deleted one).
- A signed copy is attached by a clerk (dc_clerk) only: authors lose INSERT on signed_copies.
  A signed-off version's search_index row is locked with it (the owner may still rebuild it).
- record_sign_off() refuses a sign-off dated in the future or before 2000, a name of only
  white space (any Unicode space), and a recording time that is not an ISO 8601 timestamp.
"""

from __future__ import annotations

NAME = "p004_server_hardening"

SQL = r"""
-- ---- only an amendment retires a version ---------------------------------------------------
CREATE UNIQUE INDEX idx_versions_one_current ON versions (decision_id) WHERE is_current = 1;

CREATE OR REPLACE FUNCTION dc_versions_update() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    retired versions;
    sections integer;
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.decision_id IS DISTINCT FROM OLD.decision_id
       OR NEW.version IS DISTINCT FROM OLD.version THEN
        RAISE EXCEPTION 'locked: a version''s identity cannot be changed' USING ERRCODE = 'DC001';
    END IF;
    IF NEW.is_current IS DISTINCT FROM OLD.is_current AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: a version stops being the current one only by an amendment (amend_version)'
            USING ERRCODE = 'DC002';
    END IF;
    IF OLD.status = 'signed-off' THEN
        -- the one change allowed: an amendment makes it no longer the current version
        retired := OLD;
        retired.is_current := 0;
        IF NOT (OLD.is_current = 1 AND NEW IS NOT DISTINCT FROM retired) THEN
            RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
                USING ERRCODE = 'DC001';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'signed-off' THEN
        IF NOT dc_as_owner() THEN
            RAISE EXCEPTION 'refused: a version is signed off only by recording its last sign-off (record_sign_off)'
                USING ERRCODE = 'DC002';
        END IF;
        SELECT coalesce(jsonb_array_length(c.definition::jsonb -> 'principles'), 1000000)
            INTO sections FROM checklists c WHERE c.sha256 = NEW.checklist_sha256;
        IF NEW.complete < coalesce(sections, 1000000)
           OR dc_missing_roles(NEW.id, NEW.checklist_sha256) > 0 THEN
            RAISE EXCEPTION 'refused: sign-off needs a complete record and every required role'
                USING ERRCODE = 'DC002';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION dc_decisions_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM versions WHERE decision_id = OLD.id) THEN
            RAISE EXCEPTION 'locked: a decision cannot be deleted while it has versions'
                USING ERRCODE = 'DC001';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.current_version < OLD.current_version THEN
        RAISE EXCEPTION 'locked: a decision''s identity cannot be changed' USING ERRCODE = 'DC001';
    END IF;
    IF NEW.current_version IS DISTINCT FROM OLD.current_version AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'refused: a decision moves to its next version only by an amendment (amend_version)'
            USING ERRCODE = 'DC002';
    END IF;
    RETURN NEW;
END $$;

-- At commit: a version retired in this transaction has its successor, the current version.
CREATE FUNCTION dc_retired_has_successor() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT dc_copying_in() AND NOT EXISTS (
            SELECT 1 FROM versions WHERE decision_id = NEW.decision_id
               AND version = NEW.version + 1 AND is_current = 1) THEN
        RAISE EXCEPTION 'refused: version % of % was retired without its amendment, version %',
            NEW.version, NEW.decision_id, NEW.version + 1 USING ERRCODE = 'DC002';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER versions_retired_has_successor AFTER UPDATE ON versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.is_current = 1 AND NEW.is_current = 0)
    EXECUTE FUNCTION dc_retired_has_successor();

-- Start an amendment: version p_version of p_decision_id (the current one, signed off) stops
-- being current and the decision moves on to p_new_version (the next), which the caller
-- inserts in the same transaction (the check above refuses the commit otherwise).
CREATE FUNCTION amend_version(p_decision_id text, p_version integer, p_new_version integer)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    v versions;
BEGIN
    SELECT * INTO v FROM versions WHERE decision_id = p_decision_id AND version = p_version
        FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'refused: there is no version % of %', p_version, p_decision_id
            USING ERRCODE = 'DC002';
    END IF;
    IF v.is_current <> 1 OR v.status <> 'signed-off' THEN
        RAISE EXCEPTION 'refused: only the current version of a signed-off record is amended (version % is %)',
            v.version, CASE WHEN v.is_current = 1 THEN v.status ELSE 'amended already' END
            USING ERRCODE = 'DC002';
    END IF;
    IF p_new_version IS DISTINCT FROM v.version + 1 THEN
        RAISE EXCEPTION 'refused: the amendment of version % is version %', v.version, v.version + 1
            USING ERRCODE = 'DC002';
    END IF;
    UPDATE versions SET is_current = 0 WHERE id = v.id;
    UPDATE decisions SET current_version = p_new_version WHERE id = v.decision_id;
END $$;
REVOKE EXECUTE ON FUNCTION amend_version(text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION amend_version(text, integer, integer) TO dc_author;

-- ---- the audit rows of sign-offs and locks, however spelt ------------------------------------
-- A field name or value with case, spaces and punctuation taken out ('Sign_off. Chair' ->
-- 'signoffchair'), so look-alikes compare equal.
CREATE FUNCTION dc_audit_key(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT lower(regexp_replace(coalesce(value, ''), '[^[:alnum:]]', '', 'g'))
$$;

-- Whether `at` is an ISO 8601 date or timestamp (the app writes 2026-12-01T09:00:00.000000Z).
CREATE FUNCTION dc_is_timestamp(at text) RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF at IS NULL OR at !~ ('^\d{4}-\d{2}-\d{2}'
                            '(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$') THEN
        RETURN false;
    END IF;
    PERFORM at::timestamptz;
    RETURN true;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
    RETURN false;
END $$;

CREATE OR REPLACE FUNCTION dc_audit_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    key text := dc_audit_key(NEW.field);
BEGIN
    IF dc_as_owner() THEN
        RETURN NEW;
    END IF;
    IF key IN ('verificationcode', 'contentcode') OR key LIKE 'signoff%'
       OR (key = 'status' AND dc_audit_key(NEW.new_value) = 'signedoff') THEN
        RAISE EXCEPTION 'refused: only record_sign_off writes the audit rows of sign-offs and locks'
            USING ERRCODE = 'DC002';
    END IF;
    IF NOT dc_is_timestamp(NEW.at) THEN
        RAISE EXCEPTION 'refused: an audit row''s time must be an ISO 8601 date or timestamp, not %',
            quote_literal(NEW.at) USING ERRCODE = 'DC002';
    END IF;
    IF NEW.decision_id <> '' AND key <> 'deleted'
       AND NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.decision_id) THEN
        RAISE EXCEPTION 'refused: an audit row must be about a decision in the register (% is not)',
            quote_literal(NEW.decision_id) USING ERRCODE = 'DC002';
    END IF;
    RETURN NEW;
END $$;

-- ---- signed copies are the clerk's; a locked version's search words are locked -------------
REVOKE INSERT ON signed_copies FROM dc_author;
GRANT INSERT ON signed_copies TO dc_clerk;

CREATE FUNCTION dc_search_index_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT dc_as_owner() AND (
        (TG_OP IN ('UPDATE', 'DELETE') AND
            (SELECT status FROM versions WHERE id = OLD.version_id) = 'signed-off')
        OR (TG_OP IN ('INSERT', 'UPDATE') AND
            (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off')) THEN
        RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
            USING ERRCODE = 'DC001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER search_index_locked BEFORE INSERT OR UPDATE OR DELETE ON search_index
    FOR EACH ROW EXECUTE FUNCTION dc_search_index_locked();

-- ---- what record_sign_off accepts ----------------------------------------------------------
-- Whether a name is empty or only white space (Unicode spaces and zero-width ones included).
CREATE FUNCTION dc_blank(value text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT regexp_replace(coalesce(value, ''),
                          '[[:space:]\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]',
                          '', 'g') = ''
$$;

CREATE OR REPLACE FUNCTION record_sign_off(
    p_version_id bigint, p_role text, p_name text, p_date text, p_minute_reference text,
    p_comment text, p_at text, p_read_code text, p_read_sign_offs jsonb,
    p_verification_code text DEFAULT NULL, p_content_code text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    v versions;
    role_name text;
    stored jsonb;
BEGIN
    SELECT * INTO v FROM versions WHERE id = p_version_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'refused: there is no version %', p_version_id USING ERRCODE = 'DC002';
    END IF;
    IF v.status = 'signed-off' THEN
        RAISE EXCEPTION 'locked: version % of % is already signed off', v.version, v.decision_id
            USING ERRCODE = 'DC001';
    END IF;
    IF v.is_current <> 1 OR v.status <> 'ready' THEN
        RAISE EXCEPTION 'refused: only the current version of a record that is ready for sign-off can be signed (version % is %)',
            v.version, v.status USING ERRCODE = 'DC002';
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_array(role, name, date, minute_reference, comment)),
                    '[]'::jsonb)
        INTO stored FROM sign_offs WHERE version_id = v.id;
    IF v.verification_code IS DISTINCT FROM p_read_code
       OR p_read_sign_offs IS NULL OR jsonb_typeof(p_read_sign_offs) <> 'array'
       OR jsonb_array_length(p_read_sign_offs) <> jsonb_array_length(stored)
       OR NOT (stored @> p_read_sign_offs AND p_read_sign_offs @> stored) THEN
        RAISE EXCEPTION 'stale: version % of % changed after it was read; read it again',
            v.version, v.decision_id USING ERRCODE = 'DC003';
    END IF;
    SELECT r.value ->> 'name' INTO role_name
        FROM checklists c, jsonb_array_elements(c.definition::jsonb -> 'sign_off_roles') r
        WHERE c.sha256 = v.checklist_sha256 AND lower(r.value ->> 'name') = lower(p_role)
        LIMIT 1;
    IF role_name IS NULL THEN
        RAISE EXCEPTION 'refused: % is not a sign-off role of this version''s checklist',
            quote_literal(p_role) USING ERRCODE = 'DC002';
    END IF;
    IF EXISTS (SELECT 1 FROM sign_offs WHERE version_id = v.id AND lower(role) = lower(role_name)) THEN
        RAISE EXCEPTION 'refused: % has already signed', role_name USING ERRCODE = 'DC002';
    END IF;
    IF dc_blank(p_name) THEN
        RAISE EXCEPTION 'name: enter the name of the person who signed' USING ERRCODE = '22023';
    END IF;
    BEGIN
        IF p_date IS NULL OR p_date !~ '^\d{4}-\d{2}-\d{2}$' OR p_date::date IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22007';
        END IF;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
        RAISE EXCEPTION 'date: % is not a date in the form YYYY-MM-DD', quote_literal(p_date)
            USING ERRCODE = '22023';
    END;
    -- today somewhere on Earth (UTC+14) is the latest date a sign-off can honestly bear, so a
    -- clerk's "today" is never refused whatever the server's or the session's time zone
    IF p_date::date > ((now() AT TIME ZONE 'UTC') + interval '14 hours')::date THEN
        RAISE EXCEPTION 'date: % is in the future; give the date it was signed', quote_literal(p_date)
            USING ERRCODE = '22023';
    END IF;
    IF p_date::date < date '2000-01-01' THEN
        RAISE EXCEPTION 'date: % is before 2000; give the date it was signed', quote_literal(p_date)
            USING ERRCODE = '22023';
    END IF;
    IF NOT dc_is_timestamp(p_at) THEN
        RAISE EXCEPTION 'refused: the time a sign-off is recorded must be an ISO 8601 timestamp, not %',
            quote_literal(p_at) USING ERRCODE = '22023';
    END IF;
    INSERT INTO sign_offs (version_id, role, name, date, minute_reference, comment, recorded_at)
        VALUES (v.id, role_name, p_name, p_date, coalesce(p_minute_reference, ''),
                coalesce(p_comment, ''), p_at);
    INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value)
        VALUES (p_at, v.decision_id, v.version, 'sign_off.' || role_name, NULL,
                dc_sign_off_text(p_name, p_date, coalesce(p_minute_reference, ''),
                                 coalesce(p_comment, '')));
    IF dc_missing_roles(v.id, v.checklist_sha256) > 0 THEN
        IF p_verification_code IS NOT NULL OR p_content_code IS NOT NULL THEN
            RAISE EXCEPTION 'stale: roles are still to sign, so this sign-off does not lock the version; read it again'
                USING ERRCODE = 'DC003';
        END IF;
        RETURN v.status;
    END IF;
    IF coalesce(p_verification_code, '') = '' OR p_content_code IS NULL THEN
        RAISE EXCEPTION 'stale: this is the last sign-off, which locks the version: give its codes'
            USING ERRCODE = 'DC003';
    END IF;
    UPDATE versions SET status = 'signed-off', updated_at = p_at,
                        verification_code = p_verification_code,
                        content_code = CASE WHEN code_scheme >= 2 THEN p_content_code ELSE '' END
        WHERE id = v.id;
    INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value) VALUES
        (p_at, v.decision_id, v.version, 'status', v.status, 'signed-off'),
        (p_at, v.decision_id, v.version, 'verification_code', NULL, p_verification_code),
        (p_at, v.decision_id, v.version, 'content_code', NULL, p_content_code);
    RETURN 'signed-off';
END $$;
"""
