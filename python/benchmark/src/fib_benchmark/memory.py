"""Peak memory of one call: how far F(n) raises a fresh process's resident memory.

Each measurement is its own process (``python -m fib_benchmark.memory KEY N``): the child
imports the implementation, collects garbage, resets the kernel's high-water mark of its
resident memory to the current size (``/proc/self/clear_refs``), reads that size from
``/proc/self/statm`` (the baseline), calls F(n) once and reads the high-water mark (the peak).
Peak minus baseline is what the call needed at its worst, including memory the allocator kept
but could not reuse. It is compared with the size of the result: ``sys.getsizeof`` of the int;
gmpy2's mpz is sized by its bit length (bytes of its bits) rather than converted, since a
conversion would itself allocate. The report gives the median over several processes.

The high-water mark is VmHWM of ``/proc/self/status``, not ``ru_maxrss``: Linux carries
``ru_maxrss`` over an exec from the process that spawned it, so a child of the (large) benchmark
process would report the parent's size. Without the reset (clear_refs not writable) VmHWM
covers the whole process since its start, imports included: an upper bound, and said so.

Linux only; natively only: Pyodide has neither processes nor a resident size.
"""

from __future__ import annotations

import gc
import importlib
import json
import resource
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fib_benchmark.measure import SPECS, Event

#: The implementations measured: the fast ones (the loops hold two numbers at a time and would
#: only show that).
MEMORY_IMPLS = ("gmp", "rust-doubling", "python-doubling")

#: One line on the method, for the report and the JSON.
METHOD = (
    "in fresh processes: import, gc.collect(), high-water mark reset to the resident size "
    "(/proc/self/clear_refs), baseline = resident size (/proc/self/statm), one call, peak = "
    "VmHWM (/proc/self/status); median of peak - baseline"
)

STATM = Path("/proc/self/statm")
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")

SIZE_GETSIZEOF = "sys.getsizeof"
SIZE_BITS = "bit length / 8 (not converted)"


def available() -> str | None:
    """None if memory can be measured here, else why not."""
    if not sys.platform.startswith("linux") or not (STATM.exists() and STATUS.exists()):
        return "needs Linux (/proc/self/statm and /proc/self/status)"
    return None


def resident_bytes() -> int:
    """The current resident set size of this process."""
    pages = int(STATM.read_text().split()[1])
    return pages * resource.getpagesize()


def peak_bytes() -> int:
    """The high-water mark of this process's resident set (VmHWM, in kB)."""
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM in {STATUS}")


def reset_peak() -> bool:
    """Sets the high-water mark to the current resident size; False if the kernel refused."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def result_size(value: object) -> tuple[int, str]:
    """Bytes of a result and how they were counted: an int by ``sys.getsizeof``, anything else
    with a bit length (gmpy2's mpz) by the bytes its bits fill."""
    if type(value) is int:
        return sys.getsizeof(value), SIZE_GETSIZEOF
    bits = int(value.bit_length())  # type: ignore[attr-defined]
    return (bits + 7) // 8, SIZE_BITS


def child(key: str, n: int) -> Event:
    """One measurement, in the current process (which must be fresh)."""
    spec = SPECS[key]
    func: Callable[[int], object] = getattr(importlib.import_module(spec.module), spec.function)
    gc.collect()
    reset = reset_peak()
    baseline = resident_bytes()
    value = func(n)
    peak = peak_bytes()
    size, method = result_size(value)
    return {
        "baseline_bytes": baseline,
        "peak_bytes": peak,
        "peak_reset": reset,
        "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "delta_bytes": peak - baseline,
        "result_bytes": size,
        "size_method": method,
        "bits": int(value.bit_length()),  # type: ignore[attr-defined]
    }


def run_child(key: str, n: int, python: str = sys.executable) -> Event:
    """Runs :func:`child` in a new interpreter; raises RuntimeError with its stderr on failure."""
    proc = subprocess.run(
        [python, "-m", "fib_benchmark.memory", key, str(n)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise RuntimeError(tail[0])
    result: Event = json.loads(proc.stdout)
    return result


def measure_memory(
    keys: Sequence[str],
    n_values: Sequence[int],
    runs: int,
    emit: Callable[[Event], None],
    *,
    python: str = sys.executable,
) -> list[Event]:
    """``runs`` fresh processes per (implementation, n); one cell each, with the median."""
    cells: list[Event] = []
    for n in n_values:
        for key in keys:
            cell: Event = {"type": "memory", "impl": key, "n": n}
            try:
                samples = [run_child(key, n, python) for _ in range(runs)]
            except (RuntimeError, OSError, ValueError) as exc:
                cell.update(status="error", error=f"{type(exc).__name__}: {exc}")
                cells.append(cell)
                emit(cell)
                continue
            delta = statistics.median(s["delta_bytes"] for s in samples)
            size = samples[0]["result_bytes"]
            cell.update(
                status="ok",
                runs=len(samples),
                delta_bytes=delta,
                result_bytes=size,
                ratio=delta / size if size else None,
                size_method=samples[0]["size_method"],
                peak_reset=all(s["peak_reset"] for s in samples),
                bits=samples[0]["bits"],
                samples=samples,
            )
            cells.append(cell)
            emit(cell)
    return cells


def _main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] not in SPECS:
        print(f"usage: python -m fib_benchmark.memory {{{','.join(SPECS)}}} N", file=sys.stderr)
        return 2
    print(json.dumps(child(argv[0], int(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
