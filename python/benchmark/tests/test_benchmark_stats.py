from __future__ import annotations

import math

import pytest

from fib_benchmark.stats import Budget, summarize


def test_summary_odd() -> None:
    s = summarize([3.0, 1.0, 2.0])
    assert (s.median, s.min, s.max, s.reps) == (2.0, 1.0, 3.0, 3)
    assert s.spread == pytest.approx(2.0)


def test_summary_even_is_mean_of_middle_two() -> None:
    assert summarize([4.0, 1.0, 3.0, 2.0]).median == 2.5


def test_summary_single() -> None:
    s = summarize([0.5])
    assert (s.median, s.min, s.max, s.reps) == (0.5, 0.5, 0.5, 1)
    assert s.spread == 0.0


def test_summary_empty() -> None:
    with pytest.raises(ValueError):
        summarize([])


def test_spread_of_zero_minimum_is_infinite() -> None:
    assert math.isinf(summarize([0.0, 1.0]).spread)


def test_number_batches_fast_calls() -> None:
    b = Budget(min_rep_s=0.005)
    assert b.number(1.0) == 1
    assert b.number(0.005) == 1
    assert b.number(0.001) == 5
    assert b.number(1e-6) == 5000
    assert b.number(0.0) == b.max_number  # a call too fast to measure: as many as allowed


def test_reps_within_limits() -> None:
    b = Budget(budget_s=1.0, min_reps=3, max_reps=25)
    assert b.reps(10.0, 1) == 3  # slow call: the minimum, even beyond the budget
    assert b.reps(0.1, 1) == 10
    assert b.reps(0.001, 5) == 25  # fast: capped
    assert b.reps(0.0, 1) == 25


@pytest.mark.parametrize(
    "kwargs", [{"min_reps": 0}, {"min_reps": 5, "max_reps": 4}, {"budget_s": -1.0}]
)
def test_budget_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Budget(**kwargs)  # type: ignore[arg-type]
