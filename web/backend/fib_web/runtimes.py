"""The Pyodide runtimes the app serves, as described by ``checks/pyodide_runtimes.py json``.

That script is the one place that knows what a runtime is (the ``pyodide-<version>`` npm aliases,
their Python version, ABI and wheel platform tag); the app reads its JSON, either from a file
(``FIB_WEB_RUNTIMES``) or by running it against ``FIB_WEB_NODE_MODULES``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fib_web.settings import Settings

#: The runtime's ES module entry point: Pyodide runs in a module Web Worker for every version
#: (314 refuses classic workers; 0.21.3's pyodide.mjs falls back to import() for its asm.js).
MODULE_ENTRY = "pyodide.mjs"
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]*")


@dataclass(frozen=True)
class Runtime:
    version: str
    python: str
    py_tag: str
    wheel_platform: str
    dir: Path

    @property
    def url(self) -> str:
        return f"/pyodide/{self.version}/"

    @property
    def problem(self) -> str | None:
        """Why the page cannot start this runtime, or None."""
        if not (self.dir / MODULE_ENTRY).is_file():
            return f"{self.dir / MODULE_ENTRY} is missing (run checks/setup.sh node)"
        return None

    @classmethod
    def from_description(cls, item: dict[str, Any]) -> Runtime:
        try:
            runtime = cls(
                version=str(item["version"]),
                python=str(item["python"]),
                py_tag=str(item["py_tag"]),
                wheel_platform=str(item["wheel_platform"]),
                dir=Path(item["dir"]),
            )
        except KeyError as exc:
            raise ValueError(f"runtime description without {exc}: {item!r}") from None
        if not _VERSION.fullmatch(runtime.version):
            raise ValueError(f"unusable runtime version {runtime.version!r}")
        return runtime


def describe_runtimes(settings: Settings) -> list[dict[str, Any]]:
    """The JSON list that ``checks/pyodide_runtimes.py json`` prints, for these settings."""
    if settings.runtimes_file is not None:
        data = json.loads(settings.runtimes_file.read_text())
    else:
        env = {**os.environ, "PRF_NODE_MODULES": str(settings.node_modules)}
        done = subprocess.run(
            [sys.executable, str(settings.runtimes_script), "json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{settings.runtimes_script} json failed ({done.returncode}): "
                f"{done.stderr.strip() or done.stdout.strip()}"
            )
        data = json.loads(done.stdout)
    if isinstance(data, dict):  # `pyodide_runtimes.py json VERSION` describes one runtime
        data = [data]
    if not isinstance(data, list):
        raise ValueError("the runtime descriptions must be a JSON list")
    return data


def load_runtimes(settings: Settings) -> list[Runtime]:
    runtimes = [Runtime.from_description(item) for item in describe_runtimes(settings)]
    versions = [runtime.version for runtime in runtimes]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate runtime versions: {versions}")
    return runtimes


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sorts 0.21.3 before 314.0.7 (numerically, part by part)."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.split("."))
