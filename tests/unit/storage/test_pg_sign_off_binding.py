"""A clerk's sign-off is bound to the copy the clerk checked, on the shared register.

The clerk's checks (and the printed copy's code, with --code) are made on a read taken before
the server locks the version row; the server's record_sign_off must compare what is stored
under that lock with the very record those checks used, so an author's edit saved in between
is refused as stale, never signed (issue 17, F1).

`make test` races the author and the clerk DC_RACE_RUNS times (default 5); `make stress` 20.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.application.bootstrap import open_service
from desktop.application.lifecycle import SignOffRequest
from desktop.domain.errors import Refused
from desktop.domain.record import content_code
from tests.helpers.lifecycle import ROLES, complete_decision

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
RUNS = int(os.environ.get("DC_RACE_RUNS", "5"))


def test_an_edit_saved_between_the_clerks_checks_and_the_sign_off_is_refused(
        pg_register, monkeypatch):
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    d = complete_decision(author)
    printed = content_code(clerk.get(d.id))
    looked_up = clerk.repo.version_id

    def edited_meanwhile(*args):  # after the clerk's checks, before the server is asked
        author.update(d.id, title="A title nobody signed")
        return looked_up(*args)

    monkeypatch.setattr(clerk.repo, "version_id", edited_meanwhile)
    with pytest.raises(Refused, match="changed after it was read"):
        clerk.lifecycle.record_sign_off(
            d.id, SignOffRequest(ROLES[0], "A. Clerk", "2026-11-20"), code=printed)
    monkeypatch.undo()
    after = author.get(d.id)
    assert after.title == "A title nobody signed"
    assert after.sign_offs == ()
    assert not [e for e in author.lifecycle.history(d.id) if e.field.startswith("sign_off.")]
    for svc in (author, clerk):
        svc.close()


_EDIT = """
import sys
from desktop.application.bootstrap import open_service
svc = open_service(sys.argv[1])
sys.stdin.readline()
svc.update(sys.argv[2], title="Edited while the clerk signed")
print("saved")
"""


def test_an_author_saving_while_the_clerk_signs_a_printed_copy_never_both_win(
        pg_register, tmp_path):
    author = open_service(pg_register.url("alice"))
    for run in range(RUNS):
        d = complete_decision(author, f"Race {run}")
        printed = content_code(author.get(d.id))
        edit = subprocess.Popen([sys.executable, "-c", _EDIT, pg_register.url("alice"), d.id],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)
        sign = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--db", pg_register.url("bob"), "sign-off",
             d.id, "--role", ROLES[0], "--name", "A. Clerk", "--date", "2026-11-20",
             "--code", printed], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=tmp_path)
        edited, _ = edit.communicate("go\n", timeout=60)
        signed = sign.wait(timeout=60), sign.communicate()[1]
        assert "Traceback" not in signed[1], signed
        after = author.get(d.id)
        history = [e.field for e in author.lifecycle.history(d.id)]
        if signed[0] == 0:
            assert len(after.sign_offs) == 1, after.sign_offs
            # signed first: the title the clerk checked was the stored one when it signed
            assert "title" not in history[:history.index(f"sign_off.{ROLES[0]}")], history
        else:
            assert "changed after it was read" in signed[1] or "not the code" in signed[1], \
                signed
            assert after.sign_offs == ()
        assert edited.strip() == "saved" or after.sign_offs, edited
    author.close()
