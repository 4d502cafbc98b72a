"""The server audits content changes itself, holds a record with sign-offs for its signers, and
takes only plain field names from clients (issue 17, the hostile tester's F3, F4 and F6).

- F3, every content change is in the audit log under the session user. A deferred constraint
  trigger on each audited table (versions, options, answers, actions, documents and the four
  appraisal tables) looks, at commit, for the client's audit row of each changed row, written
  in this transaction (audit_log.xact, set by dc_audit_append): the same decision and version,
  and the field the app names it by ('title', 'options', 'answers.<slug>.response', any
  'answers.<slug>.' row for an action or document, any 'appraisal.' row for the appraisal's
  tables; 'created' covers a new version's rows, 'deleted' a deletion). If there is none, the
  server writes the row itself, with the old and new values, under the session user. Writing,
  not refusing: IT's scripts (psql as an author) keep working and are still on the record,
  and the app, which audits every change, gains no row (nothing it wrote is duplicated). The
  columns the app derives (codes, completeness, rating, updated_at) are covered by any client
  row of that version; changed alone, they are audited as 'stored.<column>'. Rows the server
  writes are marked server_written and never count as a client's explanation (a client that
  marks its own rows so only gains more server rows). Copy-register (dc_copying_in) is exempt;
  is_current moves only through amend_version (p004).
- F4, content held for the signers (desktop/domain/rules._edit): while a version that is not
  signed off has sign-offs recorded, no role but the owner changes its content or its
  children's rows (DC002); it may only be withdrawn (or locked by record_sign_off).
- F6, audit field names: a client-written field must be lower-case ASCII letters, digits and
  _ . - [ ] (what the app writes: 'answers.<slug>.actions[0].done'); look-alike letters
  (Cyrillic, fullwidth, zero-width joiners) are refused, so no forged sign-off row gets past
  p004's normalised comparison.
"""

from __future__ import annotations

NAME = "p007_server_audit"

AUDITED_TABLES = ("versions", "options", "answers", "actions", "documents", "appraisals",
                  "appraisal_criteria", "appraisal_scores", "appraisal_weight_changes",
                  "appraisal_long_list")
_CHILDREN = AUDITED_TABLES[1:]


def _per_table(template: str, tables: tuple[str, ...]) -> str:
    return "\n".join(template.format(table=t) for t in tables)


SQL = r"""
-- ---- which transaction wrote each audit row, and whether the server wrote it --------------
ALTER TABLE audit_log ADD COLUMN xact bigint,
                      ADD COLUMN server_written boolean NOT NULL DEFAULT false;
CREATE INDEX idx_audit_xact ON audit_log (xact, decision_id, version) WHERE xact IS NOT NULL;

CREATE OR REPLACE FUNCTION dc_audit_append() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    head audit_head;
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
    ELSE
        NEW.id := head.last_id + 1;
        NEW."user" := session_user;
        NEW.prev_hash := head.last_hash;
        NEW.hash := dc_audit_hash(NEW.prev_hash, NEW.at, NEW."user", NEW.decision_id,
                                  NEW.version, NEW.field, NEW.old_value, NEW.new_value);
        NEW.key_id := NULL;
        NEW.seal := NULL;
    END IF;
    NEW.xact := txid_current();
    NEW.server_written := coalesce(current_setting('dc.server_audit', true), '') = 'on';
    UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE one;
    RETURN NEW;
END $$;

-- ---- F3: the server audits what the client did not --------------------------------------
-- Whether a client wrote, in this transaction, an audit row of this version whose field is
-- `field` (exact) or starts with it (not exact), or is 'created'.
CREATE FUNCTION dc_audit_explained(p_decision_id text, p_version integer, p_field text,
                                   p_exact boolean) RETURNS boolean LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM audit_log
        WHERE xact = txid_current() AND decision_id = p_decision_id AND version = p_version
          AND NOT server_written
          AND (field = 'created' OR p_field IS NULL
               OR CASE WHEN p_exact THEN field = p_field ELSE starts_with(field, p_field) END))
$$;

CREATE FUNCTION dc_audit_write(p_decision_id text, p_version integer, p_field text,
                               p_old text, p_new text) RETURNS void LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM set_config('dc.server_audit', 'on', true);
    INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value)
        VALUES (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                p_decision_id, p_version, p_field, p_old, p_new);
    PERFORM set_config('dc.server_audit', 'off', true);
END $$;

CREATE FUNCTION dc_audit_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    r jsonb := coalesce(n, o);
    did text;
    ver integer;
    family text;
    col text;
BEGIN
    IF dc_copying_in() OR o IS NOT DISTINCT FROM n THEN
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
                    IF NOT dc_audit_explained(did, ver, NULL, true) THEN
                        PERFORM dc_audit_write(did, ver, 'stored.' || col, o ->> col, n ->> col);
                    END IF;
                ELSIF NOT dc_audit_explained(did, ver, col, true) THEN
                    PERFORM dc_audit_write(did, ver, col, o ->> col, n ->> col);
                END IF;
            END LOOP;
        END IF;
        RETURN NULL;
    END IF;
    SELECT decision_id, version INTO did, ver FROM versions
        WHERE id = (r ->> 'version_id')::bigint;
    IF NOT FOUND THEN  -- its version went with it: the version's deletion is audited
        RETURN NULL;
    END IF;
    family := CASE WHEN TG_TABLE_NAME = 'options' THEN 'options'
                   WHEN TG_TABLE_NAME IN ('answers', 'actions', 'documents')
                       THEN 'answers.' || (r ->> 'slug') || '.'
                   ELSE 'appraisal.' END;
    IF dc_audit_explained(did, ver, family, TG_TABLE_NAME = 'options') THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'answers' THEN
        FOREACH col IN ARRAY ARRAY['rating', 'response', 'evidence'] LOOP
            IF o ->> col IS DISTINCT FROM n ->> col THEN
                PERFORM dc_audit_write(did, ver, family || col, o ->> col, n ->> col);
            END IF;
        END LOOP;
        RETURN NULL;
    END IF;
    PERFORM dc_audit_write(did, ver,
        CASE TG_TABLE_NAME
            WHEN 'options' THEN 'options'
            WHEN 'actions' THEN family || 'actions'
            WHEN 'documents' THEN family || 'documents'
            WHEN 'appraisals' THEN 'appraisal'
            WHEN 'appraisal_criteria' THEN 'appraisal.criteria'
            WHEN 'appraisal_long_list' THEN 'appraisal.long_list'
            WHEN 'appraisal_scores' THEN 'appraisal.score.' || (r ->> 'option') || '.'
                                         || (r ->> 'criterion')
            ELSE 'appraisal.weight_changes' END,
        (o - 'version_id')::text, (n - 'version_id')::text);
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_audit_check() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION dc_audit_write(text, integer, text, text, text) FROM PUBLIC;
""" + _per_table("""
CREATE CONSTRAINT TRIGGER {table}_audited AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_audit_check();""",
                 AUDITED_TABLES) + r"""

-- ---- F4: a version with sign-offs is held for its signers --------------------------------
CREATE FUNCTION dc_held(p_version_id bigint) RETURNS boolean LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM versions v WHERE v.id = p_version_id
                   AND v.status <> 'signed-off'
                   AND EXISTS (SELECT 1 FROM sign_offs s WHERE s.version_id = v.id))
$$;

CREATE FUNCTION dc_held_refusal(p_version_id bigint) RETURNS void LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    v versions;
BEGIN
    SELECT * INTO v FROM versions WHERE id = p_version_id;
    RAISE EXCEPTION 'refused: % version % has sign-offs recorded; finish recording them, or remove them, before changing it',
        quote_literal(v.title), v.version USING ERRCODE = 'DC002';
END $$;

CREATE FUNCTION dc_versions_held() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    kept text[] := ARRAY['status', 'updated_at', 'is_current'];
BEGIN
    IF dc_as_owner() OR NOT dc_held(OLD.id) THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM dc_held_refusal(OLD.id);
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status <> 'withdrawn' THEN
            PERFORM dc_held_refusal(OLD.id);
        END IF;
        -- the printed code may follow the status; the content stays
        kept := kept || ARRAY['verification_code', 'content_code'];
    END IF;
    IF (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept) THEN
        PERFORM dc_held_refusal(OLD.id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER versions_held BEFORE UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION dc_versions_held();

CREATE FUNCTION dc_child_held() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT dc_as_owner() THEN
        IF TG_OP IN ('UPDATE', 'DELETE') AND dc_held(OLD.version_id) THEN
            PERFORM dc_held_refusal(OLD.version_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND dc_held(NEW.version_id) THEN
            PERFORM dc_held_refusal(NEW.version_id);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
""" + _per_table("""
CREATE TRIGGER {table}_held BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION dc_child_held();""", _CHILDREN) + r"""

-- ---- F6: a client's audit field is plain ASCII of the app's field-name alphabet ----------
CREATE OR REPLACE FUNCTION dc_audit_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    key text := dc_audit_key(NEW.field);
BEGIN
    IF dc_as_owner() THEN
        RETURN NEW;
    END IF;
    IF NEW.field IS NULL OR NEW.field !~ '^[][a-z0-9_.-]+$' THEN
        RAISE EXCEPTION 'refused: an audit row''s field is named in lower-case ASCII letters, digits and _ . - [ ] only, not %',
            quote_literal(NEW.field) USING ERRCODE = 'DC002';
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
"""
