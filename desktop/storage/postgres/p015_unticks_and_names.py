"""What the last hostile tester of issue 17 left open on the server (fix17rest): a forged
"not done" row, and visible names refused.

- A client's 'answers.<slug>.actions[N].done' audit row "no" on a signed-off version stood
  whenever the action was not ticked (p013's M4), so a row "action not done" for an action
  never ticked passed. Now it stands only beside the untick it records: the action's tick
  deleted in this same transaction (unticked_actions, written by the server as the tick goes,
  as p013's created_versions) and not ticked again since; else the commit is refused (DC002).
- dc_blank (p012, p013) is made again from the rule's ranges as they are now
  (invisible_ranges.RANGES): a spacing or enclosing mark (U+0903, U+20DD) and a private-use
  character are drawn, so a name of them is accepted (desktop/domain/visible.py says why
  U+1680 is still refused).
Copy-register (dc_copying_in) is exempt, as before.
"""

from __future__ import annotations

from desktop.storage.postgres.invisible_ranges import RANGES
from desktop.storage.postgres.p012_server_trust import _bracket

NAME = "p015_unticks_and_names"

SQL = r"""
-- ---- an untick's audit row stands only beside the untick ----------------------------------
-- (noted in a table only the owner writes: a setting could be SET LOCAL by the client)
CREATE TABLE unticked_actions (
    version_id bigint NOT NULL,
    slug text NOT NULL,
    position integer NOT NULL,
    xact bigint NOT NULL
);
CREATE INDEX idx_unticked_actions ON unticked_actions (xact, version_id);
REVOKE ALL ON unticked_actions FROM PUBLIC;
CREATE FUNCTION dc_note_untick() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO unticked_actions VALUES (OLD.version_id, OLD.slug, OLD.position, txid_current());
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION dc_note_untick() FROM PUBLIC;
CREATE TRIGGER action_progress_noted_untick AFTER DELETE ON action_progress
    FOR EACH ROW EXECUTE FUNCTION dc_note_untick();

CREATE OR REPLACE FUNCTION dc_audit_backed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
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
    IF NEW.new_value = 'no' AND EXISTS (
            SELECT 1 FROM unticked_actions WHERE xact = txid_current() AND version_id = vid
               AND slug = m[1] AND position = m[2]::integer)
       AND NOT EXISTS (
            SELECT 1 FROM action_progress WHERE version_id = vid AND slug = m[1]
               AND position = m[2]::integer) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'refused: an action''s ''done'' audit row is written only as the action is ticked or unticked'
        USING ERRCODE = 'DC002';
END $$;
REVOKE EXECUTE ON FUNCTION dc_audit_backed() FROM PUBLIC;

-- ---- dc_blank from the rule's ranges as they are now --------------------------------------
CREATE OR REPLACE FUNCTION dc_blank(value text) RETURNS boolean LANGUAGE sql IMMUTABLE
PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(value, '') !~ '[^{blank}]'
$$;
""".replace("{blank}", _bracket(RANGES))
