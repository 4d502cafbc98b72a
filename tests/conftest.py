"""Shared fixtures. QT_QPA_PLATFORM must be set before anything imports Qt."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, settings

import desktop.ui  # noqa: F401 - applies the PySide6 6.12.0 refcount guard before any Qt call

# `make test` (and so CI) draws the same examples every run, so a red build always means a
# change broke something; `make stress` explores new ones each time (DC_HYPOTHESIS=explore).
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
settings.register_profile("default", derandomize=True, **_COMMON)
settings.register_profile("explore", derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("DC_HYPOTHESIS", "default"))


class FakeClock:
    """A controllable clock for services: starts 2026-11-25 09:00 UTC, ticks 1 s per call."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 11, 25, 9, 0, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.moment += dt.timedelta(seconds=1)
        return self.moment


@pytest.fixture(autouse=True, scope="session")
def _backups_in_a_temporary_folder(tmp_path_factory):
    """Daily and pre-migration backups go to a temporary folder, never the user's own."""
    os.environ["DECISION_CHECKLIST_BACKUP_DIR"] = str(tmp_path_factory.mktemp("backups"))


@pytest.fixture(autouse=True, scope="session")
def _locks_in_a_temporary_folder(tmp_path_factory):
    """Window lock files go to a temporary folder of the test run's own."""
    os.environ["DECISION_CHECKLIST_LOCK_DIR"] = str(tmp_path_factory.mktemp("locks"))


@pytest.fixture(autouse=True, scope="session")
def _audit_keys_in_a_temporary_folder(tmp_path_factory):
    """Each register's audit key and chain head go to a temporary folder, never the user's."""
    os.environ["DECISION_CHECKLIST_KEY_DIR"] = str(tmp_path_factory.mktemp("audit-keys"))


_NOTES = pytest.StashKey[list[str]]()


@pytest.fixture
def note(request):
    """note(case, result): a line for people reading the run (the README's tables and figures),
    such as the message a refusal gave. Never asserted: each test asserts its own result first.
    The lines are printed together at the end of a run with -s or -v (`make stress` uses -s)."""
    lines = request.node.stash.setdefault(_NOTES, [])
    return lambda case, result: lines.append(f"{case}: {result}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    _one_line_for_postgres(report)
    if call.when == "call" and item.stash.get(_NOTES, None):
        report.sections.append(("notes", "\n".join(item.stash[_NOTES])))
    return report


def pytest_terminal_summary(terminalreporter, config):
    if config.getoption("capture") != "no" and config.getoption("verbose") <= 0:
        return
    notes = [text for report in terminalreporter.stats.get("passed", [])
             for name, text in report.sections if name == "notes"]
    if notes:
        terminalreporter.section("notes (for the README)")
        for text in notes:
            terminalreporter.line(text)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "decisions.db"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def fresh(tmp_path, clock):
    """A factory of services, each on its own new database in tmp_path."""
    import itertools

    from desktop.application.bootstrap import open_service

    opened = []
    counter = itertools.count()

    def make():
        svc = open_service(tmp_path / f"db{next(counter)}.db", user="tester", now=clock)
        opened.append(svc)
        return svc

    yield make
    for svc in opened:
        svc.db.close()


@pytest.fixture
def service(db_path, clock):
    """A DecisionService on a fresh temporary database."""
    from desktop.application.bootstrap import open_service

    svc = open_service(db_path, user="tester", now=clock)
    yield svc
    svc.db.close()


@pytest.fixture
def elsewhere(db_path):
    """Another process on the same file (the command line, or a second window): its own
    connection, user ("clerk") and clock, a second apart each time it is asked."""
    import datetime as dt

    from desktop.application.bootstrap import open_service

    moment = [dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)]

    def now() -> dt.datetime:
        moment[0] += dt.timedelta(seconds=1)
        return moment[0]

    svc = open_service(db_path, user="clerk", now=now)
    yield svc
    svc.db.close()


@pytest.fixture
def example_bundle_text():
    from desktop import paths

    return paths.resource("example-bundle.json").read_text(encoding="utf-8")


# ---- the shared register: one throwaway PostgreSQL cluster per run (tests/helpers/postgres.py)
def _one_line_for_postgres(report) -> None:
    """Without PostgreSQL every shared-register test is skipped for one reason: report them
    all at one place, so `-ra` prints one line (with their count), not one per test."""
    from tests.helpers.postgres import SKIP_REASON

    if (report.skipped and isinstance(report.longrepr, tuple)
            and str(report.longrepr[2]).endswith(SKIP_REASON)):
        report.longrepr = (__file__, None, f"Skipped: {SKIP_REASON}")


def pytest_report_header(config):
    from tests.helpers.postgres import SKIP_REASON, bin_dir

    found = bin_dir()
    return f"postgresql: {found} (the shared-register tests run)" if found else SKIP_REASON


@pytest.fixture(scope="session")
def pg_server():
    """The run's PostgreSQL cluster (started at the first test that needs it), or a skip with
    one line when PostgreSQL is not installed."""
    from tests.helpers import postgres

    if postgres.bin_dir() is None:
        pytest.skip(postgres.SKIP_REASON)
    with postgres.running_cluster() as cluster:
        yield postgres.Server(cluster)


@pytest.fixture(scope="module")
def pg_own_server():
    """A cluster of the test module's own, to stop, kill and restart (the others' stays up);
    durable: what it acknowledged survives a kill (tests/helpers/postgres.py DURABLE)."""
    from tests.helpers import postgres

    if postgres.bin_dir() is None:
        pytest.skip(postgres.SKIP_REASON)
    with postgres.running_cluster(postgres.DURABLE) as cluster:
        yield postgres.Server(cluster)


@pytest.fixture
def pg_own_register(pg_own_server):
    """A new shared register on the module's own cluster, dropped after the test (the cluster
    started again first if the test left it stopped)."""
    db = pg_own_server.register()
    yield db
    if not pg_own_server.cluster.running():
        pg_own_server.cluster.restart()
    pg_own_server.drop(db)


@pytest.fixture
def pg_register(pg_server):
    """A new shared register (after `server init`) of this test's own; .url(user) and
    .connect(user) as one of tests.helpers.postgres.PEOPLE."""
    db = pg_server.register()
    yield db
    pg_server.drop(db)


@pytest.fixture
def pg_empty(pg_server):
    """A new empty database (UTF8) of this test's own."""
    db = pg_server.empty_database()
    yield db
    pg_server.drop(db)


# ---- the contract suite: the same tests on both engines (tests/helpers/engines.py) ---------
@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """Which engine the test runs on; postgresql skips with one line without PostgreSQL."""
    return request.param


@pytest.fixture
def any_service(request, engine, tmp_path, clock):
    """A DecisionService on a fresh register of either engine, as the user "tester" (on the
    server a LOGIN role that is both author and clerk)."""
    from desktop.application.bootstrap import open_service

    if engine == "sqlite":
        svc = open_service(tmp_path / "decisions.db", user="tester", now=clock)
    else:
        from tests.helpers.engines import person

        register = request.getfixturevalue("pg_register")
        svc = open_service(person(register, "tester", "dc_author", "dc_clerk"), now=clock)
        svc.test_register = register  # for tests.helpers.engines.tamper
    yield svc
    svc.close()


@pytest.fixture
def any_db(any_service):
    """What `--db` names any_service's register by: its file, or its URI (as "tester")."""
    from pathlib import Path

    return any_service.repo.uri if any_service.shared else Path(any_service.db_path())


@pytest.fixture
def any_elsewhere(request, engine, tmp_path, any_service):
    """Another process on any_service's register (the `elsewhere` of either engine): its own
    connection, user ("clerk": on the server an author and clerk too) and clock."""
    from desktop.application.bootstrap import open_service

    moment = [dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)]

    def now() -> dt.datetime:
        moment[0] += dt.timedelta(seconds=1)
        return moment[0]

    if engine == "sqlite":
        svc = open_service(tmp_path / "decisions.db", user="clerk", now=now)
    else:
        from tests.helpers.engines import person

        register = request.getfixturevalue("pg_register")
        svc = open_service(person(register, "clerk", "dc_author", "dc_clerk"), now=now)
    yield svc
    svc.close()
