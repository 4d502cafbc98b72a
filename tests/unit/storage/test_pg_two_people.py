"""Two people, one shared register: separate processes as separate database users.

An author edits, a clerk signs from the command line, a reader reads; each person's rows say
who they are (the server's session user, whatever the client claims), each may do only what
their role allows, and a stale write from a second process is a conflict, never overwritten.
"""

from __future__ import annotations

import json

import pytest

from desktop.application.bootstrap import open_service
from desktop.domain.errors import Refused
from desktop.domain.merge import EditConflict
from tests.helpers.cli import HAND_WRITTEN, main_py, write_bundle
from tests.helpers.engines import person
from tests.helpers.lifecycle import ROLES, complete_decision

pytestmark = pytest.mark.postgres


def test_author_edits_clerk_signs_reader_reads_in_three_processes(pg_register, tmp_path):
    author = open_service(pg_register.url("alice"), user="Chief Executive")  # a claim, unused
    d = complete_decision(author)
    assert author.user == "alice"
    clerk = pg_register.url("bob")
    for role in ROLES:  # each sign-off its own process, as the clerk
        done = main_py("--db", clerk, "sign-off", d.id, "--role", role, "--name",
                       f"Signer for {role}", "--date", "2026-11-20", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    reader = main_py("--db", pg_register.url("carol"), "list", "--json", cwd=tmp_path)
    assert reader.returncode == 0, reader.stderr
    [row] = json.loads(reader.stdout)
    assert (row["id"], row["status"]) == (d.id, "signed-off")
    pdf = main_py("--db", pg_register.url("carol"), "export", d.id, "--out",
                  tmp_path / "record.pdf", cwd=tmp_path)
    assert pdf.returncode == 0, pdf.stderr
    assert (tmp_path / "record.pdf").read_bytes().startswith(b"%PDF-")
    history = author.lifecycle.history(d.id)
    who = {e.field.split(".")[0]: e.user for e in history}
    assert who["created"] == "alice" and who["sign_off"] == "bob" and who["status"] == "bob"
    assert {e.user for e in history} == {"alice", "bob"}
    assert author.repo.check_audit_log().tampered == ()
    author.close()


def test_each_role_may_do_only_its_own_part(pg_register, tmp_path):
    author = open_service(pg_register.url("alice"))
    d = complete_decision(author)
    reader = open_service(pg_register.url("carol"))
    with pytest.raises(Refused, match="your database role 'carol' may not"):
        reader.update(d.id, title="A reader's title")
    clerk_only = open_service(pg_register.url("bob"))
    with pytest.raises(Refused, match="your database role 'bob' may not"):
        clerk_only.update(d.id, title="A clerk's title")
    signed = main_py("--db", pg_register.url("alice"), "sign-off", d.id, "--role", ROLES[0],
                     "--name", "A. Signer", "--date", "2026-11-20", cwd=tmp_path)
    assert signed.returncode == 1
    assert "your database role 'alice' may not" in signed.stderr
    assert signed.stderr.count("\n") == 1
    assert author.get(d.id).title == d.title and author.get(d.id).sign_offs == ()
    for svc in (author, reader, clerk_only):
        svc.close()


def test_a_stale_write_from_a_second_process_is_a_conflict(pg_register):
    first = open_service(pg_register.url("alice"))
    second = open_service(person(pg_register, "erin", "dc_author"))
    opened = first.create("Close the depot", proposal="Sell the site")
    held_by_second = second.get(opened.id)
    first.update(opened, proposal="Lease the site")  # saved first
    with pytest.raises(EditConflict) as conflict:  # the second writer read it before that
        second.update(held_by_second, proposal="Keep the site")
    assert conflict.value.conflicts == ("proposal",)
    assert conflict.value.saved.proposal == "Lease the site"  # theirs kept, mine on screen
    assert first.get(opened.id).proposal == "Lease the site"
    # a part the first did not change is merged in, not refused
    merged = second.update(held_by_second, reference="EST/7")
    assert (merged.proposal, merged.reference) == ("Lease the site", "EST/7")
    for svc in (first, second):
        svc.close()


def test_the_command_line_on_a_shared_register(pg_register, tmp_path):
    url = person(pg_register, "tester", "dc_author", "dc_clerk")
    bundle = write_bundle(tmp_path / "in.json", HAND_WRITTEN)
    imported = main_py("--db", url, "import", bundle, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    ids = [line.split("\t")[0] for line in imported.stdout.splitlines()]
    assert len(ids) == len(HAND_WRITTEN["decisions"])
    listed = main_py("--db", url, "list", "--json", cwd=tmp_path)
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == sorted(ids)
    out = tmp_path / "out.json"
    exported = main_py("--db", url, "export-json", "--out", out, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert sorted(d["id"] for d in json.loads(out.read_text())["decisions"]) == sorted(ids)
    again = main_py("--db", url, "import", bundle, cwd=tmp_path)
    assert again.returncode != 0 and "already exists" in again.stderr
    for command in (["backup"], ["restore", "x.db"]):
        refused = main_py("--db", url, *command, cwd=tmp_path)
        assert refused.returncode == 2 and "pg_dump" in refused.stderr or \
            "pg_restore" in refused.stderr
