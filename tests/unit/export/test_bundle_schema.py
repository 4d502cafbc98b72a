"""resources/bundle.schema.json: the bundle's published JSON Schema (draft 2020-12).

Every bundle the app exports validates against it, and bundles it refuses are refused by the
importer too, so another program can check a bundle before sending it.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from desktop import paths
from desktop.domain.decision import Action, Answer, Option
from desktop.domain.errors import InvalidInput
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision

SCHEMA = json.loads(paths.resource("bundle.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(bundle: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(bundle)]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_example_bundle_and_its_export_validate(service, example_bundle_text):
    assert _errors(json.loads(example_bundle_text)) == []
    service.import_bundle(example_bundle_text)
    assert _errors(json.loads(service.export_bundle())) == []


def test_exports_in_every_state_validate(service):
    draft = service.create("Stop the mobile library", reference="LIB/9")
    service.set_answer(draft.id, "staff", Answer(response="Not rated yet",
                                                 actions=(Action("Consult", "HR", None),)))
    service.update(draft.id, options=(Option("Do nothing", "rejected"),
                                      Option("Hand to a trust", "recommended", "social-sector",
                                             "Keeps it open")))
    ready = complete_decision(service, "Ready one")
    sign(service, ready.id, ROLES[0])
    signed = signed_off_decision(service, "Signed one")
    service.lifecycle.amend(signed.id, "New figures")
    withdrawn = complete_decision(service, "Withdrawn one")
    service.withdraw(withdrawn.id)
    bundle = json.loads(service.export_bundle())
    assert {d["status"] for d in bundle["decisions"]} == {"draft", "ready", "withdrawn"}
    assert _errors(bundle) == []
    signed_bundle = json.loads(service.export_bundle([complete_decision(service, "x").id]))
    assert _errors(signed_bundle) == []


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(title=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)
       .filter(lambda t: t.strip()), proposal=_text, reference=st.text(
           st.characters(blacklist_categories=("Cs",)), max_size=60), response=_text)
def test_any_text_a_person_can_type_exports_a_valid_bundle(service, title, proposal, reference,
                                                           response):
    d = service.create(title, proposal=proposal, reference=reference)
    service.set_answer(d.id, "values", Answer(response=response))
    assert _errors(json.loads(service.export_bundle([d.id]))) == []


def _one(**decision) -> dict:
    return {"format": "decision-checklist/1", "decisions": [{"title": "T", "proposal": "P",
                                                             **decision}]}


@pytest.mark.parametrize("decision", [
    {"colour": "blue"},                                    # unknown key
    {"title": ""},                                         # empty title
    {"title": "x" * 201},                                  # too long
    {"reference": None},                                   # null where a key is left out
    {"reference": "r" * 61},
    {"meeting_date": "15/09/2027"},
    {"key_decision": "yes"},
    {"delivery_model": "privatise"},
    {"answers": {"values": {"rating": "purple", "response": ""}}},
    {"answers": {"values": {"response": "no rating key"}}},
    {"options": [{"name": "x", "status": "maybe"}]},
    {"sign_offs": [{"role": "Chair", "name": "", "date": "2026-01-01"}]},
    {"version": 0},
    {"verification_code": "not-a-code"},
], ids=lambda d: next(iter(d)))
def test_what_the_schema_refuses_the_importer_refuses(service, decision):
    bundle = _one(**decision)
    assert _errors(bundle), f"the schema accepted {decision}"
    with pytest.raises(InvalidInput):
        service.import_bundle(json.dumps(bundle))
    assert service.repo.all_ids() == []
