"""The address of a map: the filters, the view and the open popup as query parameters, so a
link opens the same map (`?kind=place,association&map=15/60.17/24.94&asset=…`).

Pure: reading takes the query parameters as a mapping and the area ids that exist, and
ignores each value it does not know, keeping the rest; writing leaves out what is as by
default, so an untouched map has a plain address.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from assetmap.models import CATEGORIES, KINDS, SECTORS
from assetmap.register.assets import AssetFilter

PARAMETERS = ("kind", "category", "sector", "area", "q", "links", "map", "asset")
"""The query parameters a map's address may carry, besides the language (`lang`)."""

MAX_ZOOM = 22
MAX_TEXT = 200
"""Longer search text in an address is cut to this."""
Bounds = tuple[float, float, float, float]
_ASSET_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


@dataclass(frozen=True)
class MapView:
    """Where a map looks: its centre and zoom."""

    lat: float
    lon: float
    zoom: float  # whole in an address (with_view rounds); a hair off for a spot sent again


@dataclass(frozen=True)
class MapAddress:
    """What a map's address keeps: filters, the view (None: the map fits its areas) and the
    asset whose popup is open ("" for none)."""

    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    text: str = ""
    links: bool = False
    view: MapView | None = None
    asset: str = ""

    def asset_filter(self) -> AssetFilter:
        """The filter of the assets this address shows."""
        return AssetFilter(
            kinds=self.kinds,
            categories=self.categories,
            sectors=self.sectors,
            area_ids=self.areas,
            text=self.text,
        )


def _values(params: Mapping[str, str | Sequence[str]], name: str) -> list[str]:
    """A parameter's values: comma-separated, or repeated (?kind=a&kind=b), blanks dropped."""
    raw = params.get(name, "")
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _known(values: list[str], allowed: Collection[str]) -> tuple[str, ...]:
    """The values that are `allowed`, each once, in the order given."""
    return tuple(dict.fromkeys(value for value in values if value in allowed))


def view_from_text(text: str) -> MapView | None:
    """A view written zoom/lat/lon (as OpenStreetMap's addresses); None unless it is one."""
    parts = text.split("/")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    try:
        lat, lon = float(parts[1]), float(parts[2])
    except ValueError:
        return None
    zoom = int(parts[0])
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if zoom > MAX_ZOOM or not -90 <= lat <= 90 or not -180 <= lon <= 180:
        return None
    return MapView(lat, lon, zoom)


def view_to_text(view: MapView) -> str:
    """zoom/lat/lon, to five decimals (about a metre), as view_from_text reads it."""
    return f"{view.zoom}/{view.lat:.5f}/{view.lon:.5f}"


def address_from_params(
    params: Mapping[str, str | Sequence[str]], area_ids: Collection[str]
) -> MapAddress:
    """The map address in `params`, each unknown or malformed value left out."""
    kinds = _known(_values(params, "kind"), KINDS)
    offered = {key for kind in (kinds or KINDS) for key in CATEGORIES[kind]}
    view_text = _values(params, "map")
    asset = _values(params, "asset")
    text = params.get("q", "")
    if not isinstance(text, str):
        text = text[0] if len(text) == 1 else ""
    return MapAddress(
        kinds=kinds,
        categories=_known(_values(params, "category"), offered),
        sectors=_known(_values(params, "sector"), SECTORS),
        areas=_known(_values(params, "area"), area_ids),
        text=text.strip()[:MAX_TEXT],
        links=_values(params, "links")[:1] in (["1"], ["true"], ["yes"]),
        view=view_from_text(view_text[0]) if len(view_text) == 1 else None,
        asset=asset[0] if len(asset) == 1 and _ASSET_ID.match(asset[0]) else "",
    )


def address_to_params(address: MapAddress) -> dict[str, str]:
    """The query parameters of `address`: only those that differ from an untouched map."""
    params = {
        "kind": ",".join(address.kinds),
        "category": ",".join(address.categories),
        "sector": ",".join(address.sectors),
        "area": ",".join(address.areas),
        "q": address.text.strip(),
        "links": "1" if address.links else "",
        "map": view_to_text(address.view) if address.view else "",
        "asset": address.asset,
    }
    return {name: value for name, value in params.items() if value}


def address_url(page_url: str, address: MapAddress, language: str) -> str:
    """The full link to `page_url` showing `address` in `language`."""
    query = urlencode({"lang": language, **address_to_params(address)}, safe=",/")
    return f"{page_url}?{query}"


def with_view(address: MapAddress, lat: float, lon: float, zoom: float) -> MapAddress:
    """`address` looking at a map's reported centre and zoom."""
    view = MapView(round(lat, 5), round(lon, 5), max(0, min(MAX_ZOOM, round(zoom))))
    return replace(address, view=view)


def view_bounds(view: MapView, width_px: int = 1000, height_px: int = 600) -> Bounds:
    """The (min_lon, min_lat, max_lon, max_lat) a web map of `width_px` by `height_px` shows
    at `view` (Web Mercator, 256-pixel tiles): what a link shows on an ordinary screen."""
    world = 256.0 * math.pow(2.0, view.zoom)
    x = (view.lon + 180) / 360 * world
    y = (1 - math.asinh(math.tan(math.radians(view.lat))) / math.pi) / 2 * world

    def lon_at(px: float) -> float:
        return px / world * 360 - 180

    def lat_at(py: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    half_w, half_h = width_px / 2, height_px / 2
    return (lon_at(x - half_w), lat_at(y + half_h), lon_at(x + half_w), lat_at(y - half_h))
