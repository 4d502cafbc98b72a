"""The two engines hold the same things: every table and column of a fresh register file is on a
fresh shared register (but for the differences listed below, each on purpose), a register made
before p005 upgrades keeping its records, and two `checklist import`s of one id and version at
once store one definition on the server too (migrations.m013's counterpart, p005)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from desktop.cli import main as cli
from desktop.storage.postgres import migrate
from tests.helpers.cli import ROOT
from tests.helpers.postgres import store_checklist

# Tables only a register file has, and why.
SQLITE_ONLY_TABLES = {
    "_sqlite_migrations",  # sqlite-utils' list of applied migrations (the server's: register_schema)
    # FTS5's search index and its shadow tables: the server's search_index (p002) is its own,
    # one tsvector row per version (compared below as a table of the server's only)
    "search_index", "search_index_config", "search_index_content", "search_index_data",
    "search_index_docsize", "search_index_idx",
}
# Tables only the shared register has, and why.
PG_ONLY_TABLES = {
    "register_schema",  # the migrations `server init` applied
    "audit_head",  # the newest audit row, whose row lock queues every append (p001)
    "search_index",  # the server's search words (p002), in place of FTS5's
    # which transaction deleted each decision, so only its own 'deleted' audit row is taken
    # (p009); a register file has no other writer to refuse
    "deleted_decisions",
    # which transaction inserted each version, so only its own 'created' audit row explains
    # its rows (p013)
    "created_versions",
    # which transaction deleted each tick, so only its own untick's audit row stands (p015)
    "unticked_actions",
}
# Columns only the shared register has (table, column), and why.
PG_ONLY_COLUMNS = {
    ("checklists", "rowid"),  # SQLite's implicit rowid, made a column: "in the order stored"
    ("sign_offs", "rowid"),
    # p007: which transaction wrote each audit row, and whether the server wrote it itself
    # (an author's raw-SQL edit the client did not audit); a register file has no other writer
    ("audit_log", "xact"), ("audit_log", "server_written"),
}
# Columns only a register file has: none. (audit_log's key_id and seal are on the server too,
# always NULL there: the server chains the log and names who, no client key seals it.)
SQLITE_ONLY_COLUMNS: set[tuple[str, str]] = set()


def sqlite_columns(tmp_path) -> dict[str, set[str]]:
    from desktop.application.bootstrap import open_service

    service = open_service(tmp_path / "fresh.db", user="tester")
    try:
        names = [r[0] for r in service.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\'")]
        return {t: {r[1] for r in service.db.execute(f"PRAGMA table_info('{t}')")}
                for t in names}
    finally:
        service.close()


def pg_columns(db) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with db.connect() as conn:
        for table, column in conn.execute(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
                "AND t.table_name = c.table_name WHERE c.table_schema = 'public' "
                "AND t.table_type = 'BASE TABLE'"):
            out.setdefault(table, set()).add(column)
    return out


def differences(sqlite: dict[str, set[str]], pg: dict[str, set[str]]) -> list[str]:
    """What one engine holds and the other lacks, less the intended differences above."""
    found = [f"table {t} is in a register file only" for t in sorted(set(sqlite) - set(pg))
             if t not in SQLITE_ONLY_TABLES]
    found += [f"table {t} is on the server only" for t in sorted(set(pg) - set(sqlite))
              if t not in PG_ONLY_TABLES]
    for table in sorted(set(sqlite) & set(pg) - SQLITE_ONLY_TABLES - PG_ONLY_TABLES):
        found += [f"column {table}.{c} is in a register file only"
                  for c in sorted(sqlite[table] - pg[table])
                  if (table, c) not in SQLITE_ONLY_COLUMNS]
        found += [f"column {table}.{c} is on the server only"
                  for c in sorted(pg[table] - sqlite[table]) if (table, c) not in PG_ONLY_COLUMNS]
    return found


@pytest.mark.postgres
def test_every_table_and_column_of_a_register_file_is_on_the_server(pg_register, tmp_path):
    sqlite, pg = sqlite_columns(tmp_path), pg_columns(pg_register)
    assert differences(sqlite, pg) == []
    # and the check catches what it is for: a later SQLite migration's column the server lacks
    sqlite["versions"] = sqlite["versions"] | {"cabinet_member"}
    sqlite["appraisal_notes"] = {"version_id", "note"}
    assert differences(sqlite, pg) == ["table appraisal_notes is in a register file only",
                                       "column versions.cabinet_member is in a register file only"]


@pytest.mark.postgres
def test_init_upgrades_a_register_made_before_p005_keeping_its_records(pg_empty, monkeypatch,
                                                                       capsys):
    """A p004 register (every shared register before this) gains the long list, the
    background papers and the one-definition trigger; its records read back as they were,
    with their codes and audit chain; a long list and papers are then stored and locked."""
    from desktop.application.bootstrap import load_shipped_checklist, open_service
    from desktop.domain.appraisal import LongListEntry
    from desktop.domain.decision import Decision, Document
    from desktop.domain.record import code_for
    from tests.helpers.appraisal import HIGHWAYS, appraised_decision

    p004 = next(i for i, (name, _) in enumerate(migrate.MIGRATIONS, 1)
                if name == "p004_server_hardening")
    with monkeypatch.context() as before:
        before.setattr(migrate, "MIGRATIONS", migrate.MIGRATIONS[:p004])
        before.setattr(migrate, "SCHEMA_VERSION", p004)
        assert migrate.init(pg_empty.url()).version == p004
    checklist = load_shipped_checklist()
    at = "2026-11-02T09:00:00.000000Z"
    made = [Decision(id=f"d{i}", title=f"Close depot {i}", reference=f"CAB/{i}",
                     proposal="Ésher & “Co” <b>", checklist_id=checklist.id,
                     checklist_version=checklist.version, checklist_sha256=checklist.sha256,
                     sections=checklist.slugs, created_at=at, updated_at=at) for i in range(3)]
    with pg_empty.connect() as conn, conn.transaction():  # as the app of then wrote them
        store_checklist(conn, checklist)
        for d in made:
            conn.execute("INSERT INTO decisions (id, created_at) VALUES (%s, %s)", (d.id, at))
            conn.execute(
                "INSERT INTO versions (decision_id, version, title, reference, proposal, "
                "checklist_sha256, created_at, updated_at, verification_code, content_code, "
                "code_scheme) VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (d.id, d.title, d.reference, d.proposal, d.checklist_sha256, at, at,
                 code_for(d), code_for(d), d.code_scheme))
            conn.execute("INSERT INTO search_index (version_id, title, words) SELECT id, "
                         "''::tsvector, ''::tsvector FROM versions WHERE decision_id = %s",
                         (d.id,))
            conn.execute("INSERT INTO audit_log (at, decision_id, version, field, old_value, "
                         "new_value) VALUES (%s, %s, 1, 'title', NULL, %s)", (at, d.id, d.title))
        assert conn.execute("SELECT count(*) FROM information_schema.columns WHERE "
                            "table_name = 'versions' AND column_name = "
                            "'background_papers'").fetchone()[0] == 0

    assert cli.run(["--db", pg_empty.url(), "server", "init"]) == 0
    assert capsys.readouterr().out == (
        f"schema version {len(migrate.MIGRATIONS)}: applied "
        f"{', '.join(name for name, _ in migrate.MIGRATIONS[p004:])}\n")
    service = open_service(pg_empty.url())
    try:
        for d in made:
            loaded = service.get(d.id)
            assert loaded == replace(d, options=(), answers={})
            assert loaded.background_papers == () and code_for(loaded) == code_for(d)
        assert service.repo.verify_audit_chain() == []
        assert len(service.repo.audit_entries()) == len(made)
        d = appraised_decision(service, HIGHWAYS)
        d = service.appraisals.set_long_list(d, (LongListEntry("Re-let", True, "A market"),))
        d = service.update(d.id, background_papers=(Document("Report", "2026-09-01", "Here"),))
        again = service.get(d.id)
        assert again.appraisal.long_list == (LongListEntry("Re-let", True, "A market"),)
        assert again.background_papers == (Document("Report", "2026-09-01", "Here"),)
    finally:
        service.close()


def _definition(checklist_id: str, version: int, title: str) -> str:
    from desktop.application.bootstrap import load_shipped_checklist

    data = json.loads(load_shipped_checklist().raw_json)
    data.update(id=checklist_id, version=version, title=title)
    return json.dumps(data)


@pytest.mark.postgres
def test_two_imports_of_one_version_at_once_store_one_definition(pg_register, tmp_path):
    """As tests/unit/application/test_checklist_import_race.py on a register file: one wins,
    the other is told in one line that its version is not newer (exit 2); DC_RACE_RUNS runs."""
    runs = int(os.environ.get("DC_RACE_RUNS", "5"))
    url = pg_register.url("alice")  # an author
    for i in range(runs):
        files = []
        for who in ("a", "b"):
            f = tmp_path / f"race-{i}-{who}.json"
            f.write_text(_definition(f"race-{i}", 1, f"race {i} by {who}"))
            files.append(f)
        procs = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", url,
                                   "checklist", "import", str(f)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for f in files]
        results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
        assert sorted(r[0] for r in results) == [0, 2], results
        loser = next(r for r in results if r[0] == 2)
        assert "not newer" in loser[2] and len(loser[2].strip().splitlines()) == 1, loser
        assert "Traceback" not in loser[2]
        with pg_register.connect() as conn:
            assert conn.execute("SELECT count(*) FROM checklists WHERE checklist_id = %s",
                                [f"race-{i}"]).fetchone()[0] == 1


@pytest.mark.postgres
def test_the_server_refuses_a_second_definition_of_one_version_whoever_writes_it(pg_register):
    """The trigger, for a client that does not read first (raw SQL as an author)."""
    import psycopg

    with pg_register.connect("alice") as conn:
        conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                     "VALUES ('a', 'twice', 1, '{}')")
        with pytest.raises(psycopg.Error, match="already holds another definition") as refused:
            conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                         "VALUES ('b', 'twice', 1, '{}')")
        assert refused.value.diag.sqlstate == "DC002"
        conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                     "VALUES ('a', 'twice', 1, '{}') ON CONFLICT (sha256) DO NOTHING")
        conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                     "VALUES ('c', 'twice', 2, '{}')")


@pytest.mark.postgres
def test_who_scored_and_locked_is_the_servers_to_say(pg_register):
    """Alice locks the weights and scores; Erin (another author) scores a cell of her own
    and Alice's keep her name; a name Erin makes up (raw SQL, or a bundle naming others) is
    stored as Erin's; every stored record still gives its stored code."""
    import psycopg

    from desktop.application.bootstrap import open_service
    from desktop.domain.record import code_for
    from tests.helpers.appraisal import HIGHWAYS, appraised_decision
    from tests.helpers.engines import person

    alice = open_service(pg_register.url("alice"))
    erin = open_service(person(pg_register, "erin", "dc_author"))
    try:
        d = appraised_decision(alice, HIGHWAYS)
        assert d.appraisal.weights_locked_by == "alice"
        erin.appraisals.score(d.id, 0, "affordability", 1, "Erin's own view")
        mine = erin.get(d.id).appraisal
        assert mine.score(0, "affordability").scored_by == "erin"
        assert mine.score(1, "affordability").scored_by == "alice"  # carried over, kept
        assert mine.weights_locked_by == "alice"
        vid = erin.repo.version_id(d.id, d.version)
        stored = erin.repo.stored_derived(d.id, d.version)
        assert stored["verification_code"] == code_for(erin.get(d.id))  # the client agrees
        text = alice.export_bundle([d.id])

        with pg_register.connect("erin") as conn:  # forged by hand, as Erin
            conn.execute("UPDATE appraisal_scores SET scored_by = 'alice', score = 0 "
                         "WHERE version_id = %s AND option = 0 AND criterion = 'affordability'",
                         [vid])
            conn.execute("UPDATE appraisal_scores SET scored_by = 'mallory' "
                         "WHERE version_id = %s AND option = 1 AND criterion = 'achievability'",
                         [vid])
            conn.execute("UPDATE appraisals SET weights_locked_by = 'carol' WHERE version_id = %s",
                         [vid])
            conn.execute("INSERT INTO appraisal_weight_changes (version_id, position, criterion, "
                         "old_weight, new_weight, changed_at, changed_by) VALUES "
                         "(%s, 0, 'affordability', 15, 16, '2026-11-25T10:00:00Z', 'alice')", [vid])
            rows = dict(((r[0], r[1]), r[2]) for r in conn.execute(
                "SELECT option, criterion, scored_by FROM appraisal_scores WHERE version_id = %s",
                [vid]))
            assert rows[(0, "affordability")] == "erin"  # Alice never gave it a 0
            assert rows[(1, "achievability")] == "erin"
            assert rows[(1, "affordability")] == "alice"  # untouched
            assert conn.execute("SELECT weights_locked_by FROM appraisals WHERE version_id = %s",
                                [vid]).fetchone()[0] == "erin"
            assert conn.execute("SELECT changed_by FROM appraisal_weight_changes WHERE "
                                "version_id = %s", [vid]).fetchone()[0] == "erin"
            with pytest.raises(psycopg.Error):  # and no one writes the audit rows' "user"
                conn.execute("UPDATE audit_log SET \"user\" = 'alice'")

        # a bundle naming others: the importer is who, and the codes agree with what is stored
        bundle = json.loads(text)
        for key in ("id", "verification_code"):  # another record, named by others
            del bundle["decisions"][0][key]
        [imported] = erin.import_bundle(json.dumps(bundle))
        again = erin.get(imported.id)
        assert {s.scored_by for s in again.appraisal.scores} == {"erin"}
        assert again.appraisal.weights_locked_by == "erin"
        stored = erin.repo.stored_derived(imported.id, imported.version)
        assert stored["verification_code"] == code_for(again)
    finally:
        alice.close()
        erin.close()
