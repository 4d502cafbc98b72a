"""p011: one lock-and-hold trigger on each child table, the search words' lock looked at in a
statement of its own, derived columns' audit asked about once. What each refused or audited
before, it still does: a row moved out of or into a held version is refused for its signers
(DC002), out of or into a signed-off one locked (DC001), wherever it goes; a raw edit of
derived columns is audited column by column unless the client wrote a row of that version in
the same transaction."""

from __future__ import annotations

import pytest

from tests.unit.storage.test_pg_enforcement import (
    AT,
    LOCKED,
    REFUSED,
    refused,
    seed,
    sign,
    signed_off,
)
from tests.unit.storage.test_pg_server_audit import audited_by_server, held

pytestmark = pytest.mark.postgres

MOVES = [
    "UPDATE answers SET version_id = {to} WHERE version_id = {source} AND slug = 'one'",
    "UPDATE options SET version_id = {to} WHERE version_id = {source}",
    "UPDATE documents SET version_id = {to} WHERE version_id = {source}",
    "UPDATE appraisal_scores SET version_id = {to} WHERE version_id = {source}",
]


@pytest.mark.parametrize("statement", MOVES)
def test_a_row_moved_out_of_or_into_a_held_version_is_refused(pg_register, statement):
    kept = held(pg_register)  # d1, with the Chair's sign-off
    draft = seed(pg_register, "d2")  # (its rows have d1's keys: the checks come first)
    assert refused(pg_register, "alice", statement.format(to=draft, source=kept)) == REFUSED
    assert refused(pg_register, "alice", statement.format(to=kept, source=draft)) == REFUSED


@pytest.mark.parametrize("statement", MOVES)
def test_a_row_moved_out_of_a_signed_off_version_is_locked(pg_register, statement):
    locked = signed_off(pg_register)
    draft = seed(pg_register, "d2")
    assert refused(pg_register, "alice", statement.format(to=draft, source=locked)) == LOCKED
    assert refused(pg_register, "alice", statement.format(to=locked, source=draft)) == LOCKED


def test_derived_columns_are_audited_each_unless_the_client_wrote_a_row_of_the_version(
        pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn:
        conn.execute("UPDATE versions SET updated_at = %s, complete = 0 WHERE id = %s",
                     ("2026-12-02T09:00:00+00:00", vid))
    fields = [r[3] for r in audited_by_server(pg_register)]
    assert fields == ["stored.complete", "stored.updated_at"]
    with pg_register.connect("alice") as conn, conn.transaction():
        conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                     "new_value) VALUES (%s, 'd1', 1, 'title', 'a', 'b')", (AT,))
        conn.execute("UPDATE versions SET updated_at = %s, complete = 2 WHERE id = %s",
                     ("2026-12-03T09:00:00+00:00", vid))
    assert [r[3] for r in audited_by_server(pg_register)] == fields  # no more


def test_a_clerk_still_signs_and_an_author_still_edits_a_draft_through_the_one_trigger(
        pg_register):
    vid = seed(pg_register)
    with pg_register.connect("alice") as conn:
        conn.execute("UPDATE answers SET response = 'Edited' WHERE version_id = %s "
                     "AND slug = 'one'", (vid,))
        conn.execute("UPDATE search_index SET words = 'edited' WHERE version_id = %s", (vid,))
    with pg_register.connect("bob") as conn:
        assert sign(conn, vid, "Chair", []) == "ready"
