"""Printed status marks: DRAFT, FOR SIGNATURE — NOT YET SIGNED, none once signed off,
SUPERSEDED BY VERSION N (with the date), WITHDRAWN; drawn as outlines, never as text."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from desktop.application.printing import print_record
from desktop.domain.decision import Status
from desktop.export.pdf import PrintRecord, render_pack, render_record
from tests.helpers.lifecycle import signed_off_decision
from tests.helpers.pdf import mark_streams, squash

READY_MARK = ("FOR SIGNATURE —", "NOT YET SIGNED")
MARK_WORDS = ("DRAFT", "FOR SIGNATURE", "NOT YET SIGNED", "SIGNATURE", "SUPERSEDED",
              "WITHDRAWN", "VERSION 2")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None
                                   or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


def pypdf_pages(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def poppler_text(pdf: bytes, tmp_path, *options: str) -> str:
    path = tmp_path / "marks.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def grey_page(pdf: bytes, tmp_path, page: int, name: str, dpi: int = 40):
    """One page rendered by poppler, in grey (0 black, 255 white)."""
    from PIL import Image

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    stem = tmp_path / name
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", "-f", str(page),
                    "-l", str(page), str(path), str(stem)], check=True)
    with Image.open(f"{stem}.pgm") as image:
        image.load()
        return image


@pytest.fixture
def example_id(service, example_bundle_text):
    return service.import_bundle(example_bundle_text)[0].id


def _superseded(service, clock):
    """Version 1 signed off, then amended on 15 September 2027: (decision id, v1's record)."""
    v1 = signed_off_decision(service)
    clock.moment = dt.datetime(2027, 9, 15, 11, 0, tzinfo=dt.UTC)
    service.lifecycle.amend(v1.id, "The committee asked for a longer consultation")
    return v1.id, print_record(service, v1.id, 1)


# ---- which mark -----------------------------------------------------------------------------
def test_ready_record_prints_for_signature_on_every_page_and_no_draft(service, example_id):
    rec = print_record(service, example_id)
    assert rec.decision.status == Status.READY
    assert rec.mark == READY_MARK
    rendered = render_record(rec)
    assert not any("DRAFT" in p for p in pypdf_pages(rendered.pdf))
    marks = mark_streams(rendered.pdf)
    assert len(marks) == rendered.pages and all(marks)  # the sign-off page too
    assert len(set(marks)) == 1  # one form, drawn on every page
    # drawn last, multiplied into the page: over shaded cells too, and black text stays black
    for page in PdfReader(io.BytesIO(rendered.pdf)).pages:
        content = page.get_contents().get_data()
        after = content[content.rfind(b" Do"):]
        assert after.count(b"Tj") == 1 and b"(Page " in after  # only "Page X of Y" comes later
        forms = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        (form,) = [f for f in forms if f.get_data() in marks]
        states = form["/Resources"]["/ExtGState"]
        assert [g.get_object()["/BM"] for g in states.values()] == ["/Multiply"]


def test_draft_withdrawn_and_signed_off_marks(service, example_id):
    draft = service.create("Close the depot")
    assert print_record(service, draft.id).mark == ("DRAFT",)
    service.withdraw(draft.id)
    assert print_record(service, draft.id).mark == ("WITHDRAWN",)
    signed = signed_off_decision(service)
    rec = print_record(service, signed.id)
    assert rec.mark == () and rec.superseded is None
    rendered = render_record(rec)
    assert mark_streams(rendered.pdf) == [None] * rendered.pages


def test_a_superseded_version_says_so_on_the_cover_and_in_its_mark(service, clock):
    decision_id, v1 = _superseded(service, clock)
    assert v1.decision.status == Status.SIGNED_OFF
    assert v1.mark == ("SUPERSEDED BY VERSION 2", "15 Sep 2027")
    rendered = render_record(v1)
    pages = [squash(p) for p in pypdf_pages(rendered.pdf)]
    assert ("Status Superseded by version 2 on 15 Sep 2027 (this version was signed off)"
            in pages[0])
    assert "Status Signed off" not in pages[0]
    assert "Superseded by version 2" in PdfReader(io.BytesIO(rendered.pdf)).metadata.subject
    assert all(mark_streams(rendered.pdf))
    # The current version, asked for by number or not, is not superseded.
    for version in (None, 2):
        current = print_record(service, decision_id, version)
        assert current.superseded is None
        assert current.mark == ({Status.DRAFT: ("DRAFT",), Status.READY: READY_MARK}
                                [current.decision.status])


def test_marks_differ_by_status(service, example_id, clock):
    ready = mark_streams(render_record(print_record(service, example_id)).pdf)[0]
    draft = mark_streams(render_record(print_record(service, service.create("x").id)).pdf)[0]
    superseded = mark_streams(render_record(_superseded(service, clock)[1]).pdf)[0]
    assert len({ready, draft, superseded}) == 3


# ---- never in the text ----------------------------------------------------------------------
@pytest.fixture(params=["draft", "ready", "superseded", "withdrawn"])
def marked(request, service, example_id, clock) -> PrintRecord:
    if request.param == "ready":
        return print_record(service, example_id)
    if request.param == "superseded":
        return _superseded(service, clock)[1]
    d = service.get(example_id)
    service.update(d.id, proposal="")  # no longer complete: a draft
    if request.param == "withdrawn":
        service.withdraw(d.id)
    return print_record(service, d.id)


def test_the_mark_never_enters_the_extracted_text(marked, tmp_path):
    assert marked.mark
    with_mark = render_record(marked).pdf
    without = render_record(replace(marked, mark=())).pdf
    assert any(mark_streams(with_mark)) and not any(mark_streams(without))
    # Character for character the same text as the same record printed with no mark: no "RA"
    # or "FT" in the middle of a paragraph, nothing for a screen reader to read out.
    assert pypdf_pages(with_mark) == pypdf_pages(without)
    text = squash(" ".join(pypdf_pages(with_mark)))
    for word in MARK_WORDS:
        assert word not in text
    d = marked.decision
    for field in (d.title, d.proposal, d.reasons, d.conflicts_of_interest):
        assert squash(field) in text
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed; pypdf's text checked above")
    for options in ((), ("-layout",), ("-raw",)):
        poppler = poppler_text(with_mark, tmp_path, *options)
        assert poppler == poppler_text(without, tmp_path, *options)
        assert not any(word in poppler for word in MARK_WORDS)


# ---- visible, and light -----------------------------------------------------------------------
@needs_poppler
def test_the_mark_is_visible_and_light(service, example_id, tmp_path):
    rec = print_record(service, example_id)
    last = render_record(rec)
    marked = grey_page(last.pdf, tmp_path, last.pages, "marked")  # the sign-off page
    plain = grey_page(render_record(replace(rec, mark=())).pdf, tmp_path, last.pages, "plain")
    assert marked.size == plain.size
    changed = [m for m, p in zip(marked.tobytes(), plain.tobytes(), strict=True) if m != p]
    # A mark across the page: a good share of it inked (a DRAFT in 110 pt covers about 4%).
    assert len(changed) > 0.04 * marked.size[0] * marked.size[1]
    changed.sort()
    median = changed[len(changed) // 2]
    assert 200 <= median <= 235  # light grey (#d8d8d8 is 216), never dark enough to hide text


@needs_poppler
def test_signed_off_pages_have_no_mark_ink(service, tmp_path):
    rec = print_record(service, signed_off_decision(service).id)
    pdf = render_record(rec).pdf
    marked = grey_page(pdf, tmp_path, 1, "marked")
    plain = grey_page(render_record(replace(rec, mark=())).pdf, tmp_path, 1, "plain")
    assert marked.tobytes() == plain.tobytes()


# ---- the pack -------------------------------------------------------------------------------
def test_the_pack_marks_each_decision_as_its_own_record(service, example_bundle_text, clock):
    ready = service.import_bundle(example_bundle_text)[0].id
    draft = service.create("Stop the mobile library", reference="EX/2026/030").id
    signed = signed_off_decision(service, "Sell the old town hall").id
    amended, superseded = _superseded(service, clock)
    records = [print_record(service, ready), print_record(service, draft),
               print_record(service, signed), superseded, print_record(service, amended)]
    assert [r.mark for r in records][:3] == [READY_MARK, ("DRAFT",), ()]
    pack = render_pack(records, title="Cabinet pack")
    pages = [squash(p) for p in pypdf_pages(pack.pdf)]
    marks = mark_streams(pack.pdf)
    own = [mark_streams(render_record(rec).pdf)[0] for rec in records]
    assert own[2] is None and None not in own[:2] + own[3:]
    assert marks[:3] == [None, None, None]  # the pack's cover, contents and grid
    # Each record's pages (found by the verification code in their footers) carry exactly
    # that record's mark.
    seen = set()
    # The annex of guidance questions, after the records, is the pack's own: no mark.
    annex = next(i for i, p in enumerate(pages) if p.startswith("Cabinet pack Annex: guidance"))
    assert annex > 3 and marks[annex:] == [None] * (len(pages) - annex)
    for page, mark in zip(pages[3:annex], marks[3:annex], strict=True):
        which = [i for i, r in enumerate(records) if f"Verification code {r.code}" in page]
        assert len(which) == 1, page[:200]
        seen.add(which[0])
        assert mark == own[which[0]]
    assert seen == set(range(len(records)))
    text = " ".join(pages)
    assert "Superseded by version 2 on 15 Sep 2027" in text  # in the contents
    assert not any(word in text for word in MARK_WORDS)


def test_the_packaged_app_includes_the_font_tables_the_mark_reads():
    """fontTools imports a table's module by name when it first reads the table; the
    PyInstaller spec must list every one the mark needs, or the built app's marks break."""
    import ast
    import sys
    from pathlib import Path

    from desktop.export.pdf.marks import layout

    layout(READY_MARK, 595.0, 842.0)
    root = Path(__file__).resolve().parents[3]
    spec = (root / "packaging" / "decision-checklist.spec").read_text(encoding="utf-8")
    listed = ast.literal_eval(re.search(r"FONTTOOLS_TABLES = \[\s*\"fontTools\.ttLib\.tables\.\" "
                                        r"\+ m for m in (\(.*?\))\s*\]", spec, re.S).group(1))
    loaded = {m.rsplit(".", 1)[1] for m in sys.modules
              if m.startswith("fontTools.ttLib.tables.") and m.count(".") == 3}
    assert loaded - {"DefaultTable"} <= set(listed)
