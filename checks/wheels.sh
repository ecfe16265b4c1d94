#!/usr/bin/env bash
# Builds every wheel into dist/ (PRF_DIST): the pure wheels, the host wheels (one per CPython),
# one fib_pyrs wheel per Pyodide runtime, and fib_pyrs's sdist; then each runtime's standard
# library precompiled for the page (dist/runtime-files/, checks/pyodide-stdlib.sh). The runtimes
# are listed only after setup has installed Python and the npm packages, so this also works as
# the very first command on a fresh machine.
source "$(dirname "$0")/lib.sh"
C="$ROOT/checks"
"$C/setup.sh" rust python node emscripten
stage "wheel python" "$C/wheel-python.sh"
stage "wheels host" "$C/wheel-host.sh"
stage "sdist" "$C/sdist.sh"
for v in $(pyodide_runtimes); do
  stage "wheel pyodide $v" "$C/wheel-emscripten.sh" "$v"
done
stage "precompiled stdlib" "$C/pyodide-stdlib.sh"
