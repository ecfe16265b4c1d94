"""``fib-benchmark``: the command line, and the run from start to files."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from fib_benchmark import __version__
from fib_benchmark.machine import (
    host_rustc,
    installed_extension_info,
    load_average,
    machine_info,
    node_version,
    wheel_info,
)
from fib_benchmark.measure import (
    REQUIRED,
    SPECS,
    Event,
    Plan,
    Session,
    SessionLike,
    discover,
    environment_info,
    run_sweep,
)
from fib_benchmark.memory import MEMORY_IMPLS, measure_memory
from fib_benchmark.memory import METHOD as MEMORY_METHOD
from fib_benchmark.memory import available as memory_unavailable
from fib_benchmark.pyodide_host import (
    REPLY_TIMEOUT_S,
    NodeSession,
    Runtime,
    SetupError,
    check_runtime,
    load_runtimes,
    wheels_for,
)
from fib_benchmark.report import (
    equality,
    fmt_elapsed,
    fmt_n,
    headline,
    headline_lines,
    memory_line,
    memory_table,
    progress_line,
    speedup_tables,
    speedups,
    time_table,
    verdict_lines,
)
from fib_benchmark.results import NATIVE, Environment, Results
from fib_benchmark.stats import Budget

SCHEMA = "py-rust-fib/benchmark/1"
DEFAULT_N = (10**3, 10**4, 10**5, 5 * 10**5, 10**6, 10**7)
SMOKE_N = (1, 100, 10_000)
HEADLINE_N = 500_000
DEFAULT_LOOP_MAX_N = 10**6
DEFAULT_PYODIDE_LOOP_MAX_N = 10**5
DEFAULT_MEMORY_N = (10**6, 10**7)
SMOKE_MEMORY_N = (10_000,)
DEFAULT_MEMORY_RUNS = 5

_POWER = re.compile(r"^(\d+)\s*(?:\*\*|\^)\s*(\d+)$")


def parse_n(text: str) -> int:
    """One n: 500000, 500_000, 5e5, 10**6 or 10^6."""
    text = text.strip()
    match = _POWER.match(text)
    if match:
        value = int(int(match.group(1)) ** int(match.group(2)))
    elif re.fullmatch(r"\d+(\.\d+)?[eE]\d+", text):
        number = float(text)
        if number != int(number):
            raise argparse.ArgumentTypeError(f"n must be an integer, got {text}")
        value = int(number)
    else:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"n must be >= 0, got {text}")
    return value


def parse_n_list(text: str) -> tuple[int, ...]:
    values = sorted({parse_n(part) for part in text.split(",") if part.strip()})
    if not values:
        raise argparse.ArgumentTypeError("no n given")
    return tuple(values)


def parse_impls(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in keys if k not in SPECS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown implementation(s) {unknown}; known: {list(SPECS)}"
        )
    return keys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fib-benchmark",
        description="Times F(n) with fib-python and fib-pyrs (the addition loop and fast "
        "doubling), natively and inside Pyodide under Node, with gmpy2 (GMP) as the reference; "
        "checks that all give the same answer; prints a table and writes results.json and a plot.",
    )
    p.add_argument(
        "--n",
        type=parse_n_list,
        metavar="LIST",
        help="comma-separated n values, e.g. 1e3,10**5,500_000 (default: "
        + ",".join(fmt_n(n) for n in DEFAULT_N)
        + f"; --smoke: {','.join(map(str, SMOKE_N))})",
    )
    p.add_argument(
        "--loop-max-n",
        type=parse_n,
        default=DEFAULT_LOOP_MAX_N,
        metavar="N",
        help="largest n for the O(n^2) loop natively (default: %(default)s)",
    )
    p.add_argument(
        "--pyodide-loop-max-n",
        type=parse_n,
        default=DEFAULT_PYODIDE_LOOP_MAX_N,
        metavar="N",
        help="largest n for the loop in Pyodide (default: %(default)s)",
    )
    p.add_argument(
        "--headline-n",
        type=parse_n,
        default=HEADLINE_N,
        metavar="N",
        help="n of the seed-style headline, Python loop vs Rust loop (default: %(default)s)",
    )
    p.add_argument(
        "--impl",
        type=parse_impls,
        metavar="LIST",
        help=f"only these implementations ({', '.join(SPECS)})",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="timed seconds to aim for per (implementation, n) (default: %(default)s)",
    )
    p.add_argument(
        "--warmup",
        type=float,
        default=0.2,
        metavar="SECONDS",
        help="warm-up per (implementation, n) before timing, at least one call: a JIT (V8 for"
        " Pyodide's WebAssembly) swaps in optimized code meanwhile (default: %(default)s)",
    )
    p.add_argument(
        "--min-reps", type=int, default=3, help="fewest repetitions (default: %(default)s)"
    )
    p.add_argument(
        "--max-reps", type=int, default=25, help="most repetitions (default: %(default)s)"
    )
    p.add_argument(
        "--memory-n",
        type=parse_n_list,
        metavar="LIST",
        help="n values of the peak-memory measurement (default: "
        + ",".join(fmt_n(n) for n in DEFAULT_MEMORY_N)
        + f"; --smoke: {','.join(map(str, SMOKE_MEMORY_N))})",
    )
    p.add_argument(
        "--memory-runs",
        type=int,
        metavar="COUNT",
        help="fresh processes per peak-memory measurement, the median is reported "
        f"(default: {DEFAULT_MEMORY_RUNS}; --smoke: 1)",
    )
    p.add_argument("--no-memory", action="store_true", help="do not measure peak memory")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="quick check: tiny n, one repetition, every implementation everywhere",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output directory (default: out/benchmark, --smoke: out/benchmark-smoke)",
    )
    p.add_argument("--no-plot", action="store_true", help="do not draw the plot")
    p.add_argument(
        "--dist",
        type=Path,
        default=Path("dist"),
        help="directory with the wheels for Pyodide (default: %(default)s)",
    )
    p.add_argument(
        "--pyodide-runtimes",
        type=Path,
        metavar="JSON",
        help="runtime descriptions (output of checks/pyodide_runtimes.py json); "
        "without it Pyodide is not measured",
    )
    p.add_argument(
        "--pyodide", metavar="VERSIONS", help="only these Pyodide versions (comma-separated)"
    )
    p.add_argument("--no-pyodide", action="store_true", help="measure natively only")
    p.add_argument("--node", default="node", help="Node executable (default: %(default)s)")
    p.add_argument(
        "--runner-timeout",
        type=float,
        default=REPLY_TIMEOUT_S,
        metavar="SECONDS",
        help="stop a Pyodide runner as hung when it takes longer than this to start or to answer "
        "one command (default: %(default)g; raise it for n far above 10^7)",
    )
    p.add_argument(
        "--expected-rustc",
        metavar="VERSION",
        help="warn loudly if the extension was built by another rustc (e.g. 1.96.0)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


class Progress:
    """Prints each measured cell as it completes; on a terminal, also what is running now."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.live = err.isatty()
        self.showing = False  # a "measuring ..." line is on the terminal

    def _clear(self) -> None:
        if self.showing:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self.showing = False

    def __call__(self, event: Event) -> None:
        kind = event.get("type")
        if kind == "start" and self.live:
            label = SPECS[event["impl"]].label
            self.err.write(
                f"\r\x1b[K  [{event['env']} {event['index']}/{event['total']}] "
                f"measuring {label} at n={fmt_n(event['n'])} ..."
            )
            self.err.flush()
            self.showing = True
        elif kind == "rounds" and self.live:
            self.err.write(
                f"\r\x1b[K  [{', '.join(event['envs'])}] timing every implementation at "
                f"n={fmt_n(event['n'])} in turns, {event['rounds']} rounds ..."
            )
            self.err.flush()
            self.showing = True
        elif kind == "runner":
            self.note(f"  Pyodide {event['pyodide']} loaded in {event['load_s']:.1f} s")
        elif kind == "cell" and event.get("status") in ("ok", "error"):
            self._clear()
            print(
                "  " + progress_line(event, SPECS[event["impl"]].label), file=self.out, flush=True
            )

    def note(self, text: str) -> None:
        self._clear()
        print(text, file=self.out, flush=True)


def _rustc_version_number(text: str | None) -> str | None:
    match = re.search(r"rustc (\d+\.\d+\.\d+)", text or "")
    return match.group(1) if match else None


def _describe_build(info: dict[str, Any]) -> str:
    rustc = info.get("rustc") or "rustc not recorded in the (stripped) module"
    generator = info.get("generator")
    return f"{rustc}" + (f", {generator}" if generator else "")


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    out = sys.stdout
    say = Progress(out, sys.stderr)
    smoke = bool(args.smoke)
    n_values = args.n or (SMOKE_N if smoke else DEFAULT_N)
    out_dir: Path = args.out or Path("out/benchmark-smoke" if smoke else "out/benchmark")
    budget = Budget(
        budget_s=args.budget,
        min_reps=args.min_reps,
        max_reps=args.max_reps,
        warmup_s=args.warmup,
    )
    memory_n = args.memory_n or (SMOKE_MEMORY_N if smoke else DEFAULT_MEMORY_N)
    memory_runs = (
        args.memory_runs if args.memory_runs is not None else (1 if smoke else DEFAULT_MEMORY_RUNS)
    )
    if memory_runs < 1:
        raise ValueError(f"--memory-runs must be at least 1, got {memory_runs}")
    warnings: list[str] = []
    summary: list[str] = []

    # --- what will run, checked before anything is measured ---------------------------------
    runtimes: list[Runtime] = []
    pyodide_note = ""
    if args.no_pyodide:
        pyodide_note = "Pyodide: not measured (--no-pyodide)"
    elif args.pyodide_runtimes is None:
        pyodide_note = "Pyodide: not measured (no --pyodide-runtimes given)"
    else:
        runtimes = load_runtimes(args.pyodide_runtimes)
        if args.pyodide:
            wanted = [v.strip() for v in args.pyodide.split(",") if v.strip()]
            unknown = sorted(set(wanted) - {r.version for r in runtimes})
            if unknown:
                raise SetupError(
                    f"unknown Pyodide version(s) {unknown}; known: {[r.version for r in runtimes]}"
                )
            runtimes = [r for r in runtimes if r.version in wanted]
    pyodide_wheels: dict[str, list[Path]] = {}
    for rt in runtimes:
        check_runtime(rt)
        pyodide_wheels[rt.version] = wheels_for(rt, args.dist)
    node_v = None
    if runtimes:
        node_v = node_version(args.node)
        if node_v is None:
            raise SetupError(f"cannot run Node ({args.node}): run `checks/setup.sh node`")

    native_impls = discover(args.impl)  # raises ImportError if fib_pyrs/fib_python are missing
    # Peak memory: the fast implementations that are here (gmpy2 is optional, as above).
    present = {i.spec.key for i in native_impls}
    memory_impls = [k for k in MEMORY_IMPLS if k in present]
    memory_note = ""
    if args.no_memory:
        memory_note = "not measured (--no-memory)"
    elif memory_unavailable():
        memory_note = f"not measured: {memory_unavailable()}"
    elif not memory_impls:
        memory_note = "not measured (none of its implementations chosen with --impl)"
    native_info = environment_info()
    ext = (
        installed_extension_info() if any(i.spec.module == "fib_pyrs" for i in native_impls) else {}
    )
    machine = machine_info()
    rustc_path, rustc_v = host_rustc()
    if ext:
        # Record the host wheel the extension came from, and say so if it is not the one in dist.
        tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
        host_wheels = sorted(args.dist.glob(f"fib_pyrs-*-{tag}-{tag}-*linux*.whl"))
        if len(host_wheels) == 1:
            ext["wheel"] = wheel_info(host_wheels[0])
            if ext["wheel"].get("extension_sha256") != ext["sha256"]:
                warnings.append(
                    f"the fib_pyrs imported from {ext['file']} is not the one in "
                    f"{host_wheels[0]}: the native numbers are not those of the wheel in dist"
                )

    # --- header ------------------------------------------------------------------------------
    mem = machine.get("memory_bytes")
    load = machine.get("load_average_start")
    packages = native_info["packages"]
    library = native_info.get("gmp_library")
    gmp = (
        f"gmpy2 {packages['gmpy2']} ({native_info.get('gmp')}"
        + (f", {library.replace(str(Path.home()), '~', 1)}" if library else "")
        + ")"
        if packages.get("gmpy2")
        else "gmpy2 not installed: no GMP reference column"
    )
    summary += [
        f"fib-benchmark {__version__}{' (smoke run)' if smoke else ''}: F(n) with fib-python and "
        "fib-pyrs, natively and in Pyodide, GMP as the reference",
        f"machine: {machine['cpu']}, {machine['logical_cpus']} logical CPUs "
        f"({machine['usable_cpus']} usable)"
        + (f", {mem / 2**30:.1f} GiB" if mem else "")
        + f", {machine['os']}"
        + (f", load average {load[0]} {load[1]} {load[2]}" if load else ""),
        f"native: CPython {native_info['python']}, fib-pyrs {packages.get('fib-pyrs')} "
        f"({_describe_build(ext)}), fib-python {packages.get('fib-python')}, {gmp}",
    ]
    pyodide_builds: dict[str, dict[str, Any]] = {}
    for rt in runtimes:
        pyodide_builds[rt.version] = {"wheels": [wheel_info(w) for w in pyodide_wheels[rt.version]]}
        pyrs = pyodide_builds[rt.version]["wheels"][0]
        summary.append(
            f"Pyodide {rt.version}: CPython {rt.python} under Node {node_v}, "
            f"{pyrs['file']} ({_describe_build(pyrs)})"
        )
    if pyodide_note:
        summary.append(pyodide_note)
    summary.append(
        f"host rustc: {rustc_v or 'not found'}" + (f" ({rustc_path})" if rustc_path else "")
    )
    if args.expected_rustc:
        builds = [("the native fib_pyrs", ext.get("rustc"))] + [
            (f"the Pyodide {v} fib_pyrs", b["wheels"][0].get("rustc"))
            for v, b in pyodide_builds.items()
        ]
        for what, rustc in builds:
            version = _rustc_version_number(rustc)
            if version and version != args.expected_rustc:
                warnings.append(
                    f"{what} was built by rustc {version}, not the pinned "
                    f"{args.expected_rustc}: these are not the flake's toolchain's numbers"
                )
        host_version = _rustc_version_number(rustc_v)
        if host_version and host_version != args.expected_rustc:
            warnings.append(
                f"the host rustc is {host_version}, not the pinned {args.expected_rustc} "
                "(Debian's archive may have moved on); builds without a recorded "
                "rustc version were made with it"
            )
    if load and machine.get("usable_cpus") and load[0] > 0.5 * machine["usable_cpus"]:
        warnings.append(
            f"the machine is busy (load average {load[0]} on {machine['usable_cpus']} "
            "CPUs): expect noisy numbers"
        )
    loops = f"natively up to n={fmt_n(args.loop_max_n)}"
    if runtimes:
        loops += f", in Pyodide up to n={fmt_n(args.pyodide_loop_max_n)}"
    summary += [
        f"n: {', '.join(fmt_n(n) for n in n_values)}",
        f"The loop is O(n^2) (the Python loop takes seconds at n=10^6), so it is measured {loops};"
        " above that the table shows '-' (--loop-max-n, --pyodide-loop-max-n).",
        "Method: "
        + (
            "smoke run, one warm-up call and one timed call per cell."
            if smoke
            else f"a warm-up of {budget.warmup_s:g} s per cell (at least one call), then "
            f"repetitions (at least {budget.min_reps}, "
            f"at most {budget.max_reps}, about {budget.budget_s:g} s in all) of calls batched to "
            f"at least {budget.min_rep_s * 1e3:g} ms, time.perf_counter, gc off; at each n the "
            "repetitions of every implementation in every environment (native, and each Pyodide "
            "in its Node process) are taken in turns, one of each per round, so a change of the "
            "machine's speed reaches them alike; median per call, min and max."
        ),
    ]
    summary.append(
        "Peak memory: "
        + (
            memory_note
            if memory_note
            else f"{', '.join(SPECS[k].label for k in memory_impls)} at n="
            f"{', '.join(fmt_n(n) for n in memory_n)}, natively, {memory_runs} run(s) each, "
            f"{MEMORY_METHOD}."
        )
    )
    for line in summary:
        say.note(line)
    for w in warnings:
        say.note(f"WARNING: {w}")

    # --- measuring -------------------------------------------------------------------------------
    results = Results()
    native = Environment(
        NATIVE,
        "native",
        f"native CPython {native_info['python']}",
        "native",
        args.loop_max_n,
        {"python": native_info["python"], "runtime": native_info, "fib_pyrs_extension": ext},
    )
    results.environments.append(native)
    plan = Plan(NATIVE, tuple(n_values), args.loop_max_n, budget, smoke, args.impl)
    sessions: list[SessionLike] = [Session(plan, native_impls)]
    say.note(f"\n{native.label}: {len(native_impls)} implementations")
    failures: list[str] = []
    nodes: list[tuple[NodeSession, Environment]] = []
    for rt in runtimes:
        env = Environment(
            rt.env,
            "pyodide",
            f"Pyodide {rt.version} (CPython {rt.python})",
            f"Pyodide {rt.version}",
            args.pyodide_loop_max_n,
            {
                "python": rt.python,
                "pyodide": rt.version,
                "node": node_v,
                **pyodide_builds[rt.version],
            },
        )
        results.environments.append(env)
        names = ", ".join(w.name for w in pyodide_wheels[rt.version])
        say.note(f"{env.label}: one Node process, {names}")
        impls = tuple(k for k in args.impl if k != "gmp") if args.impl else None
        rt_plan = Plan(rt.env, tuple(n_values), args.pyodide_loop_max_n, budget, smoke, impls)
        try:
            node = NodeSession(
                args.node, rt, pyodide_wheels[rt.version], rt_plan, say, args.runner_timeout
            )
        except RuntimeError as exc:
            failures.append(str(exc))
            say.note(f"ERROR: {exc}")
            continue
        nodes.append((node, env))
        sessions.append(node)
    if nodes:
        say.note("at each n, every environment's implementations are timed in turns")
    try:
        results.add(run_sweep(sessions, say))
    finally:
        for node, _ in nodes:
            node.close()
    for node, env in nodes:
        for e in node.events:
            if e["type"] == "runner":
                env.info["runner"] = {k: v for k, v in e.items() if k != "type"}
            elif e["type"] == "env":
                env.info["runtime"] = {k: v for k, v in e.items() if k != "type"}
        if node.failure:
            failures.append(node.failure)
            say.note(f"ERROR: {node.failure}")
    memory_cells: list[dict[str, Any]] = []
    if not memory_note:
        say.note(f"\npeak memory: {memory_runs} fresh process(es) per cell")
        memory_cells = measure_memory(
            memory_impls, memory_n, memory_runs, lambda c: say.note("  " + memory_line(c))
        )

    # --- report ----------------------------------------------------------------------------
    verdict = equality(results)
    rows = speedups(results)
    head = headline(results, args.headline_n)
    report: list[str] = [""]
    if head:
        report += headline_lines(head, native.label)
    else:
        report.append("(no headline: the native loops were not both measured at any n)")
    report += [
        "",
        "Median time per call ('-': the loop is not measured at this n; min and max: "
        "the lines above and results.json)",
        *time_table(results),
    ]
    if smoke:
        report += [
            "",
            "(speedups are left out of a smoke run: at tiny n they measure call overhead)",
        ]
    else:
        report += speedup_tables(rows, results.n_values)
    if memory_cells:
        report += [
            "",
            "Peak memory of one call above the process's baseline, natively (median of "
            f"{memory_runs} fresh process{'es' if memory_runs != 1 else ''}; ratio = peak - "
            "baseline / result)",
            *memory_table(memory_cells),
        ]
    else:
        report += ["", f"Peak memory: {memory_note}"]
    report += ["", *verdict_lines(verdict)]
    missing = _missing_implementations(results, args.impl)
    missing += [
        f"peak memory of {SPECS[c['impl']].label} at n={fmt_n(c['n'])}: {c['error']}"
        for c in memory_cells
        if c.get("status") != "ok"
    ]
    for m in missing:
        report.append(f"ERROR: {m}")
    for f in failures:
        report.append(f"ERROR: {f.splitlines()[0]}")
    for w in warnings:
        report.append(f"WARNING: {w}")
    elapsed = time.monotonic() - started
    machine["load_average_end"] = load_average()
    report.append(f"\nThe benchmark took {fmt_elapsed(elapsed)}.")
    for line in report:
        say.note(line)

    # --- files -----------------------------------------------------------------------------
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    document = {
        "schema": SCHEMA,
        "created": created,
        "mode": "smoke" if smoke else "full",
        "command": ["fib-benchmark", *sys.argv[1:]],
        "config": {
            "n_values": list(n_values),
            "loop_max_n": args.loop_max_n,
            "pyodide_loop_max_n": args.pyodide_loop_max_n,
            "headline_n": args.headline_n,
            "budget": dataclasses.asdict(budget),
            "smoke": smoke,
            "impls": list(args.impl) if args.impl else None,
            "timer": "time.perf_counter",
            "memory_n_values": list(memory_n),
            "memory_runs": memory_runs,
        },
        "machine": machine,
        "toolchain": {
            "host_rustc": rustc_v,
            "host_rustc_path": rustc_path,
            "expected_rustc": args.expected_rustc,
            "node": node_v,
        },
        "environments": [e.to_json() for e in results.environments],
        "headline": None
        if head is None
        else {
            "n": head.n,
            "python_loop_s": head.python_s,
            "rust_loop_s": head.pyrs_s,
            "same_answer": head.same,
        },
        "equality": {
            "all_equal": verdict.ok,
            "compared": verdict.compared,
            "problems": verdict.problems,
        },
        "speedups": [
            {"group": r.group, "label": r.label, "ratios": {str(n): v for n, v in r.ratios.items()}}
            for r in rows
        ],
        "cells": results.cells,
        "memory": {
            "measured": not memory_note,
            "note": memory_note or None,
            "method": f"{MEMORY_METHOD} (delta_bytes); result_bytes by size_method",
            "cells": [{k: v for k, v in c.items() if k != "type"} for c in memory_cells],
        },
        "errors": missing + failures,
        "warnings": warnings,
        "elapsed_s": elapsed,
    }
    json_path = out_dir / "results.json"
    json_path.write_text(json.dumps(document, indent=1) + "\n")
    (out_dir / "report.txt").write_text("\n".join(summary + report).lstrip("\n") + "\n")
    written = [json_path, out_dir / "report.txt"]
    if not args.no_plot:
        plots = [out_dir / "benchmark.png", out_dir / "benchmark.svg"]
        subtitle = (
            f"{machine['cpu']}, {machine['usable_cpus']} CPUs; "
            + "; ".join(e.label for e in results.environments)
            + (f"; Node {node_v}" if node_v else "")
            + f"; {created[:10]}"
        )
        from fib_benchmark.plot import write_plot

        write_plot(results, plots, subtitle)
        written += plots
    say.note("Wrote " + ", ".join(str(p) for p in written))
    return 0 if verdict.ok and not missing and not failures else 1


def _missing_implementations(results: Results, chosen: Sequence[str] | None) -> list[str]:
    """Every required (and chosen) implementation must have run in every environment."""
    required = [k for k in REQUIRED if chosen is None or k in chosen]
    problems = []
    for env in results.environments:
        present = set(results.impls(env.id))
        if not any(c["env"] == env.id for c in results.cells):
            continue  # the run failed as a whole, reported separately
        for key in required:
            if key not in present:
                problems.append(f"{env.label}: {SPECS[key].label} did not run")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (SetupError, ImportError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
