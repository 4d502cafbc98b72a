"""A -wal beside a register that no open connection uses (a crash's leftover, or a file copied
in) is checked before anything merges it: one that is not the register's own is refused, names
the -wal, and leaves every byte as it was; the register's own is recovered as before."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from desktop.application.bootstrap import open_service
from desktop.cli import main as cli
from desktop.domain.errors import DamagedDatabase
from desktop.storage import leftover_wal
from desktop.storage.database import open_database

# Writes decisions with automatic checkpoints off, then is killed (SIGKILL): no close, so no
# checkpoint, and the WAL beside the file holds every page written.
_WRITE_THEN_KILL = """
import os, signal, sys
from desktop.application.bootstrap import open_service
svc = open_service(sys.argv[1], user="tester")
svc.db.execute("PRAGMA wal_autocheckpoint=0")
for i in range(int(sys.argv[2])):
    svc.create(f"Written before the crash {i}", proposal="y" * 3000)
os.kill(os.getpid(), signal.SIGKILL)
"""

# Another program's database in WAL mode: committed frames, then gone without closing.
_OTHER_PROGRAM = """
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("pragma journal_mode=wal"); c.execute("pragma wal_autocheckpoint=0")
c.executescript("create table recipes (name text, steps text);"
                "insert into recipes values ('soup', 'boil'), ('bread', 'bake');")
os._exit(0)
"""

# Holds the register open (as the window does) with frames in its WAL until killed.
_HOLD_OPEN = """
import sys, time
from desktop.application.bootstrap import open_service
svc = open_service(sys.argv[1], user="tester")
svc.db.execute("PRAGMA wal_autocheckpoint=0")
svc.create("Written while open", proposal="z" * 3000)
print("open", flush=True)
time.sleep(60)
"""


# Holds the register in exclusive locking mode, frames in its WAL, until killed.
_HOLD_EXCLUSIVE = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode=EXCLUSIVE"); c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("CREATE TABLE written_in_exclusive_mode (x)")
print("open", flush=True)
time.sleep(60)
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], check=False)


def _register(path, decisions: int):
    svc = open_service(path, user="tester")
    for i in range(decisions):
        svc.create(f"{path.stem} decision {i}", proposal="x" * 2000)
    svc.db.close()
    return path


def _hashes(path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        out[suffix] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return out


def _titles(svc) -> set[str]:
    return {row["title"] for row in svc.db.query("SELECT title FROM versions")}


def _siblings(path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def foreign_wal(tmp_path):
    """A.db beside which B.db's WAL (another register of the same shape, written to and then
    killed) has been copied as A.db-wal: without this check, SQLite merges it into A.db."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    a = _register(tmp_path / "a" / "A.db", 3)
    b = _register(tmp_path / "b" / "B.db", 3)
    assert _run(_WRITE_THEN_KILL, b, 1).returncode == -signal.SIGKILL
    shutil.copyfile(b.with_name("B.db-wal"), a.with_name("A.db-wal"))
    return a, b


def _refused(path, capsys) -> str:
    before, names = _hashes(path), _siblings(path)
    assert cli.run(["--db", str(path), "list"]) != 0
    err = capsys.readouterr().err
    assert _hashes(path) == before and _siblings(path) == names
    return err


@pytest.mark.parametrize("with_its_shm", [False, True])
def test_another_registers_wal_is_refused_and_everything_is_left_untouched(
        foreign_wal, capsys, with_its_shm):
    a, b = foreign_wal
    if with_its_shm:  # the copy took B's stale -shm along too
        shutil.copyfile(b.with_name("B.db-shm"), a.with_name("A.db-shm"))
    err = _refused(a, capsys)
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert f"write-ahead log ({a}-wal) does not belong to it or is damaged" in err
    assert "Both have been left untouched" in err
    with pytest.raises(DamagedDatabase, match=r"A\.db-wal"):  # the window's way in, too
        open_database(a, check_integrity=False)
    assert _hashes(a)["-wal"] is not None
    # Moving the -wal away, as the message says, opens the register as it was.
    a.with_name("A.db-wal").rename(a.parent / "moved-away")
    a.with_name("A.db-shm").unlink(missing_ok=True)
    svc = open_service(a, user="tester")
    try:
        assert _titles(svc) == {f"A decision {i}" for i in range(3)}
        assert svc.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        svc.db.close()


def test_without_the_check_that_wal_would_corrupt_the_register(foreign_wal):
    """The hazard the check guards against is real: SQLite merges the WAL without a word."""
    a, _ = foreign_wal
    conn = sqlite3.connect(a)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # it does not see it
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    finally:
        conn.close()


def test_another_programs_wal_is_named_not_called_another_programs_database(tmp_path, capsys):
    a = _register(tmp_path / "A.db", 3)
    other = tmp_path / "other" / "recipes.db"
    other.parent.mkdir()
    assert _run(_OTHER_PROGRAM, other).returncode == 0
    shutil.copyfile(other.with_name("recipes.db-wal"), a.with_name("A.db-wal"))
    err = _refused(a, capsys)
    assert f"its write-ahead log ({a}-wal)" in err
    assert "another program's database" not in err


def test_another_programs_database_with_its_own_wal_is_still_another_programs(tmp_path, capsys):
    other = tmp_path / "recipes.db"
    assert _run(_OTHER_PROGRAM, other).returncode == 0
    err = _refused(other, capsys)
    assert "is another program's database" in err and "write-ahead log" not in err


def test_the_registers_own_wal_after_a_kill_is_recovered_with_everything_in_it(tmp_path):
    a = _register(tmp_path / "A.db", 3)
    assert _run(_WRITE_THEN_KILL, a, 20).returncode == -signal.SIGKILL
    assert leftover_wal.leftover(a)
    svc = open_service(a, user="tester")
    try:
        titles = _titles(svc)
        assert {f"Written before the crash {i}" for i in range(20)} <= titles
        assert {f"A decision {i}" for i in range(3)} <= titles
    finally:
        svc.db.close()
    assert not a.with_name("A.db-wal").exists()  # merged and removed, as SQLite does


@pytest.mark.parametrize("wal_bytes", [0, 32, 32 + 24 + 100])
def test_an_empty_or_truncated_wal_opens_as_before(tmp_path, wal_bytes):
    a = _register(tmp_path / "A.db", 3)
    b = _register(tmp_path / "B.db", 3)
    assert _run(_WRITE_THEN_KILL, b, 1).returncode == -signal.SIGKILL
    a.with_name("A.db-wal").write_bytes(b.with_name("B.db-wal").read_bytes()[:wal_bytes])
    svc = open_service(a, user="tester")
    try:
        assert _titles(svc) == {f"A decision {i}" for i in range(3)}
    finally:
        svc.db.close()


def test_a_wal_that_a_live_connection_uses_is_not_checked(tmp_path, monkeypatch):
    """The window has the register open (another process) and the command line runs beside
    it: the WAL is the register's own, in use, and checking it would cost a whole read."""
    a = _register(tmp_path / "A.db", 3)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_OPEN, str(a)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        assert leftover_wal.wal_has_frames(a) and leftover_wal.in_use(a)

        def no_view(*_args):
            raise AssertionError("a WAL in use was checked")

        monkeypatch.setattr(leftover_wal, "wal_view", no_view)
        open_database(a).close()
    finally:
        holder.kill()
        holder.wait()
    assert not leftover_wal.in_use(a) and leftover_wal.leftover(a)  # now it is a leftover


def test_this_processs_own_open_connection_counts_as_live(tmp_path):
    a = _register(tmp_path / "A.db", 3)
    svc = open_service(a, user="tester")
    try:
        svc.db.execute("PRAGMA wal_autocheckpoint=0")
        svc.create("Still open", proposal="q" * 3000)
        assert leftover_wal.wal_has_frames(a) and leftover_wal.in_use(a)
        assert not leftover_wal.leftover(a)
    finally:
        svc.db.close()


def test_without_proc_locks_a_wal_beside_a_shm_is_taken_to_be_in_use(tmp_path, monkeypatch):
    """Not Linux: telling a lock means opening the file, and closing that descriptor would drop
    this process's own SQLite locks on it. So a -shm means "in use", as before this check; a
    -wal copied in alone is still checked."""
    a = _register(tmp_path / "A.db", 3)
    assert _run(_WRITE_THEN_KILL, a, 1).returncode == -signal.SIGKILL
    monkeypatch.setattr(leftover_wal, "PROC_LOCKS", tmp_path / "no-such-file")
    assert leftover_wal.in_use(a) and not leftover_wal.leftover(a)
    a.with_name("A.db-shm").unlink()
    assert leftover_wal.leftover(a)


def test_a_connection_in_exclusive_mode_is_live_though_it_has_no_shm(tmp_path, capsys):
    """Exclusive locking mode keeps the WAL index in memory: no -shm, but the file is locked,
    and the command line says so rather than calling the WAL foreign."""
    a = _register(tmp_path / "A.db", 3)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_EXCLUSIVE, str(a)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        assert leftover_wal.wal_has_frames(a) and not a.with_name("A.db-shm").exists()
        assert leftover_wal.in_use(a)
        assert cli.run(["--db", str(a), "list"]) == 1
        assert "locked by another program" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_where_no_hard_link_can_be_made_the_view_is_a_private_copy_and_is_removed(
        foreign_wal, capsys, monkeypatch, tmp_path):
    a, _ = foreign_wal
    views = tmp_path / "views"
    views.mkdir()
    monkeypatch.setenv("TMPDIR", str(views))
    monkeypatch.setattr("tempfile.tempdir", None)

    def no_link(*_args):
        raise OSError("no hard links here")

    import tempfile

    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recorded_mkdtemp(**kwargs):
        made.append(real_mkdtemp(**kwargs))
        return made[-1]

    monkeypatch.setattr(leftover_wal.os, "link", no_link)
    monkeypatch.setattr(leftover_wal.tempfile, "mkdtemp", recorded_mkdtemp)
    err = _refused(a, capsys)
    assert f"its write-ahead log ({a}-wal)" in err
    assert len(made) == 1 and made[0].startswith(str(views))  # the view was made there
    assert list(views.iterdir()) == []  # and removed
