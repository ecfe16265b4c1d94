#!/usr/bin/env bash
# Checks the Nix flake as far as a machine without a Nix store, a binary cache or GitHub can:
#   - every .nix file parses (Debian's nix-bin: nix-instantiate --parse)
#   - the flake's `pins` output and its `inputs` evaluate (nix-instantiate --eval, no store: the
#     outputs function is called without nixpkgs, which `pins` does not touch)
#   - checks/flake_check.py: flake.lock complete and equal to flake.nix's inputs; the Pyodide
#     runtimes and their file hashes equal to web/package.json's runtimes and the npm files the
#     host path installed; the Pyodide test wheels equal to python/pyodide-py<X.Y>.lock and the
#     downloaded wheels; no placeholder hash; only pinned download URLs
#   - nixfmt --check (required under Nix, where checks.<system>.flake runs this script; Debian
#     has no nixfmt package, so on the host path it is reported as not run)
#   - a self-test: copies of the tree with one defect each (a missing narHash, a wrong file
#     hash, a placeholder, ...) must fail, so none of the checks above can pass vacuously
# Prints one line per check and "flake: N passed, N failed".
source "$(dirname "$0")/lib.sh"

[ "$PROVIDED" = 1 ] || apt_need nix-bin
command -v nix-instantiate >/dev/null || die "nix-instantiate not found (Debian package nix-bin)"
# Parsing and evaluating need no store: the dummy store keeps Nix away from /nix/var and the daemon.
nixi() { nix-instantiate --store dummy:// "$@"; }
wheels=${PRF_PYODIDE_WHEELS:-$PRF_CACHE/pyodide-wheels}

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
    --wheels "$wheels" >"$tmp/report" 2>&1 || true
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

# --- 4. formatting -------------------------------------------------------------------------------
if command -v nixfmt >/dev/null; then
  check "nixfmt --check ${nix_files[*]}" nixfmt --check "${nix_files[@]/#/$ROOT/}"
elif [ "$PROVIDED" = 1 ]; then
  : >"$tmp/err"
  fail "nixfmt is on PATH (PRF_PROVIDED_TOOLS=1)"
else
  echo "note nixfmt is not installed (Debian has no package): formatting is checked by the flake's checks.<system>.flake"
fi

# --- 5. self-test: every kind of defect must make this script fail -------------------------------
if [ "${PRF_FLAKE_SELF_TEST:-1}" = 1 ]; then
  tree="$tmp/tree"
  copy_tree() {
    rm -rf "$tree"
    mkdir -p "$tree/rust" "$tree/web"
    cp -r "$ROOT/flake.nix" "$ROOT/flake.lock" "$ROOT/checks" "$ROOT/python" "$tree/"
    cp "$ROOT/rust/Cargo.lock" "$tree/rust/"
    cp "$ROOT/web/package.json" "$tree/web/"
  }
  run_copy() {
    PRF_FLAKE_SELF_TEST=0 PRF_NODE_MODULES="$WEB_NODE_MODULES" PRF_PYODIDE_WHEELS="$wheels" \
      PRF_DIST="$tmp/dist" bash "$tree/checks/flake.sh" >"$tmp/err" 2>&1
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
a Pyodide file hash that differs from npm's file|Pyodide 0.21.3: 9 file hashes|flake.nix|s.replace('"pyodide.js" = "sha256-D', '"pyodide.js" = "sha256-E', 1)
a runtime file of the npm package that is not fetched|Pyodide 0.21.3: 8 file hashes|flake.nix|re.sub(r'\n\s*"distutils.tar" = "[^"]*";', '', s, count=1)
a runtime web/package.json serves but flake.nix lacks|Pyodide runtimes = web/package.json|web/package.json|s.replace('"dependencies": {', '"dependencies": {\n    "pyodide-0.22.1": "npm:pyodide@0.22.1",', 1)
a placeholder hash|no placeholder hashes|flake.nix|re.sub(r'hash = "sha256-[^"]*";', 'hash = "sha256-' + 'A' * 43 + '=";', s, count=1)
nixpkgs fake-hash helper|no placeholder hashes|flake.nix|s.replace('rust = "1.96.0";', 'rust = "1.96.0";\n        fake = "lib.' + 'fakeHash";', 1)
a Pyodide test wheel hash not in the lock|Pyodide test wheels for Python 3.10|flake.nix|re.sub(r'(\.whl" =\s*")([0-9a-f])', lambda m: m.group(1) + ("1" if m.group(2) == "0" else "0"), s, count=1)
a locked Pyodide test wheel missing from flake.nix|Pyodide test wheels for Python 3.10|flake.nix|re.sub(r'\n\s*"pytest-[^"]*\.whl" =\s*"[0-9a-f]{64}";', '', s, count=1)
a download URL that is not a pin|download URLs|flake.nix|s.replace('systems = [', 'extra = "https://example.invalid/x";\n      systems = [', 1)
a Rust version other than lib.sh's|Rust version|flake.nix|s.replace('rust = "1.96.0";', 'rust = "1.95.0";', 1)
a Cargo.lock package without checksum|rust/Cargo.lock|rust/Cargo.lock|re.sub(r'\nchecksum = "[0-9a-f]{64}"', '', s, count=1)
EOF
fi

echo "flake: $passed passed, $failed failed"
[ "$failed" = 0 ]
