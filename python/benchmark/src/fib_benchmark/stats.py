"""Summary statistics of repeated timings, and how many repetitions to take.

Standard library only and Python 3.10-compatible: this module also runs inside Pyodide.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median, minimum and maximum of the per-call times of one measurement, in seconds."""

    median: float
    min: float
    max: float
    reps: int

    @property
    def spread(self) -> float:
        """max/min - 1: how far apart the fastest and slowest repetition were (0.05 = 5 %)."""
        return self.max / self.min - 1.0 if self.min > 0 else math.inf


def summarize(times: Sequence[float]) -> Summary:
    """The summary of per-call times; the median is the figure the report uses."""
    if not times:
        raise ValueError("no timings to summarize")
    return Summary(median=statistics.median(times), min=min(times), max=max(times), reps=len(times))


@dataclass(frozen=True)
class Budget:
    """How much time to spend measuring one (implementation, n) cell.

    A repetition is ``number`` back-to-back calls timed together (like timeit), so that fast
    calls are not dominated by the timer; ``number`` is chosen so a repetition lasts at least
    ``min_rep_s``. Then as many repetitions as fit in ``budget_s``, but never fewer than
    ``min_reps`` nor more than ``max_reps``: a call that alone takes longer than the budget
    still gets ``min_reps`` repetitions.

    Before any of it, the cell is warmed up for ``warmup_s`` (at least one call): a JIT engine
    first runs new code as baseline code and swaps in optimized code compiled in the
    background. V8 does so with WebAssembly; after a single warm-up call, F(10^5) in Pyodide
    was timed at 1.6x its steady time, still in baseline code.
    """

    budget_s: float = 1.0
    min_reps: int = 3
    max_reps: int = 25
    min_rep_s: float = 0.005
    max_number: int = 100_000
    warmup_s: float = 0.2

    def __post_init__(self) -> None:
        if self.min_reps < 1 or self.max_reps < self.min_reps:
            raise ValueError(
                f"need 1 <= min_reps <= max_reps, got {self.min_reps}, {self.max_reps}"
            )
        if self.budget_s < 0 or self.min_rep_s < 0 or self.warmup_s < 0:
            raise ValueError("budget_s, min_rep_s and warmup_s must be >= 0")

    def number(self, per_call_s: float) -> int:
        """Calls per repetition for a call that takes about ``per_call_s``."""
        if per_call_s >= self.min_rep_s:
            return 1
        per_call_s = max(per_call_s, 1e-9)
        return max(1, min(self.max_number, math.ceil(self.min_rep_s / per_call_s)))

    def reps(self, per_call_s: float, number: int) -> int:
        """Repetitions for repetitions of ``number`` calls of about ``per_call_s`` each."""
        per_rep = max(per_call_s * number, 1e-9)
        return max(self.min_reps, min(self.max_reps, int(self.budget_s / per_rep)))
