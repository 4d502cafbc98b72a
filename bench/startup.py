"""Start-up to the first painted register, and peak memory, against a bare PySide6 window.

Every run is a fresh process, timed from spawn to the first paint it reports (wall clock, on
stderr), so the figure never includes the process's exit. The app quits right after its first
painted register (DECISION_CHECKLIST_EXIT_AFTER_PAINT=1, see desktop/ui/startup/first_paint.py); the
floor (bench/floor_startup.py) quits right after its own first paint. Peak memory is each
child's own ru_maxrss (os.wait4), so runs never mix.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.context import Context
from bench.harness import ROOT, ChildRun, Figure, interleaved, run_child

FLOOR = [sys.executable, str(ROOT / "bench" / "floor_startup.py")]


def _private_env() -> dict[str, str]:
    """Settings, logs and lock files in a throw-away home, so runs do not see each other."""
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    # PYTHONDONTWRITEBYTECODE (set in some sandboxes) would make every run compile the app's
    # modules from source while PySide6's come precompiled from site-packages: the warm-up
    # must fill the app's bytecode cache too, as a user's first start (or the built app) does.
    env = {"HOME": str(home), "DECISION_CHECKLIST_EXIT_AFTER_PAINT": "1",
           "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": ""}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                "XDG_RUNTIME_DIR"):
        env[var] = str(home / var.lower())
        Path(env[var]).mkdir(mode=0o700)
    return env


def _checked(run: ChildRun, what: str) -> ChildRun:
    if run.status != 0:
        raise RuntimeError(f"{what} exited with status {run.status}: {run.stderr.strip()[-500:]}")
    return run


def startup_runs(ctx: Context, db: Path, reps: int) -> tuple[list[ChildRun], list[ChildRun]]:
    """(app runs, floor runs), interleaved."""
    env = _private_env()
    app_argv = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    app_runs: list[ChildRun] = []
    floor_runs: list[ChildRun] = []

    def app() -> float:
        run = _checked(run_child(app_argv, env), "the app")
        app_runs.append(run)
        return run.startup_ms

    def floor() -> float:
        run = _checked(run_child(FLOOR, env), "the start-up floor")
        floor_runs.append(run)
        return run.startup_ms

    interleaved(app, floor, reps, warmup=ctx.warmup)
    skip = ctx.warmup  # interleaved() ran the warm-ups first
    return app_runs[skip:], floor_runs[skip:]


def figures(ctx: Context, part: str = "") -> list[Figure]:
    empty = ctx.scratch("empty")
    # An empty register: a database that exists and is migrated, as after a first run.
    from desktop.application.bootstrap import open_service

    open_service(empty, user="bench").db.close()
    app_e, floor_e = startup_runs(ctx, empty, ctx.reps)
    big = ctx.register_copy("startup-big")
    app_b, floor_b = startup_runs(ctx, big, ctx.reps)
    n = f"{ctx.size:,}"
    return [
        Figure("startup_empty", "Start-up to first painted register, empty database", "ms", 1.3,
               [r.startup_ms for r in app_e], [r.startup_ms for r in floor_e],
               floor_what="bare PySide6 window"),
        Figure("startup_big", f"Start-up to first painted register, {n} decisions", "ms", 1.6,
               [r.startup_ms for r in app_b], [r.startup_ms for r in floor_b],
               floor_what="bare PySide6 window"),
        Figure("memory_big", f"Peak memory at start, {n} decisions", "MiB", 1.3,
               [r.maxrss_mib for r in app_b], [r.maxrss_mib for r in floor_b],
               floor_what="bare PySide6 window"),
    ]
