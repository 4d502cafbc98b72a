"""The bundle's APPRAISAL: strict import naming the path, exact round trips, read-only keys."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.export.bundle import FORMAT, BundleError
from tests.helpers.appraisal import LIBRARIES, appraised_decision
from tests.helpers.shipped import SLUGS
from tests.unit.export.test_bundle import TYPED, text


def base_record(evidence: str = "Costs £1.2m less") -> dict:
    return {
        "title": "Highways maintenance after 2027",
        "proposal": "Bring the service in-house.",
        "options": [{"name": "Re-let the contract", "status": "rejected",
                     "delivery_model": "outsource", "reason": "Two bidders last time."},
                    {"name": "Bring in-house", "status": "recommended",
                     "delivery_model": "in-house"}],
        "appraisal": {
            "criteria": [
                {"id": SLUGS[0], "kind": "principle", "weight": 40, "must_pass": True},
                {"id": "affordability", "kind": "csf", "weight": 60},
                {"id": "local-jobs", "kind": "custom", "title": "Local jobs"},
            ],
            "scores": [
                {"option": 0, "criterion": SLUGS[0], "score": 3},
                {"option": 0, "criterion": "affordability", "score": 2, "evidence": evidence},
                {"option": 1, "criterion": SLUGS[0], "score": 4},
                {"option": 1, "criterion": "affordability", "score": 0},
            ],
        },
    }


def bundle(*records: dict) -> str:
    return json.dumps({"format": FORMAT, "decisions": list(records)})


def refused_path(service, record: dict) -> str:
    before = service.repo.all_ids()
    with pytest.raises(BundleError) as caught:
        service.import_bundle(bundle(base_record(), record))
    assert service.repo.all_ids() == before  # all or nothing
    return caught.value.path


@pytest.mark.parametrize(("change", "path"), [
    (lambda a: a["scores"][3].update(score=5), "decisions[1].appraisal.scores[3].score"),
    (lambda a: a["scores"][1].update(score=-1), "decisions[1].appraisal.scores[1].score"),
    (lambda a: a["scores"][2].update(option=2), "decisions[1].appraisal.scores[2].option"),
    (lambda a: a["scores"][0].update(criterion="speed"),
     "decisions[1].appraisal.scores[0].criterion"),
    (lambda a: a["criteria"][0].update(id="not-a-section"),
     "decisions[1].appraisal.criteria[0].id"),
    (lambda a: a["criteria"][1].update(id="speed"), "decisions[1].appraisal.criteria[1].id"),
    (lambda a: a["criteria"][1].update(weight=101), "decisions[1].appraisal.criteria[1].weight"),
    (lambda a: a["criteria"][2].update(title=""), "decisions[1].appraisal.criteria[2].title"),
    (lambda a: a["criteria"][2].update(colour="red"),
     "decisions[1].appraisal.criteria[2].colour"),
    (lambda a: a["scores"].append(dict(a["scores"][0])), "decisions[1].appraisal.scores[4]"),
    (lambda a: a.update(totals=[]), "decisions[1].appraisal.totals"),
])
def test_import_refuses_a_bad_appraisal_naming_its_path(service, change, path) -> None:
    record = base_record()
    change(record["appraisal"])
    assert refused_path(service, record) == path


@pytest.mark.parametrize("status", ["draft", "signed-off"])
def test_import_refuses_two_recommended_options_with_an_appraisal(service, status) -> None:
    record = base_record()
    record["options"][0]["status"] = "recommended"
    record["status"] = status
    assert refused_path(service, record) == "decisions[1].options[1].status"
    del record["appraisal"]
    record["status"] = "draft"
    assert len(service.import_bundle(bundle(record))) == 1  # without one, as before


def all_weights_zero(a: dict) -> None:
    for c in a["criteria"]:
        c["weight"] = 0


@pytest.mark.parametrize(("change", "path"), [
    (lambda a: a["scores"][1].update(score=3.0), "decisions[1].appraisal.scores[1].score"),
    (lambda a: a["scores"][2].update(option=1.0), "decisions[1].appraisal.scores[2].option"),
    (lambda a: a["criteria"][1].update(weight=60.0), "decisions[1].appraisal.criteria[1].weight"),
    (lambda a: a["criteria"][0].update(kind="duty"), "decisions[1].appraisal.criteria[0].kind"),
    (all_weights_zero, "decisions[1].appraisal.criteria"),
    (lambda a: (all_weights_zero(a), a.update(weights_locked_at="2026-11-01T10:00:00Z")),
     "decisions[1].appraisal.weights_locked_at"),
])
def test_import_refuses_what_the_window_would_refuse(service, change, path) -> None:
    record = base_record()
    change(record["appraisal"])
    assert refused_path(service, record) == path


def test_import_fills_titles_and_the_lock(service) -> None:
    [d] = service.import_bundle(bundle(base_record()))
    a = d.appraisal
    assert a.criterion(SLUGS[0]).title == service.checklist_for(d).principle(SLUGS[0]).title
    assert a.criterion("affordability").title == "Affordability"
    assert a.weights_locked_at is not None  # scores imported without a lock: locked at import
    assert {s.scored_by for s in a.scores} == {"tester"}
    assert service.get(d.id) == d


LOCK = "2026-11-01T10:00:00Z"


def locked(**changes) -> dict:
    """base_record with a lock, every cell scored after it, and these appraisal keys."""
    record = base_record()
    a = record["appraisal"]
    a.update(weights_locked_at=LOCK, weights_locked_by="Chief Executive")
    for cell in a["scores"]:
        cell.update(scored_by="Officer", scored_at="2026-11-02T10:00:00Z")
    a.update(changes)
    return record


def change(at: str, old: int, new: int, criterion: str = "affordability") -> dict:
    return {"criterion": criterion, "from": old, "to": new, "at": at, "by": "Officer"}


@pytest.mark.parametrize(("edit", "path"), [
    # dated scores with the lock taken out
    (lambda a: a.pop("weights_locked_at"), "decisions[1].appraisal.weights_locked_at"),
    (lambda a: a.update(weights_locked_at="2099-01-01T00:00:00Z"),
     "decisions[1].appraisal.weights_locked_at"),
    (lambda a: a["scores"][2].update(scored_at="2026-10-31T10:00:00Z"),
     "decisions[1].appraisal.scores[2].scored_at"),
    (lambda a: a["scores"][1].update(scored_at="2099-01-01T00:00:00Z"),
     "decisions[1].appraisal.scores[1].scored_at"),
    (lambda a: a.update(weight_changes=[change("2026-10-01T00:00:00Z", 50, 60)]),
     "decisions[1].appraisal.weight_changes[0].at"),
    (lambda a: a.update(weight_changes=[change("2026-11-03T00:00:00Z", 50, 55),
                                        change("2026-11-02T00:00:00Z", 55, 60)]),
     "decisions[1].appraisal.weight_changes[1].at"),
    (lambda a: a.update(weight_changes=[change("2026-11-03T00:00:00Z", 60, 60)]),
     "decisions[1].appraisal.weight_changes[0].to"),
    (lambda a: a.update(weight_changes=[change("2026-11-03T00:00:00Z", 50, 55),
                                        change("2026-11-04T00:00:00Z", 50, 60)]),
     "decisions[1].appraisal.weight_changes[1].from"),
    (lambda a: a.update(weight_changes=[change("2026-11-03T00:00:00Z", 50, 70)]),
     "decisions[1].appraisal.weight_changes[0].to"),
])
def test_import_refuses_a_lock_or_weight_changes_that_do_not_hold_together(
        service, edit, path) -> None:
    record = locked()
    edit(record["appraisal"])
    assert refused_path(service, record) == path


def test_import_audits_the_lock_and_the_weight_changes(service) -> None:
    record = locked(weight_changes=[change("2026-11-03T00:00:00Z", 50, 55),
                                    change("2026-11-04T00:00:00Z", 55, 60)])
    [d] = service.import_bundle(bundle(record), source="highways.json")
    rows = [(e.field, e.new_value) for e in service.repo.audit_entries(d.id)]
    assert ("appraisal.weights_locked_at", f"{LOCK} by Chief Executive") in rows
    assert ("appraisal.weight.affordability",
            "50 to 55 at 2026-11-03T00:00:00Z by Officer") in rows
    assert ("appraisal.weight.affordability",
            "55 to 60 at 2026-11-04T00:00:00Z by Officer") in rows
    assert ("imported", "highways.json") in rows
    [plain] = service.import_bundle(bundle(base_record()))  # no lock given: locked at import
    assert ("appraisal.weights_locked_at", f"{plain.appraisal.weights_locked_at} by tester") \
        in [(e.field, e.new_value) for e in service.repo.audit_entries(plain.id)]


def test_export_adds_totals_and_the_lock_and_a_round_trip_is_exact(fresh) -> None:
    first = fresh()
    d = appraised_decision(first, LIBRARIES)
    d = first.appraisals.change_weight(d, "achievability", 12)
    export1 = first.export_bundle()
    rec = json.loads(export1)["decisions"][0]
    # Keep in-house: weights 15 10 15 20 10 15 12 5 (102), scores 4 3 3 2 4 1 4 3: points
    # 60+30+45+40+40+15+48+15 = 293 of 4*102 = 408: 71.8%.
    assert [o["weighted_total"] for o in rec["options"]] == [71.8, 79.9, 68.4, 49.3]
    assert rec["appraisal"]["weights_locked_at"] == d.appraisal.weights_locked_at
    assert rec["appraisal"]["weight_changes"] == [{
        "criterion": "achievability", "from": 10, "to": 12,
        "at": d.appraisal.weight_changes[0].changed_at, "by": "tester"}]
    assert rec["appraisal"]["scores"][0]["scored_by"] == "tester"
    second = fresh()
    [again] = second.import_bundle(export1)
    assert again.appraisal == d.appraisal
    assert second.export_bundle() == export1


def test_a_changed_score_no_longer_matches_the_exported_code(fresh) -> None:
    service = fresh()
    d = appraised_decision(service, LIBRARIES)
    data = json.loads(service.export_bundle())
    data["decisions"][0]["appraisal"]["scores"][0]["score"] = 0
    with pytest.raises(BundleError) as caught:
        fresh().import_bundle(json.dumps(data))
    assert caught.value.path == "decisions[0].verification_code"
    assert d.appraisal is not None


evidence_texts = st.lists(text, min_size=4, max_size=4)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(evidence_texts, st.text(TYPED, max_size=200))
def test_round_trip_keeps_every_word_of_the_evidence(fresh, evidence, reworded) -> None:
    record = base_record()
    for cell, words in zip(record["appraisal"]["scores"], evidence, strict=True):
        cell["evidence"] = words
    if reworded:
        record["appraisal"]["rejected_options"] = reworded
    first = fresh()
    first.import_bundle(bundle(record))
    export1 = first.export_bundle()
    second = fresh()
    second.import_bundle(export1)
    assert second.export_bundle() == export1
    got = json.loads(export1)["decisions"][0]["appraisal"]
    assert [c["evidence"] for c in got["scores"]] == evidence
    assert got.get("rejected_options", "") == reworded


def test_a_record_without_an_appraisal_exports_as_before(service) -> None:
    record = copy.deepcopy(base_record())
    del record["appraisal"]
    service.import_bundle(bundle(record))
    rec = json.loads(service.export_bundle())["decisions"][0]
    assert "appraisal" not in rec and all("weighted_total" not in o for o in rec["options"])
