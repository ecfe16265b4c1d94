#!/usr/bin/env bash
# Fuzzes fib-bigmul's multiplication and squaring against num-bigint for a bounded time:
#   checks/fuzz.sh [SECONDS]        (default $PRF_FUZZ_SECONDS or 60)
#
# cargo-fuzz (libFuzzer) is installed into the cache at a pinned version if missing. It passes
# nightly-only flags to rustc, so RUSTC_BOOTSTRAP=1 lets Debian's stable rustc accept them.
# Debian's rustc ships no sanitizer runtimes, so the target runs with `--sanitizer none`: the
# fuzzer finds wrong products (every run compares with num-bigint) and panics, including
# debug assertions and overflow checks (-a), not memory errors (the crate's unsafe code is SIMD
# loads/stores on bounds-checked slices, the row kernel's assembly on bounds-checked slices and
# one zeroed allocation). Each input runs with the portable kernels and with the fastest ones
# (fib-bigmul's `testing` feature).
source "$(dirname "$0")/lib.sh"
use_rust
seconds=${1:-${PRF_FUZZ_SECONDS:-60}}
CARGO_FUZZ_VERSION=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
  fuzz_root="$PRF_CACHE/cargo-fuzz-$CARGO_FUZZ_VERSION"
  if [ ! -x "$fuzz_root/bin/cargo-fuzz" ]; then
    [ "$PROVIDED" = 1 ] && die "cargo-fuzz $CARGO_FUZZ_VERSION is not on PATH (PRF_PROVIDED_TOOLS=1 installs nothing)"
    apt_need g++ # libFuzzer itself is C++, compiled by libfuzzer-sys
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION into $fuzz_root"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$fuzz_root" >&2
  fi
  export PATH="$fuzz_root/bin:$PATH"
fi

export RUSTC_BOOTSTRAP=1
work="$PRF_CACHE/fuzz"
corpus="$work/corpus/mul"
artifacts="$work/artifacts/mul"
mkdir -p "$corpus" "$artifacts"
log "cargo fuzz run mul for ${seconds}s (sanitizer: none; Debian's rustc has no ASan runtime)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$ROOT/rust/fib-bigmul"
rc=0
cargo fuzz run mul --sanitizer none --debug-assertions --target-dir "$PRF_CACHE/target-fuzz" \
  "$corpus" -- -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=4096 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 | tee "$out" >&2 || rc=$?
if [ "$rc" != 0 ]; then
  die "fuzzing found a failure (exit $rc); the input is in $artifacts/ — reproduce with: cd rust/fib-bigmul && RUSTC_BOOTSTRAP=1 cargo fuzz run mul --sanitizer none --debug-assertions <file>"
fi
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$out" | tail -1)
echo "fuzz: fib-bigmul mul/sqr vs num-bigint passed: ${runs:-?} (sanitizer none), corpus $(ls "$corpus" | wc -l) inputs"
