"""The checklist editor's service: drafts copied from a checklist, every problem the import
would refuse, worded for a person, kept as typed, and saved as a new version that leaves the
records answered against the old one as they were.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from desktop.application.checklists import EDITOR_SOURCE
from desktop.application.printing import print_record
from desktop.domain.errors import InvalidInput
from desktop.export.pdf import render_record
from tests.helpers.engines import rows as stored_rows


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def squeeze(text: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))


def pdf_text(pdf: bytes) -> str:
    return squeeze("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def test_a_new_version_draft_is_the_newest_numbered_next(service):
    default = service.checklists.default()
    draft = service.checklists.new_version_draft(default.id)
    assert (draft["id"], draft["version"]) == (default.id, default.version + 1)
    assert [p["slug"] for p in draft["principles"]] == list(default.slugs)
    assert service.checklists.draft_problems(draft) == []


def test_a_new_checklist_draft_takes_an_id_not_held(service):
    default = service.checklists.default()
    first = service.checklists.new_checklist_draft(default.id)
    assert (first["id"], first["version"]) == (f"{default.id}-copy", 1)
    service.checklists.save_draft(first)
    second = service.checklists.new_checklist_draft(default.id)
    assert second["id"] == f"{default.id}-copy-2"
    assert service.checklists.draft_problems(second) == []


def test_every_problem_is_named_by_path_in_the_forms_order(service):
    draft = service.checklists.new_version_draft(service.checklists.default_id())
    draft["title"] = ""
    sections = draft["principles"]
    sections[2]["title"] = ""
    sections[4]["slug"] = "Climate Emergency"
    sections[5]["slug"] = sections[0]["slug"]
    sections[6]["questions"] = sections[6]["questions"][:2]
    draft["sign_off_roles"].append(dict(draft["sign_off_roles"][0]))
    draft["version"] = 1
    problems = service.checklists.draft_problems(draft)
    assert [(p.path, p.message) for p in problems] == [
        (("version",), f"Version must be higher than 1, the newest version of {draft['id']} "
                       "this register holds"),
        (("title",), "Enter the title of the checklist"),
        (("principles", 2, "title"), "Enter the title of section 3"),
        (("principles", 4, "slug"), "The slug of section 5 must be lower-case letters and "
                                    "digits, words joined by single hyphens, like "
                                    "climate-emergency"),
        (("principles", 5, "slug"), "The slug of section 6 is already the slug of section 1: "
                                    "choose another"),
        (("principles", 6, "questions"), "Give section 7 at least 3 questions"),
        (("sign_off_roles", len(draft["sign_off_roles"]) - 1, "name"),
         f"The name of sign-off role {len(draft['sign_off_roles'])} is the same as sign-off "
         "role 1's: choose another"),
    ]
    with pytest.raises(InvalidInput, match="Version must be higher"):
        service.checklists.save_draft(draft)
    assert [c.version for c in service.checklists.all() if c.id == draft["id"]] == [1]


def test_sections_are_numbered_as_they_stand(service):
    draft = service.checklists.new_version_draft(service.checklists.default_id())
    draft["principles"].reverse()  # their "number"s now run 10, 9, ... 1
    assert service.checklists.draft_problems(draft) == []
    saved = service.checklists.save_draft(draft)
    assert [p.number for p in saved.principles] == list(range(1, 11))


def test_saving_is_audited_as_an_import_from_the_editor(service):
    draft = service.checklists.new_version_draft(service.checklists.default_id())
    saved = service.checklists.save_draft(draft)
    rows = stored_rows(
        service, "SELECT field, new_value FROM audit_log WHERE field = 'checklist_imported'")
    assert rows == [("checklist_imported", f"{saved.id} version {saved.version} "
                                           f"({saved.sha256}) from {EDITOR_SOURCE}")]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=80).filter(lambda t: "\x00" not in t))
def test_a_kept_draft_comes_back_as_typed(service, text):
    draft = service.checklists.new_version_draft(service.checklists.default_id())
    draft["principles"][0]["guidance"] = text
    service.checklists.keep_draft(draft)
    assert service.checklists.kept_draft() == draft
    service.checklists.drop_draft()
    assert service.checklists.kept_draft() is None


def test_a_record_answered_against_version_1_prints_version_1_after_version_2(service):
    v1 = service.checklists.default()
    old = service.create("Answered before the new wording", proposal="P")
    draft = service.checklists.new_version_draft(v1.id)
    draft["principles"][0]["questions"] = ["Is the climate emergency weighed, with evidence?",
                                           "Who checked the carbon figures?",
                                           "What would change the recommendation?"]
    draft["principles"].append(dict(draft["principles"][0], slug="climate-emergency",
                                    title="Climate emergency"))
    v2 = service.checklists.save_draft(draft)
    assert service.checklists.default() == v2
    assert service.checklist_for(service.get(old.id)) == v1
    old_text = pdf_text(render_record(print_record(service, old.id)).pdf)
    assert re.sub(r"\s+", "", v1.principles[0].questions[0]) in old_text
    assert "carbonfigures" not in old_text and "Climateemergency" not in old_text
    new = service.create("Answered against the new wording", proposal="P")
    assert len(new.sections) == 11
    assert "Whocheckedthecarbonfigures?" in pdf_text(render_record(print_record(
        service, new.id)).pdf)
    assert service.checklists.use_counts() == {v1.sha256: 1, v2.sha256: 1}


# what a council officer types: Latin-1 and the other European letters the shipped fonts draw
TYPED = st.text(st.one_of(st.characters(codec="latin-1", categories=("L", "N", "P", "S")),
                          st.sampled_from(list("ąčęłŒœŸĞğİıŞşΑαΔδΩωЖжЩщЯя€–—‘’“”…"))),
                min_size=1, max_size=40)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TYPED, wording=TYPED, question=TYPED)
def test_what_is_typed_into_a_draft_saves_and_prints(service, title, wording, question):
    draft = service.checklists.new_version_draft(service.checklists.default_id())
    draft["principles"][0].update(title=title[:60], wording=wording + " <b>&amp;")
    draft["principles"][0]["questions"][0] = question
    saved = service.checklists.save_draft(draft)
    assert saved.principles[0].title == title[:60] and saved.principles[0].questions[0] == question
    d = service.create("Typed", proposal="P")
    rendered = render_record(print_record(service, d.id))
    text = pdf_text(rendered.pdf)
    assert rendered.warnings == ()
    assert squeeze(wording + " <b>&amp;") in text and squeeze(question) in text
