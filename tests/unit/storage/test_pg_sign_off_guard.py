"""A sign-off and an author's raw edit of the same version queue, and a sign-off's staleness
rests on the audit log, not on a column authors write (issue 17, the hostile tester's H1 and
M4; p010).

The race: an author opens a transaction with psql and changes a ready version's answers (and,
to beat the stale check, writes the changed content's code into versions.verification_code);
a clerk records a sign-off meanwhile; the author commits. Before p010 the clerk's sign-off did
not wait, passed the stale check, and stood on content the clerk never saw.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import psycopg
import pytest

from desktop.application.bootstrap import open_service
from desktop.application.lifecycle import SignOffRequest
from desktop.domain.errors import KnownError, Refused
from desktop.domain.record import code_for, content_code
from tests.helpers.lifecycle import ROLES, complete_decision

pytestmark = pytest.mark.postgres

AT = "2026-11-30T10:00:00+00:00"
HELD = "DC002"


def _in_thread(fn):
    """Run fn in a thread; (thread, result dict: 'value' or 'error')."""
    out: dict[str, object] = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def _version_id(db, decision_id: str) -> int:
    with db.connect() as conn:
        return conn.execute("SELECT id FROM versions WHERE decision_id = %s",
                            (decision_id,)).fetchone()[0]


def _evil_edit(conn, author, decision_id: str, vid: int, *, forge_code: bool) -> None:
    """As the author, in the connection's open transaction: an answer changed with raw SQL,
    and (forge_code) the stored code made the changed content's, as the tester did."""
    d = author.get(decision_id)
    slug = sorted(d.answers)[0]
    conn.execute("UPDATE answers SET response = 'EVIL' WHERE version_id = %s AND slug = %s",
                 (vid, slug))
    if forge_code:
        evil = replace(d, answers={**d.answers, slug: replace(d.answers[slug], response="EVIL")})
        conn.execute("UPDATE versions SET verification_code = %s WHERE id = %s",
                     (code_for(evil), vid))


def _race_once(pg_register, author, clerk, title: str, *, forge_code: bool) -> dict:
    d = complete_decision(author, title)
    vid = _version_id(pg_register, d.id)
    printed = content_code(clerk.get(d.id))  # the copy in the clerk's hand
    with pg_register.connect("alice", autocommit=False) as conn:
        _evil_edit(conn, author, d.id, vid, forge_code=forge_code)  # left open
        t, out = _in_thread(lambda: clerk.lifecycle.record_sign_off(
            d.id, SignOffRequest(ROLES[0], "A. Clerk", "2026-11-20"), code=printed))
        t.join(0.5)
        waited = t.is_alive()
        conn.commit()
    t.join(30)
    assert not t.is_alive()
    after = author.get(d.id)
    return {"waited": waited, "out": out, "after": after}


@pytest.mark.parametrize("forge_code", [False, True])
def test_a_sign_off_waits_for_an_open_raw_edit_and_is_then_refused(pg_register, forge_code):
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    r = _race_once(pg_register, author, clerk, "Raw race", forge_code=forge_code)
    assert r["waited"], "the sign-off did not wait for the author's open transaction"
    assert isinstance(r["out"].get("error"), Refused), r["out"]
    assert "EVIL" in [a.response for a in r["after"].answers.values()]  # the author's commit stands
    assert r["after"].sign_offs == ()  # nobody signed content they did not see
    for svc in (author, clerk):
        svc.close()


def test_the_raw_edit_race_ten_times(pg_register):
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    signed_unseen = 0
    for i in range(10):
        r = _race_once(pg_register, author, clerk, f"Raw race {i}", forge_code=i % 2 == 0)
        signed_unseen += bool(r["after"].sign_offs)
    assert signed_unseen == 0
    for svc in (author, clerk):
        svc.close()


def test_a_raw_edit_waits_for_an_open_sign_off_and_then_sees_it(pg_register):
    """The other order: a clerk's first sign-off is open; the author's raw edit waits for it,
    then finds the version held for its signers (p007) and is refused."""
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    d = complete_decision(author, "Sign first")
    vid = _version_id(pg_register, d.id)
    read = clerk.get(d.id)
    seen = clerk.repo.newest_audit_id(d.id)
    with pg_register.connect("bob", autocommit=False) as bob:
        assert bob.execute(
            "SELECT record_sign_off(%s, %s, 'A. Clerk', '2026-11-20', '', '', %s, %s, %s, "
            "NULL, NULL, %s)", (vid, ROLES[0], AT, code_for(read), json.dumps([]), seen)
        ).fetchone()[0] == "ready"

        def edit():
            with pg_register.connect("alice", autocommit=False) as alice:
                _evil_edit(alice, author, d.id, vid, forge_code=False)
                alice.commit()

        t, out = _in_thread(edit)
        t.join(0.5)
        waited = t.is_alive()
        bob.commit()
    t.join(30)
    assert waited, "the raw edit did not wait for the open sign-off"
    assert isinstance(out.get("error"), psycopg.Error) and out["error"].sqlstate == HELD
    after = author.get(d.id)
    assert "EVIL" not in [a.response for a in after.answers.values()]
    assert [s.role for s in after.sign_offs] == [ROLES[0]]
    for svc in (author, clerk):
        svc.close()


def test_after_a_raw_edit_a_sign_off_says_what_is_wrong(pg_register):
    """A committed raw edit leaves the stored code not the content's: the clerk is told the
    record was changed outside the app, not an endless 'read it again'."""
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    d = complete_decision(author, "Edited outside")
    vid = _version_id(pg_register, d.id)
    with pg_register.connect("alice", autocommit=False) as conn:
        _evil_edit(conn, author, d.id, vid, forge_code=False)
        conn.commit()
    with pytest.raises(Refused, match=r"changed outside the app.*audit --check"):
        clerk.lifecycle.record_sign_off(
            d.id, SignOffRequest(ROLES[0], "A. Clerk", "2026-11-20"))
    assert author.get(d.id).sign_offs == ()
    for svc in (author, clerk):
        svc.close()


def test_two_clerks_signing_the_last_two_roles_at_once_both_record_and_it_locks(pg_register):
    """M4: the loser of the race is refused as stale by the server; the service reads again
    and tries once more by itself, so both sign-offs are recorded and the version locks."""
    author = open_service(pg_register.url("alice"))
    clerks = [open_service(pg_register.url(u)) for u in ("bob", "dave")]
    for i in range(10):
        d = complete_decision(author, f"Last two {i}")
        for role in ROLES[:2]:
            clerks[0].lifecycle.record_sign_off(d.id, SignOffRequest(role, "A. Clerk",
                                                                     "2026-11-20"))
        gate = threading.Barrier(2)

        def go(svc, role, d=d, gate=gate):
            gate.wait()
            return svc.lifecycle.record_sign_off(d.id, SignOffRequest(role, "A. Clerk",
                                                                      "2026-11-20"))

        runs = [_in_thread(lambda s=s, r=r: go(s, r)) for s, r in zip(clerks, ROLES[2:], strict=True)]
        for t, _ in runs:
            t.join(60)
        errors = [out["error"] for _, out in runs if "error" in out]
        assert not errors, errors
        after = author.get(d.id)
        assert sorted(s.role for s in after.sign_offs) == sorted(ROLES)
        assert after.status.value == "signed-off"
    for svc in (author, *clerks):
        svc.close()


def test_a_printed_copy_that_no_longer_matches_is_still_refused_after_the_retry(pg_register):
    """The retry re-runs every check: with --code, a copy printed before another person's
    change is refused, not signed on the fresh read."""
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    d = complete_decision(author, "Printed before")
    printed = content_code(clerk.get(d.id))
    author.update(d.id, title="Changed after printing")
    with pytest.raises(KnownError, match="printed"):
        clerk.lifecycle.record_sign_off(
            d.id, SignOffRequest(ROLES[0], "A. Clerk", "2026-11-20"), code=printed)
    assert author.get(d.id).sign_offs == ()
    for svc in (author, clerk):
        svc.close()


def _lock_with(pg_register, clerk, d, codes: tuple[str, str]):
    """The last sign-off of d, as raw SQL by bob, locking with the codes given."""
    vid = _version_id(pg_register, d.id)
    for role in ROLES[:-1]:
        clerk.lifecycle.record_sign_off(d.id, SignOffRequest(role, "A. Clerk", "2026-11-20"))
    read = clerk.get(d.id)
    seen = clerk.repo.newest_audit_id(d.id)
    signed = [[s.role, s.name, s.date, s.minute_reference, s.comment] for s in read.sign_offs]
    with pg_register.connect("bob") as bob:
        return bob.execute(
            "SELECT record_sign_off(%s, %s, 'A. Clerk', '2026-11-20', '', '', %s, %s, %s, "
            "%s, %s, %s)", (vid, ROLES[-1], AT, code_for(read), json.dumps(signed), *codes, seen)
        ).fetchone()[0]


@pytest.mark.parametrize("which", ["another record's code", "a content code not the draft's",
                                   "the content code as the printed one"])
def test_the_last_sign_off_is_refused_codes_that_are_not_the_versions_own(pg_register, which):
    """M1: record_sign_off took whatever codes the clerk gave; now the server refuses those it
    can tell are not this version's, and the version stays ready with no last sign-off."""
    author = open_service(pg_register.url("alice"))
    clerk = open_service(pg_register.url("bob"))
    signed = complete_decision(author, "Another record")
    for role in ROLES:
        clerk.lifecycle.record_sign_off(signed.id, SignOffRequest(role, "A. Clerk", "2026-11-20"))
    theirs = clerk.get(signed.id)
    d = complete_decision(author, "This record")
    own = content_code(author.get(d.id))
    codes = {"another record's code": (code_for(theirs), own),
             "a content code not the draft's": ("AAAA-BBBB-CCCC", content_code(theirs)),
             "the content code as the printed one": (own, own)}[which]
    with pytest.raises(psycopg.Error) as caught:
        _lock_with(pg_register, clerk, d, codes)
    assert caught.value.sqlstate == HELD and "not its own" in str(caught.value)
    after = author.get(d.id)
    assert after.status.value == "ready" and len(after.sign_offs) == len(ROLES) - 1
    # the app's own codes still lock it
    clerk.lifecycle.record_sign_off(d.id, SignOffRequest(ROLES[-1], "A. Clerk", "2026-11-20"))
    assert author.get(d.id).status.value == "signed-off"
    for svc in (author, clerk):
        svc.close()
