"""Files and outputs no one means (issue 12): a FIFO, /dev/zero, a folder, a device, a name of
5,000 characters, a number of 30 digits. Each is refused at once with exit 2 and one line; the
real program is run, with a timeout, so that a regression fails instead of hanging."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.application import userfiles
from desktop.domain.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "resources" / "example-bundle.json"
EXAMPLE_ID = "6f1c2a3e-8b4d-4c2a-9e55-2d7a1c0b9f10"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
needs_dev = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")


def main_py(*argv, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd="/",
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def refused(done: subprocess.CompletedProcess, message: str) -> str:
    """Exit 2, nothing on stdout, exactly this one line on stderr."""
    assert "Traceback" not in done.stderr, done.stderr
    assert (done.returncode, done.stdout) == (2, ""), (done.returncode, done.stdout, done.stderr)
    assert done.stderr.splitlines() == [message], done.stderr
    return message


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("register") / "register.db"
    done = main_py("--db", db, "import", EXAMPLE)
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def _a_device(folder: Path) -> Path:
    """A character device it is safe to point the program at: as root, one of our own made
    with mknod (a regression run as root once replaced the system's /dev/null with a regular
    file); as anyone else /dev/null, which they cannot replace."""
    if IS_ROOT:
        return _device(folder)
    if not os.path.exists("/dev/null") or os.name == "nt":
        pytest.skip("no /dev/null")
    return Path("/dev/null")


def _device(folder: Path) -> Path:
    """A character device of our own (a copy of /dev/null) made with mknod, as root."""
    if not IS_ROOT or not hasattr(os, "mknod"):
        pytest.skip("mknod needs root")
    path = folder / "device.pdf"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"mknod refused here: {exc}")
    return path


# ---- inputs (rows 1 and 3) ---------------------------------------------------------------------
@pytest.mark.timeout(60)
@needs_fifo
@pytest.mark.parametrize("command", ["import", "verify", "restore"])
def test_a_fifo_as_input_is_refused_at_once(register, fifo, command):
    what = "a backup file" if command == "restore" else "a regular file"
    refused(main_py("--db", register, command, fifo),
            f"error: {fifo}: is a named pipe (FIFO), not {what}")


@pytest.mark.timeout(60)
@needs_dev
@pytest.mark.parametrize("command", ["import", "verify", "restore"])
def test_dev_zero_as_input_is_refused_at_once(register, command):
    what = "a backup file" if command == "restore" else "a regular file"
    refused(main_py("--db", register, command, "/dev/zero"),
            f"error: /dev/zero: is a character device, not {what}")


@pytest.mark.parametrize("command", ["import", "verify", "restore"])
def test_a_folder_as_input_is_refused(register, tmp_path, command):
    what = "a backup file" if command == "restore" else "a regular file"
    refused(main_py("--db", register, command, tmp_path),
            f"error: {tmp_path}: is a folder, not {what}")


@pytest.mark.parametrize(("command", "cap", "shown"), [
    ("import", userfiles.MAX_BUNDLE_BYTES, "1,024 MB (it is 1,024.1 MB)"),
    ("verify", userfiles.MAX_INPUT_BYTES, "64 MB (it is 64.1 MB)"),
])
def test_an_input_over_the_size_cap_is_refused(register, tmp_path, command, cap, shown):
    big = tmp_path / "big.json"
    with big.open("wb") as fh:  # sparse: the cap + 1 byte without writing them
        fh.truncate(cap + 1)
    refused(main_py("--db", register, command, big),
            f"error: {big}: is larger than {shown}, the most this program reads")


def test_read_bytes_reads_no_more_than_its_limit(tmp_path):
    path = tmp_path / "ten.json"
    path.write_bytes(b"x" * 10)
    with pytest.raises(InvalidInput, match="is larger than 5 bytes"):
        userfiles.read_bytes(path, limit=5)


@needs_fifo
def test_a_file_swapped_for_a_fifo_after_the_stat_is_refused(tmp_path, monkeypatch):
    """The race: the stat saw a regular file, the open finds a FIFO. O_NONBLOCK keeps the
    open from waiting, and the fstat of the descriptor refuses it."""
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    regular = os.stat(EXAMPLE)
    real_stat = os.stat
    monkeypatch.setattr(userfiles.os, "stat",
                        lambda p, *a, **k: regular if Path(p) == pipe else real_stat(p, *a, **k))
    with pytest.raises(InvalidInput, match=r"is a named pipe \(FIFO\), not a regular file"):
        userfiles.read_bytes(pipe)


# ---- --db --------------------------------------------------------------------------------------
@pytest.mark.timeout(60)
@needs_fifo
def test_db_naming_a_fifo_is_refused(fifo):
    refused(main_py("--db", fifo, "list"),
            f"error: --db {fifo}: is a named pipe (FIFO), not a database file")
    refused(main_py("--db", fifo, "import", EXAMPLE),
            f"error: --db {fifo}: is a named pipe (FIFO), not a database file")


def test_db_naming_a_device_or_a_folder_is_refused(tmp_path):
    device = _a_device(tmp_path)
    refused(main_py("--db", device, "list"),
            f"error: --db {device}: is a character device, not a database file")
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert sorted(p.name for p in device.parent.iterdir() if p.name.startswith(device.name)) \
        == [device.name]  # no -wal or -shm beside it
    refused(main_py("--db", tmp_path, "list"),
            f"error: --db {tmp_path}: is a folder, not a database file")


def test_db_that_does_not_exist_yet_is_still_created_by_import(tmp_path):
    db = tmp_path / "new.db"
    assert main_py("--db", db, "import", EXAMPLE).returncode == 0
    assert db.is_file()


# ---- outputs (row 13) --------------------------------------------------------------------------
OUT_COMMANDS = [["export-json"], ["export", EXAMPLE_ID], ["pack", EXAMPLE_ID]]


@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_naming_a_device_is_refused_and_the_device_kept(register, tmp_path, command):
    device = _device(tmp_path)
    refused(main_py("--db", register, *command, "--out", device),
            f"error: cannot write {device}: it is a character device; only a regular file "
            "(or a new one) is written")
    assert stat.S_ISCHR(os.stat(device).st_mode)  # not replaced by a regular file


@pytest.mark.skipif(IS_ROOT, reason="as root, only a device of our own (above) is risked")
@needs_dev
@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_naming_dev_null_is_refused(register, command):
    refused(main_py("--db", register, *command, "--out", "/dev/null"),
            "error: cannot write /dev/null: it is a character device; only a regular file "
            "(or a new one) is written")


@pytest.mark.timeout(60)
@needs_fifo
@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_naming_a_fifo_is_refused(register, fifo, command):
    refused(main_py("--db", register, *command, "--out", fifo),
            f"error: cannot write {fifo}: it is a named pipe (FIFO); only a regular file "
            "(or a new one) is written")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_naming_a_folder_is_refused(register, tmp_path, command):
    refused(main_py("--db", register, *command, "--out", tmp_path),
            f"error: cannot write {tmp_path}: it is a folder; give a file name")


@pytest.mark.parametrize("command", [*OUT_COMMANDS, ["backup"]])
@pytest.mark.parametrize("shape", ["one long name", "many folders"])
def test_out_of_5000_characters_is_refused(register, tmp_path, command, shape):
    if shape == "one long name":
        long = tmp_path / ("a" * (5000 - len(str(tmp_path)) - 1))
    else:
        long = tmp_path.joinpath(*["abcdefghi"] * ((5000 - len(str(tmp_path))) // 10))
    assert 4990 <= len(str(long)) <= 5000
    done = main_py("--db", register, *command, "--out", long)
    shown = f"{str(long)[:60]}…{str(long)[-40:]} ({len(str(long)):,} characters)"
    reason = ("the name is too long for the file system" if shape == "one long name"
              else "no such file" if "backup" not in command else None)
    if reason is None:  # many folders: over PATH_MAX, or a folder that does not exist
        assert done.returncode == 2 and done.stderr.startswith(f"error: cannot write {shown}: ")
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    else:
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith(f"error: cannot write {shown}: "), done.stderr
        assert "Traceback" not in done.stderr


def test_a_new_out_file_is_still_written(register, tmp_path):
    out = tmp_path / "bundle.json"
    assert main_py("--db", register, "export-json", "--out", out).returncode == 0
    assert out.is_file()
    assert main_py("--db", register, "export-json", "--out", out).returncode == 0  # replaced


# ---- backup --out, and number arguments (row 4) -------------------------------------------------
def test_backup_out_empty_is_refused(register):
    refused(main_py("--db", register, "backup", "--out", ""),
            "error: backup --out: give a file name (it was empty)")


def test_backup_out_into_a_folder_that_takes_no_files(register):
    if not os.path.isdir("/proc/sys"):
        pytest.skip("no /proc/sys")
    refused(main_py("--db", register, "backup", "--out", "/proc/sys/copy.db"),
            "error: cannot write /proc/sys/copy.db: the folder /proc/sys does not let you "
            "create files in it")


def test_backup_out_into_a_read_only_folder(tmp_path, monkeypatch):
    """As root a read-only folder stops nothing, so the refusal is shown with a mocked one."""
    target = tmp_path / "copy.db"
    real_open = os.open

    def read_only(path, flags, *args):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(userfiles.os, "open", read_only)
    with pytest.raises(InvalidInput) as caught:
        userfiles.check_new_file(target)
    assert str(caught.value) == (f"cannot write {target}: the folder {tmp_path} does not let "
                                 "you create files in it (Permission denied)")
    assert not target.exists()


@pytest.mark.skipif(IS_ROOT or os.name == "nt", reason="root writes to a read-only folder")
def test_backup_out_into_a_read_only_folder_as_a_user(register, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refused(main_py("--db", register, "backup", "--out", folder / "copy.db"),
                f"error: cannot write {folder / 'copy.db'}: the folder {folder} does not let "
                "you create files in it (Permission denied)")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(("argv", "message"), [
    (["backup", "--keep", "1111111111111111111111111"],
     "decision-checklist backup: argument --keep: 111111111111… (25 digits) is out of range; "
     "give a whole number from 1 to 1,000"),
    (["backup", "--keep", "0"], "decision-checklist backup: argument --keep: 0 is out of range; "
     "give a whole number from 1 to 1,000"),
    (["backup", "--keep", "1001"], "decision-checklist backup: argument --keep: 1001 is out of "
     "range; give a whole number from 1 to 1,000"),
    (["backup", "--keep", "ten"],
     "decision-checklist backup: argument --keep: 'ten' is not a whole number"),
    (["export", EXAMPLE_ID, "--version", "111111111111111111111111111111", "--out", "x.pdf"],
     "decision-checklist export: argument --version: 111111111111… (30 digits) is out of "
     "range; give a whole number from 1 to 1,000,000"),
    (["export", EXAMPLE_ID, "--version", "9223372036854775808", "--out", "x.pdf"],
     "decision-checklist export: argument --version: 9223372036854775808 is out of range; "
     "give a whole number from 1 to 1,000,000"),
    (["export", EXAMPLE_ID, "--version", "0", "--out", "x.pdf"],
     "decision-checklist export: argument --version: 0 is out of range; give a whole number "
     "from 1 to 1,000,000"),
    (["export", EXAMPLE_ID, "--version", "1e3", "--out", "x.pdf"],
     "decision-checklist export: argument --version: '1e3' is not a whole number"),
])
def test_number_arguments_are_range_checked(register, argv, message):
    refused(main_py("--db", register, *argv), message)


def test_the_largest_allowed_version_is_not_found_not_a_traceback(register, tmp_path):
    done = main_py("--db", register, "export", EXAMPLE_ID, "--version", "1000000",
                   "--out", tmp_path / "x.pdf")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
