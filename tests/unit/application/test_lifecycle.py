"""Lifecycle rules: draft -> ready -> signed-off (locked) -> amend -> version n+1 draft.

A contract test: every test runs on both engines (`service` below)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace

import pytest

from desktop.application import lifecycle
from desktop.domain.decision import Answer, Rating, Status
from desktop.domain.errors import InvalidInput, NotFound, Refused, StorageError
from desktop.domain.queries import RegisterQuery
from desktop.domain.record import code_for
from tests.helpers.engines import refuses_raw_write, value
from tests.helpers.lifecycle import ROLES, complete_decision, sign, signed_off_decision


@pytest.fixture
def service(any_service):
    """Either engine's service (tests/conftest.py any_service)."""
    return any_service


def test_complete_record_is_ready_and_sign_offs_lock_it_only_when_all_required_signed(service):
    d = complete_decision(service)
    assert d.status == Status.READY
    for i, role in enumerate(ROLES):
        d = sign(service, d.id, role, name=f"Person {i}")
        stored = service.get(d.id)
        assert len(stored.sign_offs) == i + 1
        expected = Status.SIGNED_OFF if i == len(ROLES) - 1 else Status.READY
        assert stored.status == expected
        assert d == stored
    assert service.get(d.id).is_locked
    assert service.lifecycle.missing_roles(d) == []


def test_last_sign_off_and_lock_are_one_transaction_with_audit_rows(service):
    d = complete_decision(service)
    for role in ROLES[:-1]:
        sign(service, d.id, role)
    before = len(service.repo.audit_entries())
    d = sign(service, d.id, ROLES[-1], name="Cllr Jones")
    rows = service.repo.audit_entries()[before:]
    assert [r.field for r in rows] == [
        "sign_off.Chair or Portfolio Holder", "status", "verification_code", "content_code",
        "call_in_days"]
    assert rows[-1].new_value == "5"  # the call-in period its dates are fixed with
    assert rows[0].new_value == "Cllr Jones, 2026-11-20, minute Min 45/26"
    assert (rows[1].old_value, rows[1].new_value) == ("ready", "signed-off")
    assert rows[2].new_value == code_for(d)
    assert len({r.at for r in rows}) == 1 and {r.user for r in rows} == {"tester"}


def test_a_failure_while_locking_leaves_nothing_half_written(service, monkeypatch):
    d = complete_decision(service)
    for role in ROLES[:-1]:
        sign(service, d.id, role)
    audit_before = len(service.repo.audit_entries())

    def broken_update(old, new):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(service.repo, "update", broken_update)
    with pytest.raises(StorageError):
        sign(service, d.id, ROLES[-1])
    monkeypatch.undo()
    stored = service.get(d.id)
    assert stored.status == Status.READY
    assert [s.role for s in stored.sign_offs] == list(ROLES[:-1])
    assert len(service.repo.audit_entries()) == audit_before


def test_signing_an_incomplete_record_is_refused_listing_what_is_missing(service):
    d = service.create("Share the revenues service", proposal="")
    d = service.set_answer(d.id, "values", Answer(rating=Rating.GREEN, response="Yes."))
    d = service.set_answer(d.id, "staff", Answer(rating=Rating.RED, response="Job losses."))
    with pytest.raises(Refused) as err:
        sign(service, d.id, "Monitoring Officer")
    message = str(err.value)
    assert err.value.exit_code == 1
    assert "not complete" in message and "\n" not in message
    assert "Describe what is proposed" in message
    assert ": add at least one action with an owner and a due date" in message
    assert "principles 2, 4, 5, 6, 7, 8, 9, 10 not started" in message
    assert len(message) < 400
    assert service.get(d.id).sign_offs == ()


def test_unknown_role_is_bad_input_naming_the_valid_roles(service):
    d = complete_decision(service)
    with pytest.raises(InvalidInput) as err:
        sign(service, d.id, "Chief Executive")
    assert err.value.exit_code == 2
    for role in ROLES:
        assert role in str(err.value)


def test_role_matches_case_insensitively_and_is_stored_as_in_the_checklist(service):
    d = complete_decision(service)
    d = sign(service, d.id, "  section 151 OFFICER ")
    assert [s.role for s in service.get(d.id).sign_offs] == ["Section 151 Officer"]


def test_duplicate_role_is_refused(service):
    d = complete_decision(service)
    sign(service, d.id, "Monitoring Officer", name="First")
    with pytest.raises(Refused, match="Monitoring Officer has already signed"):
        sign(service, d.id, "monitoring officer", name="Second")


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("name", "  ", "name: Enter the name"),
        ("date", "20/11/2026", "not a date in the form YYYY-MM-DD"),
        ("date", "2026-02-30", "not a date"),
        ("date", "2030-01-01", "cannot be in the future"),
        ("date", "", "Enter the date"),
    ],
)
def test_bad_sign_off_input_is_exit_2(service, field, value, match):
    d = complete_decision(service)
    request = lifecycle.SignOffRequest(role="Monitoring Officer", name="N", date="2026-11-20")
    with pytest.raises(InvalidInput, match=match):
        service.lifecycle.record_sign_off(d.id, replace(request, **{field: value}))


def test_signed_off_record_cannot_be_edited_signed_again_or_withdrawn(service):
    d = signed_off_decision(service)
    with pytest.raises(Refused, match="signed off and locked"):
        service.update(d.id, title="Changed")
    with pytest.raises(Refused, match="signed off and locked"):
        service.set_answer(d.id, "values", Answer(rating=Rating.RED, response="No"))
    with pytest.raises(Refused, match="already signed off"):
        sign(service, d.id, ROLES[0])
    with pytest.raises(Refused):
        service.withdraw(d.id)
    with pytest.raises(Refused):
        service.delete(d.id)
    assert service.get(d.id) == d


def test_edits_wait_while_sign_offs_are_partly_recorded(service):
    d = complete_decision(service)
    sign(service, d.id, ROLES[0])
    with pytest.raises(Refused, match="has sign-offs recorded"):
        service.update(d.id, title="Changed under the signer")
    d = service.lifecycle.remove_sign_off(d.id, ROLES[0].upper())
    assert d.sign_offs == () and service.get(d.id).sign_offs == ()
    assert service.update(d.id, title="Changed").title == "Changed"
    fields = [e.field for e in service.lifecycle.history(d.id)]
    assert fields.count("sign_off.Proposing Director") == 2  # recorded, then removed
    with pytest.raises(NotFound):
        service.lifecycle.remove_sign_off(d.id, ROLES[1])


def test_withdraw_before_sign_off_then_signing_is_refused(service):
    d = complete_decision(service)
    d = service.withdraw(d.id)
    assert d.status == Status.WITHDRAWN
    with pytest.raises(Refused, match="withdrawn"):
        sign(service, d.id, ROLES[0])


def test_amend_needs_a_signed_off_record_and_a_reason(service):
    d = complete_decision(service)
    with pytest.raises(Refused, match="not signed off"):
        service.lifecycle.amend(d.id, "Typo")
    d = signed_off_decision(service, "Other")
    with pytest.raises(InvalidInput, match="reason") as refused:
        service.lifecycle.amend(d.id, "   ")
    assert refused.value.field == "reason"  # the dialog puts its own words beside that input
    assert str(refused.value) == "reason: give the reason for the amendment"  # as the CLI says
    assert service.lifecycle.versions(d.id) == [(1, Status.SIGNED_OFF)]


def test_amend_makes_version_two_and_keeps_version_one_exactly(service):
    v1 = signed_off_decision(service)
    code1 = value(service, "SELECT verification_code FROM versions WHERE decision_id = ? "
                  "AND version = 1", [v1.id])
    assert code1 == code_for(v1)
    v2 = service.lifecycle.amend(v1.id, "Committee asked for a longer consultation")
    assert (v2.version, v2.sign_offs, v2.amendment_reason) == (
        2, (), "Committee asked for a longer consultation")
    assert v2.status == Status.READY  # content copied, so still complete
    assert service.get(v1.id) == v2  # the current version
    assert service.lifecycle.versions(v1.id) == [(1, Status.SIGNED_OFF), (2, Status.READY)]
    service.set_answer(v1.id, "staff", Answer(
        rating=Rating.RED, response="Consultation extended to 12 weeks.",
        actions=service.get(v1.id).answer("staff").actions))
    old = service.get(v1.id, 1)
    assert old == v1 and code_for(old) == code1
    assert old.is_locked
    rows = service.register(RegisterQuery())
    assert [(r.id, r.version) for r in rows] == [(v1.id, 2)]
    current = value(service, "SELECT current_version FROM decisions WHERE id = ?", [v1.id])
    assert current == 2
    changes = service.lifecycle.changes_since(service.get(v1.id))
    assert [c.field for c in changes] == ["answers.staff.rating", "answers.staff.response"]
    assert changes[0].label == "3. Staff: rating"
    assert (changes[0].old, changes[0].new) == ("Amber", "Red")
    assert service.lifecycle.changes_since(old) == []


def test_version_two_can_be_signed_and_amended_again(service):
    v1 = signed_off_decision(service)
    service.lifecycle.amend(v1.id, "First amendment")
    for role in ROLES:
        v2 = sign(service, v1.id, role, date="2026-11-24")
    assert v2.is_locked and v2.version == 2
    v3 = service.lifecycle.amend(v1.id, "Second amendment")
    assert [v for v, _ in service.lifecycle.versions(v1.id)] == [1, 2, 3]
    assert service.get(v1.id, 1).sign_offs[0].date == "2026-11-20"
    assert v3.version == 3


def test_action_done_after_sign_off_is_recorded_and_audited(service):
    d = signed_off_decision(service)
    assert service.overdue_counts() == (0, 0)
    service.now = lambda: dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    assert service.overdue_counts() == (0, 1)
    d = service.lifecycle.set_action_done(d.id, "staff", 0, True)
    assert d.answer("staff").actions[0].done
    assert service.get(d.id).answer("staff").actions[0].done
    assert service.get(d.id).is_locked
    assert code_for(service.get(d.id)) == code_for(d)  # follow-up is not content
    assert service.overdue_counts() == (0, 0)
    last = service.repo.audit_entries(d.id)[-1]
    assert (last.field, last.old_value, last.new_value) == (
        "answers.staff.actions[0].done", "no", "yes")
    d = service.lifecycle.set_action_done(d.id, "staff", 0, False)
    assert not service.get(d.id).answer("staff").actions[0].done
    with pytest.raises(NotFound):
        service.lifecycle.set_action_done(d.id, "staff", 5, True)


def test_amendment_carries_done_actions_over(service):
    d = signed_off_decision(service)
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    v2 = service.lifecycle.amend(d.id, "Update")
    assert service.get(v2.id).answer("staff").actions[0].done


def test_signed_copy_is_kept_with_its_sha256(service):
    import hashlib

    d = complete_decision(service)
    pdf = b"%PDF-1.4\n% scanned\n"
    with pytest.raises(Refused, match="not signed off"):
        service.lifecycle.attach_signed_copy(d.id, "signed.pdf", pdf)
    for role in ROLES:
        sign(service, d.id, role)
    with pytest.raises(InvalidInput, match="not a PDF"):
        service.lifecycle.attach_signed_copy(d.id, "photo.jpg", b"\xff\xd8\xff")
    copy = service.lifecycle.attach_signed_copy(d.id, "signed.pdf", pdf)
    assert copy.sha256 == hashlib.sha256(pdf).hexdigest()
    assert service.lifecycle.signed_copies(d.id) == [copy]
    assert service.lifecycle.signed_copy_data(copy.id) == pdf
    assert service.repo.audit_entries(d.id)[-1].field == "signed_copy"
    for sql in ("UPDATE signed_copies SET data = '\\x00'", "DELETE FROM signed_copies"):
        refusal = refuses_raw_write(service, sql)  # on the server the role may not even try
        assert "locked" in refusal or "permission denied for table signed_copies" in refusal


@pytest.mark.parametrize("name", ["\u2800", "\u115f\u3164", "\u202e\u2066\u2069",
                                  "\u200b\u00a0\u3000"])
def test_a_signer_name_with_no_visible_character_is_refused(service, name):
    """The hostile tester's L4, on both engines: refused as input (exit 2), nothing stored."""
    d = complete_decision(service)
    request = lifecycle.SignOffRequest(role=ROLES[0], name=name, date="2026-11-20")
    with pytest.raises(InvalidInput, match="no visible character"):
        service.lifecycle.record_sign_off(d.id, request)
    assert service.get(d.id).sign_offs == ()
    assert not any(p.field == "name" for p in service.lifecycle.sign_off_problems(
        service.get(d.id), replace(request, name="\u2800Jane Smith")))


@pytest.mark.parametrize(("name", "printed"), [
    ("\u0903", "[U+0903]"),  # a spacing mark (Mc): DejaVu Sans lacks it, the PDF shows its code
    ("\u20dd", "[U+20DD]"),  # an enclosing mark (Me)
    ("\ue000", "[U+E000]"),  # private use (Co)
    ("\U000f0000", "[U+F0000]"),
])
def test_a_signer_name_that_prints_is_accepted_and_printed(service, name, printed):
    """The last hostile tester of issue 17, on both engines: a name of a character that draws
    (domain/visible.py) is a name, stored, and printed on the record; U+1680 OGHAM SPACE MARK,
    which the PDF prints as a word space, is still refused."""
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record
    from tests.helpers.pdf import page_texts

    d = complete_decision(service)
    with pytest.raises(InvalidInput, match=r"^name: "):  # white space to Python: "Enter the name"
        sign(service, d.id, ROLES[0], name="\u1680")
    d = sign(service, d.id, ROLES[0], name=name)
    assert [s.name for s in service.get(d.id).sign_offs] == [name]
    text = " ".join(page_texts(render_record(print_record(service, d.id)).pdf))
    assert printed in text


def test_the_ogham_space_mark_prints_as_a_word_space(tmp_path):
    """Why a name of U+1680 is refused (domain/visible.py): the PDF prints it as a space."""
    from desktop.application.bootstrap import open_service
    from desktop.application.printing import print_record
    from desktop.export.pdf import render_record
    from tests.helpers.pdf import page_texts

    service = open_service(tmp_path / "r.db")
    try:
        d = complete_decision(service, "Close\u1680the\u1680depot")
        text = " ".join(page_texts(render_record(print_record(service, d.id)).pdf))
    finally:
        service.close()
    assert "Close the depot" in text and "\u1680" not in text


def test_a_bundle_whose_signer_name_shows_nothing_is_refused(service):
    import json

    from tests.helpers.cli import HAND_WRITTEN

    record = {**HAND_WRITTEN["decisions"][0], "sign_offs": [
        {"role": ROLES[0], "name": "\u115f\u3164", "date": "2026-11-20"}]}
    with pytest.raises(InvalidInput, match=r"sign_offs\[0\]\.name: has no visible character"):
        service.import_bundle(json.dumps({**HAND_WRITTEN, "decisions": [record]}))
    assert service.register_count(RegisterQuery()) == 0
