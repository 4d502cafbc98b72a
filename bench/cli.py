"""The command line as a user runs it: a fresh process each time, timed from spawn to exit.

- `list --json` on the big register against bench/floor_list.py (plain sqlite3 + json writing
  the same rows; the two outputs are checked to be the same bytes first), and its peak memory
  on the big register against that on one a tenth of its size: streamed, it must not grow.
- The first command of the day (which makes the daily backup of the user's own register)
  against the same command run again straight after (no backup left to make).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import generate
from bench.context import Context
from bench.harness import ROOT, ChildRun, Figure, checked, interleaved, private_env, run_child

APP = [sys.executable, str(ROOT / "main.py")]
FLOOR_LIST = [sys.executable, str(ROOT / "bench" / "floor_list.py")]


def _same_output(app: list[str], floor: list[str], env: dict[str, str], out: Path) -> bool:
    """Whether the two commands print the same bytes (run once, untimed)."""
    printed = []
    for argv in (app, floor):
        with open(out, "wb") as f:
            subprocess.run(argv, cwd=ROOT, env=env, stdout=f, check=True)
        printed.append(out.read_bytes())
    out.unlink()
    return printed[0] == printed[1] and len(printed[0]) > 2


def list_json_figures(ctx: Context) -> list[Figure]:
    import os

    env = private_env(ctx.work_dir)
    big = ctx.register_copy("list")
    app = [*APP, "list", "--json", "--db", str(big)]
    floor = [*FLOOR_LIST, str(big)]
    n = f"{ctx.size:,}"
    what = f"`list --json`, {n} decisions, whole process"
    if not _same_output(app, floor, {**os.environ, **env}, ctx.work_dir / "list.json"):
        note = "bench/floor_list.py does not print what `list --json` prints"
        return [Figure("list_json", what, "ms", 1.5, [], note=note),
                Figure("list_json_memory", f"`list --json` peak memory, {n} decisions", "MiB",
                       1.1, [], note=note)]
    runs: dict[str, list[ChildRun]] = {"app": [], "floor": [], "small": []}

    def timed(name: str, argv: list[str]):
        def run() -> float:
            r = checked(run_child(argv, env), " ".join(argv[1:3]))
            runs[name].append(r)
            return r.wall_ms
        return run

    s, f = interleaved(timed("app", app), timed("floor", floor), ctx.reps, warmup=ctx.warmup)
    small_n = max(1, ctx.size // 10)
    small = generate.copy_db(ctx.register(small_n), ctx.scratch("list-small"))
    small_app = [*APP, "list", "--json", "--db", str(small)]
    interleaved(timed("small", small_app), None, ctx.reps, warmup=ctx.warmup)
    skip = ctx.warmup
    big_mib = [r.maxrss_mib for r in runs["app"][skip:]]
    small_mib = [r.maxrss_mib for r in runs["small"][skip:]]
    return [
        Figure("list_json", what, "ms", 1.5, s, f, floor_what="sqlite3 + json, same rows"),
        Figure("list_json_memory", f"`list --json` peak memory, {n} decisions", "MiB", 1.1,
               big_mib, small_mib, floor_what=f"the same at {small_n:,} decisions",
               extra={"floor_mib": [r.maxrss_mib for r in runs["floor"][skip:]]}),
    ]


def first_of_day_figure(ctx: Context) -> Figure:
    """`import` of a one-decision bundle into the user's own (default) register, as the first
    command of the day (it makes the daily backup: desktop/storage/backup.py daily_backup)
    and then again, with today's backup already made. Each repetition starts from a fresh
    copy of the big register and an empty backup folder (DECISION_CHECKLIST_BACKUP_DIR), so
    that its first run is the first of its day; the backup is checked to have been made by
    the first run and not the second (the first run's detached child is waited for before the
    second run starts, so the two do not compete)."""
    import os
    import shutil

    from desktop.storage.backup import BACKUP_DIR_ENV
    from desktop.storage.detached_backup import wait_until_done

    env = private_env(ctx.work_dir)
    full_env = {**os.environ, **env}
    default_db = Path(subprocess.run(
        [sys.executable, "-c", "from desktop import paths; print(paths.default_database())"],
        cwd=ROOT, env=full_env, capture_output=True, text=True, check=True).stdout.strip())
    first: list[float] = []
    second: list[float] = []
    for rep in range(ctx.warmup + ctx.reps):
        generate.copy_db(ctx.register(), default_db)
        backups = Path(env["HOME"]) / f"backups-{rep}"
        backups.mkdir()
        run_env = {**env, BACKUP_DIR_ENV: str(backups)}
        times = []
        for run in (1, 2):
            bundle = ctx.work_dir / f"day-{rep}-{run}.json"
            bundle.write_text(generate.bundle_text(
                generate.records(1, ctx.seed, start=20_000_000 + 2 * rep + run)), encoding="utf-8")
            r = checked(run_child([*APP, "import", str(bundle)], run_env), f"import, run {run}")
            wait_until_done(default_db, backups)  # made by a detached child, after the command
            made = sorted(backups.glob("*.db"))
            assert len(made) == 1, f"after run {run}, {len(made)} backups (want 1: the first's)"
            times.append(r.wall_ms)
        shutil.rmtree(backups)  # a backup is a copy of the whole register
        if rep >= ctx.warmup:
            first.append(times[0])
            second.append(times[1])
    return Figure("first_of_day", f"First command of the day (`import`, {ctx.size:,} decisions, "
                  "own register)", "ms", 1.2, first, second,
                  floor_what="the same command, second run")


PARTS = {"list": ("list_json", "list_json_memory"), "first_of_day": ("first_of_day",)}


def figures(ctx: Context, part: str = "") -> list[Figure]:
    out: list[Figure] = []
    if part in ("", "list"):
        out += list_json_figures(ctx)
    if part in ("", "first_of_day"):
        out.append(first_of_day_figure(ctx))
    return out
