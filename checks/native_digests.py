#!/usr/bin/env python3
"""Digests of F(n) from the native fib_pyrs wheel, for the in-Pyodide agreement test.

SHA-256 of the little-endian bytes: comparing digests keeps huge ints out of str(), which is
quadratic and capped at 4300 digits in CPython 3.11.
"""

import hashlib
import json
import sys

import fib_pyrs

# Up to 10^7: the largest transforms, where the wasm32 (SIMD128) kernels differ most from the
# native (AVX2) ones; odd and even n take the two forms of the last doubling step.
SAMPLES = {
    "fib": [100_000, 333_333, 1_000_000, 3_000_001, 10_000_000],
    "fib_iter": [10_000, 54_321],
}


def digest(value: int) -> str:
    return hashlib.sha256(value.to_bytes((value.bit_length() + 7) // 8, "little")).hexdigest()


json.dump(
    {func: {str(n): digest(getattr(fib_pyrs, func)(n)) for n in ns} for func, ns in SAMPLES.items()},
    sys.stdout,
    indent=1,
)
