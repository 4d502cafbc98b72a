"""A shared register that cannot be opened: the command line says why in one line on stderr
(exit 1, or 2 for what IT must change about the person), the window says the same in a
dialog and opens nothing; no traceback, no password shown. Each case on a real server: not
running, a wrong password, no such user, a user with no role, a schema too old, too new."""

from __future__ import annotations

import pytest

from desktop.cli import main as cli
from desktop.storage.postgres import migrate
from desktop.ui.startup.application import run_gui

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(pg_own_server):
    """The module's cluster, where 'paula' logs in with a password (the others: trust)."""
    cluster = pg_own_server.cluster
    hba = cluster.data / "pg_hba.conf"
    hba.write_text("local all paula scram-sha-256\n" + hba.read_text())
    pg_own_server.register()  # makes the people
    cluster.sql("CREATE ROLE paula LOGIN PASSWORD 'the-right-one'; GRANT dc_author TO paula")
    cluster.sql("SELECT pg_reload_conf()")
    return pg_own_server


@pytest.fixture
def register(server):
    db = server.register()
    yield db
    server.drop(db)


def _older(db) -> str:
    with db.connect() as conn:
        conn.execute("DELETE FROM register_schema WHERE version = %s", [migrate.SCHEMA_VERSION])
    return db.url("alice")


def _newer(db) -> str:
    with db.connect() as conn:
        conn.execute("INSERT INTO register_schema (version, name) VALUES (%s, 'p999_future')",
                     [migrate.SCHEMA_VERSION + 1])
    return db.url("alice")


CASES = {
    "not running": (lambda db, tmp: f"postgresql://alice:s3cret@/decisions?host={tmp}", 1,
                    "cannot connect to the shared register at postgresql://alice:***@/decisions"),
    "not running, said": (lambda db, tmp: f"postgresql://alice@/decisions?host={tmp}", 1,
                          "the server is not running or cannot be reached from here: try "
                          "again later, or ask IT"),
    "wrong password": (lambda db, tmp: db.url("paula").replace("paula@", "paula:s3cret@"), 1,
                       "the password was refused: give the right one in ~/.pgpass or "
                       "PGPASSWORD (the app never stores one)"),
    "no such user": (lambda db, tmp: db.url("zed"), 1,
                     "the server has no database user by that name: ask IT to create it"),
    "no role": (lambda db, tmp: db.url("mallory"), 2,
                "your database role 'mallory' has no role on the shared register"),
    "schema too old": (lambda db, tmp: _older(db), 1,
                       f"older than this app's ({migrate.SCHEMA_VERSION}): IT runs "
                       "`decision-checklist --db"),
    "schema too new": (lambda db, tmp: _newer(db), 2, "upgrade the app first; nothing was changed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_register_that_cannot_be_opened_is_one_line_and_one_dialog(
        case, register, tmp_path, capsys, qapp):
    from desktop.ui.dialogs import RecordingDialogs

    make, status, said = CASES[case]
    url = make(register, tmp_path)
    assert cli.run(["--db", url, "list"]) == status
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert said in err and "s3cret" not in err and "Traceback" not in err

    dialogs = RecordingDialogs()
    assert run_gui(url, dialogs=dialogs) == status
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    [(kind, title, text)] = dialogs.calls
    assert (kind, title) == ("error", "Cannot open the database")
    assert said in text and "s3cret" not in text


def test_the_right_password_opens_it(server, register, capsys):
    url = register.url("paula").replace("paula@", "paula:the-right-one@")
    assert cli.run(["--db", url, "list"]) == 0
