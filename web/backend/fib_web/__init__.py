"""py-rust-fib's web app: FastAPI serving the page, the wheels and the pinned Pyodide runtimes.

``create_app`` is the app factory (``uvicorn --factory fib_web.app:create_app``); ``Settings``
reads the FIB_WEB_* environment variables.
"""

from fib_web.app import create_app
from fib_web.settings import Settings

__all__ = ["Settings", "create_app"]
