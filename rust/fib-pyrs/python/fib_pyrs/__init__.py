"""Fibonacci numbers computed in Rust (the ``fib-rust`` crate) through PyO3.

The API and the exceptions match the pure-Python twin ``fib_python``.
"""

from fib_pyrs._fib_pyrs import MAX_N, fib, fib_iter, fib_pair

__all__ = ["MAX_N", "fib", "fib_iter", "fib_pair"]
