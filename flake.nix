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
  # PATH). The versions come from the same locks as on the host path: the Python tools from
  # python/requirements.lock (each wheel a fixed-output fetch, installed by pip against the lock's
  # hashes), the npm packages (Pyodide runtimes, playwright-core) from web/package-lock.json's
  # integrity hashes, the crates from the Cargo.lock files. What can be checked without a Nix
  # store is checked by `make check`: checks/flake.sh (pins against the locks and the installed
  # files), checks/flake-eval.sh (every output evaluated to a derivation against stand-ins for
  # nixpkgs and rust-overlay) and checks/store-layout.sh (the apps' scripts in a store-like tree).
  outputs =
    {
      self,
      nixpkgs,
      rust-overlay,
    }:
    let
      # What is pinned here and not in a lock file. `nix eval .#pins` shows it.
      pins = {
        rust = "1.96.0";

        # Prebuilt emsdk releases (emscripten-releases revisions and hashes as emsdk records them
        # at its release tags). The 3.1.14 hash belongs to the .tbz2; since 3.1.47 the hashes
        # belong to the .tar.xz. Both unpack to install/. These are the only download locations
        # written in this repository (the release storage of emscripten, not a package registry).
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

        # The Pyodide runtimes (the pyodide-<version> npm aliases of web/package.json, whose files
        # come from web/package-lock.json): the Python and emscripten version of each, as the
        # runtime's own lock file states them (checks/flake.sh compares), to pick its emsdk and
        # its test wheels without reading the npm package during evaluation.
        pyodide = {
          "0.21.3" = {
            python = "3.10";
            emscripten = "3.1.14";
          };
          "314.0.7" = {
            python = "3.14";
            emscripten = "5.0.3";
          };
        };

        # std's own Cargo.lock for -Zbuild-std, committed so that vendoring it needs no import
        # from derivation; the vendor derivation fails unless it equals the rust-src component's
        # (and checks/flake.sh compares it with Debian's rust-web-src of the same version).
        stdCargoLock = "checks/nix/rust-src-1.96.0-library-Cargo.lock";

        # The shared libraries the lock's manylinux wheels need from the system (beyond glibc and
        # what the wheels bundle), and the nixpkgs package that provides each to autoPatchelf.
        # checks/flake.sh reads every ELF file of the Python environment and fails on a library
        # missing here.
        pythonSystemLibraries = {
          "libstdc++.so.6" = "stdenv.cc.cc.lib";
          "libgcc_s.so.1" = "stdenv.cc.cc.lib";
          "libz.so.1" = "zlib";
        };

        # The wheels python/requirements.lock installs on x86_64-linux CPython 3.11: file name and
        # sha256 (one of the lock's hashes for that requirement; nixpkgs' fetchPypi derives the
        # download location from the file name). checks/flake.sh checks this table against the
        # lock and against the files pip downloads for that platform; `make lock` rewrites it.
        # BEGIN host-wheels
        hostWheels = {
          "annotated_doc-0.0.7-py3-none-any.whl" =
            "6bc31bbbec6dfaaedc1676dbc11dbda96fe22a2b5c400e9ebad113fec44a9dc6";
          "annotated_types-0.8.0-py3-none-any.whl" =
            "f072f4d804ea359e4eaf198b1af7a8b0943881a87f31bb764f8bf219bb9419e0";
          "anyio-4.16.0-py3-none-any.whl" =
            "c66ae634e0b8228396b801741beb3294326d4b6102f7bba4041c0dfb58c29026";
          "ast_serialize-0.13.1-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" =
            "9f99786e0d62082a5b121b3437f3167562133711df22128de1e9886f57f0b226";
          "auditwheel-6.8.2-py3-none-any.whl" =
            "05fd2dd4b743217cd5f66066adc95b03a079424b1f0a878ad1e40fe2cdea4704";
          "certifi-2026.10.19.post1-py3-none-any.whl" =
            "1324c476b4811eff41a8bc2122cd0bbd4d9c7234c725446d99ab1612b3a7fdd2";
          "click-8.5.1-py3-none-any.whl" = "8bb5376d2006950386f8c6427613334a2acadc5f559cb80e638d00b4df957e37";
          "contourpy-1.3.3-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl" =
            "51e79c1f7470158e838808d4a996fa9bac72c498e93d8ebe5119bc1e6becb0db";
          "cycler-0.12.1-py3-none-any.whl" =
            "85cef7cff222d8644161529808465972e51340599459b8ac3ccbac5a854e0d30";
          "fastapi-0.165.0-py3-none-any.whl" =
            "896f48462042bb4f162147eb8fac7e858753dc1f486765709baf105d70e4fc5b";
          "fonttools-4.68.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" =
            "4b9c89b5876f1a74b1341632dfaf4c4c2be565d76c060445df401ebe7a4ceefa";
          "gmpy2-2.3.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl" =
            "f43b3ab2b86a39c8fbc595619443f150b06d88879d72a7014c175b35c8a7b6b3";
          "h11-0.16.0-py3-none-any.whl" = "63cf8bbe7522de3bf65932fda1d9c2772064ffb3dae62d55932da54b31cb6c86";
          "hatchling-1.33.0-py3-none-any.whl" =
            "415290b84f464d2884303fca8974d38e7b85579069fab02a15db0828fbb1446d";
          "httpcore-1.0.9-py3-none-any.whl" =
            "2d400746a40668fc9dec9810239072b40b4484b640a8c38fd654a024c7a1bf55";
          "httpx-0.28.1-py3-none-any.whl" =
            "d909fcccc110f8c7faf814ca82a9a4d816bc5a6dbfea25d6591d6985b8ba59ad";
          "hypothesis-6.170.17-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" =
            "ba5757621056597fd71d101357fed17b7f200592ca6050b59bf6733869de9fc5";
          "idna-3.20-py3-none-any.whl" = "ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c";
          "iniconfig-2.3.1-py3-none-any.whl" =
            "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7";
          "kiwisolver-1.5.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" =
            "95a02752aa032eef4aed01cda6d9b687c669bd0396bf4519eef8bba22a286720";
          "librt-0.17.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl" =
            "598c5455f07fc182a926b88e63776c49dc4cf47465c998cbc6ba1f010b875b51";
          "matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" =
            "07d9b9fa60cd4c393692f50d0bb03123242ddf61c99bb0e95e75feb354e7c1a8";
          "maturin-1.16.0-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.musllinux_1_1_x86_64.whl" =
            "837db2f4d93d4899c3ac393fb3cc9eebf35b6002336e5d574f4a4fb6c49fe283";
          "mypy-2.4.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl" =
            "b69a15fc2e75858d6b15e91ed3a0dcff1a533265183b64734138791fe0f49aa5";
          "mypy_extensions-1.2.0-py3-none-any.whl" =
            "993e7a20aa5671eb41a7132cf555af30062da99729601601b9a8382b11cae768";
          "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl" =
            "89cd468399cfd2504718f0ba50e410dca55a170b61a02ad92bb18c8a65186e93";
          "opentelemetry_api-1.45.2-py3-none-any.whl" =
            "2cbd737377e710ee740d261c94e93fa0f08e6d037c18f17513cc0a2d94479a34";
          "packaging-26.4-py3-none-any.whl" =
            "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2";
          "pathspec-1.1.1-py3-none-any.whl" =
            "a00ce642f577bf7f473932318056212bc4f8bfdf53128c78bbd5af0b9b20b189";
          "pillow-13.0.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl" =
            "a625df9a2a5597fa5e5266e01aefc82604bb85d291e3547981e863560d75da6c";
          "pluggy-1.7.0-py3-none-any.whl" =
            "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec";
          "pydantic-2.14.4-py3-none-any.whl" =
            "653a2ad9f6d8858529c77c72717d0ea991d6c6837fe683246b2f4b2bbfc3fadc";
          "pydantic_core-2.50.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl" =
            "488319076ec92908b91fc6265ce761f1d78748f69f85518564fd16bf333e1b70";
          "pyelftools-0.33-py3-none-any.whl" =
            "f215ad5f47d3f1373a21496a6c9e0707c622840d0622f23ff7ce08678b020036";
          "pygments-2.21.0-py3-none-any.whl" =
            "2363c69b61c4a97c838da3b130dcd6468f4848992b21a82f2a63ec34377137d9";
          "pyparsing-3.3.3-py3-none-any.whl" =
            "ece8c00a69cf01b45d0b1dedabb469c90d8caf996d4fda40f147627a122849a4";
          "pytest-9.2.0-py3-none-any.whl" =
            "07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588";
          "python_dateutil-4.0.0-py3-none-any.whl" =
            "a5e246f79eb80475e691bf93862cead98decd8a498cf53ba0516fcdc0f50dc1c";
          "ruff-0.17.6-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" =
            "aa3b08254a732acba246891089a152c47c5733dc36b8ecb76ce8602f8326e5e4";
          "sortedcontainers-2.4.0-py2.py3-none-any.whl" =
            "a163dcaede0f1c021485e957a39245190e74249897e2ae4b2aa38595db237ee0";
          "starlette-1.10.0-py3-none-any.whl" =
            "478c0ab3b4ced6e82719849c118fa406f0278a3499c1a898cd15cd31bdc38ce4";
          "tomlkit-0.15.2-py3-none-any.whl" =
            "05562412163a3037b94497385fb7f9204c637bc605af7a48199e41cf2272f437";
          "trove_classifiers-2026.9.21.13-py3-none-any.whl" =
            "8b1ff4f9c191b1040b71c37f1e445ab99732911e3cd91de52838453a854d7a17";
          "typing_extensions-4.16.0-py3-none-any.whl" =
            "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8";
          "typing_inspection-0.4.5-py3-none-any.whl" =
            "bc210535442b39e1bf2805e0c7a17dfd6a4ace760c84c7f7d16245d23a6b1c39";
          "tzdata-2026.6-py2.py3-none-any.whl" =
            "0a10eec6e13ef16b627fabed9a5f2ba61a62b1c67f327305f4e7e412a70b4aec";
          "uvicorn-0.54.0-py3-none-any.whl" =
            "505bdb0f318731d45f1f712071fc781a8981f6847a31c902c9f5e652d4f67faf";
          "ziglang-0.17.1-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl" =
            "ea6cc5d87b033cf0aedfbc8f9549a908cae6c50ac31f1698188fa48a74524b54";
        };
        # END host-wheels

        # The pure wheels the Pyodide test run installs inside each runtime (pytest, hypothesis,
        # their dependencies, micropip where the runtime has one): file name and sha256 exactly
        # as python/pyodide-py<X.Y>.lock records them. Checked and rewritten like hostWheels.
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
      # build, and the wheels, tests and the benchmark all need it; the lock's host wheels are
      # x86_64 manylinux wheels; darwin is left out because the scripts target Linux.
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
                  ./LICENSE # rust/fib-pyrs/LICENSE links to it: the wheels and the sdist carry it
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
          # Cargo dependencies from the lock files' own checksums: the workspace's, and std's own
          # for -Zbuild-std (the committed copy of rust-src's library/Cargo.lock, checked here).
          stdCargoLock = ./. + "/${pins.stdCargoLock}";
          vendor = pkgs.runCommand "py-rust-fib-cargo-vendor" { } ''
            if ! cmp ${stdCargoLock} ${rustBin.rust-src}/lib/rustlib/src/rust/library/Cargo.lock; then
              echo "${pins.stdCargoLock} differs from rust-src ${pins.rust}'s library/Cargo.lock" >&2
              exit 1
            fi
            mkdir -p $out
            for dir in ${pkgs.rustPlatform.importCargoLock { lockFile = ./rust/Cargo.lock; }} \
              ${pkgs.rustPlatform.importCargoLock { lockFile = stdCargoLock; }}; do
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

          # --- Python: the host venv of python/requirements.lock, built from the lock's own wheels
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
          wheelDir =
            name: wheels:
            pkgs.linkFarm name (
              lib.mapAttrsToList (file: sha256: {
                name = file;
                path = fetchWheel file sha256;
              }) wheels
            );
          hostWheels = wheelDir "py-rust-fib-host-wheels" pins.hostWheels;
          # `python -m venv`, then pip installs exactly python/requirements.lock (its hashes
          # checked by pip) from those wheels, offline: the same versions as the host path and no
          # Python package built from source. autoPatchelf points the manylinux binaries (ruff,
          # maturin, the extension modules) at nixpkgs' glibc and pythonSystemLibraries.
          python = pkgs.stdenv.mkDerivation {
            pname = "py-rust-fib-python";
            version = pkgs.python311.version;
            dontUnpack = true;
            dontConfigure = true;
            dontBuild = true;
            # the wheels' binaries as pip installs them: no stripping, no RPATH shrinking (their
            # bundled libraries are found through $ORIGIN); autoPatchelf only adds what is missing
            dontStrip = true;
            dontPatchELF = true;
            nativeBuildInputs = [ pkgs.autoPatchelfHook ];
            buildInputs = lib.unique (
              map (attr: lib.getAttrFromPath (lib.splitString "." attr) pkgs) (
                lib.attrValues pins.pythonSystemLibraries
              )
            );
            installPhase = ''
              runHook preInstall
              export HOME=$TMPDIR PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
              ${lib.getExe pkgs.python311} -m venv $out
              $out/bin/python -m pip install --no-index --find-links ${hostWheels} \
                --require-hashes --only-binary=:all: -r ${./python/requirements.lock}
              runHook postInstall
            '';
            meta.description = "CPython 3.11 with python/requirements.lock installed from its wheels";
          };

          # --- npm: the packages of web/package-lock.json, each a fixed-output fetch verified by
          # the lock's own integrity hash. The lock records no download locations (npm resolves
          # them from its registry setting), so npm itself fetches each package by name and
          # version; importNpmLock then installs them offline from those files.
          npmPackage = lib.importJSON ./web/package.json;
          npmLock = lib.importJSON ./web/package-lock.json;
          fetchNpmPackage =
            modulePath: entry:
            let
              name = entry.name or (lib.last (lib.splitString "node_modules/" modulePath));
            in
            pkgs.stdenvNoCC.mkDerivation {
              name = "npm-${lib.replaceStrings [ "@" "/" ] [ "" "-" ] name}-${entry.version}.tgz";
              nativeBuildInputs = [ pkgs.nodejs ];
              outputHash = entry.integrity;
              outputHashMode = "flat";
              impureEnvVars = lib.fetchers.proxyImpureEnvVars;
              SSL_CERT_FILE = "${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt";
              NODE_EXTRA_CA_CERTS = "${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt";
              buildCommand = ''
                export HOME=$TMPDIR
                cd $TMPDIR
                npm pack --silent --cache $TMPDIR/npm-cache ${lib.escapeShellArg "${name}@${entry.version}"}
                mv ./*.tgz $out
              '';
            };
          # withDev: playwright-core too (the browser test); the other scripts get the runtimes
          # only. Optional packages (the npm Node for old host Nodes) are never fetched.
          nodeModules =
            { withDev }:
            let
              package = if withDev then npmPackage else removeAttrs npmPackage [ "devDependencies" ];
              wanted = lib.filterAttrs (
                modulePath: entry:
                modulePath != "" && !(entry.optional or false) && (withDev || !(entry.dev or false))
              ) npmLock.packages;
            in
            pkgs.importNpmLock.buildNodeModules {
              nodejs = pkgs.nodejs;
              inherit package;
              packageLock = npmLock;
              derivationArgs = {
                pname = "py-rust-fib-node-modules${lib.optionalString withDev "-dev"}";
                npmDeps = pkgs.importNpmLock {
                  inherit package;
                  packageLock = npmLock;
                  packageSourceOverrides = lib.mapAttrs fetchNpmPackage wanted;
                };
                npmFlags = "--omit=optional" + lib.optionalString (!withDev) " --omit=dev";
              };
            };
          runtimeNodeModules = nodeModules { withDev = false; };
          browserNodeModules = nodeModules { withDev = true; };

          # The runtimes as the web app serves them: pyodide-<version> -> the npm package.
          pyodideRuntimes = pkgs.linkFarm "pyodide" (
            lib.mapAttrsToList (version: _: {
              name = "pyodide-${version}";
              path = "${runtimeNodeModules}/node_modules/pyodide-${version}";
            }) pins.pyodide
          );

          # PRF_PYODIDE_WHEELS: py<X.Y>/ per runtime Python, the locked pure wheels.
          pyodideTestWheels = pkgs.linkFarm "pyodide-test-wheels" (
            lib.mapAttrsToList (python: wheels: {
              name = "py${python}";
              path = wheelDir "pyodide-test-wheels-py${python}" wheels;
            }) pins.pyodideTestWheels
          );

          # --- the tools every script finds on PATH
          tools = [
            rust
            python
            pkgs.nodejs
            pkgs.patchelf
            pkgs.zip
            pkgs.unzip
          ];

          # What the scripts read besides PATH; each run adds only what it uses, so a wheel build
          # depends neither on the browser nor on playwright-core.
          baseEnv = {
            PRF_PROVIDED_TOOLS = "1";
            PRF_PYTHON = "python3";
            PRF_NODE_MODULES = "${runtimeNodeModules}/node_modules";
          };
          pyodideEnv = {
            PRF_PYODIDE_WHEELS = "${pyodideTestWheels}";
          };
          browserEnv = {
            PRF_NODE_MODULES = "${browserNodeModules}/node_modules";
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
          #   dist    packages whose wheels (and runtime-files/) the script reads (copied,
          #           dereferenced, into a writable PRF_DIST)
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
                    cp -rL --no-preserve=mode ${drv}/* $PRF_DIST/
                  '') dist}
                  bash checks/${script} ${args} 2>&1 | tee $TMPDIR/${name}.log
                  runHook postBuild
                '';
                installPhase = ''
                  runHook preInstall
                  ${
                    {
                      dist = "ls $out/*";
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
          sdist = runScript {
            name = "sdist";
            script = "sdist.sh";
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
          # Each runtime's standard library compiled to bytecode by the runtime's own Python
          # (checks/pyodide-stdlib.sh, as make wheels builds it): runtime-files/pyodide-<version>/,
          # which the web app serves as /runtime-files/<version>/ and lists in the manifest.
          stdlibPyodide = lib.mapAttrs (
            version: _:
            runScript {
              name = "pyodide-stdlib-${version}";
              script = "pyodide-stdlib.sh";
              args = version;
              output = "dist";
            }
          ) pins.pyodide;
          # A directory of symlinks into the wheel packages: the web app serves such a dist
          # (checks/store-layout.sh runs the apps against this very shape).
          wheels = pkgs.symlinkJoin {
            name = "py-rust-fib-wheels";
            paths = [
              wheel-manylinux
              wheel-python
              sdist
            ]
            ++ lib.attrValues wheelPyodide;
          };
          # pyodide-<version> -> that runtime's precompiled standard library: the web app's
          # FIB_WEB_RUNTIME_FILES (a link per directory, so each is served from its own root).
          runtimeFiles = pkgs.linkFarm "py-rust-fib-runtime-files" (
            lib.mapAttrsToList (version: drv: {
              name = "pyodide-${version}";
              path = "${drv}/runtime-files/pyodide-${version}";
            }) stdlibPyodide
          );

          # The site as the web app serves it (web/static, the wheels, the runtimes and their
          # precompiled standard libraries): what
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
            {
              name = "runtime-files";
              path = runtimeFiles;
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
              dist = [ wheels ] ++ lib.attrValues stdlibPyodide;
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
              dist = [ wheels ] ++ lib.attrValues stdlibPyodide;
              env = emccEnv;
            };
            # flake.nix parses, flake.lock is complete, the pins agree with the locks, the npm
            # files and the Python environment (no formatting gate: nothing here runs nixfmt).
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
                  ./web/package-lock.json
                ];
              };
              env = pyodideEnv;
              extraTools = [ pkgs.nix ];
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
              FIB_WEB_RUNTIME_FILES = "${site}/runtime-files";
            };
          };
        in
        {
          packages = {
            inherit
              fib-rust
              wheel-manylinux
              wheel-python
              sdist
              wheel-emscripten
              wheel-pyodide-314
              wheels
              site
              python
              ;
            pyodide = pyodideRuntimes;
            pyodide-stdlib-0_21_3 = stdlibPyodide."0.21.3";
            pyodide-stdlib-314_0_7 = stdlibPyodide."314.0.7";
            emsdk = emsdk."3.1.14";
            emsdk-5_0_3 = emsdk."5.0.3";
            node-modules = browserNodeModules;
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
                echo "py-rust-fib: rustc ${pins.rust}, Python ${pkgs.python311.version}, emsdk ${lib.concatStringsSep " + " (lib.attrNames emsdk)}, Pyodide ${lib.concatStringsSep " + " (lib.attrNames pins.pyodide)}"
              '';
            }
          );

          # `nix fmt` (nixfmt); not a gate: `nix flake check` does not check formatting.
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
