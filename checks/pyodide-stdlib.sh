#!/usr/bin/env bash
# The standard library of every Pyodide runtime (or of those named), compiled to bytecode ahead of
# time, so that the page's Python does not compile it from source at every start:
#   dist/runtime-files/pyodide-<version>/python_stdlib.zip          (314: replaces its zip)
#   dist/runtime-files/pyodide-<version>/python_stdlib_pycache.zip  (0.21: its __pycache__ files)
# compiled by the runtime's own interpreter under Node (checks/pyodide_stdlib.mjs and .py), with
# reproducible bytes (sorted entries, SOURCE_DATE_EPOCH's timestamps, PYTHONHASHSEED=0), then
# checked: the runtime, started with the file installed the way the page installs it, imports its
# standard library from the bytecode and compiles none of it (and the same check fails without
# the file). A file whose inputs (runtime, scripts, SOURCE_DATE_EPOCH) have not changed is kept.
# Usage: checks/pyodide-stdlib.sh [VERSION...]; run by checks/wheels.sh and the flake.
source "$(dirname "$0")/lib.sh"
use_python
command -v node >/dev/null || die "no node: run checks/setup.sh node"
[ $# -gt 0 ] || set -- $(pyodide_runtimes)
out_root="$DIST/runtime-files"
tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

for version in "$@"; do
  runtime="$WEB_NODE_MODULES/pyodide-$version"
  [ -f "$runtime/pyodide.mjs" ] || die "no Pyodide $version in $WEB_NODE_MODULES: run checks/setup.sh node"
  out="$out_root/pyodide-$version"
  # What the file is made of: the runtime's standard library and loader, the scripts, the time.
  inputs=$(
    cd "$runtime" && sha256sum pyodide.mjs pyodide.asm.* python_stdlib.zip pyodide_py.tar 2>/dev/null
    cd "$ROOT" && sha256sum checks/pyodide_stdlib.mjs checks/pyodide_stdlib.py web/static/precompiled-stdlib.mjs
    echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
  )
  stamp=$(sha256sum <<<"$inputs" | cut -c1-64)
  if [ -f "$out/.inputs" ] && [ "$(cat "$out/.inputs")" = "$stamp" ] && compgen -G "$out/python_stdlib*.zip" >/dev/null; then
    log "Pyodide $version: precompiled standard library up to date ($(cd "$out" && ls python_stdlib*.zip))"
    continue
  fi
  rm -rf "$out"
  tmp=$(mktemp -d)
  file=$(node "$ROOT/checks/pyodide_stdlib.mjs" build "$runtime" "$tmp") ||
    die "Pyodide $version: compiling the standard library failed"
  log "Pyodide $version: $file, $(stat -c %s "$tmp/$file") bytes, $("$PY" -c 'import sys, zipfile; print(sum(n.endswith(".pyc") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$tmp/$file") .pyc files"
  node "$ROOT/checks/pyodide_stdlib.mjs" verify "$runtime" "$tmp/$file" >"$tmp/verify.log" 2>&1 || {
    cut -c1-300 "$tmp/verify.log" | grep -v '^\s*at \|^var ' | tail -20 >&2
    die "Pyodide $version: the runtime does not start from the precompiled standard library"
  }
  log "Pyodide $version: $(tail -1 "$tmp/verify.log")"
  # The check is not vacuous: without the compiled files (the runtime's own zip, or an empty
  # one) it fails.
  mkdir -p "$tmp/control"
  if [ "$file" = python_stdlib.zip ]; then
    cp "$runtime/python_stdlib.zip" "$tmp/control/$file"
  else
    "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").close()' "$tmp/control/$file"
  fi
  if node "$ROOT/checks/pyodide_stdlib.mjs" verify "$runtime" "$tmp/control/$file" >"$tmp/control.log" 2>&1; then
    die "Pyodide $version: the check passes without the precompiled standard library"
  fi
  mkdir -p "$out"
  mv "$tmp/$file" "$out/$file"
  echo "$stamp" >"$out/.inputs"
  rm -rf "$tmp"
  tmp=""
done
