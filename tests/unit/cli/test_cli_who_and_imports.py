"""Who the audit log names, sign-offs that arrive in a bundle, and `amend` on the command line."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.helpers.cli import HAND_WRITTEN, ROOT, run, write_bundle

LIBRARY_ID = HAND_WRITTEN["decisions"][0]["id"]
ROLES = ("Proposing Director", "Section 151 Officer", "Monitoring Officer",
         "Chair or Portfolio Holder")


def _real_account() -> str:
    if os.name == "nt":
        pytest.skip("POSIX account lookup")
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def _main_py(*argv, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd="/",
                          capture_output=True, text=True, timeout=timeout, env=env)


def _audit_rows(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT user, decision_id, version, field, old_value, new_value "
                            "FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


# ---- who ------------------------------------------------------------------------------------
def test_who_is_the_account_not_the_environment(tmp_path):
    account = _real_account()
    env = dict(os.environ, LOGNAME="Chief Executive", USER="Chief Executive",
               USERNAME="Chief Executive", LNAME="Chief Executive")
    db = tmp_path / "register.db"
    bundle = write_bundle(tmp_path / "hand.json", HAND_WRITTEN)
    done = _main_py("--db", db, "import", bundle, env=env)
    assert done.returncode == 0, done.stderr
    done = _main_py("--db", db, "sign-off", LIBRARY_ID, "--role", ROLES[0], "--name", "A Director",
                    "--date", "2026-11-20", env=env)
    assert done.returncode == 0, done.stderr
    audit = _main_py("--db", db, "audit", LIBRARY_ID, env=env)
    assert audit.returncode == 0, audit.stderr
    users = {line.split("\t")[1] for line in audit.stdout.splitlines()}
    assert users == {account}
    assert {row[0] for row in _audit_rows(db)} == {account}


def test_os_user_without_a_passwd_entry_is_the_number(monkeypatch):
    if os.name == "nt":
        pytest.skip("POSIX")
    import pwd

    from desktop.application import decisions as services

    def no_entry(uid):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    monkeypatch.setenv("LOGNAME", "Chief Executive")
    assert services.os_user() == f"uid {os.geteuid()}"


def test_on_windows_who_comes_from_getusernamew_not_the_environment(monkeypatch):
    import ctypes

    from desktop.application import decisions as services

    class Advapi32:
        @staticmethod
        def GetUserNameW(buffer, size):  # noqa: N802 - the Windows API's name
            buffer.value = "COUNCIL\\jsmith"
            return 1

    monkeypatch.setattr(ctypes, "WinDLL", lambda name, **kw: Advapi32(), raising=False)
    monkeypatch.setattr(services.os, "name", "nt")
    monkeypatch.setenv("USERNAME", "Chief Executive")
    assert services.os_user() == "COUNCIL\\jsmith"


# ---- imported sign-offs ----------------------------------------------------------------------
def _signed_bundle(*, dates=("2026-11-20",) * 4, status=None) -> dict:
    data = copy.deepcopy(HAND_WRITTEN)
    library = data["decisions"][0]
    library["sign_offs"] = [
        {"role": role, "name": f"Signer {i}", "date": date,
         **({"minute_reference": "45/26"} if i == 0 else {})}
        for i, (role, date) in enumerate(zip(ROLES, dates, strict=True))
    ]
    if status:
        library["status"] = status
    return data


def test_imported_sign_offs_are_audited_as_imported(tmp_path, capsys):
    db = tmp_path / "register.db"
    bundle = write_bundle(tmp_path / "from-county.json", _signed_bundle())
    status, _, err = run(capsys, "--db", db, "import", bundle)
    assert status == 0, err
    rows = [r for r in _audit_rows(db) if r[1] == LIBRARY_ID]
    signed = [r for r in rows if r[3].startswith("sign_off.")]
    assert [(r[3], r[4], r[5]) for r in signed] == [
        ("sign_off.Proposing Director", None, "Signer 0, 2026-11-20, minute 45/26"),
        ("sign_off.Section 151 Officer", None, "Signer 1, 2026-11-20"),
        ("sign_off.Monitoring Officer", None, "Signer 2, 2026-11-20"),
        ("sign_off.Chair or Portfolio Holder", None, "Signer 3, 2026-11-20"),
    ]
    imported = [r for r in rows if r[3] == "imported"]
    assert [(r[2], r[4], r[5]) for r in imported] == [(1, None, "from-county.json")]
    assert ("status", None, "signed-off") in [(r[3], r[4], r[5]) for r in rows]
    # the check still holds: every signed-off version's lock is on record, the chain intact
    status, out, _ = run(capsys, "--db", db, "audit", "--check")
    assert status == 0, out
    status, out, _ = run(capsys, "--db", db, "audit", LIBRARY_ID)
    assert "from-county.json" in out


def test_an_import_without_sign_offs_writes_no_imported_row(tmp_path, capsys):
    db = tmp_path / "register.db"
    assert run(capsys, "--db", db, "import", write_bundle(tmp_path / "h.json", HAND_WRITTEN))[0] == 0
    assert not [r for r in _audit_rows(db) if r[3] in ("imported",) or r[3].startswith("sign_off.")]


def _table_counts(db) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


@pytest.fixture
def register(tmp_path, capsys):
    """A register holding one unrelated decision, so that 'nothing written' is measurable."""
    db = tmp_path / "register.db"
    other = {"format": "decision-checklist/1", "decisions": [{"title": "Other", "proposal": "x"}]}
    assert run(capsys, "--db", db, "import", write_bundle(tmp_path / "other.json", other))[0] == 0
    return db


@pytest.mark.parametrize("date", ["9999-12-31", "2999-01-01"])
def test_a_sign_off_dated_in_the_future_is_refused(register, tmp_path, capsys, date):
    before = _table_counts(register)
    bundle = write_bundle(tmp_path / "future.json",
                          _signed_bundle(dates=("2026-11-20", date, "2026-11-20", "2026-11-20")))
    status, out, err = run(capsys, "--db", register, "import", bundle)
    assert status == 2 and out == ""
    assert err.strip() == f"error: decisions[0].sign_offs[1].date: {date} is in the future"
    assert _table_counts(register) == before


@pytest.mark.parametrize("date", ["1900-01-01", "1999-12-31"])
def test_a_sign_off_dated_before_2000_is_refused(register, tmp_path, capsys, date):
    before = _table_counts(register)
    bundle = write_bundle(tmp_path / "early.json",
                          _signed_bundle(dates=("2026-11-20", "2026-11-20", date, "2026-11-20")))
    status, out, err = run(capsys, "--db", register, "import", bundle)
    assert status == 2 and out == ""
    assert err.strip() == (f"error: decisions[0].sign_offs[2].date: {date} is before 1 January "
                           "2000, the earliest date a sign-off can carry")
    assert _table_counts(register) == before


def test_an_imported_role_is_matched_as_the_sign_off_command_matches_it(register, tmp_path,
                                                                        capsys):
    data = _signed_bundle()
    data["decisions"][0]["sign_offs"][2]["role"] = " monitoring  officer "
    status, _, err = run(capsys, "--db", register, "import",
                         write_bundle(tmp_path / "spaced.json", data))
    assert status == 0, err
    _, listing, _ = run(capsys, "--db", register, "list", "--json")
    assert next(r for r in json.loads(listing) if r["id"] == LIBRARY_ID)["status"] == "signed-off"
    twice = _signed_bundle()
    twice["decisions"][0]["sign_offs"][3]["role"] = "Monitoring   Officer"
    twice["decisions"][0]["id"] = "0b7e4a8e-3f7d-4c8e-9a59-1c2d3e4f5a6b"
    status, _, err = run(capsys, "--db", register, "import",
                         write_bundle(tmp_path / "twice.json", twice))
    assert status == 2
    assert "decisions[0].sign_offs[3].role: 'Monitoring   Officer' appears twice" in err


@pytest.mark.parametrize("roles", [ROLES[:1], ROLES])
def test_sign_offs_on_a_withdrawn_record_are_refused(register, tmp_path, capsys, roles):
    before = _table_counts(register)
    data = _signed_bundle(status="withdrawn")
    data["decisions"][0]["sign_offs"] = data["decisions"][0]["sign_offs"][:len(roles)]
    status, out, err = run(capsys, "--db", register, "import",
                           write_bundle(tmp_path / "withdrawn.json", data))
    assert status == 2 and out == ""
    assert err.strip() == ("error: decisions[0].sign_offs: a withdrawn record cannot carry "
                           "sign-offs")
    assert _table_counts(register) == before


def test_a_refused_import_into_a_new_file_leaves_no_database(tmp_path, capsys):
    target = tmp_path / "new.db"
    bundle = write_bundle(tmp_path / "future.json", _signed_bundle(dates=("9999-12-31",) * 4))
    assert run(capsys, "--db", target, "import", bundle)[0] == 2
    assert not target.exists()


def test_service_import_names_the_source(service):
    [d, *_] = service.import_bundle(json.dumps(_signed_bundle()), source="clerk.json")
    rows = [e for e in service.repo.audit_entries(d.id) if e.field == "imported"]
    assert [(e.user, e.new_value) for e in rows] == [("tester", "clerk.json")]


# ---- amend ------------------------------------------------------------------------------------
@pytest.fixture
def signed_register(tmp_path, capsys):
    db = tmp_path / "register.db"
    assert run(capsys, "--db", db, "import",
               write_bundle(tmp_path / "signed.json", _signed_bundle()))[0] == 0
    return db


def test_amend_starts_the_next_version(signed_register, capsys):
    status, out, err = run(capsys, "--db", signed_register, "amend", LIBRARY_ID[:8],
                           "--reason", "The lease term changed to 20 years")
    assert (status, err) == (0, "")
    assert out == f"{LIBRARY_ID}\t2\n"
    _, listing, _ = run(capsys, "--db", signed_register, "list", "--json")
    library = next(r for r in json.loads(listing) if r["id"] == LIBRARY_ID)
    assert library["version"] == 2 and library["status"] == "ready"
    rows = [r for r in _audit_rows(signed_register) if r[1] == LIBRARY_ID and r[2] == 2]
    assert ("amendment_reason", None, "The lease term changed to 20 years") in [r[3:] for r in rows]
    # the old version stays, read-only: it still exports
    assert run(capsys, "--db", signed_register, "export", LIBRARY_ID, "--version", "1",
               "--out", signed_register.with_name("v1.pdf"))[0] == 0


def test_amend_of_a_record_not_signed_off_is_exit_1(tmp_path, capsys):
    db = tmp_path / "register.db"
    assert run(capsys, "--db", db, "import", write_bundle(tmp_path / "h.json", HAND_WRITTEN))[0] == 0
    status, out, err = run(capsys, "--db", db, "amend", LIBRARY_ID, "--reason", "Because")
    assert status == 1 and out == ""
    assert len(err.splitlines()) == 1 and "not signed off; change it directly" in err


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_amend_with_an_empty_reason_is_exit_2(signed_register, capsys, reason):
    status, _, err = run(capsys, "--db", signed_register, "amend", LIBRARY_ID, "--reason", reason)
    assert status == 2 and len(err.splitlines()) == 1 and "--reason" in err
    _, listing, _ = run(capsys, "--db", signed_register, "list", "--json")
    assert next(r for r in json.loads(listing) if r["id"] == LIBRARY_ID)["version"] == 1


def test_amend_of_an_unknown_record_is_exit_1(signed_register, capsys):
    status, _, err = run(capsys, "--db", signed_register, "amend", "ffffffff", "--reason", "x")
    assert status == 1 and "no decision 'ffffffff'" in err


def test_amend_needs_a_reason_option(signed_register, capsys):
    status, _, err = run(capsys, "--db", signed_register, "amend", LIBRARY_ID)
    assert status == 2 and "--reason" in err and len(err.splitlines()) == 1
