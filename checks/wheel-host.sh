#!/usr/bin/env bash
# Builds the host wheels of fib_pyrs in release mode into dist/: one per CPython version that
# fib-pyrs's pyproject.toml names in its classifiers (3.10-3.14), for x86_64 Linux, in one
# maturin run; then checks that each platform tag is exactly the lowest manylinux policy the
# extension's symbols allow (auditwheel, wheel_tags.py).
#
# The wheels are linked by zig (`maturin build --zig`, zig from PyPI's ziglang in the locked
# tools, on both paths) against glibc 2.17's symbol versions,
# which zig ships: that is what lets them carry manylinux2014 (manylinux_2_17) although this
# machine's glibc is newer. No interpreter of these versions is needed: for a version it cannot
# find, maturin takes the interpreter's build configuration from the data it bundles.
source "$(dirname "$0")/lib.sh"
use_rust
use_python

versions=$("$PY" "$ROOT/checks/wheel_tags.py" pythons)
interpreters=()
for v in $versions; do interpreters+=(--interpreter "python$v"); done
export CARGO_ZIGBUILD_PYTHON_PATH="$PY" # zig is `python -m ziglang`, from the locked tools

rm -f "$DIST"/fib_pyrs-*-cp3*linux*.whl
(cd "$ROOT/rust/fib-pyrs" &&
  "$PY" -m maturin build --release --locked --zig --compatibility manylinux2014 \
    --auditwheel check "${interpreters[@]}" --out "$DIST" >&2)

wheels=()
for v in $versions; do
  tag=cp${v/./}
  found=("$DIST"/fib_pyrs-*-"$tag-$tag"-*linux*.whl)
  [ ${#found[@]} = 1 ] && [ -f "${found[0]}" ] ||
    die "expected one fib_pyrs wheel for CPython $v in $DIST, found: ${found[*]}"
  wheels+=("${found[0]}")
done
"$PY" "$ROOT/checks/wheel_tags.py" host "${wheels[@]}"
