"""One keystroke's autosave, end to end through the window, costs few SQL statements.

The editor holds the record it shows; the service writes from it and returns what it wrote,
and the window's listeners use the record `record_changed` carries. So an autosave reads
nothing back: it checks the stored version's lock state inside its write transaction, writes
what changed and its audit rows, and stops. Counted with sqlite3's trace callback on the
service's own connection, from the keystroke until every listener of the saved record is done.
"""

from __future__ import annotations

import pytest

from desktop.domain.decision import Answer, Rating

# The statements of one autosave. Before the record was passed along, the service read it
# (6 SELECTs) before writing, and the lifecycle menu read it again (6 more) after: 18 for a
# details field, 24 for an answer. Now: BEGIN IMMEDIATE, the check of the stored version, the
# writes, the audit chain's head and row, COMMIT.
MAX_DETAILS_STATEMENTS = 6  # the versions row
MAX_ANSWER_STATEMENTS = 13  # the versions row, the answer (5: documents too), the search index (2)


def _reads_of_the_record(statements: list[str]) -> list[str]:
    """The SELECTs Repository.load runs to read a whole record back (its version row, its
    answers and its options: a check of the lock state reads none of them)."""
    return [s for s in statements if s.startswith("SELECT")
            and ("SELECT * FROM versions" in s or " FROM answers " in s or " FROM options " in s)]


def _autosave_statements(window, service, qtbot, type_into) -> list[str]:
    """The SQL statements run from a keystroke until its autosave's listeners are done.

    The trace reports a statement again as each of its triggers starts, and reports the
    full-text index's own statements as comments ("-- ..."): neither is a statement the app
    sent, so neither is counted; nor is the window's look for changes made elsewhere."""
    traced: list[str] = []
    service.db.conn.set_trace_callback(traced.append)
    try:
        with qtbot.waitSignal(window.record_changed, timeout=3000):
            type_into()
        qtbot.wait(10)  # anything the listeners queued runs too
    finally:
        service.db.conn.set_trace_callback(None)
    sent = [s for s in traced if not s.startswith("--") and s != "PRAGMA data_version"]
    return [s for i, s in enumerate(sent) if i == 0 or s != sent[i - 1]]


@pytest.fixture
def editing(make_window, service):
    """A window with a draft open in the editor, its first autosave (and sqlite-utils) done."""
    window = make_window(service, autosave_ms=50)
    window.new_decision()
    assert window.editor.save_now()
    return window


def test_an_autosave_of_a_details_field_reads_nothing_back(editing, service, qtbot):
    editing.editor.go_to(0)
    field = editing.editor.details.inputs["decision_maker"]
    field.setFocus()

    statements = _autosave_statements(editing, service, qtbot,
                                      lambda: qtbot.keyClicks(field, "C"))

    decision = service.get(editing.current_decision_id())
    assert decision.decision_maker == "C"
    assert editing.editor.decision == decision  # the record it holds is the one stored
    assert _reads_of_the_record(statements) == []
    assert len(statements) <= MAX_DETAILS_STATEMENTS, "\n".join(statements)


def test_an_autosave_of_an_answer_reads_nothing_back(editing, service, qtbot):
    editing.editor.go_to(1)
    page = editing.editor.principles[0]
    page.response.setFocus()

    statements = _autosave_statements(editing, service, qtbot,
                                      lambda: qtbot.keyClicks(page.response, "K"))

    decision = service.get(editing.current_decision_id())
    assert decision.answer("values").response == "K"
    assert editing.editor.decision == decision
    assert _reads_of_the_record(statements) == []
    assert len(statements) <= MAX_ANSWER_STATEMENTS, "\n".join(statements)


def test_the_listeners_are_told_the_saved_record(editing, service, qtbot):
    """What `record_changed` carries is the record as stored, so listeners need not read it."""
    page = editing.editor.principles[1]
    editing.editor.go_to(2)
    with qtbot.waitSignal(editing.record_changed, timeout=3000) as told:
        page.rating_buttons[Rating.GREEN].click()
    stored = service.get(editing.current_decision_id())
    assert told.args[0] == stored
    assert stored.answer(page.principle.slug) == Answer(rating=Rating.GREEN)
