"""Bad files and bad places: each gets a clear message saying what to do, exit 1, no traceback,
and the file is left byte-for-byte as it was (no -wal/-shm/backup created beside it either).

Read-only places are tested three ways, because root ignores permission bits: as the user
`nobody` (setpriv) in a root-owned folder, with `chattr +i` on the folder, and with a
read-only bind mount. The full disk is a 1 MB tmpfs filled up, plus PRAGMA max_page_count
(which makes SQLite report SQLITE_FULL anywhere, without root). Cases that need root or
mount are skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import paths
from desktop.cli import main as cli
from desktop.domain.errors import StorageError

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "schema-v1.db"
EXAMPLE = paths.resource("example-bundle.json")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def fresh_bundle(folder: Path, tag: str) -> Path:
    """The example bundle under a new id (the fixture database already holds the example)."""
    path = folder / f"bundle-{tag}.json"
    path.write_text(EXAMPLE.read_text("utf-8").replace("6f1c2a3e", f"{tag}f1c2a3e"), "utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the folder and its SHA-256."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def main_py(*argv: str, user: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "main.py"), *argv]
    if user:
        import pwd

        uid = pwd.getpwnam(user).pw_uid
        cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *cmd]
    return subprocess.run(cmd, cwd="/", capture_output=True, text=True, timeout=timeout)


def assert_refused(status: int, err: str, *phrases: str) -> str:
    message = err.strip()
    assert status == 1, (status, err)
    assert "Traceback" not in err
    assert len(message.splitlines()) == 1, message
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    return message


def _sqlite_file(path: Path, script: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()
    return path


def _damaged(path: Path) -> Path:
    shutil.copy(FIXTURE, path)
    data = bytearray(path.read_bytes())
    page = 4096
    for n in (3, 7, 12):  # overwrite whole b-tree pages with noise
        data[n * page:(n + 1) * page] = bytes((i * 37 + n) % 251 for i in range(page))
    path.write_bytes(bytes(data))
    return path


def _truncated(path: Path, size: int | None = None) -> Path:
    data = FIXTURE.read_bytes()
    path.write_bytes(data[: size if size is not None else len(data) // 2])
    return path


BAD_FILES = {
    "not a database (text)": (lambda p: p.write_text("Minutes of the meeting\n" * 50) and p,
                              "is not a database"),
    "not a database (PDF)": (lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(5000)) and p,
                             "is not a database"),
    "zero bytes": (lambda p: p.write_bytes(b"") or p, "is empty (0 bytes)"),
    "truncated to half": (_truncated, "restore it from a backup"),
    "truncated inside the header": (lambda p: _truncated(p, 60), "restore it from a backup"),
    "damaged pages": (_damaged, "restore it from a backup"),
    "another program's SQLite database": (
        lambda p: _sqlite_file(p, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
                                  "INSERT INTO photos (name) VALUES ('cat.jpg');"),
        "another program's database"),
    "another program's (its own application_id)": (
        lambda p: _sqlite_file(p, "PRAGMA application_id = 1179602516; CREATE TABLE x (y);"),
        "another program's database"),
    "another sqlite-utils app's migrations": (
        lambda p: _sqlite_file(p, "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, "
                                  "migration_set TEXT, name TEXT, applied_at TEXT);"
                                  "INSERT INTO _sqlite_migrations VALUES (1, 'other', 'm1', '');"),
        "another program's database"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize("command", ["list", "import"])
def test_bad_file_is_refused_and_left_untouched(tmp_path, capsys, case, command, note):
    folder = tmp_path / "place"
    folder.mkdir()
    make, phrase = BAD_FILES[case]
    db = make(folder / "decisions.db")
    before = snapshot(folder)
    argv = ["--db", str(db), command] + ([str(EXAMPLE)] if command == "import" else [])
    status, _, err = run_cli(capsys, *argv)
    message = assert_refused(status, err, phrase, "untouched" if "truncated" not in case
                             and "damaged" not in case else "backup")
    assert snapshot(folder) == before
    note(f"{case}, {command}", message)


def test_bad_file_through_the_real_program(tmp_path):
    """The same refusal from a real process, and from the window's start-up path."""
    db = _damaged(tmp_path / "decisions.db")
    before = snapshot(tmp_path)
    done = main_py("--db", str(db), "list")
    assert_refused(done.returncode, done.stderr, "damaged")
    assert snapshot(tmp_path) == before


def test_folder_instead_of_a_file_and_missing_folder(tmp_path, capsys):
    status, _, err = run_cli(capsys, "--db", str(tmp_path), "list")
    # bad input (exit 2) on the command line, as a FIFO or a device is (test_hostile_files)
    assert status == 2 and err.strip().endswith("is a folder, not a database file"), err
    status, _, err = run_cli(capsys, "--db", str(tmp_path / "nowhere" / "x.db"), "import", str(EXAMPLE))
    assert_refused(status, err, "does not exist")
    assert not (tmp_path / "nowhere").exists()


# ---- read-only places -----------------------------------------------------------------------
def _wal_database(path: Path) -> Path:
    """An existing database of ours, closed, as the app leaves it."""
    shutil.copy(FIXTURE, path)
    status = cli.run(["--db", str(path), "list"])
    assert status == 0
    return path


@pytest.fixture
def shared_folder():
    """A root-owned folder (755) that the user nobody can reach but not write to."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="dc-shared-"))
    try:
        os.chmod(top, 0o755)
        yield top
    finally:
        shutil.rmtree(top, ignore_errors=True)


def nobody_can_run_the_program() -> bool:
    """Whether the user nobody can run main.py from this checkout: not so in a clone made in
    a folder only its owner may enter (`mktemp -d`, and CI's own), where the test is skipped."""
    try:
        return main_py("--version", user="nobody", timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError, KeyError):
        return False


@pytest.mark.skipif(not IS_ROOT or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_read_only_folder_as_another_user(shared_folder, note):
    if not nobody_can_run_the_program():
        pytest.skip(f"the user nobody cannot run the program from {ROOT} (a folder on the way "
                    "is closed to other users)")
    folder = shared_folder
    _wal_database(folder / "old.db")
    os.chmod(folder / "old.db", 0o644)
    before = snapshot(folder)
    done = main_py("--db", str(folder / "new.db"), "import", str(EXAMPLE), user="nobody")
    note("read-only folder, new file (as nobody)", assert_refused(
        done.returncode, done.stderr, "read-only", "Choose a folder you can write to"))
    done = main_py("--db", str(folder / "old.db"), "import", str(EXAMPLE), user="nobody")
    note("read-only folder, existing file not yours (as nobody)", assert_refused(
        done.returncode, done.stderr, "is read-only (its permissions", "Reading it works",
        "copy it to a folder you own"))
    done = main_py("--db", str(folder / "old.db"), "list", user="nobody")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr  # read-only
    private = folder / "private"
    private.mkdir(mode=0o700)
    done = main_py("--db", str(private / "x.db"), "import", str(EXAMPLE), user="nobody")
    note("a folder this user may not enter (as nobody)", assert_refused(
        done.returncode, done.stderr, "cannot be reached", "Check that you may open"))
    done = main_py("--db", str(private / "x.db"), "list", user="nobody")
    assert_refused(done.returncode, done.stderr, "cannot be reached")
    private.rmdir()
    assert snapshot(folder) == before


@contextlib.contextmanager
def _immutable(folder: Path):
    result = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.skipif(not IS_ROOT or not shutil.which("chattr"), reason="needs root and chattr")
def test_immutable_folder(tmp_path, capsys, note):
    folder = tmp_path / "locked"
    folder.mkdir()
    _wal_database(folder / "old.db")
    before = snapshot(folder)
    with _immutable(folder):
        status, _, err = run_cli(capsys, "--db", str(folder / "old.db"), "import", str(EXAMPLE))
        note("immutable folder (chattr +i), existing file", assert_refused(
            status, err, "cannot write to", "Copy it to a folder you own"))
        status, out, err = run_cli(capsys, "--db", str(folder / "old.db"), "list")
        assert status == 0 and out, err  # reading works, read-only, nothing created
        status, _, err = run_cli(capsys, "--db", str(folder / "new.db"), "import", str(EXAMPLE))
        assert_refused(status, err, "read-only")
    assert snapshot(folder) == before


@contextlib.contextmanager
def _mounted(*commands: list[str], target: Path):
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["umount", str(target)], capture_output=True)
            pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield target
    finally:
        for _ in range(20):  # a child process may still be closing its files
            if subprocess.run(["umount", str(target)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)


@pytest.mark.skipif(not IS_ROOT or not shutil.which("mount"), reason="needs root and mount")
def test_read_only_mount(tmp_path, capsys, note):
    folder = tmp_path / "ro"
    folder.mkdir()
    _wal_database(folder / "old.db")
    before = snapshot(folder)
    with _mounted(["mount", "--bind", str(folder), str(folder)],
                  ["mount", "-o", "remount,ro,bind", str(folder)], target=folder):
        status, _, err = run_cli(capsys, "--db", str(folder / "old.db"), "import", str(EXAMPLE))
        note("read-only mount, existing file", assert_refused(
            status, err, "is on a read-only disk or mount", "copy it to a folder you own"))
        status, out, err = run_cli(capsys, "--db", str(folder / "old.db"), "list")
        assert status == 0 and out, err  # reading works, read-only, nothing created
        status, _, err = run_cli(capsys, "--db", str(folder / "new.db"), "import", str(EXAMPLE))
        assert_refused(status, err, "read-only")
    assert snapshot(folder) == before


# ---- a full disk ----------------------------------------------------------------------------
def _table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("decisions", "versions", "answers", "actions", "audit_log")}
    finally:
        conn.close()


def test_full_disk_via_max_page_count(tmp_path, example_bundle_text, note):
    """SQLITE_FULL mid-write: a clear message, nothing half-written, and work goes on after."""
    from desktop.application.bootstrap import open_service
    from desktop.domain.decision import Answer, Rating

    db = tmp_path / "decisions.db"
    shutil.copy(FIXTURE, db)
    service = open_service(db)
    try:
        before = _table_counts(db)
        pages = service.db.execute("PRAGMA page_count").fetchone()[0]
        service.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageError) as caught:
            service.import_bundle(example_bundle_text.replace("6f1c2a3e", "7f1c2a3e"))
        assert "is full" in str(caught.value) and "Free some space" in str(caught.value)
        note("full disk (PRAGMA max_page_count), import", caught.value)
        assert _table_counts(db) == before
        draft = next(r for r in service.register(__import__(
            "desktop.storage.repository", fromlist=["RegisterQuery"]).RegisterQuery())
            if r.status.value == "draft")
        with pytest.raises(StorageError, match="is full"):
            service.set_answer(draft.id, "radical", Answer(Rating.GREEN, "x" * 200_000))
        assert _table_counts(db) == before
        service.db.execute(f"PRAGMA max_page_count = {pages * 100}")  # space freed
        service.set_answer(draft.id, "radical", Answer(Rating.GREEN, "x" * 200_000))
        assert service.get(draft.id).answer("radical").response == "x" * 200_000
        assert service.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        service.db.close()


@pytest.mark.skipif(not IS_ROOT or not shutil.which("mount"), reason="needs root and mount")
@pytest.mark.parametrize("room_kb", [0, 48])
def test_full_disk_tmpfs(tmp_path, room_kb, note):
    """A real full file system: 1 MB tmpfs filled up (0 KB left, or 48 KB left)."""
    folder = tmp_path / "small"
    folder.mkdir()
    with _mounted(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], target=folder):
        db = _wal_database(folder / "decisions.db")
        before_counts = _table_counts(db)
        free = shutil.disk_usage(folder).free
        (folder / "filler").write_bytes(bytes(max(0, free - room_kb * 1024)))
        # fill the last blocks too when room_kb is 0
        with contextlib.suppress(OSError), (folder / "filler").open("ab") as fh:
            while room_kb == 0:
                fh.write(bytes(4096))
                fh.flush()
        bundle = fresh_bundle(tmp_path, "8")
        done = main_py("--db", str(db), "import", str(bundle))
        note(f"full disk (tmpfs, {room_kb} KB left), import", assert_refused(
            done.returncode, done.stderr, "is full", "Free some space"))
        (folder / "filler").unlink()
        assert _table_counts(db) == before_counts
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        done = main_py("--db", str(db), "import", str(bundle))
        assert done.returncode == 0, done.stderr


# ---- locked by another process, and a second copy ------------------------------------------
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive-mode":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("CREATE TABLE IF NOT EXISTS _holder (x)")
if sys.argv[2] == "exclusive-mode":
    conn.execute("COMMIT")
    conn.execute("SELECT count(*) FROM decisions").fetchone()
print("HOLDING", flush=True)
time.sleep(60)
"""


@contextlib.contextmanager
def _held(db: Path, how: str):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), how],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "HOLDING"
        yield
    finally:
        proc.kill()
        proc.wait()


def test_locked_by_a_writer_in_another_process(tmp_path, capsys, note):
    db = _wal_database(tmp_path / "decisions.db")
    bundle = fresh_bundle(tmp_path, "a")
    with _held(db, "write-transaction"):
        status, out, _ = run_cli(capsys, "--db", str(db), "list")
        assert status == 0 and "Join a shared highways" in out  # reading still works
        began = time.monotonic()
        status, _, err = run_cli(capsys, "--db", str(db), "import", str(bundle))
        note("locked by another process (open write transaction), import", assert_refused(
            status, err, "locked by another program", "try again"))
        assert time.monotonic() - began < 10
    counts = _table_counts(db)
    status, out, err = run_cli(capsys, "--db", str(db), "import", str(bundle))
    assert status == 0, err  # the lock is gone, and the refused import had written nothing
    assert _table_counts(db)["decisions"] == counts["decisions"] + 1


def test_locked_exclusively_by_another_process(tmp_path, capsys, note):
    db = _wal_database(tmp_path / "decisions.db")
    with _held(db, "exclusive-mode"):
        status, _, err = run_cli(capsys, "--db", str(db), "list")
        note("locked exclusively by another process, list", assert_refused(
            status, err, "locked by another program", "try again"))


def test_two_command_line_copies_at_once(tmp_path):
    """Two imports at the same moment: both succeed (SQLite serialises them), nothing lost."""
    db = _wal_database(tmp_path / "decisions.db")
    bundles = [fresh_bundle(tmp_path, str(i)) for i in range(2)]
    procs = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db), "import",
                               str(b)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for b in bundles]
    results = [(*p.communicate(timeout=60), p.returncode) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    assert _table_counts(db)["decisions"] == 7


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process handling")
def test_second_running_copy(tmp_path, note):
    """The window holds the database: a second window brings the first to the front, says so
    and exits 0 (no modal dialog); the command line still works beside the window, through SQLite's own locking."""
    db = _wal_database(tmp_path / "decisions.db")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path),
               DECISION_CHECKLIST_LOCK_DIR=str(tmp_path))
    first = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("decision-checklist-*.lock")):  # the window's QLockFile
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the window did not start"
            time.sleep(0.1)
        second = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db)],
                                env=env, capture_output=True, text=True, timeout=30)
        assert first.poll() is None, first.communicate()[1]
        assert second.returncode == 0, second.stderr  # the first is brought to the front
        assert ("already open in another Decision Checklist window; switched to it."
                in second.stderr), second.stderr
        note("a second running copy of the window", "the first comes to the front and says so; "
             "the second prints '... is already open in another Decision Checklist window; "
             "switched to it.' and exits 0")
        listing = main_py("--db", str(db), "list")
        assert listing.returncode == 0 and "Join a shared highways" in listing.stdout
        added = main_py("--db", str(db), "import", str(fresh_bundle(tmp_path, "9")))
        assert added.returncode == 0, added.stderr
        note("the command line while the window is open", "list and import work (exit 0)")
    finally:
        first.kill()
        first.wait()
    assert _table_counts(db)["decisions"] == 6
