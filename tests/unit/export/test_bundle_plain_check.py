"""bundle_plain_check.plainly_valid accepts nothing the schema's generated validator refuses,
so an import accepts and refuses exactly the records it did, with the same messages.

Records are mutated from a full one (every key the schema knows, but the appraisal): keys
removed and added, values replaced by other JSON of any type, bad dates and moments, text
too long, blank, or outside the Basic Multilingual Plane.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastjsonschema import JsonSchemaValueException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import paths
from desktop.domain.errors import InvalidInput
from desktop.export import _bundle_validator, bundle, bundle_plain_check
from desktop.export.bundle_plain_check import plainly_valid

EXAMPLE = json.loads(paths.resource("example-bundle.json").read_text(encoding="utf-8"))
SLUG = next(iter(EXAMPLE["decisions"][0]["answers"]))
DOCUMENT = {"title": "Budget report", "date": "2026-01-12", "held_at": "Democratic services"}
FULL: dict[str, Any] = {
    **EXAMPLE["decisions"][0],
    "report_of": "Director of Place", "contact_officer": "A. Officer",
    "wards_affected": "All wards", "recommendations": ["Approve the plan", "Note the risks"],
    "exempt_information": {"paragraph": 3, "parts": "Appendix B"},
    "implications": {kind: {"text": "None beyond the budget.", "officer": "B. Officer"}
                     for kind in ("financial", "legal", "equalities")},
    "forward_plan_notice_date": "2026-01-05", "decision_date": "2026-02-10",
    "publication_date": "2026-02-11", "urgency_route": "general-exception",
    "call_in_end": "2026-02-18", "implementable_from": "2026-02-19",
    "challenge_end": "2026-05-11", "background_papers": [DOCUMENT, {"title": "Minutes"}],
    "version": 2, "status": "signed-off", "checklist": {"id": "five-principles", "version": 1},
    "sign_offs": [{"role": "Monitoring Officer", "name": "C. Person", "date": "2026-02-10",
                   "minute_reference": "M12"}, {"role": "Leader", "name": "D. Person",
                                                "date": "2026-02-10"}],
    "created_at": "2026-01-01T09:00:00Z", "updated_at": "2026-02-10T10:30:00.123456Z",
    "verification_code": "7K3M-Q9XA-2BDP",
}
FULL["answers"] = {**FULL["answers"], SLUG: {
    "rating": "amber", "response": "Partly.", "evidence": "Survey",
    "actions": [{"action": "Consult", "owner": "E. Person", "due": "2026-03-01"},
                {"action": "Review", "owner": "", "due": None}],
    "documents": [DOCUMENT, {"title": "Survey results", "date": None}]}}
FORMATS = bundle._FORMATS

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from([
        "", " ", "\t\n", "green", "not-applicable", "rejected", "draft", "in-house", "none",
        "2026-02-30", "2026-2-3", "2026-12-09", "２０２６-01-01", "2026-01-01\n",
        "2026-01-01T09:00:00", "2026-01-01T25:00:00Z", "2026-01-01T09:00:00.1234567Z",
        "7K3M-Q9XA-2BDI", "7K3M-Q9XA-2BDP", "x" * 61, "x" * 201, "x" * 501, "y" * 10_000,
        "\U0001F600 non-BMP title", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ma\u0301laga", "\u00a0", "\u3000",
        "Upper-Slug", "-slug", "slug_x", 0, 1, 7, 8, 1_000_000, 1_000_001, 1.0, 2.5, -1,
    ]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def paths_in(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON value (the root is the empty path)."""
    out = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths_in(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += paths_in(item, (*here, i))
    return out


# Text of any kind, and text just inside and just beyond each of the schema's lengths.
texts = st.one_of(st.text(max_size=300), st.builds(
    lambda n, c: c * n, st.sampled_from([0, 1, 59, 60, 61, 99, 100, 101, 199, 200, 201, 499,
                                         500, 501]),
    st.sampled_from(["x", " ", "é", "\U0001F600", "\u00a0"])))
PATHS = paths_in(FULL)
KEYS = sorted({p[-1] for p in PATHS if p and isinstance(p[-1], str)} | {"appraisal", "x"})


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    rec = copy.deepcopy(FULL)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = draw(st.sampled_from(paths_in(rec)))
        parent: Any = rec
        for step in where[:-1]:
            parent = parent[step]
        kind = draw(st.sampled_from(["remove", "replace", "add", "text"]))
        if kind == "add" or not where:
            target = parent[where[-1]] if where else rec
            if isinstance(target, dict):
                target[draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)))] = draw(values)
            elif isinstance(target, list):
                target.append(draw(values))
        elif kind == "remove":
            del parent[where[-1]]
        elif kind == "replace":
            parent[where[-1]] = draw(values)
        else:  # text a person could type, put where a string is expected or not
            parent[where[-1]] = draw(texts)
    return rec


def generated_accepts(rec: Any) -> bool:
    try:
        _bundle_validator.validate(rec, FORMATS)
    except JsonSchemaValueException:
        return False
    return True


def outcome(rec: Any) -> str:
    try:
        bundle.validate_decision(copy.deepcopy(rec), "decisions[0]")
    except InvalidInput as exc:
        return f"refused: {exc}"
    return "accepted"


def test_the_full_record_and_the_example_are_plainly_valid():
    """The fast path is taken for records as they are written (else it saves nothing)."""
    assert plainly_valid(FULL, FORMATS["date"], FORMATS["date-time"])
    assert generated_accepts(FULL)
    assert all(plainly_valid(r, FORMATS["date"], FORMATS["date-time"])
               for r in EXAMPLE["decisions"])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_plainly_valid_accepts_nothing_the_schema_refuses(rec):
    if plainly_valid(rec, FORMATS["date"], FORMATS["date-time"]):
        assert generated_accepts(rec), rec


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rec=mutated())
def test_a_record_is_accepted_or_refused_as_by_the_generated_validator_alone(rec, monkeypatch):
    fast = outcome(rec)
    with monkeypatch.context() as m:
        m.setattr(bundle_plain_check, "plainly_valid", lambda *_: False)
        assert outcome(rec) == fast


@pytest.mark.parametrize("path, value", [
    (("title",), "\U0001F600 a title beyond the Basic Multilingual Plane"),
    (("answers", SLUG, "response"), "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 2000),
    (("meeting_date",), "2026-02-28"),
])
def test_text_a_person_types_stays_plainly_valid(path, value):
    rec = copy.deepcopy(FULL)
    parent: Any = rec
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    assert plainly_valid(rec, FORMATS["date"], FORMATS["date-time"])
    assert outcome(rec) == "accepted"


def single_mutations():
    """Every path of the full record removed, or replaced by each odd value and each text
    at the schema's limits, and keys of odd names added to every object."""
    odd = [None, True, 0, 1, 7, 8, 1_000_000, 1_000_001, 1.0, 2.5, -1, 2**64, [], {}, [""],
           {"x": 1}, "", " ", "\u3000", "2026-02-30", "2026-2-3", "２０２６-01-01",
           "2026-01-01\n", "2026-01-01T09:00:00", "2026-01-01T09:00:00.1234567Z",
           "7K3M-Q9XA-2BDI", "Upper-Slug", "-slug", "green", "rejected", "in-house", "none"]
    odd += [c * n for n in (59, 60, 61, 99, 100, 101, 199, 200, 201, 499, 500, 501)
            for c in ("x", "\U0001F600")]
    for where in PATHS:
        if where:
            yield where, "remove", None
            for value in odd:
                yield where, "replace", value
    for where in PATHS:
        for key in ("unknown_key", "Bad-Slug", "-slug", "", "slug_x"):
            yield where, "add", key


def test_no_single_mutation_is_plainly_valid_where_the_schema_refuses_it():
    checked = accepted = 0
    for where, kind, value in single_mutations():
        rec = copy.deepcopy(FULL)
        parent: Any = rec
        for step in where[:-1]:
            parent = parent[step]
        target = parent[where[-1]] if where else rec
        if kind == "remove":
            del parent[where[-1]]
        elif kind == "replace":
            parent[where[-1]] = value
        elif isinstance(target, dict):  # beside its siblings: only the key is new
            target[value] = copy.deepcopy(next(iter(target.values()), "x"))
        else:
            continue
        checked += 1
        if plainly_valid(rec, FORMATS["date"], FORMATS["date-time"]):
            accepted += 1
            assert generated_accepts(rec), (where, kind, value)
    assert checked > 3000 and accepted > 300  # both sides of the rule were looked at


def test_its_names_limits_and_choices_are_the_schemas():
    """What the quick look knows is read against the published schema, so a schema that
    changes a limit, a choice or a key fails here as well as in the mutations above."""
    from desktop.export import bundle_plain_check as plain
    from desktop.export.bundle_schema import importer_schema, published_schema

    schema = importer_schema(published_schema())
    props = schema["properties"]
    answer = props["answers"]["additionalProperties"]
    assert {k for k, v in props.items() if v.get("maxLength")} == {*plain._LIMITED, "title"}
    assert all(props[k]["maxLength"] == n for k, n in plain._LIMITED.items())
    assert props["title"]["maxLength"] == 200 and props["title"]["minLength"] == 1
    assert {k for k, v in props.items() if v.get("format") == "date"} == plain._DATES
    assert {k for k, v in props.items() if v.get("format") == "date-time"} == plain._MOMENTS
    assert {k for k, v in props.items() if v == {"type": "string"}} == plain._TEXT
    assert set(props["delivery_model"]["enum"]) == plain._DELIVERY
    assert set(props["status"]["enum"]) == plain._STATUS
    assert set(props["urgency_route"]["enum"]) == plain._URGENCY
    assert {*plain._RATING, None} == set(answer["properties"]["rating"]["enum"])
    assert set(answer["properties"]) == plain._ANSWER_KEYS
    assert set(props["options"]["items"]["properties"]) - {"weighted_total"} == plain._OPTION_KEYS
    assert set(answer["properties"]["actions"]["items"]["properties"]) == plain._ACTION_KEYS
    assert set(answer["properties"]["documents"]["items"]["properties"]) == plain._DOCUMENT_KEYS
    assert set(props["sign_offs"]["items"]["properties"]) == plain._SIGN_OFF_KEYS
    assert set(props["implications"]["properties"]) == plain._IMPLICATIONS
    assert plain._SLUG.pattern.removesuffix("\\Z") + "$" == props["answers"]["propertyNames"][
        "pattern"]
