"""resources/checklist.validated lists the shipped checklist, so start-up can skip jsonschema."""

from __future__ import annotations

import json

import jsonschema

from desktop import paths
from desktop.domain import checklist as checklist_module
from desktop.domain.checklist import VALIDATED_LIST, parse_checklist, validation_digest


def _texts() -> tuple[str, str]:
    return (paths.checklist_path().read_text(encoding="utf-8"),
            paths.checklist_schema_path().read_text(encoding="utf-8"))


def test_every_shipped_checklist_is_valid_and_listed():
    schema_text = paths.checklist_schema_path().read_text(encoding="utf-8")
    listed = paths.resource(VALIDATED_LIST).read_text(encoding="utf-8").split()
    assert len(paths.shipped_checklist_paths()) == len(listed) == 2
    for path in paths.shipped_checklist_paths():
        text = path.read_text(encoding="utf-8")
        jsonschema.Draft202012Validator(json.loads(schema_text)).validate(json.loads(text))
        digest = validation_digest(text, schema_text)
        assert digest in listed, (
            f"resources/{VALIDATED_LIST} does not list {path.name} and the schema: after "
            f"checking they validate, put this line in it (and remove the old one): {digest}"
        )


def test_listed_checklist_skips_jsonschema_and_still_builds(monkeypatch):
    text, _ = _texts()
    monkeypatch.setattr(jsonschema, "Draft202012Validator", None)  # any use would fail
    checklist = parse_checklist(text, paths.checklist_schema_path())
    assert len(checklist.principles) == 10


def test_any_other_text_is_validated_in_full(monkeypatch):
    text, _ = _texts()
    edited = json.loads(text)
    edited["title"] = edited["title"] + " (edited)"
    seen = []
    real = jsonschema.Draft202012Validator

    def spy(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonschema, "Draft202012Validator", spy)
    assert not checklist_module._validated_before(json.dumps(edited), paths.checklist_schema_path())
    parse_checklist(json.dumps(edited), paths.checklist_schema_path())
    assert seen == [1]
