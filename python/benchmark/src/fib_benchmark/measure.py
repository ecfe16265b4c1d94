"""The measuring loop: runs wherever the implementations run.

The same code times the implementations natively (in the host process) and inside Pyodide (the
Node runner copies this package into the runtime, makes a :class:`Session` there with
:func:`pyodide_session` and hands it the host's commands), so every column of the report comes
from one method:

* a warm-up per cell: its first call, whose result is the one checked for equality (by value,
  ``==``, against the first result computed at that n in the same interpreter; across
  interpreters by a SHA-256 of the value's bytes — never through ``str()``, which is
  quadratic), then more calls until ``Budget.warmup_s`` has passed, so that a JIT's optimized
  code is what gets timed;
* then repetitions of ``number`` back-to-back calls timed with ``time.perf_counter`` with the
  garbage collector off (as timeit does); ``number`` and the count of repetitions adapt to the
  measured time (:class:`fib_benchmark.stats.Budget`);
* at each n the repetitions of every implementation in every environment (native and each
  Pyodide) are interleaved, one of each in turn, so that a change of the machine's speed during
  the run (frequency, neighbours: a shared machine's speed drifted by up to a third within
  seconds) reaches all of them alike instead of favouring whichever was measured in a fast
  phase;
* the report uses the median per-call time, with the minimum and maximum beside it.

Standard library only and Python 3.10-compatible (Pyodide 0.21.3 is CPython 3.10).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from fib_benchmark.stats import Budget, summarize

Event = dict[str, Any]
Emit = Callable[[Event], None]


@dataclass(frozen=True)
class ImplSpec:
    """One implementation: which module and function compute F(n), and how to label it."""

    key: str
    module: str
    function: str
    language: str
    algorithm: str
    distribution: str

    @property
    def label(self) -> str:
        return "GMP (gmpy2.fib)" if self.key == "gmp" else f"{self.language} {self.algorithm}"


#: Every implementation the benchmark knows, in the order they are measured at each n (the first
#: available one is the reference the others are compared with). GMP's mpz_fib_ui, which gmpy2
#: calls, is a doubling method too.
IMPLEMENTATIONS: tuple[ImplSpec, ...] = (
    ImplSpec("gmp", "gmpy2", "fib", "GMP", "doubling", "gmpy2"),
    ImplSpec("rust-doubling", "fib_pyrs", "fib", "Rust", "doubling", "fib-pyrs"),
    ImplSpec("python-doubling", "fib_python", "fib", "Python", "doubling", "fib-python"),
    ImplSpec("rust-loop", "fib_pyrs", "fib_iter", "Rust", "loop", "fib-pyrs"),
    ImplSpec("python-loop", "fib_python", "fib_iter", "Python", "loop", "fib-python"),
)
SPECS = {spec.key: spec for spec in IMPLEMENTATIONS}
#: Implementations that must be present everywhere (gmpy2 is optional: a reference column).
REQUIRED = ("rust-doubling", "python-doubling", "rust-loop", "python-loop")


@dataclass(frozen=True)
class Impl:
    spec: ImplSpec
    func: Callable[[int], object]


def discover(
    keys: Sequence[str] | None = None, *, optional: Sequence[str] = ("gmp",)
) -> list[Impl]:
    """The implementations among ``keys`` (default: all) that can be imported here.

    A missing module is an error, except for the keys in ``optional`` (gmpy2 is not in Pyodide).
    """
    wanted = list(keys) if keys is not None else [s.key for s in IMPLEMENTATIONS]
    unknown = [k for k in wanted if k not in SPECS]
    if unknown:
        raise ValueError(f"unknown implementation(s) {unknown}; known: {list(SPECS)}")
    found = []
    for spec in IMPLEMENTATIONS:
        if spec.key not in wanted:
            continue
        try:
            module = importlib.import_module(spec.module)
        except ImportError as exc:
            if spec.key in optional:
                continue
            raise ImportError(
                f"{spec.label} needs the module {spec.module} ({spec.distribution}), "
                f"which cannot be imported: {exc}"
            ) from exc
        found.append(Impl(spec, getattr(module, spec.function)))
    return found


@dataclass(frozen=True)
class Plan:
    """What to measure in one environment; crosses into Pyodide as JSON."""

    env: str
    n_values: tuple[int, ...]
    loop_max_n: int
    budget: Budget = field(default_factory=Budget)
    smoke: bool = False
    impls: tuple[str, ...] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        raw = json.loads(text)
        impls = raw.get("impls")
        return cls(
            env=raw["env"],
            n_values=tuple(raw["n_values"]),
            loop_max_n=raw["loop_max_n"],
            budget=Budget(**raw["budget"]),
            smoke=raw["smoke"],
            impls=tuple(impls) if impls is not None else None,
        )

    def measured(self, spec: ImplSpec, n: int) -> bool:
        """False where the loop is capped: it is O(n²) and would take too long."""
        return spec.algorithm != "loop" or n <= self.loop_max_n


def digest(value: object) -> str:
    """SHA-256 of the exact little-endian bytes of a non-negative integer (linear time)."""
    v = int(value)  # type: ignore[call-overload]  # gmpy2's mpz converts exactly
    data = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "little")
    return hashlib.sha256(data).hexdigest()


def _time_batch(func: Callable[[int], object], n: int, number: int) -> float:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            func(n)
        return time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()


def prepare_cell(
    func: Callable[[int], object], n: int, budget: Budget, *, smoke: bool = False
) -> tuple[object, int, int, float]:
    """The warm-up of a cell: its first call (whose result is returned for the equality check),
    more calls until the budget's warm-up time has passed, and the calibration.

    Returns (value, calls per repetition, repetitions, time of the first call). In smoke mode:
    the first call only, and one repetition of one call to come.
    """
    start = time.perf_counter()
    value = func(n)
    warmup = time.perf_counter() - start
    if smoke:
        return value, 1, 1, warmup
    estimate = warmup
    now = start + warmup
    while now - start < budget.warmup_s:
        func(n)
        previous, now = now, time.perf_counter()
        estimate = now - previous
    number = budget.number(estimate)
    if number > 1:
        # A calibration batch (a second warm-up) gives a better estimate for fast calls.
        estimate = _time_batch(func, n, number) / number
        number = budget.number(estimate)
    return value, number, budget.reps(estimate, number), warmup


def measure_cell(
    func: Callable[[int], object], n: int, budget: Budget, *, smoke: bool = False
) -> tuple[object, list[float], int, float]:
    """One cell on its own: :func:`prepare_cell`, then its timed repetitions back to back.

    Returns (value, per-call times of each repetition, calls per repetition, time of the first
    call).
    """
    value, number, reps, warmup = prepare_cell(func, n, budget, smoke=smoke)
    times = [_time_batch(func, n, number) / number for _ in range(reps)]
    return value, times, number, warmup


class Session:
    """One interpreter's side of a sweep: the host's own, or Pyodide's behind the Node runner
    (``pyodide_host.NodeSession`` speaks to it through :meth:`handle`).

    It holds the implementations and, for the current n, the first result computed here: the
    others are checked against it by value, within the interpreter.
    """

    def __init__(self, plan: Plan, impls: Sequence[Impl]) -> None:
        self.plan = plan
        self.keys = [impl.spec.key for impl in impls]
        self._funcs = {impl.spec.key: impl.func for impl in impls}
        self._n: int | None = None
        self._reference: object = None
        self._reference_key = ""
        self._reference_digest = ""

    def prepare(self, key: str, n: int) -> Event:
        """The warm-up and calibration of one cell (:func:`prepare_cell`): the cell's fields,
        with ``planned_reps``; raises what the implementation raises."""
        if n != self._n:
            self._n, self._reference, self._reference_key = n, None, ""
        value, number, reps, warmup = prepare_cell(
            self._funcs[key], n, self.plan.budget, smoke=self.plan.smoke
        )
        if not self._reference_key:
            self._reference, self._reference_key = value, key
            self._reference_digest = digest(value)
        equal = bool(value == self._reference)
        return {
            "number": number,
            "planned_reps": reps,
            "warmup_s": warmup,
            "equal": equal,
            "reference": self._reference_key,
            "digest": self._reference_digest if equal else digest(value),
            "bits": int(value).bit_length(),  # type: ignore[call-overload]
        }

    def time(self, key: str, n: int, number: int) -> float:
        """One timed repetition: the time per call of ``number`` calls in a row."""
        return _time_batch(self._funcs[key], n, number) / number

    def end(self) -> None:
        """Drops the reference result (F(10^7) is a megabyte) once an n is done."""
        self._n, self._reference, self._reference_key = None, None, ""

    def handle(self, command: str) -> str:
        """One command as JSON (``{"op": "prepare" | "time" | "end", ...}``), its reply as JSON:
        ``{"type": "reply", "ok": true, "result": ...}`` or ``"ok": false`` with the error."""
        c = json.loads(command)
        try:
            if c["op"] == "prepare":
                result: object = self.prepare(c["impl"], c["n"])
            elif c["op"] == "time":
                result = self.time(c["impl"], c["n"], c["number"])
            elif c["op"] == "end":
                self.end()
                result = None
            else:
                raise ValueError(f"unknown command {c['op']!r}")
        except Exception as exc:  # goes back to the host, which records it in the cell
            return json.dumps({"type": "reply", "ok": False, "error": _error_text(exc)})
        return json.dumps({"type": "reply", "ok": True, "result": result})


class RemoteError(Exception):
    """What an implementation raised in a session in another process, as ``Type: message``."""


def _error_text(exc: Exception) -> str:
    return str(exc) if isinstance(exc, RemoteError) else f"{type(exc).__name__}: {exc}"


class SessionLike(Protocol):
    """What :func:`run_sweep` needs of a session, local (:class:`Session`) or remote."""

    plan: Plan
    keys: list[str]

    def prepare(self, key: str, n: int) -> Event: ...

    def time(self, key: str, n: int, number: int) -> float: ...

    def end(self) -> None: ...


@dataclass
class _Timing:
    """A cell between its warm-up and its last timed repetition."""

    session: SessionLike
    cell: Event
    number: int
    reps: int
    times: list[float] = field(default_factory=list)


def run_sweep(sessions: Sequence[SessionLike], emit: Emit) -> list[Event]:
    """Measures every implementation of every session at every n of its plan; emits and returns
    the cells.

    At each n every session warms its implementations up in turn (their first results checked
    against its first implementation's), then the timed repetitions of all of them, across the
    sessions, are interleaved in rounds: one repetition of each cell that still has some per
    round, so that a drift of the machine's speed reaches the native and the Pyodide columns
    alike too.
    """
    cells: list[Event] = []
    index = {id(s): 0 for s in sessions}
    total = {
        id(s): sum(1 for n in s.plan.n_values for k in s.keys if s.plan.measured(SPECS[k], n))
        for s in sessions
    }
    for n in sorted({n for s in sessions for n in s.plan.n_values}):
        timing: list[_Timing] = []
        at_n: list[Event] = []
        for session in (s for s in sessions if n in s.plan.n_values):
            plan = session.plan
            for key in session.keys:
                cell: Event = {"type": "cell", "env": plan.env, "impl": key, "n": n}
                at_n.append(cell)
                if not plan.measured(SPECS[key], n):
                    cell.update(status="skipped", reason=f"loop capped at n={plan.loop_max_n}")
                    continue
                index[id(session)] += 1
                where = {"index": index[id(session)], "total": total[id(session)]}
                cell.update(where)
                emit({"type": "start", "env": plan.env, "impl": key, "n": n, **where})
                try:
                    fields = session.prepare(key, n)
                except Exception as exc:  # recorded and reported; the verdict becomes False
                    cell.update(status="error", error=_error_text(exc))
                    continue
                reps = fields.pop("planned_reps")
                cell.update(status="ok", **fields)
                timing.append(_Timing(session, cell, cell["number"], reps))
        rounds = max((t.reps for t in timing), default=0)
        envs = list(dict.fromkeys(t.cell["env"] for t in timing))
        emit({"type": "rounds", "envs": envs, "n": n, "rounds": rounds})
        for round_ in range(rounds):
            for t in timing:
                if round_ >= t.reps or t.cell["status"] != "ok":
                    continue
                try:
                    t.times.append(t.session.time(t.cell["impl"], n, t.number))
                except Exception as exc:  # as above
                    t.cell.update(status="error", error=_error_text(exc))
        for session in sessions:
            with contextlib.suppress(Exception):  # a lost session: its cells already say so
                session.end()
        for t in timing:
            if t.cell["status"] == "ok":
                s = summarize(t.times)
                t.cell.update(
                    median_s=s.median, min_s=s.min, max_s=s.max, reps=s.reps, times_s=t.times
                )
        for cell in at_n:
            cells.append(cell)
            emit(cell)
    return cells


def mapped_library(name: str, maps: str = "/proc/self/maps") -> str | None:
    """The file of the shared library ``name`` (``name.so...`` or, as auditwheel renames
    bundled ones, ``name-HASH.so...``) this process mapped first (Linux), or None: which libgmp
    gmpy2 runs on (its wheel bundles one; checks/gmp-native.sh swaps in another)."""
    try:
        with open(maps, encoding="utf-8") as f:
            for line in f:
                path = line.split(maxsplit=5)[5:]
                base = os.path.basename(path[0].strip()) if path else ""
                if base.startswith((name + ".so", name + "-")):
                    return path[0].strip()
    except OSError:
        pass
    return None


def environment_info() -> Event:
    """Versions of the interpreter and of the measured distributions, from inside it."""
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for dist in ("fib-pyrs", "fib-python", "gmpy2"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    info: Event = {
        "type": "env",
        "python": sys.version.split()[0],
        "python_full": sys.version,
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "machine": platform.machine(),
        "packages": versions,
    }
    try:
        import gmpy2

        info["gmp"] = gmpy2.mp_version()
        library = mapped_library("libgmp")
        if library:
            info["gmp_library"] = library
    except ImportError:
        pass
    try:
        import pyodide

        info["pyodide"] = pyodide.__version__
    except ImportError:
        pass
    return info


def pyodide_session(plan_json: str) -> Session:
    """Inside Pyodide: the session the Node runner hands each command line to."""
    plan = Plan.from_json(plan_json)
    return Session(plan, discover(plan.impls))
