"""The three collections the OGC API serves (assets, areas, links): what each is, what it can
be filtered on, and its rows at one data version, filtered and turned into GeoJSON a page at a
time. No HTTP here.

Every row comes from `publishing.released_to_anyone`, already through the one privacy policy,
and every feature is built by the functions `assetmap export` uses (io.geojson), so ids,
properties and coordinates are the export's. The frames are filtered with numpy first and only
the page is turned into GeoJSON: at 100,000 assets a page costs what its own rows cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from assetmap.api.features import (
    ItemsQuery,
    geometries_meeting,
    points_in,
    rfc3339,
    values_in,
)
from assetmap.api.publishing import PublicData
from assetmap.io.geojson import (
    COORDINATE_DECIMALS,
    areas_to_geojson,
    assets_to_geojson,
    links_to_geojson,
)
from assetmap.models import CATEGORIES, KINDS, SECTORS
from assetmap.register.links import LINK_TYPES, link_ends

ANY_TEXT: tuple[str, ...] = ()
"""A queryable whose values are not a closed list."""


@dataclass(frozen=True)
class Collection:
    """What a collection is, for its metadata and the OpenAPI document."""

    id: str
    title: str
    description: str
    geometry: str
    queryables: Mapping[str, tuple[str, ...]]
    """Property -> its possible values (ANY_TEXT: any text); comma-separated values match any."""
    datetime_rule: str
    """What the datetime parameter selects on in this collection."""


COLLECTIONS: dict[str, Collection] = {
    "assets": Collection(
        "assets",
        "Community assets",
        "Approved people, associations, places and institutions. People are at the centre of "
        "their 250 m grid cell, without address; phone and e-mail only where public.",
        "Point",
        {
            "kind": tuple(KINDS),
            "category": tuple(sorted({c for kind in CATEGORIES.values() for c in kind})),
            "sector": tuple(SECTORS),
            "area_id": ANY_TEXT,
        },
        "Assets last changed (updated_at) within the instant or interval.",
    ),
    "areas": Collection(
        "areas",
        "Areas with indicators",
        "The neighbourhood areas, with each indicator's value as a property.",
        "Polygon",
        {"id": ANY_TEXT},
        "Areas have no time: datetime is accepted and selects every area.",
    ),
    "links": Collection(
        "links",
        "Links between assets",
        "Approved, current relationships between two public assets, as lines between their "
        "public positions.",
        "LineString",
        {"type": tuple(LINK_TYPES), "from_id": ANY_TEXT, "to_id": ANY_TEXT},
        "Links whose period (start_date to end_date, open where not given) meets the instant "
        "or interval.",
    ),
}


@dataclass(frozen=True)
class Layer:
    """One collection's rows at one data version, in the export's order, and its extent."""

    rows: pd.DataFrame
    shapes: np.ndarray | None
    """Each row's geometry for bbox tests, where rows are not points (lon, lat)."""
    bbox: list[float]
    interval: list[str | None] | None


def _bounds(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list[float]:
    """A bbox that holds the coordinates as served (rounded to 1e-7), rounded outwards."""
    scale = 10**COORDINATE_DECIMALS
    if not np.isfinite([min_lon, min_lat, max_lon, max_lat]).all():
        return [-180.0, -90.0, 180.0, 90.0]  # an empty collection: anywhere
    low = [float(np.floor(v * scale) / scale) for v in (min_lon, min_lat)]
    high = [float(np.ceil(v * scale) / scale) for v in (max_lon, max_lat)]
    return [*low, *high]


def _assets_layer(public: PublicData) -> Layer:
    rows = public.assets
    lon, lat = rows["lon"].astype(float), rows["lat"].astype(float)
    changed = pd.to_datetime(rows["updated_at"])
    interval: list[str | None] | None = None
    if changed.notna().any():
        interval = [rfc3339(changed.min()), rfc3339(changed.max().ceil("s"))]
    return Layer(rows, None, _bounds(lon.min(), lat.min(), lon.max(), lat.max()), interval)


def _areas_layer(public: PublicData) -> Layer:
    rows = public.areas
    shapes = rows.geometry.to_numpy()
    return Layer(rows, shapes, _shape_bounds(shapes), None)


def _links_layer(public: PublicData) -> Layer:
    rows = link_ends(public.links, public.assets)
    starts = rows[["from_lon", "from_lat"]].to_numpy(dtype=float)
    ends = rows[["to_lon", "to_lat"]].to_numpy(dtype=float)
    shapes = shapely.linestrings(np.stack([starts, ends], axis=1)) if len(rows) else np.array([])
    return Layer(rows, shapes, _shape_bounds(shapes), None)


def _shape_bounds(shapes: np.ndarray) -> list[float]:
    if len(shapes) == 0:
        return _bounds(np.nan, np.nan, np.nan, np.nan)
    return _bounds(*shapely.total_bounds(shapes))


LAYERS: dict[str, Callable[[PublicData], Layer]] = {
    "assets": _assets_layer,
    "areas": _areas_layer,
    "links": _links_layer,
}
FEATURES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "assets": assets_to_geojson,
    "areas": areas_to_geojson,
    "links": links_to_geojson,
}
"""Each collection's rows as a GeoJSON FeatureCollection, as the export writes them."""

_recent: list[tuple[PublicData, dict[str, Layer]]] = []
_recent_lock = threading.Lock()
KEPT_VERSIONS = 2
"""Layers are kept for the current data version and the one before (a request begun before a
change may still page it); older ones are let go, so their frames can be freed."""


def layers_of(public: PublicData) -> dict[str, Layer]:
    """The collections' layers at `public`'s version, built once per version."""
    with _recent_lock:
        for held, layers in _recent:
            if held is public:
                return layers
        layers = {name: build(public) for name, build in LAYERS.items()}
        _recent.insert(0, (public, layers))
        del _recent[KEPT_VERSIONS:]
        return layers


def chosen_rows(collection: str, layer: Layer, query: ItemsQuery) -> np.ndarray:
    """Which of the layer's rows the query selects."""
    rows = layer.rows
    chosen = values_in(rows, query.values)
    if query.bbox is not None:
        if layer.shapes is None:
            chosen &= points_in(query.bbox, rows["lon"], rows["lat"])
        else:
            chosen &= geometries_meeting(query.bbox, layer.shapes)
    if query.period is not None and collection == "assets":
        chosen &= query.period.contains(rows["updated_at"])
    if query.period is not None and collection == "links":
        chosen &= query.period.overlaps(rows["start_date"], rows["end_date"])
    return chosen


def features_of(collection: str, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as GeoJSON features, as `assetmap export` writes them."""
    features: list[dict[str, Any]] = FEATURES[collection](rows)["features"]
    return features
