{
  description = "py-rust-fib: a Rust Fibonacci library as a CPython and Pyodide extension, pinned end to end";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    rust-overlay = {
      url = "github:oxalica/rust-overlay";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  # Every output runs the same scripts in checks/ that `make` runs on Debian; only the providers
  # of the tools differ (PRF_PROVIDED_TOOLS=1: the scripts install nothing and take tools from
  # PATH). checks/flake.sh verifies what can be verified without building: it parses this file,
  # checks flake.lock, and compares every pinned hash below with the files the host path
  # installed from npm and PyPI.
  outputs =
    {
      self,
      nixpkgs,
      rust-overlay,
    }:
    let
      # All fixed-output hashes in one place (the pyodide and emsdk URLs below are the only
      # download locations written in this repository). `nix eval .#pins` shows them.
      pins = {
        rust = "1.96.0";

        # Prebuilt emsdk releases (emscripten-releases revisions and hashes as emsdk records them
        # at its release tags). The 3.1.14 hash belongs to the .tbz2; since 3.1.47 the hashes
        # belong to the .tar.xz. Both unpack to install/.
        emsdk = {
          "3.1.14" = {
            url = "https://storage.googleapis.com/webassembly/emscripten-releases-builds/linux/ade9d780ff17c88d81aa13860361743e3c1e1396/wasm-binaries.tbz2";
            hash = "sha256-4sQwaPsZhVkttCGDoT+Fu9lRizdHdG4AA9cMfXcKCy8=";
          };
          "5.0.3" = {
            url = "https://storage.googleapis.com/webassembly/emscripten-releases-builds/linux/065bfade0ee2c02138b83cb10049d8be95e146b6/wasm-binaries.tar.xz";
            hash = "sha256-eumW2ySRHtxTXMzwafuKPtY+jax6vljnWEMav+MlUWU=";
          };
        };

        # The runtime files of the npm packages pyodide@<version>, one fixed-output fetch each
        # from a mirror that serves the package's files verbatim: the hashes are those of the
        # npm package's own bytes (checks/flake.sh compares them with web/node_modules).
        pyodide = {
          "0.21.3" = {
            python = "3.10";
            emscripten = "3.1.14";
            url = "https://cdn.jsdelivr.net/npm/pyodide@0.21.3/";
            files = {
              "pyodide.js" = "sha256-DidFxNFlA8PEzZIH+bMXD+66E4HRqSQahnxahovvDWo=";
              "pyodide.mjs" = "sha256-eo9h3DECsuHWq3Ww2bC/5S9WYxAIzu6e+R1CAt3te6A=";
              "pyodide.asm.js" = "sha256-ceTqGR43dDyk2bycSJMQi3dO5JokGUWUyuvmmpTjf2M=";
              "pyodide.asm.wasm" = "sha256-nrFMiszNCLd4cQ3ZYfUvPEddrZWuUSxPNbUwSez1Ayw=";
              "pyodide.asm.data" = "sha256-GMEcTufhoBWhE6h1J8fV8HdlT6Q5u4eCjyvCgC29cUs=";
              "repodata.json" = "sha256-6aMysIWEie0Pj1rj3+tzbWhZuUngeuPtTgM20X2SqpI=";
              "distutils.tar" = "sha256-JomcoLfRw/fOTy5D86cB1RrYGjL0b8N02qez5vv89YE=";
              "pyodide_py.tar" = "sha256-8dvS4YvgEQFwZ4jRcb5RmCKkuOd25TfPZfZOJKE9EwM=";
              "pyodide_tblib-1.7.1-py3-none-any.whl" = "sha256-kBjJKopMXhnG6QiPPsmheJV9a0FuYKVs1/0udjWT8oE=";
            };
          };
          "314.0.7" = {
            python = "3.14";
            emscripten = "5.0.3";
            url = "https://cdn.jsdelivr.net/npm/pyodide@314.0.7/";
            files = {
              "pyodide.js" = "sha256-MUG4FHFacuWbUbGxi5zq5b8Z98hSQX5DG7CjT+rfglw=";
              "pyodide.mjs" = "sha256-bx1g979Sm+swDw9HmDySHTmCNjZAuiCvDjjv3dvGYQk=";
              "pyodide.asm.mjs" = "sha256-983I7OgGeM63EvjmXr5tOoMgOhgMOZhl9JYSoFFpNjU=";
              "pyodide.asm.wasm" = "sha256-zDbjyrBP38mmP/E+tS6uK5Eb9GwCXMeygfOUvT3h1eY=";
              "python_stdlib.zip" = "sha256-+hlX5XdwaPxPdDf5bYYK4vvpwZcyugbITgBOwW3X3Xo=";
              "pyodide-lock.json" = "sha256-XcL8EZEIvBSMdFfchudnW1yH4cr9QgucNMHq73s2wBA=";
            };
          };
        };

        # The pure wheels the Pyodide test run installs inside each runtime (pytest, hypothesis,
        # their dependencies, micropip where the runtime has one): file name and sha256 exactly
        # as python/pyodide-py<X.Y>.lock records them (nixpkgs' fetchPypi derives the download
        # location from the file name). checks/flake.sh checks this table against the locks and
        # the wheels the host path downloaded; `python3 checks/flake_check.py wheels-nix --write` rewrites
        # it again after `make lock`.
        # BEGIN pyodide-test-wheels
        pyodideTestWheels = {
          "3.10" = {
            "exceptiongroup-1.3.2-py3-none-any.whl" =
              "41c6a70dfec22050d3d8b43386b059a4dc0bca3f3d40a40971cb206fff1785af";
            "hypothesis-6.155.7-py3-none-any.whl" =
              "9f634bdb1f9e9b8ab6ba09431cf2deedb750c96978125a6fb3c5a0f6c6db4131";
            "iniconfig-2.3.1-py3-none-any.whl" =
              "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7";
            "packaging-26.4-py3-none-any.whl" =
              "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2";
            "pluggy-1.7.0-py3-none-any.whl" =
              "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec";
            "pygments-2.21.0-py3-none-any.whl" =
              "2363c69b61c4a97c838da3b130dcd6468f4848992b21a82f2a63ec34377137d9";
            "pytest-9.2.0-py3-none-any.whl" =
              "07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588";
            "sortedcontainers-2.4.0-py2.py3-none-any.whl" =
              "a163dcaede0f1c021485e957a39245190e74249897e2ae4b2aa38595db237ee0";
            "tomli-2.5.0-py3-none-any.whl" = "32a7b79ac57a2e83670ce329ccf675798bc5a2094783a63676866b70503f2e2b";
            "typing_extensions-4.16.0-py3-none-any.whl" =
              "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8";
          };
          "3.14" = {
            "hypothesis-6.155.7-py3-none-any.whl" =
              "9f634bdb1f9e9b8ab6ba09431cf2deedb750c96978125a6fb3c5a0f6c6db4131";
            "iniconfig-2.3.1-py3-none-any.whl" =
              "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7";
            "micropip-0.11.1-py3-none-any.whl" =
              "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3";
            "packaging-26.4-py3-none-any.whl" =
              "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2";
            "pluggy-1.7.0-py3-none-any.whl" =
              "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec";
            "pygments-2.21.0-py3-none-any.whl" =
              "2363c69b61c4a97c838da3b130dcd6468f4848992b21a82f2a63ec34377137d9";
            "pytest-9.2.0-py3-none-any.whl" =
              "07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588";
            "sortedcontainers-2.4.0-py2.py3-none-any.whl" =
              "a163dcaede0f1c021485e957a39245190e74249897e2ae4b2aa38595db237ee0";
          };
        };
        # END pyodide-test-wheels
      };

      # x86_64-linux only: emsdk 3.1.14 (the toolchain of Pyodide 0.21.3) has no linux-arm64
      # build, and the wheels, tests and the benchmark all need it; darwin is left out because
      # the host wheel is a manylinux wheel and the scripts target Linux.
      systems = [ "x86_64-linux" ];
      forAllSystems = nixpkgs.lib.genAttrs systems;

      perSystem =
        system:
        let
          pkgs = import nixpkgs {
            inherit system;
            overlays = [ rust-overlay.overlays.default ];
          };
          inherit (pkgs) lib;

          # --- sources: only what the scripts read, so editing README or flake.nix rebuilds nothing
          src = lib.fileset.toSource {
            root = ./.;
            fileset =
              lib.fileset.difference
                (lib.fileset.unions [
                  ./checks
                  ./python
                  ./rust
                  ./web
                ])
                (
                  lib.fileset.unions (
                    map lib.fileset.maybeMissing [
                      ./rust/target
                      ./web/node_modules
                    ]
                  )
                );
          };
          # Wheel timestamps come from the commit, as on the host path (lib.sh).
          sourceDateEpoch = toString (self.lastModified or 315532800);

          # --- Rust 1.96.0 with rust-src (build-std for wasm) and the emscripten target
          rustBin = pkgs.rust-bin.stable.${pins.rust};
          rust = rustBin.default.override {
            extensions = [ "rust-src" ];
            targets = [ "wasm32-unknown-emscripten" ];
          };
          # Cargo dependencies from the lock files' own checksums: the workspace's, and std's
          # own for -Zbuild-std (reading std's Cargo.lock out of rust-src is an import from
          # derivation: the rust-src component is fetched during evaluation).
          vendor = pkgs.runCommand "py-rust-fib-cargo-vendor" { } ''
            mkdir -p $out
            for dir in ${pkgs.rustPlatform.importCargoLock { lockFile = ./rust/Cargo.lock; }} \
              ${
                pkgs.rustPlatform.importCargoLock {
                  lockFile = "${rustBin.rust-src}/lib/rustlib/src/rust/library/Cargo.lock";
                }
              }; do
              for crate in "$dir"/*; do
                # the same name-version in both locks is the same crate (same checksum)
                if [ -d "$crate" ] && [ ! -e "$out/$(basename "$crate")" ]; then
                  ln -s "$(readlink -f "$crate")" "$out/$(basename "$crate")"
                fi
              done
            done
          '';
          cargoConfig = pkgs.writeText "cargo-config.toml" ''
            [source.crates-io]
            replace-with = "vendored-sources"

            [source.vendored-sources]
            directory = "${vendor}"

            [net]
            offline = true
          '';

          # --- emsdk: the prebuilt release, patched to run; emcc wrappers copy the read-only
          # cache out of the store on first use (EM_CACHE under $TMPDIR unless set)
          mkEmsdk =
            version:
            let
              # Runs in each wrapper: emcc writes into its cache, so the store's copy seeds one
              # under $TMPDIR (or EM_CACHE when set).
              seedCache = ''
                export EM_CACHE="''${EM_CACHE:-''${TMPDIR:-/tmp}/emsdk-${version}-cache-$(id -u)}"
                if [ ! -e "$EM_CACHE/.prf-seeded" ]; then
                  mkdir -p "$EM_CACHE"
                  if [ -d "${placeholder "out"}/emscripten/cache" ]; then
                    cp -r --no-preserve=mode "${placeholder "out"}/emscripten/cache/." "$EM_CACHE/"
                  fi
                  touch "$EM_CACHE/.prf-seeded"
                fi
              '';
            in
            pkgs.stdenv.mkDerivation {
              pname = "emsdk";
              inherit version;
              src = pkgs.fetchurl { inherit (pins.emsdk.${version}) url hash; };
              sourceRoot = "install";
              nativeBuildInputs = [
                pkgs.autoPatchelfHook
                pkgs.makeWrapper
              ];
              buildInputs = [
                pkgs.stdenv.cc.cc.lib
                pkgs.zlib
                pkgs.python311
              ];
              dontConfigure = true;
              dontBuild = true;
              dontStrip = true;
              # Only the LLVM and binaryen binaries are run; node_modules may hold prebuilt
              # binaries for other platforms.
              dontAutoPatchelf = true;
              installPhase = ''
                runHook preInstall
                mkdir -p $out
                cp -r . $out/
                cat > $out/.emscripten <<EOF
                LLVM_ROOT = '$out/bin'
                BINARYEN_ROOT = '$out'
                NODE_JS = '${lib.getExe pkgs.nodejs}'
                EOF
                mkdir -p $out/wrapped
                for tool in emcc em++ emar emranlib emnm emstrip emsize; do
                  [ -e $out/emscripten/$tool ] || continue
                  makeWrapper $out/emscripten/$tool $out/wrapped/$tool \
                    --set EM_CONFIG $out/.emscripten \
                    --set EMSDK_PYTHON ${lib.getExe pkgs.python311} \
                    --run ${lib.escapeShellArg seedCache}
                done
                runHook postInstall
              '';
              postFixup = ''
                autoPatchelf $out/bin $(test -d $out/lib && echo $out/lib)
              '';
              meta.description = "emsdk ${version} (prebuilt LLVM, binaryen and emscripten), emcc wrappers in wrapped/";
            };
          emsdk = lib.mapAttrs (version: _: mkEmsdk version) pins.emsdk;

          # --- Pyodide runtimes: one fixed-output fetch per file, laid out like the npm package
          mkPyodide =
            version:
            let
              rt = pins.pyodide.${version};
              packageJson = builtins.toJSON {
                name = "pyodide";
                inherit version;
                main = "pyodide.js";
              };
            in
            pkgs.runCommand "pyodide-${version}" { } (
              ''
                mkdir -p $out
                echo ${lib.escapeShellArg packageJson} > $out/package.json
              ''
              + lib.concatStrings (
                lib.mapAttrsToList (file: hash: ''
                  cp ${
                    pkgs.fetchurl {
                      url = rt.url + file;
                      inherit hash;
                    }
                  } $out/${file}
                '') rt.files
              )
            );
          pyodide = lib.mapAttrs (version: _: mkPyodide version) pins.pyodide;

          # PRF_NODE_MODULES: the runtimes under their npm alias names, plus playwright-core.
          # The npm lock has no download locations (only integrity), so playwright-core comes
          # from nixpkgs' playwright-driver (its own version, driving nixpkgs' chromium).
          nodeModules = pkgs.runCommand "py-rust-fib-node-modules" { } (
            ''
              mkdir -p $out/node_modules
              ln -s ${pkgs.playwright-driver} $out/node_modules/playwright-core
            ''
            + lib.concatStrings (
              lib.mapAttrsToList (version: drv: ''
                ln -s ${drv} $out/node_modules/pyodide-${version}
              '') pyodide
            )
          );

          # PRF_PYODIDE_WHEELS: py<X.Y>/ per runtime Python, the locked pure wheels.
          fetchWheel =
            file: sha256:
            let
              parts = lib.splitString "-" (lib.removeSuffix ".whl" file);
              part = builtins.elemAt parts;
            in
            pkgs.fetchPypi {
              pname = part 0;
              version = part 1;
              format = "wheel";
              dist = part 2;
              python = part 2;
              abi = part 3;
              platform = part 4;
              inherit sha256;
            };
          pyodideTestWheels = pkgs.runCommand "pyodide-test-wheels" { } (
            lib.concatStrings (
              lib.mapAttrsToList (
                python: wheels:
                ''
                  mkdir -p $out/py${python}
                ''
                + lib.concatStrings (
                  lib.mapAttrsToList (file: sha256: ''
                    cp ${fetchWheel file sha256} $out/py${python}/${file}
                  '') wheels
                )
              ) pins.pyodideTestWheels
            )
          );

          # --- the tools every script finds on PATH
          python = pkgs.python311.withPackages (
            ps: with ps; [
              pip
              maturin
              hatchling
              auditwheel
              pytest
              hypothesis
              mypy
              ruff
              fastapi
              uvicorn
              httpx
              gmpy2
              matplotlib
            ]
          );
          tools = [
            rust
            python
            pkgs.nodejs
            pkgs.patchelf
            pkgs.zip
            pkgs.unzip
          ];

          # What the scripts read besides PATH; each run adds only what it uses, so a wheel build
          # does not depend on the browser.
          baseEnv = {
            PRF_PROVIDED_TOOLS = "1";
            PRF_PYTHON = "python3";
            PRF_NODE_MODULES = "${nodeModules}/node_modules";
          };
          pyodideEnv = {
            PRF_PYODIDE_WHEELS = "${pyodideTestWheels}";
          };
          browserEnv = {
            CHROMIUM = "${pkgs.chromium}/bin/chromium";
            PRF_CHROMIUM = "${pkgs.chromium}/bin/chromium";
            FONTCONFIG_FILE = "${pkgs.makeFontsConf { fontDirectories = [ pkgs.liberation_ttf ]; }}";
          };
          # PRF_EMCC_<version>: each runtime's emcc (wheel-emscripten.sh picks the one of the
          # runtime's emscripten version).
          emccEnv = lib.mapAttrs' (
            version: drv:
            lib.nameValuePair "PRF_EMCC_${lib.replaceStrings [ "." ] [ "_" ] version}" "${drv}/wrapped/emcc"
          ) emsdk;

          # One script run as a derivation, in a writable copy of the sources:
          #   dist    packages whose wheels the script reads (copied into a writable PRF_DIST)
          #   output  "dist": $out is PRF_DIST (the wheels the script builds); "out": what the
          #           script wrote to ./out, and its log; "log": the script's log
          runScript =
            {
              name,
              script,
              args ? "",
              dist ? [ ],
              output ? "log",
              env ? { },
              source ? src,
              extraTools ? [ ],
              emscripten ? null,
            }:
            pkgs.stdenv.mkDerivation (
              baseEnv
              // env
              // {
                inherit name;
                src = source;
                nativeBuildInputs = tools ++ extraTools;
                SOURCE_DATE_EPOCH = sourceDateEpoch;
                dontConfigure = true;
                dontFixup = true;
                postPatch = ''
                  patchShebangs --build checks
                '';
                buildPhase = ''
                  runHook preBuild
                  set -o pipefail
                  export HOME=$TMPDIR PRF_CACHE=$TMPDIR/cache CARGO_HOME=$TMPDIR/cargo-home
                  mkdir -p $CARGO_HOME
                  cp ${cargoConfig} $CARGO_HOME/config.toml
                  ${lib.optionalString (emscripten != null) ''
                    export PATH=${emsdk.${emscripten}}/wrapped:$PATH EMCC=${emsdk.${emscripten}}/wrapped/emcc
                  ''}
                  export PRF_DIST=${if output == "dist" then "$out" else "$TMPDIR/dist"}
                  mkdir -p $PRF_DIST
                  ${lib.concatMapStrings (drv: ''
                    cp --no-preserve=mode ${drv}/*.whl $PRF_DIST/
                  '') dist}
                  bash checks/${script} ${args} 2>&1 | tee $TMPDIR/${name}.log
                  runHook postBuild
                '';
                installPhase = ''
                  runHook preInstall
                  ${
                    {
                      dist = "ls $out/*.whl";
                      out = "mkdir -p $out && cp -r out/. $out/ && cp $TMPDIR/${name}.log $out/";
                      log = "mkdir -p $out && cp $TMPDIR/${name}.log $out/";
                    }
                    .${output}
                  }
                  runHook postInstall
                '';
              }
            );

          # --- packages
          fib-rust = runScript {
            name = "fib-rust";
            script = "rust.sh";
          };
          wheel-manylinux = runScript {
            name = "wheel-manylinux";
            script = "wheel-host.sh";
            output = "dist";
          };
          wheel-python = runScript {
            name = "wheel-python";
            script = "wheel-python.sh";
            output = "dist";
          };
          wheelPyodide = lib.mapAttrs (
            version: rt:
            runScript {
              name = "wheel-pyodide-${version}";
              script = "wheel-emscripten.sh";
              args = version;
              output = "dist";
              emscripten = rt.emscripten;
            }
          ) pins.pyodide;
          wheel-emscripten = wheelPyodide."0.21.3";
          wheel-pyodide-314 = wheelPyodide."314.0.7";
          wheels = pkgs.symlinkJoin {
            name = "py-rust-fib-wheels";
            paths = [
              wheel-manylinux
              wheel-python
            ]
            ++ lib.attrValues wheelPyodide;
          };
          pyodideRuntimes = pkgs.linkFarm "pyodide" (
            lib.mapAttrsToList (version: drv: {
              name = "pyodide-${version}";
              path = drv;
            }) pyodide
          );

          # The site as the web app serves it (web/static, the wheels, the runtimes): what
          # `nix run .#webapp` serves, through checks/webapp.sh's FIB_WEB_* settings.
          site = pkgs.linkFarm "py-rust-fib-site" [
            {
              name = "static";
              path = "${src}/web/static";
            }
            {
              name = "dist";
              path = wheels;
            }
            {
              name = "node_modules";
              path = pyodideRuntimes;
            }
          ];

          # --- checks: the stages of `make check`, each a derivation
          testPyodide = lib.mapAttrs (
            version: _:
            runScript {
              name = "pyodide-${version}";
              script = "test-pyodide.sh";
              args = version;
              dist = [
                wheel-manylinux
                wheel-python
                wheelPyodide.${version}
              ];
              env = pyodideEnv;
            }
          ) pins.pyodide;
          checks = {
            rust = fib-rust;
            pytest = runScript {
              name = "pytest";
              script = "test-python.sh";
              dist = [
                wheel-manylinux
                wheel-python
              ];
            };
            pyodide-0_21_3 = testPyodide."0.21.3";
            pyodide-314_0_7 = testPyodide."314.0.7";
            web = runScript {
              name = "web";
              script = "test-web.sh";
              dist = [ wheels ];
            };
            browser = runScript {
              name = "browser";
              script = "test-browser.sh";
              dist = [ wheels ];
              env = browserEnv;
              extraTools = [ pkgs.chromium ];
              output = "out";
            };
            benchmark-smoke = runScript {
              name = "benchmark-smoke";
              script = "benchmark.sh";
              args = "--smoke";
              dist = [ wheels ];
              output = "out";
            };
            reproducible = runScript {
              name = "reproducible";
              script = "reproducible.sh";
              dist = [ wheels ];
              env = emccEnv;
            };
            # flake.nix parses, flake.lock is complete, the pins agree with the npm files and the
            # locks, and the formatting is nixfmt's (required when PRF_PROVIDED_TOOLS=1).
            flake = runScript {
              name = "flake";
              script = "flake.sh";
              source = lib.fileset.toSource {
                root = ./.;
                fileset = lib.fileset.unions [
                  ./flake.nix
                  ./flake.lock
                  ./checks
                  ./python
                  ./rust/Cargo.lock
                  ./web/package.json
                ];
              };
              env = pyodideEnv;
              extraTools = [
                pkgs.nix
                pkgs.nixfmt
              ];
            };
          };

          # --- apps: the scripts run from the store, reading the built wheels in place; the
          # cache is ~/.cache/py-rust-fib-nix, outputs go to ./out in the current directory
          mkApp =
            {
              name,
              script,
              description,
              env ? { },
            }:
            let
              drv = pkgs.writeShellApplication {
                name = "py-rust-fib-${name}";
                runtimeInputs = tools;
                runtimeEnv =
                  baseEnv
                  // env
                  // {
                    PRF_DIST = "${wheels}";
                    SOURCE_DATE_EPOCH = sourceDateEpoch;
                  };
                text = ''
                  export PRF_CACHE="''${PRF_CACHE:-''${XDG_CACHE_HOME:-$HOME/.cache}/py-rust-fib-nix}"
                  exec bash ${src}/checks/${script} "$@"
                '';
                meta.description = description;
              };
            in
            {
              type = "app";
              program = lib.getExe drv;
              meta.description = description;
            };
          benchmark = mkApp {
            name = "benchmark";
            script = "benchmark.sh";
            description = "Python vs Rust Fibonacci, natively and inside Pyodide (table, JSON and plot in ./out/benchmark)";
          };
          webapp = mkApp {
            name = "webapp";
            script = "webapp.sh";
            description = "Serve the page, the wheels and the Pyodide runtimes (packages.site) on 127.0.0.1:8000";
            env = {
              FIB_WEB_STATIC = "${site}/static";
              FIB_WEB_DIST = "${site}/dist";
              FIB_WEB_NODE_MODULES = "${site}/node_modules";
            };
          };
        in
        {
          packages = {
            inherit
              fib-rust
              wheel-manylinux
              wheel-python
              wheel-emscripten
              wheel-pyodide-314
              wheels
              site
              ;
            pyodide = pyodideRuntimes;
            emsdk = emsdk."3.1.14";
            emsdk-5_0_3 = emsdk."5.0.3";
            node-modules = nodeModules;
            pyodide-test-wheels = pyodideTestWheels;
            default = wheels;
          };

          apps = {
            inherit benchmark webapp;
            default = benchmark;
          };

          inherit checks;

          devShells.default = pkgs.mkShell (
            baseEnv
            // pyodideEnv
            // browserEnv
            // emccEnv
            // {
              packages = tools ++ [
                pkgs.chromium
                pkgs.nixfmt
              ];
              shellHook = ''
                # emcc on PATH is emsdk 3.1.14's; the scripts take each runtime's own from
                # PRF_EMCC_<version>. Wheels go to ./dist, the cache is ~/.cache/py-rust-fib-nix,
                # SOURCE_DATE_EPOCH comes from git (lib.sh), cargo resolves crates online.
                export PATH=${emsdk."3.1.14"}/wrapped:$PATH
                export PRF_CACHE="''${PRF_CACHE:-''${XDG_CACHE_HOME:-$HOME/.cache}/py-rust-fib-nix}"
                unset SOURCE_DATE_EPOCH
                echo "py-rust-fib: rustc ${pins.rust}, Python 3.11, emsdk ${lib.concatStringsSep " + " (lib.attrNames emsdk)}, Pyodide ${lib.concatStringsSep " + " (lib.attrNames pyodide)}"
              '';
            }
          );

          formatter = pkgs.nixfmt;
        };

      bySystem = forAllSystems perSystem;
    in
    {
      inherit pins;
      packages = forAllSystems (system: bySystem.${system}.packages);
      apps = forAllSystems (system: bySystem.${system}.apps);
      checks = forAllSystems (system: bySystem.${system}.checks);
      devShells = forAllSystems (system: bySystem.${system}.devShells);
      formatter = forAllSystems (system: bySystem.${system}.formatter);
    };
}
