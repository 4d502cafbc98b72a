"""Cycle collection happens on the GUI thread only (desktop/ui/startup/gc_collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from desktop.ui.startup.gc_collector import MainThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_automatic_collection_is_off_while_the_gui_runs(_collect_on_the_gui_thread_only):
    assert not gc.isenabled()


def test_a_worker_thread_never_collects_but_the_gui_thread_does(qtbot, qapp):
    collector = MainThreadCollector(qapp, interval_ms=20)
    try:
        freed_on: list[str] = []
        cycle = _Cycle()
        weakref.finalize(cycle, lambda: freed_on.append(threading.current_thread().name))
        del cycle
        # A worker makes cyclic garbage far past the young generation's threshold: with
        # automatic collection on, this thread is where the cycle (and any Qt objects in the
        # garbage) would have been freed.
        worker = threading.Thread(target=lambda: [_Cycle() for _ in range(20_000)], name="worker")
        worker.start()
        worker.join()
        assert freed_on == []
        assert gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: freed_on != [], timeout=2000)  # the GUI thread's timer
        assert freed_on == [threading.main_thread().name]
    finally:
        collector.stop()
    assert not gc.isenabled()  # the package's own collector is still in charge


def test_check_collects_only_past_a_threshold():
    before = gc.get_count()[0]
    if before <= gc.get_threshold()[0]:
        assert MainThreadCollector.check() == 0
        assert gc.get_count()[0] >= before
    garbage = [_Cycle() for _ in range(gc.get_threshold()[0] + 10)]
    del garbage
    assert MainThreadCollector.check() > 0
