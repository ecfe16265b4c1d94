"""A wheel's WebAssembly extension modules: listed in the manifest, served one by one from inside
the wheel (``/wheels/<wheel>/<member>``) for the page to compile, and nothing else of the wheel."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from conftest import Tree, asgi_request, make_wheel
from fib_web.app import create_app

PYRS = "fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
HOST = "fib_pyrs-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl"
MODULE = "fib_pyrs/_fib_pyrs.cpython-314-wasm32-emscripten.so"
#: A WebAssembly module's header and some bytes that compress.
WASM = b"\x00asm\x01\x00\x00\x00" + bytes(range(256)) * 64


@pytest.fixture
def wheels(tree: Tree) -> Tree:
    """tree's dist with real wheels: the 314 one with its extension module (and a text file
    named like one), the host one with a Linux shared object, which is not WebAssembly."""
    (tree.dist / PYRS).unlink()
    make_wheel(
        tree.dist / PYRS,
        members={MODULE: WASM, "fib_pyrs/notes.so": b"not a module", "fib_pyrs/__init__.py": b""},
    )
    (tree.dist / HOST).unlink()
    make_wheel(tree.dist / HOST, members={"fib_pyrs/_fib_pyrs.so": b"\x7fELF" + bytes(60)})
    return tree


def test_the_manifest_lists_the_extension_modules(wheels: Tree) -> None:
    with TestClient(create_app(wheels.settings())) as client:
        manifest = client.get("/api/manifest").json()
    entry = next(r for r in manifest["runtimes"] if r["version"] == "314.0.7")
    pyrs = next(w for w in entry["wheels"] if w["name"] == "fib_pyrs")
    assert pyrs["extensions"] == [
        {"path": MODULE, "url": f"/wheels/{PYRS}/{MODULE}", "size": len(WASM)}
    ]
    others = [w for r in manifest["runtimes"] for w in r["wheels"] if w["filename"] != PYRS]
    assert others and all(w["extensions"] == [] for w in others)


def test_an_extension_module_is_served_from_inside_its_wheel(wheels: Tree) -> None:
    with TestClient(create_app(wheels.settings())) as client:
        reply = client.get(f"/wheels/{PYRS}/{MODULE}")
        assert reply.status_code == 200
        assert reply.content == WASM
        assert reply.headers["content-type"] == "application/wasm"
        assert reply.headers["cache-control"] == "no-cache"
        etag = reply.headers["etag"]
        again = client.get(f"/wheels/{PYRS}/{MODULE}", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        head = client.head(f"/wheels/{PYRS}/{MODULE}")
        assert head.status_code == 200 and head.headers["etag"] == etag
        # The wheel rebuilt with another module: another ETag.
        (wheels.dist / PYRS).unlink()
        make_wheel(wheels.dist / PYRS, members={MODULE: WASM + b"\x00"})
        changed = client.get(f"/wheels/{PYRS}/{MODULE}", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.content == WASM + b"\x00"
        assert changed.headers["etag"] != etag


@pytest.mark.parametrize(
    "target",
    [
        f"/wheels/{PYRS}/fib_pyrs/notes.so",  # named .so, but not WebAssembly
        f"/wheels/{PYRS}/fib_pyrs/__init__.py",
        f"/wheels/{PYRS}/fib_pyrs-0.1.0.dist-info/WHEEL",
        f"/wheels/{PYRS}/fib_pyrs/payload.txt",
        f"/wheels/{HOST}/fib_pyrs/_fib_pyrs.so",  # a Linux shared object
        f"/wheels/{PYRS}/fib_pyrs/../{MODULE}",
        f"/wheels/{PYRS}/%2e%2e/{MODULE}",
        f"/wheels/{PYRS}//{MODULE}",
        f"/wheels/{PYRS}/{MODULE}/",
        f"/wheels/fib_pyrs-0.2.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl/{MODULE}",
        "/wheels/renamed-0.1.0-py3-none-any.whl/renamed/payload.txt",  # a link to another wheel
        f"/wheels/sub/nested-0.1.0-py3-none-any.whl/{MODULE}",
        "/wheels/notes.txt/x.so",
    ],
)
def test_nothing_else_of_a_wheel_is_served(wheels: Tree, target: str) -> None:
    reply = asgi_request(create_app(wheels.settings()), target)
    assert reply.status == 404, (target, reply.status)
    assert wheels.secret.encode() not in reply.body


def test_the_etag_names_the_wheel_and_the_member(wheels: Tree) -> None:
    wheel_sha = hashlib.sha256((wheels.dist / PYRS).read_bytes()).hexdigest()
    with TestClient(create_app(wheels.settings())) as client:
        etag = client.get(f"/wheels/{PYRS}/{MODULE}").headers["etag"]
    tag = hashlib.sha256(f"{wheel_sha}/{MODULE}".encode()).hexdigest()[:32]
    assert etag == f'"{tag}"'


def test_a_wheel_that_is_not_a_zip_lists_no_extension(tree: Tree) -> None:
    # The fixture's other wheels are not archives at all.
    with TestClient(create_app(tree.settings())) as client:
        manifest = client.get("/api/manifest").json()
        assert all(w["extensions"] == [] for r in manifest["runtimes"] for w in r["wheels"])
        assert client.get(f"/wheels/{PYRS}/{MODULE}").status_code == 404
