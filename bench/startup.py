"""Start-up to the first painted register, and peak memory, against a bare PySide6 window.

Every run is a fresh process, timed from spawn to the first paint it reports (wall clock, on
stderr), so the figure never includes the process's exit. The app quits right after its first
painted register (DECISION_CHECKLIST_EXIT_AFTER_PAINT=1, see desktop/ui/startup/first_paint.py).
The floor (bench/floor_startup.py) is a bare QMainWindow that quits right after its own first
paint; the floor before issue 18, the same window holding a table and a text box, runs beside
it and is reported as a second, unbudgeted figure. Peak memory is each child's own ru_maxrss
(os.wait4), so runs never mix.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.context import Context
from bench.harness import ROOT, ChildRun, Figure, checked, interleaved, private_env, run_child

FLOOR = [sys.executable, str(ROOT / "bench" / "floor_startup.py")]
TABLE_FLOOR = [*FLOOR, "--table"]


class Runs:
    """The app's runs and both floors' runs on one register, interleaved."""

    def __init__(self, ctx: Context, db: Path, reps: int) -> None:
        env = private_env(ctx.work_dir, DECISION_CHECKLIST_EXIT_AFTER_PAINT="1")
        app_argv = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
        self.app: list[ChildRun] = []
        self.bare: list[ChildRun] = []
        self.table: list[ChildRun] = []

        def app() -> float:
            run = checked(run_child(app_argv, env), "the app")
            self.app.append(run)
            return run.startup_ms

        def floors() -> float:
            """Both floors, back to back (their order swapped each time)."""
            pair = [(TABLE_FLOOR, self.table), (FLOOR, self.bare)]
            for argv, out in pair if len(self.bare) % 2 else reversed(pair):
                out.append(checked(run_child(argv, env), "the start-up floor"))
            return self.bare[-1].startup_ms

        interleaved(app, floors, reps, warmup=ctx.warmup)
        skip = ctx.warmup  # interleaved() ran the warm-ups first
        self.app, self.bare, self.table = self.app[skip:], self.bare[skip:], self.table[skip:]

    def figures(self, key: str, what: str, limit: float) -> list[Figure]:
        app = [r.startup_ms for r in self.app]
        return [
            Figure(key, what, "ms", limit, app, [r.startup_ms for r in self.bare],
                   floor_what="bare QMainWindow"),
            Figure(f"{key}_table_floor", f"{what}, against the old floor", "ms", None, app,
                   [r.startup_ms for r in self.table],
                   floor_what="window with a table and a text box"),
        ]


PARTS = {"empty": ("startup_empty", "startup_empty_table_floor"),
         "big": ("startup_big", "startup_big_table_floor", "memory_big")}


def figures(ctx: Context, part: str = "") -> list[Figure]:
    out: list[Figure] = []
    if part in ("", "empty"):
        # An empty register: a database that exists and is migrated, as after a first run.
        from desktop.application.bootstrap import open_service

        empty = ctx.scratch("empty")
        open_service(empty, user="bench").db.close()
        runs = Runs(ctx, empty, ctx.reps)
        out += runs.figures("startup_empty", "Start-up to first painted register, empty database",
                            1.3)
    if part in ("", "big"):
        n = f"{ctx.size:,}"
        runs = Runs(ctx, ctx.register_copy("startup-big"), ctx.reps)
        out += runs.figures("startup_big", f"Start-up to first painted register, {n} decisions",
                            1.5)
        out.append(Figure("memory_big", f"Peak memory at start, {n} decisions", "MiB", 1.3,
                          [r.maxrss_mib for r in runs.app], [r.maxrss_mib for r in runs.bare],
                          floor_what="bare QMainWindow",
                          extra={"table_floor_mib": [r.maxrss_mib for r in runs.table]}))
    return out
