"""Core figures for issue 2: importing 1,000 decisions and listing 10,000 (not a test).

Run: .venv/bin/python bench/core_figures.py [--decisions 10000]
Prints one line per figure (median of several runs, milliseconds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.application.bootstrap import load_shipped_checklist, open_service
from desktop.domain.queries import RegisterQuery
from desktop.storage.repository import SORT_COLUMNS

SLUGS = load_shipped_checklist().slugs  # the shipped checklist's sections

WORDS = ("waste", "libraries", "highways", "trust", "staff", "contract", "savings", "community",
         "outcomes", "budget", "partnership", "depot", "consultation", "pension", "lease",
         "grant", "review")


def decision(n: int) -> dict:
    ratings = ["green", "green", "amber", "red", "not-applicable"]
    answers = {}
    for i, slug in enumerate(SLUGS):
        rating = ratings[(n + i) % 5] if n % 7 else "green"
        text = " ".join(WORDS[(n * 3 + i + k) % len(WORDS)] for k in range(40))
        a = {"rating": rating, "response": f"Response {n}/{slug}: {text}", "evidence": text[:120]}
        if rating in ("amber", "red"):
            a["actions"] = [{"action": f"Action for {slug}", "owner": "Head of Service",
                             "due": f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}"}]
        answers[slug] = a
    return {
        "id": str(uuid.uuid4()),
        "title": f"{WORDS[n % len(WORDS)].title()} decision {n:05d}",
        "proposal": f"Proposal {n}: " + " ".join(WORDS[(n + k) % len(WORDS)] for k in range(60)),
        "reference": f"EX/{2026 + n % 3}/{n:05d}",
        "decision_maker": ["Cabinet", "Council", "Portfolio Holder"][n % 3],
        "meeting_date": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "review_date": f"2027-{1 + n % 12:02d}-15",
        "delivery_model": "shared-service",
        "options": [{"name": "Do nothing", "status": "rejected"}],
        "answers": answers,
    }


def bundle(start: int, count: int) -> str:
    return json.dumps({"format": "decision-checklist/1",
                       "decisions": [decision(n) for n in range(start, start + count)]})


def timed(fn, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=10_000)
    args = parser.parse_args()
    total = args.decisions
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        service = open_service(db_path, user="bench")
        first = bundle(0, 1000)
        t0 = time.perf_counter()
        service.import_bundle(first)
        print(f"import 1,000 decisions (10/10 answered, one transaction): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms")
        t0 = time.perf_counter()
        for start in range(1000, total, 1000):
            service.import_bundle(bundle(start, 1000))
        print(f"import the other {total - 1000:,}: {(time.perf_counter() - t0):.1f} s")
        print(f"database size: {db_path.stat().st_size / 1e6:.1f} MB, "
              f"{service.register_count(RegisterQuery()):,} decisions")

        q = RegisterQuery()
        print(f"register_count (all): {timed(lambda: service.register_count(q)):.1f} ms")
        print(f"register first page of 200 (default sort): "
              f"{timed(lambda: service.register(q, 0, 200)):.1f} ms")
        print(f"register full list of {total:,}: "
              f"{timed(lambda: service.register(q, 0, 10**9), 3):.1f} ms")
        for column in SORT_COLUMNS:
            for desc in (False, True):
                sq = RegisterQuery(sort=column, descending=desc)
                page = timed(lambda sq=sq: service.register(sq, 0, 200))
                last = timed(lambda sq=sq: service.register(sq, total - 200, 200))
                print(f"  sort {column:<15} {'desc' if desc else 'asc ':<4}: first page "
                      f"{page:6.1f} ms, last page {last:6.1f} ms")
        for text in ("libraries", "decision 04242", "pension lease", "nomatchatall"):
            sq = RegisterQuery(search=text)
            count = service.register_count(sq)
            page = timed(lambda sq=sq: service.register(sq, 0, 200))
            n = timed(lambda sq=sq: service.register_count(sq))
            print(f"  search {text!r:<18} ({count:>6,} hits): first page {page:6.1f} ms, "
                  f"count {n:6.1f} ms")
        for label, sq in (("status ready", RegisterQuery(statuses=("ready",))),
                          ("rating red", RegisterQuery(ratings=("red",))),
                          ("overdue only", RegisterQuery(overdue_only=True, today="2027-06-01"))):
            page = timed(lambda sq=sq: service.register(sq, 0, 200))
            n = timed(lambda sq=sq: service.register_count(sq))
            print(f"  filter {label:<18}: first page {page:6.1f} ms, count {n:6.1f} ms")
        print(f"overdue_counts: {timed(service.overdue_counts):.1f} ms")
        ids = service.repo.all_ids()[:50]
        print(f"load one decision: {timed(lambda: [service.get(i) for i in ids]) / 50:.2f} ms")
        service.db.close()
        print(f"open_service on the {total:,}-decision file (checks + quick_check): "
              f"{timed(lambda: open_service(db_path, user='bench').db.close()):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
