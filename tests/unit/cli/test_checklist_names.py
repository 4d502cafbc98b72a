"""A checklist's names are one line of plain text: import refuses control characters in
its id, title, section titles and role names (naming the JSON path), and `checklist list`
shows an id stored before that rule escaped, never raw."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain.errors import ChecklistError
from tests.helpers.cli import run

CONTROLS = st.sampled_from(["\n", "\t", "\r", "\x1b", "\x00", "\x7f", "\x9b", "\u2028",
                            "\u202e", "\u2066"])
PATHS = [("id",), ("title",), ("principles", 3, "title"), ("sign_off_roles", 1, "name")]


def shipped() -> dict:
    return json.loads(load_shipped_checklist().raw_json)


def _set(data: dict, path, value) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@settings(max_examples=30)
@given(path=st.sampled_from(PATHS), control=CONTROLS,
       before=st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1,
                      max_size=8))
def test_import_refuses_a_control_character_in_a_name(service, path, control, before):
    data = shipped()
    _set(data, path, f"{before}{control}x")
    if path == ("id",):
        data["version"] = 1
    with pytest.raises(ChecklistError, match="control character") as caught:
        service.checklists.import_text(json.dumps(data))
    dotted = ".".join(str(p) for p in path).replace(".3.", "[3].").replace(".1.", "[1].")
    assert f"checklist {dotted}:" in str(caught.value)
    assert data["id"] not in {c.id for c in service.checklists.all()} or path != ("id",)


def test_the_editor_words_it_for_the_form(service):
    draft = shipped()
    draft.update(id="fine", title="Two\nlines")
    problems = service.checklists.draft_problems(draft)
    assert [p.message for p in problems] == [
        "The title of the checklist must be one line of plain text, without tabs, line "
        "breaks or other control characters"]


def test_list_escapes_an_id_stored_before_the_rule(service, db_path, capsys):
    data = shipped()
    forged = "evil\n\tforged-line\t1\t10\tdefault\x1b[2K\u202e"
    data.update(id=forged, version=1)
    text = json.dumps(data)
    import hashlib
    service.db.close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                 "VALUES (?, ?, 1, ?)", [hashlib.sha256(text.encode()).hexdigest(), forged, text])
    conn.commit()
    conn.close()
    status, out, _ = run(capsys, "--db", db_path, "checklist", "list")
    assert status == 0
    assert "\x1b" not in out and "\u202e" not in out
    lines = out.splitlines()
    assert len(lines) == 3, lines
    assert lines[-1].startswith("evil\\n\\tforged-line\\t1\\t10\\tdefault\\x1b[2K\\u202e\t1\t")
    status, out, _ = run(capsys, "--db", db_path, "checklist", "list", "--json")
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)[-1]["id"] == forged


@pytest.mark.parametrize("path", PATHS)
def test_import_refuses_a_name_of_only_spaces(service, path):
    data = shipped()
    _set(data, path, " \u00a0 ")
    with pytest.raises(ChecklistError, match="is only spaces"):
        service.checklists.import_text(json.dumps(data))


@pytest.mark.parametrize(("path", "length", "ok"), [
    (("id",), 100, True), (("id",), 101, False),
    (("sign_off_roles", 1, "name"), 100, True), (("sign_off_roles", 1, "name"), 5000, False)])
def test_ids_and_role_names_are_at_most_100_characters(service, path, length, ok):
    data = shipped()
    data.update(id="long", version=1)
    _set(data, path, "x" * length)
    if ok:
        service.checklists.import_text(json.dumps(data))
        return
    with pytest.raises(ChecklistError, match="at most 100") as caught:
        service.checklists.import_text(json.dumps(data))
    assert len(str(caught.value)) < 200


def test_sixty_one_sections_are_refused_in_one_short_line(service):
    data = shipped()
    data.update(id="many", version=1)
    data["principles"] = [dict(data["principles"][0], slug=f"s{i}", number=i + 1)
                          for i in range(61)]
    with pytest.raises(ChecklistError) as caught:
        service.checklists.import_text(json.dumps(data))
    assert str(caught.value) == "checklist principles: has 61 items; at most 60 allowed"


def test_the_ids_a_missing_checklist_error_lists_are_capped(service):
    from desktop.domain.errors import NotFound

    for i in range(30):
        data = shipped()
        data.update(id=f"held-{i:02d}", version=1)
        service.checklists.import_text(json.dumps(data))
    with pytest.raises(NotFound) as caught:
        service.checklists.find("x" * 5000)
    message = str(caught.value)
    assert "and 22 more" in message and len(message) < 400
