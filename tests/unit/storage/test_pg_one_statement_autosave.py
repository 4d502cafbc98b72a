"""An autosave of one answer in one statement (p014's dc_save_answer): the same check and the
same writes as the statements of before, so every protection still holds. A stale hold
writes nothing and the app merges as before; a role that may not write an answer may not
call it; a signed-off version stays locked; the audit rows are the session user's and chain
on; a register made at p013 upgrades in place and then saves, searches and checks clean."""

from __future__ import annotations

import psycopg
import pytest

from bench import generate
from desktop.application.bootstrap import open_service
from desktop.cli import main as cli
from desktop.domain.decision import Answer, Rating
from desktop.domain.merge import EditConflict
from desktop.domain.queries import RegisterQuery
from desktop.storage.postgres import migrate
from tests.unit.storage.test_pg_enforcement import (
    DENIED,
    LOCKED,
    assert_chained,
    audit_rows,
    seed,
    signed_off,
)

pytestmark = pytest.mark.postgres

SAVE = ("SELECT written, newest FROM dc_save_answer(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def _save_args(conn, decision_id: str, *, updated_at: str | None = None,
               response: str = "Typed by hand") -> list:
    """dc_save_answer's arguments for answer 'one' of decision_id's current version, held as
    stored (or with another time of its last save)."""
    vid, version, status, stored_at, code = conn.execute(
        "SELECT id, version, status, updated_at, verification_code FROM versions "
        "WHERE decision_id = %s AND is_current = 1", [decision_id]).fetchone()
    signed = conn.execute("SELECT count(*) FROM sign_offs WHERE version_id = %s",
                          [vid]).fetchone()[0]
    return [decision_id, version, status, updated_at or stored_at, code, signed, 0,
            "2026-12-02T09:00:00.000000Z", 2, "green", 2, "NEW-CODE", "NEW-CONTENT", 2,
            "one", "green", response, "", "typed:1 hand:2",
            ["answers.one.response"], ["Yes"], [response]]


def _answer(db, decision_id: str = "d1") -> str:
    with db.connect() as conn:
        return conn.execute("SELECT a.response FROM answers a JOIN versions v ON v.id = "
                            "a.version_id WHERE v.decision_id = %s AND a.slug = 'one'",
                            [decision_id]).fetchone()[0]


@pytest.mark.parametrize("user", ["carol", "mallory"])
def test_a_reader_or_someone_with_no_role_cannot_save_through_it(pg_register, user):
    seed(pg_register)
    with pg_register.connect() as conn:
        args = _save_args(conn, "d1")
    with pg_register.connect(user) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(SAVE, args)
    assert caught.value.sqlstate == DENIED
    assert _answer(pg_register) == "Yes"


def test_it_writes_nothing_on_a_signed_off_version(pg_register):
    signed_off(pg_register)
    before = audit_rows(pg_register)
    with pg_register.connect("alice") as conn:
        args = _save_args(conn, "d1")  # held exactly as stored: the check passes
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(SAVE, args)
    assert caught.value.sqlstate == LOCKED
    assert _answer(pg_register) == "Yes" and audit_rows(pg_register) == before


def test_a_stale_hold_writes_nothing(pg_register):
    seed(pg_register)
    before = audit_rows(pg_register)
    with pg_register.connect("alice") as conn:
        written, newest = conn.execute(
            SAVE, _save_args(conn, "d1", updated_at="2026-11-01T00:00:00+00:00")).fetchone()
    assert (written, newest) == (False, before[-1][0])
    assert _answer(pg_register) == "Yes" and audit_rows(pg_register) == before


def test_what_it_writes_is_audited_under_the_session_user_and_chains_on(pg_register):
    seed(pg_register)
    with pg_register.connect("alice") as conn:
        written, newest = conn.execute(SAVE, _save_args(conn, "d1")).fetchone()
    rows = audit_rows(pg_register)
    assert written and newest == rows[-1][0]
    assert rows[-1][2:6] == ("alice", "d1", 1, "answers.one.response")
    assert rows[-1][6:8] == ("Yes", "Typed by hand")
    assert_chained(rows)
    with pg_register.connect() as conn:  # the client explained it all: the server added none
        assert conn.execute("SELECT count(*) FROM audit_log WHERE server_written").fetchone() \
            == (0,)
        assert conn.execute("SELECT updated_at, verification_code FROM versions WHERE "
                            "decision_id = 'd1'").fetchone() == ("2026-12-02T09:00:00.000000Z",
                                                                 "NEW-CODE")
    assert _answer(pg_register) == "Typed by hand"


def _answered(service):
    """A decision of the register and two sections it holds a written answer to."""
    for row in service.register(RegisterQuery(), 0, 50):
        d = service.get(row.id)
        slugs = [s for s, a in d.answers.items() if a.response and not a.actions
                 and not a.documents]
        if len(slugs) >= 2 and d.status.value in ("draft", "ready"):
            return d, slugs[:2]
    raise AssertionError("no decision with two written answers")


def test_two_people_saving_one_records_answers_merge_or_conflict(pg_register):
    first = open_service(pg_register.url("alice"))
    second = open_service(pg_register.url("alice"))
    try:
        first.import_bundle(generate.bundle_text(generate.records(6, seed=5)))
        held, (one, two) = _answered(first)
        held_by_second = second.get(held.id)
        saved = first.set_answer(held, one, Answer(rating=Rating.GREEN, response="Mine, first", evidence="Minutes"))
        with pytest.raises(EditConflict) as conflict:  # the same answer, read before that
            second.set_answer(held_by_second, one, Answer(rating=Rating.RED, response="Theirs", evidence="Notes"))
        assert conflict.value.saved.answers[one].response == "Mine, first"
        merged = second.set_answer(held_by_second, two, Answer(rating=Rating.AMBER, response="Other part"))
        assert (merged.answers[one].response, merged.answers[two].response) == (
            "Mine, first", "Other part")
        assert first.get(held.id) == merged
        again = first.set_answer(saved, one, Answer(rating=Rating.GREEN, response="Stale hold"))
        assert again.answers[two].response == "Other part"  # merged in, not overwritten
    finally:
        first.close()
        second.close()


def test_a_register_made_at_p013_upgrades_and_then_saves_searches_and_checks(
        pg_empty, monkeypatch, capsys):
    with monkeypatch.context() as before:  # the app as it was: every save is statements
        before.setattr(migrate, "MIGRATIONS", migrate.MIGRATIONS[:13])
        before.setattr(migrate, "SCHEMA_VERSION", 13)
        assert migrate.init(pg_empty.url()).version == 13
        old = open_service(pg_empty.url())
        try:
            old.import_bundle(generate.bundle_text(generate.records(6, seed=9)))
            held, _ = _answered(old)
            held = old.update(held, title="Retitled before the upgrade")
        finally:
            old.close()
    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 0
    assert capsys.readouterr().out == (
        f"schema version {len(migrate.MIGRATIONS)}: applied "
        + ", ".join(name for name, _ in migrate.MIGRATIONS[13:]) + "\n")
    service = open_service(pg_empty.url())
    try:
        held, (one, _) = _answered(service)
        saved = service.set_answer(held, one, Answer(rating=Rating.GREEN,
                                                 response="Quixotically upgraded"))
        assert service.get(held.id) == saved
        found = service.register(RegisterQuery(search="quixotically"), 0, 10)
        assert [r.id for r in found] == [held.id]
        assert service.register(RegisterQuery(search="retitled"), 0, 10)
    finally:
        service.close()
    assert cli.run(["--db", pg_empty.url(), "audit", "--check"]) == 0
