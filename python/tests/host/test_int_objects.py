"""The ints fib_pyrs builds are ordinary Python ints, in every CPython it is built for.

fib_pyrs writes CPython's digits straight into a new int (rust/fib-pyrs/src/int.rs), a layout
each minor version may change: 3.10/3.11 keep the digit count in the object header, 3.12 and
3.13 in a tag word beside the sign, 3.14 hides both behind PEP 757's writer. A digit count or
sign written wrongly gives an int that compares, hashes, prints or sizes differently from the
same value made by Python, which these tests compare directly.
"""

from __future__ import annotations

import sys

import fib_pyrs
import fib_python
import pytest

# Sizes around the 30-bit digit and 64-bit limb boundaries (F(93) is the last that fits a u64).
N = [93, 94, 95, 100, 150, 300, 301, 1000, 4096, 65_537]


@pytest.mark.parametrize("n", N)
def test_same_int_as_python_builds(n: int) -> None:
    ours, theirs = fib_pyrs.fib(n), fib_python.fib(n)
    assert type(ours) is int
    assert ours == theirs and (ours != theirs) is False
    assert hash(ours) == hash(theirs)
    assert ours.bit_length() == theirs.bit_length()
    assert sys.getsizeof(ours) == sys.getsizeof(theirs)  # the digit count in the header
    assert ours > 0 and -ours < 0 and (ours - theirs) == 0 and ours // theirs == 1
    size = (theirs.bit_length() + 7) // 8
    assert ours.to_bytes(size, "little") == theirs.to_bytes(size, "little")
    assert hex(ours) == hex(theirs)


def test_pairs_and_loop_are_ordinary_ints_too() -> None:
    f, f1 = fib_pyrs.fib_pair(10_000)
    assert (f, f1) == fib_python.fib_pair(10_000)
    assert sys.getsizeof(f1) == sys.getsizeof(fib_python.fib(10_001))
    assert fib_pyrs.fib_iter(2_000) == fib_python.fib(2_000)
