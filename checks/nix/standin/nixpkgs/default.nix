# Stand-in for nixpkgs (`import nixpkgs { system; overlays; }`), for evaluating flake.nix offline
# in `make check` (checks/flake-eval.sh): these machines have no nixpkgs source and no Nix cache.
#
# It is not nixpkgs and builds nothing. It offers exactly the packages and builders flake.nix uses;
# each builder takes the argument names of the real nixpkgs function (the file it mirrors is named
# beside it; a closed argument pattern where the real one is closed, so a misspelt argument fails
# as it would there), checks what the real one checks (paths exist, hashes given, lock files
# readable), and returns a real `derivation` whose inputs are everything it was given, so every
# flake output has a drvPath. A misspelt package name fails as in nixpkgs: the attribute is missing.
{
  system,
  overlays ? [ ],
  config ? { },
  ...
}:
let
  lib = import ./lib.nix;
  inherit (builtins) isAttrs isFunction isList isPath isString;

  # What a derivation's inputs may be: derivations, paths, strings (store paths).
  checkInputs =
    what: list:
    assert isList list || throw "${what} must be a list";
    builtins.all (
      x:
      lib.isDerivation x || isPath x || isString x || throw "${what}: ${builtins.typeOf x} is not a package"
    ) list;

  # Arguments as JSON, functions left out: derivations become their store paths, paths are
  # added to the store, so the drvPath depends on every input (and a missing path fails).
  toArgs =
    value:
    if isFunction value then
      "<function>"
    else if lib.isDerivation value || isPath value then
      value
    else if isAttrs value then
      builtins.mapAttrs (_: toArgs) (builtins.removeAttrs value [ "override" "overrideAttrs" ])
    else if isList value then
      map toArgs value
    else
      value;

  mkDrv =
    name: args: extra:
    let
      drv = derivation {
        inherit name system;
        builder = "/bin/sh";
        args = [
          "-c"
          "echo 'a stand-in derivation for offline evaluation; build the flake with real nixpkgs' >&2; exit 1"
        ];
        standinArgs = builtins.toJSON (toArgs args);
      };
    in
    drv // extra // { inherit (drv) drvPath outPath; };

  # A package of nixpkgs (only its name matters here).
  package = name: extra: mkDrv name { standinPackage = name; } ({ pname = name; } // extra);

  nameOf =
    fn: args:
    args.name
      or (if args ? pname && args ? version then "${args.pname}-${args.version}" else throw "${fn}: neither name nor pname and version given");

  # pkgs/stdenv/generic/make-derivation.nix: open arguments (every attribute becomes an
  # environment variable), but the input lists are lists of packages.
  mkDerivation =
    stdenvName: args':
    let
      args = if isFunction args' then args' args else args';
      name = nameOf "${stdenvName}.mkDerivation" args;
    in
    assert builtins.all (
      attr: !(args ? ${attr}) || checkInputs "mkDerivation ${name}: ${attr}" args.${attr}
    ) [ "buildInputs" "nativeBuildInputs" "propagatedBuildInputs" "packages" ];
    mkDrv name (builtins.removeAttrs args [ "passthru" ]) (
      (args.passthru or { })
      // {
        inherit name;
        meta = args.meta or { };
      }
      // lib.optionalAttrs (args ? pname) { inherit (args) pname; }
      // lib.optionalAttrs (args ? version) { inherit (args) version; }
    );

  base =
    self:
    let
      stdenvWith = stdenvName: {
        mkDerivation = mkDerivation stdenvName;
        cc.cc.lib = package "gcc-lib" { };
        hostPlatform = {
          inherit system;
          isLinux = true;
          isDarwin = false;
        };
      };
    in
    {
      inherit lib system config;
      stdenv = stdenvWith "stdenv";
      stdenvNoCC = stdenvWith "stdenvNoCC";

      # pkgs/build-support/trivial-builders/default.nix: runCommand name env buildCommand
      runCommand =
        name: env: buildCommand:
        assert isAttrs env || throw "runCommand ${name}: env must be an attribute set";
        assert isString buildCommand || throw "runCommand ${name}: buildCommand must be a string";
        mkDerivation "stdenvNoCC" (env // { inherit name buildCommand; });

      # pkgs/build-support/trivial-builders/default.nix: writeText name text
      writeText =
        name: text:
        assert isString text || throw "writeText ${name}: text must be a string";
        mkDrv name { inherit text; } { inherit name; };

      # pkgs/build-support/trivial-builders/default.nix: writeShellApplication
      writeShellApplication =
        {
          name,
          text,
          runtimeInputs ? [ ],
          runtimeEnv ? null,
          meta ? { },
          passthru ? { },
          checkPhase ? null,
          excludeShellChecks ? [ ],
          extraShellCheckFlags ? [ ],
          bashOptions ? [
            "errexit"
            "nounset"
            "pipefail"
          ],
          derivationArgs ? { },
          inheritPath ? true,
          libraryPath ? [ ],
          inheritLibraryPath ? true,
        }@args:
        assert checkInputs "writeShellApplication ${name}: runtimeInputs" runtimeInputs;
        assert runtimeEnv == null || isAttrs runtimeEnv;
        mkDrv name args (
          passthru
          // {
            inherit name;
            meta = {
              mainProgram = name;
            }
            // meta;
          }
        );

      # pkgs/build-support/trivial-builders/default.nix: linkFarm name entries
      linkFarm =
        name: entries:
        assert
          isAttrs entries
          || builtins.all (
            x: x ? name && x ? path || throw "linkFarm ${name}: every entry needs name and path"
          ) entries;
        mkDrv name { inherit entries; } { inherit name; };

      # pkgs/build-support/trivial-builders/default.nix: symlinkJoin (open, `paths` required)
      symlinkJoin =
        {
          paths,
          preferLocalBuild ? true,
          allowSubstitutes ? false,
          postBuild ? "",
          ...
        }@args:
        assert checkInputs "symlinkJoin: paths" paths;
        mkDerivation "stdenvNoCC" (args // { name = nameOf "symlinkJoin" args; });

      # pkgs/build-support/mkshell/default.nix (open: other attributes are environment)
      mkShell =
        {
          name ? "nix-shell",
          packages ? [ ],
          inputsFrom ? [ ],
          buildInputs ? [ ],
          nativeBuildInputs ? [ ],
          propagatedBuildInputs ? [ ],
          propagatedNativeBuildInputs ? [ ],
          ...
        }@args:
        assert checkInputs "mkShell: packages" packages;
        mkDerivation "stdenv" (args // { inherit name; });

      # pkgs/build-support/fetchurl/default.nix (closed: "No ellipsis"; one hash at most)
      fetchurl =
        {
          curlOpts ? "",
          curlOptsList ? [ ],
          derivationArgs ? { },
          downloadToTemp ? false,
          executable ? false,
          hash ? "",
          meta ? { },
          name ? null,
          nativeBuildInputs ? [ ],
          netrcImpureEnvVars ? [ ],
          netrcPhase ? null,
          outputHash ? "",
          outputHashAlgo ? "",
          passthru ? { },
          pname ? null,
          postFetch ? "",
          preferLocalBuild ? true,
          recursiveHash ? false,
          sha1 ? "",
          sha256 ? "",
          sha512 ? "",
          showURLs ? false,
          url ? "",
          urls ? [ ],
          version ? null,
        }@args:
        let
          hashes = builtins.filter (h: h != "") [
            hash
            outputHash
            sha1
            sha256
            sha512
          ];
          firstUrl =
            if urls != [ ] && url == "" then
              builtins.head urls
            else if urls == [ ] && url != "" then
              url
            else
              throw "fetchurl requires either `url` or `urls` to be set";
        in
        assert builtins.length hashes <= 1 || throw "multiple hashes passed to fetchurl: ${firstUrl}";
        # (the real one falls back to a fake hash that fails at build time; here it fails now)
        assert hashes != [ ] || throw "fetchurl: no hash for ${firstUrl}";
        mkDrv (
          if pname != null && version != null then
            "${pname}-${version}"
          else if name != null then
            name
          else
            baseNameOf firstUrl
        ) args { outputHash = builtins.head hashes; };

      # pkgs/build-support/fetchpypi/default.nix: the wheel URL is computed from exactly these
      # (computeWheelUrl's closed pattern; sdists take `extension` instead)
      fetchPypi =
        {
          format ? "setuptools",
          sha256 ? "",
          hash ? "",
          pname,
          version,
          dist ? "py2.py3",
          python ? "py2.py3",
          abi ? "none",
          platform ? "any",
          extension ? "tar.gz",
        }@args:
        assert builtins.elem format [
          "wheel"
          "setuptools"
        ];
        assert format == "wheel" -> !(args ? extension) || throw "fetchPypi: `extension` is not a wheel argument";
        assert format != "wheel" -> !(args ? dist || args ? python || args ? abi || args ? platform);
        self.fetchurl {
          name =
            if format == "wheel" then
              "${pname}-${version}-${python}-${abi}-${platform}.whl"
            else
              "${pname}-${version}.${extension}";
          url = "mirror://pypi/${pname}";
          inherit sha256 hash;
        };

      rustPlatform = {
        # pkgs/build-support/rust/import-cargo-lock.nix
        importCargoLock =
          {
            lockFile ? null,
            lockFileContents ? null,
            allowBuiltinFetchGit ? false,
            extraRegistries ? { },
            outputHashes ? { },
          }@args:
          assert (lockFile == null) != (lockFileContents == null);
          let
            parsed = builtins.fromTOML (
              if lockFile != null then builtins.readFile lockFile else lockFileContents
            );
            registryPackages = builtins.filter (p: p ? source) parsed.package;
          in
          assert builtins.all (
            p: p ? checksum || throw "importCargoLock: ${p.name} ${p.version} has no checksum"
          ) registryPackages;
          mkDrv "cargo-vendor-dir" args { };
      };

      # pkgs/build-support/node/import-npm-lock/default.nix
      importNpmLock =
        let
          getName = package: package.name or "unknown";
          getVersion = package: package.version or "0.0.0";
          importNpmLock =
            {
              fetcherOpts ? { },
              npmRoot ? null,
              package ? lib.importJSON (npmRoot + "/package.json"),
              packageLock ? lib.importJSON (npmRoot + "/package-lock.json"),
              packageSourceOverrides ? { },
              pname ? getName package,
              version ? getVersion package,
            }:
            let
              # a package without `resolved` and without an override is not fetched
              sources = builtins.mapAttrs (
                modulePath: module:
                packageSourceOverrides.${modulePath}
                  or (if module.resolved or null != null then self.fetchurl {
                    url = module.resolved;
                    hash = module.integrity;
                  } else null)
              ) packageLock.packages;
              # package.json's dependencies become the store paths of their sources (the real
              # one reads packageLock'.packages."node_modules/<name>".resolved, which fails the
              # same way for a dependency that has neither `resolved` nor an override)
              mapDeps = builtins.mapAttrs (
                name: _:
                if sources."node_modules/${name}" or null == null then
                  throw "importNpmLock: ${name} has no resolved source and no packageSourceOverrides entry"
                else
                  "file:${sources."node_modules/${name}"}"
              );
              packageJSON =
                package
                // lib.optionalAttrs (package ? dependencies) { dependencies = mapDeps package.dependencies; }
                // lib.optionalAttrs (package ? devDependencies) {
                  devDependencies = mapDeps package.devDependencies;
                };
            in
            mkDrv "${pname}-${version}-sources" {
              package = packageJSON;
              sources = lib.filterAttrs (_: s: s != null) sources;
            } { };
        in
        {
          __functor = _: importNpmLock;
          buildNodeModules =
            {
              nodejs,
              derivationArgs ? { },
              npmRoot ? null,
              package ? lib.importJSON (npmRoot + "/package.json"),
              packageLock ? lib.importJSON (npmRoot + "/package-lock.json"),
            }:
            mkDerivation "stdenv" (
              {
                pname = derivationArgs.pname or "${getName package}-node-modules";
                version = derivationArgs.version or (getVersion package);
                npmDeps = importNpmLock { inherit npmRoot package packageLock; };
                nativeBuildInputs = [ nodejs ];
              }
              // derivationArgs
            );
        };

      # pkgs/development/libraries/fontconfig/make-fonts-conf.nix (callPackage'd)
      makeFontsConf =
        {
          fontDirectories,
          fontconfig ? null,
          impureFontDirectories ? [ ],
        }@args:
        assert checkInputs "makeFontsConf: fontDirectories" fontDirectories;
        mkDrv "fonts.conf" args { };

      # packages (only their names and the attributes flake.nix reads)
      autoPatchelfHook = package "auto-patchelf-hook" { };
      makeWrapper = package "make-wrapper-hook" { };
      zlib = package "zlib" { };
      python311 = package "python3" {
        version = "3.11";
        meta.mainProgram = "python3.11";
      };
      nodejs = package "nodejs" { meta.mainProgram = "node"; };
      patchelf = package "patchelf" { };
      zip = package "zip" { };
      unzip = package "unzip" { };
      chromium = package "chromium" { meta.mainProgram = "chromium"; };
      liberation_ttf = package "liberation-fonts" { };
      cacert = package "nss-cacert" { };
      nix = package "nix" { meta.mainProgram = "nix"; };
      nixfmt = package "nixfmt" { meta.mainProgram = "nixfmt"; };
    };

  # The overlays in order, each seeing the final set (nixpkgs' lib.fixedPoints / stage.nix).
  pkgs = lib.fix (final: lib.foldl' (prev: overlay: prev // overlay final prev) (base final) overlays);
in
assert builtins.isString system;
pkgs
