"""The shared register's transactions in psycopg's pipeline mode: fewer round trips, and
still all or nothing. A server error in a statement nobody waited for fails the whole
transaction; one inside a savepoint is raised at the savepoint's end; an autosave is two
round trip on the wire (counted by the bench's proxy: p014's dc_save_answer), another edit
two."""

from __future__ import annotations

import pytest

from bench import generate
from bench.wire_proxy import WireProxy
from desktop.application.bootstrap import open_service
from desktop.domain.decision import Answer, Rating
from desktop.domain.errors import Refused


@pytest.fixture
def author(pg_register):
    service = open_service(pg_register.url("alice"))
    service.import_bundle(generate.bundle_text(generate.records(3, seed=11)))
    yield service
    service.repo.close()


def _titles(service) -> dict[str, str]:
    return {r[0]: r[1] for r in service.repo.connection.execute(
        "SELECT decision_id, title FROM versions")}


def test_a_failed_statement_nobody_waited_for_rolls_back_the_whole_transaction(author):
    before = _titles(author)
    first = next(iter(before))
    conn = author.repo.connection
    with pytest.raises(Refused, match="may not"), author.repo.transaction():
        conn.execute("UPDATE versions SET title = 'Changed' WHERE decision_id = %s", [first])
        conn.execute("DELETE FROM sign_offs")  # an author may not: 42501, raised at COMMIT
    assert _titles(author) == before
    assert conn.info.transaction_status == 0  # idle again: the register is usable
    with author.repo.transaction():
        conn.execute("UPDATE versions SET title = 'Changed' WHERE decision_id = %s", [first])
    assert _titles(author)[first] == "Changed"


def test_an_error_in_a_savepoint_is_raised_there_and_the_rest_commits(author):
    first = next(iter(_titles(author)))
    conn = author.repo.connection
    with author.repo.transaction():
        conn.execute("UPDATE versions SET title = 'Kept' WHERE decision_id = %s", [first])
        with pytest.raises(Refused, match="may not"), author.repo.transaction():
            conn.execute("DELETE FROM sign_offs")
        conn.execute("UPDATE versions SET reference = 'R/1' WHERE decision_id = %s", [first])
    row = conn.execute("SELECT title, reference FROM versions WHERE decision_id = %s",
                       [first]).fetchone()
    assert row == ("Kept", "R/1")


def test_an_autosave_is_one_round_trip_and_audited(pg_register, author):
    proxy = WireProxy(pg_register.cluster.socket_dir / ".s.PGSQL.5432")
    remote = open_service(proxy.url(pg_register.name, "alice"))
    try:
        held = remote.get(next(iter(_titles(author))))
        for i in range(8):  # warm: psycopg prepares its statements at the sixth execution
            answer = Answer(rating=Rating.GREEN, response=f"Typed {i}", evidence="Minutes")
            before = proxy.turns
            held = remote.set_answer(held, "staff", answer)
            trips = proxy.turns - before
        assert trips == 1
        assert author.get(held.id).answers["staff"].response == "Typed 7"
        rows = author.repo.audit_rows(held.id, held.version, "answers.staff.response")
        assert rows and rows[-1].new_value == "Typed 7" and rows[-1].user == "alice"
        for i in range(8):  # a title is not an answer: the check, then the writes
            before = proxy.turns
            held = remote.update(held, title=f"Retitled {i}")
            trips = proxy.turns - before
        assert trips == 2
        assert author.get(held.id).title == "Retitled 7"
    finally:
        remote.repo.close()
        proxy.close()
