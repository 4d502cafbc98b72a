"""fold_edits: a field's rapid autosaves by one person read as one edit (issue 13, item 12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.history import FOLD_WINDOW_S, edit_rows, fold_edits

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Row:
    id: int
    at: str
    user: str
    version: int
    field: str
    old_value: str | None
    new_value: str | None


def _at(seconds: float) -> str:
    return (START + dt.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _rows(steps) -> list[Row]:
    rows, t, values = [], 0.0, {}
    for i, (gap, user, field, version) in enumerate(steps):
        t += gap
        old = values.get(field)
        values[field] = f"{field} {i}"
        rows.append(Row(i + 1, _at(t), user, version, field, old, values[field]))
    return rows


steps = st.lists(st.tuples(
    st.sampled_from([0, 2, 30, 200, 299, 301, 4000]),
    st.sampled_from(["ann", "bob"]),
    st.sampled_from(["title", "proposal", "answers.staff.response"]),
    st.sampled_from([1, 2]),
), max_size=40)


@given(steps)
def test_every_row_is_in_exactly_one_edit_and_nothing_is_lost(s):
    rows = _rows(s)
    edits = fold_edits(rows)
    assert sorted(r.id for r in edit_rows(edits)) == [r.id for r in rows]
    assert sum(e.saves for e in edits) == len(rows)
    firsts = [e.rows[0].id for e in edits]
    assert firsts == sorted(firsts)  # in the order each edit began


@given(steps)
def test_an_edit_is_one_persons_rapid_saves_of_one_field(s):
    for e in fold_edits(_rows(s)):
        assert {(r.user, r.field, r.version) for r in e.rows} == {(e.user, e.field, e.version)}
        assert [r.id for r in e.rows] == sorted(r.id for r in e.rows)
        for a, b in zip(e.rows, e.rows[1:], strict=False):
            gap = dt.datetime.fromisoformat(b.at) - dt.datetime.fromisoformat(a.at)
            assert gap.total_seconds() < FOLD_WINDOW_S
        # the value before the first save and after the last
        assert e.old_value == e.rows[0].old_value and e.new_value == e.rows[-1].new_value
        assert e.at == e.rows[-1].at and e.started_at == e.rows[0].at


@given(steps)
def test_rows_that_could_fold_do(s):
    """Two edits of one field next to each other are never one person's rapid saves."""
    edits = fold_edits(_rows(s))
    latest = {}
    for e in edits:
        before = latest.get(e.field)
        if before is not None:
            a, b = before.rows[-1], e.rows[0]
            gap = (dt.datetime.fromisoformat(b.at) - dt.datetime.fromisoformat(a.at))
            assert (a.user, a.version) != (b.user, b.version) or gap.total_seconds() >= FOLD_WINDOW_S
        latest[e.field] = e


def test_typing_a_title_for_two_minutes_is_one_edit():
    rows = [Row(1, _at(0), "ann", 1, "title", "Old", "Ne"),
            Row(2, _at(1), "ann", 1, "proposal", "", "P"),
            Row(3, _at(40), "ann", 1, "title", "Ne", "New ti"),
            Row(4, _at(120), "ann", 1, "title", "New ti", "New title"),
            Row(5, _at(130), "bob", 1, "title", "New title", "Bob's title"),
            Row(6, _at(4000), "bob", 1, "title", "Bob's title", "Later")]
    edits = fold_edits(rows)
    assert [(e.field, e.user, e.old_value, e.new_value, e.saves) for e in edits] == [
        ("title", "ann", "Old", "New title", 3),
        ("proposal", "ann", "", "P", 1),
        ("title", "bob", "New title", "Bob's title", 1),
        ("title", "bob", "Bob's title", "Later", 1),
    ]
