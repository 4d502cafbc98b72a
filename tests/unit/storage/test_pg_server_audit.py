"""p007: the server audits what a client changed without saying so, holds a record with
sign-offs for its signers, trusts no draft's stored code, and takes only plain field names.

Raw SQL as each role (psql as that person): alice dc_author, bob dc_clerk, carol dc_reader.
"""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.application.bootstrap import open_service
from desktop.application.verification import ALTERED, MATCH, findings_for
from desktop.domain.errors import Refused
from desktop.domain.record import code_for
from tests.helpers.lifecycle import ROLES, complete_decision, signed_off_decision
from tests.helpers.lifecycle import sign as sign_as
from tests.unit.storage.test_pg_enforcement import (
    AT,
    DENIED,
    REFUSED,
    assert_chained,
    audit_rows,
    refused,
    seed,
    sign,
)

pytestmark = pytest.mark.postgres


def audited_by_server(db) -> list[tuple]:
    """(user, decision, version, field, old, new) of every row the server wrote itself."""
    with db.connect() as conn:
        return conn.execute('SELECT "user", decision_id, version, field, old_value, new_value '
                            "FROM audit_log WHERE server_written ORDER BY id").fetchall()


# ---- F3: every content change is in the audit log, under the session user -------------------
# (statement as alice, field the server audits it under, what the old and new values hold)
RAW_EDITS = [
    ("UPDATE versions SET title = 'Keep the depot' WHERE id = {vid}",
     "title", "Close the depot", "Keep the depot"),
    ("UPDATE versions SET report_of = 'Chief Executive' WHERE id = {vid}",
     "report_of", "Director of Place", "Chief Executive"),
    ("UPDATE versions SET verification_code = 'FORGED' WHERE id = {vid}",
     "stored.verification_code", "READ-CODE", "FORGED"),
    ("UPDATE answers SET response = 'No' WHERE version_id = {vid} AND slug = 'one'",
     "answers.one.response", "Yes", "No"),
    ("DELETE FROM answers WHERE version_id = {vid} AND slug = 'two'",
     "answers.two.response", "Mostly", None),
    ("UPDATE options SET name = 'Keep it' WHERE version_id = {vid}",
     "options", "Close it", "Keep it"),
    ("UPDATE actions SET action = 'Tell nobody' WHERE version_id = {vid}",
     "answers.two.actions", "Tell the staff", "Tell nobody"),
    ("UPDATE documents SET title = 'Forged survey' WHERE version_id = {vid}",
     "answers.one.documents", "Depot condition survey", "Forged survey"),
    ("UPDATE appraisals SET rejected_text = 'Rewritten' WHERE version_id = {vid}",
     "appraisal", '"rejected_text": ""', "Rewritten"),
    ("UPDATE appraisal_criteria SET weight = 0 WHERE version_id = {vid}",
     "appraisal.criteria", '"weight": 100', '"weight": 0'),
    ("UPDATE appraisal_scores SET score = 0 WHERE version_id = {vid}",
     "appraisal.score.0.one", '"score": 3', '"score": 0'),
    ("DELETE FROM appraisal_weight_changes WHERE version_id = {vid}",
     "appraisal.weight_changes", '"new_weight": 100', None),
    ("INSERT INTO appraisal_long_list (version_id, position, name, kept) "
     "VALUES ({vid}, 0, 'Sell the land', 0)",
     "appraisal.long_list", None, "Sell the land"),
    ("UPDATE versions SET background_papers = '[{{\"title\": \"Forged paper\"}}]' "
     "WHERE id = {vid}",
     "background_papers", "[]", "Forged paper"),
]


@pytest.mark.parametrize(("statement", "field", "old", "new"), RAW_EDITS,
                         ids=[e[1] for e in RAW_EDITS])
def test_an_authors_raw_edit_of_a_draft_is_audited_under_their_name(pg_register, statement,
                                                                    field, old, new):
    vid = seed(pg_register)
    before = len(audit_rows(pg_register))
    with pg_register.connect("alice") as conn:
        conn.execute(statement.format(vid=vid))
    found = [r for r in audited_by_server(pg_register) if r[3] == field]
    assert found, audited_by_server(pg_register)
    user, did, version, _, was, now = found[0]
    assert (user, did, version) == ("alice", "d1", 1)
    assert (old is None) == (was is None) and (old is None or old in was)
    assert (new is None) == (now is None) and (new is None or new in now)
    assert len(audit_rows(pg_register)) > before
    assert_chained(audit_rows(pg_register))
    # and the app's history shows it, as alice
    service = open_service(pg_register.url("carol"))
    try:
        assert (field, "alice") in {(e.field, e.user) for e in service.lifecycle.history("d1")}
    finally:
        service.close()


def test_raw_inserts_and_deletions_of_versions_are_audited(pg_register):
    seed(pg_register)
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("INSERT INTO decisions (id, created_at) VALUES ('d2', %s)", (AT,))
        conn.execute("INSERT INTO versions (decision_id, version, title, checklist_sha256, "
                     "created_at, updated_at) VALUES ('d2', 1, 'A quiet one', %s, %s, %s)",
                     ("c" * 64, AT, AT))
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("DELETE FROM versions WHERE decision_id = 'd2'")
        conn.execute("DELETE FROM decisions WHERE id = 'd2'")
    assert [r[1:] for r in audited_by_server(pg_register)] == [
        ("d2", 1, "created", None, "A quiet one"), ("d2", 0, "deleted", "A quiet one", None)]
    assert {r[0] for r in audited_by_server(pg_register)} == {"alice"}


def test_a_script_that_audits_its_own_edit_gets_no_second_row(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("UPDATE versions SET title = 'Keep the depot' WHERE id = %s", (vid,))
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES (%s, 'd1', 1, 'title', 'Close the depot', "
                     "'Keep the depot')", (AT,))
    assert audited_by_server(pg_register) == []


def test_two_raw_edits_of_one_answer_in_one_transaction_are_both_audited(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn, conn.transaction():
        for text in ("No", "Never"):
            conn.execute("UPDATE answers SET response = %s WHERE version_id = %s AND "
                         "slug = 'one'", (text, vid))
    assert [r[4:] for r in audited_by_server(pg_register)] == [("Yes", "No"), ("No", "Never")]


def test_a_client_cannot_mark_its_rows_as_the_servers_to_skip_the_audit(pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("SELECT set_config('dc.server_audit', 'on', true)")
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field) "
                     "VALUES (%s, 'd1', 1, 'title')", (AT,))
        conn.execute("SELECT set_config('dc.server_audit', 'off', true)")
        conn.execute("UPDATE versions SET title = 'Keep the depot' WHERE id = %s", (vid,))
    assert [r[3:] for r in audited_by_server(pg_register)][-1] == (
        "title", "Close the depot", "Keep the depot")


def test_the_apps_own_writes_need_no_row_from_the_server(pg_register):
    """Create, answer, edit, sign off, amend, withdraw and delete through the app: every
    change is audited by the app itself, so the server adds nothing."""
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    try:
        d = complete_decision(author)
        d = author.update(d.id, title="Bring the depot in-house", reference="EST/9")
        for role in ROLES:
            sign_as(clerk, d.id, role, name=f"Signer for {role}")
        amended = author.lifecycle.amend(d.id, "The contract ends a year later")
        author.update(amended.id, proposal="End the contract in 2028.")
        gone = author.create("Opened by mistake")
        author.delete(gone.id)
        assert audited_by_server(pg_register) == []
        assert {e.user for e in author.lifecycle.history(d.id)} == {"alice", "bob"}
    finally:
        author.close()
        clerk.close()


# ---- F4: content held for the signers ---------------------------------------------------------
HELD_STATEMENTS = [
    "UPDATE versions SET title = 'Rewritten' WHERE id = {vid}",
    "UPDATE versions SET status = 'draft' WHERE id = {vid}",
    "UPDATE versions SET verification_code = 'FORGED' WHERE id = {vid}",
    "UPDATE versions SET report_of = 'Someone else' WHERE id = {vid}",
    "UPDATE answers SET response = 'Rewritten' WHERE version_id = {vid}",
    "DELETE FROM answers WHERE version_id = {vid} AND slug = 'two'",
    "INSERT INTO answers (version_id, slug, response) VALUES ({vid}, 'three', 'Added')",
    "UPDATE options SET name = 'Keep it' WHERE version_id = {vid}",
    "INSERT INTO actions (version_id, slug, position, action) VALUES ({vid}, 'one', 0, 'More')",
    "UPDATE documents SET title = 'Forged survey' WHERE version_id = {vid}",
    "UPDATE appraisal_scores SET score = 0 WHERE version_id = {vid}",
    "DELETE FROM appraisal_criteria WHERE version_id = {vid}",
    "UPDATE appraisals SET rejected_text = 'Rewritten' WHERE version_id = {vid}",
]


def held(db) -> int:
    """d1 version 1, ready, with the Chair's sign-off recorded (by bob): held for the Clerk."""
    vid = seed(db)
    with db.connect("bob") as conn:
        assert sign(conn, vid, "Chair", []) == "ready"
    return vid


@pytest.mark.parametrize("statement", HELD_STATEMENTS)
@pytest.mark.parametrize(("user", "expected"),
                         [("alice", REFUSED), ("bob", DENIED), ("carol", DENIED)])
def test_no_role_changes_a_version_held_for_its_signers(pg_register, statement, user, expected):
    vid = held(pg_register)
    state = refused(pg_register, user, statement.format(vid=vid))
    assert state == expected


def test_a_held_version_may_be_withdrawn_and_freed_by_removing_its_sign_offs(pg_register):
    vid = held(pg_register)
    with pg_register.connect("alice") as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute("UPDATE answers SET response = 'No' WHERE version_id = %s", (vid,))
    assert "has sign-offs recorded" in str(caught.value)
    with pg_register.connect("bob") as conn:
        conn.execute("SELECT remove_sign_off(%s, 'Chair', %s)", (vid, AT))
    with pg_register.connect("alice") as conn:  # nobody has signed now: an author edits
        conn.execute("UPDATE answers SET response = 'No' WHERE version_id = %s", (vid,))
        conn.execute("UPDATE versions SET status = 'withdrawn' WHERE id = %s", (vid,))
    vid2 = held_elsewhere = seed(pg_register, "d2")
    with pg_register.connect("bob") as conn:
        sign(conn, held_elsewhere, "Chair", [])
    with pg_register.connect("alice") as conn:  # withdrawing a held version is allowed
        conn.execute("UPDATE versions SET status = 'withdrawn', updated_at = %s WHERE id = %s",
                     (AT, vid2))


def test_the_app_refuses_the_same_edit_with_its_own_words(pg_register):
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    try:
        d = complete_decision(author)
        sign_as(clerk, d.id, ROLES[0])
        with pytest.raises(Refused, match="has sign-offs recorded"):
            author.update(d.id, title="Changed under the signers")
    finally:
        author.close()
        clerk.close()


# ---- a draft's stored code is not trusted -----------------------------------------------------
def test_a_drafts_forged_code_is_flagged_by_verify(pg_register):
    """An author writes a signed record's printed code into a draft: verify reports the draft
    as altered (its content recomputes to another code), the signed record as the match."""
    owner = open_service(pg_register.url())
    author = open_service(pg_register.url("alice"))
    try:
        signed = signed_off_decision(owner, "The signed record")
        code = code_for(owner.get(signed.id))
        draft = author.create("A draft that claims the code")
        with pg_register.connect("alice") as conn:
            conn.execute("UPDATE versions SET verification_code = %s WHERE decision_id = %s",
                         (code, draft.id))
        findings = {f.decision.id: f for f in findings_for(author, code) if f.decision}
        assert findings[signed.id].result == MATCH
        assert findings[draft.id].result == ALTERED
        assert "no longer matches its verification code" in findings[draft.id].headline
        assert ("stored.verification_code", "alice") in {
            (e.field, e.user) for e in author.lifecycle.history(draft.id)}
    finally:
        owner.close()
        author.close()


# ---- F6: look-alike field names ----------------------------------------------------------------
# What the app writes itself (the server writes sign-off and lock rows): every one must pass.
APP_FIELDS = ["created", "title", "status", "options", "answers.one.response",
              "answers.one.actions[0].done", "answers.staff.documents", "appraisal.criteria",
              "appraisal.weight.value-for-money", "appraisal.score.0.one",
              "appraisal.weights_locked_at", "amendment_reason", "call_in_days",
              "checklist_imported", "checklist_default", "signed_copy", "restored"]
# ('deleted' is written only as its decision goes: test_pg_register_guards)
FORGED = ["sign_off.chair", "status", "verification_code", "content_code", "title"]
CONFUSABLE = {"o": ["\u043e", "\u03bf", "\uff4f", "\u0585"], "a": ["\u0430", "\uff41"],
              "e": ["\u0435", "\uff45"], "c": ["\u0441", "\uff43"], "i": ["\u0456", "\uff49"],
              "s": ["\u0455", "\uff53"], "_": ["\uff3f", "\u2017"], ".": ["\uff0e", "\u2024"],
              "t": ["\uff54"], "n": ["\uff4e"], "f": ["\uff46"], "d": ["\uff44"]}
INVISIBLE = ["\u200d", "\u200c", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u0301"]


@st.composite
def confusable(draw) -> str:
    """An app field name with at least one letter swapped for a look-alike, or an invisible
    character slipped in."""
    name = draw(st.sampled_from(FORGED + APP_FIELDS))
    chars = list(name)
    spots = [i for i, c in enumerate(chars) if c in CONFUSABLE]
    for i in draw(st.lists(st.sampled_from(spots), min_size=0, max_size=3, unique=True)):
        chars[i] = draw(st.sampled_from(CONFUSABLE[chars[i]]))
    if chars == list(name) or draw(st.booleans()):
        at = draw(st.integers(0, len(chars)))
        chars.insert(at, draw(st.sampled_from(INVISIBLE)))
    return "".join(chars)


@pytest.fixture(scope="module")
def a_draft(pg_server):
    db = pg_server.register()
    seed(db)
    yield db
    pg_server.drop(db)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=confusable())
def test_a_look_alike_field_name_is_refused(a_draft, field):
    assert not field.isascii()
    state = refused(a_draft, "alice", "INSERT INTO audit_log (at, decision_id, version, field, "
                    "new_value) VALUES (%s, 'd1', 1, %s, 'x')", (AT, field))
    assert state == REFUSED


@pytest.mark.parametrize("field", ["Title", "sign off chair", "", "title\n", "a;b"])
def test_a_field_outside_the_apps_alphabet_is_refused(a_draft, field):
    assert refused(a_draft, "alice", "INSERT INTO audit_log (at, decision_id, version, field) "
                   "VALUES (%s, 'd1', 1, %s)", (AT, field)) == REFUSED


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_every_field_the_app_writes_still_passes(a_draft, user):
    with a_draft.connect(user) as conn, conn.transaction():
        for field in APP_FIELDS:
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field) "
                         "VALUES (%s, 'd1', 1, %s)", (AT, field))
