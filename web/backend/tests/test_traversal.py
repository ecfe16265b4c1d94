"""Path traversal battery: no request reaches a file outside the served roots.

Every case is sent twice: straight into the ASGI app (scope built the way uvicorn builds it, so
no client normalises ``..`` away) and byte for byte over a socket to a real uvicorn. The secret
planted outside the roots (and in node_modules next to the runtimes) must never appear.
``{abs}`` stands for the absolute path of the secret, ``{abs_enc}`` for it percent-encoded.
"""

from __future__ import annotations

import urllib.parse

import pytest
from fastapi import FastAPI

from conftest import LiveServer, Tree, asgi_request, http_request, no_secret

ATTACKS = [
    # plain dot-dot
    "/static/../secret.txt",
    "/static/../outside/secret.txt",
    "/static/sub/../../secret.txt",
    "/static/../../../../../../../../etc/passwd",
    "/../secret.txt",
    # percent-encoded, once
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/outside/secret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Foutside%2Fsecret.txt",
    "/static/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%2e%2e/secret.txt",
    "/static%2f..%2fsecret.txt",
    # percent-encoded twice (must not be decoded a second time)
    "/static/%252e%252e/secret.txt",
    "/static/%252e%252e%252fsecret.txt",
    "/static/..%252fsecret.txt",
    "/wheels/%252e%252e%252fsecret.txt",
    # overlong / look-alike dots
    "/static/%c0%ae%c0%ae/secret.txt",
    "/static/%ef%bc%8e%ef%bc%8e/secret.txt",
    # absolute paths
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/{abs}",
    "/static/{abs_enc}",
    "/wheels/{abs_enc}",
    "/pyodide/0.21.3/{abs_enc}",
    "/static/file:{abs}",
    # backslashes (Windows separators)
    "/static/..\\secret.txt",
    "/static/..%5csecret.txt",
    "/static/..%5c..%5csecret.txt",
    "/static/C:%5cWindows%5cwin.ini",
    "/static/C:/secret.txt",
    # NUL and control characters
    "/static/index.html%00../../secret.txt",
    "/static/..%00/secret.txt",
    "/static/%0a../secret.txt",
    # hidden files inside a root
    "/static/.hidden",
    "/static/sub/%2e%2e/.hidden",
    # symlinks from inside the roots to the outside
    "/static/link-out.txt",
    "/static/linkdir/secret.txt",
    "/static/parent/secret.txt",
    "/static/parent/outside/secret.txt",
    "/static/loop",
    "/wheels/evil-0.1.0-py3-none-any.whl",
    "/wheels/stolen-0.1.0-py3-none-any.whl",
    "/wheels/renamed-0.1.0-py3-none-any.whl",
    "/pyodide/0.21.3/link-out.js",
    "/pyodide/0.21.3/up/playwright-core/secret.txt",
    "/pyodide/314.0.7/up/playwright-core/package.json",
    # out of a runtime into the rest of node_modules
    "/pyodide/0.21.3/../playwright-core/secret.txt",
    "/pyodide/0.21.3/..%2fplaywright-core%2fsecret.txt",
    "/pyodide/0.21.3/%2e%2e/%2e%2e/secret.txt",
    "/pyodide/..%2fplaywright-core/secret.txt",
    "/pyodide/%2e%2e/playwright-core/secret.txt",
    "/pyodide/playwright-core/secret.txt",
    "/pyodide/0.21.3/../../outside/secret.txt",
    # out of a runtime's files, into the other runtimes', dist/ or further
    "/runtime-files/0.21.3/../../secret.txt",
    "/runtime-files/0.21.3/..%2f..%2fsecret.txt",
    "/runtime-files/0.21.3/%2e%2e/secret.txt",
    "/runtime-files/0.21.3/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    "/runtime-files/0.21.3/..%2fpyodide-9.9.9%2fpython_stdlib.zip",
    "/runtime-files/..%2fpyodide-9.9.9/python_stdlib.zip",
    "/runtime-files/%2e%2e/secret.txt",
    "/runtime-files/9.9.9/python_stdlib.zip",
    "/runtime-files/0.21.3/link-out.zip",
    "/runtime-files/314.0.7/up/secret.txt",
    "/runtime-files/314.0.7/up/outside/secret.txt",
    "/runtime-files/0.21.3/.inputs",
    "/runtime-files/0.21.3/{abs_enc}",
    "/runtime-files/{abs_enc}",
    # out of dist
    "/wheels/../secret.txt",
    "/wheels/..%2fsecret.txt",
    "/wheels/..%2foutside%2fsecret.whl",
    "/wheels/sub%2fnested-0.1.0-py3-none-any.whl",
    "/wheels/notes.txt",
    # query strings and fragments do not change the path
    "/static/../secret.txt?x=1",
    "/static/link-out.txt#frag",
]


def target(template: str, tree: Tree) -> str:
    secret = str(tree.outside / "secret.txt")
    return template.replace("{abs_enc}", urllib.parse.quote(secret, safe="")).replace(
        "{abs}", secret.lstrip("/")
    )


def test_the_battery_is_large_enough() -> None:
    assert len(ATTACKS) >= 15
    assert len(set(ATTACKS)) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS)
def test_asgi(attack: str, app: FastAPI, tree: Tree) -> None:
    reply = asgi_request(app, target(attack, tree))
    assert reply.status in (400, 404), (attack, reply.status, reply.body[:200])
    assert no_secret(reply, tree)


@pytest.mark.parametrize("attack", ATTACKS)
def test_real_uvicorn(attack: str, live_server: LiveServer) -> None:
    reply = http_request(live_server.address, target(attack, live_server.tree))
    # uvicorn itself may refuse a malformed request line (400); the app answers 404.
    assert reply.status in (400, 404), (attack, reply.status, reply.body[:200])
    assert no_secret(reply, live_server.tree)


@pytest.mark.parametrize("attack", ["/static/link-out.txt", "/static/../secret.txt"])
def test_head_leaks_nothing_either(attack: str, live_server: LiveServer) -> None:
    reply = http_request(live_server.address, attack, method="HEAD")
    assert reply.status == 404
    assert no_secret(reply, live_server.tree)


def test_the_planted_files_are_really_there(tree: Tree) -> None:
    """The battery means something: the targets exist and hold the secret."""
    assert (tree.static / "link-out.txt").read_text() == tree.secret
    assert (tree.static / "linkdir" / "secret.txt").read_text() == tree.secret
    assert (tree.runtime_dir("0.21.3") / "up" / "playwright-core" / "secret.txt").exists()
    assert (tree.dist / "evil-0.1.0-py3-none-any.whl").read_text() == tree.secret
    assert (tree.dist / "stolen-0.1.0-py3-none-any.whl").read_text() == tree.secret
    assert tree.secret.encode() in (tree.dist / "renamed-0.1.0-py3-none-any.whl").read_bytes()
    assert (tree.root / "secret.txt").read_text() == tree.secret
    assert (tree.runtime_files / "pyodide-0.21.3" / "link-out.zip").read_text() == tree.secret
    assert (tree.runtime_files / "pyodide-0.21.3" / ".inputs").read_text() == tree.secret
    assert (tree.runtime_files / "pyodide-9.9.9" / "python_stdlib.zip").read_text() == tree.secret
    assert (tree.runtime_files / "pyodide-314.0.7" / "up" / "secret.txt").read_text() == tree.secret


def test_a_symlink_that_stays_inside_a_root_is_served(app: FastAPI, tree: Tree) -> None:
    reply = asgi_request(app, "/static/inner-link.css")
    assert reply.status == 200
    assert reply.body == (tree.static / "style.css").read_bytes()


def test_the_same_files_are_served_when_asked_properly(
    app: FastAPI, live_server: LiveServer
) -> None:
    for path in [
        "/static/sub/page.txt",
        "/pyodide/0.21.3/pyodide.mjs",
        "/wheels/fib_python-0.1.0-py3-none-any.whl",
        "/runtime-files/0.21.3/python_stdlib_pycache.zip",
    ]:
        assert asgi_request(app, path).status == 200, path
        assert http_request(live_server.address, path).status == 200, path
