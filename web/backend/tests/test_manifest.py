"""The manifest: wheels chosen per runtime from dist/ by their tags, never by fixed names."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import STDLIB, WHEELS, Tree, make_wheel
from fib_web.__main__ import print_manifest
from fib_web.app import create_app
from fib_web.manifest import Digests, Wheel, build_manifest, dist_wheels
from fib_web.runtimes import Runtime, version_key

OLD = Runtime("0.21.3", "3.10.2", "cp310", "emscripten_3_1_14_wasm32", Path("/nowhere"))
NEW = Runtime("314.0.7", "3.14.2", "cp314", "pyemscripten_2026_0_wasm32", Path("/nowhere"))


def by_version(manifest: dict[str, Any], version: str) -> dict[str, Any]:
    return next(r for r in manifest["runtimes"] if r["version"] == version)


def filenames(entry: dict[str, Any]) -> list[str]:
    return [wheel["filename"] for wheel in entry["wheels"]]


def test_each_runtime_gets_its_own_fib_pyrs(client: TestClient) -> None:
    manifest = client.get("/api/manifest").json()
    assert [r["version"] for r in manifest["runtimes"]] == ["0.21.3", "314.0.7"]
    old, new = by_version(manifest, "0.21.3"), by_version(manifest, "314.0.7")
    assert filenames(old) == [
        "fib_python-0.1.0-py3-none-any.whl",
        "fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl",
        "webworker-0.1.0-py3-none-any.whl",
    ]
    assert filenames(new) == [
        "fib_python-0.1.0-py3-none-any.whl",
        "fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
        "webworker-0.1.0-py3-none-any.whl",
    ]
    for entry in (old, new):
        assert entry["ready"] is True and entry["missing"] == [] and entry["problems"] == []
        assert entry["module_url"] == f"/pyodide/{entry['version']}/pyodide.mjs"
        assert entry["index_url"] == f"/pyodide/{entry['version']}/"
        assert all(w["url"] == "/wheels/" + w["filename"] for w in entry["wheels"])
        assert all(len(w["sha256"]) == 64 for w in entry["wheels"])
    assert manifest["default_runtime"] == "314.0.7"
    assert manifest["implementations"] == ["fib_python", "fib_pyrs"]


# --- the precompiled standard library (checks/pyodide-stdlib.sh) ---------------------------


def test_each_runtime_gets_its_precompiled_stdlib(client: TestClient, tree: Tree) -> None:
    manifest = client.get("/api/manifest").json()
    installs = {"0.21.3": "pycache", "314.0.7": "stdLibURL"}
    for version, name in STDLIB.items():
        stdlib = by_version(manifest, version)["stdlib"]
        file = tree.runtime_files / f"pyodide-{version}" / name
        assert stdlib == {
            "url": f"/runtime-files/{version}/{name}",
            "install": installs[version],
            "size": file.stat().st_size,
            "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
        }
        assert client.get(stdlib["url"]).content == file.read_bytes()


def test_without_a_precompiled_stdlib_the_runtime_still_starts(tree: Tree) -> None:
    for file in tree.runtime_files.glob("pyodide-314.0.7/python_stdlib*.zip"):
        file.unlink()
    with TestClient(create_app(tree.settings())) as client:
        new = by_version(client.get("/api/manifest").json(), "314.0.7")
    assert new["stdlib"] is None
    assert new["ready"] is True and new["problems"] == []


def test_a_stdlib_name_linking_out_of_the_runtime_files_is_not_listed(tree: Tree) -> None:
    file = tree.runtime_files / "pyodide-314.0.7" / "python_stdlib.zip"
    file.unlink()
    file.symlink_to(tree.outside / "secret.txt")
    with TestClient(create_app(tree.settings())) as client:
        assert by_version(client.get("/api/manifest").json(), "314.0.7")["stdlib"] is None
        reply = client.get("/runtime-files/314.0.7/python_stdlib.zip")
    assert reply.status_code == 404 and tree.secret.encode() not in reply.content


def test_the_runtime_files_can_live_outside_dist(tree: Tree, tmp_path: Path) -> None:
    """FIB_WEB_RUNTIME_FILES (the flake's packages.site has them beside dist): then that root
    and nothing in dist/runtime-files is served."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "pyodide-314.0.7").mkdir(parents=True)
    (elsewhere / "pyodide-314.0.7" / "python_stdlib.zip").write_bytes(b"PK elsewhere")
    with TestClient(create_app(tree.settings(runtime_files_dir=elsewhere))) as client:
        manifest = client.get("/api/manifest").json()
        assert by_version(manifest, "0.21.3")["stdlib"] is None
        new = by_version(manifest, "314.0.7")["stdlib"]
        assert client.get(new["url"]).content == b"PK elsewhere"
        assert client.get("/runtime-files/0.21.3/python_stdlib_pycache.zip").status_code == 404


def test_python_m_fib_web_manifest_names_the_stdlib(
    tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree.runtime_files / "pyodide-314.0.7" / "python_stdlib.zip").unlink()
    assert print_manifest(tree.settings()) == 0
    out = capsys.readouterr().out
    assert "/runtime-files/0.21.3/python_stdlib_pycache.zip (precompiled standard library" in out
    assert "no precompiled standard library (make wheels)" in out


def test_symlinks_out_of_dist_and_nested_wheels_are_not_listed(client: TestClient) -> None:
    text = client.get("/api/manifest").text
    for name in ("evil", "stolen", "renamed", "nested", "manylinux"):
        assert name not in text


# --- a dist directory of symlinks (Nix's symlinkJoin, or wheels kept in a build directory) ---


def read_only(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        for name in files:
            Path(root, name).chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        for name in dirs:
            Path(root, name).chmod(0o555)
    path.chmod(0o555)


@pytest.fixture
def linked_tree(tree: Tree, tmp_path: Path) -> Iterator[tuple[Tree, Path]]:
    """tree, with dist/ replaced by a symlink to a read-only directory of symlinks, each to a
    real wheel in its own read-only "store path" (the layout of the flake's packages.site)."""
    store = tmp_path / "store"
    store.mkdir()
    farm = store / "wheels"
    farm.mkdir()
    for index, name in enumerate(WHEELS):
        output = store / f"{index}-{name.split('-')[0]}"
        output.mkdir()
        make_wheel(output / name, payload=name.encode())
        (farm / name).symlink_to(output / name)
        read_only(output)
    read_only(farm)
    site = tmp_path / "site"
    site.mkdir()
    (site / "dist").symlink_to(farm, target_is_directory=True)
    try:
        yield tree, site / "dist"
    finally:
        for root, dirs, _ in os.walk(store):
            for name in dirs:
                Path(root, name).chmod(0o755)
        store.chmod(0o755)


def test_a_dist_of_symlinks_to_wheels_kept_elsewhere_is_served(
    linked_tree: tuple[Tree, Path],
) -> None:
    tree, dist = linked_tree
    assert sorted(dist_wheels(dist)) == sorted(WHEELS)
    with TestClient(create_app(tree.settings(dist_dir=dist))) as client:
        manifest = client.get("/api/manifest").json()
        for entry in manifest["runtimes"]:
            assert entry["ready"] is True and entry["missing"] == [], entry
            for wheel in entry["wheels"]:
                reply = client.get(wheel["url"])
                assert reply.status_code == 200
                assert reply.content == (dist / wheel["filename"]).read_bytes()
                assert hashlib.sha256(reply.content).hexdigest() == wheel["sha256"]


def test_python_m_fib_web_manifest_accepts_a_dist_of_symlinks(
    linked_tree: tuple[Tree, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tree, dist = linked_tree
    assert print_manifest(tree.settings(dist_dir=dist)) == 0
    out = capsys.readouterr().out
    assert "Pyodide 0.21.3 (Python 3.10.2): ready" in out
    assert "Pyodide 314.0.7 (Python 3.14.2): ready" in out


@pytest.mark.parametrize(
    ("what", "target_name", "make"),
    [
        ("a text file of the wheel's name", "x-0.1.0-py3-none-any.whl", "text"),
        ("a wheel of another distribution", "x-0.1.0-py3-none-any.whl", "other"),
        ("a wheel declaring other tags", "x-0.1.0-py3-none-any.whl", "tags"),
        ("a wheel of another version", "x-0.1.0-py3-none-any.whl", "version"),
        ("a real wheel under another name", "y-0.1.0-py3-none-any.whl", "wheel"),
        ("a directory", "x-0.1.0-py3-none-any.whl", "dir"),
        ("nothing (dangling)", "x-0.1.0-py3-none-any.whl", "missing"),
    ],
)
def test_a_symlink_is_followed_only_to_the_wheel_it_names(
    tmp_path: Path, what: str, target_name: str, make: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / target_name
    if make == "text":
        target.write_text("not a wheel")
    elif make == "other":
        make_wheel(target, dist_info="other-0.1.0.dist-info")
    elif make == "tags":
        make_wheel(target, tags=["cp310-cp310-emscripten_3_1_14_wasm32"])
    elif make == "version":
        make_wheel(target, dist_info="x-0.2.0.dist-info")
    elif make == "wheel":
        make_wheel(elsewhere / "x-0.1.0-py3-none-any.whl")
        (elsewhere / "x-0.1.0-py3-none-any.whl").rename(target)
    elif make == "dir":
        target.mkdir()
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "x-0.1.0-py3-none-any.whl").symlink_to(target)
    assert dist_wheels(dist) == {}, what
    # the control: a link to the real wheel of that name is served
    good = make_wheel(tmp_path / "x-0.1.0-py3-none-any.whl")
    (dist / "x-0.1.0-py3-none-any.whl").unlink()
    (dist / "x-0.1.0-py3-none-any.whl").symlink_to(good)
    assert dist_wheels(dist) == {"x-0.1.0-py3-none-any.whl": good}


def test_a_wheel_with_two_python_tags_declares_both(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    wheel = make_wheel(tmp_path / "w" / "x-0.1.0-py2.py3-none-any.whl")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / wheel.name).symlink_to(wheel)
    assert list(dist_wheels(dist)) == [wheel.name]
    make_wheel(wheel, tags=["py3-none-any"])  # one of the two tags missing
    assert dist_wheels(dist) == {}


def test_hidden_and_nested_entries_are_never_wheels(tmp_path: Path) -> None:
    make_wheel(tmp_path / ".x-0.1.0-py3-none-any.whl")
    (tmp_path / "sub").mkdir()
    make_wheel(tmp_path / "sub" / "x-0.1.0-py3-none-any.whl")
    assert dist_wheels(tmp_path) == {}
    assert dist_wheels(tmp_path / "missing") == {}


def test_a_missing_emscripten_wheel_is_reported(tree: Tree) -> None:
    (tree.dist / "fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl").unlink()
    with TestClient(create_app(tree.settings())) as client:
        new = by_version(client.get("/api/manifest").json(), "314.0.7")
    assert new["missing"] == ["fib_pyrs"]
    assert new["ready"] is True  # fib_python alone still runs
    assert "fib_pyrs" not in " ".join(filenames(new))


def test_without_the_webworker_wheel_no_runtime_is_ready(tree: Tree) -> None:
    (tree.dist / "webworker-0.1.0-py3-none-any.whl").unlink()
    with TestClient(create_app(tree.settings())) as client:
        manifest = client.get("/api/manifest").json()
    for entry in manifest["runtimes"]:
        assert entry["ready"] is False
        assert "no webworker wheel" in " ".join(entry["problems"])


def test_dist_is_read_per_request(tree: Tree) -> None:
    """Rebuilding a wheel needs no restart: the manifest follows dist/ (new bytes, new digest)."""
    with TestClient(create_app(tree.settings())) as client:
        before = by_version(client.get("/api/manifest").json(), "0.21.3")["wheels"][0]
        (tree.dist / before["filename"]).write_bytes(b"PK rebuilt")
        after = by_version(client.get("/api/manifest").json(), "0.21.3")["wheels"][0]
    assert after["sha256"] != before["sha256"] and after["size"] == len(b"PK rebuilt")


def test_a_runtime_without_its_module_is_not_ready(tree: Tree) -> None:
    (tree.runtime_dir("0.21.3") / "pyodide.mjs").unlink()
    with TestClient(create_app(tree.settings())) as client:
        manifest = client.get("/api/manifest").json()
    old = by_version(manifest, "0.21.3")
    assert old["ready"] is False and "pyodide.mjs" in old["problems"][0]
    assert manifest["default_runtime"] == "314.0.7"


@pytest.mark.parametrize(
    ("default", "expected"), [("0.21.3", "0.21.3"), ("314.0.7", "314.0.7"), ("9.9", "314.0.7")]
)
def test_default_runtime(tree: Tree, default: str, expected: str) -> None:
    with TestClient(create_app(tree.settings(default_runtime=default))) as client:
        assert client.get("/api/manifest").json()["default_runtime"] == expected


def test_newest_version_wins(tmp_path: Path) -> None:
    for name in [
        "fib_python-0.1.0-py3-none-any.whl",
        "fib_python-0.10.0-py3-none-any.whl",
        "fib_python-0.9.0-py3-none-any.whl",
        "webworker-0.1.0-py3-none-any.whl",
    ]:
        (tmp_path / name).write_bytes(b"PK")
    manifest = build_manifest([OLD], tmp_path, tmp_path / "runtime-files", Digests())
    assert filenames(manifest["runtimes"][0])[0] == "fib_python-0.10.0-py3-none-any.whl"


@pytest.mark.parametrize(
    ("filename", "old", "new"),
    [
        ("fib_python-0.1.0-py3-none-any.whl", True, True),
        ("fib_python-0.1.0-py2.py3-none-any.whl", True, True),
        ("fib_python-0.1.0-py310-none-any.whl", True, True),
        ("fib_python-0.1.0-py312-none-any.whl", False, True),
        ("fib_python-0.1.0-py2-none-any.whl", False, False),
        ("fib_python-0.1.0-cp310-none-any.whl", True, False),
        ("fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl", True, False),
        ("fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl", False, True),
        ("fib_pyrs-0.1.0-cp314-cp314-emscripten_5_0_3_wasm32.whl", False, False),
        ("fib_pyrs-0.1.0-cp311-cp311-emscripten_3_1_14_wasm32.whl", False, False),
        ("fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_32_wasm32.whl", False, False),
        ("fib_pyrs-0.1.0-cp310-abi3-emscripten_3_1_14_wasm32.whl", True, False),
        ("fib_pyrs-0.1.0-cp38-abi3-pyemscripten_2026_0_wasm32.whl", False, True),
        ("fib_pyrs-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl", False, False),
        ("fib_pyrs-0.1.0-cp310-cp310-linux_x86_64.whl", False, False),
        ("fib_pyrs-0.1.0-1build-cp310-cp310-emscripten_3_1_14_wasm32.whl", True, False),
    ],
)
def test_wheel_fits(filename: str, old: bool, new: bool) -> None:
    wheel = Wheel.parse(filename)
    assert wheel is not None
    assert (wheel.fits(OLD), wheel.fits(NEW)) == (old, new)


@pytest.mark.parametrize(
    "filename",
    ["fib_python.whl", "fib_python-0.1.0.whl", "a-b-c-d.whl", "x--py3-none-any.whl", "x.zip"],
)
def test_not_wheel_names(filename: str) -> None:
    assert Wheel.parse(filename) is None


def test_wheel_names_are_normalised() -> None:
    wheel = Wheel.parse("Fib.Python-0.1.0-py3-none-any.whl")
    assert wheel is not None and wheel.name == "fib_python"


def test_version_order() -> None:
    assert sorted(["314.0.7", "0.21.3", "0.26.4", "0.9.0"], key=version_key) == [
        "0.9.0",
        "0.21.3",
        "0.26.4",
        "314.0.7",
    ]
