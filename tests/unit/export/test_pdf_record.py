"""The PDF assurance record, read back with pypdf (and pdffonts where installed)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from desktop.application.printing import print_record
from desktop.domain.dates import long_date
from desktop.domain.decision import Answer, Option, Rating, Status
from desktop.domain.record import code_for
from desktop.export.pdf import render_record
from tests.helpers.lifecycle import ROLES
from tests.helpers.pdf import mark_streams, page_texts, squash


def sign_off_in_sql(service, decision_id: str, names=("A Director", "B Finance", "C Legal",
                                                       "Cllr D Chair")) -> None:
    """Mark the current version signed off directly in the database (the lifecycle is not
    under test here)."""
    with service.repo.transaction():
        vid = service.db.execute(
            "SELECT id FROM versions WHERE decision_id = ? AND is_current = 1", [decision_id]
        ).fetchone()[0]
        for role, name in zip(ROLES, names, strict=True):
            service.db.execute(
                "INSERT INTO sign_offs (version_id, role, name, date, minute_reference, comment, "
                "recorded_at, recorded_by) VALUES (?, ?, ?, '2026-12-10', 'C/45/26', '', "
                "'2026-12-10T10:00:00Z', 'clerk')", [vid, role, name])
        service.db.execute("UPDATE versions SET status = 'signed-off' WHERE id = ?", [vid])


@pytest.fixture
def example_id(service, example_bundle_text):
    return service.import_bundle(example_bundle_text)[0].id


@pytest.fixture
def example_pdf(service, example_id):
    return render_record(print_record(service, example_id))


def test_every_field_prints(service, example_id, example_pdf):
    d = service.get(example_id)
    checklist = service.checklist_for(d)
    text = squash(" ".join(page_texts(example_pdf.pdf)))
    expected = [
        d.title, d.reference, d.organisation, d.decision_maker, d.proposer,
        long_date(d.meeting_date), long_date(d.review_date), "Ready for sign-off",
        d.proposal, d.reasons, d.conflicts_of_interest, code_for(d), "Overall rating",
        "Summary of the ten principles", "Open actions", "Sign-off",
    ]
    expected += [o.name for o in d.options] + [o.reason for o in d.options]
    for p in checklist.principles:
        a = d.answer(p.slug)
        expected += [p.title, p.wording, *p.questions, a.response, a.rating.label]
        expected += [a.evidence] if a.evidence else []
        expected += [x.action for x in a.actions] + [x.owner for x in a.actions]
    expected += list(ROLES)
    missing = [e for e in expected if squash(e) not in text]
    assert not missing
    assert example_pdf.warnings == ()


def test_footer_on_every_page(service, example_id, example_pdf):
    d = service.get(example_id)
    pages = page_texts(example_pdf.pdf)
    assert len(pages) == example_pdf.pages >= 6  # principles flow; not one page apiece
    for i, page in enumerate(pages, start=1):
        assert f"{d.reference} · Version 1" in page
        assert f"Page {i} of {len(pages)}" in page
        assert f"Verification code {code_for(d)}" in page


def test_metadata_language_and_code(service, example_id, example_pdf):
    d = service.get(example_id)
    reader = PdfReader(io.BytesIO(example_pdf.pdf))
    meta = reader.metadata
    assert meta.title == d.title
    assert meta.author == d.organisation
    assert code_for(d) in meta.subject and d.reference in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert f"decision-checklist-code:{code_for(d)}" in meta["/Keywords"]


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name -> embedded, for every font any page uses."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            fonts[font["/BaseFont"]] = bool(desc and "/FontFile2" in desc.get_object())
    return fonts


def test_every_font_embedded(example_pdf, tmp_path):
    fonts = _fonts(example_pdf.pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts), fonts
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) not installed; pypdf check above passed")
    path = tmp_path / "r.pdf"
    path.write_bytes(example_pdf.pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_ready_has_a_mark_signed_off_has_none(service, example_id):

    ready = render_record(print_record(service, example_id))
    assert all(mark_streams(ready.pdf))
    sign_off_in_sql(service, example_id)
    d = service.get(example_id)
    assert d.status == Status.SIGNED_OFF
    rec = print_record(service, example_id)
    assert rec.mark == ()
    signed = render_record(rec)
    assert not any(mark_streams(signed.pdf))
    pages = page_texts(signed.pdf)
    last = pages[-1]
    for name in ("A Director", "B Finance", "C Legal", "Cllr D Chair"):
        assert name in last
    assert "10 December 2026" in last and "C/45/26" in last


def test_withdrawn_says_withdrawn(service):
    d = service.create("Stop the mobile library")
    service.withdraw(d.id)

    rec = print_record(service, d.id)
    assert rec.mark == ("WITHDRAWN",)
    assert all(mark_streams(render_record(rec).pdf))


def test_long_text_flows_across_pages_and_table_cells(service):
    words = [f"w{i}" for i in range(34_000)]  # ~200,000 characters
    long_text = " ".join(words)
    assert len(long_text) >= 200_000
    d = service.create("Long", proposal=long_text)
    service.update(d.id, options=(Option("Do nothing", "rejected", None, long_text),))
    service.set_answer(d.id, "values", Answer(Rating.GREEN, long_text))
    rendered = render_record(print_record(service, d.id))
    text = " ".join(page_texts(rendered.pdf))
    assert rendered.pages > 100
    # every word, three times: proposal, the option's reason (a table cell), the response
    found = re.findall(r"\bw(\d+)\b", text)
    assert len(found) == 3 * len(words)


def test_unprintable_characters_become_visible_placeholders(service):
    d = service.create("Partnership with 中文 group", proposal="CJK 你好 and \x07 bell")
    rendered = render_record(print_record(service, d.id))
    text = " ".join(page_texts(rendered.pdf))
    assert "[U+4E2D][U+6587]" in text and "[U+4F60][U+597D]" in text and "[U+0007]" in text
    joined = "\n".join(rendered.warnings)
    assert "title" in joined and "U+4E2D" in joined
    assert "proposal" in joined and "U+0007" in joined


def test_qr_code_matches_reportlabs_qr_widget(service, example_id):
    """The fast QR flowable draws the same modules as ReportLab's own QR widget."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Rect

    from desktop.export.pdf.parts import QrCode

    code = code_for(service.get(example_id))
    ours = QrCode(code, 100)
    widget = QrCodeWidget(code, barLevel="M", barBorder=0)
    shapes = widget.draw().contents  # makes the matrix
    assert widget.qr.getModuleCount() + 8 == ours.modules
    n = widget.qr.getModuleCount()
    dark = {(r, c) for r in range(n) for c in range(n) if widget.qr.isDark(r, c)}
    assert {(r, c + k) for r, c, length in ours.runs for k in range(length)} == dark
    assert any(isinstance(s, Rect) for s in shapes)


def test_an_incomplete_record_prints_not_yet_rated_not_its_worst_so_far(service):
    """Nine of ten complete, one amber among them: the window's register says "Not yet
    rated", and so must the printed cover and summary; the complete record prints its rating."""
    from tests.helpers.lifecycle import complete_decision

    d = complete_decision(service)  # "staff" is amber, the rest green
    whole = squash(" ".join(page_texts(render_record(print_record(service, d.id)).pdf)))
    assert "Overall rating ! Amber" in whole  # the cover's cell
    assert "Overall rating: ! Amber." in whole  # the summary's line
    service.set_answer(d.id, "values", Answer())
    text = squash(" ".join(page_texts(render_record(print_record(service, d.id)).pdf)))
    assert "Overall rating Not yet rated (9 of 10 sections completed)" in text
    assert "Overall rating: Not yet rated (9 of 10 sections completed)." in text
    assert "Overall rating ! Amber" not in text and "Overall rating: ! Amber" not in text
