#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors) and tests, including doc examples.
source "$(dirname "$0")/lib.sh"
use_rust
use_python
export PYO3_PYTHON="$PY" # what pyo3's build script inspects (clippy builds fib-pyrs too)
cd "$ROOT/rust"
stage "cargo fmt --check" cargo fmt --all --check
stage "cargo clippy" cargo clippy --locked --workspace --all-targets -- -D warnings
# fib-pyrs is a cdylib for Python: its behaviour is tested from Python (test-python.sh); here
# only its Rust-level unit tests (the allocator).
stage "cargo test" cargo test --locked -p fib-rust -p fib-bigmul -p fib-pyrs
