"""The server's share of an autosave, cut (issue 17 item 8): the same checks, done cheaper.

An autosave's statements fire triggers that call small helper functions: who owns the
tables (dc_as_owner), whether rows are being copied in (dc_copying_in), an audit row's
normalised field (dc_audit_key), its chained hash (dc_audit_hash), its kind and NOTIFY
(dc_audit_kind, dc_notify). They were SQL functions with their own search_path, which the
server never inlines: each call in each new transaction parsed and planned the body again
(20-60 us of server CPU a call, measured with /proc's utime+stime of the backend). As
PL/pgSQL they keep their plans for the session; what each returns is unchanged.

The lock trigger of search_index reads the version's status once for an UPDATE that keeps
the row's version (twice before), and asks who owns the tables only when the version is
signed off. (The child tables' lock trigger, dc_child_locked, gets the same single look in
p010, which also makes it lock the version row.)
"""

from __future__ import annotations

NAME = "p008_autosave"

SQL = r"""
CREATE OR REPLACE FUNCTION dc_copying_in() RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN coalesce(current_setting('dc.copy_in', true), '') = 'on'
       AND pg_has_role(session_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass),
                       'MEMBER');
END $$;

CREATE OR REPLACE FUNCTION dc_as_owner() RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'public.versions'::regclass),
                       'MEMBER');
END $$;

CREATE OR REPLACE FUNCTION dc_audit_hash(prev_hash text, at text, who text, decision_id text,
                                         version integer, field text, old_value text,
                                         new_value text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN encode(sha256(convert_to(
        '[' || coalesce(to_json(prev_hash)::text, 'null')
        || ',' || coalesce(to_json(at)::text, 'null')
        || ',' || coalesce(to_json(who)::text, 'null')
        || ',' || coalesce(to_json(decision_id)::text, 'null')
        || ',' || coalesce(version::text, 'null')
        || ',' || coalesce(to_json(field)::text, 'null')
        || ',' || coalesce(to_json(old_value)::text, 'null')
        || ',' || coalesce(to_json(new_value)::text, 'null') || ']', 'UTF8')), 'hex');
END $$;

CREATE OR REPLACE FUNCTION dc_audit_key(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE
PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN lower(regexp_replace(coalesce(value, ''), '[^[:alnum:]]', '', 'g'));
END $$;

CREATE OR REPLACE FUNCTION dc_notify(p_decision text, p_version integer, p_kind text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('dc_register', json_build_object(
        'decision', CASE WHEN octet_length(p_decision) <= 512 THEN p_decision END,
        'version', p_version, 'kind', p_kind)::text);
END $$;

CREATE OR REPLACE FUNCTION dc_audit_kind(p_field text, p_new text, p_decision text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN CASE
        WHEN p_field LIKE 'sign\_off.%' THEN 'sign-off'
        WHEN p_field IN ('verification_code', 'content_code')
             OR (p_field = 'status' AND p_new = 'signed-off') THEN 'lock'
        WHEN p_field = 'created' THEN 'new'
        WHEN p_field = 'deleted' THEN 'deleted'
        WHEN p_field = 'imported' THEN 'imported'
        WHEN p_field = 'amendment_reason' THEN 'amended'
        WHEN p_decision = '' THEN 'register'
        ELSE 'edit'
    END;
END $$;

-- search_index: as p004; the owner (who may rebuild a locked version's words) is asked
-- about only when the version is signed off.
CREATE OR REPLACE FUNCTION dc_search_index_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF ((TG_OP IN ('UPDATE', 'DELETE') AND
            (SELECT status FROM versions WHERE id = OLD.version_id) = 'signed-off')
        OR (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.version_id IS DISTINCT FROM OLD.version_id))
           AND (SELECT status FROM versions WHERE id = NEW.version_id) = 'signed-off')
       AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
            USING ERRCODE = 'DC001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
"""
