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
before.
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
"""
