"""The options appraisal: weights before scores, totals, must-pass, sensitivity, completeness."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain.appraisal import (
    CRITICAL_SUCCESS_FACTORS,
    NOT_ROBUST_WITHIN,
    Appraisal,
    Criterion,
    Score,
    WeightChange,
    appraisal_problems,
    change_weight,
    csf_criterion,
    default_criteria,
    disagreements,
    leader,
    lock_weights,
    must_pass_fails,
    option_renumbering,
    ranking,
    sensitivity,
    shortlist_problems,
    smallest_flip,
    weighted_total,
    with_criteria,
    with_options_renumbered,
    with_score,
)
from desktop.domain.appraisal_text import (
    disagreement_messages,
    generated_rejected_paragraph,
    rejected_options_text,
    score_label,
    sensitivity_line,
)
from desktop.domain.decision import (
    Answer,
    Decision,
    Option,
    Rating,
    derived_status,
    is_complete,
    settled_rating,
)
from desktop.domain.errors import InvalidInput, Refused
from tests.helpers.shipped import SLUGS

AT = "2026-12-01T10:00:00Z"
IN_HOUSE = Option("Keep in-house", "rejected", "in-house", "It costs more.")
TRUST = Option("Community trust", "recommended", "social-sector")


def scored(weights: dict[str, int], cells: dict[tuple[int, str], int],
           must_pass: tuple[str, ...] = ()) -> Appraisal:
    """An appraisal of custom criteria with these weights, locked, with these scores."""
    a = with_criteria(Appraisal(), [
        Criterion(cid, "custom", cid.upper(), w, cid in must_pass) for cid, w in weights.items()])
    a = lock_weights(a, AT, "Chief Executive")
    n = 1 + max(o for o, _ in cells)
    for (option, cid), value in cells.items():
        a = with_score(a, Score(option, cid, value, "because"), n)
    return a


def hand_worked(b_weight: int = 30) -> Appraisal:
    return scored({"a": 60, "b": b_weight}, {(0, "a"): 4, (0, "b"): 1, (1, "a"): 2, (1, "b"): 4})


def test_sensitivity_on_a_hand_worked_example() -> None:
    """Criteria A (weight 60) and B (weight 30); option 0 scores A=4, B=1, option 1 A=2, B=4.

    Points: option 0 = 60*4 + 30*1 = 270, option 1 = 60*2 + 30*4 = 240; the most is
    4*(60+30) = 360, so the totals are 75% and 66.7%, and option 0 ranks first.

    Moving B alone to v: option 0 = 240 + v, option 1 = 120 + 4v; option 1 is first alone
    when 3v > 120, v > 40: v = 41 (281 < 284), a change of 11 points.
    Moving A alone to w: option 0 = 4w + 30, option 1 = 2w + 120; option 1 is first alone
    when 2w < 90, w < 45: w = 44 (206 < 208), a change of 16. At w = 45 they tie (210), which
    does not put another option first alone.
    So the smallest flip is B 30 -> 41 (11 points > 10): robust. With B at 32 instead, B
    flips at 41 again (9 points) and A at 47 (4w + 32 < 2w + 128, w < 48; 15): not robust.

    Left out in turn: without A only B counts (1 vs 4): option 1 first; without B, option 0.
    """
    a = hand_worked()
    assert weighted_total(a, 0) == pytest.approx(75.0)
    assert weighted_total(a, 1) == pytest.approx(240 / 360 * 100)
    assert [r.option for r in ranking(a, 2)] == [0, 1]
    s = sensitivity(a, 2)
    assert s.leader == 0
    assert s.flip is not None
    assert (s.flip.criterion, s.flip.from_weight, s.flip.to_weight, s.flip.new_leader) == (
        "b", 30, 41, 1)
    assert s.flip.size == 11 > NOT_ROBUST_WITHIN and s.robust
    assert dict(s.left_out) == {"a": (1, 0), "b": (0, 1)}

    close = sensitivity(hand_worked(32), 2)
    assert close.flip is not None
    assert (close.flip.criterion, close.flip.to_weight, close.flip.size) == ("b", 41, 9)
    assert not close.robust


def test_the_nearest_flip_may_be_a_lowering() -> None:
    """Option 0: A=4, B=0; option 1: A=0, B=4; weights A 50, B 45: option 0 first (200 v 180).
    Lowering A to 44 (176 < 180) flips it in 6; raising B to 51 (200 < 204) also takes 6:
    A is listed first, so lowering A from 50 to 44 is reported."""
    a = scored({"a": 50, "b": 45}, {(0, "a"): 4, (0, "b"): 0, (1, "a"): 0, (1, "b"): 4})
    flip = smallest_flip(a, 2)
    assert flip is not None and (flip.criterion, flip.to_weight, flip.new_leader) == ("a", 44, 1)


def test_no_weight_change_flips_a_dominant_option() -> None:
    a = scored({"a": 50, "b": 50}, {(0, "a"): 4, (0, "b"): 4, (1, "a"): 1, (1, "b"): 2})
    s = sensitivity(a, 2)
    assert s.leader == 0 and s.flip is None and s.robust


def test_must_pass_fail_cannot_be_bought_out() -> None:
    """Option 0 scores 0 on the must-pass criterion M and 4 on everything else; option 1
    scores 1 everywhere. Option 0's total is higher, but it fails, so option 1 ranks first."""
    a = scored({"a": 80, "m": 10},
               {(0, "a"): 4, (0, "m"): 0, (1, "a"): 1, (1, "m"): 1}, must_pass=("m",))
    assert weighted_total(a, 0) > weighted_total(a, 1)  # type: ignore[operator]
    assert must_pass_fails(a, 0) == ("m",) and must_pass_fails(a, 1) == ()
    r = ranking(a, 2)
    assert [x.option for x in r] == [1, 0] and r[1].failed
    assert leader(r) == 1
    # Left out, the must-pass mark goes too: option 0 leads again.
    assert dict(sensitivity(a, 2).left_out)["m"] == (0, 1)


def test_an_option_failing_must_pass_cannot_be_recommended() -> None:
    a = replace(scored({"a": 50, "m": 50}, {(0, "a"): 4, (0, "m"): 2, (1, "a"): 4, (1, "m"): 0},
                       must_pass=("m",)))
    problems = appraisal_problems(a, (IN_HOUSE, TRUST))
    assert any("Community trust, fails the must-pass criterion M" in p for p in problems)
    assert appraisal_problems(a, (replace(IN_HOUSE, status="recommended"),
                                  replace(TRUST, status="rejected"))) == []


def test_a_second_recommended_option_cannot_hide_a_must_pass_fail() -> None:
    a = scored({"a": 50, "m": 50}, {(0, "a"): 4, (0, "m"): 2, (1, "a"): 4, (1, "m"): 0},
               must_pass=("m",))
    both = (replace(IN_HOUSE, status="recommended"), TRUST)
    problems = appraisal_problems(a, both)
    assert any(p.startswith("Mark only one option as recommended: 2 are (Keep in-house, "
                            "Community trust)") for p in problems)
    assert appraisal_problems(a, (both[0], replace(TRUST, status="rejected"))) == []


def test_weights_are_locked_before_any_score() -> None:
    a = with_criteria(Appraisal(), [csf_criterion("affordability", 40)])
    with pytest.raises(Refused, match="Lock the weights before scoring"):
        with_score(a, Score(0, "affordability", 3), 2)
    locked = lock_weights(a, AT, "Chief Executive")
    assert locked.weights_locked_at == AT
    assert with_score(locked, Score(0, "affordability", 3), 2).score(0, "affordability")
    with pytest.raises(Refused):
        with_criteria(locked, [csf_criterion("affordability", 10)])
    with pytest.raises(Refused):
        lock_weights(locked, AT)


def test_lock_needs_a_weighted_criterion() -> None:
    with pytest.raises(InvalidInput):
        lock_weights(Appraisal(), AT)
    with pytest.raises(InvalidInput):
        lock_weights(with_criteria(Appraisal(), [csf_criterion("affordability", 0)]), AT)


def test_a_weight_changed_after_the_lock_is_recorded() -> None:
    a = with_criteria(Appraisal(), [csf_criterion("affordability", 40)])
    before = change_weight(a, "affordability", 50, AT, "me")
    assert before.weight_changes == () and before.criterion("affordability").weight == 50
    after = change_weight(lock_weights(before, AT), "affordability", 70, "2026-12-02T09:00:00Z",
                          "Finance Director")
    assert after.criterion("affordability").weight == 70
    assert after.weight_changes == (
        WeightChange("affordability", 50, 70, "2026-12-02T09:00:00Z", "Finance Director"),)


def test_scores_outside_the_matrix_are_refused() -> None:
    a = lock_weights(with_criteria(Appraisal(), [csf_criterion("affordability", 40)]), AT)
    for bad in (Score(2, "affordability", 3), Score(0, "affordability", 5),
                Score(0, "affordability", -1), Score(0, "nope", 2)):
        with pytest.raises(InvalidInput):
            with_score(a, bad, 2)


def test_criteria_rules() -> None:
    assert [c for c, _ in CRITICAL_SUCCESS_FACTORS] == [
        "strategic-fit", "value-for-money", "supplier-capacity", "affordability", "achievability"]
    custom = [Criterion(f"own-{i}", "custom", f"Own {i}", 10) for i in range(4)]
    with pytest.raises(InvalidInput, match="At most 3"):
        with_criteria(Appraisal(), custom)
    with pytest.raises(InvalidInput, match="not a critical success factor"):
        with_criteria(Appraisal(), [Criterion("speed", "csf", "Speed", 10)])
    with pytest.raises(InvalidInput, match="not a section"):
        with_criteria(Appraisal(), [Criterion("nope", "principle", "", 10)], SLUGS)
    with pytest.raises(InvalidInput, match="from 0 to 100"):
        with_criteria(Appraisal(), [csf_criterion("affordability", 101)])
    with pytest.raises(InvalidInput, match="twice"):
        with_criteria(Appraisal(), [csf_criterion("affordability"), csf_criterion("affordability")])
    assert with_criteria(Appraisal(), [Criterion(SLUGS[0], "principle", "", 10)], SLUGS)


def test_shortlist_needs_business_as_usual_and_an_alternative() -> None:
    assert shortlist_problems([IN_HOUSE, TRUST]) == []
    assert shortlist_problems([Option("Do nothing"), TRUST]) == []
    assert len(shortlist_problems([TRUST])) == 1 and len(shortlist_problems([])) == 2
    assert shortlist_problems([IN_HOUSE]) == [
        "Add at least one alternative to business as usual to the options"]
    assert "business as usual" in shortlist_problems([TRUST, Option("Outsource", "rejected",
                                                                    "outsource")])[0]


def full_decision(appraisal: Appraisal | None) -> Decision:
    answers = {slug: Answer(Rating.GREEN, "Fine.") for slug in SLUGS}
    return Decision(id="d", title="Libraries", proposal="Hand to a trust", answers=answers,
                    sections=SLUGS, options=(IN_HOUSE, TRUST), appraisal=appraisal)


def test_decision_with_an_appraisal_is_complete_only_when_every_cell_is_scored() -> None:
    assert is_complete(full_decision(None))
    a = lock_weights(with_criteria(Appraisal(), [
        csf_criterion("affordability", 40), Criterion(SLUGS[0], "principle", "First", 20)]), AT)
    d = full_decision(a)
    assert not is_complete(d) and derived_status(d).value == "draft"
    assert settled_rating(d) == Rating.GREEN  # the sections' rating does not wait for it
    for option in (0, 1):
        for cid in ("affordability", SLUGS[0]):
            a = with_score(a, Score(option, cid, 2 + option), 2)
            assert not is_complete(full_decision(a)) or (option, cid) == (1, SLUGS[0])
    assert is_complete(full_decision(a)) and derived_status(full_decision(a)).value == "ready"
    unlocked = with_criteria(Appraisal(), [csf_criterion("affordability", 40)])
    assert "Lock the weights, then score the options" in appraisal_problems(unlocked,
                                                                            (IN_HOUSE, TRUST))


def test_consistency_with_the_principle_pages() -> None:
    a = lock_weights(with_criteria(Appraisal(), [
        Criterion(SLUGS[0], "principle", "First principle", 20),
        Criterion(SLUGS[1], "principle", "Second principle", 20)]), AT)
    a = with_score(a, Score(1, SLUGS[0], 1), 2)
    a = with_score(a, Score(1, SLUGS[1], 3), 2)
    d = replace(full_decision(a), answers={SLUGS[0]: Answer(Rating.GREEN, "ok"),
                                           SLUGS[1]: Answer(Rating.RED, "bad")})
    assert disagreements(a, {SLUGS[0]: "green", SLUGS[1]: "red"}, 1) == [
        (SLUGS[0], "green", 1), (SLUGS[1], "red", 3)]
    messages = disagreement_messages(d)
    assert messages[0] == ("First principle is rated Green on its page, but the recommended "
                           "option, Community trust, scores 1 poor against it in the options "
                           "appraisal.")
    assert "rated Red" in messages[1] and "3 good" in messages[1]
    fine = replace(d, answers={SLUGS[0]: Answer(Rating.GREEN, "ok")},
                   appraisal=with_score(a, Score(1, SLUGS[0], 2), 2))
    assert disagreement_messages(fine) == []


def test_the_rejected_options_paragraph() -> None:
    a = scored({"a": 60, "b": 30}, {(0, "a"): 2, (0, "b"): 4, (1, "a"): 4, (1, "b"): 1})
    d = full_decision(a)
    text = generated_rejected_paragraph(d)
    assert text == ("The recommended option, Community trust, ranked 1st of 2 with 75.0% of "
                    "the weighted criteria.\n\nKeep in-house (in-house) was considered and "
                    "rejected: it ranked 2nd of 2 with 66.7% of the weighted criteria. "
                    "It costs more.")
    assert rejected_options_text(d) == text
    edited = replace(d, appraisal=replace(a, rejected_text="Our own words."))
    assert rejected_options_text(edited) == "Our own words."


def test_the_sensitivity_line() -> None:
    options = (Option("Keep in-house", "rejected", "in-house"), TRUST)
    d = replace(full_decision(hand_worked(32)), options=options)
    assert sensitivity_line(d) == "Not robust: raising B from 32 to 41 makes Community trust first."
    assert sensitivity_line(replace(d, appraisal=hand_worked())) == (
        "Robust: Keep in-house stays first unless one weight moves more than 10 points; the "
        "smallest change that unseats it: raising B from 30 to 41 (11 points) makes Community "
        "trust first.")
    assert score_label(0) == "0 fails" and score_label(4) == "4 fully"


def test_renumbering_follows_the_options() -> None:
    a = hand_worked()
    moved = with_options_renumbered(a, {1: 0})
    assert {(s.option, s.criterion) for s in moved.scores} == {(0, "a"), (0, "b")}
    assert moved.score(0, "a").score == 2  # type: ignore[union-attr]


def test_default_criteria_are_the_sections_then_the_five_factors() -> None:
    checklist = load_shipped_checklist()
    criteria = default_criteria(checklist)
    assert [c.id for c in criteria] == [*checklist.slugs, *(c for c, _ in CRITICAL_SUCCESS_FACTORS)]
    assert criteria[0].title == checklist.principles[0].title and criteria[0].weight == 0
    assert with_criteria(Appraisal(), criteria, checklist.slugs).criteria == criteria


def test_audit_fields_and_changes_between_versions_read_in_words() -> None:
    from desktop.domain.redline import diff_versions, field_label

    assert field_label("appraisal.weights_locked_at") == "Options appraisal: weights locked"
    assert field_label("appraisal.weight.affordability") == (
        "Options appraisal: weight of Affordability")
    assert field_label("appraisal.score.1.value-for-money") == (
        "Options appraisal: score of option 2 on Value for money")
    a = hand_worked()
    old = full_decision(a)
    new = full_decision(with_score(a, Score(1, "b", 1, "Revised"), 2))
    [change] = diff_versions(old, new)
    assert change.label == "Options appraisal: b"
    assert "Community trust: 1 poor (Revised)" in change.new and "4 fully" in change.old


def test_renumbering_follows_each_option_by_name_not_by_place() -> None:
    a, b, c, new = (Option(n) for n in ("A", "B", "C", "New"))
    # one removed and one added in one save: the count is the same, nothing is renamed
    assert option_renumbering((a, b, c), (b, c, new)) == {1: 0, 2: 1}
    assert option_renumbering((a, b), (b, a)) == {0: 1, 1: 0}  # a swap
    assert option_renumbering((a, b, c), (c, b, a)) == {0: 2, 1: 1, 2: 0}
    # an edit in place: exactly one name changed, nothing moved
    assert option_renumbering((a, b, c), (a, replace(b, name="Bee"), c)) == {0: 0, 1: 1, 2: 2}
    assert option_renumbering((a, b, c), (a, Option(""), c)) == {0: 0, 1: 1, 2: 2}
    # two renamed at once, or a rename with a move: the renamed ones' scores cannot be carried
    assert option_renumbering((a, b, c), (Option("X"), Option("Y"), c)) == {2: 2}
    assert option_renumbering((a, b, c), (Option("X"), c, b)) == {1: 2, 2: 1}
    assert option_renumbering((a, b), (a,)) == {0: 0}
    assert option_renumbering((a, a, b), (a, b, a)) == {0: 0, 1: 2, 2: 1}
