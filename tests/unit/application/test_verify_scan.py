"""`verify` of a scan: a PNG, a JPEG or a PDF of page images is read by its QR code.

The scans are simulated: a record's PDF rendered by poppler's pdftoppm at 150 dpi, turned a
little and saved as a JPEG of quality 60, as a flat-bed scanner or a phone would."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

from desktop.application.printing import print_record
from desktop.cli import main as cli
from desktop.domain.record import code_for
from desktop.export.pdf import CODE_MARKER, render_pack, render_record
from desktop.export.pdf.parts import QrCode

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="needs poppler's pdftoppm to simulate a scan")


@pytest.fixture
def decision(service, example_bundle_text):
    return service.import_bundle(example_bundle_text)[0]


def verify(db_path, capsys, *argv) -> tuple[int, str]:
    capsys.readouterr()
    status = cli.run(["--db", str(db_path), "verify", *argv])
    return status, capsys.readouterr().out


def rendered_pages(pdf: bytes, folder, dpi: int = 150, first: int = 1,
                   last: int | None = None) -> list[Image.Image]:
    source = folder / "printed.pdf"
    source.write_bytes(pdf)
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", *pages, str(source),
                    str(folder / "page")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("page*.png"))]


def degraded(page: Image.Image, angle: float) -> Image.Image:
    """A scan: turned by `angle` degrees and saved as a JPEG of quality 60."""
    turned = page.rotate(angle, expand=True, fillcolor="white", resample=Image.BICUBIC)
    out = io.BytesIO()
    turned.save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue()))


@pytest.fixture
def scan(service, decision, tmp_path):
    pdf = render_record(print_record(service, decision.id)).pdf
    [page] = rendered_pages(pdf, tmp_path, last=1)
    return page


@pytest.mark.parametrize("angle", [1.0, -1.8])
def test_verify_a_jpeg_scan(service, decision, db_path, tmp_path, capsys, scan, angle):
    path = tmp_path / "scan.jpg"
    degraded(scan, angle).save(path, "JPEG", quality=60)
    started = time.perf_counter()
    status, out = verify(db_path, capsys, str(path))
    elapsed = time.perf_counter() - started
    assert status == 0, out
    assert out.startswith(f"MATCH: {code_for(service.get(decision.id))} is version 1 of")
    assert elapsed < 5  # about 0.1 s here


def test_verify_a_png_scan(service, decision, db_path, tmp_path, capsys, scan):
    path = tmp_path / "scan.png"
    scan.save(path)
    status, out = verify(db_path, capsys, str(path), "--json")
    assert status == 0
    [r] = json.loads(out)
    assert (r["result"], r["decision_id"]) == ("match", decision.id)


def test_verify_an_image_only_pdf(service, decision, db_path, tmp_path, capsys, scan):
    path = tmp_path / "scanned.pdf"
    degraded(scan, 1.5).save(path, "PDF", resolution=150)
    assert PdfReader(path).pages[0].extract_text().strip() == ""  # nothing but pixels
    status, out = verify(db_path, capsys, str(path))
    assert status == 0
    assert out.startswith(f"MATCH: {code_for(service.get(decision.id))}")


def test_a_scanned_pdf_whose_metadata_names_another_code_is_altered(
        service, decision, db_path, tmp_path, capsys, scan):
    plain = io.BytesIO()
    degraded(scan, 1).save(plain, "PDF", resolution=150)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain.getvalue())))
    writer.add_metadata({"/Keywords": f"{CODE_MARKER}0000-0000-0000"})
    path = tmp_path / "scanned.pdf"
    with path.open("wb") as f:
        writer.write(f)
    status, out = verify(db_path, capsys, str(path))
    assert status == 1
    assert out.startswith("ALTERED: the file's metadata names another code than its pages")


def test_a_scanned_pack_gives_every_records_code(service, decision, db_path, tmp_path, capsys):
    other = service.create("Stop the mobile library")
    pdf = render_pack([print_record(service, i) for i in (decision.id, other.id)]).pdf
    pages = [degraded(p, 1) for p in rendered_pages(pdf, tmp_path, dpi=100)]
    path = tmp_path / "pack-scan.pdf"
    pages[0].save(path, "PDF", resolution=100, save_all=True, append_images=pages[1:])
    status, out = verify(db_path, capsys, str(path), "--json")
    assert status == 0
    assert [r["code"] for r in json.loads(out)] == [code_for(service.get(decision.id)),
                                                    code_for(other)]


def test_a_scan_without_a_readable_code(service, decision, db_path, tmp_path, capsys):
    blank = tmp_path / "blank.png"
    Image.new("L", (600, 800), 255).save(blank)
    status, out = verify(db_path, capsys, str(blank))
    assert status == 1
    assert out.startswith("NO MATCH: no verification code could be read from this image")
    other = tmp_path / "other-qr.png"  # a QR code that is not a verification code
    qr, unit = QrCode("https://example.org/not-a-code", 1), 8
    picture = Image.new("L", (qr.modules * unit,) * 2, 255)
    draw = ImageDraw.Draw(picture)
    for r, c, n in qr.runs:
        draw.rectangle([(c + 4) * unit, (r + 4) * unit, (c + 4 + n) * unit - 1,
                        (r + 5) * unit - 1], fill=0)
    picture.save(other)
    status, out = verify(db_path, capsys, str(other))
    assert status == 1 and out.startswith("NO MATCH:")


def test_a_damaged_or_unknown_file_is_bad_input(service, db_path, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    for path in (broken, text, tmp_path / "missing.png"):
        capsys.readouterr()
        assert cli.run(["--db", str(db_path), "verify", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
