"""The layers hold: the import contracts, no import cycles, and no Qt behind a command.

The contracts themselves live in pyproject.toml ([tool.importlinter]) and `make lint` runs
them; these tests run the same checks inside the suite, so a broken layer fails `make test`
from any entry point, and they prove the checks can fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def import_cycles(graph) -> list[list[str]]:
    """Each group of modules that import one another in a ring (Tarjan's strongly connected
    components), counting imports inside functions as well as at the top of a module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative: a deep import chain must not hit recursion
        nonlocal counter
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                ring = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    ring.append(member)
                    if member == module:
                        break
                if len(ring) > 1:
                    found.append(sorted(ring))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_in_desktop():
    # Imports under `if TYPE_CHECKING:` never run: a type named across a ring is no cycle.
    cycles = import_cycles(grimp.build_graph("desktop", exclude_type_checking_imports=True))
    assert cycles == [], f"modules that import each other: {cycles}"


def test_the_cycle_check_finds_a_ring():
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three", "a.alone"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    graph.add_import(importer="a.alone", imported="a.one")
    assert import_cycles(graph) == [["a.one", "a.three", "a.two"]]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_cli_commands_do_not_load_qt(tmp_path):
    """Running a subcommand end to end never loads PySide6."""
    db = str(tmp_path / "x.db")
    bundle = str(ROOT / "resources" / "example-bundle.json")
    code = (
        "import sys; from desktop.cli import main as cli;"
        f"rc = cli.run(['--db', {db!r}, 'import', {bundle!r}]);"
        "assert rc == 0, rc;"
        f"rc = cli.run(['--db', {db!r}, 'list']);"
        "assert rc == 0, rc;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
