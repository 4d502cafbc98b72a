"""`server init` against a real PostgreSQL server: creates, is idempotent, refuses what is not
its own or is newer; backup and restore of a shared register are refused with one line (IT's
pg_dump is its backup), and an unreachable server is one line too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.cli import main as cli
from desktop.storage.postgres import migrate
from tests.helpers.cli import ROOT
from tests.helpers.postgres import store_checklist

TABLES = {"action_progress", "actions", "answers", "appraisal_criteria", "appraisal_long_list",
          "appraisal_scores", "appraisal_weight_changes", "appraisals", "audit_head", "audit_log",
          "checklist_sections", "checklists", "created_versions", "decisions", "deleted_decisions",
          "documents", "options",
          "register_meta", "register_schema", "register_settings", "search_index", "sign_offs",
          "signed_copies", "unticked_actions", "version_timeline", "versions"}
# Migration numbers taken by a branch not merged yet (the lead renumbers at merge time, and
# empties this).
HELD_ELSEWHERE: frozenset[int] = frozenset()
APPLIED = [(n, name) for n, (name, _) in enumerate(migrate.MIGRATIONS, start=1)]


def tables(db) -> set[str]:
    with db.connect() as conn:
        return {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.mark.postgres
def test_init_creates_the_schema_and_roles_then_has_nothing_to_do(pg_empty, capsys):
    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 0
    first = capsys.readouterr().out
    assert f"applied {', '.join(name for _, name in APPLIED)}" in first
    assert tables(pg_empty) == TABLES
    with pg_empty.connect() as conn:
        roles = {r[0]: r[1] for r in conn.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'dc\\_%'")}
        assert roles == {"dc_author": False, "dc_clerk": False, "dc_reader": False}
        assert conn.execute("SELECT version, name FROM register_schema "
                            "ORDER BY version").fetchall() == APPLIED
        register_id = conn.execute(
            "SELECT value FROM register_meta WHERE key = 'register_id'").fetchone()[0]

    assert cli.run(["server", "init", "--db", pg_empty.url()]) == 0  # --db after, too
    again = capsys.readouterr()
    assert again.out == f"schema version {len(APPLIED)}: up to date, nothing was pending\n"
    assert again.err == ""
    with pg_empty.connect() as conn:
        assert conn.execute("SELECT count(*) FROM register_schema").fetchone()[0] == len(APPLIED)
        assert conn.execute("SELECT value FROM register_meta").fetchone()[0] == register_id


@pytest.mark.postgres
def test_init_after_an_upgrade_applies_only_what_is_pending(pg_register, monkeypatch, capsys):
    following = len(migrate.MIGRATIONS) + 1
    upgrade = (f"p{following:03d}_upgrade_test", "ALTER TABLE register_settings ADD COLUMN note text")
    monkeypatch.setattr(migrate, "MIGRATIONS", (*migrate.MIGRATIONS, upgrade))
    monkeypatch.setattr(migrate, "SCHEMA_VERSION", following)
    assert cli.run(["--db", pg_register.url(), "server", "init"]) == 0
    assert capsys.readouterr().out == f"schema version {following}: applied {upgrade[0]}\n"
    with pg_register.connect() as conn:
        assert conn.execute("SELECT version, name FROM register_schema ORDER BY 1").fetchall() == [
            *APPLIED, (following, upgrade[0])]
        conn.execute("SELECT note FROM register_settings")


@pytest.mark.postgres
def test_two_inits_at_once_make_one_schema(pg_empty):
    import threading

    pg_empty.connect().close()  # the cluster and its roles are up before the race
    results: list[object] = []

    def run() -> None:
        try:
            results.append(migrate.init(pg_empty.url()).applied)
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results, key=len) == [(), tuple(name for _, name in APPLIED)]


@pytest.mark.postgres
def test_a_newer_schema_is_refused_untouched(pg_register, capsys):
    future = migrate.SCHEMA_VERSION + 1
    with pg_register.connect() as conn:
        conn.execute("INSERT INTO register_schema (version, name) VALUES (%s, 'p999_future')",
                     [future])
    assert cli.run(["--db", pg_register.url(), "server", "init"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert (f"schema version {future}, newer than this version of Decision Checklist knows "
            f"({migrate.SCHEMA_VERSION})") in err
    assert "upgrade the app first" in err
    with pg_register.connect() as conn:
        assert conn.execute("SELECT max(version) FROM register_schema").fetchone()[0] == future
    assert cli.run(["--db", pg_register.url(), "list"]) == 2  # nor is it opened
    assert "upgrade the app first" in capsys.readouterr().err


@pytest.mark.postgres
def test_another_programs_database_is_refused_untouched(pg_empty, capsys):
    with pg_empty.connect() as conn:
        conn.execute("CREATE TABLE customers (id int)")
    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 2
    err = capsys.readouterr().err
    assert "is not empty (customers) and is not a Decision Checklist register" in err
    assert tables(pg_empty) == {"customers"}


@pytest.mark.postgres
def test_a_database_not_in_utf8_is_refused(pg_server, capsys):
    pg_server.cluster.sql("CREATE DATABASE latin ENCODING 'SQL_ASCII' TEMPLATE template0")
    try:
        assert cli.run(["--db", pg_server.cluster.url("latin"), "server", "init"]) == 2
        assert "in the SQL_ASCII encoding; the shared register needs UTF8" in capsys.readouterr().err
    finally:
        pg_server.cluster.sql("DROP DATABASE latin")


@pytest.mark.postgres
def test_init_by_someone_who_may_not_is_refused_with_one_line(pg_empty, pg_server, capsys):
    # alice (made by the register template) may log in but owns nothing and creates no roles
    pg_server.register()  # makes sure the people exist
    assert cli.run(["--db", pg_empty.url("alice"), "server", "init"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: server init at ") and err.count("\n") == 1
    assert "Run it as the database's owner" in err
    assert tables(pg_empty) == set()


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path, capsys):
    url = f"postgresql://alice:s3cret@/decisions?host={tmp_path}"
    assert cli.run(["--db", url, "server", "init"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot connect to the shared register at "
                          "postgresql://alice:***@/decisions")
    assert "s3cret" not in err and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "tool"), [
    (["backup"], "pg_dump"), (["backup", "--out", "copy.db"], "pg_dump"),
    (["restore", "copy.db"], "pg_restore"),
])
def test_backup_and_restore_of_a_shared_register_are_its_servers(argv, tool, capsys):
    assert cli.run(["--db", "postgres://db.example/decisions", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {argv[0]}: a shared register is ")
    assert f"by IT: {tool}" in err and err.count("\n") == 1


def test_a_command_on_an_unreachable_shared_register_is_one_line(tmp_path, capsys):
    url = f"postgresql://alice:s3cret@/decisions?host={tmp_path}"
    assert cli.run(["--db", url, "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot connect to the shared register at "
                          "postgresql://alice:***@/decisions")
    assert "s3cret" not in err and err.count("\n") == 1


def test_server_init_needs_a_postgres_db(tmp_path, capsys):
    assert cli.run(["--db", str(tmp_path / "decisions.db"), "server", "init"]) == 2
    assert "give the shared register's PostgreSQL database as --db postgresql://" in (
        capsys.readouterr().err)
    assert not (tmp_path / "decisions.db").exists()


def test_a_file_register_never_loads_psycopg(tmp_path):
    db = tmp_path / "decisions.db"
    bundle = ROOT / "resources" / "example-bundle.json"
    code = ("import sys; from desktop.cli import main as cli;"
            f"assert cli.run(['--db', {str(db)!r}, 'import', {str(bundle)!r}]) == 0;"
            f"assert cli.run(['--db', {str(db)!r}, 'list']) == 0;"
            "bad = [m for m in sys.modules if m.startswith('psycopg')];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def test_the_migrations_are_numbered_in_order():
    assert migrate.SCHEMA_VERSION == len(migrate.MIGRATIONS) >= 1
    names = [name for name, _ in migrate.MIGRATIONS]
    numbers = [int(name[1:4]) for name in names]
    assert names[0].startswith("p001_") and all(name[0] == "p" and name[4] == "_" for name in names)
    # p001, p002, ... with no gap but the numbers another branch holds until they merge
    assert numbers == [n for n in range(1, len(names) + len(HELD_ELSEWHERE) + 1)
                       if n not in HELD_ELSEWHERE]


@pytest.mark.postgres
def test_a_register_made_before_p003_upgrades_and_reads_as_before(pg_empty, monkeypatch,
                                                                   capsys):
    """A register made by p001 + p002 (the first shared registers) gains the committee
    report's columns, the timeline of its meeting dates, the appraisal's and the documents'
    tables on `server init`; its records read back as they were, with their codes."""
    from dataclasses import replace

    from desktop.application.bootstrap import load_shipped_checklist, open_service
    from desktop.domain.decision import Decision
    from desktop.domain.queries import RegisterQuery
    from desktop.domain.record import code_for

    with monkeypatch.context() as before:
        before.setattr(migrate, "MIGRATIONS", migrate.MIGRATIONS[:2])
        before.setattr(migrate, "SCHEMA_VERSION", 2)
        assert migrate.init(pg_empty.url()).version == 2
    checklist = load_shipped_checklist()
    at = "2026-11-02T09:00:00.000000Z"
    made = [Decision(id=f"d{i}", title=f"Close depot {i}", meeting_date=meeting,
                     key_decision=key, checklist_id=checklist.id,
                     checklist_version=checklist.version, checklist_sha256=checklist.sha256,
                     sections=checklist.slugs, created_at=at, updated_at=at)
            for i, (meeting, key) in enumerate([("2026-11-30", True), ("2027-01-31", False),
                                                 (None, False)])]
    with pg_empty.connect() as conn, conn.transaction():
        store_checklist(conn, checklist)
        for d in made:
            conn.execute("INSERT INTO decisions (id, created_at) VALUES (%s, %s)", (d.id, at))
            conn.execute(
                "INSERT INTO versions (decision_id, version, title, meeting_date, key_decision, "
                "checklist_sha256, created_at, updated_at, verification_code, content_code, "
                "code_scheme) VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (d.id, d.title, d.meeting_date, int(d.key_decision), d.checklist_sha256, at, at,
                 code_for(d), code_for(d), d.code_scheme))
            conn.execute("INSERT INTO search_index (version_id, title, words) SELECT id, "
                         "''::tsvector, ''::tsvector FROM versions WHERE decision_id = %s",
                         (d.id,))

    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 0
    later = ", ".join(name for name, _ in migrate.MIGRATIONS[2:])  # p003 on
    assert capsys.readouterr().out == f"schema version {len(APPLIED)}: applied {later}\n"
    assert tables(pg_empty) == TABLES
    with pg_empty.connect() as conn:
        assert conn.execute("SELECT version, name FROM register_schema "
                            "ORDER BY version").fetchall() == APPLIED
    service = open_service(pg_empty.url())
    try:
        for d in made:
            loaded = service.get(d.id)
            assert loaded == replace(d, options=(), answers={})
            assert code_for(loaded) == code_for(d)
        rows = {r.id: r for r in service.iter_register(RegisterQuery())}
        assert (rows["d0"].decision_date, rows["d0"].challenge_end, rows["d0"].short_notice) == (
            "2026-11-30", "2027-02-28", True)  # no notice on record for a key decision
        assert (rows["d1"].decision_date, rows["d1"].challenge_end, rows["d1"].short_notice) == (
            "2027-01-31", "2027-04-30", False)  # three months on, or the month's last day
        assert rows["d2"].challenge_end is None
        assert {r.id for r in service.register(RegisterQuery(
            today="2027-02-28", challenge_open=True))} == {"d0", "d1"}
    finally:
        service.close()
