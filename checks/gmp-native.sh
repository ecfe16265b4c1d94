#!/usr/bin/env bash
# The native benchmark against a GMP built for this CPU (not a test; a few minutes).
#   checks/gmp-native.sh [--cpu NAME] [fib-benchmark options]
# gmpy2's wheel bundles GMP as a "fat" binary, which picks its kernels by the CPU's family and
# model at run time, from a table: on a CPU missing from it, it runs the generic x86-64 kernels
# (GMP 6.3.0 on Intel family 6 model 207, for one). Its times there are not GMP's, and a ratio
# to them flatters fib_pyrs. Here GMP of the version the wheel bundles is built from Debian's
# source package for one CPU (GMP's own name, e.g. skylake, zen3, alderlake; default: what GMP's
# config.guess makes of this machine: for a model it does not know it guesses an old family,
# so name the nearest yourself), swapped into a copy of gmpy2, and the native benchmark runs
# with that copy (checks/benchmark.sh --no-pyodide; report in out/benchmark-gmp-native-NAME/,
# which names the libgmp the process loaded).
source "$(dirname "$0")/lib.sh"
use_python

cpu=""
if [ "${1:-}" = --cpu ]; then
  cpu=${2:?--cpu needs a name}
  shift 2
fi

gmp=$("$PY" -c 'import gmpy2; print(gmpy2.mp_version().split()[-1])') || die "no gmpy2 in $PY"
apt_need gcc make m4 xz-utils
dir="$PRF_CACHE/gmp-native"
mkdir -p "$dir"

# --- the source: Debian's package of the same GMP version, from this machine's mirrors ---------
src="$dir/gmp-$gmp"
if [ ! -e "$src/.complete" ]; then
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || die "no $sources: cannot tell which Debian mirror this machine uses"
  apt="$dir/apt"
  rm -rf "$apt" "$src"
  mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/download"
  found=""
  for suite in bookworm trixie sid; do
    # This machine's first mirror, source packages of one suite, in apt state of our own.
    awk -v suite="$suite" '/^URIs:/ { print "Types: deb-src\n" $0 "\nSuites: " suite "\nComponents: main"; exit }' \
      "$sources" >"$apt/sources/debian.sources"
    grep -m1 '^Signed-By:' "$sources" >>"$apt/sources/debian.sources" || true
    opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/sources" -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
      -o Acquire::Check-Valid-Until=false)
    apt-get "${opts[@]}" update -qq || continue
    version=$(apt-cache "${opts[@]}" showsrc gmp | awk '/^Version:/ { print $2 }' | grep "^2:$gmp\|^$gmp" | head -1 || true)
    [ -n "$version" ] || continue
    (cd "$dir/download" && apt-get "${opts[@]}" source --download-only -qq "gmp=$version") || continue
    found=$suite
    break
  done
  [ -n "$found" ] || die "no Debian source package of GMP $gmp in bookworm, trixie or sid"
  log "GMP $gmp: Debian's source package $version ($found)"
  mkdir -p "$src"
  tar -xf "$dir/download"/gmp_"${gmp}"*.orig.tar.xz -C "$src" --strip-components=1
  # Debian's tarball leaves out the manual; configure still lists its directory.
  [ -e "$src/doc/Makefile.in" ] || { mkdir -p "$src/doc" && printf 'all:\n\t@:\n.DEFAULT:\n\t@:\n' >"$src/doc/Makefile.in"; }
  touch "$src/.complete"
fi

[ -n "$cpu" ] || cpu=$("$src/config.guess" | cut -d- -f1)
case "$cpu" in *[!a-z0-9_]* | "") die "not a CPU name: $cpu" ;; esac
[ -d "$src/mpn/x86_64/$cpu" ] || [ "$(uname -m)" != x86_64 ] || warn "GMP has no mpn/x86_64/$cpu: configure decides what $cpu means"

# --- the library, built once per CPU name --------------------------------------------------------
inst="$dir/install-$cpu"
if [ ! -e "$inst/.complete" ]; then
  build="$dir/build-$cpu"
  rm -rf "$build" "$inst"
  mkdir -p "$build"
  log "building GMP $gmp for $cpu (a few minutes)"
  (cd "$build" && "$src/configure" --host="$cpu-pc-linux-gnu" --build="$cpu-pc-linux-gnu" \
    --enable-shared --disable-static --prefix="$inst" >configure.log && make -j"$(nproc)" >make.log && make install >install.log) ||
    die "GMP's build failed: see $build/*.log"
  touch "$inst/.complete"
fi
log "GMP $gmp for $cpu: $(cd "$dir/build-$cpu" 2>/dev/null && for k in mul_basecase sqr_basecase addmul_1; do printf '%s ' "$k=$(readlink mpn/$k.asm 2>/dev/null | sed 's,.*/mpn/,mpn/,' || echo C)"; done)"

# --- gmpy2 with it: a copy of the installed package, its bundled libgmp replaced ------------------
site="$dir/site-$cpu"
rm -rf "$site"
mkdir -p "$site"
pkg=$("$PY" -c 'import gmpy2, os; print(os.path.dirname(os.path.dirname(gmpy2.__file__)))')
cp -r "$pkg/gmpy2" "$site/"
[ -d "$pkg/gmpy2.libs" ] || die "gmpy2 in $pkg bundles no libraries (gmpy2.libs): it uses the system's GMP"
cp -r "$pkg/gmpy2.libs" "$site/"
shopt -s nullglob
bundled=("$site"/gmpy2.libs/libgmp-*.so.*)
shopt -u nullglob
[ ${#bundled[@]} = 1 ] || die "expected one libgmp in gmpy2.libs, found ${#bundled[@]}"
cp -L "$inst/lib/libgmp.so.10" "${bundled[0]}"

PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" \
  "$ROOT/checks/benchmark.sh" --no-pyodide --impl gmp,rust-doubling --no-memory \
  --out "${PRF_OUT:-$ROOT/out}/benchmark-gmp-native-$cpu" "$@"
