"""The live register: the server tells every open window what another session committed.

After each committed change the server sends a NOTIFY on the channel `dc_register` with a
small JSON payload, `{"decision": id, "version": n, "kind": k}`: `decision` is "" for a
register-wide change (a setting, a checklist) and null when the id is too long for a
payload (the listener then reads everything again). NOTIFY is delivered at commit, to every
session that LISTENs (readers too: LISTEN needs no privilege), and not at all on rollback;
identical payloads of one transaction arrive once, so a save of twenty fields is one
notification.

Where it is sent from: every audit row (edits, sign-offs and locks from record_sign_off,
amendments, imports, deletions, settings), and the rows that write none: a new version (a new
decision, a duplicate, an import without sign-offs), an action ticked or unticked, a
register setting. The payload is a hint, never trusted: any session may NOTIFY any
channel, so a listener only reads the register again (desktop/storage/postgres/live.py).
"""

from __future__ import annotations

NAME = "p006_notify"
CHANNEL = "dc_register"

SQL = r"""
-- One notification: the decision (null when too long for a payload), its version, what kind.
CREATE FUNCTION dc_notify(p_decision text, p_version integer, p_kind text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_notify('dc_register', json_build_object(
        'decision', CASE WHEN octet_length(p_decision) <= 512 THEN p_decision END,
        'version', p_version, 'kind', p_kind)::text)
$$;
GRANT EXECUTE ON FUNCTION dc_notify(text, integer, text) TO dc_reader, dc_author, dc_clerk;

-- What an audit row says happened, in a word the listener can act on.
CREATE FUNCTION dc_audit_kind(p_field text, p_new text, p_decision text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN p_field LIKE 'sign\_off.%' THEN 'sign-off'
        WHEN p_field IN ('verification_code', 'content_code')
             OR (p_field = 'status' AND p_new = 'signed-off') THEN 'lock'
        WHEN p_field = 'created' THEN 'new'
        WHEN p_field = 'deleted' THEN 'deleted'
        WHEN p_field = 'imported' THEN 'imported'
        WHEN p_field = 'amendment_reason' THEN 'amended'
        WHEN p_decision = '' THEN 'register'
        ELSE 'edit'
    END
$$;

CREATE FUNCTION dc_audit_notify() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_notify(NEW.decision_id, NEW.version,
                      dc_audit_kind(NEW.field, NEW.new_value, NEW.decision_id));
    RETURN NULL;
END $$;
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION dc_audit_notify();

CREATE FUNCTION dc_version_notify() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_notify(NEW.decision_id, NEW.version, 'new');
    RETURN NULL;
END $$;
CREATE TRIGGER versions_notify AFTER INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION dc_version_notify();

CREATE FUNCTION dc_action_notify() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    v versions;
BEGIN
    SELECT * INTO v FROM versions
     WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END);
    PERFORM dc_notify(coalesce(v.decision_id, ''), coalesce(v.version, 0), 'action');
    RETURN NULL;
END $$;
CREATE TRIGGER action_progress_notify AFTER INSERT OR DELETE ON action_progress
    FOR EACH ROW EXECUTE FUNCTION dc_action_notify();

CREATE FUNCTION dc_setting_notify() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM dc_notify('', 0, 'register');
    RETURN NULL;
END $$;
CREATE TRIGGER register_settings_notify AFTER INSERT OR UPDATE ON register_settings
    FOR EACH ROW EXECUTE FUNCTION dc_setting_notify();
"""
