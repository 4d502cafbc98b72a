"""Measuring, budgets and reporting: repeated, interleaved runs; median with min-max."""

from __future__ import annotations

import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One budgeted figure: the subject's samples and, for a ratio budget, its floor's."""

    key: str
    what: str
    unit: str  # "ms", "MiB", "s", "MB", "kB"
    limit: float | None  # a ratio (floor given), an absolute value in unit, or None: reported
    # only (met if it was measured at all)
    samples: list[float]
    floor: list[float] | None = None
    floor_what: str = ""
    ratio: bool = True  # False: the floor is shown for reference; the budget is absolute
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.ratio and self.floor is not None

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratios(self) -> list[float]:
        """Subject over floor for each repetition (the two ran back to back)."""
        return [s / f if f else float("inf") for s, f in zip(self.samples, self.floor or [],
                                                             strict=False)]

    @property
    def value(self) -> float:
        """The figure held against the budget: the median of the per-repetition ratios (robust
        to the machine's load drifting during the run), or the median itself."""
        if self.is_ratio:
            return statistics.median(self.ratios) if self.ratios else float("inf")
        return self.median

    @property
    def met(self) -> bool:
        return bool(self.samples) and (self.limit is None or self.value <= self.limit)

    @property
    def budget_text(self) -> str:
        if self.limit is None:
            return "reported"
        return f"≤ {self.limit:g}× floor" if self.is_ratio else f"≤ {self.limit:g} {self.unit}"

    def to_json(self) -> dict:
        out = asdict(self)
        out.update(median=self.median, floor_median=self.floor_median, value=self.value,
                   met=self.met, budget=self.budget_text)
        return out


def spread(samples: list[float], unit: str) -> str:
    """'median (min–max) unit'."""
    fmt = _fmt(unit)
    if len(samples) == 1:
        return f"{fmt(samples[0])} {unit}"
    return (f"{fmt(statistics.median(samples))} ({fmt(min(samples))}–{fmt(max(samples))}) {unit}")


def _fmt(unit: str) -> Callable[[float], str]:
    if unit in ("ms",):
        return lambda v: f"{v:.1f}" if v < 100 else f"{v:.0f}"
    if unit in ("s", "MB", "MiB", "kB"):
        return lambda v: f"{v:.2f}" if v < 10 else f"{v:.1f}"
    return lambda v: f"{v:g}"


def interleaved(subject: Callable[[], float], floor: Callable[[], float] | None, reps: int,
                *, warmup: int = 1) -> tuple[list[float], list[float] | None]:
    """Run subject and floor alternately (order swapped every repetition) reps times each.

    Each callable returns its own measurement, so set-up outside the measured part is free.
    Warm-up runs (not recorded) fill the OS file cache and Python's import caches for both.
    """
    for _ in range(warmup):
        if floor is not None:
            floor()
        subject()
    s_out: list[float] = []
    f_out: list[float] = []
    for i in range(reps):
        order = [("s", subject), ("f", floor)] if i % 2 else [("f", floor), ("s", subject)]
        for tag, fn in order:
            if fn is None:
                continue
            gc.collect()
            (s_out if tag == "s" else f_out).append(fn())
    return s_out, (f_out if floor is not None else None)


@dataclass
class ChildRun:
    wall_ms: float
    maxrss_mib: float
    status: int
    stderr: str
    paint_ms: float | None = None  # spawn to the child's reported first paint, if it reported

    @property
    def startup_ms(self) -> float:
        """Spawn to first paint when the child reported it, else spawn to exit."""
        return self.paint_ms if self.paint_ms is not None else self.wall_ms


def private_env(under: Path, **extra: str) -> dict[str, str]:
    """Settings, logs, lock files and the user data folder in a throw-away home inside `under`
    (the run's work folder, removed at its end), so that runs do not see each other or the
    user's own files.

    PYTHONDONTWRITEBYTECODE (set in some sandboxes) would make every run compile the app's
    modules from source while PySide6's come precompiled from site-packages: the warm-up
    must fill the app's bytecode cache too, as a user's first start (or the built app) does."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="home-", dir=under))
    env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": ""}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
                "XDG_RUNTIME_DIR"):
        env[var] = str(home / var.lower())
        Path(env[var]).mkdir(mode=0o700)
    env.update(extra)
    return env


def checked(run: ChildRun, what: str) -> ChildRun:
    """The run, if it exited with status 0 (else RuntimeError with the end of its stderr)."""
    if run.status != 0:
        raise RuntimeError(f"{what} exited with status {run.status}: {run.stderr.strip()[-500:]}")
    return run


def percentile(samples: list[float], share: float) -> float:
    """The value below which `share` (0-1) of the samples lie (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def _own_peak_kib(pid: int) -> int:
    """The process's own peak resident memory so far (Linux's VmHWM), 0 if unknown.

    Not ru_maxrss: on Linux a child's ru_maxrss counts the memory of the process it was
    spawned from (exec records the high-water mark of the address space it replaces, the
    parent's under vfork), so a child smaller than the bench process read as big as it.
    VmHWM belongs to the child's own address space; it only rises, and a process frees,
    not allocates, as it exits, so the last reading before exit is its peak."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_child(argv: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> ChildRun:
    """Spawn a fresh process; wall time from spawn to exit and its own peak RSS (VmHWM,
    read while it runs; wait4's ru_maxrss where there is no /proc)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    spawned_at = time.time()
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = t0 + timeout
    hwm_kib = 0
    polls = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        if polls % 8 == 0:
            hwm_kib = max(hwm_kib, _own_peak_kib(proc.pid))
        polls += 1
        time.sleep(0.0005)
    wall = (time.perf_counter() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    rss_kib = usage.ru_maxrss  # KiB on Linux
    if sys.platform == "darwin":
        rss_kib /= 1024  # bytes on macOS
    if hwm_kib:
        rss_kib = hwm_kib
    paint_ms = None
    for line in stderr.splitlines():
        if line.startswith("first-paint-epoch "):
            paint_ms = (float(line.split()[1]) - spawned_at) * 1000
    return ChildRun(wall, rss_kib / 1024, proc.returncode, stderr, paint_ms)


def table(figures: list[Figure]) -> str:
    """A Markdown table of every figure against its budget."""
    lines = [
        "| what | floor | measured: median (min–max) | ratio or value | budget | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        if not f.samples:
            lines.append(f"| {f.what} | — | not measured: {f.note} | — | {f.budget_text} | **no** |")
            continue
        floor = spread(f.floor, f.unit) if f.floor else "—"
        if f.floor_what and f.floor:
            floor = f"{f.floor_what}: {floor}"
        value = (f"{f.value:.2f}× ({min(f.ratios):.2f}–{max(f.ratios):.2f})"
                 if f.is_ratio and len(f.ratios) > 1 else
                 f"{f.value:.2f}×" if f.is_ratio else spread([f.median], f.unit))
        lines.append(
            f"| {f.what} | {floor} | {spread(f.samples, f.unit)} | {value} | {f.budget_text} | "
            f"{'yes' if f.met else '**no**'} |"
        )
    return "\n".join(lines)


def summary(figures: list[Figure]) -> str:
    met = sum(f.met for f in figures)
    return f"{met} budgets met, {len(figures) - met} missed"


def write_json(figures: list[Figure], path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "figures": [f.to_json() for f in figures],
               "summary": summary(figures)}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
