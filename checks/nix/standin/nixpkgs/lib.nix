# Stand-in for the part of nixpkgs' `lib` that flake.nix uses, for the offline evaluation
# (checks/flake-eval.sh). Each function follows the nixpkgs one named beside it in its
# semantics and its errors (a missing attribute, a path that does not exist); it is not nixpkgs.
let
  inherit (builtins)
    attrNames
    concatStringsSep
    elemAt
    filter
    foldl'
    genList
    head
    isAttrs
    isList
    isPath
    isString
    length
    listToAttrs
    match
    pathExists
    replaceStrings
    split
    stringLength
    substring
    tail
    toString
    typeOf
    ;
in
rec {
  # lib/fixed-points.nix
  fix =
    f:
    let
      x = f x;
    in
    x;

  # lib/attrsets.nix
  nameValuePair = name: value: { inherit name value; };
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  mapAttrs = builtins.mapAttrs;
  mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
  filterAttrs =
    pred: set:
    listToAttrs (
      concatMap (
        name:
        let
          v = set.${name};
        in
        if pred name v then [ (nameValuePair name v) ] else [ ]
      ) (attrNames set)
    );
  attrValues = builtins.attrValues;
  inherit attrNames;
  optionalAttrs = cond: as: if cond then as else { };
  getAttrFromPath =
    attrPath: set:
    foldl' (
      acc: name:
      if acc ? ${name} then
        acc.${name}
      else
        throw "cannot find attribute '${concatStringsSep "." attrPath}' (no '${name}')"
    ) set attrPath;
  isDerivation = value: value.type or null == "derivation";

  # lib/lists.nix
  concatMap = builtins.concatMap;
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  last =
    list:
    assert list != [ ] || throw "lists.last: list must not be empty!";
    elemAt list (length list - 1);
  unique = foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];
  inherit foldl' head tail;
  elem = builtins.elem;
  all = builtins.all;
  any = builtins.any;
  flatten = x: if isList x then concatMap flatten x else [ x ];

  # lib/strings.nix
  concatStrings = builtins.concatStringsSep "";
  inherit concatStringsSep replaceStrings;
  concatMapStrings = f: list: concatStrings (map f list);
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  optionalString = cond: string: if cond then string else "";
  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix =
    suffix: content:
    let
      lenContent = stringLength content;
      lenSuffix = stringLength suffix;
    in
    lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;
  removeSuffix =
    suffix: str:
    if hasSuffix suffix str then substring 0 (stringLength str - stringLength suffix) str else str;
  removePrefix =
    prefix: str:
    if hasPrefix prefix str then
      substring (stringLength prefix) (stringLength str - stringLength prefix) str
    else
      str;
  splitString =
    sep: s:
    let
      special = [
        "\\"
        "["
        "{"
        "("
        ")"
        "^"
        "$"
        "?"
        "*"
        "+"
        "|"
        "."
      ];
      escaped = replaceStrings special (map (c: "\\${c}") special) sep;
    in
    filter isString (split escaped (toString s));
  escapeShellArg =
    arg:
    let
      string = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" string == null then
      "'${replaceStrings [ "'" ] [ "'\\''" ] string}'"
    else
      string;
  toShellVar = name: value: "${name}=${escapeShellArg value}";

  # lib/meta.nix
  getExe =
    x:
    let
      program =
        x.meta.mainProgram or (builtins.trace
          "lib.getExe: ${x.name or "package"} has no meta.mainProgram, guessing ${x.pname or x.name}"
          (x.pname or x.name)
        );
    in
    "${x}/bin/${program}";
  makeBinPath = paths: concatStringsSep ":" (map (p: "${p}/bin") paths);

  # lib/trivial.nix and lib/customisation.nix
  id = x: x;
  flip =
    f: a: b:
    f b a;
  importJSON = path: builtins.fromJSON (builtins.readFile path);
  importTOML = path: builtins.fromTOML (builtins.readFile path);
  makeOverridable =
    f: origArgs:
    let
      result = f origArgs;
    in
    result
    // {
      override = newArgs: makeOverridable f (origArgs // newArgs);
    };

  # lib/fetchers.nix
  fetchers.proxyImpureEnvVars = [
    "http_proxy"
    "https_proxy"
    "ftp_proxy"
    "all_proxy"
    "no_proxy"
    "HTTP_PROXY"
    "HTTPS_PROXY"
    "FTP_PROXY"
    "ALL_PROXY"
    "NO_PROXY"
    "NIX_SSL_CERT_FILE"
  ];

  # lib/fileset: a file set is the paths it includes minus those it excludes. Like the real
  # one, a path that does not exist is an error unless wrapped in maybeMissing, and toSource
  # refuses files outside its root.
  fileset =
    let
      coerce =
        context: value:
        if value._type or null == "fileset" then
          value
        else if isPath value then
          if pathExists value then
            {
              _type = "fileset";
              include = [ value ];
              exclude = [ ];
            }
          else
            throw "lib.fileset.${context}: ${toString value} is a path that does not exist."
        else
          throw "lib.fileset.${context}: expected a file set or a path, got a ${typeOf value}.";
      under = path: root: path == root || hasPrefix "${root}/" path;
    in
    rec {
      maybeMissing =
        path:
        if !isPath path then
          throw "lib.fileset.maybeMissing: argument is a ${typeOf path}, not a path."
        else if pathExists path then
          coerce "maybeMissing" path
        else
          {
            _type = "fileset";
            include = [ ];
            exclude = [ ];
          };
      unions =
        list:
        let
          sets = genList (i: coerce "unions (element ${toString i})" (elemAt list i)) (length list);
        in
        {
          _type = "fileset";
          include = concatMap (s: s.include) sets;
          exclude = concatMap (s: s.exclude) sets;
        };
      union = a: b: unions [
        a
        b
      ];
      difference =
        positive: negative:
        let
          p = coerce "difference (first argument)" positive;
          n = coerce "difference (second argument)" negative;
        in
        {
          _type = "fileset";
          inherit (p) include;
          exclude = p.exclude ++ n.include;
        };
      toSource =
        { root, fileset }:
        let
          set = coerce "toSource (fileset)" fileset;
          rootString = toString root;
          includes = map toString set.include;
          excludes = map toString set.exclude;
          outside = filter (p: !under p rootString) includes;
        in
        if !isPath root then
          throw "lib.fileset.toSource: `root` is a ${typeOf root}, not a path."
        else if outside != [ ] then
          throw "lib.fileset.toSource: `fileset` contains ${head outside}, which is not under `root` (${rootString})."
        else
          builtins.path {
            name = "source";
            path = root;
            filter =
              path: type:
              !(builtins.any (e: under path e) excludes)
              && builtins.any (i: under path i || (type == "directory" && hasPrefix "${path}/" i)) includes;
          };
    };
}
