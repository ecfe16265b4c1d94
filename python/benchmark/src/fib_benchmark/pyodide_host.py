"""The host side of the in-Pyodide measurements: one Node process per runtime, which the host
drives command by command (:class:`NodeSession`), JSON lines both ways."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fib_benchmark.measure import Event, Plan, RemoteError

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


#: Seconds the runner may take to become ready or to answer one command before it is stopped
#: as hung. The longest answers are seconds (loading a runtime; a warm-up at the largest n, e.g.
#: Python's doubling of F(10^7) takes about 2 s a call in Pyodide); a hung runtime never answers.
REPLY_TIMEOUT_S = 600.0


class NodeSession:
    """A :class:`fib_benchmark.measure.Session` inside Pyodide under Node, as the sweep sees it.

    Started, the runner loads the runtime and the wheels and reports ("runner", "env" events,
    passed to ``on_event`` and kept in ``events``) until it is ready; then each
    :meth:`prepare` and :meth:`time` is one command line to its stdin and one reply line from
    its stdout. An error in the implementation comes back as that call's exception; if the
    process is gone, or sends nothing it waits for within ``reply_timeout`` seconds (it is then
    killed), every call raises, and ``failure`` says why.
    """

    def __init__(
        self,
        node: str,
        runtime: Runtime,
        wheels: Sequence[Path],
        plan: Plan,
        on_event: Callable[[Event], None],
        reply_timeout: float = REPLY_TIMEOUT_S,
    ) -> None:
        self.runtime = runtime
        self.reply_timeout = reply_timeout
        self._timed_out = threading.Event()
        self.plan = plan
        self.events: list[Event] = []
        self.failure: str | None = None
        self._on_event = on_event
        self._tmp = tempfile.TemporaryDirectory(prefix="fib-benchmark-")
        config_path = Path(self._tmp.name) / "config.json"
        config_path.write_text(
            json.dumps(
                {
                    "pyodide_dir": str(runtime.dir),
                    "wheels": [str(w) for w in wheels],
                    "package_dir": str(PACKAGE_DIR),
                    "plan": plan.to_json(),
                }
            )
        )
        # cwd in a scratch dir: nothing the runtime might write lands in the repository.
        self._proc = subprocess.Popen(
            [node, str(RUNNER), str(config_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            cwd=self._tmp.name,
        )
        assert self._proc.stderr is not None
        err_stream = self._proc.stderr
        self._err_lines: list[str] = []
        self._reader = threading.Thread(
            target=lambda: self._err_lines.extend(err_stream), daemon=True
        )
        self._reader.start()
        try:
            ready = self._next("ready")
        except RuntimeError:
            self._tmp.cleanup()
            raise RuntimeError(self.failure) from None  # the whole story, stderr's tail too
        self.keys: list[str] = [str(k) for k in ready["impls"]]

    def _lost(self, why: str) -> RuntimeError:
        if self.failure is None:
            code = self._proc.poll()
            if code is None:
                self._proc.kill()
                code = self._proc.wait()
            self._reader.join(timeout=5)
            tail = "\n".join("".join(self._err_lines).strip().splitlines()[-25:])
            self.failure = (
                f"the Pyodide {self.runtime.version} run failed ({why}, exit {code}):\n{tail}"
            )
        return RuntimeError(self.failure.splitlines()[0])

    def _next(self, kind: str) -> Event:
        """Reads stdout up to the next event of this kind; other events go to ``on_event``.
        A runner that sends none within ``reply_timeout`` seconds is killed (its stdout ends)."""
        if self.failure is not None:
            raise RuntimeError(self.failure.splitlines()[0])
        assert self._proc.stdout is not None
        watchdog = threading.Timer(self.reply_timeout, self._stop_hung)
        watchdog.daemon = True
        watchdog.start()
        try:
            for line in self._proc.stdout:
                event = parse_line(line)
                if event is None:
                    if line.strip():
                        print(f"  [{self.runtime.env}] {line.rstrip()}", file=sys.stderr)
                    continue
                if event["type"] == kind:
                    return event
                self.events.append(event)
                self._on_event(event)
        finally:
            watchdog.cancel()
        if self._timed_out.is_set():
            raise self._lost(f"no {kind!r} line within {self.reply_timeout:g} s: stopped as hung")
        raise self._lost(f"no {kind!r} line: the runner ended")

    def _stop_hung(self) -> None:
        self._timed_out.set()
        with contextlib.suppress(OSError):
            self._proc.kill()

    def _call(self, command: Event) -> Any:
        if self.failure is not None:
            raise RuntimeError(self.failure.splitlines()[0])
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(command) + "\n")
            self._proc.stdin.flush()
        except OSError as exc:
            raise self._lost(f"could not send a command: {exc}") from exc
        reply = self._next("reply")
        if not reply["ok"]:
            raise RemoteError(reply["error"])
        return reply["result"]

    def prepare(self, key: str, n: int) -> Event:
        result: Event = self._call({"op": "prepare", "impl": key, "n": n})
        return result

    def time(self, key: str, n: int, number: int) -> float:
        return float(self._call({"op": "time", "impl": key, "n": n, "number": number}))

    def end(self) -> None:
        self._call({"op": "end"})

    def close(self) -> None:
        """Ends the runner (stdin closed: it exits) and removes its scratch directory."""
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            code = self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        if code != 0 and self.failure is None:
            self._lost("at its end")
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._reader.join(timeout=5)
        self._tmp.cleanup()
