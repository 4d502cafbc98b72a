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
    # the server refuses it as stale; the service reads again, and the printed copy no longer
    # matches the fresh read, so it is refused for that (p009: one retry, every check re-run)
    with pytest.raises(Refused, match="changed after that copy was printed"):
        clerk.lifecycle.record_sign_off(
            d.id, SignOffRequest(ROLES[0], "A. Clerk", "2026-11-20"), code=printed)
    monkeypatch.undo()
    after = author.get(d.id)
    assert after.title == "A title nobody signed"
    assert after.sign_offs == ()
    assert not [e for e in author.lifecycle.history(d.id) if e.field.startswith("sign_off.")]
    for svc in (author, clerk):
        svc.close()


_PERSON = """
import sys
from desktop.application.bootstrap import open_service
from desktop.application.lifecycle import SignOffRequest
from desktop.domain.errors import KnownError
from desktop.domain.record import content_code
url, decision_id, what = sys.argv[1:4]
svc = open_service(url)
printed = content_code(svc.get(decision_id))  # the copy the clerk has in hand
print("ready", flush=True)
sys.stdin.readline()
try:
    if what == "edit":
        svc.update(decision_id, title="Edited while the clerk signed")
    else:  # as `sign-off --code`
        svc.lifecycle.record_sign_off(
            decision_id, SignOffRequest(sys.argv[4], "A. Clerk", "2026-11-20"), code=printed)
    print("done", flush=True)
except KnownError as exc:
    print(f"refused: {exc}", flush=True)
"""


def _person(url: str, decision_id: str, *what: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _PERSON, url, decision_id, *what],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def test_an_author_saving_while_the_clerk_signs_a_printed_copy_never_both_win(pg_register):
    author = open_service(pg_register.url("alice"))
    for run in range(RUNS):
        d = complete_decision(author, f"Race {run}")
        people = [_person(pg_register.url("alice"), d.id, "edit"),
                  _person(pg_register.url("bob"), d.id, "sign", ROLES[0])]
        for p in people:  # both have read the record; now both go at once
            assert p.stdout.readline().strip() == "ready", p.communicate()
        for p in people:
            p.stdin.write("go\n")
            p.stdin.flush()
        (edited, _), (signed, err) = (p.communicate(timeout=60) for p in people)
        assert "Traceback" not in err, err
        after = author.get(d.id)
        history = [e.field for e in author.lifecycle.history(d.id)]
        if signed.strip() == "done":
            assert len(after.sign_offs) == 1, after.sign_offs
            # signed first: the title on the clerk's copy was the stored one when it signed
            assert "title" not in history[:history.index(f"sign_off.{ROLES[0]}")], history
        else:
            assert "changed after it was read" in signed or "not the code" in signed, signed
            assert after.sign_offs == ()
            assert edited.strip() == "done", edited
    author.close()
