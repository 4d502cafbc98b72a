"""The live register on PostgreSQL: another user's change painted in an open register.

A throwaway cluster (tests/helpers/postgres.py) holds a register of `--size` decisions,
imported through the real service (about 80 s for 10,000 on 2 loaded cores). What grows
with the register is the window's re-read (its first page, the count and the overdue counts,
as after any change); LISTEN/NOTIFY itself does not. The real MainWindow is open on it (offscreen) as
one database user; another user, on a connection of their own, renames a decision on the
first page. The clock runs from that user's commit returning until the register's table has
been reset with the new title and painted (the server's NOTIFY, the window's QSocketNotifier,
the drain, the register's re-read, counts and paint). Without PostgreSQL the group is
skipped with one line.

The floor, shown beside it and not divided by: raw psycopg, one connection LISTENing and
woken by select() when another commits an UPDATE and its NOTIFY (the wire's own latency).
"""

from __future__ import annotations

import select
import time

from bench.context import Context
from bench.harness import Figure, interleaved

BUDGET_MS = 300.0  # issue 17 item 8
KEYS = ("pg_live_painted",)
PARTS = {"live": KEYS}


def skip_reason() -> str | None:
    """One line if this group cannot run here (PostgreSQL not installed), else None."""
    from bench.postgres import skip_reason as postgres_skip_reason

    return postgres_skip_reason("postgres_live")


def _people(register) -> tuple[str, str]:
    """Two LOGIN users who may write (the cluster's PEOPLE are one role each)."""
    with register.connect() as conn:
        for name in ("watcher", "writer"):
            conn.execute(f'CREATE ROLE "{name}" LOGIN')
            conn.execute(f'GRANT dc_author, dc_clerk TO "{name}"')
    return register.url("watcher"), register.url("writer")


def _fill(service, n: int, seed: int) -> None:
    from bench import generate

    for start in range(0, n, generate.CHUNK):
        service.import_bundle(generate.bundle_text(
            generate.records(min(generate.CHUNK, n - start), seed, start=start)))


def live_figure(ctx: Context) -> Figure:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bench import generate
    from bench.gui import _PaintWatch, _settle
    from desktop.application.bootstrap import open_service
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.main_window import MainWindow
    from tests.helpers.postgres import Server, running_cluster

    app = QApplication.instance() or QApplication(["bench"])
    with running_cluster() as cluster:
        register = Server(cluster).register()
        mine_url, theirs_url = _people(register)
        theirs = open_service(theirs_url, now=generate.fixed_clock())
        size = ctx.size
        _fill(theirs, size, ctx.seed)
        mine = open_service(mine_url, now=generate.fixed_clock())
        settings = QSettings(str(ctx.work_dir / "settings-live.ini"), QSettings.Format.IniFormat)
        window = MainWindow(mine, settings, Dialogs())
        window.resize(1280, 800)
        window.show()
        QTest.qWaitForWindowExposed(window)
        _settle()
        assert window.live is not None and window.live.listening, "the window is not listening"
        model, viewport = window.register.model, window.register.table.viewport()
        watch = _PaintWatch()
        reset: list[float] = []

        def on_reset() -> None:
            reset.append(time.perf_counter())
            watch.painted = False  # a paint after the new rows, not before

        model.modelReset.connect(on_reset)
        target = model.row_at(0).id
        count = [0]

        def painted() -> float:
            count[0] += 1
            title = f"Renamed elsewhere {count[0]}"
            watch.watch(viewport)
            reset.clear()
            theirs.update(target, title=title)  # committed when it returns
            t0 = time.perf_counter()
            deadline = t0 + 5
            while not (reset and watch.painted):
                app.processEvents()
                if time.perf_counter() > deadline:
                    raise RuntimeError("another user's change was not painted within 5 s")
            done = time.perf_counter()
            shown = {model.row_at(r).title for r in range(model.rowCount())}
            assert title in shown, "the register was repainted without the change"
            _settle()
            return (done - t0) * 1000

        def floor() -> float:
            with register.connect("watcher") as ear, register.connect("writer") as mouth:
                ear.execute("LISTEN bench_floor")
                mouth.execute("NOTIFY bench_floor, 'x'")  # autocommit: sent at its commit
                t0 = time.perf_counter()
                select.select([ear.fileno()], [], [], 5)
                got = list(ear.notifies(timeout=0))
                done = time.perf_counter()
                assert got, "the floor's notification did not arrive"
                return (done - t0) * 1000

        samples, floors = interleaved(painted, floor, max(ctx.reps, 10), warmup=ctx.warmup)
        polling = [t for t in window.findChildren(QTimer)
                   if t.isActive() and not t.isSingleShot()]
        window.close()
        _settle()
        mine.close()
        theirs.close()
    return Figure("pg_live_painted", f"{size:,} decisions on PostgreSQL: another user's "
                  "change painted in an open register", "ms", BUDGET_MS, samples,
                  floor=floors, floor_what="raw psycopg LISTEN woken by another's NOTIFY",
                  ratio=False,
                  note="from the other user's commit returning to the register painted; "
                       f"no polling timer ({len(polling)} repeating timers active)")


def figures(ctx: Context, part: str = "") -> list[Figure]:
    return [live_figure(ctx)]
