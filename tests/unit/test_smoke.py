"""`main.py --smoke-test` from source: the same check `make dist-test` runs on the built app."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from desktop import smoke

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=100, env=env)


def test_smoke_test_passes_from_source(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k != "QT_QPA_PLATFORM"}  # it must pick offscreen itself
    env.update(HOME=str(home), TMPDIR=str(tmp))
    result = _run("--smoke-test", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "smoke ok"
    steps = [line.split(":")[1].strip() for line in lines if line.startswith("smoke: ")]
    assert steps[:5] == ["resources", "import example", "pdf", "scan", "window"]
    assert "verified" in next(line for line in lines if line.startswith("smoke: pdf:"))
    # It wrote nothing in the user's folders and left nothing behind in the temp folder.
    assert [p for p in home.rglob("*")] == []
    assert [p for p in tmp.rglob("*")] == []


def test_smoke_test_is_in_the_help():
    result = _run("--help")
    assert result.returncode == 0
    assert "--smoke-test" in result.stdout


def test_version_matches_pyproject():
    """The built app's name and version come from pyproject.toml; the code must agree."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    result = _run("--version")
    assert result.stdout.strip() == f"{project['name']} {project['version']}"


def test_a_failing_step_is_reported_with_exit_1(monkeypatch):
    def broken(self):
        raise smoke.SmokeFailure("importing example-bundle.json added no decisions")

    monkeypatch.setattr(smoke._Smoke, "import_example", broken)
    monkeypatch.setattr(smoke, "_isolate", lambda folder: None)
    said: list[str] = []
    assert smoke.run_smoke_test(said.append) == 1
    assert said[-1] == "smoke FAILED: import example: importing example-bundle.json added no decisions"
    assert "smoke ok" not in said


@pytest.mark.parametrize(("data", "problem"), [
    (b"not a pdf", "not a complete PDF"),
    (b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 0 >> endobj\n%%EOF\n", "no pages"),
    (b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n", "verification code"),
])
def test_check_pdf_refuses_what_is_not_a_whole_record(data, problem):
    with pytest.raises(smoke.SmokeFailure, match=problem):
        smoke.check_pdf(data, "ABCD-EFGH-JKLM")


def test_check_pdf_counts_pages_not_the_page_tree():
    data = (b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n"
            b"2 0 obj << /Type /Page >> endobj\n3 0 obj << /Type/Page >> endobj\n"
            b"4 0 obj << /Keywords (decision-checklist-code:ABCD-EFGH-JKLM) >> endobj\n%%EOF\n")
    assert smoke.check_pdf(data, "ABCD-EFGH-JKLM") == 2


def test_check_pdf_agrees_with_pypdf_on_a_real_record(tmp_path, capsys):
    """The smoke test's light PDF reader counts the same pages as pypdf on an exported record."""
    from pypdf import PdfReader

    from desktop import paths
    from desktop.cli import main as cli

    db, pdf = str(tmp_path / "x.db"), tmp_path / "x.pdf"
    assert cli.run(["--db", db, "import", str(paths.resource("example-bundle.json"))]) == 0
    decision_id = capsys.readouterr().out.split("\t")[0]
    assert cli.run(["--db", db, "export", decision_id, "--out", str(pdf)]) == 0
    assert cli.run(["--db", db, "list", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)[0]["verification_code"]
    assert smoke.check_pdf(pdf.read_bytes(), code) == len(PdfReader(pdf).pages) > 1


def test_importing_the_smoke_module_does_not_load_qt():
    code = ("import sys, desktop.smoke;"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'desktop.ui'))];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_missing_resource_is_named(monkeypatch, tmp_path):
    (tmp_path / "fonts").mkdir()
    monkeypatch.setattr(smoke.paths, "resources_dir", lambda: tmp_path)
    with pytest.raises(smoke.SmokeFailure, match=re.escape("lacks checklist.json, checklist.schema.json")):
        smoke.check_resources()
