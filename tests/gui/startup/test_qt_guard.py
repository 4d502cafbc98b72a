"""The PySide6 6.12.0 None-refcount bug, and the guard that keeps the app alive through it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CALLS = 60_000  # over ten times None's reference count in a fresh process

_SCRIPT = """
import sys
{guard}
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
edit = QLineEdit()
before = sys.getrefcount(None)
for _ in range({calls}):
    edit.setText("x")
print(before - sys.getrefcount(None))
"""


def _run(guard: str, calls: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(guard=guard, calls=calls)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_thousands_of_qt_calls_do_not_abort_the_app():
    result = _run("import desktop.ui", CALLS)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_guard_is_still_needed():
    """When PySide6 fixes the leak this fails: then delete desktop/ui/qt_guard.py."""
    if sys.version_info >= (3, 12):
        pytest.skip("None is immortal on Python 3.12+")
    result = _run("", 100)
    assert result.returncode == 0, result.stderr[-2000:]
    # one reference lost per call; the count can also move by one for reasons of its own
    # (seen once in CI: 101), so at least one per call is the leak
    assert int(result.stdout.strip()) >= 100
