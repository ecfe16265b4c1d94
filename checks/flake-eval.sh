#!/usr/bin/env bash
# Evaluates the whole flake offline: every package, app, check, devShell and formatter of every
# system must evaluate to a derivation (its drvPath), with Nix (Debian's nix-bin) and no store,
# cache or network. nixpkgs and rust-overlay are the project's stand-ins in checks/nix/standin/
# (their builders take the real functions' argument names, rust-overlay's knows the real
# component and target names); flake.nix, its paths and the lock files are the real ones.
#
# What it proves: flake.nix has no misspelt package or function, no argument the real builders
# would refuse, no Rust target or component rust-overlay lacks, no path that does not exist, no
# import from derivation (a stand-in derivation cannot be realised during evaluation), and every
# output is of the kind `nix flake check` expects. What it cannot prove: that nixpkgs at the
# locked revision still has these packages and arguments, and that the derivations build. A self-test shows each kind of defect above makes it fail.
# Prints one line per output and "flake-eval: N passed, N failed".
source "$(dirname "$0")/lib.sh"

[ "$PROVIDED" = 1 ] || apt_need nix-bin
command -v nix-instantiate >/dev/null || die "nix-instantiate not found (Debian package nix-bin)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# evaluate TREE OUT: the drvPath of every output of TREE/flake.nix, as JSON lines in OUT
evaluate() {
  local tree=$1 out=$2
  nix-instantiate --store dummy:// --eval --strict --json --show-trace -E "
    let
      standin = $tree/checks/nix/standin;
      flake = import $tree/flake.nix;
      outputs = flake.outputs {
        self = { outPath = $tree; lastModified = $SOURCE_DATE_EPOCH; };
        nixpkgs = { outPath = standin + \"/nixpkgs\"; lib = import (standin + \"/nixpkgs/lib.nix\"); };
        rust-overlay = import (standin + \"/rust-overlay\");
      };
      isDrv = v: (v.type or null) == \"derivation\";
      drv = kind: name: v:
        if isDrv v then v.drvPath else throw \"\${kind} \${name} is not a derivation\";
      # an app's program is a path inside a derivation's output: the derivation of its context
      app = name: a:
        assert a.type or null == \"app\" || throw \"app \${name} has no type = \\\"app\\\"\";
        let ctx = builtins.attrNames (builtins.getContext a.program);
        in if builtins.isString a.program && ctx != [ ] then builtins.head ctx
           else throw \"app \${name}: program is not a path in the store\";
      each = kind: f: builtins.mapAttrs (system: set:
        builtins.mapAttrs (name: v: f \"\${kind}.\${system}.\${name}\" v) set) outputs.\${kind};
    in {
      packages = each \"packages\" (drv \"package\");
      apps = each \"apps\" app;
      checks = each \"checks\" (drv \"check\");
      devShells = each \"devShells\" (drv \"devShell\");
      formatter = builtins.mapAttrs (system: drv \"formatter\" system) outputs.formatter;
    }" >"$out" 2>"$tmp/err"
}

passed=0
failed=0
# The flake as it is: every output evaluates.
if evaluate "$ROOT" "$tmp/outputs.json"; then
  python3 - "$tmp/outputs.json" >"$tmp/report" <<'PY'
import json, sys
outputs = json.load(open(sys.argv[1]))
count = 0
for kind in ("packages", "apps", "checks", "devShells"):
    for system, items in sorted(outputs[kind].items()):
        if not items:
            sys.exit(f"{kind}.{system} is empty")
        for name, path in sorted(items.items()):
            assert path.startswith("/nix/store/") and path.endswith(".drv"), path
            print(f"ok   {kind}.{system}.{name}  {path}")
            count += 1
for system, path in sorted(outputs["formatter"].items()):
    print(f"ok   formatter.{system}  {path}")
    count += 1
print(f"count {count}")
PY
  grep -v '^count ' "$tmp/report"
  passed=$((passed + $(sed -n 's/^count //p' "$tmp/report")))
else
  echo "FAIL the flake evaluates against the stand-ins"
  sed 's/^/       /' "$tmp/err" | grep -v 'build-users-group' | tail -30
  failed=$((failed + 1))
fi

# --- self-test: each kind of defect must make the evaluation fail, with the expected error -----
if [ "${PRF_FLAKE_SELF_TEST:-1}" = 1 ]; then
  tree="$tmp/tree"
  while IFS='|' read -r what expect old new; do
    rm -rf "$tree"
    mkdir -p "$tree"
    tar -C "$ROOT" --exclude=./web/node_modules --exclude=./rust/target --exclude='./rust/*/fuzz/target' \
      -cf - ./flake.nix ./flake.lock ./LICENSE ./checks ./python ./web ./rust | tar -C "$tree" -xf -
    if ! grep -qF -- "$old" "$tree/flake.nix"; then
      echo "FAIL self-test: could not apply '$what' ($old not in flake.nix)"
      failed=$((failed + 1))
      continue
    fi
    python3 -c 'import sys; p, old, new = sys.argv[1:]; s = open(p).read(); open(p, "w").write(s.replace(old, new, 1))' \
      "$tree/flake.nix" "$old" "$new"
    if evaluate "$tree" "$tmp/self.json"; then
      echo "FAIL self-test: $what is not detected"
      failed=$((failed + 1))
    elif ! grep -qF -- "$expect" "$tmp/err"; then
      echo "FAIL self-test: $what fails, but not with '$expect':"
      grep -v 'build-users-group' "$tmp/err" | tail -5 | sed 's/^/       /'
      failed=$((failed + 1))
    else
      echo "ok   self-test: $what is detected ($expect)"
      passed=$((passed + 1))
    fi
  done <<'EOF'
a misspelt package attribute|attribute 'autoPatchElfHook' missing|pkgs.autoPatchelfHook|pkgs.autoPatchElfHook
a misspelt lib function|attribute 'mapAttrsToLists' missing|lib.mapAttrsToList (file: sha256|lib.mapAttrsToLists (file: sha256
a wrong argument name to fetchPypi|unexpected argument 'plat'|platform = part 4;|plat = part 4;
a wrong argument name to writeShellApplication|unexpected argument 'runtimeInput'|runtimeInputs = tools;|runtimeInput = tools;
a wrong argument name to importNpmLock|unexpected argument 'packageSourceOverride'|packageSourceOverrides = lib.mapAttrs|packageSourceOverride = lib.mapAttrs
a wrong argument name to a rust-overlay override|unexpected argument 'extension'|extensions = [ "rust-src" ];|extension = [ "rust-src" ];
a wrong Rust target|Unknown target `wasm32-unknown-emscriptem`|targets = [ "wasm32-unknown-emscripten" ];|targets = [ "wasm32-unknown-emscriptem" ];
a wrong Rust component|Unknown component `rust-sources`|extensions = [ "rust-src" ];|extensions = [ "rust-sources" ];
a bad path|Cargo.lok|lockFile = ./rust/Cargo.lock;|lockFile = ./rust/Cargo.lok;
a bad path read during evaluation|package-lock.jsn': No such file or directory|./web/package-lock.json|./web/package-lock.jsn
a bad path in a file set|is a path that does not exist|./flake.lock|./flake.lok
an import from derivation (std's lock read from rust-src)|rust-src-1.96.0.drv' is not valid|lockFile = stdCargoLock; }|lockFile = "${rustBin.rust-src}/lib/rustlib/src/rust/library/Cargo.lock"; }
an npm package the flake does not fetch|has no resolved source|modulePath != "" && !|modulePath != "node_modules/pyodide-0.21.3" && modulePath != "" && !
EOF
fi

echo "flake-eval: $passed passed, $failed failed"
[ "$failed" = 0 ]
