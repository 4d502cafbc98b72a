"""`audit --check` of a register file another program is writing (the hostile tester's M5, as
copy-register met it): the check's reads are one snapshot and the seal's head is read before
it, so a writer's commits meanwhile raise no false alarm of tampering or of rows removed.
Before, the chain was read, then the head (written after each of the writer's commits, so
ahead of the rows read: "behind its own audit seal"), then each version in a statement of
its own (rows the chain read had not seen)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.helpers.cli import ROOT, run
from tests.unit.cli.test_copy_register import _WRITER, source  # noqa: F401 - the fixture

LOOPS = 10


def test_audit_check_of_a_file_being_written_raises_no_false_alarm(capsys, source):  # noqa: F811
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(source)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, text=True)
    failures = []
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for n in range(LOOPS):
            time.sleep(0.02)
            status, _, err = run(capsys, "audit", "--check", "--db", source)
            if status != 0:
                failures.append((n, err))
    finally:  # stopped between statements (a SIGKILL inside a checkpoint leaves the file
        writer.send_signal(signal.SIGINT)  # shorter than its header says until SQLite's
        try:  # recovery, which the app's open refuses as truncated: not this test's matter)
            writer.wait(timeout=20)
        except subprocess.TimeoutExpired:
            writer.kill()
            writer.wait()
    assert failures == []
    status, _, err = run(capsys, "audit", "--check", "--db", source)  # and once it is still
    assert status == 0, err
