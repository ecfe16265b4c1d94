"""The one settings object of the web app, read from FIB_WEB_* environment variables.

Every path the app serves from comes from here, never from the working directory. The defaults
are the repository's own layout (this package lives in ``<repo>/web/backend/fib_web``), so
``uvicorn --factory fib_web.app:create_app`` works from any directory of a checkout; the checks/
scripts pass everything explicitly (``PRF_DIST`` and ``PRF_NODE_MODULES`` under Nix).

=========================  ============================================  ==========================
variable                   meaning                                       default
=========================  ============================================  ==========================
FIB_WEB_HOST               interface ``python -m fib_web`` listens on    127.0.0.1
FIB_WEB_PORT               its port                                      8000
FIB_WEB_STATIC             the page (index.html, app.js, worker.js, ...) <repo>/web/static
FIB_WEB_DIST               the wheels                                    <repo>/dist
FIB_WEB_RUNTIME_FILES      files built for the runtimes (pyodide-<v>/)   <dist>/runtime-files
FIB_WEB_NODE_MODULES       holds pyodide-<version>/ (npm aliases)        <repo>/web/node_modules
FIB_WEB_RUNTIMES           JSON from ``checks/pyodide_runtimes.py json``  run that script
FIB_WEB_DEFAULT_RUNTIME    runtime the page starts with                  the newest ready one
=========================  ============================================  ==========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PREFIX = "FIB_WEB_"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    static_dir: Path = REPO / "web" / "static"
    dist_dir: Path = REPO / "dist"
    node_modules: Path = REPO / "web" / "node_modules"
    #: Files built for each runtime, in ``pyodide-<version>/`` (checks/pyodide-stdlib.sh); None
    #: is ``<dist_dir>/runtime-files``, where that script puts them.
    runtime_files_dir: Path | None = None
    #: A file holding the output of ``checks/pyodide_runtimes.py json``; None runs the script.
    runtimes_file: Path | None = None
    runtimes_script: Path = REPO / "checks" / "pyodide_runtimes.py"
    default_runtime: str | None = None

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"{PREFIX}PORT must be between 1 and 65535, got {self.port}")
        if not self.host:
            raise ValueError(f"{PREFIX}HOST must not be empty")

    @property
    def runtime_files(self) -> Path:
        return self.runtime_files_dir or self.dist_dir / "runtime-files"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name, "").strip()
            return value or None

        def optional_path(name: str) -> Path | None:
            value = get(name)
            return Path(value).expanduser().absolute() if value else None

        def path(name: str, default: Path) -> Path:
            return optional_path(name) or default

        port = get("PORT")
        try:
            port_number = int(port) if port else cls.port
        except ValueError:
            raise ValueError(f"{PREFIX}PORT must be a port number, got {port!r}") from None
        return cls(
            host=get("HOST") or cls.host,
            port=port_number,
            static_dir=path("STATIC", cls.static_dir),
            dist_dir=path("DIST", cls.dist_dir),
            node_modules=path("NODE_MODULES", cls.node_modules),
            runtime_files_dir=optional_path("RUNTIME_FILES"),
            runtimes_file=optional_path("RUNTIMES"),
            default_runtime=get("DEFAULT_RUNTIME"),
        )
