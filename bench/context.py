"""What every benchmark group gets: repetitions, register size, and places for files."""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import generate

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Context:
    reps: int = 5
    warmup: int = 1
    size: int = 10_000  # the "10,000 decisions" register
    import_size: int = 1_000
    pack_size: int = 100
    dated_pack_size: int = 1_000  # the pack whose decisions each have their own meeting date
    seed: int = 7
    pg_latency: float = 20.0  # ms of round-trip time the postgres group's latency run adds
    cache_dir: Path = RESULTS / "cache"
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-")))
    _counter: itertools.count = field(default_factory=itertools.count)

    def register(self, n: int | None = None, *, distinct_dates: bool = False) -> Path:
        """The cached, read-only register of n (default: size) decisions; distinct_dates: no
        two of them share a meeting date."""
        return generate.register_db(self.cache_dir, self.size if n is None else n, self.seed,
                                    distinct_dates=distinct_dates)

    def scratch(self, stem: str) -> Path:
        """A fresh path in the work folder (nothing there yet)."""
        return self.work_dir / f"{stem}-{os.getpid()}-{next(self._counter)}.db"

    def register_copy(self, stem: str, n: int | None = None) -> Path:
        """A private, writable copy of the register."""
        return generate.copy_db(self.register(n), self.scratch(stem))
