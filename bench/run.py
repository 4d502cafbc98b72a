"""`make bench`: every figure beside its floor, a table, bench/results/latest.json, an exit status.

    python -m bench                  # the full suite (10,000-decision register, 5 repetitions)
    python -m bench --reps 7         # more repetitions
    python -m bench --only import,pdf_record   # only the parts that make these figures
    python -m bench --size 100000    # the 100,000-decision figures (the register takes a while
                                     # to build the first time; it is cached)
    python -m bench --update-readme  # also write the table into README.md's Performance section
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import harness
from bench.context import RESULTS, Context

GROUPS = ("startup", "storage", "gui", "cli", "pdf", "postgres", "postgres_live")
README = harness.ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="repetitions of each figure (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="unrecorded warm-up runs (default 1)")
    p.add_argument("--size", type=int, default=10_000, help="decisions in the big register")
    p.add_argument("--import-size", type=int, default=1_000, help="decisions imported")
    p.add_argument("--pack-size", type=int, default=100, help="decisions in the pack")
    p.add_argument("--dated-pack-size", type=int, default=1_000,
                   help="decisions (each with its own meeting date) in the big pack")
    p.add_argument("--pg-latency", type=float, default=Context.pg_latency,
                   help="ms of round-trip time added for the postgres group's latency run "
                        "(default 20; 0: none)")
    p.add_argument("--groups", default=",".join(GROUPS), help=f"any of {', '.join(GROUPS)}")
    p.add_argument("--only", default="",
                   help="figure keys to run and keep (comma-separated); the rest are skipped")
    p.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write")
    p.add_argument("--cache", type=Path, default=RESULTS / "cache",
                   help="where generated registers are kept between runs")
    p.add_argument("--update-readme", action="store_true",
                   help="write the table into README.md between the bench markers")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--spec", help=argparse.SUPPRESS)
    p.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def _run_group_in_child(ctx: Context, group: str, part: str) -> list[harness.Figure]:
    """One group (or one part of it) in a fresh interpreter: no state, memory or crash leaks
    from one group into the next, and the start-up children see a quiet parent."""
    import json
    import subprocess
    import tempfile

    out = Path(tempfile.mkstemp(prefix=f"bench-{group}-", suffix=".json")[1])
    spec = {"reps": ctx.reps, "warmup": ctx.warmup, "size": ctx.size,
            "import_size": ctx.import_size, "pack_size": ctx.pack_size,
            "dated_pack_size": ctx.dated_pack_size, "seed": ctx.seed,
            "pg_latency": ctx.pg_latency,
            "cache_dir": str(ctx.cache_dir), "work_dir": str(ctx.work_dir)}
    cmd = [sys.executable, "-m", "bench.run", "--child", f"{group}:{part}", "--spec",
           json.dumps(spec), "--child-out", str(out)]
    proc = subprocess.run(cmd, cwd=harness.ROOT, stdout=sys.stderr, stderr=sys.stderr)
    try:
        rows = json.loads(out.read_text(encoding="utf-8") or "[]")
    finally:
        out.unlink(missing_ok=True)
    if proc.returncode != 0 or not rows:
        return [harness.Figure(f"{group}:{part}", f"{group} {part} (failed)".strip(), "ms", 0.0,
                               [], note=f"the benchmark process exited with {proc.returncode}")]
    return [harness.Figure(**row) for row in rows]


def parts_for(module, only: set[str] | None) -> list[str]:
    """The parts of a group's module to run: all, or those making a figure in `only`."""
    return [part for part, keys in module.PARTS.items() if not only or only & set(keys)]


def collect(ctx: Context, groups: list[str], log=print,
            only: set[str] | None = None) -> list[harness.Figure]:
    """Run the chosen groups, each part in its own process; with `only`, just the parts that
    make one of those figures (each module's PARTS names the figures of each part)."""
    import importlib

    figures: list[harness.Figure] = []
    for group in groups:
        module = importlib.import_module(f"bench.{group}")
        parts = parts_for(module, only)
        if not parts:
            continue
        skipped = getattr(module, "skip_reason", lambda: None)()
        if skipped:  # e.g. PostgreSQL not installed: one line, no figures
            log(f"# {group}: skipped: {skipped}", file=sys.stderr, flush=True)
            continue
        t0 = time.perf_counter()
        log(f"# {group} …", file=sys.stderr, flush=True)
        for part in parts:
            figures += _run_group_in_child(ctx, group, part)
        log(f"# {group}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return figures


def _child(which: str, spec: str, out: Path) -> int:
    import dataclasses
    import importlib
    import json

    group, _, part = which.partition(":")
    raw = json.loads(spec)
    ctx = Context(**{**raw, "cache_dir": Path(raw["cache_dir"]), "work_dir": Path(raw["work_dir"])})
    module = importlib.import_module(f"bench.{group}")
    figures = module.figures(ctx, part) if part else module.figures(ctx)
    fields = {f.name for f in dataclasses.fields(harness.Figure)}
    out.write_text(json.dumps([{k: v for k, v in dataclasses.asdict(f).items() if k in fields}
                               for f in figures]), encoding="utf-8")
    return 0


def readme_markers(size: int, groups: list[str] | None = None) -> tuple[str, str]:
    """The README markers of a run's table: the default size's, or `bench:SIZE:` ones (a
    `--size 100000` run keeps its own table beside the default one); a run of the postgres
    group alone writes its own table (`bench:postgres:`)."""
    if groups and all(g.startswith("postgres") for g in groups):
        return "<!-- bench:postgres:start -->", "<!-- bench:postgres:end -->"
    if size == Context.size:
        return START, END
    return f"<!-- bench:{size}:start -->", f"<!-- bench:{size}:end -->"


def update_readme(table: str, summary: str, meta: dict) -> None:
    start, end = readme_markers(meta["size"], meta.get("groups"))
    text = README.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"README.md has no {start} … {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    block = (f"{start}\n{table}\n\n{summary} — {meta['when']}, {meta['machine']}, "
             f"{meta['reps']} repetitions.\n{end}")
    README.write_text(head + block + tail, encoding="utf-8")


def _backups_kept_apart(work_dir: Path) -> None:
    """The daily backups the bench's registers make go into its own scratch folder, removed
    at the end of the run, never into the user's own backup folder: each scratch copy has a
    name of its own, so each run left more copies of the 10,000-decision register there (54 GB
    on one machine)."""
    from desktop.storage.backup import BACKUP_DIR_ENV

    folder = work_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault(BACKUP_DIR_ENV, str(folder))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return _child(args.child, args.spec, args.child_out)
    ctx = Context(reps=args.reps, warmup=args.warmup, size=args.size,
                  import_size=args.import_size, pack_size=args.pack_size,
                  dated_pack_size=args.dated_pack_size, cache_dir=args.cache,
                  pg_latency=args.pg_latency)
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise SystemExit(f"unknown group(s): {', '.join(sorted(unknown))}")
    keep = {k.strip() for k in args.only.split(",") if k.strip()}
    _backups_kept_apart(ctx.work_dir)
    try:
        figures = collect(ctx, groups, only=keep)
    finally:
        import shutil

        shutil.rmtree(ctx.work_dir, ignore_errors=True)
    if keep:
        figures = [f for f in figures if f.key in keep or f.key.partition(":")[0] in groups]
    table = harness.table(figures)
    summary = harness.summary(figures)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}",
        "reps": ctx.reps, "warmup": ctx.warmup, "size": ctx.size, "groups": groups,
    }
    harness.write_json(figures, args.json, meta)
    if args.update_readme:
        update_readme(table, summary, meta)
    print(table)
    print()
    print(summary)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
