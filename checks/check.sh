#!/usr/bin/env bash
# Everything `make check` (and so CI) runs, stage by stage, with each stage's time.
source "$(dirname "$0")/lib.sh"
export PRF_TIMINGS=${PRF_TIMINGS:-$(mktemp)}
C="$ROOT/checks"
summary() {
  echo
  echo "stage timings:"
  awk -F'\t' '{ printf "  %-30s %5ss  %s\n", $1, $2, ($3 == 0 ? "ok" : "FAILED") }' "$PRF_TIMINGS"
}
trap summary EXIT

stage "setup" "$C/setup.sh" all
stage "rust" "$C/rust.sh"
stage "fuzz" "$C/fuzz.sh"
stage "wheel python" "$C/wheel-python.sh"
stage "wheel host" "$C/wheel-host.sh"
for v in $(pyodide_runtimes); do
  stage "wheel pyodide $v" "$C/wheel-emscripten.sh" "$v"
done
stage "pytest native" "$C/test-python.sh"
for v in $(pyodide_runtimes); do
  stage "pytest in pyodide $v" "$C/test-pyodide.sh" "$v"
done
stage "web server tests" "$C/test-web.sh"
stage "browser test" "$C/test-browser.sh"
stage "benchmark smoke" "$C/benchmark.sh" --smoke
stage "apps in a store layout" "$C/store-layout.sh"
stage "flake" "$C/flake.sh"
stage "flake evaluation" "$C/flake-eval.sh"
stage "reproducible wheels" "$C/reproducible.sh"
