"""The results of one run: environments and measured cells, with lookups for the report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fib_benchmark.measure import IMPLEMENTATIONS, SPECS

Cell = dict[str, Any]

NATIVE = "native"


@dataclass
class Environment:
    """Where a column was measured: the host CPython, or one Pyodide runtime under Node."""

    id: str
    kind: str  # "native" or "pyodide"
    label: str  # e.g. "native CPython 3.11.7", "Pyodide 0.21.3 (CPython 3.10.2)"
    short: str  # e.g. "native", "Pyodide 0.21.3"
    loop_max_n: int
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "short": self.short,
            "loop_max_n": self.loop_max_n,
            **self.info,
        }


@dataclass
class Results:
    environments: list[Environment] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)

    def add(self, cells: Iterable[Cell]) -> None:
        for cell in cells:
            self.cells.append({k: v for k, v in cell.items() if k != "type"})

    def env(self, env_id: str) -> Environment | None:
        return next((e for e in self.environments if e.id == env_id), None)

    def cell(self, env: str, impl: str, n: int) -> Cell | None:
        for c in self.cells:
            if c["env"] == env and c["impl"] == impl and c["n"] == n:
                return c
        return None

    def median(self, env: str, impl: str, n: int) -> float | None:
        c = self.cell(env, impl, n)
        return float(c["median_s"]) if c is not None and c.get("status") == "ok" else None

    def minimum(self, env: str, impl: str, n: int) -> float | None:
        """The cell's fastest repetition (per call)."""
        c = self.cell(env, impl, n)
        return float(c["min_s"]) if c is not None and c.get("status") == "ok" else None

    @property
    def n_values(self) -> list[int]:
        return sorted({int(c["n"]) for c in self.cells})

    def impls(self, env: str) -> list[str]:
        """The implementations with any cell in this environment, in the canonical order."""
        present = {c["impl"] for c in self.cells if c["env"] == env}
        return [spec.key for spec in IMPLEMENTATIONS if spec.key in present]

    @staticmethod
    def label(impl: str) -> str:
        return SPECS[impl].label if impl in SPECS else impl
