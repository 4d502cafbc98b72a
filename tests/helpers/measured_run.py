"""main.py as a real process whose peak memory is measured: waited for with wait4, which gives
this child's ru_maxrss (RUSAGE_CHILDREN would give the largest of every child so far). On
Linux that counts the address space it was spawned from (pytest's, hundreds of MB late in a
run), so `own_peak=True` reads the child's own VmHWM from /proc while it runs instead, as the
bench does (bench/harness.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.harness import _own_peak_kib

ROOT = Path(__file__).resolve().parents[2]


def main_py_measured(output_folder: Path, *argv, timeout: float, cwd: Path | str,
                     preexec_fn: Callable[[], None] | None = None,
                     own_peak: bool = False) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, peak resident KB) of one run of main.py; its output goes
    to out.txt and err.txt in output_folder. A run over `timeout` seconds is killed and
    fails the test."""
    out_path, err_path = output_folder / "out.txt", output_folder / "err.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *map(str, argv)],
                                cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                                preexec_fn=preexec_fn)
    deadline = time.monotonic() + timeout
    hwm_kb = 0
    while True:
        if own_peak:
            hwm_kb = max(hwm_kb, _own_peak_kib(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9  # already reaped: stop Popen from waiting for it again
            pytest.fail(f"main.py {' '.join(map(str, argv))} hung (killed after {timeout} s)")
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, out_path.read_text(encoding="utf-8"),
            err_path.read_text(encoding="utf-8"), hwm_kb or usage.ru_maxrss)
