"""A bundle's status and sign-offs, as import believes them (PRODUCT.md, "The JSON bundle",
"Sign-off and versions"), on both engines: a record whose status and sign-offs contradict
each other is refused, naming it, and nothing is written; sign-offs that came in a bundle
say so wherever the record is shown (its audit log, its PDF, `verify`)."""

from __future__ import annotations

import json

import pytest

from desktop.domain.errors import InvalidInput
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision


def _exported(source, signers: int | None = None) -> dict:
    """The bundle (as a dict) of a record exported from `source`: signed off by every role,
    or ready with the first `signers` roles signed."""
    if signers is None:
        d = signed_off_decision(source)
    else:
        d = complete_decision(source)
        for role in ROLES[:signers]:
            d = sign(source, d.id, role, name=f"Signer for {role}")
    return json.loads(source.export_bundle([d.id]))


def _nothing_written(service) -> None:
    assert service.repo.all_ids() == []
    assert [e for e in service.repo.audit_entries() if e.decision_id] == []


def _with(bundle: dict, **changes) -> str:
    record = bundle["decisions"][0]
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return json.dumps(bundle)


# ---- status and sign-offs that contradict each other ------------------------------------------
CONTRADICTIONS = [
    # (what, source signers (None: signed off), changes, the message's path, its words)
    ("a draft with all four sign-offs", None, {"status": "draft", "verification_code": None},
     "decisions[0].status", "is a draft, but it carries sign-offs by Proposing Director"),
    ("a draft with one sign-off", 1, {"status": "draft"},
     "decisions[0].status", "is a draft, but it carries sign-offs by Proposing Director"),
    ("version 2, a draft, with version 1's sign-offs", None,
     {"status": "draft", "version": 2, "verification_code": None},
     "decisions[0].status", "is a draft, but it carries sign-offs by Proposing Director"),
    ("ready with every required sign-off", None, {"status": "ready", "verification_code": None},
     "decisions[0].status", "is ready for sign-off, but every required role has signed"),
    ("signed off with three sign-offs", 3, {"status": "signed-off", "verification_code": None},
     "decisions[0].sign_offs", "signed-off but no sign-off by Chair or Portfolio Holder"),
    ("withdrawn with sign-offs", 2, {"status": "withdrawn"},
     "decisions[0].sign_offs", "a withdrawn record cannot carry sign-offs"),
]


@pytest.mark.parametrize("what, signers, changes, path, words", CONTRADICTIONS,
                         ids=[c[0] for c in CONTRADICTIONS])
def test_a_status_its_sign_offs_contradict_is_refused_naming_the_decision(
        any_service, fresh, what, signers, changes, path, words):
    text = _with(_exported(fresh(), signers), **changes)
    with pytest.raises(InvalidInput) as caught:
        any_service.import_bundle(text, "cabinet.json")
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    if path.endswith(".status"):
        assert "'Bring highways maintenance in-house'" in message
    assert "\n" not in message
    _nothing_written(any_service)


def test_the_same_role_twice_is_refused(any_service, fresh):
    bundle = _exported(fresh(), 2)
    record = bundle["decisions"][0]
    record["sign_offs"][1]["role"] = record["sign_offs"][0]["role"].upper()
    with pytest.raises(InvalidInput, match=r"sign_offs\[1\]\.role: .* appears twice"):
        any_service.import_bundle(json.dumps(bundle), "cabinet.json")
    _nothing_written(any_service)


def test_a_signed_off_code_that_does_not_match_its_sign_offs_is_refused(any_service, fresh):
    bundle = _exported(fresh())
    bundle["decisions"][0]["sign_offs"][2]["name"] = "Someone Else"  # the code is left as it was
    with pytest.raises(InvalidInput, match=r"^decisions\[0\]\.verification_code: does not match"):
        any_service.import_bundle(json.dumps(bundle), "cabinet.json")
    _nothing_written(any_service)


def test_ready_part_signed_and_no_status_all_signed_agree_and_import(any_service, fresh):
    """What does not contradict: a record part-way through its sign-offs (ready), and one
    that leaves its status out, which takes the status its sign-offs give it."""
    source = fresh()
    part = _exported(source, 2)
    whole = _exported(source)
    whole["decisions"][0].pop("status")
    whole["decisions"][0].pop("verification_code")
    ready, = any_service.import_bundle(json.dumps(part), "part.json")
    signed, = any_service.import_bundle(json.dumps(whole), "whole.json")
    assert (ready.status.value, len(ready.sign_offs)) == ("ready", 2)
    assert (signed.status.value, len(signed.sign_offs)) == ("signed-off", 4)


# ---- where imported sign-offs show that they were recorded elsewhere ------------------------------
def _pdf_text(service, decision_id: str) -> str:
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record
    from tests.helpers.pdf import page_texts

    return " ".join(page_texts(render_record(print_record(service, decision_id)).pdf))


def test_the_pdf_says_imported_sign_offs_were_recorded_elsewhere(any_service, fresh):
    d, = any_service.import_bundle(json.dumps(_exported(fresh())), "cabinet <nov>.json")
    text = _pdf_text(any_service, d.id)
    day = any_service.lifecycle.imported_sign_offs(d).day
    from desktop.domain.dates import long_date

    assert (f"The sign-offs by Proposing Director, Section 151 Officer, Monitoring Officer and "
            f"Chair or Portfolio Holder were recorded elsewhere and imported on "
            f"{long_date(day)} from cabinet <nov>.json") in text
    assert text.count("Recorded elsewhere, imported: signed on 20 November 2026") == 4
    assert "Recorded in the register" not in text


def test_a_sign_off_made_here_after_import_reads_as_recorded_here(any_service, fresh, capsys):
    from desktop.application.verification import check_code, format_finding
    from desktop.domain.record import code_for

    d, = any_service.import_bundle(json.dumps(_exported(fresh(), 3)), "part.json")
    d = sign(any_service, d.id, ROLES[3], name="Signed Here")
    text = _pdf_text(any_service, d.id)
    assert ("The sign-offs by Proposing Director, Section 151 Officer and Monitoring Officer "
            "were recorded elsewhere") in text
    assert text.count("Recorded elsewhere, imported: signed on") == 3
    assert text.count("Recorded in the register: signed on") == 1
    [finding] = check_code(any_service, code_for(d))
    lines = format_finding(finding)
    assert any(line.startswith("Sign-offs: signed elsewhere, imported on ") and
               line.endswith(" from part.json") for line in lines)
    assert "  Chair or Portfolio Holder: Signed Here, 2026-11-20, minute Min 45/26 (recorded " \
           "in this register)" in lines
    assert "  Proposing Director: Signer for Proposing Director, 2026-11-20, minute Min 45/26" \
        in lines


def test_a_record_signed_here_says_nothing_of_elsewhere(any_service):
    d = signed_off_decision(any_service)
    text = _pdf_text(any_service, d.id)
    assert "recorded elsewhere" not in text.lower()
    assert text.count("Recorded in the register: signed on") == 4


def test_the_audit_log_names_the_sign_offs_an_import_brought_and_the_file(any_service, fresh):
    from desktop.domain.imported_sign_offs import shown_values

    d, = any_service.import_bundle(json.dumps(_exported(fresh(), 2)), "cabinet.json")
    d = sign(any_service, d.id, ROLES[2], name="Signed Here")
    history = any_service.lifecycle.history(d.id)
    shown = shown_values(history)
    by_field = {e.field: shown.get(e.id, e.new_value) for e in history}
    assert by_field["imported"] == ("cabinet.json, with the sign-offs by Proposing Director and "
                                    "Section 151 Officer, recorded elsewhere")
    assert by_field["sign_off.Proposing Director"] == (
        "Signer for Proposing Director, 2026-11-20, minute Min 45/26 (recorded elsewhere, "
        "imported from cabinet.json)")
    assert by_field["sign_off.Monitoring Officer"] == "Signed Here, 2026-11-20, minute Min 45/26"


def test_the_audit_command_prints_them_so(service, fresh, db_path, capsys):
    from desktop.cli import main as cli

    d, = service.import_bundle(json.dumps(_exported(fresh())), "cabinet.json")
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "audit", d.id]) == 0
    lines = capsys.readouterr().out.splitlines()
    imported = [line.split("\t") for line in lines if "\tImported\t" in line]
    assert [row[-1] for row in imported] == [
        "cabinet.json, with the sign-offs by Proposing Director, Section 151 Officer, "
        "Monitoring Officer and Chair or Portfolio Holder, recorded elsewhere"]
    signed = [line.split("\t")[-1] for line in lines if "\tSign-off: " in line]
    assert len(signed) == 4
    assert all(v.endswith("(recorded elsewhere, imported from cabinet.json)") for v in signed)
