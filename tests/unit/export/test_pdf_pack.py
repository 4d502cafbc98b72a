"""The committee pack: cover, contents with correct page numbers, grid, continuous numbering."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from desktop.application.printing import print_record
from desktop.domain.record import code_for
from desktop.export.pdf import render_pack
from tests.helpers.pdf import squash


@pytest.fixture
def three_ids(service, example_bundle_text):
    bundle = json.loads(example_bundle_text)
    first = service.import_bundle(example_bundle_text)[0].id
    second = dict(bundle["decisions"][0], title="Transfer Eastfield library to a trust",
                  reference="EX/2026/021")
    second.pop("id")
    other = service.import_bundle(json.dumps({"format": bundle["format"],
                                              "decisions": [second]}))[0].id
    empty = service.create("Stop the mobile library", reference="EX/2026/030").id
    return [first, other, empty]


@pytest.fixture
def pack(service, three_ids):
    return render_pack([print_record(service, i) for i in three_ids], title="Cabinet pack")


def test_pages_numbered_continuously(pack):
    reader = PdfReader(io.BytesIO(pack.pdf))
    total = len(reader.pages)
    assert total == pack.pages > 20  # three records of several pages each
    for i, page in enumerate(reader.pages, start=1):
        assert f"Page {i} of {total}" in squash(page.extract_text())
    assert reader.page_labels == [str(i) for i in range(1, total + 1)]


def test_contents_page_numbers_point_at_each_record(service, three_ids, pack):
    reader = PdfReader(io.BytesIO(pack.pdf))
    pages = [squash(p.extract_text()) for p in reader.pages]
    assert "Committee pack" in pages[0] and "Cabinet pack" in pages[0]
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    starts = []
    for decision_id in three_ids:
        d = service.get(decision_id)
        assert d.title in squash(contents)
        start = next(i for i, p in enumerate(pages, start=1)
                     if "Decision assurance record" in p and d.title in p)
        assert f"Verification code {code_for(d)}" in pages[start - 1]
        starts.append(start)
    # Page numbers are written when the document is saved, so they come last in the text.
    numbers = contents.split(f"Page 2 of {len(pages)}")[1].split()
    annex = next(i for i, p in enumerate(pages, start=1)
                 if p.startswith("Cabinet pack Annex: guidance questions"))
    assert numbers == [str(n) for n in [3, *starts, annex]]
    assert starts[0] == 4 and annex > starts[-1]


def test_guidance_questions_are_printed_once_in_the_annex(service, three_ids, pack):
    """Every record is answered against the same checklist: its questions are printed once,
    after the records, and each record's sections point there instead."""
    checklist = service.checklists.default()
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pack.pdf)).pages]
    text = " ".join(pages)
    for p in checklist.principles:
        for q in p.questions:
            assert text.count(squash(q)) == 1, q
    annex = next(i for i, p in enumerate(pages) if p.startswith("Cabinet pack Annex: guidance"))
    assert squash(checklist.principles[0].questions[0]) in " ".join(pages[annex:])
    pointer = "are printed once, in the annex at the end of this pack."
    assert " ".join(pages[:annex]).count(pointer) == 3  # on each record's summary page


def test_outline_and_contents_links_go_to_the_pages_they_name(service, three_ids, pack):
    reader = PdfReader(io.BytesIO(pack.pdf))
    page_of = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages, start=1)}
    pages = [squash(p.extract_text()) for p in reader.pages]
    tops = [entry for entry in reader.outline if not isinstance(entry, list)]
    landed = {entry.title: page_of[entry.page.idnum] for entry in tops}
    assert landed["Cover"] == 1 and landed["Contents"] == 2
    for decision_id in three_ids:
        title = service.get(decision_id).title
        assert "Decision assurance record" in pages[landed[title] - 1]
        assert title in pages[landed[title] - 1]
    # Each principle's bookmark lands on the page that prints its heading.
    children = next(entry for entry in reader.outline if isinstance(entry, list))
    for entry in children:
        if entry.title.startswith("3. "):
            assert "Principle 3 of 10" in pages[page_of[entry.page.idnum] - 1]
    # The contents page's links go where its printed numbers say.
    linked = sorted({page_of[a.get_object()["/Dest"][0].idnum]
                     for a in reader.pages[1]["/Annots"]})
    assert linked == sorted({3, *(landed[service.get(i).title] for i in three_ids),
                             landed["Annex: guidance questions"]})


def test_summary_grid_lists_every_decision(service, three_ids, pack):
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pack.pdf)).pages]
    grid = pages[2]
    assert "Summary of decisions against the ten principles" in grid
    for decision_id in three_ids:
        assert service.get(decision_id).title in grid
    assert "✓" in grid and "!" in grid and "Not yet rated" in grid  # the empty one


def test_each_font_embedded_once(pack):
    seen: dict[str, set] = {}
    for page in PdfReader(io.BytesIO(pack.pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            seen.setdefault(font["/BaseFont"], set()).add(ref.idnum)
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert all(len(ids) == 1 for ids in seen.values()), seen
    assert {name.split("+")[-1] for name in seen} <= {
        "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}


def test_pages_share_their_resources_and_inherit_their_size(pack):
    """Each page dictionary is written once for all pages alike: the MediaBox on the page
    tree, one resource dictionary for the pages that draw the same forms (a status mark),
    no "/Rotate 0" or empty transition; each page still reads as A4 with its own forms."""
    reader = PdfReader(io.BytesIO(pack.pdf))
    tree = reader.trailer["/Root"]["/Pages"]
    assert [round(float(x), 2) for x in tree["/MediaBox"]] == [0, 0, 595.28, 841.89]
    assert pack.pdf.count(b"/MediaBox") == 1  # the tree's: no page writes its own
    assert b"/Rotate" not in pack.pdf and b"/Trans" not in pack.pdf
    shared: dict[tuple, set[int]] = {}
    for page in reader.pages:
        assert page.mediabox.width == pytest.approx(595.28, abs=0.01)  # inherited, as read
        forms = tuple(sorted(page["/Resources"].get("/XObject", {})))
        shared.setdefault(forms, set()).add(page.raw_get("/Resources").idnum)
    assert len(reader.pages) > 20 and all(len(ids) == 1 for ids in shared.values()), shared
    assert len(shared) >= 2  # the records' marks: ready for signature, and draft


def test_pack_keywords_carry_every_code(service, three_ids, pack):
    from desktop.application.verification import codes_in_pdf

    assert codes_in_pdf(pack.pdf) == [code_for(service.get(i)) for i in three_ids]


def test_a_pack_with_hundreds_of_meeting_dates_builds(service):
    """The cover once put every meeting date in one table cell that cannot split, and a pack
    past about 260 dates failed with a LayoutError. `make stress` builds 1,000."""
    import datetime as dt
    import os

    n = int(os.environ.get("DC_PACK_DATES", "270"))
    first = dt.date(2020, 1, 1)
    ids = [service.create(f"Decision {i}", meeting_date=(first + dt.timedelta(days=i)).isoformat(),
                          organisation=f"Council {i}").id for i in range(n)]
    rendered = render_pack([print_record(service, i) for i in ids], title="Every meeting")
    cover = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    last = first + dt.timedelta(days=n - 1)
    assert f"{n:,} meetings, from 1 January 2020 to" in squash(cover)
    assert str(last.year) in cover
    assert f"and {n - 3:,} other organisations" in squash(cover)


def test_an_incomplete_decision_is_not_yet_rated_in_the_grid_and_contents(service):
    """Nine of ten complete with an amber among them: the pack does not print "! Amber" as its
    overall rating (the window says "Not yet rated"); the complete one prints its own."""
    from desktop.domain.decision import Answer
    from tests.helpers.lifecycle import complete_decision

    whole = complete_decision(service, "Bring highways maintenance in-house")
    part = complete_decision(service, "Close the Eastfield depot")
    service.set_answer(part.id, "values", Answer())
    rendered = render_pack([print_record(service, i) for i in (whole.id, part.id)])
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(rendered.pdf)).pages]
    contents, grid = pages[1], pages[2]
    assert ("1 Bring highways maintenance in-house version 1 · Ready for sign-off ! Amber "
            "2 Close the Eastfield depot version 1 · Draft Not yet rated") in contents
    assert ("1. Bring highways maintenance in-house ✓ ✓ ! ✓ ✓ ✓ ✓ ✓ ✓ ✓ ! Amber "
            "2. Close the Eastfield depot ✓ ! ✓ ✓ ✓ ✓ ✓ ✓ ✓ Not yet rated Principles:") in grid
