"""The built-in base map's vector tiles: GET {prefix}/tiles/{z}/{x}/{y}.mvt, from the PMTiles
archive that ASSETMAP_BASEMAP names (io/basemap.py builds it), so no visitor's browser asks a
third party for a map."""

from __future__ import annotations

import gzip
import hashlib

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from assetmap.config import ConfigError, Settings
from assetmap.io.basemap import BasemapError, open_archive

TILE_PATH = "/tiles/{z}/{x}/{y}.mvt"
MVT_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 24
CACHE_CONTROL = "public, max-age=86400"
"""A day: a rebuilt base map reaches browsers by the next day (the ETag tells sooner)."""


def tile_url(prefix: str = "") -> str:
    """The URL template the browser's renderer asks for tiles."""
    return f"{prefix}{TILE_PATH}"


def tile_coordinates(z: str, x: str, y: str) -> tuple[int, int, int] | None:
    """(z, x, y) of a tile path, or None when it names no tile of the web map's grid."""
    if not (z.isdigit() and x.isdigit() and y.isdigit()) or len(z + x + y) > 24:
        return None
    zoom, column, row = int(z), int(x), int(y)
    if zoom > MAX_ZOOM or column >= 2**zoom or row >= 2**zoom:
        return None
    return zoom, column, row


def tile_routes(prefix: str = "") -> list[Route]:
    """GET {prefix}/tiles/{z}/{x}/{y}.mvt: 200 with the tile, 404 outside the base map (or
    when the app has none of its own), 400 for a path that names no tile."""

    def tile(request: Request) -> Response:
        params = request.path_params
        coordinates = tile_coordinates(params["z"], params["x"], params["y"])
        if coordinates is None:
            return PlainTextResponse("No such tile: z/x/y are whole numbers on the grid.", 400)
        try:
            archive_path = Settings.from_env().tiles.archive
            archive = open_archive(archive_path) if archive_path else None
        except (ConfigError, BasemapError, OSError):
            return PlainTextResponse("The base map is unavailable.", status_code=503)
        data = archive.tile(*coordinates) if archive else None
        if data is None:
            return PlainTextResponse("No tile here.", status_code=404)
        etag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        if archive is not None and archive.gzipped:
            if "gzip" in request.headers.get("accept-encoding", ""):
                headers["Content-Encoding"] = "gzip"
            else:
                data = gzip.decompress(data)
        headers["Vary"] = "Accept-Encoding"
        return Response(data, media_type=MVT_TYPE, headers=headers)

    return [Route(prefix + TILE_PATH, tile, methods=["GET"])]
