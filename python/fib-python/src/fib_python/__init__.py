"""Fibonacci numbers in pure Python, the twin of ``fib_pyrs`` (same API, same exceptions)."""

from fib_python._fib import MAX_N, fib, fib_iter, fib_pair

__all__ = ["MAX_N", "fib", "fib_iter", "fib_pair"]
