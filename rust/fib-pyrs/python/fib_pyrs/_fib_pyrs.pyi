from typing import SupportsIndex

MAX_N: int
"""Largest n accepted by every function."""

def fib(n: SupportsIndex, /) -> int:
    """F(n) by fast doubling.

    Raises TypeError if n is not an integer, ValueError if n < 0, OverflowError if n > MAX_N
    and MemoryError if the memory for the computation cannot be allocated (the interpreter
    goes on).
    """

def fib_iter(n: SupportsIndex, /) -> int:
    """F(n) by the plain addition loop (O(n) additions); same errors as fib."""

def fib_pair(n: SupportsIndex, /) -> tuple[int, int]:
    """The pair (F(n), F(n+1)); same errors as fib."""

def _panic(message: str, /) -> None:
    """Panic in Rust (tests use it to prove a panic becomes pyo3_runtime.PanicException)."""
