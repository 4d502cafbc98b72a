"""Verification: a code or a PDF names the recorded version; an altered code matches nothing."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from desktop.application.verification import codes_in_pdf, verify_code
from desktop.cli import main as cli
from desktop.domain.errors import InvalidInput
from desktop.domain.record import code_for
from desktop.domain.verification import normalise_code

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def altered(code: str) -> str:
    """The same code with one character changed."""
    c = code[0]
    return _ALPHABET[(_ALPHABET.index(c) + 1) % 32] + code[1:]


@pytest.fixture
def decision(service, example_bundle_text):
    return service.import_bundle(example_bundle_text)[0]


def run(db_path, *argv) -> int:
    return cli.run(["--db", str(db_path), *argv])


def test_code_round_trips_and_altered_code_does_not(service, decision):
    code = code_for(service.get(decision.id))
    [match] = verify_code(service, code.lower().replace("-", " "))
    assert (match.decision.id, match.decision.version) == (decision.id, 1)
    assert verify_code(service, altered(code)) == []
    with pytest.raises(InvalidInput):
        verify_code(service, "not a code")


def test_code_changes_with_the_content(service, decision):
    before = code_for(service.get(decision.id))
    service.update(decision.id, title="A different title")
    after = code_for(service.get(decision.id))
    assert before != after
    assert verify_code(service, before) == []
    assert len(verify_code(service, after)) == 1


def test_cli_export_then_verify_file(service, decision, db_path, tmp_path, capsys):
    out = tmp_path / "record.pdf"
    assert run(db_path, "export", decision.id[:8], "--out", str(out)) == 0
    code = code_for(service.get(decision.id))
    assert codes_in_pdf(out.read_bytes()) == [code]
    capsys.readouterr()
    assert run(db_path, "verify", str(out)) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"MATCH: {code} is version 1 of “{decision.title}”")
    assert printed.splitlines()[1] == "Status: Ready for sign-off"
    assert run(db_path, "verify", code) == 0
    capsys.readouterr()
    assert run(db_path, "verify", altered(code)) == 1
    assert capsys.readouterr().out.startswith(
        "NO MATCH: no record has this code; check the characters")


def test_verify_reads_the_footer_when_the_keywords_are_gone(service, decision, tmp_path):
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record

    pdf = render_record(print_record(service, decision.id)).pdf
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:  # as another tool re-saving the file
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert b"decision-checklist-code:" not in buffer.getvalue()
    assert codes_in_pdf(buffer.getvalue()) == [code_for(service.get(decision.id))]


def test_cli_exit_codes(service, decision, db_path, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert run(db_path, "export", "no-such-id", "--out", str(out)) == 1
    assert run(db_path, "export", decision.id, "--version", "9", "--out", str(out)) == 1
    assert run(db_path, "export", decision.id, "--out", str(tmp_path / "nope" / "x.pdf")) == 2
    assert run(db_path, "export", decision.id) == 2  # --out is required
    assert run(db_path, "pack", decision.id, "no-such-id", "--out", str(out)) == 1
    assert not out.exists()
    assert run(db_path, "verify", "rubbish") == 2
    assert run(db_path, "verify", str(tmp_path / "missing.pdf")) == 2
    notpdf = tmp_path / "notes.pdf"
    notpdf.write_text("hello")
    assert run(db_path, "verify", str(notpdf)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert all(line.count("\n") == 0 for line in err.splitlines())


def test_cli_pack_and_earlier_version(service, decision, db_path, tmp_path):
    other = service.create("Stop the mobile library")
    out = tmp_path / "pack.pdf"
    assert run(db_path, "pack", decision.id, other.id[:8], decision.id, "--out", str(out)) == 0
    assert codes_in_pdf(out.read_bytes()) == [code_for(service.get(decision.id)),
                                              code_for(service.get(other.id))]
    assert normalise_code(codes_in_pdf(out.read_bytes())[0])
