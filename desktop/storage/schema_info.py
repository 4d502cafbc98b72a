"""What identifies a Decision Checklist database, without importing sqlite-utils.

Opening a file reads these to decide whether it is ours, too new, or needs migrating; the
migrations themselves (and sqlite-utils) are imported only when one is pending.
tests/unit/storage/test_migrations.py checks that these match the registered migrations.
"""

from __future__ import annotations

# 'DCK1': marks the file as ours, so another program's SQLite file is recognised.
APPLICATION_ID = 0x44434B31
MIGRATION_SET = "decision_checklist"
# Every migration in desktop/storage/migrations.py, in order. Add the new name here too.
MIGRATION_NAMES = ("m001_initial", "m002_close_lock_holes", "m003_signed_copies",
                   "m004_sealed_register", "m005_seal_from", "m006_checklists_as_data",
                   "m007_committee_report", "m008_appraisal", "m009_evidence_documents",
                   "m011_appraisal_long_list", "m012_background_papers",
                   "m013_checklist_version_unique")
SCHEMA_VERSION = len(MIGRATION_NAMES)  # stored in PRAGMA user_version once all are applied

# Every table and its columns, as the migrations above build them: a file of ours at the
# current version that lacks one has been altered outside this program (files.inspect_file
# compares, with one query). tests/unit/storage/test_migrations.py checks this against the migrations.
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    '_sqlite_migrations': ('id', 'migration_set', 'name', 'applied_at'),
    'action_progress': ('version_id', 'slug', 'position', 'done_at', 'done_by'),
    'actions': ('version_id', 'slug', 'position', 'action', 'owner', 'due'),
    'answers': ('version_id', 'slug', 'rating', 'response', 'evidence'),
    'appraisal_criteria': ('version_id', 'position', 'criterion', 'kind', 'title', 'weight',
                           'must_pass'),
    'appraisal_long_list': ('version_id', 'position', 'name', 'kept', 'reason'),
    'appraisal_scores': ('version_id', 'option', 'criterion', 'score', 'evidence', 'scored_by',
                         'scored_at'),
    'appraisal_weight_changes': ('version_id', 'position', 'criterion', 'old_weight',
                                 'new_weight', 'changed_at', 'changed_by'),
    'appraisals': ('version_id', 'weights_locked_at', 'weights_locked_by', 'rejected_text'),
    'audit_log': (
        'id', 'at', 'user', 'decision_id', 'version', 'field', 'old_value', 'new_value',
        'prev_hash', 'hash', 'key_id', 'seal',
    ),
    'checklist_sections': ('sha256', 'position', 'slug', 'kind'),
    'checklists': ('sha256', 'checklist_id', 'version', 'definition'),
    'decisions': ('id', 'current_version', 'created_at'),
    'documents': ('version_id', 'slug', 'position', 'title', 'date', 'held_at'),
    'options': ('version_id', 'position', 'name', 'status', 'delivery_model', 'reason'),
    'register_meta': ('key', 'value'),
    'register_settings': ('key', 'value'),
    'search_index': ('title', 'proposal', 'answers'),
    'search_index_config': ('k', 'v'),
    'search_index_content': ('id', 'c0', 'c1', 'c2'),
    'search_index_data': ('id', 'block'),
    'search_index_docsize': ('id', 'sz'),
    'search_index_idx': ('segid', 'term', 'pgno'),
    'sign_offs': (
        'version_id', 'role', 'name', 'date', 'minute_reference', 'comment', 'recorded_at',
        'recorded_by',
    ),
    'signed_copies': (
        'id', 'version_id', 'filename', 'sha256', 'size', 'data', 'attached_at', 'attached_by',
    ),
    'versions': (
        'id', 'decision_id', 'version', 'is_current', 'status', 'title', 'proposal', 'reference',
        'reasons', 'organisation', 'decision_maker', 'proposer', 'meeting_date', 'review_date',
        'key_decision', 'delivery_model', 'conflicts_of_interest', 'checklist_sha256',
        'amendment_reason', 'created_at', 'updated_at', 'complete', 'overall_rating',
        'overall_rank', 'verification_code', 'content_code', 'code_scheme', 'report_of',
        'contact_officer', 'wards_affected', 'exempt_parts', 'financial_implications',
        'financial_officer', 'legal_implications', 'legal_officer', 'equalities_implications',
        'equalities_officer', 'recommendations', 'exempt_paragraph', 'forward_plan_notice_date',
        'urgency_route', 'decision_date', 'publication_date', 'background_papers',
    ),
    'version_timeline': (
        'version_id', 'publication_date', 'decision_date', 'call_in_end', 'implementable_from',
        'challenge_end', 'short_notice',
    ),
}
# The options appraisal's tables (m008_appraisal), each locked with its signed-off version.
APPRAISAL_TABLES = ("appraisals", "appraisal_criteria", "appraisal_scores",
                    "appraisal_weight_changes")
# Its long list (m011_appraisal_long_list), added later: not in APPRAISAL_TABLES, which
# m008 builds its triggers from.
LONG_LIST_TABLE = "appraisal_long_list"
