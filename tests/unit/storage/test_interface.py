"""The repository Protocol: the SQLite Repository and the PostgresRepository satisfy it, and
it lists exactly what the layers above storage call on `service.repo`."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from desktop.storage.interface import DecisionRepository
from desktop.storage.postgres.repository import PostgresRepository
from desktop.storage.repository import Repository

DESKTOP = Path(__file__).resolve().parents[3] / "desktop"
# What integrity.py reads of the SQLite file itself (its triggers and raw rows, in one
# snapshot of the file): not part of the seam, a second database brings its own checks. And
# what a restore's staged copy of a file is told (backups.py: the file it becomes, for its seal).
SQLITE_ONLY = {"db", "read_snapshot", "taken_as"}


def _protocol_members() -> set[str]:
    return {name for name in vars(DecisionRepository)
            if not name.startswith("_")} | set(DecisionRepository.__annotations__)


def _called_on_repo() -> set[str]:
    """Attributes used on `repo`, `service.repo` or `self.repo` outside storage."""
    used: set[str] = set()
    for layer in ("application", "cli", "ui"):
        for path in (DESKTOP / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Attribute):
                    continue
                owner = node.value
                if (isinstance(owner, ast.Name) and owner.id == "repo") or (
                        isinstance(owner, ast.Attribute) and owner.attr == "repo"):
                    used.add(node.attr)
    return used


def _as_protocol(repo: Repository) -> DecisionRepository:
    """mypy (run over tests/) checks every member's signature here, structurally."""
    return repo


def test_the_sqlite_repository_satisfies_the_protocol(service):
    assert isinstance(service.repo, Repository)
    assert isinstance(service.repo, DecisionRepository)  # runtime_checkable: every member
    assert _as_protocol(Repository(service.db, "tester")).user == "tester"


def _as_protocol_too(repo: PostgresRepository) -> DecisionRepository:
    return repo


def test_the_postgres_repository_satisfies_the_protocol(any_service, engine):
    if engine == "postgresql":
        assert isinstance(any_service.repo, PostgresRepository)
        assert isinstance(any_service.repo, DecisionRepository)
        assert _as_protocol_too(any_service.repo).user == "tester"  # the server says who


@pytest.mark.parametrize("implementation", [Repository, PostgresRepository])
def test_each_method_keeps_the_protocols_signature(implementation):
    for name in _protocol_members() - {"user", "key_dir"}:
        wanted = inspect.signature(getattr(DecisionRepository, name))
        found = inspect.signature(getattr(implementation, name))
        assert list(found.parameters) == list(wanted.parameters), name
        for param, expected in wanted.parameters.items():
            assert found.parameters[param].kind == expected.kind, (name, param)
            assert found.parameters[param].default == expected.default, (name, param)


def test_the_protocol_lists_exactly_what_the_application_calls():
    assert _called_on_repo() - SQLITE_ONLY == _protocol_members()


def test_something_missing_a_method_is_not_a_repository():
    class Partial:
        user = "x"

        def load(self, decision_id, version=None):
            return None

    assert not isinstance(Partial(), DecisionRepository)
