"""`make bench` in miniature: the harness runs every figure on a tiny register (no timing asserts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bench import generate
from bench.harness import Figure, interleaved, percentile, summary, table
from bench.run import parts_for
from tests.helpers.postgres import bin_dir

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"startup_empty", "startup_empty_table_floor", "startup_big", "startup_big_table_floor",
        "memory_big", "import", "autosave", "autosave_p95", "search", "search_count", "sort",
        "open_editor", "list_json", "list_json_memory", "first_of_day", "pdf_record",
        "pdf_appraisal", "pack_time", "pack_size", "dated_pack_time", "dated_pack_size",
        *(("pg_live_painted",) if bin_dir() is not None else ())}  # PostgreSQL installed
FLOORED = {"startup_empty", "startup_empty_table_floor", "startup_big", "startup_big_table_floor",
           "memory_big", "import", "autosave", "list_json", "list_json_memory", "first_of_day",
           "pdf_record", "pdf_appraisal"}


def test_the_whole_suite_runs_on_a_tiny_register(tmp_path):
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "30", "--reps", "1", "--warmup", "0",
         "--import-size", "10", "--pack-size", "2", "--dated-pack-size", "3",
         "--json", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=150,
    )
    lines = result.stdout.strip().splitlines()
    match = re.fullmatch(r"(\d+) budgets met, (\d+) missed", lines[-1])
    assert match, result.stdout + result.stderr
    met, missed = int(match[1]), int(match[2])
    assert met + missed == len(KEYS)
    assert result.returncode == (1 if missed else 0)
    data = json.loads(out.read_text(encoding="utf-8"))
    figures = {f["key"]: f for f in data["figures"]}
    assert set(figures) == KEYS, result.stderr
    for key, f in figures.items():
        assert f["samples"], f"{key} was not measured: {f['note']}"
        assert all(v > 0 for v in f["samples"]), key
    for key in FLOORED:
        assert figures[key]["floor"], f"{key} has no floor measured beside it"
    record = figures["pdf_record"]["extra"]
    assert record["app_pages"] == record["floor_pages"], "the PDF floor lays out other pages"
    assert figures["dated_pack_time"]["extra"]["decisions"] == 3
    assert figures["startup_big_table_floor"]["budget"] == "reported"
    assert data["summary"] == lines[-1]
    assert "| what |" in result.stdout


def test_ratio_and_absolute_budgets():
    ratio = Figure("r", "ratio", "ms", 1.3, [120.0, 130.0, 200.0], [100.0, 100.0, 200.0])
    assert ratio.ratios == [1.2, 1.3, 1.0] and ratio.value == 1.2 and ratio.met
    slow = Figure("s", "slow", "ms", 1.3, [131.0], [100.0])
    assert not slow.met
    absolute = Figure("a", "absolute", "ms", 10.0, [9.0, 12.0, 8.0], [1.0], ratio=False)
    assert absolute.value == 9.0 and absolute.met
    missing = Figure("m", "missing", "ms", 10.0, [], note="crashed")
    assert not missing.met
    reported = Figure("p", "reported", "s", None, [85.0])
    assert reported.met and reported.budget_text == "reported"
    assert not Figure("q", "reported, failed", "s", None, [], note="LayoutError").met
    text = table([ratio, slow, absolute, missing, reported])
    assert "not measured: crashed" in text and text.count("**no**") == 2
    assert summary([ratio, slow, absolute, missing, reported]) == "3 budgets met, 2 missed"


def test_percentile_is_nearest_rank():
    samples = [float(v) for v in range(1, 101)]
    assert percentile(samples, 0.95) == 95.0 and percentile(samples, 0.5) == 50.0
    assert percentile([3.0, 1.0, 2.0], 0.95) == 3.0 and percentile([7.0], 0.95) == 7.0


def test_only_runs_the_parts_that_make_the_figures_asked_for():
    from bench import cli, pdf, startup

    assert parts_for(pdf, {"pdf_record"}) == ["record"]
    assert parts_for(pdf, {"dated_pack_size", "list_json"}) == ["dated_pack"]
    assert parts_for(cli, {"list_json"}) == ["list"]
    assert parts_for(startup, {"memory_big"}) == ["big"]
    assert parts_for(startup, set()) == ["empty", "big"]
    assert parts_for(startup, None) == ["empty", "big"]


def test_interleaving_alternates_and_skips_warm_ups():
    calls: list[str] = []
    s, f = interleaved(lambda: calls.append("s") or 1.0, lambda: calls.append("f") or 2.0, 3,
                       warmup=1)
    assert calls == ["f", "s", "f", "s", "s", "f", "f", "s"]
    assert s == [1.0, 1.0, 1.0] and f == [2.0, 2.0, 2.0]


def test_generator_is_seeded_and_imports_strictly(service):
    a, b = generate.records(20, seed=3), generate.records(20, seed=3)
    assert a == b and generate.records(20, seed=4) != a
    imported = service.import_bundle(generate.bundle_text(a))
    assert len(imported) == 20
    full = [r for r in a if len(r["answers"]) == 10]
    assert full, "some decisions answer all ten principles"


def test_each_register_size_has_its_own_table_in_the_readme():
    from bench.run import END, README, START, readme_markers

    assert readme_markers(10_000) == (START, END)
    big = readme_markers(100_000)
    assert big == ("<!-- bench:100000:start -->", "<!-- bench:100000:end -->")
    text = README.read_text(encoding="utf-8")
    assert all(marker in text for marker in (START, END, *big))
