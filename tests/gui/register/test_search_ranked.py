"""Register search (issue 13, item 11): title matches first, then the chosen sort, and each
result says where it matched, only while searching."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from desktop.domain.queries import RegisterQuery
from desktop.storage.repository import search_tokens
from desktop.ui.register.model import COLUMNS, RegisterTableModel
from tests.helpers.shipped import SLUGS

MATCHED = [k for k, _ in COLUMNS].index("matched_in")


def _seed(service) -> None:
    staff = SLUGS[2]  # principle 3, Staff
    decisions = [
        {"title": "Other business", "proposal": "Nothing", "reference": "BUD/9"},
        {"title": "Libraries", "proposal": "Cut the budget for books", "reference": "L/1"},
        {"title": "Highways", "proposal": "Resurface roads", "reference": "H/1",
         "answers": {staff: {"rating": None, "response": "Budgeting for overtime"}}},
        {"title": "Budget for parks", "proposal": "More trees", "reference": "P/1"},
        {"title": "Zebra budget", "proposal": "Crossings", "reference": "Z/1"},
        {"title": "Unrelated", "proposal": "Nothing at all", "reference": "U/1"},
    ]
    service.import_bundle(json.dumps({"format": "decision-checklist/1", "decisions": decisions}))


def _titles(rows):
    return [r.title for r in rows]


def test_title_matches_come_first_then_the_chosen_sort(service):
    _seed(service)
    q = RegisterQuery(search="bud", sort="title", descending=False)
    assert _titles(service.register(q)) == [
        "Budget for parks", "Zebra budget",  # the title matches, by title
        "Highways", "Libraries", "Other business",  # then the rest, by title
    ]
    down = _titles(service.register(RegisterQuery(search="bud", sort="title", descending=True)))
    assert down == ["Zebra budget", "Budget for parks", "Other business", "Libraries", "Highways"]
    assert service.register_count(q) == 5


def test_pages_across_the_title_matches_and_the_rest_join_up(service):
    _seed(service)
    q = RegisterQuery(search="bud", sort="title", descending=False)
    whole = _titles(service.register(q))
    for size in (1, 2, 3, 4):
        paged = []
        for offset in range(0, 6, size):
            paged += _titles(service.register(q, offset, size))
        assert paged == whole, size
    assert _titles(service.iter_register(q)) == whole


def test_each_result_says_where_it_matched(service):
    _seed(service)
    rows = service.register(RegisterQuery(search="bud", sort="title", descending=False))
    found = service.search_matches("bud", rows)
    by_title = {r.title: found[r.id] for r in rows}
    assert by_title == {
        "Budget for parks": "title",
        "Zebra budget": "title",
        "Highways": "answers: 3. Staff",
        "Libraries": "proposal",
        "Other business": "reference",
    }


def test_a_verification_code_says_so(service):
    _seed(service)
    row = service.register(RegisterQuery(sort="title", descending=False))[0]
    found = service.search_matches(row.verification_code.lower(), [row])
    assert "verification code" in found[row.id]


def test_search_words_are_read_as_the_index_reads_them():
    assert search_tokens("Café-budget, O'Brien 2026") == ["cafe", "budget", "o", "brien", "2026"]


def test_matched_in_shows_only_while_searching(make_window, service, qtbot):
    _seed(service)
    window = make_window(service)
    view = window.register
    table = view.table
    assert table.isColumnHidden(MATCHED)
    view.search.setText("bud")
    view.apply_filters()
    assert not table.isColumnHidden(MATCHED)
    model = view.model
    shown = [model.data(model.index(r, MATCHED)) for r in range(model.rowCount())]
    assert shown[:2] == ["title", "title"]
    assert "answers: 3. Staff" in shown
    tip = model.data(model.index(0, MATCHED), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Matched in title"
    view.search.clear()
    view.apply_filters()
    assert table.isColumnHidden(MATCHED)
    assert model.data(model.index(0, MATCHED)) == ""


def test_matched_in_is_not_a_sort(service):
    _seed(service)
    model = RegisterTableModel(service)
    before = model.query
    model.sort(MATCHED, Qt.SortOrder.AscendingOrder)
    assert model.query == before
