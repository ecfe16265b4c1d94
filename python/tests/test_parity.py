"""The Rust twin (fib_pyrs) and the Python twin (fib_python) side by side: same results, same
errors. This file runs natively and, unchanged, inside every Pyodide runtime."""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction
from types import ModuleType

import fib_pyrs
import fib_python
import pytest
from hypothesis import given
from hypothesis import strategies as st

KNOWN = {
    0: 0, 1: 1, 2: 1, 3: 2, 10: 55, 20: 6765, 50: 12586269025,
    92: 7540113804746346429,
    93: 12200160415121876738,  # the largest Fibonacci number that fits in a u64
    94: 19740274219868223167,
    100: 354224848179261915075,
    300: 222232244629420445529739893461909967206666939096499764990979600,
}


def test_same_public_api() -> None:
    assert fib_pyrs.__all__ == fib_python.__all__
    assert fib_pyrs.MAX_N == fib_python.MAX_N


@pytest.mark.parametrize("n", sorted(KNOWN))
def test_known_values(impl: ModuleType, n: int) -> None:
    assert impl.fib(n) == KNOWN[n]
    assert impl.fib_iter(n) == KNOWN[n]
    assert type(impl.fib(n)) is int


def test_u64_boundary(impl: ModuleType) -> None:
    assert impl.fib(93) < 2**64 <= impl.fib(94)


def test_twins_agree_on_a_range() -> None:
    for n in range(0, 1500):
        expected = fib_python.fib_iter(n)
        assert fib_pyrs.fib(n) == expected, n
        assert fib_pyrs.fib_iter(n) == expected, n
        assert fib_python.fib(n) == expected, n
        assert fib_pyrs.fib_pair(n) == fib_python.fib_pair(n) == (expected, fib_python.fib(n + 1))


@pytest.mark.parametrize("n", [4096, 65_535, 65_536, 100_001, 500_000])
def test_twins_agree_at_large_n(n: int) -> None:
    r = fib_pyrs.fib(n)
    assert r == fib_python.fib(n)
    assert fib_pyrs.fib_pair(n) == fib_python.fib_pair(n)
    # Cassini: F(n-1)F(n+1) - F(n)^2 = (-1)^n, an identity the doubling does not use directly.
    f_prev = fib_pyrs.fib(n - 1)
    assert f_prev * (f_prev + r) - r * r == (-1) ** n


def test_loops_agree_at_large_n() -> None:
    assert fib_pyrs.fib_iter(20_000) == fib_python.fib_iter(20_000) == fib_pyrs.fib(20_000)


@given(st.integers(min_value=0, max_value=30_000))
def test_twins_agree_hypothesis(n: int) -> None:
    assert fib_pyrs.fib(n) == fib_python.fib(n)
    assert fib_pyrs.fib_pair(n) == fib_python.fib_pair(n)


@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=1, max_value=3000))
def test_addition_formula(m: int, n: int) -> None:
    # F(m+n) = F(m)F(n+1) + F(m-1)F(n)
    for f in (fib_pyrs.fib, fib_python.fib):
        fm_1 = f(m - 1) if m > 0 else 1  # F(-1) = 1
        assert f(m + n) == f(m) * f(n + 1) + fm_1 * f(n)


class Index:
    """Any object with __index__ is an integer to both twins (operator.index semantics)."""

    def __index__(self) -> int:
        return 30


def test_index_protocol(impl: ModuleType) -> None:
    assert impl.fib(Index()) == 832040
    assert impl.fib(True) == 1 and impl.fib(False) == 0


BAD_INPUTS = [
    (-1, ValueError),
    (-(10**30), ValueError),
    (1.0, TypeError),
    (2.5, TypeError),
    (float("nan"), TypeError),
    (float("inf"), TypeError),
    ("10", TypeError),
    (b"10", TypeError),
    (None, TypeError),
    ([10], TypeError),
    (Decimal(10), TypeError),
    (Fraction(10, 1), TypeError),
    (complex(10, 0), TypeError),
    (object(), TypeError),
    (2**64, OverflowError),
    (10**100, OverflowError),
    (fib_python.MAX_N + 1, OverflowError),
]


@pytest.mark.parametrize("func", ["fib", "fib_iter", "fib_pair"])
@pytest.mark.parametrize(("bad", "error"), BAD_INPUTS, ids=[repr(b)[:20] for b, _ in BAD_INPUTS])
def test_bad_input_same_exception(func: str, bad: object, error: type[Exception]) -> None:
    raised = []
    for mod in (fib_python, fib_pyrs):
        with pytest.raises(error) as info:
            getattr(mod, func)(bad)
        raised.append(type(info.value))
    assert raised[0] is raised[1] is error
    # ... and the module keeps working afterwards.
    assert fib_pyrs.fib(10) == fib_python.fib(10) == 55


@pytest.mark.parametrize("n", [-1, -12345])
def test_negative_message_names_n(impl: ModuleType, n: int) -> None:
    with pytest.raises(ValueError, match=rf"n={n}\b"):
        impl.fib(n)


def test_oversize_message_names_limit(impl: ModuleType) -> None:
    with pytest.raises(OverflowError, match="MAX_N"):
        impl.fib(2**64)


def test_rust_panic_becomes_exception_and_interpreter_lives_on() -> None:
    with pytest.raises(BaseException) as info:
        fib_pyrs._fib_pyrs._panic("deliberate panic from the test suite")
    exc = info.value
    assert type(exc).__module__ == "pyo3_runtime" and type(exc).__name__ == "PanicException"
    assert "deliberate panic" in str(exc)
    # Not an Exception subclass, so a bare `except Exception` cannot swallow it by accident.
    assert not isinstance(exc, Exception)
    assert fib_pyrs.fib(1000) == fib_python.fib(1000)
    assert sys.getrecursionlimit() > 0
