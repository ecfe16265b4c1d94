#!/usr/bin/env bash
# Everything `make check` (and so CI) runs, stage by stage, with each stage's time.
source "$(dirname "$0")/lib.sh"
export PRF_TIMINGS=${PRF_TIMINGS:-$(mktemp)}
C="$ROOT/checks"
# The table is printed and kept in out/check/ (fresh-check.sh reports it).
summary() {
  local out=${PRF_OUT:-$ROOT/out}/check
  mkdir -p "$out" 2>/dev/null || out=$(mktemp -d)
  awk -F'\t' '{ printf "  %-30s %5ss  %s\n", $1, $2, ($3 == 0 ? "ok" : "FAILED") }' "$PRF_TIMINGS" \
    >"$out/stage-timings.txt"
  printf '\nstage timings:\n' && cat "$out/stage-timings.txt"
}
trap summary EXIT

stage "setup" "$C/setup.sh" all
stage "rust" "$C/rust.sh"
stage "fuzz" "$C/fuzz.sh"
stage "wheels" "$C/wheels.sh"
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
