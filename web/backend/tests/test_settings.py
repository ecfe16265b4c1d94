"""Settings from the environment, runtime descriptions, and the repository's real page files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import RUNTIMES, Tree
from fib_web.app import create_app
from fib_web.runtimes import load_runtimes
from fib_web.settings import REPO, Settings

STATIC = REPO / "web" / "static"


def test_defaults_are_the_repository_layout() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.static_dir == REPO / "web" / "static"
    assert settings.dist_dir == REPO / "dist"
    assert settings.node_modules == REPO / "web" / "node_modules"
    assert settings.runtime_files == REPO / "dist" / "runtime-files"
    assert settings.runtimes_file is None
    assert settings.runtimes_script == REPO / "checks" / "pyodide_runtimes.py"
    assert (REPO / "web" / "backend" / "fib_web" / "settings.py").is_file()


def test_environment_variables(tmp_path: Path) -> None:
    env = {
        "FIB_WEB_HOST": "0.0.0.0",
        "FIB_WEB_PORT": "9123",
        "FIB_WEB_STATIC": str(tmp_path / "s"),
        "FIB_WEB_DIST": str(tmp_path / "d"),
        "FIB_WEB_NODE_MODULES": str(tmp_path / "n"),
        "FIB_WEB_RUNTIMES": str(tmp_path / "r.json"),
        "FIB_WEB_DEFAULT_RUNTIME": "0.21.3",
    }
    settings = Settings.from_env(env)
    assert settings.runtime_files == tmp_path / "d" / "runtime-files"  # follows the dist
    env["FIB_WEB_RUNTIME_FILES"] = str(tmp_path / "f")
    assert Settings.from_env(env).runtime_files == tmp_path / "f"
    assert settings.host == "0.0.0.0" and settings.port == 9123
    assert settings.static_dir == tmp_path / "s"
    assert settings.dist_dir == tmp_path / "d"
    assert settings.node_modules == tmp_path / "n"
    assert settings.runtimes_file == tmp_path / "r.json"
    assert settings.default_runtime == "0.21.3"


def test_relative_paths_are_made_absolute_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"FIB_WEB_DIST": "wheels"})
    assert settings.dist_dir == tmp_path / "wheels"
    monkeypatch.chdir("/")
    assert settings.dist_dir == tmp_path / "wheels"  # not re-read from the new cwd


@pytest.mark.parametrize(
    ("port", "message"), [("http", "port number"), ("0", "between"), ("70000", "between")]
)
def test_bad_ports(port: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"FIB_WEB_PORT": port})


def test_empty_variables_mean_the_default() -> None:
    assert Settings.from_env({"FIB_WEB_PORT": "", "FIB_WEB_HOST": " "}) == Settings.from_env({})


def test_the_app_does_not_depend_on_the_working_directory(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with TestClient(create_app(tree.settings())) as client:
        assert client.get("/static/app.js").status_code == 200


def test_create_app_reads_the_environment(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIB_WEB_STATIC", str(tree.static))
    monkeypatch.setenv("FIB_WEB_DIST", str(tree.dist))
    monkeypatch.setenv("FIB_WEB_RUNTIMES", str(tree.runtimes_file))
    app = create_app()
    assert app.state.settings.dist_dir == tree.dist
    with TestClient(app) as client:
        assert client.get("/").status_code == 200


def test_runtimes_from_the_projects_script(tmp_path: Path) -> None:
    """Without FIB_WEB_RUNTIMES the app runs checks/pyodide_runtimes.py on its node_modules."""
    node_modules = tmp_path / "node_modules"
    versions = subprocess.run(
        [sys.executable, str(REPO / "checks" / "pyodide_runtimes.py"), "versions"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert versions
    for version in versions:
        rt = node_modules / f"pyodide-{version}"
        rt.mkdir(parents=True)
        info = next((r for r in RUNTIMES if r["version"] == version), RUNTIMES[-1])
        lock = {
            "info": {**info, "version": version, "arch": "wasm32"},
            "packages": {"micropip": {"version": "0.1"}},
        }
        (rt / "pyodide-lock.json").write_text(json.dumps(lock))
        (rt / "pyodide.mjs").write_text("")
    settings = Settings(node_modules=node_modules, dist_dir=tmp_path)
    runtimes = load_runtimes(settings)
    assert [r.version for r in runtimes] == versions
    assert all(r.dir == node_modules / f"pyodide-{r.version}" for r in runtimes)
    assert all(r.problem is None for r in runtimes)
    by_version = {r.version: r for r in runtimes}
    if "0.21.3" in by_version:
        assert by_version["0.21.3"].wheel_platform == "emscripten_3_1_14_wasm32"
        assert by_version["0.21.3"].py_tag == "cp310"


def test_a_failing_runtime_script_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(node_modules=tmp_path / "empty")
    with pytest.raises(RuntimeError, match=r"pyodide_runtimes\.py json failed"):
        create_app(settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"versions": 1}', "without"),
        ('"x"', "JSON list"),
        ('[{"version": "../x", "python": "3", "py_tag": "cp3", "wheel_platform": "p", "dir": "/"}]',
         "unusable runtime version"),
    ],
)  # fmt: skip
def test_bad_runtime_descriptions(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "runtimes.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_runtimes(Settings(runtimes_file=path))


def test_duplicate_runtimes_are_refused(tree: Tree) -> None:
    data = json.loads(tree.runtimes_file.read_text())
    tree.runtimes_file.write_text(json.dumps(data + data[:1]))
    with pytest.raises(ValueError, match="duplicate"):
        create_app(tree.settings())


# --- the real page ---------------------------------------------------------------------------


def test_the_real_page_references_only_files_that_are_served(tree: Tree) -> None:
    """index.html, app.js and worker.js of web/static, served by the app: every local URL they
    name is there, and they name no other host (no CDN)."""
    with TestClient(create_app(tree.settings(static_dir=STATIC))) as client:
        html = client.get("/").text
        refs = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
        assert "/static/app.js" in refs and "/static/style.css" in refs
        for ref in refs:
            if ref.startswith("data:"):
                continue
            assert ref.startswith("/static/"), ref
            assert client.get(ref).status_code == 200, ref
        assert client.get("/static/worker.js").status_code == 200
        assert client.get("/static/precompiled-stdlib.mjs").status_code == 200
    for path in STATIC.iterdir():
        text = path.read_text()
        urls = set(re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path.name, urls)  # an XML namespace
