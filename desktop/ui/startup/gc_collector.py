"""Python's cycle collector, run on the GUI thread only.

Left to itself, the collector runs on whichever thread happens to allocate when a threshold
is crossed. When that is a worker (the PDF render, the integrity check) and the garbage holds
PySide wrappers of Qt objects, their C++ destructors run off the GUI thread, which Qt does
not allow: the GUI tests crashed with a segmentation fault "while garbage-collecting" inside
the PDF worker in 2 of 16 runs under load. So automatic collection is switched off and a
timer on the GUI thread collects with the interpreter's own thresholds (the pattern known
from PyQt/PySide applications with worker threads).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    """Switches automatic collection off and collects on the GUI thread's event loop instead."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @staticmethod
    def check() -> int:
        """Collect the generations whose thresholds have been crossed; returns what was freed."""
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        freed = 0
        if c0 > t0:
            freed += gc.collect(0)
            if c1 > t1:
                freed += gc.collect(1)
                if c2 > t2:
                    freed += gc.collect(2)
        return freed

    def stop(self) -> None:
        """Back to automatic collection (as it was before), after one last collection here."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
