#!/usr/bin/env bash
# The source distribution of fib_pyrs into dist/ (`maturin sdist`): the fib-pyrs crate with the
# workspace's Cargo.toml and Cargo.lock and the path crates it builds on (fib-rust, fib-bigmul),
# so that a plain `pip install fib_pyrs-<version>.tar.gz` builds the extension from source with
# the locked dependencies wherever a Rust compiler is (checks/test-sdist.sh proves it).
source "$(dirname "$0")/lib.sh"
use_rust
use_python
rm -f "$DIST"/fib_pyrs-*.tar.gz
(cd "$ROOT/rust/fib-pyrs" && "$PY" -m maturin sdist --out "$DIST" >&2)
ls "$DIST"/fib_pyrs-*.tar.gz
