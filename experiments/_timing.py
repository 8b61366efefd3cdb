"""Wall-clock timing shared by the benchmark scripts."""

from __future__ import annotations

import time


def best_of(function, repeats: int = 1) -> tuple[float, object]:
    """``(seconds, value)``: the fastest of ``repeats`` calls of ``function()`` and the value
    of the last one (data and imports are ready before the clock starts)."""
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value
