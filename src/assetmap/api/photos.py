"""Approved photos, served by the app itself: GET {prefix}/photos/{id}.jpg.

A photo waiting for review, hidden, of an asset that is not public, or of a person whose
consent lapsed is answered 404 like one that never was (privacy.photo_is_public), so no one
learns that it exists. Browsers keep a photo but ask again each time (no-cache with an ETag,
answered 304 while it is unchanged), so a photo hidden by the team is gone at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from assetmap.register.photos import public_photo
from assetmap.storage import Database, utc_now

PHOTO_PATH = "/photos/{photo_id}.jpg"
CACHE_CONTROL = "public, no-cache"
_PHOTO_ID = re.compile(r"[0-9a-f]{32}")


def photo_url(prefix: str = "") -> str:
    """The URL template of an approved photo, with {id} for its id."""
    return prefix + PHOTO_PATH.replace("{photo_id}", "{id}")


def photo_routes(database: Callable[[], Database], prefix: str = "") -> list[Route]:
    """GET {prefix}/photos/{id}.jpg: 200 with the photo when anyone may see it, else 404."""

    async def photo(request: Request) -> Response:
        photo_id = request.path_params["photo_id"]
        found = None
        if _PHOTO_ID.fullmatch(photo_id):
            found = await run_in_threadpool(public_photo, database(), photo_id, utc_now())
        if found is None:
            return PlainTextResponse("No such photo.", status_code=404)
        etag = f'"{hashlib.sha256(found.data).hexdigest()[:16]}"'
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(found.data, media_type=found.media_type, headers=headers)

    return [Route(prefix + PHOTO_PATH, photo, methods=["GET"])]
