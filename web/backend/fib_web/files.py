"""Serving files from a root directory, and nothing outside it.

:func:`resolve_under` is the only way a request path becomes a file: it refuses anything that is
not a plain relative path of ordinary names (``..``, ``.``, empty segments, absolute paths,
backslashes, NUL, ``%`` left over from double encoding, drive letters, hidden names) and then
checks that the fully resolved file (all symlinks followed) is a regular file inside the resolved
root, so a symlink out of a root leads nowhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

#: Fixed content types (the host's mime.types differs between machines and lacks .wasm/.mjs).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".tar": "application/x-tar",
    ".data": "application/octet-stream",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".ts": "text/plain; charset=utf-8",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

#: Runtime files live under a versioned URL and come from a pinned npm package: never change.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The page and the wheels change when rebuilt: the browser keeps them but revalidates (ETag).
REVALIDATE = "no-cache"

_FORBIDDEN_CHARACTERS = frozenset("\\\x00%:")
MAX_PATH_LENGTH = 1024


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE)


def resolve_under(root: Path, relative: str) -> Path | None:
    """The regular file ``root/relative`` if it is really inside root, else None."""
    if not relative or len(relative) > MAX_PATH_LENGTH:
        return None
    if any(c in _FORBIDDEN_CHARACTERS or ord(c) < 0x20 or c == "\x7f" for c in relative):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    try:
        real_root = root.resolve(strict=True)
        candidate = real_root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a symlink loop, a name too long, ...
        return None
    if not candidate.is_relative_to(real_root) or candidate == real_root:
        return None
    if not candidate.is_file():
        return None
    return candidate


def file_response(request: Request, path: Path, cache_control: str) -> Response:
    """The file with its content type and caching headers; 304 when the ETag still matches."""
    stat = os.stat(path)
    response = FileResponse(
        path,
        media_type=content_type(path),
        stat_result=stat,
        headers={"Cache-Control": cache_control},
    )
    etag = response.headers.get("etag")
    if etag and _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(
            status_code=304,
            headers={"ETag": etag, "Cache-Control": cache_control},
        )
    return response


def bytes_response(
    request: Request, content: bytes, media_type: str, etag: str, cache_control: str
) -> Response:
    """``content`` with its content type and caching headers; 304 when the ETag still matches."""
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag.removeprefix("W/") in tags
