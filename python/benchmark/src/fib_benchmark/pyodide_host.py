"""The host side of the in-Pyodide measurements: one Node process per runtime, JSON back."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fib_benchmark.measure import Event, Plan

PACKAGE_DIR = Path(__file__).resolve().parent
RUNNER = PACKAGE_DIR / "pyodide" / "run.mjs"


class SetupError(Exception):
    """Something the benchmark needs is missing (a wheel, a runtime, Node)."""


@dataclass(frozen=True)
class Runtime:
    """A Pyodide runtime, as ``checks/pyodide_runtimes.py json`` describes it."""

    version: str
    dir: Path
    python: str
    py_tag: str
    wheel_platform: str

    @property
    def env(self) -> str:
        return f"pyodide-{self.version}"

    @classmethod
    def from_description(cls, d: dict[str, Any]) -> Runtime:
        return cls(
            version=str(d["version"]),
            dir=Path(d["dir"]),
            python=str(d["python"]),
            py_tag=str(d["py_tag"]),
            wheel_platform=str(d["wheel_platform"]),
        )


def load_runtimes(path: Path) -> list[Runtime]:
    raw = json.loads(path.read_text())
    if isinstance(raw, dict):
        raw = [raw]
    return [Runtime.from_description(d) for d in raw]


def _one(dist: Path, pattern: str, what: str) -> Path:
    found = sorted(dist.glob(pattern))
    if not found:
        raise SetupError(f"no {what} ({pattern}) in {dist}: run `make wheels` first")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise SetupError(f"more than one {what} in {dist} ({names}): remove the stale ones")
    return found[0]


def wheels_for(runtime: Runtime, dist: Path) -> list[Path]:
    """The fib_pyrs wheel built for this runtime and the pure fib_python wheel."""
    pyrs = _one(
        dist,
        f"fib_pyrs-*-{runtime.py_tag}-{runtime.py_tag}-{runtime.wheel_platform}.whl",
        f"fib_pyrs wheel for Pyodide {runtime.version}",
    )
    pure = _one(dist, "fib_python-*-py3-none-any.whl", "fib_python wheel")
    return [pyrs, pure]


def check_runtime(runtime: Runtime) -> None:
    if not (runtime.dir / "pyodide.js").exists():
        raise SetupError(
            f"Pyodide {runtime.version} is not installed in {runtime.dir}: "
            "run `checks/setup.sh node`"
        )


def parse_line(line: str) -> Event | None:
    """One line of the runner's stdout: a JSON event, or None for anything else."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) and "type" in event else None


def run_runtime(
    node: str,
    runtime: Runtime,
    wheels: Sequence[Path],
    plan: Plan,
    on_event: Callable[[Event], None],
) -> list[Event]:
    """Runs the plan in one Pyodide runtime; every event goes to ``on_event`` as it arrives."""
    config = {
        "pyodide_dir": str(runtime.dir),
        "wheels": [str(w) for w in wheels],
        "package_dir": str(PACKAGE_DIR),
        "plan": plan.to_json(),
    }
    events: list[Event] = []
    with tempfile.TemporaryDirectory(prefix="fib-benchmark-") as tmp:
        config_path = Path(tmp) / "config.json"
        config_path.write_text(json.dumps(config))
        # cwd in a scratch dir: nothing the runtime might write lands in the repository.
        with subprocess.Popen(
            [node, str(RUNNER), str(config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            err_stream = proc.stderr
            err_lines: list[str] = []
            reader = threading.Thread(target=lambda: err_lines.extend(err_stream), daemon=True)
            reader.start()
            for line in proc.stdout:
                event = parse_line(line)
                if event is None:
                    if line.strip():
                        print(f"  [{runtime.env}] {line.rstrip()}", file=sys.stderr)
                    continue
                events.append(event)
                on_event(event)
            code = proc.wait()
            reader.join()
    stderr = "".join(err_lines)
    done = any(e["type"] == "done" for e in events)
    if code != 0 or not done:
        tail = "\n".join(stderr.strip().splitlines()[-25:])
        raise RuntimeError(f"the Pyodide {runtime.version} run failed (exit {code}):\n{tail}")
    return events
