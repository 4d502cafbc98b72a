"""A record answered against the statutory checklist: its duties are named as duties, and every
answer's documents print as numbered background papers, each with the section it supports."""

from __future__ import annotations

from dataclasses import replace

from desktop import paths
from desktop.domain.checklist import load_checklist
from desktop.domain.decision import Answer, Decision, Document, Rating
from desktop.domain.record import code_for
from desktop.export.pdf import PrintRecord, render_record
from tests.helpers.pdf import page_texts, squash

EQIA = Document("Equality impact assessment: waste collection", "2026-09-14",
                "Democratic Services, Town Hall")
PAPERS = {
    "values": (Document("Cabinet report <draft> & notes", "2026-08-01", ""),),
    "equality-duty": (EQIA, Document("Protected characteristics data", None, "Insight team")),
}


def statutory():
    return load_checklist(paths.resource("checklist-statutory.json"), paths.checklist_schema_path())


def record(papers=PAPERS) -> tuple[bytes, str]:
    c = statutory()
    answers = {p.slug: Answer(Rating.GREEN, f"Response on {p.title}.") for p in c.principles}
    answers = {**answers, "staff": Answer(), "procurement": Answer(),
               "welsh-language": Answer(Rating.NOT_APPLICABLE, "An English council.")}
    for slug, docs in papers.items():
        answers[slug] = replace(answers[slug], documents=docs)
    d = Decision(id="5b1f0e7e-1111-4a4a-8a8a-000000000001", title="Outsource waste collection",
                 proposal="Contract out.", answers=answers, checklist_id=c.id,
                 checklist_version=c.version, sections=c.slugs)
    return render_record(PrintRecord(d, c, code_for(d))).pdf, code_for(d)


def test_background_papers_are_numbered_with_the_section_each_supports():
    pdf, _ = record()
    pages = page_texts(pdf)
    text = squash("\n".join(pages))
    table = text[text.index("Background papers The documents"):]
    assert "section 100D of the Local Government Act 1972" in table
    assert table.index("Cabinet report <draft> & notes") < table.index(EQIA.title)
    assert "1 Cabinet report <draft> & notes 1 August 2026" in table
    assert "1 August 2026 1. Values" in table
    assert "Town Hall 11. Equality duty" in table
    assert "3 Protected characteristics data Undated Insight team 11. Equality duty" in table
    assert "Background papers, continued" in text  # a table split over pages says so
    # the duty's own page points at its papers by number
    assert f"Background paper 2: {EQIA.title}, 14 September 2026, held at {EQIA.held_at}" in text


def test_duties_are_named_as_duties_on_a_mixed_record():
    pdf, _ = record()
    text = squash("\n".join(page_texts(pdf)))
    assert "Duty 1 of 7, section 11 of 17" in text and "Principle 3 of 10, section 3 of 17" in text
    assert "Summary of the ten principles and seven duties" in text
    assert "Why this duty does not apply" in text  # Welsh language, not applicable
    assert "15 of 17 sections completed; 1 principle and 1 duty not completed." in text
    assert "upholds the principle or meets the duty" in text
    assert "How the proposal meets this duty" in text


def test_a_record_without_documents_prints_no_papers_and_keeps_its_code():
    pdf, code = record({})
    assert not any("Background papers" in t for t in page_texts(pdf))
    with_docs = record()[1]
    assert code != with_docs  # the documents are part of what the code covers
