"""GeoJSON export per RFC 7946: WGS84 lon/lat, no crs member, stable ids."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

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
    features = [
        {
            "type": "Feature",
            "id": str(row["id"]),
            "geometry": {
                "type": "Point",
                "coordinates": [
                    round(float(row["lon"]), COORDINATE_DECIMALS),
                    round(float(row["lat"]), COORDINATE_DECIMALS),
                ],
            },
            "properties": {name: _plain(row[name]) for name in EXPORTED_PROPERTIES if name in row},
        }
        for _, row in assets_gdf.iterrows()
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(collection: dict[str, Any], path: Path) -> None:
    """Write atomically: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)
