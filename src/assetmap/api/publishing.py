"""What every public data route shares (OGC API - Features under /ogc, HSDS under /hsds).

The data is public and read-only: no login, CORS open for GET, gzip, and ETag and
Last-Modified from the data version, so a client that asks again gets a 304 until something
changes. A bad parameter is the client's to fix: a 400 (or 404 for what does not exist) whose
body says what is wrong, never a 500.

What the routes serve is what anyone may take out of the app: `released_to_anyone` reads it
through the one policy (disclosure, privacy.released) for the reader ANYONE, once per data
version and day, and every route of both APIs pages and filters that one frame.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import geopandas as gpd
import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assetmap.errors import AssetmapError
from assetmap.register.assets import AssetFilter
from assetmap.register.disclosure import released_assets
from assetmap.register.links import list_links, public_links
from assetmap.register.planning import areas_with_indicators
from assetmap.register.privacy import ANYONE
from assetmap.storage import Database, DatabaseError, DataState, data_state, utc_now

GZIP_FROM_BYTES = 1000
"""Smaller answers are sent as they are: compressing them saves less than it costs."""


class ApiError(AssetmapError):
    """A request the API cannot answer as asked, with what the client should change.

    `code` is the OGC exception code (InvalidParameterValue, NotFound, ...); each API shapes
    its own error body from it (see public_api).
    """

    def __init__(self, message: str, status: int = 400, code: str = "InvalidParameterValue"):
        super().__init__(message)
        self.status = status
        self.code = code


ErrorBody = Callable[[ApiError], dict[str, Any]]


def ogc_exception(error: ApiError) -> dict[str, Any]:
    """The OGC API exception body (code, description), which OGC API - Features clients show."""
    return {"code": error.code, "description": error.message}


def public_api(routes: Sequence[Route], error_body: ErrorBody = ogc_exception) -> list[Route]:
    """The server's routes for a public, read-only API: CORS open for GET, gzip, errors as JSON.

    `routes` carry their full paths (prefix included). They are served by one small
    Starlette app with the middleware, which each returned route hands its requests to: a
    Mount would not match the API's root without a trailing slash (/ogc), and middleware
    given to st.App would apply to the pages too.
    """

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return JSONResponse(error_body(error), status_code=error.status, headers=_no_store())

    async def unavailable(request: Request, error: Exception) -> Response:
        body = error_body(ApiError("The data store is unavailable; try again.", 503, "Unavailable"))
        return JSONResponse(body, status_code=503, headers=_no_store())

    api = Starlette(
        routes=list(routes),
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "HEAD", "OPTIONS"],
                expose_headers=["ETag", "Last-Modified"],
            ),
            Middleware(GZipMiddleware, minimum_size=GZIP_FROM_BYTES),
        ],
        exception_handlers={ApiError: refused, DatabaseError: unavailable},
    )
    return [Route(route.path, endpoint=api) for route in routes]


def _no_store() -> dict[str, str]:
    return {"Cache-Control": "no-store"}


def entity_tag(state: DataState, variant: str = "", today: date | None = None) -> str:
    """A weak ETag for one representation of one URL: the data version, and the day, since a
    person whose consent lapses leaves the public data at midnight without a write."""
    day = (today or utc_now().date()).isoformat()
    return f'W/"{state.version}-{day}{"-" + variant if variant else ""}"'


def last_modified(state: DataState) -> str:
    """The HTTP date of the last change (RFC 9110), whole seconds in GMT."""
    return format_datetime(state.changed_at.replace(microsecond=0, tzinfo=UTC), usegmt=True)


def _unchanged(request: Request, tag: str, state: DataState) -> bool:
    """Whether the client's copy is current (RFC 9110: If-None-Match wins over
    If-Modified-Since, and weak tags compare by their opaque part)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        theirs = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
        return tag.removeprefix("W/") in theirs
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    changed = state.changed_at.replace(microsecond=0, tzinfo=UTC)
    return changed <= since


async def data_response(
    request: Request,
    state: DataState,
    build: Callable[[], Any],
    media_type: str = "application/json",
    variant: str = "",
) -> Response:
    """`build()`'s JSON, or 304 when the client's copy is current.

    `build` runs in a worker thread (it reads frames), and only when the answer is not a 304.
    """
    tag = entity_tag(state, variant)
    headers = {
        "ETag": tag,
        "Last-Modified": last_modified(state),
        "Cache-Control": "public, no-cache",
        "Vary": "Accept",
    }
    if _unchanged(request, tag, state):
        return Response(status_code=304, headers=headers)
    body = await run_in_threadpool(build)
    content = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content.encode("utf-8"), media_type=media_type, headers=headers)


@dataclass(frozen=True)
class PublicData:
    """What anyone may take out of the app at one data version, read once and shared."""

    state: DataState
    day: date
    assets: gpd.GeoDataFrame
    """Approved assets as privacy.released gives them to ANYONE (people generalised, private
    contacts blank, lapsed consents gone)."""
    areas: gpd.GeoDataFrame
    """The areas with their indicator values as columns."""
    links: pd.DataFrame
    """Approved, current links whose two assets are both in `assets` (links.public_links)."""


_public: dict[str, PublicData] = {}
_public_lock = threading.Lock()


def released_to_anyone(db: Database) -> PublicData:
    """The public data of `db` now: read again only when the data version or the day changed.

    One slot per database; the lock keeps concurrent first requests from reading it twice.
    """
    state = data_state(db)
    today = utc_now().date()
    with _public_lock:
        held = _public.get(db.location)
        if held is not None and held.state.version == state.version and held.day == today:
            return held
        assets = released_assets(db, ANYONE, AssetFilter(), now=_end_of(today))
        public = PublicData(
            state=state,
            day=today,
            assets=assets,
            areas=areas_with_indicators(db),
            links=public_links(list_links(db), assets, today),
        )
        _public[db.location] = public
        return public


def _end_of(day: date) -> datetime:
    """Consent is judged as of the day's end, so one frame holds for the whole day and a
    consent that lapses today is gone from the morning on, never kept till midnight."""
    return datetime(day.year, day.month, day.day) + timedelta(days=1)
