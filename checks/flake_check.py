#!/usr/bin/env python3
"""Checks of flake.nix and flake.lock that need neither a Nix store nor a network.

checks/flake.sh evaluates the flake's `pins` output and its `inputs` with nix-instantiate (no
store, no nixpkgs needed) and hands both to this script as JSON:

  flake_check.py check PINS.json INPUTS.json --wheels DIR --host-wheels DIR
                [--python-prefix DIR] [--rust-src-lock FILE]
      every check below; prints "ok   NAME" or "FAIL NAME: why" per check, notes, and a last
      line "counts PASSED FAILED"
  flake_check.py wheels-nix [--write]
      prints (or writes into flake.nix, between its BEGIN/END markers) the hostWheels block from
      python/requirements.lock and the wheels `checks/setup.sh host-wheels` downloaded into
      $PRF_CACHE/host-wheels/, and the pyodideTestWheels block from python/pyodide-py<X.Y>.lock
      and the wheels in $PRF_CACHE/pyodide-wheels/py<X.Y>/, each checked against its lock: after
      `make lock`, `checks/setup.sh host-wheels pyodide-deps` and then this

The checks:
  - flake.lock: lock format 7, every non-root node locked with exactly type, owner, repo, rev,
    narHash, lastModified (well-formed), its `original` matching flake.nix's input URL, the
    root's inputs and the follows equal to flake.nix's inputs
  - the Pyodide runtimes in flake.nix are exactly those of `pyodide_runtimes.py versions`, with
    the same Python and emscripten versions as the installed npm packages' own lock files
  - web/package-lock.json can feed the flake's npm fetches: every package has a version and an
    sha512 integrity (each package is one fixed-output fetch verified by it), and every runtime
    installed in node_modules is the locked version
  - one emsdk per runtime emscripten version, with a well-formed revision URL and hash
  - the host wheels equal python/requirements.lock for x86_64 Linux CPython 3.11 (name, version,
    one of the requirement's hashes, every requirement present, a tag that CPython 3.11 on
    manylinux x86_64 installs) and, where downloaded, those files' names and sha256; the same for
    the Pyodide test wheels against python/pyodide-py<X.Y>.lock
  - every shared library that an ELF file of the Python environment needs is glibc's, bundled
    in the environment, or one of pythonSystemLibraries (what autoPatchelf gets under Nix)
  - rust/Cargo.lock and the committed std Cargo.lock vendor from their own checksums
    (importCargoLock needs no extra hash), and the std lock equals the installed rust-src's of
    the pinned Rust version
  - no placeholder hash anywhere in flake.nix or flake.lock; the only download URLs in flake.nix
    are the emsdk pins (registries are reached through nixpkgs' fetchers and npm's own setting)
  - the Rust version equals checks/lib.sh's RUST_VERSION
Standard library only (it runs before any venv exists).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyodide_runtimes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FLAKE = ROOT / "flake.nix"
LOCK = ROOT / "flake.lock"

SRI = re.compile(r"sha(256|512)-([A-Za-z0-9+/]+={0,2})")
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def result(self, name: str, problems: list[str]) -> None:
        if problems:
            self.failed += 1
            print(f"FAIL {name}:")
            for p in problems:
                print(f"       {p}")
        else:
            self.passed += 1
            print(f"ok   {name}")

    def run(self, name: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
        try:
            problems = fn(*args)
        except Exception as e:  # a check that cannot even run has failed
            problems = [f"{type(e).__name__}: {e}"]
        self.result(name, problems)


def note(text: str) -> None:
    print(f"note {text}")


# --- hashes --------------------------------------------------------------------------------------
def sri_problems(value: str) -> list[str]:
    m = SRI.fullmatch(value)
    if not m:
        return [f"{value!r} is not an SRI sha256/sha512 hash"]
    size = {"256": 32, "512": 64}[m.group(1)]
    try:
        raw = base64.b64decode(m.group(2), validate=True)
    except ValueError:
        return [f"{value!r} is not valid base64"]
    if len(raw) != size:
        return [f"{value!r} decodes to {len(raw)} bytes, not {size}"]
    if len(set(raw)) <= 2:
        return [f"{value!r} looks like a placeholder"]
    return []


# --- flake.lock ----------------------------------------------------------------------------------
def parse_github_url(url: str) -> dict[str, str]:
    m = re.fullmatch(r"github:([^/]+)/([^/?]+)(?:/([^?]+))?", url)
    if not m:
        raise ValueError(f"input URL {url!r} is not github:OWNER/REPO[/REF]")
    original = {"type": "github", "owner": m.group(1), "repo": m.group(2)}
    if m.group(3):
        original["ref"] = m.group(3)
    return original


def check_lock_format(lock: dict) -> list[str]:
    problems = []
    if lock.get("version") != 7:
        problems.append(f"lock version is {lock.get('version')!r}, not 7")
    if lock.get("root") != "root" or "root" not in lock.get("nodes", {}):
        problems.append("no root node")
    return problems


def check_lock_roots(lock: dict, inputs: dict) -> list[str]:
    problems = []
    nodes = lock["nodes"]
    root_inputs = nodes[lock["root"]].get("inputs", {})
    if set(root_inputs) != set(inputs):
        problems.append(f"root inputs {sorted(root_inputs)} != flake.nix inputs {sorted(inputs)}")
    for name, spec in inputs.items():
        node_name = root_inputs.get(name)
        if not isinstance(node_name, str) or node_name not in nodes:
            problems.append(f"root input {name} points to no node ({node_name!r})")
            continue
        node = nodes[node_name]
        want = parse_github_url(spec["url"])
        if node.get("original") != want:
            problems.append(f"{node_name}: original {node.get('original')} != flake.nix {want}")
        # follows: flake.nix `inputs.X.inputs.Y.follows = "Z"` is ["Z"] in the lock
        want_follows = {
            sub: [s for s in sub_spec["follows"].split("/") if s]
            for sub, sub_spec in spec.get("inputs", {}).items()
            if "follows" in sub_spec
        }
        have = node.get("inputs", {})
        for sub, path in want_follows.items():
            if have.get(sub) != path:
                problems.append(f"{node_name}: input {sub} is {have.get(sub)!r}, flake.nix follows {path}")
    # nothing unreachable, nothing dangling
    reachable, todo = set(), [lock["root"]]
    while todo:
        n = todo.pop()
        if n in reachable:
            continue
        reachable.add(n)
        for target in nodes.get(n, {}).get("inputs", {}).values():
            if isinstance(target, str):
                if target not in nodes:
                    problems.append(f"{n} points to missing node {target}")
                else:
                    todo.append(target)
    extra = set(nodes) - reachable
    if extra:
        problems.append(f"unreachable nodes {sorted(extra)}")
    return problems


def check_lock_node(name: str, node: dict) -> list[str]:
    locked = node.get("locked")
    if not isinstance(locked, dict):
        return ["no locked entry"]
    problems = []
    want = {"type", "owner", "repo", "rev", "narHash", "lastModified"}
    if set(locked) != want:
        missing, extra = want - set(locked), set(locked) - want
        if missing:
            problems.append(f"locked lacks {sorted(missing)}")
        if extra:
            problems.append(f"locked has unexpected {sorted(extra)}")
    if locked.get("type") != "github":
        problems.append(f"type {locked.get('type')!r} is not github")
    for key in ("owner", "repo"):
        if not isinstance(locked.get(key), str) or not locked.get(key):
            problems.append(f"{key} missing")
    if not re.fullmatch(r"[0-9a-f]{40}", str(locked.get("rev", ""))):
        problems.append(f"rev {locked.get('rev')!r} is not a 40-hex commit")
    if "narHash" in locked:
        problems += [f"narHash: {p}" for p in sri_problems(str(locked["narHash"]))]
        if not str(locked["narHash"]).startswith("sha256-"):
            problems.append("narHash is not sha256")
    lm = locked.get("lastModified")
    if not isinstance(lm, int) or lm < 1_000_000_000:
        problems.append(f"lastModified {lm!r} is not a commit time")
    if "original" not in node:
        problems.append("no original entry")
    return problems


# --- Pyodide runtimes ----------------------------------------------------------------------------
def check_runtime_set(pins: dict) -> list[str]:
    want = pyodide_runtimes.versions()
    have = sorted(pins["pyodide"])
    if sorted(want) != have:
        return [f"flake.nix has {have}, web/package.json serves {sorted(want)}"]
    return []


def check_runtime_meta(pins: dict, version: str) -> list[str]:
    rt = pins["pyodide"][version]
    d = pyodide_runtimes.describe(version)
    problems = []
    if rt.get("python") != d["python_short"]:
        problems.append(f"python {rt.get('python')!r} != the runtime's {d['python_short']}")
    if rt.get("emscripten") != d["emscripten"]:
        problems.append(f"emscripten {rt.get('emscripten')!r} != the runtime's {d['emscripten']}")
    if rt.get("emscripten") not in pins["emsdk"]:
        problems.append(f"no emsdk {rt.get('emscripten')} pinned for it")
    if set(rt) != {"python", "emscripten"}:
        problems.append(f"unexpected keys {sorted(set(rt) - {'python', 'emscripten'})}")
    return problems


def check_npm_lock() -> list[str]:
    """web/package-lock.json as the flake reads it: name@version and integrity per package."""
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    package = json.loads((ROOT / "web" / "package.json").read_text())
    problems = []
    if lock.get("lockfileVersion") != 3:
        problems.append(f"lockfileVersion {lock.get('lockfileVersion')!r}, not 3")
    packages = lock.get("packages", {})
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        for name in package.get(section, {}):
            if f"node_modules/{name}" not in packages:
                problems.append(f"{section} {name} is not in the lock")
    for path, entry in sorted(packages.items()):
        if not path:
            continue
        if not path.startswith("node_modules/") or entry.get("link"):
            problems.append(f"{path}: not a registry package (the flake fetches by name@version)")
            continue
        if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?", str(entry.get("version", ""))):
            problems.append(f"{path}: version {entry.get('version')!r}")
        integrity = str(entry.get("integrity", ""))
        if not integrity.startswith("sha512-"):
            problems.append(f"{path}: integrity {integrity[:20]!r} is not sha512")
        else:
            problems += [f"{path}: {p}" for p in sri_problems(integrity)]
    for version in pyodide_runtimes.versions():
        installed = pyodide_runtimes.runtime_dir(version) / "package.json"
        locked = packages.get(f"node_modules/pyodide-{version}", {}).get("version")
        if locked != version:
            problems.append(f"pyodide-{version}: the lock has version {locked!r}")
        if not installed.is_file():
            problems.append(f"{installed} is missing (checks/setup.sh node installs it)")
        elif json.loads(installed.read_text()).get("version") != version:
            problems.append(f"{installed} is not version {version}")
    return problems


def check_emsdk(pins: dict) -> list[str]:
    problems = []
    wanted = {rt["emscripten"] for rt in pins["pyodide"].values()}
    if set(pins["emsdk"]) != wanted:
        problems.append(f"emsdk {sorted(pins['emsdk'])} != runtimes' emscripten {sorted(wanted)}")
    for version, e in sorted(pins["emsdk"].items()):
        if not re.search(r"/linux/[0-9a-f]{40}/wasm-binaries\.(tbz2|tar\.xz)$", e.get("url", "")):
            problems.append(f"{version}: url is not a linux emscripten-releases revision archive")
        problems += [f"{version}: {p}" for p in sri_problems(e.get("hash", ""))]
    return problems


# --- Pyodide test wheels -------------------------------------------------------------------------
def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


MARKER_TOKEN = re.compile(
    r"\s*(?:(?P<str>'[^']*'|\"[^\"]*\")|(?P<op>===|==|!=|<=|>=|~=|<|>|not in|in)"
    r"|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


def eval_marker(marker: str, env: dict[str, str]) -> bool:
    """PEP 508 environment markers of the forms pip-compile/uv write (and/or, parentheses,
    comparisons of a variable with a quoted string)."""
    tokens, pos = [], 0
    while pos < len(marker.rstrip()):
        m = MARKER_TOKEN.match(marker, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot parse marker {marker!r}")
        tokens.append(next((k, v) for k, v in m.groupdict().items() if v is not None))
        pos = m.end()

    def version(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", v))

    def value(tok: tuple[str, str]) -> str:
        kind, text = tok
        if kind == "str":
            return text[1:-1]
        if kind == "word" and text in env:
            return env[text]
        raise ValueError(f"unknown marker term {text!r} in {marker!r}")

    def compare(left: tuple[str, str], op: str, right: tuple[str, str]) -> bool:
        a, b = value(left), value(right)
        versioned = any(t[0] == "word" and "version" in t[1] for t in (left, right))
        if op in ("in", "not in"):
            return (a in b) == (op == "in")
        if versioned and op != "===":
            x, y = version(a), version(b)
        else:
            x, y = a, b  # type: ignore[assignment]
        return {
            "==": x == y, "===": a == b, "!=": x != y, "<": x < y,
            "<=": x <= y, ">": x > y, ">=": x >= y, "~=": x >= y,
        }[op]

    def expr(i: int) -> tuple[bool, int]:
        result, i = term(i)
        while i < len(tokens) and tokens[i] == ("word", "or"):
            right, i = term(i + 1)
            result = result or right
        return result, i

    def term(i: int) -> tuple[bool, int]:
        result, i = atom(i)
        while i < len(tokens) and tokens[i] == ("word", "and"):
            right, i = atom(i + 1)
            result = result and right
        return result, i

    def atom(i: int) -> tuple[bool, int]:
        if tokens[i] == ("paren", "("):
            result, i = expr(i + 1)
            if tokens[i] != ("paren", ")"):
                raise ValueError(f"unbalanced marker {marker!r}")
            return result, i + 1
        left, (kind, op), right = tokens[i], tokens[i + 1], tokens[i + 2]
        if kind != "op":
            raise ValueError(f"no comparison in marker {marker!r}")
        return compare(left, op, right), i + 3

    result, end = expr(0)
    if end != len(tokens):
        raise ValueError(f"trailing terms in marker {marker!r}")
    return result


def pyodide_env(python: str) -> dict[str, str]:
    """The marker environment inside Pyodide with this Python."""
    return {
        "python_version": python,
        "python_full_version": python + ".0",
        "sys_platform": "emscripten",
        "platform_system": "Emscripten",
        "platform_machine": "wasm32",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


#: The marker environment of the host venv under Nix (x86_64-linux, CPython 3.11).
HOST_PYTHON = "3.11"
HOST_ENV = {
    **pyodide_env(HOST_PYTHON),
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
}
#: Tags of a wheel that CPython 3.11 on x86_64 glibc Linux installs.
HOST_PYTHON_TAGS = re.compile(r"(cp311|cp3\d?|py3|py2\.py3|py3\d*)")
HOST_PLATFORM = re.compile(r"(any|(manylinux\d+|manylinux_2_\d+)_x86_64)")


def read_requirements(lock_file: Path, env: dict[str, str]) -> dict[str, tuple[str, set[str]]]:
    """normalized name -> (version, hashes) of the requirements that apply in env."""
    text = re.sub(r"\\\n", " ", lock_file.read_text())
    reqs = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)\s*(?:;\s*(.*?))?\s*((?:--hash=\S+\s*)*)$", line)
        if not m:
            raise ValueError(f"{lock_file.name}: cannot read {line!r}")
        name, ver, marker, hashes = m.groups()
        if marker and not eval_marker(marker, env):
            continue
        digests = set(re.findall(r"--hash=sha256:([0-9a-f]{64})", hashes))
        if not digests:
            raise ValueError(f"{lock_file.name}: {name}=={ver} has no sha256 hashes")
        reqs[normalize(name)] = (ver, digests)
    return reqs


def parse_wheel_name(file: str) -> tuple[str, str]:
    parts = file.removesuffix(".whl").split("-")
    if not file.endswith(".whl") or len(parts) != 5:
        raise ValueError(f"{file}: not NAME-VERSION-PYTHON-ABI-PLATFORM.whl (fetchPypi's form)")
    return normalize(parts[0]), parts[1]


def check_wheel_table(
    table: dict[str, str], lock_file: Path, env: dict[str, str], wheels_dir: Path | None
) -> list[str]:
    """A flake.nix table file -> sha256 against a hashed lock (and the downloaded files)."""
    problems = []
    if not lock_file.is_file():
        return [f"{lock_file.relative_to(ROOT)} is missing"]
    reqs = read_requirements(lock_file, env)
    seen = set()
    for file, digest in sorted(table.items()):
        try:
            name, ver = parse_wheel_name(file)
        except ValueError as e:
            problems.append(str(e))
            continue
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or len(set(digest)) <= 2:
            problems.append(f"{file}: {digest!r} is not a sha256 hex digest")
        if name not in reqs:
            problems.append(f"{file}: {name} is not in {lock_file.name}")
            continue
        want_ver, digests = reqs[name]
        if ver != want_ver:
            problems.append(f"{file}: the lock has {name}=={want_ver}")
        if digest not in digests:
            problems.append(f"{file}: sha256 {digest[:16]}... is not one of the lock's hashes for {name}")
        if name in seen:
            problems.append(f"{file}: a second wheel for {name}")
        seen.add(name)
    for name in sorted(set(reqs) - seen):
        problems.append(f"{name}=={reqs[name][0]} from {lock_file.name} has no wheel in flake.nix")
    if wheels_dir is not None:
        downloaded = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in wheels_dir.glob("*.whl")
        }
        if downloaded != table:
            only_flake = sorted(set(table.items()) - set(downloaded.items()))
            only_host = sorted(set(downloaded.items()) - set(table.items()))
            problems.append(
                f"flake.nix differs from the wheels in {wheels_dir}: only in flake.nix "
                f"{[f for f, _ in only_flake]}, only downloaded {[f for f, _ in only_host]}"
            )
    return problems


def check_test_wheels(pins: dict, python: str, wheels_dir: Path | None) -> list[str]:
    lock_file = ROOT / "python" / f"pyodide-py{python}.lock"
    table = pins["pyodideTestWheels"].get(python, {})
    return check_wheel_table(table, lock_file, pyodide_env(python), wheels_dir)


def check_host_wheels(pins: dict, wheels_dir: Path | None) -> list[str]:
    table = pins["hostWheels"]
    problems = check_wheel_table(table, ROOT / "python" / "requirements.lock", HOST_ENV, wheels_dir)
    for file in sorted(table):
        parts = file.removesuffix(".whl").split("-")
        if len(parts) != 5:
            continue
        python, _, platform = parts[2:]
        if not any(HOST_PYTHON_TAGS.fullmatch(t) for t in python.split(".")) or not any(
            HOST_PLATFORM.fullmatch(t) for t in platform.split(".")
        ):
            problems.append(f"{file}: not a wheel for CPython {HOST_PYTHON} on x86_64 Linux")
    return problems


def cache_dir() -> Path:
    """lib.sh's PRF_CACHE default."""
    return Path(
        os.environ.get("PRF_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "py-rust-fib"
    )


def default_wheels_dir() -> Path:
    """Where checks/setup.sh pyodide-deps downloads."""
    if os.environ.get("PRF_PYODIDE_WHEELS"):
        return Path(os.environ["PRF_PYODIDE_WHEELS"])
    return cache_dir() / "pyodide-wheels"


def host_wheels_dir() -> Path:
    """Where checks/setup.sh host-wheels downloads the lock's wheels for the flake (one
    directory per lock, named by the lock's hash as setup.sh computes it)."""
    digest = hashlib.sha256((ROOT / "python" / "requirements.lock").read_bytes()).hexdigest()
    return cache_dir() / "host-wheels" / digest[:16]


def table_lines(name: str, wheels: Path, lock_file: Path, env: dict[str, str], indent: str) -> list[str]:
    """`name = { "file" = "sha256"; ... };` in nixfmt's layout, from the downloaded wheels
    that the lock lists (each checked against it)."""
    reqs = read_requirements(lock_file, env)
    lines = [f"{indent}{name} = {{"]
    found = set()
    for path in sorted(wheels.glob("*.whl")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        wheel_name, ver = parse_wheel_name(path.name)
        if reqs.get(wheel_name, ("", set()))[0] != ver or digest not in reqs[wheel_name][1]:
            raise SystemExit(f"{path} does not match {lock_file.relative_to(ROOT)}")
        found.add(wheel_name)
        # nixfmt's layout: one line when the binding (without its indentation) fits in 100
        binding = f'"{path.name}" = "{digest}";'
        if len(binding) <= 100:
            lines.append(f"{indent}  {binding}")
        else:
            lines.append(f'{indent}  "{path.name}" =')
            lines.append(f'{indent}    "{digest}";')
    if set(reqs) - found:
        raise SystemExit(f"{wheels} lacks {sorted(set(reqs) - found)}: run checks/setup.sh host-wheels pyodide-deps")
    lines.append(f"{indent}}};")
    return lines


def replace_block(text: str, marker: str, block: str) -> str:
    begin, end = f"        # BEGIN {marker}\n", f"        # END {marker}\n"
    if text.count(begin) != 1 or text.count(end) != 1:
        raise SystemExit(f"flake.nix has no single BEGIN/END {marker} block")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return head + begin + block + end + tail


def wheels_nix(wheels: Path, host_wheels: Path, write: bool) -> int:
    """The hostWheels and pyodideTestWheels blocks, from the downloaded wheels the locks list."""
    host = table_lines(
        "hostWheels", host_wheels, ROOT / "python" / "requirements.lock", HOST_ENV, " " * 8
    )
    pythons = {pyodide_runtimes.describe(v)["python_short"] for v in pyodide_runtimes.versions()}
    test = ["        pyodideTestWheels = {"]
    for python in sorted(pythons, key=lambda v: tuple(map(int, v.split(".")))):
        lock_file = ROOT / "python" / f"pyodide-py{python}.lock"
        test += table_lines(f'"{python}"', wheels / f"py{python}", lock_file, pyodide_env(python), " " * 10)
    test.append("        };")
    blocks = {"host-wheels": "\n".join(host) + "\n", "pyodide-test-wheels": "\n".join(test) + "\n"}
    if not write:
        print("".join(blocks.values()), end="")
        return 0
    text = FLAKE.read_text()
    for marker, block in blocks.items():
        text = replace_block(text, marker, block)
    FLAKE.write_text(text)
    print(f"rewrote the hostWheels and pyodideTestWheels blocks of {FLAKE}")
    return 0


# --- the rest ------------------------------------------------------------------------------------
def check_cargo_lock(path: Path) -> list[str]:
    lock = tomllib.loads(path.read_text())
    problems = []
    for pkg in lock.get("package", []):
        source = pkg.get("source")
        if source is None:
            continue  # a workspace member
        if not source.startswith(("registry+", "sparse+")):
            problems.append(f"{pkg['name']} {pkg['version']}: source {source} needs an extra hash")
        elif not re.fullmatch(r"[0-9a-f]{64}", pkg.get("checksum", "")):
            problems.append(f"{pkg['name']} {pkg['version']}: no checksum")
    return problems


def check_std_lock(pins: dict, rust_src_lock: Path | None) -> list[str]:
    """The committed std Cargo.lock equals the installed rust-src's, for the pinned Rust."""
    committed = ROOT / pins["stdCargoLock"]
    if not committed.is_file():
        return [f"{pins['stdCargoLock']} is missing"]
    problems = check_cargo_lock(committed)
    if rust_src_lock is None:
        note("no rust-src of the pinned Rust installed: the std lock is checked by the flake's vendor step only")
    elif not rust_src_lock.is_file():
        problems.append(f"{rust_src_lock} is missing")
    elif rust_src_lock.read_bytes() != committed.read_bytes():
        problems.append(f"{pins['stdCargoLock']} differs from {rust_src_lock}")
    return problems


# glibc's libraries: nixpkgs' glibc provides them to every patched ELF file.
GLIBC = re.compile(r"(ld-linux-x86-64\.so\.2|lib(c|m|dl|rt|pthread|util|resolv|crypt|anl)\.so\.\d+)")


def elf_needed(path: Path) -> list[str] | None:
    """DT_NEEDED of a 64-bit little-endian ELF file, or None if it is not one."""
    with path.open("rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
            return None
        shoff = int.from_bytes(head[0x28:0x30], "little")
        shentsize, shnum = (int.from_bytes(head[o : o + 2], "little") for o in (0x3A, 0x3C))
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        sections = []
        for i in range(shnum):
            sh = table[i * shentsize : (i + 1) * shentsize]
            kind = int.from_bytes(sh[4:8], "little")
            offset, size = int.from_bytes(sh[0x18:0x20], "little"), int.from_bytes(sh[0x20:0x28], "little")
            link = int.from_bytes(sh[0x28:0x2C], "little")
            sections.append((kind, offset, size, link))
        needed = []
        for kind, offset, size, link in sections:
            if kind != 6:  # SHT_DYNAMIC
                continue
            _, str_offset, str_size, _ = sections[link]
            f.seek(str_offset)
            strings = f.read(str_size)
            f.seek(offset)
            dynamic = f.read(size)
            for i in range(0, len(dynamic) - 15, 16):
                tag = int.from_bytes(dynamic[i : i + 8], "little")
                value = int.from_bytes(dynamic[i + 8 : i + 16], "little")
                if tag == 0:
                    break
                if tag == 1:  # DT_NEEDED
                    needed.append(strings[value : strings.index(b"\0", value)].decode())
        return needed


def check_python_libraries(pins: dict, prefix: Path) -> list[str]:
    """Every library an ELF file of the Python environment needs is provided under Nix, and
    pythonSystemLibraries lists nothing that is not needed."""
    files = [p for p in prefix.rglob("*") if p.is_file() and not p.is_symlink()]
    bundled = {p.name for p in files}
    provided = set(pins["pythonSystemLibraries"])
    users: dict[str, list[str]] = {}
    for path in files:
        if not (path.suffix == ".so" or ".so." in path.name or path.parent.name == "bin"):
            continue
        try:
            needed = elf_needed(path)
        except (OSError, ValueError, IndexError):
            needed = None
        for lib in needed or []:
            users.setdefault(lib, []).append(str(path.relative_to(prefix)))
    if not users:
        return [f"no ELF files under {prefix}: not the Python environment"]
    problems = [
        f"{lib} (needed by {', '.join(sorted(paths)[:3])}) is not in pythonSystemLibraries"
        for lib, paths in sorted(users.items())
        if not (GLIBC.fullmatch(lib) or lib in bundled or lib in provided)
    ]
    problems += [
        f"pythonSystemLibraries lists {lib}, which nothing needs"
        for lib in sorted(provided - set(users))
    ]
    return problems


def check_placeholders() -> list[str]:
    problems = []
    for path in (FLAKE, LOCK):
        text = path.read_text()
        for pattern, what in (
            (r"\bfake(Hash|Sha256|Sha512)\b", "a fake hash"),
            (r"\b(hash|sha256|sha512|narHash|outputHash)\s*=\s*\"\"", "an empty hash"),
            (r"sha(256|512)-A{16,}", "an AAAA... placeholder"),
            (r"\b0{52,}\b", "an all-zero hash"),
        ):
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.name}:{line}: {what} ({m.group(0)[:40]})")
        for m in SRI.finditer(text):
            problems += [f"{path.name}: {p}" for p in sri_problems(m.group(0))]
        for m in HEX64.finditer(text):
            if len(set(m.group(0))) <= 2:
                problems.append(f"{path.name}: {m.group(0)[:16]}... looks like a placeholder")
    return problems


def check_urls(pins: dict) -> list[str]:
    allowed = {e["url"] for e in pins["emsdk"].values()}
    problems = []
    for m in re.finditer(r"\w+://[^\s\"';]+", FLAKE.read_text()):
        if m.group(0) not in allowed:
            problems.append(f"{m.group(0)} is not one of the pinned download URLs")
    return problems


def check_rust_version(pins: dict) -> list[str]:
    m = re.search(r"^RUST_VERSION=(\S+)", (ROOT / "checks" / "lib.sh").read_text(), re.M)
    if not m or m.group(1) != pins.get("rust"):
        return [f"flake.nix rust {pins.get('rust')!r} != checks/lib.sh RUST_VERSION {m and m.group(1)!r}"]
    return []


def check(
    pins_file: Path,
    inputs_file: Path,
    wheels: Path,
    host_wheels: Path,
    python_prefix: Path | None,
    rust_src_lock: Path | None,
) -> int:
    pins = json.loads(pins_file.read_text())
    inputs = json.loads(inputs_file.read_text())
    c = Checks()

    lock = json.loads(LOCK.read_text())
    c.run("flake.lock format (version 7, root node)", check_lock_format, lock)
    c.run("flake.lock root inputs and follows = flake.nix inputs", check_lock_roots, lock, inputs)
    for name, node in sorted(lock.get("nodes", {}).items()):
        if name != lock.get("root"):
            c.run(f"flake.lock node {name} fully locked", check_lock_node, name, node)

    c.run("Pyodide runtimes = web/package.json's", check_runtime_set, pins)
    for version in sorted(pins["pyodide"]):
        c.run(f"Pyodide {version}: python, emscripten = the runtime's lock", check_runtime_meta, pins, version)
    c.run("web/package-lock.json: name, version, sha512 integrity per package", check_npm_lock)
    c.run("emsdk pins (one per runtime emscripten)", check_emsdk, pins)

    if not host_wheels.is_dir():
        note(f"no downloaded host wheels in {host_wheels}: the table is checked against the lock only")
    c.run(
        "host wheels = python/requirements.lock (x86_64 Linux, CPython 3.11)",
        check_host_wheels, pins, host_wheels if host_wheels.is_dir() else None,
    )
    for python in sorted(pins["pyodideTestWheels"].keys() | {rt["python"] for rt in pins["pyodide"].values()}):
        d = wheels / f"py{python}"
        if not d.is_dir():
            note(f"no downloaded wheels in {d}: the Python {python} table is checked against the lock only")
        c.run(
            f"Pyodide test wheels for Python {python} = python/pyodide-py{python}.lock",
            check_test_wheels, pins, python, d if d.is_dir() else None,
        )
    if python_prefix is None:
        note("no Python environment given: its shared libraries are not checked")
    else:
        c.run(
            "the Python environment needs no library beyond glibc, its own and pythonSystemLibraries",
            check_python_libraries, pins, python_prefix,
        )

    c.run("rust/Cargo.lock vendors from its own checksums", check_cargo_lock, ROOT / "rust" / "Cargo.lock")
    c.run("std's Cargo.lock = the pinned rust-src's, with checksums", check_std_lock, pins, rust_src_lock)
    c.run("no placeholder hashes in flake.nix, flake.lock", check_placeholders)
    c.run("download URLs in flake.nix are the pinned ones", check_urls, pins)
    c.run("Rust version = checks/lib.sh RUST_VERSION", check_rust_version, pins)
    print(f"counts {c.passed} {c.failed}")
    return 1 if c.failed else 0


def main(argv: list[str]) -> int:
    match argv:
        case ["check", pins, inputs, "--wheels", wheels, "--host-wheels", host, *rest]:
            options = dict(zip(rest[::2], rest[1::2], strict=True))
            if set(options) - {"--python-prefix", "--rust-src-lock"}:
                print(__doc__, file=sys.stderr)
                return 2
            prefix = options.get("--python-prefix")
            rust_src = options.get("--rust-src-lock")
            return check(
                Path(pins), Path(inputs), Path(wheels), Path(host),
                Path(prefix) if prefix else None, Path(rust_src) if rust_src else None,
            )
        case ["wheels-nix", *rest] if set(rest) <= {"--write"}:
            return wheels_nix(default_wheels_dir(), host_wheels_dir(), "--write" in rest)
        case ["host-wheels-dir"]:
            print(host_wheels_dir())
            return 0
        case _:
            print(__doc__, file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
