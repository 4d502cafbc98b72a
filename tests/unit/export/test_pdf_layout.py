"""How the record's sections flow, and the speed-ups that must not change a single operator."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from desktop.application.printing import print_record
from desktop.export.pdf import parts as pdf_parts
from desktop.export.pdf import render_pack, render_record
from desktop.export.pdf.parts import KeepWithStart, ParaCache, SharedParagraph
from desktop.export.pdf.replay import ReplayTable
from desktop.export.pdf.styles import stylesheet
from tests.helpers.lifecycle import ROLES
from tests.helpers.pdf import page_texts


def build(story: list) -> list[str]:
    """Plain A4 pages with one frame; the text of each page."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story)
    return page_texts(buffer.getvalue())


def heading_and_text(filler: float) -> list:
    s = stylesheet()
    heading = Paragraph("Evidence heading", s["H2"])
    text = [Paragraph("word " * 400, s["Body"])]
    return [Spacer(0, filler), KeepWithStart([heading], text[0]), heading, *text]


def test_heading_moves_to_the_next_page_with_its_content():
    height = A4[1] - 2 * 72  # BaseDocTemplate's default margins are an inch
    pages = build(heading_and_text(height - 15 * mm))
    assert "Evidence heading" not in pages[0]
    assert pages[1].startswith("Evidence heading word")


def test_heading_stays_when_its_first_lines_fit():
    height = A4[1] - 2 * 72
    pages = build(heading_and_text(height - 60 * mm))
    assert pages[0].startswith("Evidence heading word")  # long text starts on the same page
    assert len(pages) == 2


def test_page_turns_once_when_the_last_paragraph_filled_it():
    # The paragraph's space after leaves the frame a little past full: the page must turn
    # once, not once for the heading rule and again for the frame.
    s = stylesheet()
    height = A4[1] - 2 * 72
    last = Paragraph("last line of the page", s["Body"])
    _, h = last.wrap(A4[0] - 2 * 72, height)
    heading = Paragraph("Next heading", s["H2"])
    pages = build([Spacer(0, height - h), last, KeepWithStart([heading], None), heading])
    assert len(pages) == 2 and pages[1] == "Next heading"


def test_cached_paragraphs_share_parsing_but_wrap_on_their_own():
    s = stylesheet()
    cache = ParaCache()
    a, b = cache("Rating", s["Cell"]), cache("Rating", s["Cell"])
    assert a is not b and a.frags is b.frags
    assert a.wrap(100, 100) == b.wrap(100, 100) == (100, s["Cell"].leading)
    narrow = cache("Completed and checked by the committee", s["Cell"])
    assert narrow.wrap(40, 100)[1] > cache("Completed and checked by the committee",
                                            s["Cell"]).wrap(400, 100)[1]
    assert isinstance(cache("x" * 5000, s["Body"]), SharedParagraph)


@pytest.fixture
def plain_reportlab(monkeypatch):
    """SharedParagraph behaving exactly as ReportLab's Paragraph and ReplayTable as its Table
    (no shared wraps, kept tables or replays)."""
    def use_plain():
        for name in ("wrap", "draw", "split", "drawOn"):
            monkeypatch.setattr(pdf_parts.SharedParagraph, name, getattr(pdf_parts.Paragraph, name))
        for name in ("wrap", "draw", "drawOn"):
            monkeypatch.setattr(ReplayTable, name, getattr(pdf_parts.Table, name))
    return use_plain


def streams(pdf: bytes) -> list[bytes]:
    return [p.get_contents().get_data() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_shared_wraps_and_replayed_operators_draw_what_reportlab_draws(
        service, example_bundle_text, plain_reportlab):
    first = service.import_bundle(example_bundle_text)[0].id
    second = service.create("Stop the mobile library", reference="EX/2026/030").id
    records = [print_record(service, i) for i in (first, second, first)]
    fast = render_pack(records, title="Cabinet pack")
    plain_reportlab()
    plain = render_pack(records, title="Cabinet pack")
    assert fast.pages == plain.pages
    assert streams(fast.pdf) == streams(plain.pdf)


def test_a_repeated_table_is_measured_and_drawn_once(service, example_bundle_text, monkeypatch):
    first = service.import_bundle(example_bundle_text)[0].id
    record = print_record(service, first)
    calls = {"wrap": 0, "draw": 0}

    def counted(name):
        plain = getattr(pdf_parts.Table, name)

        def count(self, *args):
            calls[name] += getattr(self, "_replay_key", None) is not None
            return plain(self, *args)
        return count

    for name in calls:
        monkeypatch.setattr(pdf_parts.Table, name, counted(name))
    render_pack([record])
    once = dict(calls)
    calls.update(wrap=0, draw=0)
    render_pack([record] * 3)
    # the second and third copies' rating boxes and signature blocks are taken, not made
    assert once["draw"] > 4 and calls["draw"] == once["draw"], (once, calls)
    assert calls["wrap"] == once["wrap"], (once, calls)


@pytest.fixture
def example_pages(service, example_bundle_text):
    decision = service.import_bundle(example_bundle_text)[0]
    return page_texts(render_record(print_record(service, decision.id)).pdf)


def test_summary_has_its_own_page_and_principles_flow(example_pages):
    summary = [p for p in example_pages if "Summary of the ten principles" in p]
    assert len(summary) == 1 and "Principle 1 of 10" not in summary[0]
    starts = [i for n in range(1, 11) for i, p in enumerate(example_pages)
              if f"Principle {n} of 10" in p]
    assert len(starts) == 10
    assert len(set(starts)) < 10  # several principles share a page
    assert len(example_pages) < 14  # was at least one page per principle


def test_sign_off_block_is_on_one_page(example_pages):
    page = next(p for p in example_pages if "By signing, each person named" in p)
    assert all(role in page for role in ROLES)


def _text_positions(pdf: bytes, page_number: int) -> list[tuple[str, float]]:
    """(text, y) of each text run on a page, in drawing order."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text.strip(), (tm[5] * cm[3]) + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[page_number].extract_text(visitor_text=visit)
    return runs


def test_a_long_signed_name_grows_its_row_instead_of_covering_the_role(service,
                                                                      example_bundle_text):
    from desktop.application.lifecycle import SignOffRequest

    decision = service.import_bundle(example_bundle_text)[0]
    name = ("Dr Alexandra Catherine Montgomery-Fitzwilliam-Hargreaves-Smythe OBE, "
            "Director of Place and Environmental Services")
    service.lifecycle.record_sign_off(
        decision.id, SignOffRequest("Proposing Director", name, "2026-11-24", "CAB/1"))
    pdf = render_record(print_record(service, decision.id)).pdf
    page = next(i for i, t in enumerate(page_texts(pdf)) if "By signing, each person" in t)
    runs = _text_positions(pdf, page)
    role = next(y for t, y in runs if t == "Proposing Director")
    caption = next(y for t, y in runs if t == "Printed name")
    first_line = next(y for t, y in runs if t.startswith("Dr Alexandra"))
    # Top to bottom: the role, the name on its line, then the "Printed name" caption under
    # the line (PDF y grows upwards).
    assert role > first_line > caption
    assert "Environmental Services" in page_texts(pdf)[page]


def test_a_long_reference_keeps_the_version_in_every_footer(service, example_bundle_text):
    import json

    bundle = json.loads(example_bundle_text)
    bundle["decisions"][0]["reference"] = "Cabinet 9 December 2026 item 7 / " + "X" * 27
    decision = service.import_bundle(json.dumps(bundle))[0]
    pages = page_texts(render_record(print_record(service, decision.id)).pdf)
    assert all("· Version 1" in p for p in pages)
    assert all("Cabinet 9 December" in p for p in pages)  # the reference, shortened


def test_long_cover_details_leave_the_verification_code_on_the_cover(service,
                                                                    example_bundle_text):
    import json

    bundle = json.loads(example_bundle_text)
    for key in ("decision_maker", "organisation", "proposer"):  # a page of details
        bundle["decisions"][0][key] = "Cabinet, " * 120
    decision = service.import_bundle(json.dumps(bundle))[0]
    rec = print_record(service, decision.id)
    pages = page_texts(render_record(rec).pdf)
    assert f"decision-checklist verify {rec.code}" in pages[0]
