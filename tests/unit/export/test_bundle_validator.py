"""The importer checks the schema's rules with the validator generated from it.

desktop/export/_bundle_validator.py is generated from resources/bundle.schema.json; these
tests keep the two in step, keep the schema's limits the same as the app's own, pin the
messages of the rules the schema now checks that test_bundle_malformed.py does not, and
check that nothing but an import loads the validator.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.application.bootstrap import load_shipped_checklist
from desktop.application.lifecycle import MAX_MINUTE, MAX_NAME
from desktop.domain.decision import DELIVERY_MODELS, OPTION_STATUSES, Rating, Status
from desktop.domain.errors import InvalidInput
from desktop.export import bundle_schema
from desktop.export.bundle import FORMAT, parse_bundle
from tests.helpers.shipped import SLUGS

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = bundle_schema.published_schema()
DEFS = SCHEMA["$defs"]


def test_the_generated_validator_is_the_schemas():
    assert bundle_schema.GENERATED.read_text(encoding="utf-8") == bundle_schema.validator_source(
        SCHEMA), "resources/bundle.schema.json changed: run python -m desktop.export.bundle_schema"


def test_the_importer_checks_the_published_schema_but_for_the_id():
    """Only the id is left to Python (uuid.UUID reads more forms than the schema's pattern);
    every other rule, inlined, is the published one."""
    importer = bundle_schema.importer_schema(SCHEMA)
    assert importer["properties"]["id"] == {"type": "string"}
    assert importer["properties"]["answers"]["additionalProperties"]["properties"]["rating"] == {
        "enum": [*(r.value for r in Rating), None]}
    assert importer["properties"]["sign_offs"]["items"]["properties"]["date"] == {
        "type": "string", "pattern": DEFS["date"]["pattern"], "format": "date"}
    assert set(importer["properties"]) == set(DEFS["decision"]["properties"])


def test_the_schemas_limits_are_the_apps():
    decision = DEFS["decision"]["properties"]
    assert DEFS["delivery_model"]["enum"] == list(DELIVERY_MODELS)
    assert DEFS["option"]["properties"]["status"]["enum"] == list(OPTION_STATUSES)
    assert decision["status"]["enum"] == [s.value for s in Status]
    assert DEFS["sign_off"]["properties"]["name"]["maxLength"] == MAX_NAME
    assert DEFS["sign_off"]["properties"]["minute_reference"]["maxLength"] == MAX_MINUTE
    pattern = decision["answers"]["propertyNames"]["pattern"]
    assert all(re.fullmatch(pattern, slug) for slug in SLUGS)


def _refusal(**decision) -> str:
    text = json.dumps({"format": FORMAT, "decisions": [{"title": "T", "proposal": "P",
                                                        **decision}]})
    shipped = load_shipped_checklist()
    with pytest.raises(InvalidInput) as caught:
        parse_bundle(text, lambda _record, _prefix: shipped)  # as import: its checklist known
    return str(caught.value)


SIGN_OFF = {"role": "Monitoring Officer", "name": "A", "date": "2026-01-01"}


@pytest.mark.parametrize(("decision", "message"), [
    ({"sign_offs": [{**SIGN_OFF, "name": "n" * 201}]},
     "decisions[0].sign_offs[0].name: is 201 characters long; at most 200 allowed"),
    ({"sign_offs": [{**SIGN_OFF, "minute_reference": "m" * 101}]},
     "decisions[0].sign_offs[0].minute_reference: is 101 characters long; at most 100 allowed"),
    ({"sign_offs": [{**SIGN_OFF, "role": " "}]}, "decisions[0].sign_offs[0].role: must not be empty"),
    ({"sign_offs": [{**SIGN_OFF, "date": None}]},
     "decisions[0].sign_offs[0].date: expected a date YYYY-MM-DD, found null"),
    ({"created_at": "2026-13-45T09:00:00Z"},
     "decisions[0].created_at: '2026-13-45T09:00:00Z' is not a UTC time such as"),
    ({"created_at": 5}, "decisions[0].created_at: expected a string, found a number"),
    ({"checklist": {"id": "tizard-ten-principles", "version": 1.0}},
     "decisions[0].checklist.version: expected a whole number, found a number"),
    ({"checklist": {"id": " ", "version": 1}}, "decisions[0].checklist.id: must not be empty"),
    ({"checklist": {"id": "x"}}, "decisions[0].checklist.version: is required"),
    ({"id": ""}, "decisions[0].id: must not be empty"),
    ({"verification_code": "not-a-code"},
     "decisions[0].verification_code: 'not-a-code' is not a verification code"),
    ({"answers": {"values": None}}, "decisions[0].answers.values: null is not allowed here"),
    ({"answers": {"values": {"rating": "green", "response": "", "actions": [None]}}},
     "decisions[0].answers.values.actions[0]: expected an object, found null"),
    ({"answers": {"values": {"rating": "green", "response": "",
                             "actions": [{"action": "", "owner": "", "due": "soon"}]}}},
     "decisions[0].answers.values.actions[0].due: 'soon' is not a date in the form YYYY-MM-DD"),
    # the first problem, as a person fixing a hand-edited bundle reads from the top:
    # an unknown principle before what is wrong inside it, a key before a value
    ({"answers": {"leadership": {"rating": "purple"}}},
     "decisions[0].answers.leadership: 'leadership' is not one of the ten principles"),
    ({"answers": {"staff": {"rating": "purple", "response": ""}}, "colour": "red"},
     "decisions[0].colour: unknown key"),
    ({"options": [{"name": "x", "status": "maybe", "cost": 1}]},
     "decisions[0].options[0].cost: unknown key"),
])
def test_rules_the_schema_checks_name_the_key_path(decision, message):
    assert _refusal(**decision).startswith(message)


def test_a_lone_surrogate_anywhere_is_named():
    text = json.dumps({"format": FORMAT, "decisions": [{"title": "T", "proposal": "P", "answers": {
        "staff": {"rating": None, "response": "ok \udc00"}}}]})
    with pytest.raises(InvalidInput, match=r"^decisions\[0\]\.answers\.staff\.response: "
                                           "character 4 is not valid Unicode"):
        parse_bundle(text)


@pytest.mark.parametrize("form", ["{%s}", "urn:uuid:%s", "%s"])
def test_ids_are_read_as_uuid_reads_them_as_before(form):
    raw = "12345678-1234-4234-8234-123456789abc"
    text = json.dumps({"format": FORMAT, "decisions": [
        {"id": form % (raw if form != "%s" else raw.replace("-", "").upper()), "title": "T",
         "proposal": "P"}]})
    assert parse_bundle(text)[0]["id"] == raw


def test_listing_and_exporting_do_not_load_the_validator(tmp_path):
    # Nor does importing records the plain check accepts (the shipped example); the first
    # record it leaves to the generated validator loads it.
    db = str(tmp_path / "x.db")
    odd = tmp_path / "odd.json"
    odd.write_text('{"format": "decision-checklist/1", "decisions": '
                   '[{"title": "A", "proposal": "B", "unknown": 1}]}', encoding="utf-8")
    code = (
        "import sys; from desktop.application.bootstrap import open_service;"
        "from desktop.cli import main as cli;"
        f"s = open_service({db!r}, user='t'); s.create('A'); s.export_bundle(); s.db.close();"
        f"assert cli.run(['--db', {db!r}, 'list']) == 0;"
        "loaded = lambda: [m for m in sys.modules if 'fastjsonschema' in m or 'bundle_validator' in m];"
        "assert not loaded(), loaded();"
        f"assert cli.run(['--db', {db!r}, 'import', {str(ROOT / 'resources/example-bundle.json')!r}]) == 0;"
        "assert not loaded(), loaded();"
        f"assert cli.run(['--db', {db!r}, 'import', {str(odd)!r}]) != 0;"
        "assert 'desktop.export._bundle_validator' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
