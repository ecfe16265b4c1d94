#!/usr/bin/env bash
# Builds the fib_pyrs wheel for one Pyodide runtime: checks/wheel-emscripten.sh VERSION
# (VERSION is a pyodide-<version> alias in web/package.json, e.g. 0.21.3 or 314.0.7).
#
# Everything version-specific comes from the runtime's own lock file (pyodide_runtimes.py):
# Python version, emscripten version or PEP 783 ABI (the wheel tag), and the exception-handling
# mode the side module must share with the runtime. The toolchain is the host's Rust 1.96 with
# -Zbuild-std (std rebuilt for the target and the exception mode) and emcc as the linker.
source "$(dirname "$0")/lib.sh"
version=${1:?usage: wheel-emscripten.sh PYODIDE_VERSION}
use_rust
use_python

rt() { python3 "$ROOT/checks/pyodide_runtimes.py" get "$version" "$1"; }
pyver=$(rt python_short)
py_tag=$(rt py_tag)
platform=$(rt wheel_platform)

# The linker: PRF_EMCC_<version> (the flake provides one emsdk per runtime), else EMCC, else the
# emcc on PATH (Debian's 3.1.6 on the host path: it only links the side module).
emcc_var="PRF_EMCC_$(rt emscripten | tr . _)"
export CARGO_TARGET_WASM32_UNKNOWN_EMSCRIPTEN_LINKER=${!emcc_var:-${EMCC:-emcc}}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR}-pyodide-$version"
export PYO3_CROSS=1 PYO3_CROSS_PYTHON_VERSION=$pyver PYO3_CROSS_PYTHON_IMPLEMENTATION=CPython
export RUSTC_BOOTSTRAP=1 # -Zbuild-std and -Zemscripten-wasm-eh on a stable compiler
unset MATURIN_PYEMSCRIPTEN_PLATFORM_VERSION PYODIDE_ABI_VERSION
export MATURIN_EMSCRIPTEN_VERSION=$(rt emscripten)
if [ "$(rt wasm_eh)" = true ]; then
  # Emscripten 4+ runtimes throw with WebAssembly exception handling (rustc 1.96's default).
  flags="-Zemscripten-wasm-eh"
  case $platform in pyemscripten_*) export MATURIN_PYEMSCRIPTEN_PLATFORM_VERSION=$(rt abi) ;; esac
else
  # Emscripten 3.x runtimes use JavaScript exceptions (invoke_*) and the 2022 feature baseline;
  # with wasm EH the module would import a __cpp_exception tag that 0.21.3 cannot provide.
  flags="-Zemscripten-wasm-eh=false -Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals,+sign-ext"
fi
# SIMD128 for both runtimes: with fib-bigmul's SIMD128 transform kernels F(10^6) takes 3.5-3.7 ms
# in Pyodide under Node 20 instead of 9.4-9.7 ms. WebAssembly cannot detect features at run
# time, so the wheel needs a SIMD-capable engine: every current browser and Node >= 16.4 are.
flags="$flags -Ctarget-feature=+simd128"
# Registry sources are absolute paths in panic locations; map them to a fixed prefix so the
# wheel does not depend on where CARGO_HOME is.
export RUSTFLAGS="$flags --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log "fib_pyrs for Pyodide $version: $py_tag-$platform (RUSTFLAGS=$RUSTFLAGS)"
# panic=unwind (the profile's) with panic_unwind in build-std: a Rust panic becomes
# pyo3_runtime.PanicException instead of aborting the whole runtime.
(cd "$ROOT/rust/fib-pyrs" &&
  "$PY" -m maturin build --release --locked --target wasm32-unknown-emscripten \
    --interpreter "python$pyver" -Zbuild-std=std,panic_unwind --out "$out" >&2)
wheel=$(ls "$out"/*.whl)
"$PY" "$ROOT/checks/wheel_tags.py" pyodide "$version" "$wheel"
size=$(stat -c %s "$wheel")
[ "$size" -le 102400 ] || die "$(basename "$wheel") is $size bytes, over the 100 KB budget"
rm -f "$DIST"/fib_pyrs-*-"$py_tag"-*"$platform".whl
mv "$wheel" "$DIST/"
log "built $DIST/$(basename "$wheel") ($size bytes)"
