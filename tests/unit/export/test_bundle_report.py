"""The committee report's bundle keys: any text round-trips, import is strict and names the
path, the worked-out timeline dates are written by export and ignored by import, and a
record without the new keys keeps its verification code."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.decision import Decision
from desktop.domain.errors import InvalidInput
from desktop.domain.record import content_record
from desktop.domain.verification import verification_code
from desktop.export.bundle import FORMAT

TYPED = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
SOME = st.one_of(st.text(TYPED, min_size=1, max_size=200),
                 st.sampled_from(["<b>x</b> & y", "مرحبا — قرار", "😀 🇬🇧", "a\nb\r\n\tc"]))
iso_date = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
implication = st.fixed_dictionaries({"text": SOME, "officer": SOME})
report = st.fixed_dictionaries({}, optional={
    "report_of": SOME,
    "contact_officer": SOME,
    "wards_affected": SOME,
    "recommendations": st.lists(SOME.filter(str.strip), min_size=1, max_size=4),
    "exempt_information": st.fixed_dictionaries({
        "paragraph": st.one_of(st.none(), st.integers(1, 7)), "parts": SOME}),
    "implications": st.fixed_dictionaries({}, optional={
        "financial": implication, "legal": implication, "equalities": implication}),
    "forward_plan_notice_date": iso_date,
    "urgency_route": st.sampled_from(["general-exception", "special-urgency"]),
    "decision_date": iso_date,
    "publication_date": iso_date,
    "background_papers": st.lists(st.fixed_dictionaries(
        {"title": SOME, "date": st.one_of(st.none(), iso_date), "held_at": st.one_of(
            st.just(""), SOME)}), min_size=1, max_size=3),
})


def _in_order(rec: dict) -> dict:
    """The timeline's dates in the order import takes them: notice, decision, publication."""
    keys = [k for k in ("forward_plan_notice_date", "decision_date", "publication_date")
            if k in rec]
    return {**rec, **dict(zip(keys, sorted(rec[k] for k in keys), strict=True))}


report = report.map(_in_order)
WORKED_OUT = ("call_in_end", "implementable_from", "challenge_end")



def _bundle(*records: dict) -> str:
    return json.dumps({"format": FORMAT, "decisions": [
        {"title": "Outsource waste", "proposal": "p", **r} for r in records]})


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report)
def test_the_report_keys_round_trip_with_any_text(fresh, keys):
    first = fresh()
    [d] = first.import_bundle(_bundle(keys))
    exported = json.loads(first.export_bundle())["decisions"][0]
    implications = keys.get("implications")
    for key, value in keys.items():
        if key == "implications" and not implications:
            assert key not in exported
        else:
            assert exported[key] == value, key
    stored = first.get(d.id)  # as read back from the database
    assert stored.recommendations == tuple(keys.get("recommendations", ()))
    assert stored.report_of == keys.get("report_of", "")
    assert stored.legal_officer == (implications or {}).get("legal", {}).get("officer", "")
    assert [(x.title, x.date, x.held_at) for x in stored.background_papers] == [
        (x["title"], x["date"], x["held_at"]) for x in keys.get("background_papers", ())]
    second = fresh()
    second.import_bundle(json.dumps({"format": FORMAT, "decisions": [exported]}))
    assert json.loads(second.export_bundle())["decisions"][0] == exported


def test_the_worked_out_dates_are_exported_and_ignored_on_import(fresh):
    svc = fresh()
    svc.import_bundle(_bundle({"meeting_date": "2026-11-26",
                                     "publication_date": "2026-11-30"}))
    rec = json.loads(svc.export_bundle())["decisions"][0]
    assert (rec["call_in_end"], rec["implementable_from"], rec["challenge_end"]) == (
        "2026-12-07", "2026-12-08", "2027-02-26")
    # Wrong dates given for them change nothing: they are worked out again.
    rec.update(call_in_end="2030-01-01", implementable_from="2030-01-02",
               challenge_end="2030-01-03")
    del rec["verification_code"]
    other = fresh()
    other.import_bundle(json.dumps({"format": FORMAT, "decisions": [rec]}))
    again = json.loads(other.export_bundle())["decisions"][0]
    assert again["call_in_end"] == "2026-12-07" and again["challenge_end"] == "2027-02-26"


def test_the_call_in_period_is_the_councils(fresh):
    svc = fresh()
    svc.import_bundle(_bundle({"meeting_date": "2026-11-26", "publication_date": "2026-11-30"}))
    svc.set_call_in_days(10)
    rec = json.loads(svc.export_bundle())["decisions"][0]
    assert rec["call_in_end"] == "2026-12-14"  # ten working days after Mon 30 Nov
    with pytest.raises(InvalidInput):
        svc.set_call_in_days(0)


@pytest.mark.parametrize(("keys", "path", "words"), [
    ({"recommendations": "Agree"}, "decisions[0].recommendations", "expected a list"),
    ({"recommendations": ["ok", 3]}, "decisions[0].recommendations[1]", "expected a string"),
    ({"exempt_information": {"paragraph": 8, "parts": ""}},
     "decisions[0].exempt_information.paragraph", "Schedule 12A"),
    ({"exempt_information": {"paragraph": 3.0, "parts": ""}},
     "decisions[0].exempt_information.paragraph", "whole number"),
    ({"exempt_information": {"paragraph": 3}}, "decisions[0].exempt_information.parts",
     "is required"),
    ({"implications": {"finance": {"text": "", "officer": ""}}},
     "decisions[0].implications.finance", "unknown key"),
    ({"implications": {"legal": {"text": "t"}}}, "decisions[0].implications.legal.officer",
     "is required"),
    ({"urgency_route": "urgent"}, "decisions[0].urgency_route", "not one of"),
    ({"publication_date": "2026-02-30"}, "decisions[0].publication_date", "not a date"),
    ({"report_of": "x" * 201}, "decisions[0].report_of", "at most 200"),
    ({"call_in_end": "soon"}, "decisions[0].call_in_end", "not a date"),
    ({"wards_affected": None}, "decisions[0].wards_affected", "null is not allowed"),
])
def test_import_is_strict_and_names_the_path(fresh, keys, path, words):
    with pytest.raises(InvalidInput) as caught:
        fresh().import_bundle(_bundle(keys))
    assert path in str(caught.value) and words in str(caught.value), str(caught.value)


def test_a_record_without_the_new_fields_keeps_its_code():
    d = Decision(id="6f1c0c3e-1d5c-4e0a-9b8e-3c2d1e0f9a8b", title="T", proposal="P",
                 checklist_id="tizard-principles", checklist_version=1)
    rec = content_record(d)
    assert not set(rec) & {"report_of", "recommendations", "implications",
                           "exempt_information", "urgency_route", "decision_date"}
    from dataclasses import replace

    assert verification_code(content_record(replace(d, recommendations=("Agree",)))) != (
        verification_code(rec))
    for field, value in (("report_of", "Director"), ("exempt_paragraph", 3),
                         ("legal_officer", "C. Legal"), ("publication_date", "2027-01-18"),
                         ("urgency_route", "special-urgency")):
        assert verification_code(content_record(replace(d, **{field: value}))) != (
            verification_code(rec)), field
