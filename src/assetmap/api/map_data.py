"""The maps' payloads, served by the app itself: GET {prefix}/map-data/{digest}.

A map's payload (render/mapping.py) is megabytes at national scale. Pasted into the map's
script it would travel in the websocket on every page load and page switch; instead the
script names it by this URL, which its digest makes immutable, so a browser fetches it once
and then takes it from its own cache.

The pages keep the newest payloads here (MAP_PAYLOADS, web/live_map.py puts them in),
compressed once. A payload made for the team (lapsed or private assets in it) is served only
to a request whose login cookie names a team member; anyone else gets 403. A digest not kept
(any more) is 404: the page that named it is old, and a reload names the current one.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from assetmap.config import ConfigError, Settings
from assetmap.sessions import COOKIE_NAME, session_actor, session_from_cookie
from assetmap.storage import Database, DatabaseError

MAP_DATA_PATH = "/map-data/{digest}"
CACHE_CONTROL = "private, max-age=31536000, immutable"
"""The URL names the content, so a browser may keep it for good; private: proxies keep none."""
_DIGEST = re.compile(r"[0-9a-f]{32}")
COMPRESS_LEVEL = 3
"""A million assets' payload (29 MB) compresses to 8.8 MB in 0.36 s; level 6 takes 1.1 s for
8.3 MB, while the first visitor waits."""


@dataclass(frozen=True)
class MapPayload:
    """A payload as kept: gzip-compressed once, and whether only the team may have it."""

    compressed: bytes
    media_type: str
    private: bool


def payload_digest(body: bytes) -> str:
    """What names a payload (32 hex digits): in its URL, and as the changes a map watches."""
    return hashlib.sha256(body).hexdigest()[:32]


class MapPayloads:
    """The newest payloads by digest, shared by every session and the route."""

    KEPT = 16
    """More than the maps the pages keep (live_map._MapBases.KEPT): a payload lives at least
    as long as a page that names it is drawn from the pages' memory."""

    def __init__(self) -> None:
        self._kept: dict[str, MapPayload] = {}
        self._lock = threading.Lock()

    def keep(self, body: bytes, media_type: str, private: bool) -> str:
        """Keep `body` and return its digest (32 hex digits). The same bytes made for a
        public map hold nothing private, so they stay public whoever keeps them again."""
        digest = payload_digest(body)
        with self._lock:
            found = self._kept.pop(digest, None)
        if found is None:
            found = MapPayload(gzip.compress(body, COMPRESS_LEVEL), media_type, private)
        kept = MapPayload(found.compressed, media_type, found.private and private)
        with self._lock:
            self._kept[digest] = kept
            while len(self._kept) > self.KEPT:
                del self._kept[next(iter(self._kept))]
        return digest

    def get(self, digest: str) -> MapPayload | None:
        with self._lock:
            return self._kept.get(digest)


MAP_PAYLOADS = MapPayloads()
"""The process's payloads: the pages put them in, the route serves them."""


def map_data_url(digest: str, prefix: str = "") -> str:
    """Where the browser fetches the payload kept under `digest`."""
    return prefix + MAP_DATA_PATH.replace("{digest}", digest)


def inline_map_data(body: bytes, media_type: str) -> str:
    """The payload itself as a data: URL, for a browser whose requests carry no login the
    route can check (web/login.login_travels_by_cookie): it then travels in the websocket."""
    return f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}"


def map_data_routes(database: Callable[[], Database], prefix: str = "") -> list[Route]:
    """GET {prefix}/map-data/{digest}: 200 with the payload, 403 for a team's payload without
    a team member's login cookie, 404 for a digest not kept."""

    async def map_data(request: Request) -> Response:
        digest = request.path_params["digest"]
        found = MAP_PAYLOADS.get(digest) if _DIGEST.fullmatch(digest) else None
        if found is None:
            return PlainTextResponse("No such map data. Reload the page.", status_code=404)
        if found.private:
            try:
                allowed = await run_in_threadpool(
                    _may_see_private, database, request.cookies.get(COOKIE_NAME)
                )
            except (ConfigError, DatabaseError):
                return PlainTextResponse("The login store is unavailable.", status_code=503)
            if not allowed:
                return PlainTextResponse("This map data is for the team.", status_code=403)
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        body = found.compressed
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
        else:
            body = gzip.decompress(body)
        return Response(body, media_type=found.media_type, headers=headers)

    return [Route(prefix + MAP_DATA_PATH, map_data, methods=["GET"])]


def _may_see_private(database: Callable[[], Database], cookie: str | None) -> bool:
    """Whether the login cookie names a live session of someone who sees the team's view."""
    if not cookie:
        return False
    db = database()
    session_id = session_from_cookie(db, cookie)
    if session_id is None:
        return False
    actor = session_actor(db, session_id, Settings.from_env().limits)
    return actor is not None and actor.may("see_private")
