"""What the server still took on trust from the client (issue 17, the hostile tester's M1, L4).

- M1, the server's clock. An audit row's `at`, a sign-off's `recorded_at`, an action's
  `done_at` and a signed copy's `attached_at` are the server's time, whatever the client
  sends: the start of the transaction (now()), in UTC, in the app's own form
  (2026-12-01T09:00:00.123456Z, as desktop.application.decisions writes it), so every row of
  one save bears one time, as on a register file, and the integrity check's matching of a
  sign-off or a tick to its audit row still holds. The audit chain's hash covers the time the
  server set. Only copy-register into a server keeps the source's times (dc_copying_in: the
  transaction-local `dc.copy_in` set by a member of the tables' owner; an author or clerk who
  sets it changes nothing).
- L4, a signer's name must show a visible character. dc_blank (which record_sign_off asks)
  now refuses the same set as the app's rule (desktop.domain.visible.draws_nothing): every
  separator, control, format, unassigned character and mark, and the letters that draw
  nothing (Hangul fillers, the braille blank, ...). The set is the rule's own data
  (invisible_ranges.RANGES), not a second list by hand.
"""

from __future__ import annotations

from desktop.storage.postgres.invisible_ranges import RANGES

NAME = "p012_server_trust"


def _bracket(ranges: tuple[tuple[int, int], ...]) -> str:
    """A regular-expression bracket of the code points in `ranges` (PostgreSQL's \\U escapes)."""
    return "".join(f"\\U{a:08X}" if a == b else f"\\U{a:08X}-\\U{b:08X}" for a, b in ranges)


SQL = r"""
-- ---- M1: the server's clock ------------------------------------------------------------------
CREATE FUNCTION dc_server_time() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
    SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- A BEFORE INSERT OR UPDATE trigger: the column TG_ARGV[0] is the server's time, unless the
-- owner is copying rows in as they are.
CREATE FUNCTION dc_stamp_server_time() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT dc_copying_in() THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], dc_server_time()));
    END IF;
    RETURN NEW;
END $$;
-- named to fire before the other BEFORE triggers of these tables (alphabetical order), so
-- their checks (p009's action_progress_when) see the server's time
CREATE TRIGGER a_clock_sign_offs BEFORE INSERT OR UPDATE ON sign_offs
    FOR EACH ROW EXECUTE FUNCTION dc_stamp_server_time('recorded_at');
CREATE TRIGGER a_clock_action_progress BEFORE INSERT OR UPDATE ON action_progress
    FOR EACH ROW EXECUTE FUNCTION dc_stamp_server_time('done_at');
CREATE TRIGGER a_clock_signed_copies BEFORE INSERT ON signed_copies
    FOR EACH ROW EXECUTE FUNCTION dc_stamp_server_time('attached_at');

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
        NEW.at := dc_server_time();
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

-- ---- L4: a name with no visible character names nobody ---------------------------------------
CREATE OR REPLACE FUNCTION dc_blank(value text) RETURNS boolean LANGUAGE sql IMMUTABLE
PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(value, '') !~ '[^""" + _bracket(RANGES) + r"""]'
$$;
"""
