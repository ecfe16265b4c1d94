"""Inside Pyodide: results equal the native wheel's for sampled large n.

checks/test-pyodide.sh computes digests with the native wheel on the host and passes them in a
JSON file named by FIB_NATIVE_DIGESTS; the digests are SHA-256 of the little-endian bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from types import ModuleType

import pytest

EXPECTED: dict[str, dict[str, str]] = json.loads(
    open(os.environ["FIB_NATIVE_DIGESTS"]).read()  # noqa: SIM115
)


def digest(value: int) -> str:
    return hashlib.sha256(value.to_bytes((value.bit_length() + 7) // 8, "little")).hexdigest()


@pytest.mark.parametrize("n", sorted(EXPECTED["fib"], key=int))
def test_fib_equals_native(impl: ModuleType, n: str) -> None:
    assert digest(impl.fib(int(n))) == EXPECTED["fib"][n]


@pytest.mark.parametrize("n", sorted(EXPECTED["fib_iter"], key=int))
def test_fib_iter_equals_native(impl: ModuleType, n: str) -> None:
    assert digest(impl.fib_iter(int(n))) == EXPECTED["fib_iter"][n]
