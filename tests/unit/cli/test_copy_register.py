"""`copy-register FROM TO` (issue 17 item 6): a register holding every kind of row, copied from
a file into a shared register and back out into a new file, reads the same at each step:
the bundle, the register list, the audit log row for row, `audit --check`, `verify` of every
code. A target that is not empty is refused and left as it was; a copy killed part-way
leaves its target empty (DC_RACE_RUNS kills, default 3; `make stress` 20).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.domain.decision import Action, Answer, Document, Rating
from tests.helpers.appraisal import CRITERIA, appraised_decision
from tests.helpers.cli import ROOT, run
from tests.helpers.lifecycle import ROLES, sign, signed_off_decision
from tests.helpers.shipped import SLUGS

RUNS = int(os.environ.get("DC_RACE_RUNS", "3"))
BIG = 1200  # decisions in the register the kill tests copy (2.4 batches)
AUDIT_SQL = ('SELECT id, at, "user", decision_id, version, field, old_value, new_value, '
             "prev_hash, hash FROM audit_log ORDER BY id")


def rich_register(service) -> None:
    """Every kind of row, made through the services."""
    d = signed_off_decision(service, "Highways ✓ “in-house” <b>&amp;</b> 👩‍💼")
    service.lifecycle.set_action_done(d.id, "staff", 0, True)
    service.lifecycle.attach_signed_copy(d.id, "signed.pdf", b"%PDF-1.4 scan \x00\xff")
    v2 = service.lifecycle.amend(d.id, "The costs changed")
    service.update(v2, proposal="End the contract in 2028 instead.")
    a = appraised_decision(service)
    a = service.appraisals.change_weight(a, CRITERIA[0].id, CRITERIA[0].weight + 5)
    a = service.set_answer(a.id, SLUGS[0], Answer(
        rating=Rating.GREEN, response="Costed by the finance team.", evidence="Report",
        actions=(Action("Publish the costing", "Finance", "2027-02-01"),),
        documents=(Document("Cabinet report", "2026-10-01", "Town hall, room 4"),)))
    sign(service, a.id, ROLES[0])
    draft = service.checklists.new_checklist_draft(service.checklists.default_id())
    custom = service.checklists.save_draft(draft)
    service.create("Under a council's own checklist", checklist=custom,
                   meeting_date="2026-12-09", key_decision=True)
    w = service.create("Withdrawn before the meeting")
    service.withdraw(w.id)
    gone = service.create("Deleted draft")
    service.delete(gone.id)
    service.set_call_in_days(10)


@pytest.fixture
def source(tmp_path, clock):
    from desktop.application.bootstrap import open_service

    path = tmp_path / "desk.db"
    svc = open_service(path, user="tester", now=clock)
    rich_register(svc)
    svc.close()
    return path


def audit_rows(db) -> list[tuple]:
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db)) as conn:
            return [tuple(r) for r in conn.execute(AUDIT_SQL)]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(AUDIT_SQL)]
    finally:
        conn.close()


def codes(db) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT verification_code FROM versions "
                                           "WHERE verification_code <> '' ORDER BY id")]
    finally:
        conn.close()


_NOT_COMPARED = ("register_meta", "_sqlite_migrations", "sqlite_sequence", "search_index")


def file_rows(db) -> dict[str, list[tuple]]:
    """Every row of every table of a register file but its identity and migrations (the
    search index as its words), sorted; the audit rows without their seals."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table' ORDER BY name")
                  if not r[0].startswith(_NOT_COMPARED)]
        rows = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr)
                for t in tables}
        rows["audit_log"] = [r[:10] for r in rows["audit_log"]]
        rows["search_index"] = sorted(map(tuple, conn.execute(
            "SELECT rowid, title, proposal, answers FROM search_index")))
        return rows
    finally:
        conn.close()


def seen(capsys, tmp_path, db, verify: list[str]) -> dict:
    """What the commands say about the register at db."""
    out = tmp_path / f"bundle-{abs(hash(str(db)))}.json"
    status, _, err = run(capsys, "export-json", "--db", db, "--out", out)
    assert status == 0, err
    bundle = json.loads(out.read_text(encoding="utf-8"))
    bundle.pop("exported_at", None)
    status, listed, err = run(capsys, "list", "--json", "--db", db)
    assert status == 0, err
    status, log, err = run(capsys, "audit", "--db", db)
    assert status == 0, err
    status, check, err = run(capsys, "audit", "--check", "--db", db)
    assert status == 0, (check, err)
    verified = [run(capsys, "verify", code, "--json", "--db", db)[:2] for code in verify]
    return {"bundle": bundle, "list": listed, "log": log, "check": check,
            "verify": verified, "audit_rows": audit_rows(db)}


def test_a_register_copied_into_the_server_and_back_reads_the_same(
        capsys, tmp_path, source, pg_register):
    verify = codes(source)
    assert len(verify) >= 1
    before = seen(capsys, tmp_path, source, verify)
    server = pg_register.url()  # as the database's owner
    status, out, err = run(capsys, "copy-register", source, server)
    assert status == 0, err
    assert "copied 4 decisions (5 versions)" in out
    on_server = seen(capsys, tmp_path, server, verify)
    back = tmp_path / "back" / "desk.db"
    back.parent.mkdir()
    status, out, err = run(capsys, "copy-register", server, back)
    assert status == 0, err
    out_again = seen(capsys, tmp_path, back, verify)
    for name in before:
        if name != "check":  # a file and a server word their check differently
            assert on_server[name] == before[name], name
            assert out_again[name] == before[name], name
    assert before["check"] == out_again["check"]
    rows = file_rows(source)
    assert file_rows(back) == rows
    for table in ("sign_offs", "signed_copies", "action_progress", "documents",
                  "appraisal_scores", "appraisal_weight_changes", "checklists",
                  "register_settings", "version_timeline", "options", "actions"):
        assert rows[table], f"the test register has no {table} rows"
    with pg_register.connect() as conn:
        for table, held in rows.items():
            if conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is not None:
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert count == len(held), table
            else:  # a table the server has not got yet (appraisal_long_list before p005)
                assert held == [], table
    assert "intact" in on_server["check"]
    assert {s for s, _ in before["verify"]} == {0, 3}  # matches, and superseded or withdrawn
    # the server's own ids, seals and identity sequences: a new row goes on after the copy
    with pg_register.connect() as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE seal IS NOT NULL"
                            ).fetchone()[0] == len(before["audit_rows"])
        assert conn.execute("SELECT last_id FROM audit_head").fetchone()[0] == len(
            before["audit_rows"])
    from desktop.application.bootstrap import open_service

    for db in (server, back):
        svc = open_service(db, user="tester", daily_backup=False)
        try:
            made = svc.create("Written after the copy")
            assert svc.get(made.id).title == "Written after the copy"
        finally:
            svc.close()
        status, check, err = run(capsys, "audit", "--check", "--db", db)
        assert status == 0, (check, err)


def test_file_to_file_keeps_every_row_and_a_new_identity(capsys, tmp_path, source):
    target = tmp_path / "copy.db"
    verify = codes(source)
    status, _, err = run(capsys, "copy-register", source, target)
    assert status == 0, err
    before, after = (seen(capsys, tmp_path, db, verify) for db in (source, target))
    assert {k: v for k, v in before.items() if k != "check"} == {
        k: v for k, v in after.items() if k != "check"}
    ids = []
    for db in (source, target):
        conn = sqlite3.connect(db)
        ids.append(conn.execute("SELECT value FROM register_meta WHERE key = 'register_id'"
                                ).fetchone()[0])
        conn.close()
    assert ids[0] != ids[1]  # its own seal and head, never the source's


def _snapshot(path):
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def test_a_target_file_that_exists_is_refused_and_left_as_it_is(capsys, tmp_path, source, fresh):
    other = fresh()
    other.create("Already here")
    target = other.db_path()
    other.close()
    before = _snapshot(source)
    status, out, err = run(capsys, "copy-register", source, target)
    assert status == 2 and out == ""
    assert "already exists" in err and len(err.strip().splitlines()) == 1
    assert _snapshot(source) == before  # the target (and the source) byte for byte


def test_a_shared_register_that_is_not_empty_or_not_made_is_refused(
        capsys, source, pg_register, pg_empty, tmp_path):
    from tests.helpers.engines import person

    status, _, err = run(capsys, "copy-register", source, pg_empty.url())
    assert status == 2 and "server init" in err
    status, _, err = run(capsys, "copy-register", source, person(pg_register, "ann",
                                                                  "dc_author", "dc_clerk"))
    assert status == 2 and "owner" in err
    assert audit_rows(pg_register.url()) == []
    status, _, err = run(capsys, "copy-register", source, pg_register.url())
    assert status == 0, err
    before = audit_rows(pg_register.url())
    status, out, err = run(capsys, "copy-register", source, pg_register.url())
    assert status == 2 and out == "" and "not empty" in err
    assert audit_rows(pg_register.url()) == before


def test_a_user_with_no_role_is_told_so_in_one_line(capsys, source, pg_register):
    status, out, err = run(capsys, "copy-register", source, pg_register.url("mallory"))
    assert status == 2 and out == "", err
    assert "'mallory' has no role on the shared register" in err
    assert "permission denied" not in err and len(err.strip().splitlines()) == 1
    assert audit_rows(pg_register.url()) == []


def test_a_register_from_before_the_seal_checks_out_the_same_at_each_step(
        capsys, tmp_path, pg_register):
    """A file made before audit rows were sealed (schema 3: register_meta.sealed_from > 1),
    opened and written here once (so this computer holds its key)."""
    import shutil

    from desktop.application.bootstrap import open_service

    old = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema-v3.db", old)
    svc = open_service(old, user="tester", daily_backup=False)
    svc.create("Written after the upgrade")
    svc.close()
    back = tmp_path / "back.db"
    checks = []
    for source, target in ((None, old), (old, pg_register.url()), (pg_register.url(), back)):
        if source is not None:
            assert run(capsys, "copy-register", source, target)[0] == 0
        status, out, _ = run(capsys, "audit", "--check", "--db", target)
        checks.append((status, out.splitlines()[-1]))
    assert checks == [(0, checks[0][1])] * 3
    assert audit_rows(back) == audit_rows(old)


@pytest.mark.parametrize("kind", ["long list", "background papers"])
def test_the_files_newer_rows_are_copied_to_the_server(capsys, fresh, pg_register, kind):
    """m011's long list and m012's background papers (p005 on the server) are copied, never
    dropped: the server's bundle of the copy is the file's."""
    from desktop.domain.appraisal import LongListEntry

    svc = fresh()
    d = appraised_decision(svc)
    if kind == "long list":
        svc.appraisals.set_long_list(d, [LongListEntry("Close two libraries", False, "Too few"),
                                         LongListEntry("Community-run", True)])
    else:
        svc.update(d.id, background_papers=(Document("Cabinet report", "2026-10-01", "Web"),))
    path = Path(svc.db_path())
    svc.close()
    status, _, err = run(capsys, "copy-register", str(path), pg_register.url())
    assert status == 0, err
    a, b = path.with_suffix(".a.json"), path.with_suffix(".b.json")
    assert run(capsys, "export-json", "--db", str(path), "--out", str(a))[0] == 0
    assert run(capsys, "export-json", "--db", pg_register.url(), "--out", str(b))[0] == 0
    text = a.read_text("utf-8")
    assert ("Community-run" if kind == "long list" else "Cabinet report") in text
    assert text == b.read_text("utf-8")


def test_text_the_server_cannot_store_copies_nothing(capsys, fresh, pg_register):
    svc = fresh()
    svc.create("A title with a \x00 NUL in it")
    path = svc.db_path()
    svc.close()
    status, out, err = run(capsys, "copy-register", path, pg_register.url())
    assert status == 1 and out == "" and "NUL (0x00)" in err and "nothing was copied" in err
    assert audit_rows(pg_register.url()) == []


def test_a_damaged_or_foreign_source_is_reported_and_never_changed(capsys, tmp_path, source):
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.commit()
    conn.close()
    tampered = tmp_path / "tampered.db"
    tampered.write_bytes(source.read_bytes())
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET new_value = 'someone else' WHERE id = 3")
    conn.commit()
    conn.close()
    for bad in (foreign, tampered, tmp_path / "missing.db"):
        before = bad.read_bytes() if bad.exists() else None
        target = tmp_path / f"from-{bad.name}"
        status, out, err = run(capsys, "copy-register", bad, target)
        assert status != 0 and out == "" and len(err.strip().splitlines()) == 1, err
        assert not target.exists()
        assert (bad.read_bytes() if bad.exists() else None) == before
    assert "does not check out" in run(capsys, "copy-register", tampered,
                                       tmp_path / "t2.db")[2]


@pytest.fixture(scope="module")
def big_register(tmp_path_factory):
    """A register of 1,200 decisions (one import), shared by the kill tests."""
    import contextlib
    import io

    from desktop.cli import main as cli
    from tests.helpers.cli import write_bundle

    folder = tmp_path_factory.mktemp("big")
    template = json.loads((ROOT / "resources" / "example-bundle.json").read_text("utf-8"))
    one = template["decisions"][0]
    decisions = [{**one, "id": f"00000000-0000-4000-8000-{i:012d}", "title": f"Decision {i}"}
                 for i in range(BIG)]
    bundle = write_bundle(folder / "big.json", {**template, "decisions": decisions})
    path = folder / "big.db"
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.run(["import", str(bundle), "--db", str(path)]) == 0
    return path


def _copy_process(source, target) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "copy-register",
                             str(source), str(target)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _held(target) -> int:
    """How many decisions the target holds (0 for a file not there)."""
    if str(target).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(target)) as conn:
            counts = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                      for table in ("decisions", "versions", "audit_log", "sign_offs",
                                    "checklists", "register_settings")]
        assert counts[0] or not any(counts), counts  # nothing at all, if no decisions
        return int(counts[0])
    if not target.exists():
        return 0
    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM decisions").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("into", ["server", "file"])
def test_a_copy_killed_part_way_leaves_the_target_empty(capsys, tmp_path, pg_server, into, note,
                                                        big_register):
    n, source = BIG, big_register
    rng = random.Random(17)
    probe = pg_server.register() if into == "server" else None
    start = time.monotonic()
    first = _copy_process(source, probe.url() if probe else tmp_path / "probe.db")
    _, err = first.communicate(timeout=300)
    took = time.monotonic() - start
    assert first.returncode == 0, err
    assert f"copied 500 of {BIG} decisions".encode() in err  # progress, on stderr
    empty = 0
    for i in range(RUNS):
        db = pg_server.register() if into == "server" else None
        target = db.url() if db else tmp_path / f"killed-{i}.db"
        proc = _copy_process(source, target)
        # killed just after a batch before the last was reported, at random: inside the copy
        # however busy the machine is (a kill timed from the probe's run landed after the
        # commit on a machine that had got quicker since)
        inside = f"copied {500 * rng.randrange(1, BIG // 500 + 1)} of {BIG}".encode()
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(inside):
                break
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        held = _held(target)
        if held:  # killed after the commit: then it is the whole copy, and it checks out
            assert held == n
            status, check, err = run(capsys, "audit", "--check", "--db", target)
            assert status == 0, (check, err)
        else:
            empty += 1
            assert proc.returncode == -signal.SIGKILL
            if empty == 1:  # and it still takes a copy
                status, _, err = run(capsys, "copy-register", source, target)
                assert status == 0, err
        if db is not None:
            pg_server.drop(db)
    note(f"copy-register into a {into}", f"{n} decisions in {took:.1f} s, killed {RUNS} times "
         f"at random: {empty} left the target empty, {RUNS - empty} had committed whole")
    assert empty >= RUNS // 2, "too few kills landed inside the copy"
    if probe is not None:
        pg_server.drop(probe)


_WRITER = """
import sys, time
from desktop.application.bootstrap import open_service
from desktop.domain.decision import Answer, Rating
s = open_service(sys.argv[1], user="writer")
print("ready", flush=True)
n = 0
while True:
    d = s.create(f"Written during the copy {n}")
    s.set_answer(d.id, "values", Answer(rating=Rating.GREEN, response="r"))
    n += 1
"""


def test_a_source_being_written_copies_and_a_truncated_one_is_still_refused(capsys, tmp_path,
                                                                            source):
    """The hostile tester's M5: a copy of a file another program is writing was refused as
    "behind its own audit seal" (the seal's head, read after the snapshot, ran ahead of it).
    The head is read before the snapshot; a file really cut short is refused as before."""
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(source)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for n in range(max(RUNS, 5)):
            time.sleep(0.05)
            status, out, err = run(capsys, "copy-register", source, tmp_path / f"live{n}.db")
            assert status == 0 and "behind" not in err, err
            assert out.startswith("copied ")
    finally:
        writer.kill()
        writer.wait()
    status, _, err = run(capsys, "audit", "--check", "--db", tmp_path / "live0.db")
    assert status == 0, err
    truncated = tmp_path / "truncated.db"  # the newest audit rows cut off, behind the seal
    with sqlite3.connect(source) as live:  # the writer's rows are in the WAL too
        conn = sqlite3.connect(truncated)
        live.backup(conn)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
    conn.commit()
    conn.close()
    status, out, err = run(capsys, "copy-register", truncated, tmp_path / "t.db")
    assert status != 0 and out == "" and "behind its own audit seal" in err, err
    assert not (tmp_path / "t.db").exists()


@pytest.mark.postgres
def test_a_copy_while_an_author_creates_there_never_deadlocks(capsys, tmp_path, source,
                                                              pg_register):
    """The hostile tester's L2: a copy into a register where an author was creating ended 4
    times in 12 with a raw 'deadlock detected': the copy held the audit head and waited for
    a checklist's lock, the author (storing that checklist, p005) the other way round. Here
    the author's transaction is held between its two locks while the copy starts: the copy
    takes them in the author's order, so it waits, then copies."""
    import threading

    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    [checklist_id] = conn.execute("SELECT min(checklist_id) FROM checklists").fetchone()
    conn.close()
    said: list = []
    with pg_register.connect(autocommit=False) as author:  # as an author's create locks
        author.execute("SELECT dc_lock_checklist_id(%s)", [checklist_id])
        copy = threading.Thread(target=lambda: said.append(
            run(capsys, "copy-register", source, pg_register.url())))
        copy.start()
        time.sleep(0.5)  # the copy is at its locks now
        author.execute("SET lock_timeout = '5s'")
        author.execute("SELECT 1 FROM audit_head WHERE one FOR UPDATE")  # never a deadlock
        author.rollback()
    copy.join(timeout=60)
    [(status, out, err)] = said
    assert status == 0 and "deadlock" not in err, err
    assert out.startswith("copied ")
