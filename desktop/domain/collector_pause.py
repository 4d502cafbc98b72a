"""Python's cycle collector held off while one batch of objects is built (an import of a
bundle, a PDF document's build).

An import parses a bundle into hundreds of thousands of small objects (dicts, strings, tuples,
records) that all live until it ends. Each of them counts towards the collector's thresholds,
so a 1,000-decision import ran a full collection of the whole heap again and again, finding
nothing to free: about a third of its time. None of these objects makes a cycle that only the
collector can free (they are freed by reference counting when the import ends), so the
collector is paused for the batch and switched back on after, as it was (the window runs it
from its own timer, so there it is already off and stays off).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic cycle collection off for the block; back on after, if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
