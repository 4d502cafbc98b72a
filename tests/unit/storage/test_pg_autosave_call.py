"""p013: an autosave of one answer's text is one dc_autosave call, which writes and audits what
the four statements it replaces did, and is refused what they were refused: a stale read, a
reader, a held version (its signers' hold) and a signed-off one (the lock)."""

from __future__ import annotations

import pytest

from bench import generate
from desktop.application.bootstrap import open_service
from desktop.domain.decision import Answer, Rating
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import codes
from tests.unit.storage.test_pg_enforcement import (
    AT,
    DENIED,
    LOCKED,
    REFUSED,
    STALE,
    refused,
    seed,
    signed_off,
)
from tests.unit.storage.test_pg_server_audit import held

pytestmark = pytest.mark.postgres

CALL = ("SELECT dc_autosave(%s, %s, 'ready', %s, 'CODE', 'CODE', 2, 2, 'green', 2, 'one', "
        "'green', 'Typed', '', NULL, 'd1', 1, ARRAY['answers.one.response'], ARRAY['Yes'], "
        "ARRAY['Typed'])")
LATER = "2026-12-01T09:05:00+00:00"


@pytest.fixture
def author(pg_register):
    service = open_service(pg_register.url("alice"))
    service.import_bundle(generate.bundle_text(generate.records(2, seed=5)))
    yield service
    service.repo.close()


def _audited(db, decision_id: str) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute('SELECT "user", field, old_value, new_value, server_written '
                            "FROM audit_log WHERE decision_id = %s AND field <> 'created' "
                            "AND field <> 'imported' ORDER BY id", (decision_id,)).fetchall()


def test_an_autosave_is_one_call_that_writes_and_audits_as_the_statements_did(author,
                                                                              pg_register):
    start = Answer(rating=Rating.GREEN, response="Start", evidence="Minutes")  # a row, no actions
    typed = [Answer(rating=Rating.GREEN, response="Zebra crossing, it's \\ 'quoted'",
                    evidence="Minutes"),
             Answer(rating=Rating.GREEN, response="Giraffe\nsecond line", evidence="Seen")]
    calls: list[str] = []
    real_x = author.repo._x

    def spying(sql, params=None):
        calls.append(sql)
        return real_x(sql, params)

    author.repo._x = spying
    rows = []
    one = author.get(author.repo.all_ids()[0])
    for one_by_one in (False, True):  # the same saves: by dc_autosave, then one by one
        if one_by_one:
            author.repo._autosaved = lambda *args: False
        one = author.set_answer(one, "staff", start)
        before, calls[:] = len(_audited(pg_register, one.id)), []
        for answer in typed:
            one = author.set_answer(one, "staff", answer)
            assert author.get(one.id) == one
            derived = author.repo.stored_derived(one.id, one.version)
            assert derived is not None
            assert (derived["verification_code"], derived["content_code"]) == codes(one)
        assert sum("dc_autosave" in sql for sql in calls) == (0 if one_by_one else 2)
        assert any(sql.startswith("UPDATE answers") for sql in calls) == one_by_one
        rows.append(_audited(pg_register, one.id)[before:])
        found = {r.id for r in author.register(RegisterQuery(search="giraffe"), 0, 50)}
        assert one.id in found
        assert one.id not in {r.id for r in author.register(RegisterQuery(search="zebra"),
                                                            0, 50)}
    assert rows[0] == rows[1] and len(rows[0]) == 3  # the same rows, by alice, not the server's
    assert {row[0] for row in rows[0]} == {"alice"} and not any(row[4] for row in rows[0])


def test_a_raw_call_is_refused_what_its_statements_are(pg_register):
    vid = seed(pg_register)
    assert refused(pg_register, "alice", CALL, (vid, LATER, LATER)) == STALE  # not as read
    assert refused(pg_register, "carol", CALL, (vid, AT, LATER)) == DENIED  # a reader
    with pg_register.connect("alice") as conn:  # as read, by an author: written
        conn.execute(CALL, (vid, AT, LATER))
        assert conn.execute("SELECT response FROM answers WHERE version_id = %s AND slug = "
                            "'one'", (vid,)).fetchone() == ("Typed",)
        assert conn.execute('SELECT "user", new_value FROM audit_log WHERE field = '
                            "'answers.one.response'").fetchall() == [("alice", "Typed")]


def test_a_raw_call_on_a_held_or_signed_off_version_is_refused(pg_register):
    kept = held(pg_register)  # d1, with the Chair's sign-off
    assert refused(pg_register, "alice", CALL, (kept, AT, LATER)) == REFUSED


def test_a_raw_call_on_a_signed_off_version_is_locked(pg_register):
    locked = signed_off(pg_register)
    with pg_register.connect() as conn:
        read_at, status = conn.execute("SELECT updated_at, status FROM versions WHERE id = %s",
                                       (locked,)).fetchone()
    assert status == "signed-off"
    call = CALL.replace("'ready'", "'signed-off'")
    assert refused(pg_register, "alice", call, (locked, read_at, LATER)) == LOCKED
