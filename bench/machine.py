"""How fast the machine is at the moment: one fixed piece of work, timed (see `reference_s`).

A module of its own so that worker processes can find `reference_work` by name: after the
bench's AppTest runs, `__main__` is no longer bench/run.py.
"""

from __future__ import annotations

import os
import statistics
import time


def reference_work(_: int = 0) -> float:
    """Seconds for one fixed piece of work (Python and zlib) on one core."""
    import zlib

    started = time.perf_counter()
    sum(i * i for i in range(300_000))
    zlib.compress(bytes(range(256)) * 16384, 6)
    return time.perf_counter() - started


def reference_s() -> float:
    """Median seconds for the reference work on every core at once (the slowest core counts).
    The same code on the same machine: a higher figure means slower or fewer free cores at that
    moment, which moves every time in the table with it. (Seen here: one busy process beside
    the bench on this two-core machine took this figure from 0.06 to 0.10 s and the first
    visit's time to map from 1.5 to 3.0 s.)"""
    from concurrent.futures import ProcessPoolExecutor

    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(reference_work, range(cores)))  # start the workers
        return statistics.median(
            max(pool.map(reference_work, range(cores))) for _ in range(9)
        )
