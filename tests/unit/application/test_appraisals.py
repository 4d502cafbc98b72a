"""The options appraisal through the services: stored, audited, locked, and in the record's
completeness and code.

A contract test: the tests taking `service` run on both engines (a register file, and a
shared register on the test run's PostgreSQL server: tests/conftest.py any_service)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.domain.appraisal import Criterion, csf_criterion
from desktop.domain.decision import Option, Status
from desktop.domain.errors import InvalidInput, Refused
from desktop.domain.record import code_for
from tests.helpers.appraisal import CRITERIA, HIGHWAYS, LIBRARIES, appraised_decision
from tests.helpers.engines import refuses_raw_write, tamper
from tests.helpers.lifecycle import ROLES, complete_decision, sign
from tests.helpers.shipped import SLUGS


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def audit_fields(service, decision_id: str) -> list[tuple[str, str | None, str | None]]:
    return [(e.field, e.old_value, e.new_value) for e in service.repo.audit_entries(decision_id)]


def test_an_appraisal_is_stored_and_read_back_whole(service) -> None:
    d = appraised_decision(service, LIBRARIES)
    again = service.get(d.id)
    assert again == d
    assert again.appraisal is not None and len(again.appraisal.scores) == 4 * len(CRITERIA)
    assert again.appraisal.criterion(SLUGS[0]).title  # the section's title, from its checklist
    assert again.appraisal.criterion("value-for-money").title == "Value for money"
    assert again.appraisal.score(1, "affordability").scored_by == "tester"  # type: ignore[union-attr]


def test_scores_are_refused_until_the_weights_are_locked(service) -> None:
    d = appraised_decision(service, HIGHWAYS, lock=False)
    with pytest.raises(Refused, match="Lock the weights before scoring"):
        service.appraisals.score(d, 0, "affordability", 3)
    d = service.appraisals.lock_weights(d)
    d = service.appraisals.score(d, 0, "affordability", 3, "Costs £1.2m less")
    assert service.get(d.id).appraisal.score(0, "affordability").evidence == "Costs £1.2m less"


def test_the_lock_each_later_weight_change_and_each_score_are_audited(service) -> None:
    d = appraised_decision(service, HIGHWAYS, score=False)
    locked = [f for f in audit_fields(service, d.id) if f[0] == "appraisal.weights_locked_at"]
    assert len(locked) == 1 and locked[0][1] is None and locked[0][2] == d.appraisal.weights_locked_at
    d = service.appraisals.score(d, 1, "affordability", 4, "Cheaper over ten years")
    d = service.appraisals.change_weight(d, "affordability", 30)
    rows = audit_fields(service, d.id)
    assert ("appraisal.score.1.affordability", None, "4") in rows
    assert ("appraisal.evidence.1.affordability", None, "Cheaper over ten years") in rows
    assert rows[-1] == ("appraisal.weight.affordability", "15", "30")
    change = d.appraisal.weight_changes[-1]
    assert (change.criterion, change.old, change.new, change.changed_by) == (
        "affordability", 15, 30, "tester")
    assert service.get(d.id).appraisal.weight_changes == d.appraisal.weight_changes


def test_criteria_cannot_be_replaced_after_the_lock(service) -> None:
    d = appraised_decision(service, HIGHWAYS, score=False)
    with pytest.raises(Refused, match="weights are locked"):
        service.appraisals.set_criteria(d, [csf_criterion("affordability", 50)])
    with pytest.raises(InvalidInput):
        service.appraisals.set_criteria(
            appraised_decision(service, HIGHWAYS, lock=False),
            [Criterion("not-a-section", "principle", weight=5)])


def test_a_record_with_an_incomplete_appraisal_is_not_ready(service) -> None:
    d = appraised_decision(service, HIGHWAYS, score=False)
    assert d.status == Status.DRAFT
    with pytest.raises(Refused):
        sign(service, d.id, ROLES[0])
    d = appraised_decision(service, HIGHWAYS)
    assert d.status == Status.READY
    # The recommended option failing a must-pass criterion holds it back again.
    d = service.appraisals.score(d, 1, "value-for-money", 0, "Costs more than it saves")
    assert d.status == Status.DRAFT


def test_two_recommended_options_hold_the_record_back_from_sign_off(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.score(d, 1, "value-for-money", 0, "Costs more than it saves")
    assert d.status == Status.DRAFT  # the recommended option fails a must-pass criterion
    # marking the other one recommended too does not hide the fail
    d = service.update(d, options=(replace(d.options[0], status="recommended"), d.options[1]))
    assert d.status == Status.DRAFT
    with pytest.raises(Refused):
        sign(service, d.id, ROLES[0])


def test_a_signed_off_appraisal_is_locked_in_the_database(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    assert d.status == Status.SIGNED_OFF
    vid = service.repo.version_id(d.id, d.version)
    for sql in ("UPDATE appraisal_scores SET score = 4 WHERE version_id = {vid}",
                "DELETE FROM appraisal_criteria WHERE version_id = {vid}",
                "UPDATE appraisals SET rejected_text = 'x' WHERE version_id = {vid}",
                "INSERT INTO appraisal_weight_changes VALUES ({vid}, 9, 'affordability', 1, 2, "
                "'2026-12-01T00:00:00Z', 'x')"):
        assert "locked" in refuses_raw_write(service, sql.format(vid=vid))
    with pytest.raises(Refused):
        service.appraisals.score(d, 0, "affordability", 1)


def test_amending_carries_the_appraisal_to_the_next_version(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    new = service.lifecycle.amend(d.id, "Costs revised")
    assert new.version == 2 and new.appraisal == d.appraisal
    new = service.appraisals.score(new, 0, "affordability", 4, "New tender prices")
    assert service.get(d.id, 1).appraisal == d.appraisal


def test_a_signed_off_appraisal_round_trips_through_a_bundle(service, tmp_path) -> None:
    from desktop.application.bootstrap import open_service

    d = appraised_decision(service, HIGHWAYS)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    exported = service.export_bundle([d.id])
    other = open_service(tmp_path / "other.db", user="clerk")
    try:
        [again] = other.import_bundle(exported)
        assert again.status == Status.SIGNED_OFF and again.appraisal == d.appraisal
        assert code_for(again) == code_for(d)
        assert other.export_bundle() == exported
    finally:
        other.close()


def test_editing_the_options_moves_their_scores(service) -> None:
    d = appraised_decision(service, LIBRARIES)
    before = d.appraisal
    trust_scores = {s.criterion: s.score for s in before.scores if s.option == 1}
    d = service.update(d, options=tuple(o for i, o in enumerate(d.options) if i != 0))
    assert {s.criterion: s.score for s in d.appraisal.scores if s.option == 0} == trust_scores
    assert max(s.option for s in d.appraisal.scores) == 2
    assert service.get(d.id).appraisal == d.appraisal
    renamed = (replace(d.options[0], name="Community library trust"), *d.options[1:])
    assert service.update(d, options=renamed).appraisal == d.appraisal


def test_a_swap_or_a_removal_with_an_addition_never_hands_scores_to_another_option(
        service) -> None:
    d = appraised_decision(service, LIBRARIES)
    by_name = {o.name: {s.criterion: s.score for s in d.appraisal.scores if s.option == i}
               for i, o in enumerate(d.options)}
    o = list(d.options)
    o[0], o[1] = o[1], o[0]
    d = service.update(d, options=tuple(o))
    for i, opt in enumerate(d.options):
        assert {s.criterion: s.score for s in d.appraisal.scores if s.option == i} == \
            by_name[opt.name]
    gone = d.options[0].name
    d = service.update(d, options=(*d.options[1:], Option("Sell the buildings")))
    for i, opt in enumerate(d.options[:3]):
        assert {s.criterion: s.score for s in d.appraisal.scores if s.option == i} == \
            by_name[opt.name]
    assert not [s for s in d.appraisal.scores if s.option == 3]  # the new option: unscored
    assert gone not in [x.name for x in d.options]
    assert ("appraisal.score.3.affordability", str(by_name[d.options[2].name]["affordability"]),
            None) in audit_fields(service, d.id)


def test_the_code_covers_the_appraisal(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    code = code_for(d)
    changed = service.appraisals.score(d, 0, "affordability", 4, "Evidence")
    assert code_for(changed) != code
    reworded = service.appraisals.set_rejected_text(changed, "Our own words.")
    assert code_for(reworded) != code_for(changed)
    weighted = service.appraisals.change_weight(reworded, "achievability", 11)
    assert code_for(weighted) != code_for(reworded)


@pytest.mark.parametrize("who", [{"scored_by": "Someone else"},
                                 {"scored_at": "2026-01-01T09:00:00Z"}])
def test_the_code_covers_who_scored_each_cell_and_when(service, who) -> None:
    """The annex prints "Scored: name, date" for each cell, so the code covers both."""
    d = appraised_decision(service, HIGHWAYS)
    a = d.appraisal
    forged = replace(a, scores=(replace(a.scores[0], **who), *a.scores[1:]))
    assert code_for(replace(d, appraisal=forged)) != code_for(d)


def test_records_from_before_keep_their_codes(tmp_path) -> None:
    """Every version in the last register written before the appraisal (schema v6, by its
    own release) still gives the code it stored, now that the code can cover an appraisal."""
    import shutil
    from pathlib import Path

    from desktop.application.bootstrap import open_service

    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parents[2] / "fixtures" / "schema-v6.db", db)
    service = open_service(db)
    try:
        checked = 0
        for decision_id in service.repo.all_ids():
            for version, _status in service.repo.versions_of(decision_id):
                d = service.get(decision_id, version)
                assert d.appraisal is None
                stored = service.repo.stored_derived(decision_id, version)
                assert stored is not None and code_for(d) == stored["verification_code"]
                checked += 1
        assert checked >= 4
    finally:
        service.db.close()


def test_the_rejected_options_text_may_be_edited_and_reset(service) -> None:
    from desktop.domain.appraisal_text import generated_rejected_paragraph, rejected_options_text

    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.set_rejected_text(d, "Re-letting was rejected: two bidders only.")
    assert rejected_options_text(service.get(d.id)) == "Re-letting was rejected: two bidders only."
    d = service.appraisals.set_rejected_text(d, "")
    assert rejected_options_text(d) == generated_rejected_paragraph(d)


def test_options_outside_the_matrix_are_refused(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    with pytest.raises(InvalidInput):
        service.appraisals.score(d, 2, "affordability", 1)
    with pytest.raises(InvalidInput):
        service.appraisals.score(d, 0, "affordability", 5)
    with pytest.raises(Refused, match="no options appraisal"):
        service.appraisals.lock_weights(complete_decision(service))
    assert service.appraisals.remove(d).appraisal is None
    d = service.create("Start with defaults")
    d = service.update(d, options=(Option("Do nothing"), Option("Outsource", "recommended",
                                                                "outsource")))
    started = service.appraisals.start(d)
    assert [c.id for c in started.appraisal.criteria][-5:] == [
        "strategic-fit", "value-for-money", "supplier-capacity", "affordability", "achievability"]


def test_a_score_changed_outside_the_app_is_found(service) -> None:
    from desktop.application.integrity import check_integrity

    d = appraised_decision(service, HIGHWAYS)
    assert not check_integrity(service).problems
    vid = service.repo.version_id(d.id, d.version)
    tamper(service, "UPDATE appraisal_scores SET score = 4 WHERE version_id = ? AND "
                    "option = 0 AND criterion = 'affordability'", [vid])
    problems = check_integrity(service).problems
    assert any("no longer matches its verification code" in p for p in problems)
