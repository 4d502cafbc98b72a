"""The server's share of an autosave, cut again (issue 17 item 8): the same checks, with fewer
plans made and fewer looks at the version row.

Measured on the bench register (track_functions=all and pg_stat_statements, per autosave of
one answer): the SQL helpers dc_held (p007) and dc_audit_explained (p007) carry their own
search_path, so the server never inlines them and plans their body again at every call
(~100 us and ~45 us of server time a call); a child row's write fired two lock triggers that
each took the version's FOR KEY SHARE lock and read its status. Now:

- dc_held and dc_audit_explained are PL/pgSQL (plans kept for the session); what each
  returns is unchanged.
- One trigger on each child table (options, answers, actions, documents and the appraisal's
  tables), dc_child_locked, does what dc_child_held (p007, p010) and dc_child_locked (p001,
  p010) did between them, in the same order: the version row locked FOR KEY SHARE (p010: a
  sign-off and an open edit queue), then one look at its status and whether it has
  sign-offs (read after the lock, in the trigger's next statement: a fresh snapshot), then
  the hold (DC002 while a version that is not signed off has sign-offs, for every role but
  the owner: p007's F4) and the lock (DC001 on a signed-off version). The `*_held` triggers
  go, and dc_child_held with them. An UPDATE that keeps its row's version looks once.
- search_index's lock trigger (p008) looks at the version's status in a statement of its
  own: its one expression named TG_OP beside the two looks, so the server's plan cache kept
  choosing a plan made for the call (TG_OP folded away) over a generic one, and planned it
  again at every call (~55 us, seen with pg_stat_statements.track_planning).
- versions_held asks who owns the tables only when the version is held, and looks at the
  row it is given (OLD: this very version) for its status, not at the table again.
- The audit check at commit (dc_audit_check, p007) asks once per versions row whether the
  client wrote any audit row of that version in this transaction (which covers every derived
  column: codes, completeness, rating, updated_at), not once per changed column; for a child
  row it asks whether the client explained it before it turns the old and new rows into
  JSON (only an unexplained change needs them).
"""

from __future__ import annotations

from desktop.storage.postgres.p007_server_audit import AUDITED_TABLES

NAME = "p011_autosave_checks"
_CHILDREN = tuple(t for t in AUDITED_TABLES if t != "versions")  # each had a *_held trigger

SQL = r"""
CREATE OR REPLACE FUNCTION dc_held(p_version_id bigint) RETURNS boolean LANGUAGE plpgsql
STABLE SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM versions v WHERE v.id = p_version_id
                   AND v.status <> 'signed-off'
                   AND EXISTS (SELECT 1 FROM sign_offs s WHERE s.version_id = v.id));
END $$;

CREATE OR REPLACE FUNCTION dc_audit_explained(p_decision_id text, p_version integer,
                                              p_field text, p_exact boolean)
RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM audit_log
        WHERE xact = txid_current() AND decision_id = p_decision_id AND version = p_version
          AND NOT server_written
          AND (field = 'created' OR p_field IS NULL
               OR CASE WHEN p_exact THEN field = p_field ELSE starts_with(field, p_field) END));
END $$;

CREATE OR REPLACE FUNCTION dc_child_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    old_vid bigint := CASE WHEN TG_OP <> 'INSERT' THEN OLD.version_id END;
    new_vid bigint := CASE WHEN TG_OP <> 'DELETE' THEN NEW.version_id END;
    old_status text;
    old_signed boolean := false;
    new_status text;
    new_signed boolean := false;
BEGIN
    -- p010: the version row locked first (in id order when a row moves between two)
    IF old_vid IS NOT NULL AND new_vid IS NOT NULL AND old_vid IS DISTINCT FROM new_vid THEN
        PERFORM dc_lock_version(least(old_vid, new_vid));
        PERFORM dc_lock_version(greatest(old_vid, new_vid));
    ELSE
        PERFORM dc_lock_version(coalesce(old_vid, new_vid));
    END IF;
    IF old_vid IS NOT NULL THEN
        SELECT v.status, EXISTS (SELECT 1 FROM sign_offs s WHERE s.version_id = v.id)
            INTO old_status, old_signed FROM versions v WHERE v.id = old_vid;
    END IF;
    IF new_vid IS NOT DISTINCT FROM old_vid THEN
        new_status := old_status;
        new_signed := old_signed;
    ELSIF new_vid IS NOT NULL THEN
        SELECT v.status, EXISTS (SELECT 1 FROM sign_offs s WHERE s.version_id = v.id)
            INTO new_status, new_signed FROM versions v WHERE v.id = new_vid;
    END IF;
    -- p007 F4: held for its signers (what dc_child_held refused, first)
    IF ((old_vid IS NOT NULL AND old_status <> 'signed-off' AND old_signed)
        OR (new_vid IS NOT NULL AND new_status <> 'signed-off' AND new_signed))
       AND NOT dc_as_owner() THEN
        IF old_vid IS NOT NULL AND old_status <> 'signed-off' AND old_signed THEN
            PERFORM dc_held_refusal(old_vid);
        END IF;
        PERFORM dc_held_refusal(new_vid);
    END IF;
    -- p001: nothing added to, changed in, moved into or taken from a signed-off version
    IF (old_vid IS NOT NULL AND old_status = 'signed-off')
       OR ((TG_OP = 'INSERT' OR old_vid IS DISTINCT FROM new_vid)
           AND new_vid IS NOT NULL AND new_status = 'signed-off') THEN
        RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
            USING ERRCODE = 'DC001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
""" + "\n".join(f"DROP TRIGGER {t}_held ON {t};" for t in _CHILDREN) + r"""
DROP FUNCTION dc_child_held();

CREATE OR REPLACE FUNCTION dc_search_index_locked() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    vid bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END;
    state text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.version_id IS DISTINCT FROM OLD.version_id THEN
        SELECT status INTO state FROM versions WHERE id = OLD.version_id;
        IF state IS DISTINCT FROM 'signed-off' THEN
            SELECT status INTO state FROM versions WHERE id = NEW.version_id;
        END IF;
    ELSE  -- an UPDATE that keeps the row's version, an INSERT or a DELETE: one look
        SELECT status INTO state FROM versions WHERE id = vid;
    END IF;
    IF state = 'signed-off' AND NOT dc_as_owner() THEN
        RAISE EXCEPTION 'locked: this version is signed off and cannot be changed'
            USING ERRCODE = 'DC001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION dc_versions_held() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    kept text[] := ARRAY['status', 'updated_at', 'is_current'];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sign_offs s WHERE s.version_id = OLD.id)  -- dc_held(OLD.id)
       OR OLD.status = 'signed-off' OR dc_as_owner() THEN
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
BEGIN
    -- (dc_copying_in is asked only when the setting is on: it is off but while copying in)
    IF coalesce(current_setting('dc.copy_in', true), '') = 'on' AND dc_copying_in() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME <> 'versions' THEN
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
"""
