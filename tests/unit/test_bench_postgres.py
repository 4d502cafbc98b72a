"""`make bench`'s PostgreSQL group in miniature (a 30-decision register on a throwaway
cluster, 4 ms of injected round-trip time): every figure is measured, the round trips of
each action are within their budgets, and the latency is really there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import postgres
from tests.helpers.postgres import SKIP_REASON, bin_dir

ROOT = Path(__file__).resolve().parents[2]


def _bench(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
           group: str = "postgres"):
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--groups", group, "--json", str(out),
         "--cache", str(tmp_path / "cache"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=240, env={**os.environ, **(env or {})})
    return result, (json.loads(out.read_text(encoding="utf-8")) if out.exists() else None)


def test_the_postgres_group_runs_on_a_tiny_register(tmp_path):
    if bin_dir() is None:
        pytest.skip(SKIP_REASON)
    result, data = _bench(tmp_path, "--size", "30", "--reps", "1", "--warmup", "0",
                          "--pg-latency", "4")
    assert data is not None, result.stderr
    figures = {f["key"]: f for f in data["figures"]}
    assert set(figures) == set(postgres.KEYS), result.stderr
    for key, f in figures.items():
        assert f["samples"] and all(v > 0 for v in f["samples"]), (key, f["note"])
    for action, budget in postgres.TRIPS.items():
        trips = figures[f"pg_trips_{action}"]
        assert trips["met"], (action, trips["samples"], trips["note"])
        assert len(set(trips["samples"])) == 1 and trips["samples"][0] <= budget
        # the proxy's delay is paid once a round trip: 4 ms each at least
        assert figures[f"pg_latency_{action}"]["median"] >= 4 * trips["samples"][0]
    assert figures["pg_trips_autosave"]["samples"][0] == 1  # p014: one statement
    assert figures["pg_autosave"]["floor"] and figures["pg_latency_autosave"]["floor"]
    assert figures["pg_first_page"]["budget"] == "≤ 30 ms"
    assert f"{data['summary']}" in result.stdout
    assert "# postgres: 4 ms RTT" in result.stderr  # and, where netem failed, why


def test_without_postgresql_the_group_is_skipped_with_one_line(tmp_path):
    result, data = _bench(tmp_path, "--size", "30", "--reps", "1",
                          env={"DC_POSTGRES": "off"})
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "PostgreSQL not installed" in skipped[0], result.stderr
    assert data is not None and data["figures"] == []


def test_a_postgres_run_writes_its_own_table_in_the_readme():
    from bench.run import README, readme_markers

    markers = readme_markers(10_000, ["postgres"])
    assert markers == ("<!-- bench:postgres:start -->", "<!-- bench:postgres:end -->")
    assert readme_markers(10_000, ["storage", "postgres"]) != markers
    assert all(m in README.read_text(encoding="utf-8") for m in markers)


def test_the_live_group_paints_another_users_change_on_a_tiny_register(tmp_path):
    if bin_dir() is None:
        pytest.skip(SKIP_REASON)
    result, data = _bench(tmp_path, "--size", "30", "--reps", "1", "--warmup", "0",
                          group="postgres_live")
    assert data is not None, result.stderr
    figures = {f["key"]: f for f in data["figures"]}
    assert set(figures) == {"pg_live_painted"}, result.stderr
    painted = figures["pg_live_painted"]
    assert painted["samples"] and all(v > 0 for v in painted["samples"]), painted["note"]
    assert painted["budget"] == "≤ 300 ms"
