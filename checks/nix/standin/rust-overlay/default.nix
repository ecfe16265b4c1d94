# Stand-in for oxalica/rust-overlay's flake (overlays.default), for evaluating flake.nix offline
# (checks/flake-eval.sh). It knows the real component and target names of the pinned manifests
# (manifest-<version>.nix, facts read from the locked revision) and mirrors lib/rust-bin.nix's
# toolchainFromManifest: rust-bin.stable."<version>" holds the host's components (rename aliases
# included) and the profiles (default, minimal, complete), each overridable with exactly
# extensions, targets, targetExtensions and enableLibsecret; like resolveComponents it throws on
# an unknown target or component. It builds nothing.
let
  manifests = {
    "1.96.0" = import ./manifest-1.96.0.nix;
  };

  toolchain =
    pkgs: m:
    let
      inherit (pkgs) lib;
      host = "x86_64-unknown-linux-gnu";
      component = name: pkgs.stdenvNoCC.mkDerivation {
        pname = name;
        version = m.version;
        standinComponent = "${name}-${m.version}-${host}";
      };
      components = lib.genAttrs m.hostComponents component;
      aliases = lib.mapAttrs (_: to: components.${to}) (
        lib.filterAttrs (_: to: builtins.elem to m.hostComponents) m.renames
      );
      known = m.hostComponents ++ builtins.attrNames aliases;
      canonical = name: m.renames.${name} or name;
      mkProfile =
        name: profileComponents:
        lib.makeOverridable (
          {
            extensions,
            targets,
            targetExtensions,
            enableLibsecret,
          }:
          let
            errors =
              map (t: "Unknown target `${t}`, typo or not supported by this version?") (
                builtins.filter (t: !builtins.elem t m.rustStdTargets) (targets ++ [ host ])
              )
              ++ map (c: "Unknown component `${c}`, typo or not support by this version?") (
                builtins.filter (c: !builtins.elem c known) (extensions ++ targetExtensions)
              );
          in
          if errors != [ ] then
            throw ''
              Component resolution failed for rust-${name}-${m.version}
              ${builtins.concatStringsSep "\n" errors}''
          else
            pkgs.stdenvNoCC.mkDerivation {
              pname = "rust-${name}";
              version = m.version;
              components = map (c: components.${canonical c}) (
                builtins.filter (c: builtins.elem (canonical c) m.hostComponents) (
                  profileComponents ++ extensions
                )
              );
              targets = lib.unique ([ host ] ++ targets);
              inherit targetExtensions enableLibsecret;
            }
        ) {
          extensions = [ ];
          targets = [ ];
          targetExtensions = [ ];
          enableLibsecret = name != "minimal";
        };
    in
    components // aliases // lib.mapAttrs mkProfile m.profiles;
in
{
  overlays.default = final: prev: {
    rust-bin.stable = builtins.mapAttrs (_: toolchain final) manifests;
  };
}
