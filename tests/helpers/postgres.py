"""A throwaway PostgreSQL cluster: for the shared-register tests and `make demo-server`.

Debian's binaries (initdb, pg_ctl, postgres) refuse to run as root, and CI runs as root: then
the cluster runs as an unprivileged user (`postgres` if the package made one, else
`nobody`), in a temporary folder that user owns. It listens on a unix socket in that folder
only, so runs side by side never clash over a port. Authentication is `trust`: the tests
are about what each role may do, not about passwords.

    python -m tests.helpers.postgres demo   # make demo-server: start, init, print the --db URL
    python -m tests.helpers.postgres stop   # make demo-server-stop
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPERUSER = "postgres"  # the cluster's bootstrap superuser, whoever runs it
SKIP_REASON = ("PostgreSQL not installed: the shared-register tests are skipped "
               "(apt-get install postgresql)")
# The tests need speed, not durability: a crash loses the throwaway cluster anyway.
_FAST = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
         "-c max_connections=40 -c shared_buffers=16MB -c max_wal_size=64MB "
         "-c checkpoint_timeout=1h")
# A cluster the fault tests kill: a commit is in the kernel's hands before it is acknowledged
# (synchronous_commit on), so a killed server loses nothing it acknowledged; fsync may stay
# off, as the machine itself does not crash.
DURABLE = _FAST.replace("-c synchronous_commit=off ", "")
DEMO_DIR = Path(tempfile.gettempdir()) / "decision-checklist-demo-server"


def bin_dir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres (the newest Debian version first), or None
    (also when DC_POSTGRES=off: a run without the shared-register tests)."""
    if os.environ.get("DC_POSTGRES", "").lower() == "off":
        return None
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                      reverse=True)
    for folder in [*versions, *candidates]:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _unprivileged() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root, and there is no 'postgres' or 'nobody' user to run "
                       "the PostgreSQL server as")


@dataclass
class Cluster:
    """One PostgreSQL server in `root` (data/ and the socket), run as `owner` when root."""

    root: Path
    bindir: Path
    owner: tuple[int, int] | None
    options: str = _FAST

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, dbname: str, user: str = SUPERUSER) -> str:
        """A libpq URI for `dbname` as `user`, over the unix socket."""
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C",
               "HOME": str(self.root), "TZ": "UTC"}
        kwargs: dict[str, object] = {}
        if self.owner is not None:
            kwargs = {"user": self.owner[0], "group": self.owner[1], "extra_groups": []}
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], env=env, cwd=self.root,
                              capture_output=True, text=True, check=check, timeout=120,
                              **kwargs)  # type: ignore[call-overload]

    def create(self) -> None:
        """initdb: a new, empty cluster (UTF8, C collation, the superuser 'postgres')."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.owner is not None:
            os.chown(self.root, *self.owner)
        self._run("initdb", "--no-sync", "--auth=trust", f"--username={SUPERUSER}",
                  "--encoding=UTF8", "--locale=C", "-D", str(self.data))

    def start(self) -> None:
        """Start the server, listening on the unix socket in root only; wait until it is up."""
        options = f"-c listen_addresses='' -k {self.socket_dir} {self.options}"
        result = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                           "-o", options, "-w", "-t", "60", "start", check=False)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"the PostgreSQL server did not start: {result.stderr}\n{tail}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would. Its backends go when they notice; until
        they have, a new server refuses to start on their shared memory (restart() waits)."""
        import signal

        os.kill(int((self.data / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)

    def restart(self) -> None:
        """Start again after a stop or a kill (tries for a while: a killed server's last
        backends may take a moment to go)."""
        import time

        deadline = time.monotonic() + 30
        while True:
            try:
                self.start()
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def watch(self, pid: int) -> None:
        """Stop the server and remove its folder once process `pid` has gone, however it ends
        (a test run killed by a timeout leaves no server behind)."""
        script = (f"while [ -d /proc/{pid} ]; do sleep 1; done; "
                  f"'{self.bindir / 'pg_ctl'}' -D '{self.data}' -m immediate -w stop; "
                  f"rm -rf '{self.root}'")
        kwargs: dict[str, object] = {}
        if self.owner is not None:
            kwargs = {"user": self.owner[0], "group": self.owner[1], "extra_groups": []}
        subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, cwd="/", **kwargs)  # type: ignore[call-overload]

    def sql(self, statement: str, dbname: str = "postgres") -> None:
        """Run statements as the superuser, outside any transaction (CREATE DATABASE...)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(statement.encode("utf-8"))


def throwaway_cluster(options: str = _FAST) -> Cluster:
    """A new cluster in a new temporary folder, started (the caller stops it)."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError(SKIP_REASON)
    # In /tmp itself: the unprivileged user must reach it, and a unix socket's path is short.
    root = Path(tempfile.mkdtemp(prefix="dc-pg-", dir="/tmp" if os.name == "posix" else None))
    cluster = Cluster(root, bindir, _unprivileged(), options)
    cluster.create()
    cluster.start()
    return cluster


@contextmanager
def running_cluster(options: str = _FAST) -> Iterator[Cluster]:
    """A throwaway cluster for the length of the block, then stopped and removed."""
    cluster = throwaway_cluster(options)
    cluster.watch(os.getpid())
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


# ---- for the tests: fresh databases, and people holding each role ----------------------
# LOGIN users the tests connect as, and the group role each is granted ("" none at all).
PEOPLE = {"alice": "dc_author", "bob": "dc_clerk", "dave": "dc_clerk", "carol": "dc_reader",
          "mallory": ""}


@dataclass
class Database:
    """One database of the test cluster; url(user) connects to it as that person."""

    cluster: Cluster
    name: str

    def url(self, user: str = SUPERUSER) -> str:
        return self.cluster.url(self.name, user)

    def connect(self, user: str = SUPERUSER, *, autocommit: bool = True):  # -> psycopg.Connection
        import psycopg

        return psycopg.connect(self.url(user), autocommit=autocommit)


class Server:
    """The session's cluster: hands out new empty databases, and new registers cloned from a
    template that `server init` made once (CREATE DATABASE ... TEMPLATE: ~30 ms, not ~400)."""

    TEMPLATE = "dc_register_template"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._count = 0
        self._template_ready = False
        self._copy = self._fastest_copy()

    def _fastest_copy(self) -> str:
        """CREATE DATABASE's fastest way here: FILE_COPY (PostgreSQL 15 on) is ~0.1 s a
        database and ~0.02 s to drop it, where the default WAL_LOG is ~0.3 s and ~1 s."""
        import psycopg

        with psycopg.connect(self.cluster.url("postgres")) as conn:
            row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
        return " STRATEGY FILE_COPY" if row and row[0] >= 150000 else ""

    def _name(self, kind: str) -> str:
        self._count += 1
        return f"{kind}_{self._count}"

    def empty_database(self) -> Database:
        name = self._name("empty")
        self.cluster.sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0{self._copy}")
        return Database(self.cluster, name)

    def register(self) -> Database:
        """A new database holding a register at the current schema, with PEOPLE able to log in."""
        if not self._template_ready:
            from desktop.storage.postgres.migrate import init

            self.cluster.sql(f"CREATE DATABASE {self.TEMPLATE} ENCODING 'UTF8' "
                             f"TEMPLATE template0{self._copy}")
            init(self.cluster.url(self.TEMPLATE))
            for person, role in PEOPLE.items():
                self.cluster.sql(f"CREATE ROLE {person} LOGIN")
                if role:
                    self.cluster.sql(f"GRANT {role} TO {person}")
            self._template_ready = True
        name = self._name("register")
        self.cluster.sql(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}{self._copy}")
        return Database(self.cluster, name)

    def drop(self, db: Database) -> None:
        self.cluster.sql(f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")


# ---- make demo-server -------------------------------------------------------------------
DEMO_PEOPLE = (("alice", "dc_author"), ("bob", "dc_clerk"), ("carol", "dc_reader"))


def store_checklist(conn: Any, checklist: Any) -> None:
    """Write a checklist and its sections into a shared register with raw SQL, as the app
    of p001-p004 stored them (for tests that build a register of an older schema by hand)."""
    conn.execute("INSERT INTO checklists (sha256, checklist_id, version, definition) "
                 "VALUES (%s, %s, %s, %s)", (checklist.sha256, checklist.id,
                                             checklist.version, checklist.raw_json))
    for i, p in enumerate(checklist.principles):
        conn.execute("INSERT INTO checklist_sections (sha256, position, slug, kind) "
                     "VALUES (%s, %s, %s, %s)", (checklist.sha256, i, p.slug, p.kind))


def demo() -> int:
    """Start a local server in DEMO_DIR, make the database `decisions`, run `server init`
    through the real command line, add three people, and print how to try it."""
    bindir = bin_dir()
    if bindir is None:
        print(SKIP_REASON.split(":")[0] + ": install it first (apt-get install postgresql)",
              file=sys.stderr)
        return 2
    cluster = Cluster(DEMO_DIR, bindir, _unprivileged())
    if not (cluster.data / "PG_VERSION").exists():
        shutil.rmtree(DEMO_DIR, ignore_errors=True)
        cluster.create()
    if not cluster.running():
        cluster.start()
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'decisions'").fetchone():
            conn.execute("CREATE DATABASE decisions ENCODING 'UTF8' TEMPLATE template0")
    url = cluster.url("decisions")
    status = subprocess.run([sys.executable, "-m", "desktop.app", "--db", url, "server", "init"],
                            check=False).returncode
    if status != 0:
        return status
    with psycopg.connect(url, autocommit=True) as conn:
        for person, role in DEMO_PEOPLE:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (person,)).fetchone():
                conn.execute(f"CREATE ROLE {person} LOGIN")
            conn.execute(f"GRANT {role} TO {person}")
    psql = bindir / "psql"
    print(f"""
A throwaway shared register is running in {DEMO_DIR} (unix socket only, no password).

  --db {cluster.url('decisions', 'alice')}

People: {', '.join(f'{p} ({r})' for p, r in DEMO_PEOPLE)}; put another name in the URL
to be someone else. Look inside with
  {psql} '{cluster.url('decisions', 'carol')}'
Open the window on it with  python main.py --db URL  (or any command but backup and
restore, which are pg_dump's).
Stop it and remove it with: make demo-server-stop
""")
    return 0


def stop_demo() -> int:
    bindir = bin_dir()
    if bindir is not None and (DEMO_DIR / "data").exists():
        Cluster(DEMO_DIR, bindir, _unprivileged()).stop()
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    print(f"stopped; {DEMO_DIR} removed")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if not re.fullmatch(r"demo|stop", command):
        print("usage: python -m tests.helpers.postgres demo|stop", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(demo() if command == "demo" else stop_demo())
