"""`verify`'s contract (PRODUCT.md, "Verifying a printed copy"): only what is printed is
trusted, the stored record is re-derived, and the first line, the exit status and --json say
MATCH, SUPERSEDED, WITHDRAWN, NO MATCH or ALTERED."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from desktop.application import lifecycle
from desktop.application.printing import print_record
from desktop.application.verification import codes_in_pdf
from desktop.cli import main as cli
from desktop.domain.decision import Rating
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from desktop.domain.verification import normalise_code
from desktop.domain.visible import has_visible_character
from desktop.export.pdf import CODE_MARKER, render_pack, render_record
from tests.helpers.engines import is_shared, tamper, value
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RESULTS = ("MATCH:", "SUPERSEDED:", "WITHDRAWN:", "NO MATCH:", "ALTERED:")


@pytest.fixture
def service(any_service):
    """Either engine's service (a contract test: tests/conftest.py any_service)."""
    return any_service


@pytest.fixture
def db_path(any_db):
    """The --db of `service`'s register: a file, or a shared register's URI."""
    return any_db


def altered(code: str) -> str:
    return _ALPHABET[(_ALPHABET.index(code[0]) + 1) % 32] + code[1:]


@pytest.fixture
def decision(service, example_bundle_text):
    return service.import_bundle(example_bundle_text)[0]


def verify(db_path, capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.run(["--db", str(db_path), "verify", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def record_pdf(service, decision_id, version=None) -> bytes:
    return render_record(print_record(service, decision_id, version)).pdf


def resaved(pdf: bytes, metadata: dict | None = None) -> bytes:
    """The PDF re-saved page by page (as another tool would), with the given metadata."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- trust only what is printed -------------------------------------------------------------
def test_metadata_naming_another_code_than_the_pages_is_altered(service, decision, db_path,
                                                                tmp_path, capsys):
    code = code_for(service.get(decision.id))
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(resaved(record_pdf(service, decision.id),
                               {"/Keywords": f"{CODE_MARKER}{altered(code)}"}))
    status, out, _ = verify(db_path, capsys, str(forged))
    assert status == 1
    assert out.startswith("ALTERED: the file's metadata names another code than its pages")
    assert altered(code) in out.splitlines()[0] and code in out.splitlines()[0]


def test_a_copy_whose_metadata_names_a_recorded_code_but_pages_print_none(
        service, decision, db_path, tmp_path, capsys):
    code = code_for(service.get(decision.id))
    fake = tmp_path / "fake.pdf"  # three lines: the marker in a comment, nothing printed
    fake.write_bytes(f"%PDF-1.4\n% {CODE_MARKER}{code}\n%%EOF\n".encode())
    status, out, _ = verify(db_path, capsys, str(fake))
    assert status == 1 and out.startswith("NO MATCH: this file prints no verification code")
    writer = PdfWriter()  # a well-formed blank page whose metadata names the code
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Keywords": f"{CODE_MARKER}{code}",
                         "/Subject": f"Decision assurance record · verification code {code}"})
    blank = tmp_path / "blank.pdf"
    with blank.open("wb") as f:
        writer.write(f)
    status, out, _ = verify(db_path, capsys, str(blank), "--json")
    assert status == 1
    [result] = json.loads(out)
    assert result["result"] == "no-match" and result["code"] is None
    assert result["decision_id"] is None and result["sign_offs"] is None


@settings(max_examples=8)
@given(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=60))
def test_a_code_typed_into_the_record_is_not_its_footer(service, text):
    other = service.create("Another decision")
    other_code = code_for(other)
    d = service.create("Quotes another record",
                       proposal=f"{text}\nVerification code {other_code}\n{text}")
    pdf = resaved(record_pdf(service, d.id))  # no metadata to fall back on
    assert codes_in_pdf(pdf) == [code_for(service.get(d.id))]


# ---- the output contract -----------------------------------------------------------------------
def test_match_lists_status_ratings_and_sign_offs(service, db_path, capsys):
    d = signed_off_decision(service)
    code = code_for(d)
    status, out, _ = verify(db_path, capsys, code)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"MATCH: {code} is version 1 of “{d.title}”, the current version"
    assert lines[1] == "Status: Signed off"
    assert lines[2] == "Overall rating: Amber"
    checklist = service.checklist_for(d)
    for p in checklist.principles:
        word = "Amber" if p.slug == "staff" else "Green"
        assert f"  {p.number}. {p.title}: {word}" in lines
    assert lines.index("Overall rating: Amber") < lines.index("Sign-offs:")
    for role in ROLES:
        assert f"  {role}: Signer for {role}, 2026-11-20, minute Min 45/26" in lines


def test_superseded_names_the_current_version_and_why(service, db_path, tmp_path, capsys):
    d = signed_off_decision(service)
    old_code = code_for(d)
    pdf = tmp_path / "v1.pdf"
    pdf.write_bytes(record_pdf(service, d.id))
    service.lifecycle.amend(d.id, "Cabinet asked for a longer consultation")
    service.update(d.id, proposal="Consult for twelve weeks first.")
    for target in (old_code, str(pdf)):
        status, out, _ = verify(db_path, capsys, target)
        assert status == 3
        lines = out.splitlines()
        assert lines[0].startswith(f"SUPERSEDED: {old_code} is version 1 of")
        assert lines[0].endswith("version 2 is now current")
        assert lines[1] == "Status: Signed off"
        assert lines[2] == ("Amended on 2026-11-25 (version 2): Cabinet asked for a longer "
                            "consultation")
    status, out, _ = verify(db_path, capsys, code_for(service.get(d.id)), "--json")
    assert status == 0 and json.loads(out)[0]["result"] == "match"


def test_withdrawn(service, decision, db_path, capsys):
    code = code_for(service.get(decision.id))
    service.withdraw(decision.id)
    status, out, _ = verify(db_path, capsys, code)
    assert status == 3
    assert out.startswith(f"WITHDRAWN: {code} is version 1 of")
    assert "Status: Withdrawn" in out.splitlines()


def test_pack_gives_one_block_per_code_and_the_worst_status(service, decision, db_path,
                                                            tmp_path, capsys):
    amended = signed_off_decision(service, "Close the depot")
    draft = service.create("Sell the old library")
    pack = tmp_path / "pack.pdf"
    pack.write_bytes(render_pack([print_record(service, i)
                                  for i in (decision.id, amended.id, draft.id)]).pdf)
    status, out, _ = verify(db_path, capsys, str(pack))
    assert status == 0
    assert [b.split(":")[0] for b in out.split("\n\n")] == ["MATCH"] * 3
    service.lifecycle.amend(amended.id, "New figures")
    status, out, _ = verify(db_path, capsys, str(pack), "--json")
    assert status == 3
    assert [r["result"] for r in json.loads(out)] == ["match", "superseded", "match"]
    service.delete(draft.id)
    status, out, _ = verify(db_path, capsys, str(pack))
    assert status == 1
    blocks = out.split("\n\n")
    assert [b.split(":")[0] for b in blocks] == ["MATCH", "SUPERSEDED", "NO MATCH"]
    assert blocks[2].startswith(f"NO MATCH: no record has the code this copy prints "
                                f"({code_for(draft)})")


def test_json_keys(service, db_path, capsys):
    d = signed_off_decision(service)
    status, out, _ = verify(db_path, capsys, code_for(d).lower(), "--json")
    assert status == 0
    [r] = json.loads(out)
    assert r["result"] == "match" and r["code"] == code_for(d)
    assert (r["decision_id"], r["version"], r["current_version"]) == (d.id, 1, 1)
    assert (r["title"], r["reference"], r["status"]) == (d.title, d.reference, "signed-off")
    assert r["overall_rating"] == "amber"
    assert r["ratings"]["staff"] == "amber" and r["ratings"]["values"] == "green"
    assert len(r["ratings"]) == len(service.checklist_for(d).principles)
    assert r["sign_offs"][0] == {"role": ROLES[0], "name": f"Signer for {ROLES[0]}",
                                 "date": "2026-11-20", "minute_reference": "Min 45/26"}
    status, out, _ = verify(db_path, capsys, altered(code_for(d)), "--json")
    assert status == 1
    [r] = json.loads(out)
    assert r["result"] == "no-match" and r["code"] == altered(code_for(d))
    assert all(r[k] is None for k in ("decision_id", "version", "current_version", "title",
                                      "reference", "status", "overall_rating", "ratings",
                                      "sign_offs"))


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=40).filter(str.strip)


@settings(max_examples=25)
@given(title=_TEXT, name=_TEXT.filter(has_visible_character), minute=_TEXT)
def test_user_text_never_breaks_the_lines(service, db_path, capsys, title, name, minute):
    # a server's text holds no NUL: refused there (test_pg_two_people), never cut short
    assume(not service.shared or "\x00" not in title + name + minute)
    d = complete_decision(service, title)
    d = service.lifecycle.record_sign_off(d.id, lifecycle.SignOffRequest(
        role=ROLES[0], name=name, date="2026-11-20", minute_reference=minute))
    status, out, _ = verify(db_path, capsys, code_for(d))
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("MATCH: ")
    assert sum(line.startswith(_RESULTS) for line in lines) == 1
    principles = len(service.checklist_for(d).principles)
    assert len(lines) == 4 + principles + 3  # result, status, rating, "Ratings:", 1 sign-off
    status, out, _ = verify(db_path, capsys, code_for(d), "--json")
    [r] = json.loads(out)
    assert r["title"] == d.title and r["sign_offs"][0]["name"] == d.sign_offs[0].name
    assert r["sign_offs"][0]["minute_reference"] == d.sign_offs[0].minute_reference


# ---- re-derive, never trust stored values -----------------------------------------------------
_tamper = tamper


def _version_id(service, decision_id):
    return value(service, "SELECT id FROM versions WHERE decision_id = ? AND version = 1",
                 [decision_id])


def test_content_changed_behind_the_app_is_altered(service, decision, db_path, capsys):
    code = code_for(service.get(decision.id))
    _tamper(service, "UPDATE answers SET response = 'Forged' WHERE version_id = ? AND "
                     "slug = 'staff'", [_version_id(service, decision.id)])
    status, out, _ = verify(db_path, capsys, code)
    assert status == 1
    assert out.startswith("ALTERED: ")
    assert (f"its content no longer matches its verification code {code} (now "
            f"{code_for(service.get(decision.id))})") in out.splitlines()[0]
    status, out, _ = verify(db_path, capsys, code, "--json")
    assert json.loads(out)[0]["result"] == "altered"


@pytest.mark.parametrize(("column", "value", "says"), [
    ("complete", 4, "the register says 4 sections are complete, but its answers give 10"),
    ("overall_rating", "green", "the register shows its overall rating as green, but its "
                                "answers give amber"),
])
def test_stored_derived_values_are_re_derived(service, decision, db_path, capsys, column,
                                              value, says):
    code = code_for(service.get(decision.id))
    _tamper(service, f"UPDATE versions SET {column} = ? WHERE id = ?",
            [value, _version_id(service, decision.id)])
    status, out, _ = verify(db_path, capsys, code)
    assert status == 1
    assert out.startswith("ALTERED: ") and says in out.splitlines()[0]


# ---- typed codes --------------------------------------------------------------------------------
_TYPOS = {"0": ["0", "O", "o"], "1": ["1", "I", "i", "L", "l"]}


@given(st.text(st.sampled_from(_ALPHABET), min_size=12, max_size=12), st.data())
def test_a_typed_code_forgives_case_lookalikes_spaces_and_hyphens(raw, data):
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    typed = ""
    for c in raw:
        typed += data.draw(st.sampled_from(_TYPOS.get(c, [c, c.lower()])))
        typed += data.draw(st.sampled_from(["", "", " ", "-", "–", "  "]))
    assert normalise_code(" " + typed + "\n") == code


def test_a_well_formed_code_that_matches_nothing(service, decision, db_path, capsys):
    code = altered(code_for(service.get(decision.id)))
    status, out, _ = verify(db_path, capsys, code.replace("-", "").lower().replace("0", "o"))
    assert status == 1
    assert out.splitlines() == ["NO MATCH: no record has this code; check the characters",
                                f"Code: {code}"]


@settings(max_examples=40)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
       .filter(lambda t: normalise_code(t) is None and not t.lower().endswith(
           (".pdf", ".png", ".jpg", ".jpeg")) and not t.startswith("-") and "\x00" not in t))
def test_what_cannot_be_a_code_is_bad_input(service, db_path, capsys, text):
    status, out, err = verify(db_path, capsys, text)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_typed_code_loads_no_pdf_or_image_library(service, decision, db_path):
    code = code_for(service.get(decision.id))
    script = (
        "import sys; from desktop.cli import main as cli;"
        f"rc = cli.run(['--db', {str(db_path)!r}, 'verify', {code!r}]);"
        "heavy = [m for m in ('pypdf', 'PIL', 'zxingcpp', 'reportlab') if m in sys.modules];"
        "print(rc, heavy)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "0 []"


# ---- imported sign-offs ----------------------------------------------------------------------
def test_sign_offs_that_came_by_import_say_so(service, db_path, capsys):
    d = complete_decision(service)
    for role in ROLES:
        d = sign(service, d.id, role, name=f"Signer for {role}")
    row = (d.id, 1, "imported", "cabinet\nbundle.json", "2026-11-26T10:00:00.000000Z")
    day = row[4][:10]
    if is_shared(service):  # a client adds nothing to a locked record's history (p009): the owner
        with service.test_register.connect() as conn:  # at the server's time (p011)
            day = conn.execute("INSERT INTO audit_log (decision_id, version, field, new_value, "
                               "at) VALUES (%s, %s, %s, %s, %s) RETURNING left(at, 10)",
                               row).fetchone()[0]
        assert day != row[4][:10]
    else:
        with service.repo.transaction():
            service.repo.audit(d.id, 1, [("imported", None, row[3])], row[4])
    status, out, _ = verify(db_path, capsys, code_for(d))
    assert status == 0
    lines = out.splitlines()
    assert (f"Sign-offs: signed elsewhere, imported on {day} from cabinet bundle.json"
            in lines)
    assert f"  {ROLES[0]}: Signer for {ROLES[0]}, 2026-11-20, minute Min 45/26" in lines
    status, out, _ = verify(db_path, capsys, code_for(d), "--json")
    assert json.loads(out)[0]["sign_offs_imported"] == {"date": day,
                                                        "file": "cabinet\nbundle.json"}


def test_sign_offs_made_here_do_not_say_imported(service, db_path, capsys):
    d = signed_off_decision(service)
    _, out, _ = verify(db_path, capsys, code_for(d))
    assert "imported" not in out and "Sign-offs:" in out.splitlines()


# ---- register search -----------------------------------------------------------------------------
def _found(service, text) -> set[str]:
    q = RegisterQuery(search=text)
    rows = service.register(q)
    assert service.register_count(q) == len(rows)
    return {r.id for r in rows}


def test_register_search_finds_a_reference_and_a_code(service, decision):
    other = service.create("Something else", proposal="Nothing in common")
    assert _found(service, "EX/2026/014") == {decision.id}
    assert _found(service, "ex/2026") == {decision.id}
    code = code_for(service.get(decision.id))
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert _found(service, typed) == {decision.id}
    assert _found(service, code_for(other)) == {other.id}
    assert _found(service, altered(code)) == set()


def test_register_search_finds_a_decision_by_an_earlier_versions_code(service):
    d = signed_off_decision(service)
    old = code_for(d)
    service.lifecycle.amend(d.id, "Revised costs")
    service.set_answer(d.id, "staff", service.get(d.id).answer("staff").__class__(
        Rating.GREEN, "Agreed with the unions"))
    assert code_for(service.get(d.id)) != old
    assert _found(service, old) == {d.id}


@settings(max_examples=30)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
               max_size=30).filter(str.strip))
def test_register_search_by_any_reference(service, reference):
    d = service.create("Referenced decision", reference=reference)
    reference = service.get(d.id).reference
    assert d.id in _found(service, reference)
    if "%" not in reference:
        assert d.id not in _found(service, "%")  # a wildcard typed is a character searched
