"""One damaged checklist row (written with raw SQL or sqlite3) no longer breaks `checklist
list` for everyone (tester finding F8): each bad row is one line on stderr naming its id and
version, the good ones are listed as before, and the exit status (1) says the list is not
whole. New decisions still choose among the good ones.

A contract test: both engines (tests/conftest.py any_service)."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main as cli
from tests.helpers.unreadable import DAMAGED, store_damaged


@pytest.fixture
def service(any_service):
    return any_service


def test_a_damaged_checklist_is_named_and_the_others_still_listed(service, any_db, capsys):
    assert cli.run(["--db", str(any_db), "checklist", "list"]) == 0
    before = capsys.readouterr()
    store_damaged(service)
    service.repo.forget()

    assert cli.run(["--db", str(any_db), "checklist", "list"]) == 1
    after = capsys.readouterr()
    assert after.out == before.out  # every good one, as before
    lines = after.err.splitlines()
    assert len(lines) == len(DAMAGED) and "Traceback" not in after.err
    for line, (cid, version, _) in zip(lines, DAMAGED, strict=True):
        assert line.startswith(f"error: checklist {cid!r} version {version} ")
        assert "cannot be read, so it is left out" in line
    assert "not valid JSON" in lines[0] and "'version' is a required property" not in lines[0]

    assert cli.run(["--db", str(any_db), "checklist", "list", "--json"]) == 1
    shown = capsys.readouterr()
    assert [c["id"] for c in json.loads(shown.out)] == [
        line.split("\t")[0] for line in before.out.splitlines()]
    assert shown.err == after.err

    # the register still works: the default, the checklists a new decision may use, a new one
    assert service.checklists.default().id == "tizard-ten-principles"
    assert next(c.id for c in service.checklists.newest()) == "tizard-ten-principles"
    assert service.create("Still works").checklist_id == "tizard-ten-principles"
