"""Fixtures: a complete served tree in a temporary directory, with a secret planted outside it.

``make_tree`` builds static/, dist/ (with dist/runtime-files/pyodide-<version>/, the files built
for each runtime), node_modules/pyodide-<version>/ (two fake runtimes and an unrelated npm
package), a ``runtimes.json`` as ``checks/pyodide_runtimes.py json`` prints it, and
``outside/secret.txt`` plus symlinks from inside every root to the outside. No test may ever see
the secret's content.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fib_web.app import create_app
from fib_web.settings import Settings

RUNTIMES: list[dict[str, Any]] = [
    {
        "version": "0.21.3",
        "python": "3.10.2",
        "py_tag": "cp310",
        "platform": "emscripten_3_1_14",
        "abi": None,
        "wheel_platform": "emscripten_3_1_14_wasm32",
        "micropip": "0.1",
    },
    {
        "version": "314.0.7",
        "python": "3.14.2",
        "py_tag": "cp314",
        "platform": "emscripten_5_0_3",
        "abi": "2026_0",
        "wheel_platform": "pyemscripten_2026_0_wasm32",
        "micropip": "0.11.1",
    },
]

WHEELS = [
    "fib_python-0.1.0-py3-none-any.whl",
    "webworker-0.1.0-py3-none-any.whl",
    "fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl",
    "fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
    "fib_pyrs-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl",  # the host's: fits no runtime
]

#: The precompiled standard library checks/pyodide-stdlib.sh builds for each runtime.
STDLIB = {"0.21.3": "python_stdlib_pycache.zip", "314.0.7": "python_stdlib.zip"}

INDEX_HTML = b"<!doctype html><title>fib</title><script type=module src=/static/app.js></script>"


def make_wheel(
    path: Path,
    dist_info: str | None = None,
    tags: Iterable[str] | None = None,
    payload: bytes = b"",
    members: dict[str, bytes] | None = None,
) -> Path:
    """A real (tiny) wheel archive at path: ``<name>-<version>.dist-info/WHEEL`` with the tags of
    the file name, unless dist_info or tags say otherwise; payload goes into a stored member, and
    ``members`` (name -> content) into deflated ones."""
    name, version, python, abi, platform = path.name.removesuffix(".whl").split("-")
    if tags is None:
        tags = [
            f"{p}-{a}-{t}"
            for p in python.split(".")
            for a in abi.split(".")
            for t in platform.split(".")
        ]
    info = dist_info or f"{name}-{version}.dist-info"
    wheel_text = "Wheel-Version: 1.0\nRoot-Is-Purelib: false\n"
    wheel_text += "".join(f"Tag: {tag}\n" for tag in tags)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{info}/WHEEL", wheel_text)
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\n")
        archive.writestr(f"{name}/payload.txt", payload)
        for member, content in (members or {}).items():
            archive.writestr(member, content, zipfile.ZIP_DEFLATED)
    return path


@dataclass
class Tree:
    root: Path
    static: Path
    dist: Path
    runtime_files: Path
    node_modules: Path
    runtimes_file: Path
    outside: Path
    secret: str  # content of outside/secret.txt (and of the other planted secrets)

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "static_dir": self.static,
            "dist_dir": self.dist,
            "node_modules": self.node_modules,
            "runtimes_file": self.runtimes_file,
        }
        values.update(overrides)
        return Settings(**values)

    def runtime_dir(self, version: str) -> Path:
        return self.node_modules / f"pyodide-{version}"


def make_tree(base: Path) -> Tree:
    secret = f"SECRET-{secrets.token_hex(16)}"
    outside = base / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text(secret)
    (outside / "secret.whl").write_text(secret)
    (base / "secret.txt").write_text(secret)  # the parent of every root

    static = base / "static"
    static.mkdir()
    (static / "index.html").write_bytes(INDEX_HTML)
    (static / "app.js").write_text("console.log('app');\n")
    (static / "worker.js").write_text("self.onmessage = () => {};\n")
    (static / "style.css").write_text("body { margin: 0 }\n")
    (static / "sub").mkdir()
    (static / "sub" / "page.txt").write_text("sub page\n")
    (static / ".hidden").write_text(secret)
    (static / "link-out.txt").symlink_to(outside / "secret.txt")
    (static / "linkdir").symlink_to(outside, target_is_directory=True)
    (static / "parent").symlink_to(base, target_is_directory=True)
    (static / "inner-link.css").symlink_to(static / "style.css")  # stays inside: allowed
    (static / "loop").symlink_to(static / "loop")

    dist = base / "dist"
    dist.mkdir()
    for name in WHEELS:
        (dist / name).write_bytes(b"PK\x03\x04 fake wheel " + name.encode())
    (dist / "notes.txt").write_text("not a wheel\n")
    (dist / "evil-0.1.0-py3-none-any.whl").symlink_to(outside / "secret.whl")
    # Links of a wheel's name to something that is not that wheel: a text file, and a real wheel
    # archive of another distribution that carries the secret.
    (outside / "stolen-0.1.0-py3-none-any.whl").write_text(secret)
    (dist / "stolen-0.1.0-py3-none-any.whl").symlink_to(outside / "stolen-0.1.0-py3-none-any.whl")
    make_wheel(
        outside / "renamed-0.1.0-py3-none-any.whl",
        dist_info="other-0.1.0.dist-info",
        payload=secret.encode(),
    )
    (dist / "renamed-0.1.0-py3-none-any.whl").symlink_to(outside / "renamed-0.1.0-py3-none-any.whl")
    (dist / "sub").mkdir()
    (dist / "sub" / "nested-0.1.0-py3-none-any.whl").write_bytes(b"PK nested")

    runtime_files = dist / "runtime-files"
    for version, name in STDLIB.items():
        directory = runtime_files / f"pyodide-{version}"
        directory.mkdir(parents=True)
        (directory / name).write_bytes(b"PK\x05\x06" + bytes(18) + version.encode())
        (directory / ".inputs").write_text(secret)  # the build's stamp: hidden, never served
        (directory / "link-out.zip").symlink_to(outside / "secret.txt")
        (directory / "up").symlink_to(base, target_is_directory=True)
    (runtime_files / "secret.txt").write_text(secret)  # beside the runtimes' directories
    unserved = runtime_files / "pyodide-9.9.9"  # files for a runtime the app does not serve
    unserved.mkdir()
    (unserved / "python_stdlib.zip").write_text(secret)

    node_modules = base / "node_modules"
    descriptions = []
    for runtime in RUNTIMES:
        rt = node_modules / f"pyodide-{runtime['version']}"
        rt.mkdir(parents=True)
        (rt / "pyodide.mjs").write_text("export async function loadPyodide() {}\n")
        (rt / "pyodide.js").write_text("var loadPyodide;\n")
        (rt / "pyodide.asm.wasm").write_bytes(b"\x00asm\x01\x00\x00\x00")
        (rt / "pyodide.asm.data").write_bytes(b"\x00data")
        (rt / "python_stdlib.zip").write_bytes(b"PK\x05\x06" + bytes(18))
        (rt / "pyodide-lock.json").write_text(json.dumps({"info": runtime}))
        (rt / "link-out.js").symlink_to(outside / "secret.txt")
        (rt / "up").symlink_to(node_modules, target_is_directory=True)
        descriptions.append({**runtime, "dir": str(rt)})
    other = node_modules / "playwright-core"
    other.mkdir()
    (other / "secret.txt").write_text(secret)
    (other / "package.json").write_text(json.dumps({"name": "playwright-core", "secret": secret}))

    runtimes_file = base / "runtimes.json"
    runtimes_file.write_text(json.dumps(descriptions, indent=2))
    return Tree(base, static, dist, runtime_files, node_modules, runtimes_file, outside, secret)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return make_tree(tmp_path)


@pytest.fixture
def app(tree: Tree) -> FastAPI:
    return create_app(tree.settings())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


# --- raw requests: no client-side normalisation of the target ------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def asgi_request(app: FastAPI, target: str, method: str = "GET") -> Reply:
    """Calls the app as uvicorn would for this request target (path percent-decoded once)."""
    raw_path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "root_path": "",
        "query_string": query.encode("latin-1"),
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    headers: dict[str, str] = {}
    body = bytearray()
    requested = False

    async def main() -> None:
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client stays connected until the response is complete
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.update((k.decode().lower(), v.decode()) for k, v in message["headers"])
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        await app(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(main())
    return Reply(status, headers, bytes(body))


def http_request(address: tuple[str, int], target: str, method: str = "GET") -> Reply:
    """Sends the request target byte for byte over a socket to a real server."""
    request = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request.encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body)


@dataclass
class LiveServer:
    address: tuple[str, int]
    tree: Tree

    @property
    def url(self) -> str:
        return f"http://{self.address[0]}:{self.address[1]}"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn (h11, as `uvicorn --factory` runs it) on a free loopback port."""
    tree = make_tree(tmp_path_factory.mktemp("live"))
    config = uvicorn.Config(
        create_app(tree.settings()), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        yield LiveServer((host, port), tree)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def no_secret(reply: Reply, tree: Tree) -> bool:
    """True if nothing of the secret (or of /etc/passwd) is in the reply."""
    text = reply.body + "".join(reply.headers.values()).encode()
    return tree.secret.encode() not in text and b"root:x:0:0" not in text
