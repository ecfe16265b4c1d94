"""The FastAPI app: the page, the wheels in dist/, the pinned Pyodide runtimes and a manifest.

It serves exactly these URLs, for GET and HEAD only (anything else is 405):

``/``                              the page (``index.html`` of the static directory)
``/static/<file>``                 the page's files (app.js, worker.js, style.css)
``/wheels/<file>.whl``             a wheel entry of the dist directory (file or symlink to it)
``/wheels/<file>.whl/<member>``    a WebAssembly extension module (``.so``) inside that wheel
``/pyodide/<version>/<file>``      a file of the ``pyodide-<version>`` npm package
``/runtime-files/<version>/<file>`` a file built for that runtime (``pyodide-<version>/`` of the
                                   runtime files directory: its precompiled standard library)
``/api/manifest``                  JSON: per runtime, the wheels to install and its standard
                                   library (see manifest.py)

Nothing else on disk is reachable: every static, runtime and runtime-file path goes through
:func:`fib_web.files.resolve_under`, and a wheel is only ever an entry of the dist directory
(:func:`fib_web.manifest.wheel_file`), of which only the extension modules the manifest lists
are served one by one (:func:`fib_web.manifest.read_extension`).
Run it with ``uvicorn --factory fib_web.app:create_app`` (settings from FIB_WEB_* variables) or
``python -m fib_web``.
"""

from __future__ import annotations

import hashlib

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fib_web.files import IMMUTABLE, REVALIDATE, bytes_response, file_response, resolve_under
from fib_web.manifest import (
    Digests,
    build_manifest,
    read_extension,
    runtime_files_dir,
    wheel_file,
)
from fib_web.runtimes import load_runtimes
from fib_web.settings import Settings

ALLOWED_METHODS = ("GET", "HEAD")

#: Sent with every response. The CSP keeps the page on this origin (no CDN can sneak in);
#: 'wasm-unsafe-eval' lets Pyodide compile WebAssembly. COOP+COEP make the page cross-origin
#: isolated, which gives performance.now() (and so the measured durations) 5 µs resolution
#: instead of 100 µs.
SECURITY_HEADERS = {
    "content-security-policy": "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "worker-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    ),
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class GetHeadOnly:
    """ASGI middleware: 405 for every method but GET and HEAD, security headers on everything."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # no websockets here: refuse the handshake
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if scope["method"] not in ALLOWED_METHODS:
            response = Response(
                "Method Not Allowed",
                status_code=405,
                headers={"Allow": ", ".join(ALLOWED_METHODS)},
                media_type="text/plain",
            )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for these settings (default: from the environment)."""
    settings = settings or Settings.from_env()
    runtimes = {runtime.version: runtime for runtime in load_runtimes(settings)}
    digests = Digests()

    app = FastAPI(
        title="py-rust-fib",
        summary="Fibonacci in Python and Rust, compared in the browser with Pyodide",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.runtimes = runtimes

    def not_found() -> HTTPException:
        return HTTPException(status_code=404, detail="Not Found")

    @app.api_route("/", methods=list(ALLOWED_METHODS), include_in_schema=False)
    def index(request: Request) -> Response:
        path = resolve_under(settings.static_dir, "index.html")
        if path is None:
            raise not_found()
        return file_response(request, path, REVALIDATE)

    @app.api_route("/static/{path:path}", methods=list(ALLOWED_METHODS))
    def static(request: Request, path: str) -> Response:
        file = resolve_under(settings.static_dir, path)
        if file is None:
            raise not_found()
        return file_response(request, file, REVALIDATE)

    @app.api_route("/wheels/{filename}", methods=list(ALLOWED_METHODS))
    def wheel(request: Request, filename: str) -> Response:
        # Only an entry name of the dist directory, never a path (see manifest.dist_wheels).
        file = wheel_file(settings.dist_dir, filename)
        if file is None:
            raise not_found()
        return file_response(request, file, REVALIDATE)

    @app.api_route("/wheels/{filename}/{member:path}", methods=list(ALLOWED_METHODS))
    def wheel_extension(request: Request, filename: str, member: str) -> Response:
        # Only a member the wheel's own listing names as an extension module, read from the
        # archive (nothing is unpacked on disk).
        file = wheel_file(settings.dist_dir, filename)
        content = read_extension(file, member) if file is not None else None
        if file is None or content is None:
            raise not_found()
        tag = hashlib.sha256(f"{digests(file)}/{member}".encode()).hexdigest()[:32]
        return bytes_response(request, content, "application/wasm", f'"{tag}"', REVALIDATE)

    @app.api_route("/pyodide/{version}/{path:path}", methods=list(ALLOWED_METHODS))
    def pyodide(request: Request, version: str, path: str) -> Response:
        runtime = runtimes.get(version)
        file = resolve_under(runtime.dir, path) if runtime is not None else None
        if file is None:
            raise not_found()
        return file_response(request, file, IMMUTABLE)

    @app.api_route("/runtime-files/{version}/{path:path}", methods=list(ALLOWED_METHODS))
    def runtime_file(request: Request, version: str, path: str) -> Response:
        # Built by checks/pyodide-stdlib.sh, rebuilt when its inputs change: revalidated.
        directory = runtime_files_dir(settings.runtime_files, version)
        file = resolve_under(directory, path) if version in runtimes else None
        if file is None:
            raise not_found()
        return file_response(request, file, REVALIDATE)

    @app.api_route("/api/manifest", methods=list(ALLOWED_METHODS))
    def manifest() -> JSONResponse:
        body = build_manifest(
            list(runtimes.values()),
            settings.dist_dir,
            settings.runtime_files,
            digests,
            settings.default_runtime,
        )
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    app.add_middleware(GetHeadOnly)
    return app
