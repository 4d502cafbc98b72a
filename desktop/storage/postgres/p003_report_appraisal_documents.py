"""The shared register catches up with the SQLite register's m007-m009: the committee report
and the decision timeline, the options appraisal, and answers' dated documents.

Same tables and columns, with the same names, as migrations.m007_committee_report,
m008_appraisal and m009_evidence_documents:
- versions gains the committee report's columns. They are locked with the version as every
  column is: dc_versions_update (p001) compares the whole row of a signed-off version.
- version_timeline holds the dates worked out from them (desktop/domain/timeline.py), one
  row per version with any; derived, and rewritten when the council's call-in period
  (register_settings 'call_in_days') changes, so outside the lock, as on SQLite. The
  register's "In call-in" and "Challenge window open" filters read its indexes. A register
  made before this gains the rows its meeting dates give (the challenge window runs from
  the meeting; a key decision among them has no forward plan notice on record), as m007
  fills a file's.
- appraisals, appraisal_criteria, appraisal_scores, appraisal_weight_changes and documents
  are a version's children: dc_child_locked (p001) refuses adding to, changing in, moving
  into or taking from a signed-off version's rows, for every role and the owner.

Authors write them (a draft's), readers read them, as the other children of a version.
"""

from __future__ import annotations

NAME = "p003_report_appraisal_documents"

SQL = r"""
-- ---- the committee report (m007) ---------------------------------------------------------
ALTER TABLE versions
    ADD COLUMN report_of text NOT NULL DEFAULT '',
    ADD COLUMN contact_officer text NOT NULL DEFAULT '',
    ADD COLUMN wards_affected text NOT NULL DEFAULT '',
    ADD COLUMN exempt_parts text NOT NULL DEFAULT '',
    ADD COLUMN financial_implications text NOT NULL DEFAULT '',
    ADD COLUMN financial_officer text NOT NULL DEFAULT '',
    ADD COLUMN legal_implications text NOT NULL DEFAULT '',
    ADD COLUMN legal_officer text NOT NULL DEFAULT '',
    ADD COLUMN equalities_implications text NOT NULL DEFAULT '',
    ADD COLUMN equalities_officer text NOT NULL DEFAULT '',
    ADD COLUMN recommendations text NOT NULL DEFAULT '[]',
    ADD COLUMN exempt_paragraph integer CHECK (exempt_paragraph BETWEEN 1 AND 7),
    ADD COLUMN forward_plan_notice_date text,
    ADD COLUMN urgency_route text NOT NULL DEFAULT 'none'
        CHECK (urgency_route IN ('none', 'general-exception', 'special-urgency')),
    ADD COLUMN decision_date text,
    ADD COLUMN publication_date text;

CREATE TABLE version_timeline (
    version_id bigint PRIMARY KEY REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    publication_date text,
    decision_date text,
    call_in_end text,
    implementable_from text,
    challenge_end text,
    short_notice integer NOT NULL DEFAULT 0 CHECK (short_notice IN (0, 1))
);
CREATE INDEX idx_timeline_call_in ON version_timeline (call_in_end, publication_date);
CREATE INDEX idx_timeline_challenge ON version_timeline (challenge_end, decision_date);

-- A YYYY-MM-DD text as a date, or NULL if it is not one (as desktop/domain/timeline._day).
CREATE FUNCTION dc_iso_date(value text) RETURNS date LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF value IS NULL OR value !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN value::date;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
    RETURN NULL;
END $$;

-- The records from before: decided on their meeting date; the challenge window ends three
-- months on (PostgreSQL's month arithmetic keeps the day or takes the month's last, as
-- timeline.add_months); a key decision has no notice on record, so it is short notice.
INSERT INTO version_timeline (version_id, decision_date, challenge_end, short_notice)
    SELECT id, meeting_date,
           to_char(dc_iso_date(meeting_date) + interval '3 months', 'YYYY-MM-DD'), key_decision
    FROM versions WHERE dc_iso_date(meeting_date) IS NOT NULL;

-- ---- the options appraisal (m008) --------------------------------------------------------
CREATE TABLE appraisals (
    version_id bigint PRIMARY KEY REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    weights_locked_at text,
    weights_locked_by text NOT NULL DEFAULT '',
    rejected_text text NOT NULL DEFAULT ''
);
CREATE TABLE appraisal_criteria (
    version_id bigint NOT NULL REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    position integer NOT NULL,
    criterion text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('principle', 'csf', 'duty', 'custom')),
    title text NOT NULL DEFAULT '',
    weight integer NOT NULL DEFAULT 0 CHECK (weight BETWEEN 0 AND 100),
    must_pass integer NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, criterion)
);
CREATE TABLE appraisal_scores (
    version_id bigint NOT NULL REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    option integer NOT NULL,
    criterion text NOT NULL,
    score integer NOT NULL CHECK (score BETWEEN 0 AND 4),
    evidence text NOT NULL DEFAULT '',
    scored_by text NOT NULL DEFAULT '',
    scored_at text NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, option, criterion)
);
CREATE TABLE appraisal_weight_changes (
    version_id bigint NOT NULL REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    position integer NOT NULL,
    criterion text NOT NULL,
    old_weight integer NOT NULL,
    new_weight integer NOT NULL,
    changed_at text NOT NULL,
    changed_by text NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, position)
);

-- ---- answers' documents (m009) -----------------------------------------------------------
CREATE TABLE documents (
    version_id bigint NOT NULL REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,
    slug text NOT NULL,
    position integer NOT NULL,
    title text NOT NULL,
    date text,
    held_at text NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, slug, position)
);

-- ---- locked with their signed-off version, as options, answers and actions -----------------
CREATE TRIGGER appraisals_locked BEFORE INSERT OR UPDATE OR DELETE ON appraisals
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();
CREATE TRIGGER appraisal_criteria_locked BEFORE INSERT OR UPDATE OR DELETE ON appraisal_criteria
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();
CREATE TRIGGER appraisal_scores_locked BEFORE INSERT OR UPDATE OR DELETE ON appraisal_scores
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();
CREATE TRIGGER appraisal_weight_changes_locked
    BEFORE INSERT OR UPDATE OR DELETE ON appraisal_weight_changes
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();
CREATE TRIGGER documents_locked BEFORE INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION dc_child_locked();

-- ---- who may do what -----------------------------------------------------------------------
REVOKE ALL ON version_timeline, appraisals, appraisal_criteria, appraisal_scores,
    appraisal_weight_changes, documents FROM PUBLIC;
GRANT SELECT ON version_timeline, appraisals, appraisal_criteria, appraisal_scores,
    appraisal_weight_changes, documents TO dc_reader;
GRANT INSERT, UPDATE, DELETE ON version_timeline, appraisals, appraisal_criteria,
    appraisal_scores, appraisal_weight_changes, documents TO dc_author;
"""
