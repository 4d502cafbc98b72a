"""Sign-off guard (issue 17, the hostile tester's H1 and M4): an open edit and a sign-off of
one version queue, and a sign-off's staleness rests on the audit log, not on a column authors
write.

- The child-row triggers (dc_child_held, p007, which fires first, and dc_child_locked, p001)
  take FOR KEY SHARE on the version row before they read its status and sign-offs. That lock
  conflicts with the FOR UPDATE of record_sign_off, remove_sign_off and amend_version, so a
  sign-off waits for an open edit of the version's options, answers, actions, documents or
  appraisal rows to end, and an edit waits for an open sign-off, then (READ COMMITTED: the
  trigger's next statement takes a fresh snapshot) sees the lock or the hold and is refused.
  KEY SHARE, not SHARE: an author's save also UPDATEs the version row (FOR NO KEY UPDATE),
  which KEY SHARE does not conflict with, so two authors saving one version still queue on
  that UPDATE as before; with SHARE each would hold a share lock the other's UPDATE waits on,
  a deadlock. Taken through dc_lock_version (SECURITY DEFINER): a row lock needs UPDATE on
  versions, which a clerk ticking an action has not.
- record_sign_off gains p_read_audit: the id of the newest audit row of the decision the
  caller had seen when it read the record (read before the record, in its transaction). p007
  gives every content change an audit row, client or server written, that no author can hold
  back; any newer row of that decision (not written in this transaction) makes the call stale
  (DC003). With that check passed, a stored verification code that is not the code of the
  content the caller read means the row was written outside the app: refused with that said
  (DC002), not an endless "read it again". Without p_read_audit (a clerk's own SQL) the old
  check stands: the stored code and sign-offs as read, else DC003.
- The codes the last sign-off locks with must be the version's own (M1): the content code
  the draft's stored code (the content the checks read), the printed code not that one (it
  pins the sign-offs) and no other version's code (scheme 1: only that). The server cannot compute the printed
  code itself (canonical JSON and SHA-256 of the whole record), so that much it checks.
"""

from __future__ import annotations

NAME = "p010_sign_off_guard"

_CHILD_LOCKED = r"""
CREATE FUNCTION dc_lock_version(p_version_id bigint) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM versions WHERE id = p_version_id FOR KEY SHARE;
END $$;
REVOKE EXECUTE ON FUNCTION dc_lock_version(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dc_lock_version(bigint) TO dc_author, dc_clerk;

CREATE FUNCTION dc_lock_versions_of(op text, old_vid bigint, new_vid bigint)
RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF op = 'INSERT' THEN
        PERFORM dc_lock_version(new_vid);
    ELSIF op = 'DELETE' THEN
        PERFORM dc_lock_version(old_vid);
    ELSE  -- both, in id order: two rows moved between the same two versions never deadlock
        PERFORM dc_lock_version(least(old_vid, new_vid));
        IF old_vid IS DISTINCT FROM new_vid THEN
            PERFORM dc_lock_version(greatest(old_vid, new_vid));
        END IF;
    END IF;
END $$;
REVOKE EXECUTE ON FUNCTION dc_lock_versions_of(text, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dc_lock_versions_of(text, bigint, bigint) TO dc_author, dc_clerk;

CREATE OR REPLACE FUNCTION dc_child_held() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_lock_versions_of(TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN OLD.version_id END,
                                CASE WHEN TG_OP <> 'DELETE' THEN NEW.version_id END);
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

CREATE OR REPLACE FUNCTION dc_child_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_lock_versions_of(TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN OLD.version_id END,
                                CASE WHEN TG_OP <> 'DELETE' THEN NEW.version_id END);
    IF (TG_OP IN ('UPDATE', 'DELETE') AND
            (SELECT status FROM versions WHERE id = OLD.version_id) = 'signed-off')
       OR (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.version_id IS DISTINCT FROM OLD.version_id))
          AND (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off' THEN
        RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
            USING ERRCODE = 'DC001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
"""

_SIGNATURE = ("bigint, text, text, text, text, text, text, text, jsonb, text, text")
_NEW_SIGNATURE = _SIGNATURE + ", bigint"

SQL = _CHILD_LOCKED + f"""
DROP FUNCTION record_sign_off({_SIGNATURE});
""" + r"""
CREATE FUNCTION record_sign_off(
    p_version_id bigint, p_role text, p_name text, p_date text, p_minute_reference text,
    p_comment text, p_at text, p_read_code text, p_read_sign_offs jsonb,
    p_verification_code text DEFAULT NULL, p_content_code text DEFAULT NULL,
    p_read_audit bigint DEFAULT NULL)
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
    -- Every content change has an audit row (the client's, or the server's own: p007), which
    -- no author can hold back or forge; one newer than the caller read means it is stale.
    -- Rows this transaction wrote (an import's, an earlier sign-off's) are the caller's own.
    IF p_read_audit IS NOT NULL AND EXISTS (
            SELECT 1 FROM audit_log WHERE decision_id = v.decision_id AND id > p_read_audit
                AND xact IS DISTINCT FROM txid_current()) THEN
        RAISE EXCEPTION 'stale: version % of % changed after it was read; read it again',
            v.version, v.decision_id USING ERRCODE = 'DC003';
    END IF;
    -- Read current, yet its stored code is not the code of the content the caller read: the
    -- row was written outside the app (raw SQL). Reading again cannot cure that.
    IF p_read_audit IS NOT NULL AND v.verification_code IS DISTINCT FROM p_read_code THEN
        RAISE EXCEPTION 'refused: the stored record of % version % was changed outside the app: its verification code no longer matches its content; see audit --check',
            quote_literal(v.title), v.version USING ERRCODE = 'DC002';
    END IF;
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
    -- The codes must be this version's (M1): the content code is the one stored on the
    -- draft, which the checks above proved is the content read (scheme 2 keeps it while
    -- sign-offs are recorded); the printed code pins the sign-offs, so differs from it; and
    -- no other version bears either (a code covers the decision id and version number).
    -- Scheme 1 (versions from before scheme 2, none written now): only the last rule.
    IF (v.code_scheme >= 2 AND (p_content_code IS DISTINCT FROM v.verification_code
                                OR p_verification_code = p_content_code))
       OR EXISTS (SELECT 1 FROM versions o WHERE o.id <> v.id
                  AND p_verification_code IN (o.verification_code, o.content_code)) THEN
        RAISE EXCEPTION 'refused: the codes given to lock % version % are not its own',
            quote_literal(v.title), v.version USING ERRCODE = 'DC002';
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
""" + f"""
REVOKE EXECUTE ON FUNCTION record_sign_off({_NEW_SIGNATURE}) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_sign_off({_NEW_SIGNATURE}) TO dc_clerk;
"""
