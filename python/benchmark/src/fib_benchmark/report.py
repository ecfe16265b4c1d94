"""Turning results into text: numbers, the tables, the speedups, the headline and the verdict."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from fib_benchmark.results import NATIVE, Cell, Results

# --- numbers --------------------------------------------------------------------------------


def _three_digits(value: float) -> str:
    """Three significant digits, without switching to exponent notation."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    # Rounding can add a digit (9.996 -> "10.00"): redo with one decimal fewer.
    if decimals and len(text.replace("-", "").replace(".", "").lstrip("0")) > 3:
        text = f"{value:.{decimals - 1}f}"
    return text


def fmt_time(seconds: float) -> str:
    """A duration with three significant digits and a unit: 1.72 s, 7.52 ms, 41.3 µs, 850 ns."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale * 0.9995:
            return f"{_three_digits(seconds / scale)} {unit}"
    return f"{_three_digits(seconds / 1e-9)} ns"


def fmt_elapsed(seconds: float) -> str:
    """A wall-clock duration: 7.4 s, 1 min 46 s."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def fmt_ratio(ratio: float) -> str:
    return f"{_three_digits(ratio)}x"


def fmt_bytes(count: float) -> str:
    """A size with three significant digits in powers of 1024: 903 KiB, 5.33 MiB, 512 B."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale * 0.9995:
            return f"{_three_digits(count / scale)} {unit}"
    return f"{count:.0f} B"


def fmt_n(n: int) -> str:
    """n as a Python literal with digit groups, like the seed's 500_000."""
    return f"{n:_}"


# --- tables ---------------------------------------------------------------------------------


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Fixed-width text table: first column left-aligned, the others right-aligned.

    A row with a single element is a group heading and spans the table.
    """
    widths = [len(h) for h in header]
    for row in rows:
        if len(row) > 1:
            for i, text in enumerate(row):
                widths[i] = max(widths[i], len(text))

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])]
        parts += [text.rjust(widths[i + 1]) for i, text in enumerate(row[1:])]
        return "  ".join(parts).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append(row[0] if len(row) == 1 else line(row))
    return out


SKIPPED = "-"


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    status = cell.get("status")
    if status == "ok":
        return fmt_time(float(cell["median_s"]))
    if status == "skipped":
        return SKIPPED
    return "ERROR"


def time_table(results: Results) -> list[str]:
    """Median time per call: a row per (environment, implementation), a column per n."""
    ns = results.n_values
    rows: list[list[str]] = []
    for env in results.environments:
        rows.append([env.label])
        for impl in results.impls(env.id):
            rows.append(
                [f"  {results.label(impl)}"]
                + [_cell_text(results.cell(env.id, impl, n)) for n in ns]
            )
    return render_table(["n =", *[fmt_n(n) for n in ns]], rows)


# --- speedups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeedupRow:
    group: str
    label: str
    ratios: dict[int, float]


SPEEDUP_GROUPS = {
    "rust-vs-python": "Rust vs Python: time of Python / time of Rust (> 1: Rust is faster)",
    "doubling-vs-loop": "doubling vs loop: time of the loop / time of doubling",
    "native-vs-pyodide": "native vs Pyodide: time in Pyodide / time native (> 1: Pyodide slower)",
    "vs-gmp": "vs GMP: time / time of GMP, native (> 1: slower than GMP)",
    "by-minima": "Rust's doubling by the minima, each cell's fastest repetition (on a noisy "
    "machine the steadier figure; > 1: slower than the reference)",
}


def _ratios(
    results: Results, slow: tuple[str, str], fast: tuple[str, str], *, by_minima: bool = False
) -> dict[int, float]:
    stat = results.minimum if by_minima else results.median
    ratios = {}
    for n in results.n_values:
        a = stat(slow[0], slow[1], n)
        b = stat(fast[0], fast[1], n)
        if a is not None and b is not None and b > 0:
            ratios[n] = a / b
    return ratios


def speedups(results: Results) -> list[SpeedupRow]:
    rows: list[SpeedupRow] = []

    def add(
        group: str,
        label: str,
        slow: tuple[str, str],
        fast: tuple[str, str],
        *,
        by_minima: bool = False,
    ) -> None:
        ratios = _ratios(results, slow, fast, by_minima=by_minima)
        if ratios:
            rows.append(SpeedupRow(group, label, ratios))

    envs = results.environments
    for env in envs:
        for alg in ("loop", "doubling"):
            add(
                "rust-vs-python",
                f"{env.short}, {alg}",
                (env.id, f"python-{alg}"),
                (env.id, f"rust-{alg}"),
            )
    for env in envs:
        for lang in ("python", "rust"):
            add(
                "doubling-vs-loop",
                f"{env.short}, {lang.capitalize()}",
                (env.id, f"{lang}-loop"),
                (env.id, f"{lang}-doubling"),
            )
    for env in envs:
        if env.kind != "pyodide":
            continue
        for impl in ("python-loop", "rust-loop", "python-doubling", "rust-doubling"):
            add(
                "native-vs-pyodide",
                f"{env.short}, {results.label(impl)}",
                (env.id, impl),
                (NATIVE, impl),
            )
    for env in envs:
        for impl in ("python-loop", "rust-loop", "python-doubling", "rust-doubling"):
            add("vs-gmp", f"{env.short}, {results.label(impl)}", (env.id, impl), (NATIVE, "gmp"))
    rust = "rust-doubling"
    add("by-minima", "native / GMP", (NATIVE, rust), (NATIVE, "gmp"), by_minima=True)
    for env in envs:
        if env.kind == "pyodide":
            label = f"{env.short} / native"
            add("by-minima", label, (env.id, rust), (NATIVE, rust), by_minima=True)
    return rows


def speedup_tables(rows: Sequence[SpeedupRow], n_values: Sequence[int]) -> list[str]:
    out: list[str] = []
    for group, title in SPEEDUP_GROUPS.items():
        group_rows = [r for r in rows if r.group == group]
        if not group_rows:
            continue
        ns = [n for n in n_values if any(n in r.ratios for r in group_rows)]
        table = [
            [r.label] + [fmt_ratio(r.ratios[n]) if n in r.ratios else "" for n in ns]
            for r in group_rows
        ]
        out += ["", title, *render_table(["n =", *[fmt_n(n) for n in ns]], table)]
    return out


# --- equality -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    compared: int
    problems: list[str]


def equality(results: Results) -> Verdict:
    """Did every implementation, in every environment, give the same F(n)?

    Within an interpreter each result was compared by value (==) with the first one computed at
    that n; across interpreters the SHA-256 digests of the values' bytes must all be one.
    """
    problems: list[str] = []
    digests: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    compared = 0
    for c in results.cells:
        where = f"{c['env']} {results.label(c['impl'])} at n={fmt_n(c['n'])}"
        if c.get("status") == "error":
            problems.append(f"{where}: {c.get('error')}")
        elif c.get("status") == "ok":
            compared += 1
            if not c.get("equal"):
                problems.append(f"{where} differs from {c.get('reference')} (compared with ==)")
            digests[c["n"]][c["digest"]].add(f"{c['env']} {results.label(c['impl'])}")
    for n, by_digest in sorted(digests.items()):
        if len(by_digest) > 1:
            groups = "; ".join(
                f"{d[:12]}: {', '.join(sorted(who))}" for d, who in sorted(by_digest.items())
            )
            problems.append(f"at n={fmt_n(n)} the environments disagree: {groups}")
    return Verdict(ok=not problems and compared > 0, compared=compared, problems=problems)


def verdict_lines(v: Verdict) -> list[str]:
    lines = [
        f"All implementations gave the same answer at every n? {v.ok}"
        f"  ({v.compared} results; by value within each interpreter, by SHA-256 of the bytes"
        " across them)"
    ]
    lines += [f"  MISMATCH: {p}" for p in v.problems]
    return lines


# --- the seed's headline --------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    n: int
    python_s: float
    pyrs_s: float
    same: bool
    reps: tuple[int, int]
    note: str


def headline(results: Results, want_n: int) -> Headline | None:
    """Python loop vs Rust loop natively at ``want_n`` (the seed's comparison), or the largest
    n at which both loops were measured if ``want_n`` was not."""
    both = [
        n
        for n in results.n_values
        if results.median(NATIVE, "python-loop", n) is not None
        and results.median(NATIVE, "rust-loop", n) is not None
    ]
    if not both:
        return None
    n = want_n if want_n in both else max(both)
    note = "" if n == want_n else f"; n={fmt_n(want_n)} was not measured in this run"
    py = results.cell(NATIVE, "python-loop", n)
    rs = results.cell(NATIVE, "rust-loop", n)
    assert py is not None and rs is not None
    same = bool(py["equal"] and rs["equal"] and py["digest"] == rs["digest"])
    return Headline(
        n,
        float(py["median_s"]),
        float(rs["median_s"]),
        same,
        (int(py["reps"]), int(rs["reps"])),
        note,
    )


def headline_lines(h: Headline, native_label: str) -> list[str]:
    return [
        f"Generating Fib number {fmt_n(h.n)}",
        f"Python: {h.python_s:.5f} seconds",
        f"PyRS: {h.pyrs_s:.5f} seconds",
        f"fib-python and fib-pyrs gave same answer? {h.same}",
        f"  (the loop algorithm, as in the seed; {native_label}; median of {h.reps[0]} and"
        f" {h.reps[1]} repetitions after a warm-up; Rust is {fmt_ratio(h.python_s / h.pyrs_s)}"
        f" as fast{h.note})",
    ]


def progress_line(cell: Cell, label: str) -> str:
    """One measured cell, as printed while the benchmark runs."""
    head = f"[{cell['env']} {cell.get('index', '?'):>2}/{cell.get('total', '?')}]"
    what = f"{label:<16} n={fmt_n(cell['n']):<11}"
    if cell.get("status") == "error":
        return f"{head} {what} ERROR {cell.get('error')}"
    reps, number = cell["reps"], cell["number"]
    calls = f"{reps} rep{'s' if reps != 1 else ''}" + (f" x {number} calls" if number > 1 else "")
    same = "" if cell.get("equal") else "  DIFFERENT RESULT"
    return (
        f"{head} {what} median {fmt_time(cell['median_s']):>9}"
        f"  (min {fmt_time(cell['min_s'])}, max {fmt_time(cell['max_s'])}; {calls}){same}"
    )


# --- memory ---------------------------------------------------------------------------------


def memory_table(cells: Sequence[Cell]) -> list[str]:
    """Peak memory per (implementation, n): the rise above the baseline, the result's size and
    their ratio; size methods other than ``sys.getsizeof`` are named in a footnote mark."""
    rows: list[list[str]] = []
    notes: dict[str, str] = {}
    for c in cells:
        label = Results.label(c["impl"])
        if c.get("status") != "ok":
            rows.append([label, fmt_n(c["n"]), "ERROR", "", ""])
            continue
        mark = ""
        if c["size_method"] != "sys.getsizeof":
            mark = notes.setdefault(c["size_method"], "*" * (len(notes) + 1))
        upper = "" if c.get("peak_reset", True) else " (upper bound)"
        rows.append(
            [
                label,
                fmt_n(c["n"]),
                fmt_bytes(c["delta_bytes"]) + upper,
                fmt_bytes(c["result_bytes"]) + mark,
                fmt_ratio(c["ratio"]) if c.get("ratio") is not None else "",
            ]
        )
    table = render_table(["implementation", "n", "peak - baseline", "result", "ratio"], rows)
    return table + [f"{mark} result sized by {method}" for method, mark in notes.items()]


def memory_line(cell: Cell) -> str:
    """One memory cell, as printed while the benchmark runs."""
    what = f"[memory] {Results.label(cell['impl']):<16} n={fmt_n(cell['n']):<11}"
    if cell.get("status") != "ok":
        return f"{what} ERROR {cell.get('error')}"
    ratio = f" = {fmt_ratio(cell['ratio'])}" if cell.get("ratio") is not None else ""
    runs = cell["runs"]
    return (
        f"{what} peak - baseline {fmt_bytes(cell['delta_bytes'])}, result "
        f"{fmt_bytes(cell['result_bytes'])}{ratio} (median of {runs} process"
        f"{'es' if runs != 1 else ''})"
    )
