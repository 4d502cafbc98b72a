"""The domain, storage, export and service layers must never import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "desktop"
# Everything outside desktop/ui is Qt-free, except the two entry points that start the window.
GUI_ENTRY_POINTS = {"app.py", "smoke.py"}
QT_FREE = sorted(
    p.name
    for p in PACKAGE.iterdir()
    if p.name not in ("ui", "__pycache__", *GUI_ENTRY_POINTS) and (p.is_dir() or p.suffix == ".py")
)


def _python_files(entry: str) -> list[Path]:
    path = PACKAGE / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@pytest.mark.parametrize("entry", QT_FREE)
def test_no_qt_import_in_source(entry):
    offenders = []
    for file in _python_files(entry):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "shiboken6") or n.startswith("desktop.ui")
                   for n in names):
                offenders.append(f"{file.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not offenders, f"Qt imported outside desktop/ui: {offenders}"


def test_cli_commands_do_not_load_qt(tmp_path):
    """Running a subcommand end to end never loads PySide6."""
    db = str(tmp_path / "x.db")
    bundle = str(PACKAGE.parent / "resources" / "example-bundle.json")
    code = (
        "import sys; from desktop.cli import main as cli;"
        f"rc = cli.run(['--db', {db!r}, 'import', {bundle!r}]);"
        "assert rc == 0, rc;"
        f"rc = cli.run(['--db', {db!r}, 'list']);"
        "assert rc == 0, rc;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)
