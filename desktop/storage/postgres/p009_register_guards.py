"""The server guards what the hostile tester of issue 17 still got past it with raw SQL (H2, M2,
M3, L7): a record's versions, the audit rows a client may add, signed copies, ticked actions
and the register's settings.

- H2, a decision keeps its current version. At commit (a deferred constraint trigger on
  versions and decisions) every decision that has a row has exactly one current version, its
  newest, and decisions.current_version names it. An amendment (a version after a signed-off
  one) is deleted by no role but the owner: the app has no "discard amendment" (it deletes
  only a first version nobody signed, domain/rules._delete), so nor does the server. Deleting
  a whole draft decision, as the app does it, still works.
- M2, a client's audit rows. About a signed-off version, a client writes only what the app
  writes after the lock: an action ticked or unticked ('answers.<slug>.actions[N].done') and a
  signed copy ('signed_copy'); and, in the transaction that locked it (record_sign_off's
  'status' row of this transaction), the call-in period fixed at sign-off, an import's
  'imported' row and its appraisal lock and weight changes. A row names a decision in the
  register and one of its versions; a 'deleted' row names a decision deleted in this
  transaction (deleted_decisions, written by the server as the decision goes).
- M3, signed copies and ticked actions. The server sets a signed copy's sha256 and size from
  its data, and refuses what the app refuses (not a PDF, over 100 MB); the app attaches any
  number of copies to a signed-off version, so the server does too. An action's done_at is an
  ISO 8601 timestamp, and on a signed-off version not before its last sign-off was recorded
  (a tick back-dated into the signed record would print as done when signed). Both tables'
  writes are audited as p007 audits content: the server writes the row ('signed_copy',
  'answers.<slug>.actions[N].done') when the client wrote none in the transaction.
- L7, register settings. A change of one is audited the same way (the app's rows:
  'call_in_days', 'checklist_default' for 'default_checklist'; the checklist editor's draft,
  kept as it is typed, is not audited), and the call-in period is a whole number of working
  days from 1 to 30, as the app allows.
Copy-register (dc_copying_in) is exempt from all of it, as from p004 and p007.
"""

from __future__ import annotations

from desktop.domain.timeline import MAX_CALL_IN_DAYS

NAME = "p009_register_guards"

SQL = r"""
-- ---- H2: a decision keeps exactly one current version, its newest ------------------------
CREATE FUNCTION dc_decision_consistent() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    did text;
    named integer;
    currents integer;
    current_one integer;
    newest integer;
BEGIN
    IF dc_copying_in() THEN
        RETURN NULL;
    ELSIF TG_TABLE_NAME = 'decisions' THEN
        did := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        did := OLD.decision_id;
    ELSE
        did := NEW.decision_id;
    END IF;
    SELECT current_version INTO named FROM decisions WHERE id = did;
    IF NOT FOUND THEN  -- deleted with its versions (a version without one: the foreign key)
        RETURN NULL;
    END IF;
    SELECT count(*) FILTER (WHERE is_current = 1), max(version) FILTER (WHERE is_current = 1),
           max(version)
        INTO currents, current_one, newest FROM versions WHERE decision_id = did;
    IF currents <> 1 OR current_one IS DISTINCT FROM named OR newest IS DISTINCT FROM named THEN
        RAISE EXCEPTION 'refused: decision % must keep exactly one current version, its newest, which the decision names (it names version %)',
            quote_literal(did), named USING ERRCODE = 'DC002';
    END IF;
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_decision_consistent() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER versions_decision_consistent AFTER INSERT OR DELETE ON versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_decision_consistent();
CREATE CONSTRAINT TRIGGER versions_current_consistent AFTER UPDATE ON versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.is_current IS DISTINCT FROM NEW.is_current)
    EXECUTE FUNCTION dc_decision_consistent();
CREATE CONSTRAINT TRIGGER decisions_consistent AFTER INSERT ON decisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_decision_consistent();
CREATE CONSTRAINT TRIGGER decisions_current_consistent AFTER UPDATE ON decisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.current_version IS DISTINCT FROM NEW.current_version)
    EXECUTE FUNCTION dc_decision_consistent();

CREATE FUNCTION dc_amendment_kept() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT dc_as_owner() AND EXISTS (
            SELECT 1 FROM versions WHERE decision_id = OLD.decision_id
               AND version < OLD.version AND status = 'signed-off') THEN
        RAISE EXCEPTION 'locked: version % of % amends a signed-off version and is kept for the record; withdraw it instead',
            OLD.version, quote_literal(OLD.decision_id) USING ERRCODE = 'DC001';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER versions_amendment_kept BEFORE DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION dc_amendment_kept();

-- ---- M2: the decisions deleted, for the 'deleted' row of their transaction ----------------
CREATE TABLE deleted_decisions (
    decision_id text NOT NULL,
    xact bigint NOT NULL,
    deleted_by text NOT NULL DEFAULT session_user,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_deleted_decisions ON deleted_decisions (xact, decision_id);
REVOKE ALL ON deleted_decisions FROM PUBLIC;
CREATE FUNCTION dc_decision_deleted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO deleted_decisions (decision_id, xact) VALUES (OLD.id, txid_current());
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_decision_deleted() FROM PUBLIC;
CREATE TRIGGER decisions_deleted AFTER DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION dc_decision_deleted();
CREATE FUNCTION dc_deleted_here(p_decision_id text) RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM deleted_decisions
                   WHERE xact = txid_current() AND decision_id = p_decision_id)
       AND NOT EXISTS (SELECT 1 FROM decisions WHERE id = p_decision_id)
$$;

-- Whether the version was locked in this transaction (record_sign_off's status row).
CREATE FUNCTION dc_locked_here(p_decision_id text, p_version integer) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM audit_log
                   WHERE xact = txid_current() AND decision_id = p_decision_id
                     AND version = p_version AND field = 'status'
                     AND new_value = 'signed-off' AND NOT server_written)
$$;

CREATE OR REPLACE FUNCTION dc_audit_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    key text := dc_audit_key(NEW.field);
    state text;
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
    IF NEW.decision_id = '' THEN
        RETURN NEW;
    END IF;
    IF key = 'deleted' THEN
        IF NOT dc_deleted_here(NEW.decision_id) THEN
            RAISE EXCEPTION 'refused: a ''deleted'' audit row is written only as its decision is deleted (% was not deleted here)',
                quote_literal(NEW.decision_id) USING ERRCODE = 'DC002';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.decision_id) THEN
        RAISE EXCEPTION 'refused: an audit row must be about a decision in the register (% is not)',
            quote_literal(NEW.decision_id) USING ERRCODE = 'DC002';
    END IF;
    SELECT status INTO state FROM versions
        WHERE decision_id = NEW.decision_id AND version = NEW.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'refused: % has no version %', quote_literal(NEW.decision_id), NEW.version
            USING ERRCODE = 'DC002';
    END IF;
    IF state = 'signed-off'
       AND NEW.field !~ '^answers\.[^.]+\.actions\[[0-9]+\]\.done$' AND NEW.field <> 'signed_copy'
       AND NOT (dc_locked_here(NEW.decision_id, NEW.version)
                AND (NEW.field IN ('call_in_days', 'imported', 'appraisal.weights_locked_at')
                     OR starts_with(NEW.field, 'appraisal.weight.'))) THEN
        RAISE EXCEPTION 'locked: version % of % is signed off; its history takes only ticked actions and signed copies, not %',
            NEW.version, quote_literal(NEW.decision_id), quote_literal(NEW.field)
            USING ERRCODE = 'DC001';
    END IF;
    RETURN NEW;
END $$;

-- ---- M3: a signed copy is what its data says, and a PDF; a tick is not back-dated ---------
CREATE FUNCTION dc_signed_copy_truth() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF dc_copying_in() THEN
        RETURN NEW;
    END IF;
    IF substring(NEW.data FROM 1 FOR 5) IS DISTINCT FROM '\x255044462d'::bytea THEN
        RAISE EXCEPTION 'refused: % is not a PDF file', quote_literal(NEW.filename)
            USING ERRCODE = 'DC002';
    END IF;
    IF octet_length(NEW.data) > 100 * 1024 * 1024 THEN
        RAISE EXCEPTION 'refused: % is larger than 100 MB', quote_literal(NEW.filename)
            USING ERRCODE = 'DC002';
    END IF;
    NEW.sha256 := encode(sha256(NEW.data), 'hex');
    NEW.size := octet_length(NEW.data);
    RETURN NEW;
END $$;
CREATE TRIGGER signed_copies_truth BEFORE INSERT ON signed_copies
    FOR EACH ROW EXECUTE FUNCTION dc_signed_copy_truth();

CREATE FUNCTION dc_progress_when() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    signed text;
BEGIN
    IF dc_copying_in() THEN
        RETURN NEW;
    END IF;
    IF NOT dc_is_timestamp(NEW.done_at) THEN
        RAISE EXCEPTION 'refused: the time an action is ticked must be an ISO 8601 timestamp, not %',
            quote_literal(NEW.done_at) USING ERRCODE = 'DC002';
    END IF;
    SELECT max(s.recorded_at) INTO signed FROM versions v JOIN sign_offs s ON s.version_id = v.id
        WHERE v.id = NEW.version_id AND v.status = 'signed-off';
    IF dc_is_timestamp(signed) AND NEW.done_at::timestamptz < signed::timestamptz THEN
        RAISE EXCEPTION 'refused: an action of a signed-off version is ticked after its sign-off (%), not at %',
            signed, NEW.done_at USING ERRCODE = 'DC002';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER action_progress_when BEFORE INSERT OR UPDATE ON action_progress
    FOR EACH ROW EXECUTE FUNCTION dc_progress_when();

-- ---- M3 and L7: the server audits follow-up and settings the client did not ---------------
CREATE FUNCTION dc_follow_up_audited() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    r record;
    did text;
    ver integer;
    field text;
    old_value text;
BEGIN
    IF dc_copying_in() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'register_settings' THEN
        IF NEW.key = 'checklist_editor_draft' THEN  -- the editor's draft, kept as typed
            RETURN NULL;
        END IF;
        field := CASE NEW.key WHEN 'default_checklist' THEN 'checklist_default' ELSE NEW.key END;
        old_value := CASE WHEN TG_OP = 'UPDATE' THEN OLD.value END;
        IF old_value IS DISTINCT FROM NEW.value
           AND NOT dc_audit_explained('', 0, field, true) THEN
            PERFORM dc_audit_write('', 0, field, old_value, NEW.value);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    SELECT decision_id, version INTO did, ver FROM versions WHERE id = r.version_id;
    IF NOT FOUND THEN  -- its version went with it: the version's deletion is audited
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'signed_copies' THEN
        IF NOT dc_audit_explained(did, ver, 'signed_copy', true) THEN
            PERFORM dc_audit_write(did, ver, 'signed_copy', NULL,
                                   NEW.filename || ' (SHA-256 ' || NEW.sha256 || ')');
        END IF;
    ELSIF NOT dc_audit_explained(did, ver, 'answers.' || r.slug || '.', false) THEN
        PERFORM dc_audit_write(did, ver, 'answers.' || r.slug || '.actions[' || r.position
                                         || '].done',
                               CASE WHEN TG_OP = 'DELETE' THEN 'yes' ELSE 'no' END,
                               CASE WHEN TG_OP = 'DELETE' THEN 'no' ELSE 'yes' END);
    END IF;
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_follow_up_audited() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER signed_copies_audited AFTER INSERT ON signed_copies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_follow_up_audited();
CREATE CONSTRAINT TRIGGER action_progress_audited AFTER INSERT OR DELETE ON action_progress
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_follow_up_audited();
CREATE CONSTRAINT TRIGGER register_settings_audited AFTER INSERT OR UPDATE ON register_settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dc_follow_up_audited();

CREATE FUNCTION dc_setting_allowed() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.key = 'call_in_days' AND NOT dc_copying_in()
       AND (NEW.value !~ '^[0-9]{1,2}$' OR NEW.value::integer NOT BETWEEN 1 AND @MAX_CALL_IN_DAYS@) THEN
        RAISE EXCEPTION 'refused: the call-in period is a whole number of working days from 1 to @MAX_CALL_IN_DAYS@, not %',
            quote_literal(NEW.value) USING ERRCODE = 'DC002';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER register_settings_allowed BEFORE INSERT OR UPDATE ON register_settings
    FOR EACH ROW EXECUTE FUNCTION dc_setting_allowed();
""".replace("@MAX_CALL_IN_DAYS@", str(MAX_CALL_IN_DAYS))
