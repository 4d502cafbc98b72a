"""Fuzz `import` with Hypothesis: every input ends in exit 0 or exit 2 with one line on stderr.

Never a traceback, never a partial write: when an import fails, every table has exactly the
rows it had before. Most examples run `desktop.cli.main.run` in-process for speed; a handful of
nasty files also go through a real `main.py import` subprocess.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import paths
from desktop.cli import main as cli

ROOT = Path(__file__).resolve().parents[3]
TABLES = ("decisions", "versions", "options", "answers", "actions", "sign_offs", "audit_log",
          "checklists", "action_progress")
EXAMPLE = json.loads(paths.resource("example-bundle.json").read_text(encoding="utf-8"))
N = int(os.environ.get("DC_FUZZ_EXAMPLES", "80"))  # `make stress` raises it

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["", "green", "amber", "not-applicable", "2026-02-30", "2026-12-09",
                     "decision-checklist/1", "signed-off", "draft", "in-house", "x" * 201,
                     "6f1c2a3e-8b4d-4c2a-9e55-2d7a1c0b9f10", "not-a-uuid", "\x00", "\ud800"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)


def counts(db: Path) -> dict[str, int]:
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def attempt(tmp_path: Path, capsys, payload: str | bytes) -> int:
    """Import payload into the test database through the CLI; check the all-or-nothing rule."""
    db = tmp_path / "fuzz.db"
    src = tmp_path / "bundle.json"
    src.write_bytes(payload if isinstance(payload, bytes) else
                    payload.encode("utf-8", errors="surrogatepass"))
    before = counts(db)
    capsys.readouterr()
    status = cli.run(["--db", str(db), "import", str(src)])
    out, err = capsys.readouterr()
    after = counts(db)
    assert status in (0, 2), (status, err)
    assert "Traceback" not in err
    if status == 0:
        added = len(out.splitlines())
        assert after["decisions"] == before.get("decisions", 0) + added
    else:
        assert err.strip() and len(err.strip().splitlines()) == 1, err
        assert len(err) < 2000, "the message must be one readable line, not the input"
        if before:
            assert after == before, "a refused import changed the database"
    return status


def fuzz(tmp_path: Path, capsys, examples: int, inputs, payload) -> Counter[str]:
    """attempt() each of `examples` drawn inputs (`payload` turns one into the file's text);
    how many were accepted and refused."""
    seen: Counter[str] = Counter()

    @settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow])
    @given(inputs)
    def one(drawn):
        seen["accepted" if attempt(tmp_path, capsys, payload(drawn)) == 0 else "refused"] += 1

    one()
    return seen


def tried(seen: Counter[str], examples: int) -> str:
    """Hypothesis drew (nearly) as many inputs as asked: the fuzzing really ran."""
    assert seen.total() >= examples * 0.9, (seen, examples)
    return f"{seen.total()} inputs ({seen['accepted']} accepted, {seen['refused']} refused)"


def test_random_json_shapes(tmp_path, capsys, note):
    seen = fuzz(tmp_path, capsys, N, json_values, json.dumps)
    note("import fuzz, random JSON", tried(seen, N))


def test_bundle_shaped_random_decisions(tmp_path, capsys, note):
    shaped = st.fixed_dictionaries({
        "format": st.sampled_from(["decision-checklist/1", "decision-checklist/2", None]),
        "decisions": st.lists(json_values, max_size=3)})
    seen = fuzz(tmp_path, capsys, N, shaped, json.dumps)
    note("import fuzz, bundle-shaped junk", tried(seen, N))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


ALL_PATHS = [p for p in _paths(EXAMPLE) if p]


def _mutated(data) -> str:
    """Replace, delete or add one key somewhere in the example bundle (fresh id each time)."""
    bundle = copy.deepcopy(EXAMPLE)
    bundle["decisions"][0].pop("id")
    path = data.draw(st.sampled_from([p for p in ALL_PATHS if p[-1:] != ("id",)]))
    parent = bundle
    for key in path[:-1]:
        parent = parent[key]
    how = data.draw(st.sampled_from(["replace", "delete", "add", "duplicate-list"]))
    if how == "replace":
        parent[path[-1]] = data.draw(json_values)
    elif how == "delete":
        del parent[path[-1]]
    elif how == "add" and isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10))] = data.draw(json_values)
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
    return json.dumps(bundle, ensure_ascii=data.draw(st.booleans()))


def test_mutations_of_a_valid_bundle(tmp_path, capsys, note):
    seen = fuzz(tmp_path, capsys, N * 2, st.data(), _mutated)
    # one changed key leaves many bundles valid: the fuzzing reaches past the first check
    assert seen["accepted"] and seen["refused"], seen
    note("import fuzz, mutations of a valid bundle", tried(seen, N * 2))


def test_random_bytes(tmp_path, capsys, note):
    seen = fuzz(tmp_path, capsys, N // 2, st.binary(max_size=200), lambda payload: payload)
    note("import fuzz, random bytes", tried(seen, N // 2))


def _deep(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


NASTY = {
    "deep list (100,000 levels)": _deep(100_000, "list"),
    "deep object (100,000 levels)": _deep(100_000, "object"),
    "deep answers value": json.dumps({"format": "decision-checklist/1", "decisions": [
        {"title": "t", "proposal": "p", "answers": json.loads(_deep(500, "list"))}]}),
    "huge title (5 MB)": json.dumps({"format": "decision-checklist/1", "decisions": [
        {"title": "x" * 5_000_000, "proposal": "p"}]}),
    "huge proposal (20 MB, accepted)": json.dumps({"format": "decision-checklist/1",
                                                   "decisions": [{"title": "Big",
                                                                  "proposal": "é" * 10_000_000}]}),
    "huge number": '{"format": "decision-checklist/1", "decisions": [' + "9" * 100_000 + "]}",
    "NaN and Infinity": '{"format": "decision-checklist/1", "decisions": [{"title": NaN}]}',
    "duplicate keys": '{"format": "decision-checklist/1", "format": "x", "decisions": []}',
    "lone surrogate": '{"format": "decision-checklist/1", "decisions": [{"title": "\\ud800",'
                      ' "proposal": "p"}]}',
    "NUL in a title (refused, naming its key path)": '{"format": "decision-checklist/1", "decisions": [{"title": "a\\u0000b",'
                      ' "proposal": "p"}]}',
    # Written as itself, not escaped: strict JSON refuses a control character in a string.
    "NUL written as itself in a title": '{"format": "decision-checklist/1", "decisions": '
                                        '[{"title": "a\x00b", "proposal": "p"}]}',
    "NUL written as itself between keys": '{"format": "decision-checklist/1",\x00 "decisions": []}',
    "not UTF-8": b'{"format": "decision-checklist/1", "decisions": [{"title": "\xff\xfe"}]}',
    "UTF-16 with BOM": '{"format": "decision-checklist/1", "decisions": []}'.encode("utf-16"),
    "empty file": b"",
    "10,000 empty decisions": json.dumps({"format": "decision-checklist/1",
                                          "decisions": [{}] * 10_000}),
    "truncated bundle": json.dumps(EXAMPLE)[:5000],
}


@pytest.mark.parametrize("name", list(NASTY))
def test_nasty_files_in_process(tmp_path, capsys, name):
    status = attempt(tmp_path, capsys, NASTY[name])
    assert status == (0 if "accepted" in name else 2)


@pytest.mark.parametrize("name", ["deep list (100,000 levels)", "huge title (5 MB)",
                                  "not UTF-8", "lone surrogate", "truncated bundle"])
def test_nasty_files_through_the_real_program(tmp_path, name):
    db, src = tmp_path / "x.db", tmp_path / "bundle.json"
    payload = NASTY[name]
    src.write_bytes(payload if isinstance(payload, bytes) else
                    payload.encode("utf-8", errors="surrogatepass"))
    done = subprocess.run([sys.executable, "main.py", "--db", str(db), "import", str(src)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert counts(db).get("decisions", 0) == 0
