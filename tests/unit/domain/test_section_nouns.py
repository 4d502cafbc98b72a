"""Every message that names a section says "principle" or "duty" by its kind, by one rule
(domain/checklist.py): counts, numbers, positions and what is missing, for a mixed checklist."""

from __future__ import annotations

from desktop import paths
from desktop.domain.checklist import counted, load_checklist, numbered
from desktop.domain.decision import Answer, Rating, answer_problems


def statutory():
    return load_checklist(paths.resource("checklist-statutory.json"), paths.checklist_schema_path())


def ten():
    return load_checklist(paths.checklist_path(), paths.checklist_schema_path())


def test_counts_and_numbers_name_each_kind():
    s = statutory()
    p = s.principles
    assert counted([p[1], p[2], p[11]]) == "2 principles and 1 duty"
    assert counted([p[10], p[12]]) == "2 duties"
    assert counted([p[0]]) == "1 principle"
    assert numbered([p[1], p[3], p[10], p[11]]) == "principles 2, 4 and duties 11, 12"
    assert numbered([p[16]]) == "duty 17"


def test_progress_of_a_mixed_checklist_says_what_is_left_by_kind():
    s = statutory()
    done = [p.slug for p in s.principles if p.slug not in ("staff", "welsh-language")]
    assert s.progress(done) == ("15 of 17 sections completed; "
                                "1 principle and 1 duty not completed")
    assert s.progress(s.slugs) == "17 of 17 sections completed"
    assert s.progress([]) == "0 of 17 sections completed"
    assert ten().progress(ten().slugs[:3]) == "3 of 10 principles completed"


def test_position_names_the_kind_and_its_place_among_its_kind():
    s = statutory()
    assert s.position(s.principles[2]) == "Principle 3 of 10, section 3 of 17"
    assert s.position(s.principles[11]) == "Duty 2 of 7, section 12 of 17"
    assert ten().position(ten().principles[2]) == "Principle 3 of 10"


def test_what_is_missing_names_the_duty():
    duty = statutory().principles[10]
    assert duty.noun == "duty"
    assert answer_problems(Answer(Rating.NOT_APPLICABLE), duty.noun) == [
        "Explain why this duty does not apply"]
    assert answer_problems(Answer(), "principle")[1] == (
        "Explain how the proposal meets this principle")
