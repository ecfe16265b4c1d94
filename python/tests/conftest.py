"""Shared fixtures: every test that takes ``impl`` runs once per twin."""

from __future__ import annotations

import os
from types import ModuleType

import fib_pyrs
import fib_python
import pytest
from hypothesis import settings

# Pyodide runs single-threaded and slower; no deadlines anywhere (speed is the benchmark's job).
settings.register_profile("default", deadline=None, max_examples=200)
settings.register_profile("pyodide", deadline=None, max_examples=60)
settings.load_profile(os.environ.get("FIB_HYPOTHESIS_PROFILE", "default"))

IMPLS = {"fib_python": fib_python, "fib_pyrs": fib_pyrs}


@pytest.fixture(params=sorted(IMPLS))
def impl(request: pytest.FixtureRequest) -> ModuleType:
    return IMPLS[request.param]
