"""Issue 12 rows 1 and 3 over and over, under a memory limit: `import /dev/zero`, `import` of a
FIFO, and `--out` naming a device (one made with mknod, as root). Each run must be refused at
once with exit 2 and one line; none may hang (a timeout per run), none may need more memory
than the first did (the limit turns a read that grows without bound into a failure, not a
swapping machine), and nothing may be left behind in the folder.

`make test` runs one round; `make stress` sets DC_STRESS_HOSTILE_ROUNDS=50.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tests.helpers.measured_run import main_py_measured

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("DC_STRESS_HOSTILE_ROUNDS", "1"))
MEMORY_LIMIT = 512 * 1024 * 1024  # address space: the program needs about 300 MB of it
GROWTH_CEILING_KB = 200 * 1024  # over the forking parent's size: the program needs ~40 MB
RUN_TIMEOUT = 20

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                                reason="POSIX only (FIFOs, /dev/zero, rlimits)")


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(folder: Path, *argv) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, this run's peak resident KB) of main.py under the memory
    limit."""
    return main_py_measured(folder.parent, *argv, timeout=RUN_TIMEOUT, cwd="/",
                            preexec_fn=_limited)


def _own_peak_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _device(folder: Path) -> Path | None:
    if os.geteuid() != 0:
        return None
    path = folder / "device.json"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
    except OSError:
        return None
    return path


@pytest.mark.timeout(max(120, ROUNDS * 4 * RUN_TIMEOUT))
def test_hostile_files_round_after_round(tmp_path, note):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    db = tmp_path / "register.db"
    status, _, err, _ = _run(tmp_path, "--db", db, "import", ROOT / "resources" / "example-bundle.json")
    assert status == 0, err
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    device = _device(tmp_path)
    cases = [
        (["import", "/dev/zero"], "error: /dev/zero: is a character device, not a regular file"),
        (["import", fifo], f"error: {fifo}: is a named pipe (FIFO), not a regular file"),
        (["export-json", "--out", fifo], f"error: cannot write {fifo}: it is a named pipe "
                                         "(FIFO); only a regular file (or a new one) is written"),
    ]
    if device is not None:
        cases.append((["export-json", "--out", device],
                      f"error: cannot write {device}: it is a character device; only a "
                      "regular file (or a new one) is written"))
    before = sorted(p.name for p in tmp_path.iterdir())
    started = time.monotonic()
    peaks: list[int] = []
    for _ in range(ROUNDS):
        for argv, message in cases:
            status, out, err, peak = _run(tmp_path, "--db", db, *argv)
            assert (status, out, err.splitlines()) == (2, "", [message]), (argv, err)
            # a forked child's peak includes the parent's pages until exec (Linux), so the
            # ceiling sits on top of pytest's own size
            assert peak < _own_peak_kb() + GROWTH_CEILING_KB, (argv, peak)
            peaks.append(peak)
    # nothing grows from round to round (each run is a new process: the same work, the same
    # memory, give or take the allocator)
    assert max(peaks) <= peaks[0] * 1.5 + 8 * 1024, peaks
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary files left
    if device is not None:
        assert stat.S_ISCHR(os.stat(device).st_mode)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    runs = ROUNDS * len(cases)
    note("hostile files", f"{runs} runs refused in {time.monotonic() - started:.1f} s, "
         f"peak {max(peaks) // 1024} MB resident (pytest itself: {_own_peak_kb() // 1024} MB)"
         + ("" if device is not None else " (no device: needs root for mknod)"))
