#!/usr/bin/env bash
# Checks the Nix flake as far as a machine without a Nix store, a binary cache or GitHub can:
#   - every .nix file parses (Debian's nix-bin: nix-instantiate --parse)
#   - the flake's `pins` output and its `inputs` evaluate (nix-instantiate --eval, no store: the
#     outputs function is called without nixpkgs, which `pins` does not touch)
#   - checks/flake_check.py: flake.lock complete and equal to flake.nix's inputs; the Pyodide
#     runtimes equal to web/package.json's and their metadata; web/package-lock.json usable by
#     the flake's npm fetches; the host wheels equal to python/requirements.lock and the files
#     pip downloads for x86_64 Linux CPython 3.11; the Pyodide test wheels equal to their locks;
#     every shared library the Python environment's ELF files need provided; std's committed
#     Cargo.lock equal to the installed rust-src's; no placeholder hash; only pinned URLs
#   - no formatting gate: nothing on these machines can run nixfmt (`nix fmt` formats)
#   - a self-test: copies of the tree with one defect each (a missing narHash, a wheel hash not
#     in the lock, a placeholder, ...) must fail, so none of the checks above can pass vacuously
# checks/flake-eval.sh evaluates every output to a derivation against stand-ins.
# Prints one line per check and "flake: N passed, N failed".
source "$(dirname "$0")/lib.sh"

[ "$PROVIDED" = 1 ] || apt_need nix-bin
use_python
use_rust
command -v nix-instantiate >/dev/null || die "nix-instantiate not found (Debian package nix-bin)"
# Parsing and evaluating need no store: the dummy store keeps Nix away from /nix/var and the daemon.
nixi() { nix-instantiate --store dummy:// "$@"; }
wheels=${PRF_PYODIDE_WHEELS:-$PRF_CACHE/pyodide-wheels}
host_wheels=$(python3 "$ROOT/checks/flake_check.py" host-wheels-dir)
python_prefix=$("$PY" -c 'import sys; print(sys.prefix)')
# std's Cargo.lock of the installed rust-src, when its Rust is the pinned one
rust_src=()
if [ "$("$RUSTC" -V | awk '{print $2}')" = "$RUST_VERSION" ]; then
  lock="$("$RUSTC" --print sysroot)/lib/rustlib/src/rust/library/Cargo.lock"
  [ -f "$lock" ] && rust_src=(--rust-src-lock "$lock")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { printf 'ok   %s\n' "$1"; passed=$((passed + 1)); }
fail() {
  printf 'FAIL %s\n' "$1"
  [ -s "$tmp/err" ] && sed 's/^/       /' "$tmp/err" | head -40
  failed=$((failed + 1))
}
check() { # check NAME CMD...: a check whose command's exit status decides
  local name=$1
  shift
  if "$@" >"$tmp/err" 2>&1; then ok "$name"; else fail "$name"; fi
}

# --- 1. parse every Nix file ---------------------------------------------------------------------
mapfile -t nix_files < <(cd "$ROOT" && find . \( -name node_modules -o -name target -o -name dist \
  -o -name '.?*' \) -prune -o -name '*.nix' -type f -print | sed 's|^\./||' | sort)
[ ${#nix_files[@]} -gt 0 ] || nix_files=(flake.nix)
for f in "${nix_files[@]}"; do
  check "nix-instantiate --parse $f" nixi --parse "$ROOT/$f"
done

# --- 2. evaluate what can be evaluated without nixpkgs -------------------------------------------
outputs="(import $ROOT/flake.nix).outputs { self = { }; nixpkgs = { }; rust-overlay = { }; }"
eval_json() { # eval_json NAME OUT EXPR: a check that EXPR evaluates; its JSON value goes to OUT
  if nixi --eval --strict --json -E "$3" >"$2" 2>"$tmp/err"; then ok "$1"; else fail "$1"; rm -f "$2"; fi
}
eval_json "flake.nix: the pins evaluate" "$tmp/pins.json" "($outputs).pins"
eval_json "flake.nix: the inputs evaluate" "$tmp/inputs.json" "(import $ROOT/flake.nix).inputs"
eval_json "flake.nix: the description is a string" "$tmp/description.json" \
  "let d = (import $ROOT/flake.nix).description; in assert builtins.isString d && d != \"\"; d"

# --- 3. the pins against the lock files and the installed npm packages ---------------------------
if [ -s "$tmp/pins.json" ] && [ -s "$tmp/inputs.json" ]; then
  python3 "$ROOT/checks/flake_check.py" check "$tmp/pins.json" "$tmp/inputs.json" \
    --wheels "$wheels" --host-wheels "$host_wheels" --python-prefix "$python_prefix" \
    "${rust_src[@]}" >"$tmp/report" 2>&1 || true
  grep -v '^counts ' "$tmp/report"
  if counts=$(grep '^counts ' "$tmp/report"); then
    read -r _ p f <<<"$counts"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    cp "$tmp/report" "$tmp/err"
    fail "checks/flake_check.py ran"
  fi
else
  : >"$tmp/err"
  fail "checks/flake_check.py ran (flake.nix did not evaluate)"
fi

# --- 4. self-test: every kind of defect must make this script fail -------------------------------
if [ "${PRF_FLAKE_SELF_TEST:-1}" = 1 ]; then
  tree="$tmp/tree"
  copy_tree() {
    rm -rf "$tree"
    mkdir -p "$tree/rust" "$tree/web"
    cp -r "$ROOT/flake.nix" "$ROOT/flake.lock" "$ROOT/checks" "$ROOT/python" "$tree/"
    cp "$ROOT/rust/Cargo.lock" "$tree/rust/"
    cp "$ROOT/web/package.json" "$ROOT/web/package-lock.json" "$tree/web/"
  }
  run_copy() {
    PRF_FLAKE_SELF_TEST=0 PRF_NODE_MODULES="$WEB_NODE_MODULES" PRF_PYODIDE_WHEELS="$wheels" \
      PRF_DIST="$tmp/dist" PRF_CACHE="$PRF_CACHE" bash "$tree/checks/flake.sh" >"$tmp/err" 2>&1
  }
  # mutate FILE PYTHON-EXPR: rewrites FILE (relative to the copy) as PYTHON-EXPR of its text `s`
  mutate() {
    python3 - "$tree/$1" "$2" <<'PY'
import re, sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(expr, {"re": re, "s": s})
if t == s:
    sys.exit(f"the mutation {expr} changed nothing in {path}")
open(path, "w").write(t)
PY
  }
  copy_tree
  check "self-test: an unmodified copy passes" run_copy
  # Each row: what | the check that must fail | file | the defect, as a Python expression of
  # the file's text s.
  while IFS='|' read -r what expect file expr; do
    copy_tree
    if ! mutate "$file" "$expr" >"$tmp/err" 2>&1; then
      fail "self-test: could not apply '$what'"
    elif run_copy; then
      : >"$tmp/err"
      fail "self-test: $what is detected"
    elif ! grep -q "^FAIL $expect" "$tmp/err"; then
      fail "self-test: $what is detected by '$expect'"
    else
      ok "self-test: $what is detected"
    fi
  done <<'EOF'
flake.nix does not parse|nix-instantiate --parse flake.nix|flake.nix|s + "{"
flake.lock node without narHash|flake.lock node|flake.lock|re.sub(r'\n\s*"narHash": "[^"]*",', '', s, count=1)
flake.lock root inputs differ from flake.nix|flake.lock root inputs|flake.lock|s.replace('"rust-overlay": "rust-overlay"', '"overlay": "rust-overlay"', 1)
flake.lock rev that is not a commit|flake.lock node|flake.lock|re.sub(r'"rev": "[0-9a-f]{40}"', '"rev": "main"', s, count=1)
a runtime's emscripten version that is not its own|Pyodide 0.21.3: python, emscripten|flake.nix|s.replace('emscripten = "3.1.14";', 'emscripten = "3.1.15";', 1)
a runtime web/package.json serves but flake.nix lacks|Pyodide runtimes = web/package.json|web/package.json|s.replace('"dependencies": {', '"dependencies": {\n    "pyodide-0.22.1": "npm:pyodide@0.22.1",', 1)
an npm package without its integrity|web/package-lock.json|web/package-lock.json|re.sub(r'\n\s*"integrity": "sha512-[^"]*",', '', s, count=1)
a placeholder hash|no placeholder hashes|flake.nix|re.sub(r'hash = "sha256-[^"]*";', 'hash = "sha256-' + 'A' * 43 + '=";', s, count=1)
nixpkgs fake-hash helper|no placeholder hashes|flake.nix|s.replace('rust = "1.96.0";', 'rust = "1.96.0";\n        fake = "lib.' + 'fakeHash";', 1)
a host wheel hash not in the lock|host wheels = python/requirements.lock|flake.nix|re.sub(r'("numpy-[^"]*\.whl" =\s*")([0-9a-f])', lambda m: m.group(1) + ("1" if m.group(2) == "0" else "0"), s, count=1)
a locked host requirement missing from flake.nix|host wheels = python/requirements.lock|flake.nix|re.sub(r'\n\s*"maturin-[^"]*\.whl" =\s*"[0-9a-f]{64}";', '', s, count=1)
a host wheel for another platform|host wheels = python/requirements.lock|flake.nix|s.replace('manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl', 'macosx_11_0_arm64.whl', 1)
a Pyodide test wheel hash not in the lock|Pyodide test wheels for Python 3.10|flake.nix|re.sub(r'("exceptiongroup-[^"]*\.whl" =\s*")([0-9a-f])', lambda m: m.group(1) + ("1" if m.group(2) == "0" else "0"), s, count=1)
a locked Pyodide test wheel missing from flake.nix|Pyodide test wheels for Python 3.10|flake.nix|s[:s.index('"3.10" = {')] + re.sub(r'\n\s*"pytest-[^"]*\.whl" =\s*"[0-9a-f]{64}";', '', s[s.index('"3.10" = {'):], count=1)
a system library the Python environment needs, not provided|the Python environment needs no library|flake.nix|re.sub(r'\n\s*"libz\.so\.1" = "zlib";', '', s, count=1)
std's Cargo.lock not the rust-src one|std's Cargo.lock|checks/nix/rust-src-1.96.0-library-Cargo.lock|s.replace('name = "libc"', 'name = "libc"\n# edited', 1)
a download URL that is not a pin|download URLs|flake.nix|s.replace('systems = [', 'extra = "https://example.invalid/x";\n      systems = [', 1)
a Rust version other than lib.sh's|Rust version|flake.nix|s.replace('rust = "1.96.0";', 'rust = "1.95.0";', 1)
a Cargo.lock package without checksum|rust/Cargo.lock|rust/Cargo.lock|re.sub(r'\nchecksum = "[0-9a-f]{64}"', '', s, count=1)
EOF
fi

echo "flake: $passed passed, $failed failed"
[ "$failed" = 0 ]
