"""Registers no one meant to hand us (issue 12, rows 4-10, 12): a file altered outside the
program, a restore over someone else's file, a backup killed part-way, a stray journal, a
read-only register, control characters in a title, a second account on the computer, and
daily backups of files that are not the user's. The real program is run where it matters."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.storage import detached_backup

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "resources" / "example-bundle.json"
EXAMPLE_ID = "6f1c2a3e-8b4d-4c2a-9e55-2d7a1c0b9f10"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _nobody_can_run_the_program() -> bool:
    """False in a checkout nobody may enter (a clone in `mktemp -d`): those tests skip."""
    if not IS_ROOT or not shutil.which("setpriv") or os.name != "posix":
        return False
    try:
        return _main_as_nobody("--version").returncode == 0
    except (OSError, subprocess.SubprocessError, KeyError):
        return False


needs_nobody = pytest.mark.skipif(
    not IS_ROOT or not shutil.which("setpriv") or os.name != "posix",
    reason="needs root, setpriv and POSIX permissions")


def main_py(*argv, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd="/",
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def refused(done: subprocess.CompletedProcess, *phrases: str, status: int = 1) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
    return lines[0]


@pytest.fixture
def register(tmp_path) -> Path:
    """A closed register of ours holding the example decision, in its own folder."""
    folder = tmp_path / "place"
    folder.mkdir()
    db = folder / "decisions.db"
    done = main_py("--db", db, "import", EXAMPLE)
    assert done.returncode == 0, done.stderr
    return db


def _raw(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# ---- row 4: a register altered outside the program --------------------------------------------
@pytest.mark.parametrize("statement, missing", [
    ("ALTER TABLE sign_offs DROP COLUMN comment", "missing column sign_offs.comment"),
    ("DROP TABLE signed_copies", "missing table signed_copies"),
])
@pytest.mark.parametrize("command", [["verify", "ABCD-EFGH-JKMN"], ["audit", "--check"],
                                     ["export", EXAMPLE_ID, "--out", "{out}"], ["list"]])
def test_altered_schema_is_refused_and_left_untouched(register, tmp_path, statement, missing,
                                                      command):
    _raw(register, statement)
    before = snapshot(register.parent)
    argv = [a.replace("{out}", str(tmp_path / "out.pdf")) for a in command]
    message = refused(main_py("--db", register, *argv),
                      "has been altered outside Decision Checklist", f"({missing})")
    assert message.startswith(f"error: {register} has been altered")
    assert snapshot(register.parent) == before
    assert not (tmp_path / "out.pdf").exists()


def test_schema_info_lists_what_the_migrations_build():
    from sqlite_utils import Database

    from desktop.storage import migrations, schema_info

    db = Database(memory=True)
    migrations.apply(db)
    built: dict[str, tuple[str, ...]] = {}
    for table, column in db.conn.execute(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' ORDER BY m.name, p.cid"):
        built[table] = (*built.get(table, ()), column)
    assert built == schema_info.EXPECTED_COLUMNS


# ---- row 5: restore over a file that is not ours ----------------------------------------------
def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode = WAL; CREATE TABLE photos (id INTEGER PRIMARY KEY, "
                       "name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg');")
    conn.close()
    return path


def _newer(path: Path) -> Path:
    shutil.copy(ROOT / "tests" / "fixtures" / "schema-v1.db", path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    return path


@pytest.mark.parametrize("make, phrase", [(_foreign, "another program's database"),
                                          (_newer, "made by a newer version")],
                         ids=["another program's SQLite file", "a newer version's register"])
def test_restore_over_a_file_that_is_not_ours_is_refused(register, tmp_path, make, phrase,
                                                         note):
    copy = tmp_path / "copy.db"
    assert main_py("--db", register, "backup", "--out", copy).returncode == 0
    target = make(tmp_path / "place" / "theirs.db")
    backups = Path(os.environ["DECISION_CHECKLIST_BACKUP_DIR"])
    backups.mkdir(exist_ok=True)
    before, kept, backed_up = snapshot(target.parent), copy.read_bytes(), snapshot(backups)
    message = refused(main_py("--db", target, "restore", copy), "not restored", phrase,
                      "left untouched")
    assert snapshot(target.parent) == before and copy.read_bytes() == kept
    assert snapshot(backups) == backed_up  # its bytes were not moved to backups/ either
    note(f"restore over {phrase}", message)



# ---- row 6: a backup killed part-way --------------------------------------------------------
def test_partial_copies_of_killed_backups_are_removed_by_the_next_backup_or_prune(register,
                                                                                  tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = backups / f".decisions-1234abcd-20260101-000000-daily.db.partial-{dead}"
        running = backups / f".decisions-1234abcd-20260101-000000-daily.db.partial-{alive.pid}"
        for p in (stale, running):
            p.write_bytes(b"SQLite format 3\x00" + bytes(100_000))
        env = {"DECISION_CHECKLIST_BACKUP_DIR": str(backups)}
        assert main_py("--db", register, "backup", env=env).returncode == 0
        assert not stale.exists() and running.exists()  # a copy still being made is left
        stale.write_bytes(b"half")
        done = main_py("--db", register, "backup", "--keep", "3", env=env)
        assert done.returncode == 0, done.stderr
        assert "removed" not in done.stdout  # only backups are counted as removed
        assert not stale.exists() and running.exists()
    finally:
        alive.kill()
        alive.wait()


# ---- row 9: control characters in a title ---------------------------------------------------
SPOOF = "Harmless\u001b[2K\r\u001b[32mSIGNED OFF BY ALL\u0007\u009b"
BIDI = "Approve \u202eSIGNED\u202c ref \u2066x\u2069"
RAW = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
                        *range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def _bundle_with(tmp_path: Path, title: str, reference: str = "REF/1") -> Path:
    import json

    bundle = json.loads(EXAMPLE.read_text("utf-8"))
    bundle["decisions"][0].update(title=title, reference=reference)
    path = tmp_path / "spoof.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def _no_raw_controls(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW})
    assert not found, (found, text)


def test_control_characters_reach_the_terminal_escaped(tmp_path):
    db = tmp_path / "decisions.db"
    done = main_py("--db", db, "import", _bundle_with(tmp_path, SPOOF, BIDI))
    assert done.returncode == 0, done.stderr
    _no_raw_controls(done.stdout)
    assert "Harmless\\x1b[2K\\r\\x1b[32mSIGNED OFF BY ALL\\x07\\x9b" in done.stdout
    for argv in (["list"], ["list", "--json"], ["audit"], ["audit", EXAMPLE_ID],
                 ["verify", "ABCD-EFGH-JKMN"], ["audit", "--check"]):
        done = main_py("--db", db, *argv)
        assert "Traceback" not in done.stderr
        _no_raw_controls(done.stdout + done.stderr)
    listed = main_py("--db", db, "list").stdout
    assert "\\u202eSIGNED\\u202c ref \\u2066x\\u2069" in listed
    assert "\\x1b[2K" in main_py("--db", db, "audit", EXAMPLE_ID).stdout


def test_cli_escaping_is_one_function():
    from desktop.cli._output import json_text, one_line, shown_message

    for c in RAW:
        assert c not in one_line(f"a{c}b") and c not in shown_message(f"a{c}b")
        assert c not in json_text([f"a{c}b"])
    assert one_line("C:\\x\tend") == "C:\\\\x\\tend"  # a backslash is escaped in a field
    assert shown_message("C:\\Users\\me") == "C:\\Users\\me"  # but not in a message


def test_import_refuses_a_nul_naming_its_key_path(tmp_path, note):
    db = tmp_path / "decisions.db"
    done = main_py("--db", db, "import", _bundle_with(tmp_path, "Before\u0000after"))
    message = refused(done, "decisions[0].title", "NUL", status=2)
    assert not db.exists()
    note("import of a title with a NUL", message)


def test_bidi_overrides_are_shown_in_the_register_and_the_pdf(tmp_path):
    import io

    from pypdf import PdfReader

    from desktop.domain.visible import visible_controls

    assert visible_controls(BIDI) == "Approve ⟨U+202E⟩SIGNED⟨U+202C⟩ ref ⟨U+2066⟩x⟨U+2069⟩"
    assert visible_controls(None) is None and visible_controls("plain") == "plain"
    db = tmp_path / "decisions.db"
    assert main_py("--db", db, "import", _bundle_with(tmp_path, BIDI, "R\u202eF")).returncode == 0
    out = tmp_path / "r.pdf"
    done = main_py("--db", db, "export", EXAMPLE_ID, "--out", out)
    assert done.returncode == 0, done.stderr
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "⟨U+202E⟩SIGNED⟨U+202C⟩" in text and "R⟨U+202E⟩F" in text
    assert "\u202e" not in text


def test_bidi_overrides_are_shown_in_the_windows_register(service, tmp_path):
    from desktop.ui.register.model import COLUMNS, RegisterTableModel

    service.import_bundle(_bundle_with(tmp_path, BIDI, "R\u202eF").read_text("utf-8"))
    model = RegisterTableModel(service, page_size=40)
    columns = [key for key, _ in COLUMNS]
    shown = {key: model.data(model.index(0, columns.index(key))) for key in ("title", "reference")}
    # the bundle keeps the example's id, so it is marked as the example
    assert shown == {"title": "Example: Approve ⟨U+202E⟩SIGNED⟨U+202C⟩ ref ⟨U+2066⟩x⟨U+2069⟩",
                     "reference": "R⟨U+202E⟩F"}


# ---- row 7: a stray or junk -journal beside a healthy WAL register -----------------------------
JOURNALS = {
    "junk bytes": bytes((i * 151 + 7) % 256 for i in range(3000)),
    "a journal header, then junk": bytes.fromhex("d9d505f920a163d7") + bytes(504)
    + b"x" * 3000,
}


@pytest.mark.parametrize("kind", list(JOURNALS))
def test_a_stale_journal_is_not_damage(register, kind):
    Path(f"{register}-journal").write_bytes(JOURNALS[kind])
    for argv in (["list"], ["audit", "--check"], ["export-json", "--out",
                                                  register.parent.parent / "b.json"]):
        done = main_py("--db", register, *argv)
        assert done.returncode == 0 and "damaged" not in done.stderr, (argv, done.stderr)
    assert EXAMPLE_ID in main_py("--db", register, "list").stdout  # nothing was lost
    done = main_py("--db", register, "amend", EXAMPLE_ID, "--reason", "still writable")
    assert "damaged" not in done.stderr and "Traceback" not in done.stderr, done.stderr


# ---- row 8: a read-only register, read-only media ------------------------------------------
READING = [["list"], ["list", "--json"], ["export-json", "--out", "{out}/b.json"],
           ["export", EXAMPLE_ID, "--out", "{out}/r.pdf"], ["verify", "ABCD-EFGH-JKMN"],
           ["audit"], ["audit", "--check"], ["audit", EXAMPLE_ID]]


def _reads_and_refuses(register: Path, out: Path, run, phrase: str, note) -> None:
    """Every reading command works and creates nothing beside the file; a write says why."""
    before = snapshot(register.parent)
    for argv in READING:
        done = run(*[str(a).replace("{out}", str(out)) for a in argv])
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (argv, done)
        assert "error" not in done.stderr, (argv, done.stderr)
        assert snapshot(register.parent) == before, argv  # no -wal, no -shm
    for argv in (["import", EXAMPLE], ["amend", EXAMPLE_ID, "--reason", "r"],
                 ["sign-off", EXAMPLE_ID, "--role", "Monitoring Officer", "--name", "A",
                  "--date", "2026-01-01"]):
        done = run(*argv)
        message = refused(done, phrase)
        assert snapshot(register.parent) == before, argv
        note(f"{phrase}: {argv[0]}", message)
    assert (out / "b.json").exists() and (out / "r.pdf").exists()


@needs_nobody
def test_a_read_only_register_in_a_writable_folder(home, note):
    if not _nobody_can_run_the_program():
        pytest.skip(f"the user nobody cannot run the program from {ROOT}")
    folder = home / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)  # anyone may create files here; the register is root's, 0644
    register = folder / "decisions.db"
    assert main_py("--db", register, "import", EXAMPLE).returncode == 0
    os.chmod(register, 0o644)
    out = home / "out"
    out.mkdir()
    os.chmod(out, 0o777)
    _reads_and_refuses(register, out, lambda *a: _main_as_nobody("--db", register, *a),
                       "is read-only (its permissions do not let you change it)", note)


@pytest.mark.skipif(not IS_ROOT or not shutil.which("mount"), reason="needs root and mount")
def test_a_register_on_read_only_media(tmp_path, note):
    folder = tmp_path / "stick"
    folder.mkdir()
    register = folder / "decisions.db"
    assert main_py("--db", register, "import", EXAMPLE).returncode == 0
    for cmd in (["mount", "--bind", str(folder), str(folder)],
                ["mount", "-o", "remount,ro,bind", str(folder)]):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["umount", str(folder)], capture_output=True)
            pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        _reads_and_refuses(register, tmp_path, lambda *a: main_py("--db", register, *a),
                           "is on a read-only disk or mount", note)
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


# ---- a flipped byte in the WAL a crash left: SQLite drops the frame, the seal says so ----------
def test_a_sign_off_lost_from_a_damaged_wal_is_reported_by_audit_check(register, tmp_path,
                                                                        note):
    holder = sqlite3.connect(register)  # while it is open, the WAL is neither merged nor removed
    holder.execute("SELECT count(*) FROM decisions").fetchone()
    try:
        done = main_py("--db", register, "sign-off", EXAMPLE_ID, "--role", "Monitoring Officer",
                       "--name", "A. Officer", "--date", "2026-01-05")
        assert done.returncode == 0, done.stderr  # acknowledged
        wal = Path(f"{register}-wal")
        crashed = {p: p.read_bytes() for p in (register, wal)}  # what a crash would leave
        assert len(crashed[wal]) > 32
    finally:
        holder.close()
    page_size = int.from_bytes(crashed[wal][8:12], "big")
    frames = (len(crashed[wal]) - 32) // (24 + page_size)
    last = 32 + (frames - 1) * (24 + page_size)
    damaged = bytearray(crashed[wal])
    damaged[last + 24 + 200] ^= 0x01  # one bit of the commit frame's page
    register.write_bytes(crashed[register])
    wal.write_bytes(bytes(damaged))
    Path(f"{register}-shm").unlink(missing_ok=True)
    listed = main_py("--db", register, "audit", EXAMPLE_ID)
    assert "Monitoring Officer" not in listed.stdout  # SQLite dropped it, by design
    done = main_py("--db", register, "audit", "--check")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "the register is behind its own audit seal" in (done.stdout + done.stderr).lower(), (
        done.stdout, done.stderr)
    behind = next(line for line in (done.stdout + done.stderr).splitlines() if "behind" in line)
    note("a sign-off lost from a WAL with one flipped bit: audit --check", behind)


# ---- row 10: a second account on the same computer -----------------------------------------


def _as_nobody(*cmd) -> subprocess.CompletedProcess:
    import pwd

    uid = pwd.getpwnam("nobody").pw_uid
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                           *map(str, cmd)], capture_output=True, timeout=30)


def _main_as_nobody(*argv) -> subprocess.CompletedProcess:
    import pwd

    uid = pwd.getpwnam("nobody").pw_uid
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                           sys.executable, ROOT / "main.py", *map(str, argv)], cwd="/",
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def home():
    """A folder anyone may enter (the tests' own tmp_path is root's alone)."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="dc-home-"))
    os.chmod(top, 0o755)
    yield top
    shutil.rmtree(top, ignore_errors=True)


@needs_nobody
def test_another_account_cannot_read_the_register_its_backups_or_logs(home):
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "DECISION_CHECKLIST_BACKUP_DIR": ""}
    run = {"capture_output": True, "text": True, "timeout": 60, "env": env, "cwd": "/",
           "umask": 0}  # the loosest umask: the modes must not come from it
    done = subprocess.run([sys.executable, ROOT / "main.py", "import", EXAMPLE], **run)
    assert done.returncode == 0, done.stderr
    data = home / "data" / "DecisionChecklist"
    register, backups = data / "decisions.db", data / "backups"
    done = subprocess.run([sys.executable, ROOT / "main.py", "backup"], **run)
    assert done.returncode == 0, done.stderr
    copy = Path(done.stdout.strip())
    restored = data / "restored.db"
    done = subprocess.run([sys.executable, ROOT / "main.py", "--db", restored, "restore", copy],
                          **run)
    assert done.returncode == 0, done.stderr
    (data / "damaged.db").write_bytes(b"junk" * 1000)
    done = subprocess.run([sys.executable, ROOT / "main.py", "--db", data / "damaged.db",
                           "restore", copy], **run)
    assert done.returncode == 0, done.stderr
    raw = next(backups.glob("damaged-*.db.bytes"))
    from desktop.ui.startup.application import write_crash_log

    old = os.umask(0)
    try:
        log = write_crash_log(home / "log" / "DecisionChecklist", ValueError, ValueError("x"),
                              None)
    finally:
        os.umask(old)
    conn = sqlite3.connect(register)  # a connection holds it: -wal and -shm exist
    try:
        conn.execute("INSERT INTO register_meta (key, value) VALUES ('probe', 'x')")
        conn.commit()
        wal, shm = Path(f"{register}-wal"), Path(f"{register}-shm")
        folders = [data, backups, log.parent]
        files = [register, wal, shm, copy, restored, raw, log]
        assert {str(p): _mode(p) for p in folders} == {str(p): 0o700 for p in folders}
        assert {str(p): _mode(p) for p in files} == {str(p): 0o600 for p in files}
        for p in folders:  # even with the folders opened up, the files stay closed
            os.chmod(p, 0o755)
        for p in files:
            done = _as_nobody("cat", p)
            assert done.returncode != 0 and b"Permission denied" in done.stderr, (p, done)
    finally:
        conn.close()


# ---- row 12: daily backups of the user's own registers only ------------------------------------
def test_daily_backups_only_of_own_registers_and_never_from_reading(tmp_path):
    backups = tmp_path / "backups"
    data = tmp_path / "data"
    env = {"DECISION_CHECKLIST_BACKUP_DIR": str(backups), "XDG_DATA_HOME": str(data)}
    stick = tmp_path / "usb-stick" / "theirs.db"
    stick.parent.mkdir()
    own = data / "DecisionChecklist" / "decisions.db"  # the default register
    own.parent.mkdir(parents=True)
    for db in (stick, own):
        assert main_py("--db", db, "import", EXAMPLE, env=env).returncode == 0
    shutil.rmtree(backups, ignore_errors=True)  # what creating them left: none is daily
    for argv in (["list"], ["export-json", "--out", tmp_path / "b.json"], ["audit"],
                 ["audit", "--check"], ["verify", "ABCD-EFGH-JKMN"],
                 ["export", EXAMPLE_ID, "--out", tmp_path / "r.pdf"]):
        for db in (stick, own):
            (tmp_path / "b.json").unlink(missing_ok=True)
            (tmp_path / "r.pdf").unlink(missing_ok=True)
            assert main_py("--db", db, *argv, env=env).returncode in (0, 1)
    assert not backups.exists() or not list(backups.iterdir())  # reading backs up nothing
    for db in (stick, own):  # a write: only the user's own register is backed up
        done = main_py("--db", db, "amend", EXAMPLE_ID, "--reason", "r", env=env)
        assert "Traceback" not in done.stderr
        done = main_py("--db", db, "sign-off", EXAMPLE_ID, "--role", "Monitoring Officer",
                       "--name", "A", "--date", "2026-01-01", env=env)
        assert "Traceback" not in done.stderr
    detached_backup.wait_until_done(own, backups)  # a child makes it, after the command
    made = sorted(p.name for p in backups.glob("*.db"))
    assert len(made) == 1 and made[0].startswith("decisions-") and "-daily" in made[0], made
