"""The algorithms: fast doubling (GMP's two-squarings-per-bit form) and the addition loop."""

from __future__ import annotations

import operator
from typing import SupportsIndex

#: Largest accepted n (the same limit as fib_pyrs): F(10**9) already has 694 million bits.
MAX_N = 1_000_000_000


def _checked_n(n: SupportsIndex) -> int:
    """Validates n with the same exception types as fib_pyrs.

    TypeError for non-integers (``operator.index`` semantics), ValueError for negatives,
    OverflowError above MAX_N.
    """
    index = operator.index(n)
    if index < 0:
        raise ValueError(f"n must be >= 0, got n={index}")
    if index > MAX_N:
        raise OverflowError(f"n={index} is too large: the largest supported n is MAX_N={MAX_N}")
    return index


def fib_pair(n: SupportsIndex, /) -> tuple[int, int]:
    """The pair (F(n), F(n+1)) by fast doubling.

    Per bit of n, from (F(k-1), F(k)) with two squarings:
    F(2k+1) = 4F(k)² - F(k-1)² + 2(-1)^k, F(2k-1) = F(k)² + F(k-1)², F(2k) = F(2k+1) - F(2k-1).
    """
    n = _checked_n(n)
    if n == 0:
        return 0, 1
    fk1, fk, k = 0, 1, 1  # F(k-1), F(k)
    for bit in reversed(range(n.bit_length() - 1)):
        a, b = fk * fk, fk1 * fk1
        f2k1 = 4 * a - b + (2 if k % 2 == 0 else -2)
        f2km1 = a + b
        f2k = f2k1 - f2km1
        k *= 2
        if (n >> bit) & 1:
            fk1, fk, k = f2k, f2k1, k + 1
        else:
            fk1, fk = f2km1, f2k
    return fk, fk + fk1


def fib(n: SupportsIndex, /) -> int:
    """F(n) by fast doubling."""
    return fib_pair(n)[0]


def fib_iter(n: SupportsIndex, /) -> int:
    """F(n) by the plain addition loop (O(n) additions)."""
    n = _checked_n(n)
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
