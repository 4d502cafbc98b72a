"""The record's "Options appraisal" section, its annex and the pack's grid, read back."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from desktop.application.printing import print_record
from desktop.domain.appraisal import Criterion, csf_criterion
from desktop.domain.decision import Option
from desktop.export.pdf import render_pack, render_record
from desktop.export.pdf.appraisal import chunks
from tests.helpers.appraisal import CRITERIA, HIGHWAYS, LIBRARIES, appraised_decision
from tests.helpers.pdf import page_texts, squash
from tests.helpers.shipped import SLUGS


def pages(service, decision_id: str) -> list[str]:
    return page_texts(render_record(print_record(service, decision_id)).pdf)


def test_the_section_follows_the_options_considered(service) -> None:
    d = appraised_decision(service, LIBRARIES)
    d = service.appraisals.change_weight(d, "achievability", 14)
    text = " ".join(pages(service, d.id))
    options = text.index("Options considered")
    section = text.index("Options appraisal", options)
    assert options < section < text.index("Conflicts of interest and dispensations")
    # Scores are numbers and words; totals, ranks, the must-pass fail and its mark print.
    for words in ("4 fully", "3 good", "2 partly", "1 poor", "0 fails ✕ fails a must-pass",
                  "Weighted total", "72.4%", "79.8%", "1st of 4", "4th of 4, failed",
                  "Reduced service: close four branches fails Values",
                  "Principle · must pass", "Critical success factor · must pass"):
        assert words in text, words
    assert "The weights were locked on" in text and "by tester" in text
    assert "Weights changed after the lock" in text
    assert "Achievability 10 14" in text
    assert ("Robust: Community trust stays first unless one weight moves more than 10 points"
            in text)
    assert "The ranking with each criterion left out in turn" in text
    assert "Alternative options considered and rejected, and why" in text
    assert "Generated from the appraisal and each option's reason." in text
    assert "Cannot be afforded after 2027." in text


def test_the_annex_prints_every_cells_evidence(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.score(d, 1, "affordability", 3,
                                 "Tender prices <b>&amp; “quotes”</b> — £1.2m 😀 مرحبا")
    texts = pages(service, d.id)
    annex = next(i for i, t in enumerate(texts)
                 if "Annex: evidence for the options appraisal" in t)
    assert annex > next(i for i, t in enumerate(texts) if "Sign-off" in t)
    rest = " ".join(texts[annex:])
    for criterion in CRITERIA:
        assert f"Evidence for Re-let the contract on {criterion.id}." in rest
    assert "Tender prices <b>&amp; “quotes”</b> — £1.2m" in rest  # escaped, not markup
    # Who scored each cell and when, compactly in its narrow column ("1 Dec 2026, 10:00").
    assert re.search(r"tester \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", rest)


def test_an_edited_paragraph_prints_instead_of_the_generated_one(service) -> None:
    d = appraised_decision(service, HIGHWAYS)
    d = service.appraisals.set_rejected_text(d, "Re-letting was rejected: only two bidders.")
    text = " ".join(pages(service, d.id))
    assert "Worded by the author. Re-letting was rejected: only two bidders." in text
    assert "was considered and rejected: it ranked" not in text


def test_a_ranking_that_flips_within_ten_points_is_not_robust(service) -> None:
    """Highways with two criteria: re-let 4 and 1, in-house 2 and 4 on weights 60 and 32
    (the hand-worked example of tests/unit/domain/test_appraisal.py): re-let leads, and
    raising Affordability from 32 to 41 puts in-house first."""
    d = appraised_decision(service, HIGHWAYS, lock=False)
    d = service.appraisals.set_criteria(d, [csf_criterion("strategic-fit", 60),
                                            csf_criterion("affordability", 32)])
    d = service.appraisals.lock_weights(d)
    for option, cid, value in ((0, "strategic-fit", 4), (0, "affordability", 1),
                               (1, "strategic-fit", 2), (1, "affordability", 4)):
        d = service.appraisals.score(d, option, cid, value)
    text = " ".join(pages(service, d.id))
    assert ("Not robust: raising Affordability from 32 to 41 makes Bring in-house first."
            in text)


def test_six_options_split_into_two_tables_with_the_criteria_repeated(service) -> None:
    assert [list(r) for r in chunks(6)] == [[0, 1, 2], [3, 4, 5]]
    assert [len(r) for r in chunks(9)] == [3, 3, 3] and [len(r) for r in chunks(5)] == [3, 2]
    options = tuple(Option(f"Option number {i}", "recommended" if i == 2 else "rejected",
                           "in-house" if i == 0 else "outsource") for i in range(6))
    d = service.create("Six ways to run the depot")
    d = service.update(d, options=options)
    criteria = [Criterion("own-a", "custom", "Depot access", 50),
                csf_criterion("affordability", 50)]
    d = service.appraisals.start(d, criteria)
    text = " ".join(pages(service, d.id))
    assert "The weights are not locked yet" in text
    section = text[text.index("Options appraisal"):text.index("Must-pass criteria")]
    assert section.count("Depot access") == 2 and section.count("Criterion Weight") == 2
    assert "– not scored" in section and "Weighted total – – –" in section
    for i in range(6):
        assert f"{i + 1}. Option number {i}" in section


def test_a_record_without_an_appraisal_prints_no_section(service) -> None:
    d = service.create("No appraisal here")
    text = " ".join(pages(service, d.id))
    assert "Options appraisal" not in text and "Annex: evidence" not in text


def test_the_pack_grid_says_where_a_recommended_option_not_ranked_first_ranks(service) -> None:
    d = appraised_decision(service, LIBRARIES)  # Community trust ranks first
    others = [replace(o, status="rejected") for o in d.options]
    others[2] = replace(others[2], status="recommended")  # the shared service: 3rd of 4
    d = service.update(d, options=tuple(others))
    pdf = render_pack([print_record(service, d.id)]).pdf
    grid = next(squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages
                if "Each column is one" in squash(p.extract_text()))
    assert "Recommended ranks 3rd of 4" in grid
    assert "Ranking robust" not in grid


def test_the_pack_grid_gives_the_recommended_model_and_robustness(service) -> None:
    appraised = appraised_decision(service, LIBRARIES)
    plain = service.create("Stop the mobile library", delivery_model="stop")
    pdf = render_pack([print_record(service, i) for i in (appraised.id, plain.id)]).pdf
    reader = PdfReader(io.BytesIO(pdf))
    grid = next(squash(p.extract_text()) for p in reader.pages
                if "Each column is one" in squash(p.extract_text()))
    assert ("Recommended: Social sector (social enterprise, charity, community) · "
            "Ranking robust") in grid
    assert "Recommended: Stop the service" in grid
    assert grid.count("Ranking") == 1


def test_the_summary_page_warns_where_a_rating_and_a_score_disagree(service) -> None:
    d = appraised_decision(service, LIBRARIES)
    assert d.answer(SLUGS[0]).rating.value == "green"
    d = service.appraisals.score(d, 1, SLUGS[0], 1, "Weak on this")
    summary = next(squash(t) for t in pages(service, d.id) if "Overall rating:" in squash(t))
    assert "Where the principle pages and the appraisal disagree" in summary
    assert "is rated Green on its page, but the recommended option" in summary
    assert "scores 1 poor against it" in summary
