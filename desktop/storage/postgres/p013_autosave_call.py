"""An autosave of one answer's text in one statement (issue 17 item 8): dc_autosave.

An autosave sent four writes after its check: the versions row's per-save columns, the
answer's row, the search words and the audit rows. Each was a message of its own for the
server to bind and execute (and psycopg to send and read back). dc_autosave does the same
four, in the same order, as one call whose plans PL/pgSQL keeps for the session.

It is SECURITY INVOKER: each statement runs as the caller, so every table's grants, lock
triggers (p001, p010, p011), the hold on a version with sign-offs (p007), the audit log's
guard, server-set "user", serialised, chained append and NOTIFY (p001, p006), and the commit-
time check that every change was explained (p007, p011) are what they are for the same
statements sent one by one. Nothing is trusted from the caller that was not before.

The versions row is updated only if it is still as the caller read it (its updated_at and
status); otherwise nothing is written (DC003, stale). Unchanged columns set to the values they
hold change nothing the checks see (they compare values); the search words are rewritten
only when given (NULL: the searchable text is the same).
"""

from __future__ import annotations

NAME = "p013_autosave_call"

SQL = r"""
CREATE FUNCTION dc_autosave(
    p_vid bigint, p_read_at text, p_read_status text,
    p_at text, p_verification_code text, p_content_code text, p_code_scheme integer,
    p_complete integer, p_overall_rating text, p_overall_rank integer,
    p_slug text, p_rating text, p_response text, p_evidence text,
    p_words tsvector,
    p_decision_id text, p_version integer, p_fields text[], p_olds text[], p_news text[])
RETURNS void LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE versions SET updated_at = p_at, verification_code = p_verification_code,
           content_code = p_content_code, code_scheme = p_code_scheme,
           complete = p_complete, overall_rating = p_overall_rating,
           overall_rank = p_overall_rank
     WHERE id = p_vid AND updated_at = p_read_at AND status = p_read_status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this record was changed elsewhere since it was read, so this change '
                        'was not saved: open it again' USING ERRCODE = 'DC003';
    END IF;
    UPDATE answers SET rating = p_rating, response = p_response, evidence = p_evidence
     WHERE version_id = p_vid AND slug = p_slug;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the answer to % has no row to update', p_slug USING ERRCODE = 'DC003';
    END IF;
    IF p_words IS NOT NULL THEN
        UPDATE search_index SET words = p_words WHERE version_id = p_vid;
    END IF;
    INSERT INTO audit_log (at, decision_id, version, field, old_value, new_value)
    SELECT p_at, p_decision_id, p_version, u.f, u.o, u.n
      FROM unnest(p_fields, p_olds, p_news) WITH ORDINALITY AS u(f, o, n, i)
     ORDER BY u.i;
END $$;
"""
