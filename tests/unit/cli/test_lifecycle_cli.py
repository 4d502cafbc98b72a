"""`sign-off ID --role ROLE --name NAME --date YYYY-MM-DD [--minute REF]` on the command line."""

from __future__ import annotations

import pytest

from desktop.cli import main as cli
from desktop.domain.decision import Status
from tests.helpers.lifecycle import ROLES, complete_decision


def _sign_off(db_path, decision_id, role, *extra, name="Jane Smith", date="2024-03-01"):
    return cli.run(["--db", str(db_path), "sign-off", decision_id, "--role", role,
                    "--name", name, "--date", date, *extra])


def test_signing_every_role_locks_the_record(service, db_path, capsys):
    d = complete_decision(service)
    assert _sign_off(db_path, d.id[:8], "proposing director", "--minute", "45/24") == 0
    out = capsys.readouterr().out
    assert "Recorded: Proposing Director signed by Jane Smith on 2024-03-01." in out
    assert "Still to sign: Section 151 Officer, Monitoring Officer, Chair or Portfolio Holder." in out
    for role in ROLES[1:]:
        assert _sign_off(db_path, d.id, role.upper()) == 0
    out = capsys.readouterr().out
    assert "is signed off and locked (verification code" in out
    stored = service.get(d.id)
    assert stored.status == Status.SIGNED_OFF
    assert stored.sign_offs[0].minute_reference == "45/24"
    assert [s.role for s in stored.sign_offs] == list(ROLES)


def test_incomplete_record_is_refused_with_exit_1(service, db_path, capsys):
    d = service.create("Stop the mobile library", proposal="Stop it.")
    assert _sign_off(db_path, d.id, "Monitoring Officer") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 'Stop the mobile library' version 1 is not complete")
    assert "principles 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 not started" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert service.get(d.id).sign_offs == ()


def test_unknown_role_is_exit_2_naming_the_roles(service, db_path, capsys):
    d = complete_decision(service)
    assert _sign_off(db_path, d.id, "Town Clerk") == 2
    err = capsys.readouterr().err
    assert "'Town Clerk' is not a sign-off role" in err
    assert all(role in err for role in ROLES)


def test_a_role_is_matched_trimmed_with_inner_spaces_collapsed(service, db_path, capsys):
    d = complete_decision(service)
    assert _sign_off(db_path, d.id, " monitoring  officer ") == 0
    assert "Recorded: Monitoring Officer signed by Jane Smith" in capsys.readouterr().out
    assert [s.role for s in service.get(d.id).sign_offs] == ["Monitoring Officer"]
    assert _sign_off(db_path, d.id, "Monitoring   Officer", name="Other") == 1  # the same role
    assert "Monitoring Officer has already signed" in capsys.readouterr().err


def test_duplicate_role_is_exit_1(service, db_path, capsys):
    d = complete_decision(service)
    assert _sign_off(db_path, d.id, "Monitoring Officer") == 0
    assert _sign_off(db_path, d.id, "monitoring officer", name="Other") == 1
    assert "Monitoring Officer has already signed (Jane Smith, 2024-03-01)" in capsys.readouterr().err


@pytest.mark.parametrize(("date", "name", "status", "message"), [
    ("01/03/2024", "Jane", 2, "not a date in the form YYYY-MM-DD"),
    ("2999-01-01", "Jane", 2, "cannot be in the future"),
    ("1900-01-01", "Jane", 2, "The date it was signed (1900-01-01) cannot be before 1 January 2000"),
    ("1999-12-31", "Jane", 2, "cannot be before 1 January 2000"),
    ("2024-03-01", " ", 2, "Enter the name"),
])
def test_bad_input_is_exit_2(service, db_path, capsys, date, name, status, message):
    d = complete_decision(service)
    assert _sign_off(db_path, d.id, "Monitoring Officer", name=name, date=date) == status
    assert message in capsys.readouterr().err


def test_unknown_decision_is_exit_1(service, db_path, capsys):
    assert _sign_off(db_path, "nope-nope", "Monitoring Officer") == 1
    assert "no decision 'nope-nope'" in capsys.readouterr().err


def test_signed_off_record_refuses_more_sign_offs(service, db_path, capsys):
    d = complete_decision(service)
    for role in ROLES:
        assert _sign_off(db_path, d.id, role) == 0
    assert _sign_off(db_path, d.id, ROLES[0]) == 1
    assert "already signed off and locked; amend it" in capsys.readouterr().err
