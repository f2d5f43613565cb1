"""GeoJSON export per RFC 7946: WGS84 lon/lat, no crs member, stable ids."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
COORDINATE_DECIMALS = 7
"""1e-7 degrees is about a centimetre: precise, without float noise in the file."""

EXPORTED_PROPERTIES = (
    "kind",
    "category",
    "sector",
    "name",
    "description",
    "area_id",
    "area_name",
    "address",
    "website",
    "phone",
    "email",
    "contact_public",
    "opening_hours",
    "wheelchair",
    "languages",
    "tags",
    "status",
    "source",
    "source_id",
    "created_at",
    "updated_at",
)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def assets_to_geojson(assets_gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """A FeatureCollection of point assets, one feature per row, keyed by asset id."""
    return {"type": "FeatureCollection", "features": asset_features(assets_gdf)}


def asset_features(assets_gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The features of assets_to_geojson, built a column at a time: every value as plain JSON
    (missing ones as null, times in ISO 8601, each distinct time formatted once)."""
    columns = [name for name in EXPORTED_PROPERTIES if name in assets_gdf.columns]
    values = [_plain_column(assets_gdf[name]) for name in columns]
    lons = assets_gdf["lon"].astype(float).round(COORDINATE_DECIMALS).tolist()
    lats = assets_gdf["lat"].astype(float).round(COORDINATE_DECIMALS).tolist()
    return [
        {
            "type": "Feature",
            "id": str(asset_id),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": dict(zip(columns, record, strict=True)),
        }
        for asset_id, lon, lat, record in zip(
            assets_gdf["id"], lons, lats, zip(*values, strict=True), strict=True
        )
    ]


def _plain_column(column: pd.Series) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(column):
        codes, moments = pd.factorize(column)
        texts = [pd.Timestamp(moment).isoformat() for moment in moments]
        return [texts[code] if code >= 0 else None for code in codes]
    plain = column.astype(object).where(column.notna(), None).tolist()
    # Typed columns give Python values already; only an object column may hold other kinds.
    return [_plain(value) for value in plain] if column.dtype == object else plain


def write_geojson(collection: dict[str, Any], path: Path) -> None:
    """Write atomically: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def write_feature_batches(batches: Iterable[list[dict[str, Any]]], path: Path) -> None:
    """A FeatureCollection of the features, written a batch at a time, as write_geojson writes
    it whole: the same text, without the whole collection in memory."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            out.write('{"type": "FeatureCollection", "features": [')
            separator = ""
            for features in batches:
                if features:
                    out.write(separator + json.dumps(features, ensure_ascii=False)[1:-1])
                    separator = ", "
            out.write("]}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def areas_to_geojson(areas_gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Areas with their properties, rings wound as RFC 7946 asks (outer counter-clockwise)."""
    rounded = shapely.set_precision(areas_gdf.geometry.to_numpy(), 10**-COORDINATE_DECIMALS)
    geometry = gpd.GeoSeries(shapely.orient_polygons(rounded), index=areas_gdf.index, crs=WGS84)
    oriented = areas_gdf.set_geometry(geometry)
    collection: dict[str, Any] = json.loads(oriented.to_json(na="null", drop_id=True))
    for feature, area_id in zip(collection["features"], areas_gdf["id"], strict=True):
        feature["id"] = str(area_id)
    return collection


LINK_PROPERTIES = (
    "type",
    "role",
    "start_date",
    "end_date",
    "from_id",
    "to_id",
    "from_name",
    "to_name",
)
"""What a line between two linked assets says: the relationship, never more of either asset."""


def links_to_geojson(lines: pd.DataFrame) -> dict[str, Any]:
    """Links as LineStrings from one asset's position to the other's, keyed by link id.

    `lines` has the link's id and LINK_PROPERTIES, and from_lon, from_lat, to_lon, to_lat
    (register.links.link_ends); dates are written as YYYY-MM-DD.
    """
    ends = lines[["from_lon", "from_lat", "to_lon", "to_lat"]].astype(float)
    coordinates = ends.round(COORDINATE_DECIMALS).to_numpy().tolist()
    frame = pd.DataFrame(lines[list(LINK_PROPERTIES)]).astype(object)
    for name in ("start_date", "end_date"):
        frame[name] = [
            None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in frame[name]
        ]
    properties = frame.where(frame.notna(), None).to_dict("records")
    features = [
        {
            "type": "Feature",
            "id": str(link_id),
            "geometry": {"type": "LineString", "coordinates": [xy[:2], xy[2:]]},
            "properties": {key: _plain(value) for key, value in record.items()},
        }
        for link_id, xy, record in zip(lines["id"], coordinates, properties, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
