"""Command-line cases found by attacking the contract: nothing a user can type overwrites the
register, breaks a later import, or ends in a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.cli import HAND_WRITTEN, ROOT, main_py, run, write_bundle

SIGNED_ID = HAND_WRITTEN["decisions"][0]["id"]


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "register.db"
    status, _, _ = run(capsys, "--db", path, "import", write_bundle(tmp_path / "h.json",
                                                                   HAND_WRITTEN))
    assert status == 0
    return path


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("command", [["export-json"], ["export", SIGNED_ID], ["pack", SIGNED_ID]])
def test_out_never_replaces_a_database(db, capsys, command, suffix):
    # The -wal and -shm files exist only while the register is open (SQLite removes them at
    # close), which is exactly when an export writes: they are refused by name.
    target = db.with_name(db.name + suffix)
    before = db.read_bytes()
    status, _, err = run(capsys, "--db", db, *command, "--out", target)
    assert status == 2 and "is a database" in err and len(err.splitlines()) == 1
    assert db.read_bytes() == before
    assert not suffix or not target.exists()
    assert run(capsys, "--db", db, "list")[0] == 0


def test_out_never_replaces_another_database(db, tmp_path, capsys):
    import sqlite3

    other = tmp_path / "payroll.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = other.read_bytes()
    assert run(capsys, "--db", db, "export-json", "--out", other)[0] == 2
    assert other.read_bytes() == before


@pytest.mark.parametrize("date", ["2026-W45-1", "2026-W45", "20261102", "2026-11-2"])
def test_sign_off_refuses_dates_an_import_would_refuse(db, capsys, date):
    status, _, err = run(capsys, "--db", db, "sign-off", SIGNED_ID, "--role", "section 151 officer",
                         "--name", "A Finance", "--date", date)
    assert status == 2 and "is not a date in the form YYYY-MM-DD" in err


def test_export_json_names_each_decision_once(db, tmp_path, capsys):
    out = tmp_path / "twice.json"
    assert run(capsys, "--db", db, "export-json", SIGNED_ID, SIGNED_ID[:8], SIGNED_ID,
               "--out", out)[0] == 0
    assert [d["id"] for d in json.loads(out.read_text())["decisions"]] == [SIGNED_ID]
    assert run(capsys, "--db", tmp_path / "fresh.db", "import", out)[0] == 0


def test_an_empty_db_option_is_refused_not_the_default_register(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    status, _, err = run(capsys, "--db", "", "list")
    assert status == 2 and "--db" in err
    assert not (tmp_path / "data").exists()


def test_a_refused_import_leaves_no_new_database(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "decision-checklist/1", "decisions": [{"title": ""}]}')
    target = tmp_path / "new.db"
    assert run(capsys, "--db", target, "import", bad)[0] == 2
    assert run(capsys, "--db", target, "import", tmp_path / "missing.json")[0] == 2
    assert list(tmp_path.iterdir()) == [bad]


def test_tabs_and_newlines_in_a_title_stay_on_one_line(tmp_path, capsys):
    bundle = {"format": "decision-checklist/1",
              "decisions": [{"title": "Line one\nline two\tand a tab", "proposal": "P"}]}
    db = tmp_path / "t.db"
    status, out, _ = run(capsys, "--db", db, "import", write_bundle(tmp_path / "t.json", bundle))
    assert status == 0 and out.count("\n") == 1 and out.count("\t") == 1
    assert out.rstrip("\n").split("\t")[1] == "Line one\\nline two\\tand a tab"
    _, out, _ = run(capsys, "--db", db, "list")
    assert out.count("\n") == 1 and out.count("\t") == 6


def test_a_closed_pipe_ends_quietly(db):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for args in (["list"], ["list", "--json"]):
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        proc.stdout.close()  # the reader went away before anything was printed
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0 and "Traceback" not in err, err


def test_output_is_utf8_whatever_the_locale(db, tmp_path):
    bundle = {"format": "decision-checklist/1",
              "decisions": [{"title": "Café ☕ مكتبة 📚", "proposal": "P"}]}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "cp1252"}
    run_ = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "import",
                           str(write_bundle(tmp_path / "u.json", bundle))],
                          capture_output=True, env=env, timeout=60)
    assert run_.returncode == 0, run_.stderr
    assert run_.stdout.decode("utf-8").endswith("\tCafé ☕ مكتبة 📚\n")


def test_bytes_that_are_not_text_are_refused(db, tmp_path):
    name = os.fsdecode(b"bad\xffname")
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "sign-off",
                           SIGNED_ID, "--role", "Monitoring Officer", "--name", name,
                           "--date", "2026-11-20"], capture_output=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "--name" in err and "Traceback" not in err


def test_verify_of_a_damaged_pdf_prints_one_line(db, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n")
    proc = main_py("--db", db, "verify", damaged, cwd=tmp_path)
    # It prints no code that can be read: the answer (on stdout) is NO MATCH, exit 1.
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    assert proc.stdout.splitlines() == ["NO MATCH: this file prints no verification code"]


def test_the_round_trip_holds_after_signing_through_the_command_line(db, tmp_path, capsys):
    for role in ("Proposing Director", "section 151 officer", "Monitoring Officer",
                 "Chair or Portfolio Holder"):
        assert run(capsys, "--db", db, "sign-off", SIGNED_ID, "--role", role, "--name", "N",
                   "--date", "2026-11-02")[0] == 0
    out = tmp_path / "all.json"
    assert run(capsys, "--db", db, "export-json", "--out", out)[0] == 0
    # Import checks each signed-off record's verification code against its content.
    assert run(capsys, "--db", tmp_path / "other.db", "import", out)[0] == 0


def test_warnings_never_pass_control_characters_to_the_terminal(tmp_path, capsys):
    bundle = {"format": "decision-checklist/1",
              "decisions": [{"title": "Bells 漢字", "proposal": "P", "reference": "R\x07\x1b[31m"}]}
    db = tmp_path / "w.db"
    status, out, _ = run(capsys, "--db", db, "import", write_bundle(tmp_path / "w.json", bundle))
    decision_id = out.split("\t")[0]
    status, _, err = run(capsys, "--db", db, "export", decision_id, "--out", tmp_path / "w.pdf")
    assert status == 0 and "warning: R\\u0007\\u001b[31m version 1: title" in err
    assert "\x07" not in err and "\x1b" not in err


@given(st.text())
def test_one_line_output_never_breaks_a_line_or_a_column(text):
    from desktop.cli.main import one_line

    out = one_line(text)
    assert len(out.splitlines()) <= 1 and "\t" not in out
    # The escapes undo exactly: nothing typed is lost from the output.
    simple = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    back = re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)",
                  lambda m: simple.get(m[1]) or chr(int(m[1][1:], 16)), out)
    assert back == text
