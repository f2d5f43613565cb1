"""How an open map learns that the data changed: GET {prefix}/data-version?since=N.

The answer waits until the data version is no longer N, then names the new one; when nothing
changes for WAIT_SECONDS, it is 204 with no body, and the page asks again. So a page left
open receives nothing while nothing changes, and a change anywhere (another tab, another
replica on the same PostgreSQL, the command line) reaches it within about POLL_SECONDS.

The version says only that something changed, never what: anyone may ask.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from assetmap.config import ConfigError
from assetmap.storage import Database, DatabaseError, data_version

DATA_VERSION_PATH = "/data-version"
WAIT_SECONDS = 25.0
"""How long one request waits for a change: well within a reverse proxy's read timeout
(nginx's default is 60 s)."""
POLL_SECONDS = 0.5
"""How often the database's version is read while anyone waits."""
NO_STORE = {"Cache-Control": "no-store"}


class VersionReader:
    """The database's data version, read at most once per POLL_SECONDS for every request
    that waits, however many pages are open."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._version = 0

    async def version(self) -> int:
        return await run_in_threadpool(self._read)

    def _read(self) -> int:
        with self._lock:
            if time.monotonic() - self._read_at >= POLL_SECONDS * 0.8:
                self._version = data_version(self._database())
                self._read_at = time.monotonic()
            return self._version


def server_stopping() -> bool:
    """Whether the web server has been told to stop (Ctrl+C, SIGTERM): it then waits for every
    request still open, so a waiting one ends at once. Uvicorn's signal handler, the server
    Streamlit runs, is the one place that says so; elsewhere this is never true."""
    server = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return bool(getattr(server, "should_exit", False))


def data_version_url(prefix: str = "") -> str:
    """Where an open map asks whether the data changed."""
    return prefix + DATA_VERSION_PATH


def data_version_routes(
    database: Callable[[], Database], prefix: str = "", wait_seconds: float = WAIT_SECONDS
) -> list[Route]:
    """GET {prefix}/data-version?since=N: 200 {"version": M} once the version is M != N; 204
    after `wait_seconds` without a change; 400 when `since` is not a version."""
    reader = VersionReader(database)

    async def changed(request: Request) -> Response:
        since = request.query_params.get("since", "")
        if not since.isdigit() or len(since) > 18:
            return PlainTextResponse(
                "Give since=N, the data version the page has (a whole number).",
                status_code=400,
                headers=NO_STORE,
            )
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                version = await reader.version()
            except (ConfigError, DatabaseError):
                return PlainTextResponse(
                    "The database is unavailable.", status_code=503, headers=NO_STORE
                )
            if version != int(since):
                return JSONResponse({"version": version}, headers=NO_STORE)
            if time.monotonic() >= deadline or server_stopping():
                return Response(status_code=204, headers=NO_STORE)
            if await request.is_disconnected():
                return Response(status_code=204, headers=NO_STORE)
            await asyncio.sleep(POLL_SECONDS)

    return [Route(prefix + DATA_VERSION_PATH, changed, methods=["GET"])]
