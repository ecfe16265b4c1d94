"""Routes, content types, caching and methods of the app."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from conftest import INDEX_HTML, STDLIB, LiveServer, Tree, http_request

ALL_SERVED = [
    "/",
    "/static/app.js",
    "/wheels/fib_python-0.1.0-py3-none-any.whl",
    "/pyodide/0.21.3/pyodide.asm.wasm",
    "/runtime-files/314.0.7/python_stdlib.zip",
    "/api/manifest",
]


def test_index(client: TestClient) -> None:
    reply = client.get("/")
    assert reply.status_code == 200
    assert reply.content == INDEX_HTML
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert reply.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/index.html", "text/html; charset=utf-8"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/worker.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/sub/page.txt", "text/plain; charset=utf-8"),
        ("/pyodide/0.21.3/pyodide.mjs", "text/javascript; charset=utf-8"),
        ("/pyodide/0.21.3/pyodide.js", "text/javascript; charset=utf-8"),
        ("/pyodide/0.21.3/pyodide.asm.wasm", "application/wasm"),
        ("/pyodide/0.21.3/pyodide.asm.data", "application/octet-stream"),
        ("/pyodide/314.0.7/pyodide.asm.wasm", "application/wasm"),
        ("/pyodide/314.0.7/python_stdlib.zip", "application/zip"),
        ("/pyodide/314.0.7/pyodide-lock.json", "application/json"),
        ("/wheels/fib_python-0.1.0-py3-none-any.whl", "application/zip"),
        ("/runtime-files/0.21.3/python_stdlib_pycache.zip", "application/zip"),
        ("/runtime-files/314.0.7/python_stdlib.zip", "application/zip"),
    ],
)
def test_content_types(client: TestClient, path: str, content_type: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 200, path
    assert reply.headers["content-type"] == content_type


def test_runtime_files_are_immutable_and_the_rest_revalidates(client: TestClient) -> None:
    immutable = client.get("/pyodide/314.0.7/pyodide.asm.wasm").headers["cache-control"]
    assert immutable == "public, max-age=31536000, immutable"
    for path in [
        "/",
        "/static/app.js",
        "/wheels/webworker-0.1.0-py3-none-any.whl",
        "/runtime-files/314.0.7/python_stdlib.zip",  # rebuilt when its inputs change
    ]:
        assert client.get(path).headers["cache-control"] == "no-cache", path
    assert client.get("/api/manifest").headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/static/app.js",
        "/wheels/webworker-0.1.0-py3-none-any.whl",
        "/pyodide/0.21.3/pyodide.mjs",
        "/runtime-files/0.21.3/python_stdlib_pycache.zip",
    ],
)
def test_etag_revalidation_gives_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304


def test_wheels_are_served_byte_for_byte(client: TestClient, tree: Tree) -> None:
    for wheel in tree.dist.glob("*.whl"):
        if wheel.is_symlink():
            continue
        reply = client.get(f"/wheels/{wheel.name}")
        assert reply.status_code == 200
        assert reply.content == wheel.read_bytes()


def test_runtime_files_are_served_byte_for_byte(client: TestClient, tree: Tree) -> None:
    for version, name in STDLIB.items():
        reply = client.get(f"/runtime-files/{version}/{name}")
        assert reply.status_code == 200
        assert reply.content == (tree.runtime_files / f"pyodide-{version}" / name).read_bytes()


def test_range_requests_work_for_runtime_files(client: TestClient) -> None:
    reply = client.get("/pyodide/0.21.3/pyodide.asm.wasm", headers={"Range": "bytes=0-3"})
    assert reply.status_code == 206
    assert reply.content == b"\x00asm"


@pytest.mark.parametrize(
    "path",
    [
        "/docs",
        "/redoc",
        "/openapi.json",
        "/static/",
        "/static",
        "/static/missing.js",
        "/static/sub",
        "/wheels/",
        "/wheels/missing-0.1.0-py3-none-any.whl",
        "/wheels/notes.txt",
        "/pyodide/",
        "/pyodide/0.21.3/",
        "/pyodide/0.21.3/missing.js",
        "/pyodide/9.9.9/pyodide.mjs",
        "/pyodide/playwright-core/package.json",
        "/index.html",
        "/dist/fib_python-0.1.0-py3-none-any.whl",
        "/node_modules/pyodide-0.21.3/pyodide.mjs",
        "/api",
        "/api/manifest/extra",
        "/runtime-files/",
        "/runtime-files/0.21.3/",
        "/runtime-files/0.21.3/missing.zip",
        "/runtime-files/314.0.7/python_stdlib_pycache.zip",  # 0.21.3's, not 314.0.7's
        "/runtime-files/9.9.9/python_stdlib.zip",
        "/runtime-files/pyodide-314.0.7/python_stdlib.zip",
        "/runtime-files/0.21.3/.inputs",
        "/runtime-files/secret.txt",
        "/dist/runtime-files/pyodide-314.0.7/python_stdlib.zip",
        "/wheels/runtime-files",
    ],
)
def test_everything_else_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", [*ALL_SERVED, "/nowhere"])
def test_only_get_and_head(client: TestClient, method: str, path: str) -> None:
    reply = client.request(method, path)
    assert reply.status_code == 405
    assert reply.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ALL_SERVED)
def test_head_matches_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if path != "/api/manifest":
        assert head.headers["content-length"] == str(len(get.content))


def test_head_over_a_real_socket_sends_no_body(live_server: LiveServer) -> None:
    reply = http_request(live_server.address, "/pyodide/0.21.3/pyodide.asm.wasm", method="HEAD")
    assert reply.status == 200
    assert reply.body == b""
    assert reply.headers["content-type"] == "application/wasm"
    assert reply.headers["content-length"] == "8"
    assert http_request(live_server.address, "/", method="DELETE").status == 405


@pytest.mark.parametrize("path", [*ALL_SERVED, "/missing"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-embedder-policy"] == "require-corp"


def test_websockets_are_refused(client: TestClient) -> None:
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/"):
        pass


def test_the_manifest_sha256_matches_the_served_bytes(client: TestClient) -> None:
    manifest = client.get("/api/manifest").json()
    for runtime in manifest["runtimes"]:
        for wheel in runtime["wheels"]:
            body = client.get(wheel["url"]).content
            assert hashlib.sha256(body).hexdigest() == wheel["sha256"]
            assert len(body) == wheel["size"]
