#!/usr/bin/env bash
# Installs what the other checks need on a Debian 12 machine, idempotently (a second run takes
# seconds). Usage: checks/setup.sh [rust|python|node|pyodide-deps|emscripten|browser|nix|host-wheels|load|all]...
#        checks/setup.sh python3.X   Debian's CPython 3.X with venv (checks/test-pythons.sh)
source "$(dirname "$0")/lib.sh"

# The Debian packages a component needs on this machine (none where the tool is already there).
debian_packages() {
  case "$1" in
    # One Rust for native and wasm builds: Debian's rustc-web (with its std sources for build-std).
    rust) echo ca-certificates build-essential rustc-web cargo-web rust-web-src rust-web-llvm \
      rust-web-clippy rustfmt-web ;;
    python | pyodide-deps | host-wheels)
      if ! command -v python3 >/dev/null; then
        echo python3 python3-venv python3-dev
      else
        # Debian's python3 has no venv/ensurepip unless python3-venv is installed.
        python3 -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv
        # `cargo test` links fib-pyrs's unit tests against libpython; Debian ships the
        # library's link name (libpython3.X.so) only in python3-dev.
        python3 -c 'import os, sys, sysconfig as s
sys.exit(not os.path.exists(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("LDLIBRARY"))))' ||
          echo python3-dev
      fi
      ;;&
    node | pyodide-deps)
      command -v node >/dev/null || echo nodejs
      command -v npm >/dev/null || echo npm
      ;;
    # Debian's emcc (3.1.6) only links the side module; the wheel's ABI comes from the target
    # runtime's own metadata (see wheel-emscripten.sh).
    emscripten) debian_packages rust; echo emscripten ;;
    browser) echo chromium fonts-liberation ;;
    nix) echo nix-bin; debian_packages host-wheels ;;
    load) echo wrk ;;
    # Another CPython from the machine's Debian suite, for proving a host wheel in it.
    python3.[0-9]*) echo "$1" "$1-venv" ;;
  esac
}

setup_rust() {
  use_rust
  "$RUSTC" -V >&2
}

setup_python() {
  [ "$PROVIDED" = 1 ] && return 0
  local key venv
  key=$(sha256sum <"$ROOT/python/requirements.lock" | cut -c1-16)
  venv="$PRF_CACHE/venv-$key"
  if [ ! -e "$venv/.complete" ]; then
    log "creating the Python venv $venv from python/requirements.lock"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
      -r "$ROOT/python/requirements.lock"
    touch "$venv/.complete"
  fi
  ln -sfn "$venv" "$ROOT/.venv"
}

setup_node() {
  if [ "$PROVIDED" = 1 ]; then
    [ -d "$WEB_NODE_MODULES" ] || die "PRF_NODE_MODULES=$WEB_NODE_MODULES does not exist"
    return 0 # a read-only tree the provider assembled from the same pins
  fi
  # npm ci only when the lock changed since the last install into this tree.
  local want have=""
  want=$(sha256sum <"$ROOT/web/package-lock.json" | cut -c1-16)
  [ -f "$WEB_NODE_MODULES/.prf-lock" ] && have=$(cat "$WEB_NODE_MODULES/.prf-lock")
  if [ "$want" != "$have" ]; then
    log "npm ci (web/package-lock.json)"
    (cd "$ROOT/web" && npm ci --prefer-offline --no-audit --no-fund >&2)
    echo "$want" >"$WEB_NODE_MODULES/.prf-lock"
  fi
}

# The pure-Python wheels (pytest, hypothesis and their dependencies) that the Pyodide test run
# installs inside each runtime, fetched from PyPI against the hashed lock of the runtime's Python.
setup_pyodide_deps() {
  setup_node
  [ -n "${PRF_PYODIDE_WHEELS:-}" ] && return 0 # provided (the flake fetches them from the locks)
  local v pyver lock dir stamp
  for v in $(python3 "$ROOT/checks/pyodide_runtimes.py" versions); do
    pyver=$(python3 "$ROOT/checks/pyodide_runtimes.py" get "$v" python_short)
    lock="$ROOT/python/pyodide-py$pyver.lock"
    [ -f "$lock" ] || die "no $lock for Pyodide $v (make lock)"
    dir="$PRF_CACHE/pyodide-wheels/py$pyver"
    stamp="$dir/.complete-$(sha256sum <"$lock" | cut -c1-16)"
    if [ ! -e "$stamp" ]; then
      log "downloading Pyodide test dependencies for Python $pyver"
      rm -rf "$dir" && mkdir -p "$dir"
      use_python
      "$PY" -m pip download -q --disable-pip-version-check --require-hashes --no-deps \
        --only-binary=:all: --platform any --implementation py \
        --python-version "$(python3 "$ROOT/checks/pyodide_runtimes.py" get "$v" python)" \
        -d "$dir" -r "$lock"
      touch "$stamp"
    fi
  done
}

setup_emscripten() {
  setup_rust
  compgen -v PRF_EMCC_ >/dev/null || command -v "${EMCC:-emcc}" >/dev/null || die "emcc not found"
}

# The wheels python/requirements.lock installs on x86_64 Linux CPython 3.11, as files: the flake
# fetches exactly these (flake.nix hostWheels), and checks/flake.sh compares that table with them.
setup_host_wheels() {
  [ "$PROVIDED" = 1 ] && return 0
  setup_python
  use_python
  local dir platforms=() m
  dir="$PRF_CACHE/host-wheels/$(sha256sum <"$ROOT/python/requirements.lock" | cut -c1-16)"
  [ -e "$dir/.complete" ] && return 0
  log "downloading the wheels of python/requirements.lock for the flake (x86_64 Linux, CPython 3.11)"
  # pip takes --platform literally: every manylinux level glibc 2.36 (Debian 12) accepts, newest
  # first, as pip on the host orders them.
  for m in $(seq 36 -1 5); do
    platforms+=(--platform "manylinux_2_${m}_x86_64")
    case $m in 17) platforms+=(--platform manylinux2014_x86_64) ;; 12) platforms+=(--platform manylinux2010_x86_64) ;; 5) platforms+=(--platform manylinux1_x86_64) ;; esac
  done
  rm -rf "$dir" && mkdir -p "$dir"
  "$PY" -m pip download -q --disable-pip-version-check --require-hashes --no-deps \
    --only-binary=:all: "${platforms[@]}" --python-version 3.11 --implementation cp \
    --abi cp311 --abi abi3 --abi none -d "$dir" -r "$ROOT/python/requirements.lock"
  touch "$dir/.complete"
}

[ $# -gt 0 ] || set -- all
components=()
for component in "$@"; do
  case "$component" in
    all) components+=(rust python node pyodide-deps emscripten browser nix) ;;
    rust | python | node | pyodide-deps | emscripten | browser | nix | host-wheels | load | python3.[0-9]*)
      components+=("$component") ;;
    *) die "unknown component $component" ;;
  esac
done
# One apt transaction for everything the components need; a second run installs nothing.
if [ "$PROVIDED" != 1 ]; then
  # shellcheck disable=SC2046 # one package name per word
  apt_need $(for component in "${components[@]}"; do debian_packages "$component"; done | sort -u)
fi
for component in "${components[@]}"; do
  case "$component" in
    rust) setup_rust ;;
    python) setup_python ;;
    node) setup_node ;;
    pyodide-deps) setup_python; setup_pyodide_deps ;;
    emscripten) setup_emscripten ;;
    nix | host-wheels) setup_host_wheels ;;
    browser | load | python3.[0-9]*) ;; # Debian packages only
  esac
done
