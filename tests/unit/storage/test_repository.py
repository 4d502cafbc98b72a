"""The repository on temporary databases: records, the register, search and the audit log.

A contract test: every test runs on both engines (a register file, and a shared register
on the test run's PostgreSQL server), through `service` below."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.domain.decision import Action, Answer, Option, Rating, Status
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.storage.repository import SORT_COLUMNS
from tests.helpers.engines import rows, sqlite_only, value
from tests.helpers.shipped import SLUGS

GOOD = Action("Agree terms", "Head of HR", "2027-01-31")


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def complete(service, title, rating=Rating.GREEN, **fields):
    """A decision with all ten principles answered at the given rating."""
    d = service.create(title, proposal=fields.pop("proposal", "Proposal"), **fields)
    for slug in SLUGS:
        acts = (GOOD,) if rating in (Rating.AMBER, Rating.RED) else ()
        service.set_answer(d.id, slug, Answer(rating, f"{title} {slug}", actions=acts))
    return service.get(d.id)


def test_insert_and_load_keep_every_field(service):
    d = service.create(
        "Outsource waste collection",
        proposal="Let a ten-year contract",
        reference="EX/1",
        reasons="Savings",
        organisation="Council",
        decision_maker="Cabinet",
        proposer="Director",
        meeting_date="2026-12-09",
        review_date="2027-12-09",
        key_decision=True,
        delivery_model="outsource",
        conflicts_of_interest="None",
        options=(Option("Do nothing", "rejected", "in-house", "Costs rise"),
                 Option("Outsource", "recommended", "outsource")),
    )
    service.set_answer(d.id, "staff", Answer(Rating.AMBER, "Partly", "Forum notes", (GOOD,)))
    loaded = service.get(d.id)
    assert loaded.title == "Outsource waste collection"
    assert (loaded.reference, loaded.reasons, loaded.organisation) == ("EX/1", "Savings", "Council")
    assert (loaded.decision_maker, loaded.proposer) == ("Cabinet", "Director")
    assert (loaded.meeting_date, loaded.review_date) == ("2026-12-09", "2027-12-09")
    assert loaded.key_decision is True and loaded.delivery_model == "outsource"
    assert loaded.conflicts_of_interest == "None"
    assert loaded.options[0] == Option("Do nothing", "rejected", "in-house", "Costs rise")
    assert loaded.answer("staff") == Answer(Rating.AMBER, "Partly", "Forum notes", (GOOD,))
    assert loaded.checklist_id == service.checklist.id
    assert loaded.status == Status.DRAFT and loaded.version == 1
    assert service.repo.load("nope") is None


def test_derived_columns_follow_the_answers(service):
    d = complete(service, "All green")
    row = rows(service, "SELECT complete, overall_rating, status, verification_code FROM "
               "versions WHERE decision_id = ?", [d.id])[0]
    assert row == (10, "green", "ready", code_for(d))
    service.set_answer(d.id, "radical", Answer(Rating.RED, "No"))
    row = rows(service, "SELECT complete, overall_rating, status FROM versions "
               "WHERE decision_id = ?", [d.id])[0]
    assert row == (9, "red", "draft")


def test_checklist_copy_is_stored_once_per_definition(service):
    a = service.create("A")
    service.create("B")
    assert value(service, "SELECT count(*) FROM checklists") == 1
    assert service.repo.checklist_definition(a.id, 1) == service.checklist.raw_json


# ---- the register -------------------------------------------------------------------------


@pytest.fixture
def register(service):
    """25 decisions with varied fields, imported in one transaction; returns the service."""
    import json

    ratings = [None, "green", "amber", "red", "not-applicable"]
    decisions = []
    for i in range(25):
        r = ratings[i % 5]
        answered = 10 if i in (3, 4) else i % 11
        rating = "green" if i in (3, 4) else r
        decisions.append({
            "title": f"Decision {chr(ord('A') + (i * 7) % 25)} number {i:02d}",
            "proposal": "p",
            "reference": f"REF/{(i * 11) % 25:02d}",
            "decision_maker": ["Cabinet", "council", "Portfolio holder"][i % 3],
            "meeting_date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "review_date": f"2026-{1 + (i * 5) % 12:02d}-15",
            "answers": {
                slug: {"rating": rating, "response": "words" if rating else "",
                       **({"actions": [{"action": "a", "owner": "o", "due": "2027-01-01"}]}
                          if rating in ("amber", "red") else {})}
                for slug in SLUGS[:answered]
            },
        })
    imported = service.import_bundle(json.dumps(
        {"format": "decision-checklist/1", "decisions": decisions}))
    service.withdraw(imported[5].id)
    return service


def _key(row, column):
    value = {
        "reference": row.reference.casefold(),
        "title": row.title.casefold(),
        "decision_maker": row.decision_maker.casefold(),
        "meeting_date": row.meeting_date,
        "status": row.status.value,
        "complete": row.complete,
        "overall_rating": {None: 0, "not-applicable": 1, "green": 2, "amber": 3, "red": 4}[
            row.overall_rating.value if row.overall_rating else None],
        "review_date": row.review_date,
    }
    return value[column]


def test_paging_covers_everything_once(register):
    q = RegisterQuery(sort="title", descending=False)
    assert register.register_count(q) == 25
    pages = [register.register(q, offset, 10) for offset in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 5]
    ids = [r.id for p in pages for r in p]
    assert len(set(ids)) == 25
    assert ids == [r.id for r in register.register(q, 0, 1000)]
    assert register.register(q, 25, 10) == []


@pytest.mark.parametrize("column", [c for c in SORT_COLUMNS if c != "updated_at"])
@pytest.mark.parametrize("descending", [False, True])
def test_sorting_by_each_column(register, column, descending):
    rows = register.register(RegisterQuery(sort=column, descending=descending), 0, 1000)
    keys = [_key(r, column) for r in rows]
    assert len(rows) == 25
    assert keys == sorted(keys, reverse=descending)
    assert len(set(keys)) > 1  # the column really varies, so the sort is tested


def test_default_sort_is_most_recently_updated_first(service):
    a = service.create("First")
    service.create("Second")
    service.update(a.id, proposal="touched last")
    assert [r.title for r in service.register(RegisterQuery())] == ["First", "Second"]


def test_unknown_sort_falls_back_safely(register):
    rows = register.register(RegisterQuery(sort="title; DROP TABLE versions"), 0, 5)
    assert len(rows) == 5


def test_filter_by_status_and_rating(register):
    all_rows = register.register(RegisterQuery(), 0, 1000)
    for status in ("draft", "ready", "withdrawn"):
        q = RegisterQuery(statuses=(status,))
        got = register.register(q, 0, 1000)
        assert {r.id for r in got} == {r.id for r in all_rows if r.status.value == status}
        assert register.register_count(q) == len(got)
    for rating in ("green", "amber", "red", "not-applicable"):
        got = register.register(RegisterQuery(ratings=(rating,)), 0, 1000)
        want = {r.id for r in all_rows if r.overall_rating and r.overall_rating.value == rating}
        assert {r.id for r in got} == want and want
    got = register.register(RegisterQuery(ratings=("none", "red")), 0, 1000)
    assert {r.id for r in got} == {
        r.id for r in all_rows if r.overall_rating in (None, Rating.RED)}


def test_overdue_filter_and_counts(service):
    late = service.create("Late review", review_date="2026-01-01")
    service.create("Future review", review_date="2030-01-01")
    act = service.create("Late action")
    service.set_answer(act.id, "staff", Answer(Rating.AMBER, "x", actions=(
        Action("Overdue", "Jo", "2026-02-01"), Action("Later", "Jo", "2031-01-01"))))
    q = RegisterQuery(overdue_only=True)
    assert {r.title for r in service.register(q)} == {"Late review", "Late action"}
    assert service.overdue_counts() == (1, 1)  # the clock says 2026-11-25
    service.withdraw(late.id)
    assert service.overdue_counts() == (0, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("waste", {"Outsource waste collection"}),  # title
        ("libraries", {"Community trust"}),  # proposal
        ("tupe", {"Outsource waste collection"}),  # a response, any case
        ("depot", {"Community trust"}),  # evidence
        ("cafe", {"Café in the park"}),  # accents removed
        ("Café", {"Café in the park"}),
        ("nothing-matches-this", set()),
    ],
)
def test_full_text_search(service, text, expected):
    w = service.create("Outsource waste collection", proposal="A ten-year contract")
    service.set_answer(w.id, "staff", Answer(Rating.GREEN, "TUPE applies to 140 staff"))
    t = service.create("Community trust", proposal="Hand the libraries to a trust")
    service.set_answer(t.id, "users", Answer(Rating.GREEN, "ok", "Depot survey 2026"))
    service.create("Café in the park", proposal="Let the café")
    q = RegisterQuery(search=text)
    assert {r.title for r in service.register(q)} == expected
    assert service.register_count(q) == len(expected)


@pytest.mark.parametrize("text", ['"', "AND", "OR (", "*", "NEAR(", "a:b", "' ; --", "😀"])
def test_search_syntax_is_never_an_error(service, text):
    service.create("Something", proposal="text")
    assert service.register_count(RegisterQuery(search=text)) == len(
        service.register(RegisterQuery(search=text)))


def test_search_follows_edits(service):
    d = service.create("Highways", proposal="resurfacing")
    assert service.register_count(RegisterQuery(search="resurfacing")) == 1
    service.update(d.id, proposal="gritting")
    assert service.register_count(RegisterQuery(search="resurfacing")) == 0
    assert service.register_count(RegisterQuery(search="gritting")) == 1


# ---- writes, audit, delete -----------------------------------------------------------------


def test_every_change_is_audited_with_old_and_new_value(service):
    d = service.create("Title one")
    service.update(d.id, title="Title two", reference="R/1")
    service.set_answer(d.id, "values", Answer(Rating.GREEN, "Yes"))
    entries = service.repo.audit_entries(d.id)
    fields = [(e.field, e.old_value, e.new_value) for e in entries]
    assert ("title", "Title one", "Title two") in fields
    assert ("reference", "", "R/1") in fields
    assert ("answers.values.rating", None, "green") in fields
    assert ("answers.values.response", "", "Yes") in fields
    assert all(e.user == "tester" for e in entries)
    assert service.repo.verify_audit_chain() == []


def test_audit_chain_detects_tampering(service):
    sqlite_only(service, "on the server no one but its owner can alter the log "
                "(tests/unit/storage/test_pg_enforcement.py)")
    d = service.create("A")
    service.update(d.id, title="B")
    service.update(d.id, title="C")
    db = service.db
    db.execute("DROP TRIGGER audit_log_no_update")  # what someone with a SQLite tool could do
    target = service.repo.audit_entries(d.id)[1].id
    db.execute("UPDATE audit_log SET new_value = 'forged' WHERE id = ?", [target])
    assert service.repo.verify_audit_chain() == [target]


def test_unchanged_save_writes_nothing(service):
    d = service.create("Same")
    before = value(service, "SELECT count(*) FROM audit_log")
    service.update(d.id, title="Same")
    assert value(service, "SELECT count(*) FROM audit_log") == before


def test_delete_removes_every_row(service):
    d = complete(service, "To delete", Rating.AMBER)
    service.update(d.id, options=(Option("Do nothing"),))
    service.delete(d.id)
    for table in ("versions", "answers", "actions", "options", "decisions"):
        assert value(service, f"SELECT count(*) FROM {table}") == 0, table
    assert service.register_count(RegisterQuery(search="delete")) == 0
    assert service.repo.audit_entries(d.id)[-1].field == "deleted"


def test_duplicate_is_a_new_draft(service):
    d = complete(service, "Original")
    copy = service.duplicate(d.id)
    assert copy.id != d.id and copy.title == "Copy of Original"
    assert service.get(copy.id).answers == d.answers
    assert service.get(copy.id).status == Status.READY
    assert replace(service.get(d.id)) == d


def test_an_autosave_sets_only_the_columns_it_changes(service):
    """An indexed column set to the value it holds still rewrites its index entry (one more
    page for the commit to put on disk): an answer's save leaves the title and the other
    details out of its UPDATE, and the record reads back as saved."""
    sqlite_only(service, "the statements are SQLite's own trace")
    d = service.create("Outsource waste collection", proposal="Let a contract",
                       reference="CAB-1", decision_maker="Cabinet")
    statements: list[str] = []
    service.db.conn.set_trace_callback(statements.append)
    try:
        saved = service.set_answer(d, "staff", Answer(Rating.GREEN, "Consulted the unions"))
    finally:
        service.db.conn.set_trace_callback(None)
    [update] = {s for s in statements if s.startswith("UPDATE versions")}
    assigned = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    for column in ("title =", "reference =", "decision_maker =", "proposal ="):
        assert column not in assigned
    assert "updated_at =" in assigned and "verification_code =" in assigned
    assert service.get(d.id) == saved
