"""``python -m fib_web``: serve on FIB_WEB_HOST:FIB_WEB_PORT (default 127.0.0.1:8000).

``python -m fib_web --manifest`` prints what the page would install for each runtime and exits
(non-zero if no runtime can start).
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from fib_web.manifest import Digests, build_manifest
from fib_web.runtimes import load_runtimes
from fib_web.settings import Settings


def print_manifest(settings: Settings) -> int:
    manifest = build_manifest(
        load_runtimes(settings),
        settings.dist_dir,
        settings.runtime_files,
        Digests(),
        settings.default_runtime,
    )
    for runtime in manifest["runtimes"]:
        mark = "ready" if runtime["ready"] else "NOT READY"
        print(f"Pyodide {runtime['version']} (Python {runtime['python']}): {mark}")
        for wheel in runtime["wheels"]:
            print(f"  {wheel['filename']}")
        for name in runtime["missing"]:
            print(f"  no {name} wheel for {runtime['py_tag']}/{runtime['wheel_platform']} in dist/")
        stdlib = runtime["stdlib"]
        if stdlib:
            print(f"  {stdlib['url']} (precompiled standard library, {stdlib['install']})")
        else:
            print("  no precompiled standard library (make wheels): Python compiles it at start")
        for problem in runtime["problems"]:
            print(f"  {problem}")
    print(f"default runtime: {manifest['default_runtime']}")
    return 0 if any(runtime["ready"] for runtime in manifest["runtimes"]) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fib_web", description=__doc__)
    parser.add_argument("--manifest", action="store_true", help="print the manifest and exit")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.manifest:
        return print_manifest(settings)
    uvicorn.run(
        "fib_web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
