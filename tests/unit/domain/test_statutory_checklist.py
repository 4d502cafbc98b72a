"""The shipped statutory checklist: the ten principles, then the seven statutory duties."""

from __future__ import annotations

import json

import jsonschema
import pytest

from desktop import paths
from desktop.export.pdf.styles import register_fonts, unprintable

DUTY_SLUGS = (
    "equality-duty", "consultation", "best-value", "social-value", "staff-transfer",
    "procurement", "welsh-language",
)


@pytest.fixture(scope="module")
def statutory() -> dict:
    return json.loads(paths.resource("checklist-statutory.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(paths.checklist_path().read_text(encoding="utf-8"))


def _duties(statutory: dict) -> list[dict]:
    return statutory["principles"][10:]


def test_it_validates_against_the_checklist_schema(statutory):
    schema = json.loads(paths.checklist_schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(statutory)
    assert statutory["id"] == "tizard-principles-and-statutory-duties"
    assert statutory["version"] == 1
    assert statutory["title"].strip()


def test_it_opens_with_the_ten_principles_of_the_shipped_checklist(statutory, shipped):
    assert statutory["principles"][:10] == shipped["principles"]
    assert all(p.get("kind", "principle") == "principle" for p in statutory["principles"][:10])


def test_then_the_seven_duties_in_order_with_unique_slugs(statutory):
    sections = statutory["principles"]
    assert tuple(s["slug"] for s in _duties(statutory)) == DUTY_SLUGS
    assert [s["kind"] for s in _duties(statutory)] == ["duty"] * 7
    slugs = [s["slug"] for s in sections]
    assert len(slugs) == len(set(slugs)) == 17
    assert [s["number"] for s in sections] == list(range(1, 18))


def test_every_duty_is_written_out_and_asks_questions(statutory):
    for s in _duties(statutory):
        assert s["title"].strip() and s["wording"].strip(), s["slug"]
        assert len(s["guidance"].strip()) > 200, s["slug"]
        assert 3 <= len(s["questions"]) <= 7, s["slug"]
        for q in s["questions"]:
            assert q == q.strip() and q.endswith("?"), (s["slug"], q)
        assert len(set(s["questions"])) == len(s["questions"]), s["slug"]
        assert s["sources"] and all(src.strip() for src in s["sources"]), s["slug"]


def test_the_gunning_tests_are_each_asked(statutory):
    consultation = next(s for s in _duties(statutory) if s["slug"] == "consultation")
    for n in range(1, 5):
        assert sum(f"(Gunning {n})" in q for q in consultation["questions"]) == 1, n


def test_it_is_signed_off_by_the_shipped_checklists_roles(statutory, shipped):
    assert statutory["sign_off_roles"] == shipped["sign_off_roles"]


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_every_character_is_in_the_embedded_fonts(statutory):
    printable = register_fonts()
    missing = {c for text in _texts(statutory) for c in unprintable(text, printable)}
    assert not missing, sorted(missing)
    assert any(not text.isascii() for text in _texts(statutory))  # "£" is looked up, not skipped
