"""The shipped checklist loads, and a broken one is refused with the path of the problem."""

from __future__ import annotations

import copy
import json

import pytest

from desktop import paths
from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain.checklist import load_checklist, parse_checklist
from desktop.domain.errors import ChecklistError
from tests.helpers.shipped import SLUGS

SCHEMA = paths.checklist_schema_path()


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(paths.checklist_path().read_text(encoding="utf-8"))


def test_shipped_checklist_has_ten_principles_in_slug_order():
    checklist = load_shipped_checklist()
    assert tuple(p.slug for p in checklist.principles) == SLUGS == (
        "values", "outcomes", "staff", "users", "voluntary-sector", "collaboration",
        "challenge", "long-term", "radical", "perseverance",
    )
    assert [p.number for p in checklist.principles] == list(range(1, 11))
    for p in checklist.principles:
        assert 3 <= len(p.questions) <= 6, p.slug
        assert all("?" in q for q in p.questions), p.slug
        assert p.title.strip() and p.wording.strip() and len(p.guidance) > 100, p.slug
    assert checklist.version >= 1 and checklist.id


def test_shipped_checklist_wording_follows_the_seed():
    checklist = load_shipped_checklist()
    assert "true to your values" in checklist.principle("values").wording
    assert "be radical" in checklist.principle("radical").wording.lower()
    assert "long term" in checklist.principle("long-term").wording.lower()


def test_default_sign_off_roles_are_named_exactly_and_required():
    checklist = load_shipped_checklist()
    assert [(r.name, r.required) for r in checklist.sign_off_roles] == [
        ("Proposing Director", True),
        ("Section 151 Officer", True),
        ("Monitoring Officer", True),
        ("Chair or Portfolio Holder", True),
    ]
    assert checklist.role("section 151 officer").name == "Section 151 Officer"
    assert checklist.role("  MONITORING officer ").name == "Monitoring Officer"
    assert checklist.role("Chief Executive") is None


def test_checklist_keeps_its_raw_text_for_storing_with_each_decision(shipped):
    checklist = load_shipped_checklist()
    assert json.loads(checklist.raw_json) == shipped
    assert len(checklist.sha256) == 64


def _broken(shipped: dict, mutate) -> str:
    data = copy.deepcopy(shipped)
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["principles"][3].__setitem__("questions", ["Only one?"]),
         "principles[3].questions"),
        (lambda d: d["principles"][3].__setitem__("questions", ["q?"] * 7),
         "principles[3].questions"),
        (lambda d: d["principles"][2]["questions"].__setitem__(1, ""),
         "principles[2].questions[1]"),
        (lambda d: d["principles"][5].pop("guidance"), "principles[5]"),
        (lambda d: d["principles"][0].__setitem__("colour", "red"), "principles[0]"),
        (lambda d: d["principles"][4].__setitem__("slug", "Not a slug"), "principles[4].slug"),
        (lambda d: d["principles"][4].__setitem__("kind", "advice"), "principles[4].kind"),
        (lambda d: d.__setitem__("principles", []), "principles"),
        (lambda d: d.__setitem__("version", "one"), "version"),
        (lambda d: d["sign_off_roles"][1].__setitem__("required", "yes"),
         "sign_off_roles[1].required"),
        (lambda d: d.pop("sign_off_roles"), "(top level)"),
    ],
)
def test_broken_checklist_names_the_path(shipped, mutate, path):
    with pytest.raises(ChecklistError) as err:
        parse_checklist(_broken(shipped, mutate), SCHEMA)
    assert f"checklist {path}:" in str(err.value)
    assert "\n" not in str(err.value)


def test_principles_out_of_order_are_refused(shipped):
    def swap(d):
        d["principles"][1], d["principles"][2] = d["principles"][2], d["principles"][1]

    with pytest.raises(ChecklistError, match=r"principles\[1\]\.number: expected 2, found 3"):
        parse_checklist(_broken(shipped, swap), SCHEMA)


def test_a_slug_used_twice_is_refused(shipped):
    def twice(d):
        d["principles"][6]["slug"] = "staff"

    with pytest.raises(ChecklistError,
                       match=r"principles\[6\]\.slug: 'staff' is already the slug of principles\[2\]"):
        parse_checklist(_broken(shipped, twice), SCHEMA)


def test_any_number_of_sections_of_either_kind(shipped):
    def shorter(d):
        d["principles"] = d["principles"][:3]
        d["principles"][2]["kind"] = "duty"

    checklist = parse_checklist(_broken(shipped, shorter), SCHEMA)
    assert checklist.slugs == ("values", "outcomes", "staff")
    assert [p.kind_label for p in checklist.principles] == ["Principle", "Principle", "Duty"]
    assert checklist.sections_phrase == "the two principles and one duty"
    assert load_shipped_checklist().sections_phrase == "the ten principles"


def test_wrong_number_is_refused(shipped):
    with pytest.raises(ChecklistError, match=r"principles\[6\]\.number: expected 7"):
        parse_checklist(_broken(shipped, lambda d: d["principles"][6].__setitem__("number", 2)),
                        SCHEMA)


def test_duplicate_role_names_are_refused(shipped):
    def dup(d):
        d["sign_off_roles"].append({"name": "monitoring officer", "required": False})

    with pytest.raises(ChecklistError, match=r"sign_off_roles\[\d+\]\.name: role names must be unique"):
        parse_checklist(_broken(shipped, dup), SCHEMA)


def test_not_json_and_missing_file(tmp_path):
    with pytest.raises(ChecklistError, match="not valid JSON: line 1"):
        parse_checklist("{nope", SCHEMA)
    with pytest.raises(ChecklistError, match="cannot read checklist"):
        load_checklist(tmp_path / "missing.json", SCHEMA)


def test_optional_role_is_kept(shipped, tmp_path):
    def add(d):
        d["sign_off_roles"].append({"name": "Chief Executive", "required": False})

    path = tmp_path / "c.json"
    path.write_text(_broken(shipped, add), encoding="utf-8")
    checklist = load_checklist(path, SCHEMA)
    assert checklist.role("chief executive").required is False
