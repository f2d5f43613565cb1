"""Writing assets and areas in the formats planners use: GeoJSON, GeoPackage, CSV and HSDS."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assetmap.errors import AssetmapError
from assetmap.io.geojson import (
    COORDINATE_DECIMALS,
    EXPORTED_PROPERTIES,
    LINK_PROPERTIES,
    areas_to_geojson,
    asset_features,
    links_to_geojson,
    write_feature_batches,
    write_geojson,
)
from assetmap.io.hsds import assets_to_hsds

FORMATS = ("geojson", "gpkg", "csv", "hsds")
LINK_FORMATS = ("geojson", "csv")


class ExportError(AssetmapError, ValueError):
    """An export that cannot be made as asked, and what to ask instead."""


SUFFIXES = {"geojson": ".geojson", "gpkg": ".gpkg", "csv": ".csv", "hsds": ".json"}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "csv": "text/csv",
    "hsds": "application/json",
}
EXACT_MARK = "EXACT-INTERNAL"
"""In the name of every exact internal export, so the file says what it holds wherever it goes."""


def export_file_name(what: str, fmt: str, moment: datetime, exact: bool = False) -> str:
    """assetmap-assets-2026-12-02.geojson, or assetmap-assets-EXACT-INTERNAL-2026-12-02.geojson."""
    mark = f"-{EXACT_MARK}" if exact else ""
    return f"assetmap-{what}{mark}-{moment:%Y-%m-%d}{SUFFIXES[fmt]}"


def _asset_table(assets_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per asset: id, lon, lat, then the exported fields, as text where they are text."""
    columns = ["id", "lon", "lat", *(c for c in EXPORTED_PROPERTIES if c in assets_gdf.columns)]
    table = pd.DataFrame(assets_gdf[columns]).copy()
    table[["lon", "lat"]] = table[["lon", "lat"]].round(COORDINATE_DECIMALS)
    for column in ("created_at", "updated_at"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return table


def write_assets(assets_gdf: gpd.GeoDataFrame, fmt: str, path: Path) -> int:
    """Write assets as released for their reader (disclosure); return how many were written."""
    return write_asset_batches([assets_gdf], fmt, path)


def write_asset_batches(batches: Iterable[gpd.GeoDataFrame], fmt: str, path: Path) -> int:
    """write_assets for assets that come a batch at a time (disclosure.released_batches), one
    batch at least: the same file, written as they come (HSDS, one document of linked
    records, is built whole). Return how many were written."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt}: use one of {', '.join(FORMATS)}.")
    count = 0

    def counted(batch: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        nonlocal count
        count += len(batch)
        return batch

    if fmt == "geojson":
        write_feature_batches((asset_features(counted(b)) for b in batches), path)
    elif fmt == "csv":
        _write_csv((_asset_table(counted(b)) for b in batches), path)
    elif fmt == "gpkg":
        frames = (_asset_points(_asset_table(counted(b))) for b in batches)
        _write_gpkg(frames, path, "assets")
    else:
        whole = pd.concat([counted(b) for b in batches])
        path.write_text(json.dumps(assets_to_hsds(whole), ensure_ascii=False), "utf-8")
    return count


def _asset_points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    geometry = gpd.points_from_xy(table["lon"], table["lat"])
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


def _write_csv(tables: Iterable[pd.DataFrame], path: Path) -> None:
    """The tables one after the other under one header, as one table's to_csv writes them."""
    for number, table in enumerate(tables):
        first = number == 0
        table.to_csv(path, index=False, encoding="utf-8", header=first, mode="w" if first else "a")


def write_areas(areas_gdf: gpd.GeoDataFrame, fmt: str, path: Path) -> int:
    """Areas with their indicator columns."""
    if fmt == "geojson":
        write_geojson(areas_to_geojson(areas_gdf), path)
    elif fmt == "gpkg":
        _write_gpkg(areas_gdf, path, "areas")
    elif fmt == "csv":
        table = pd.DataFrame(areas_gdf.drop(columns="geometry"))
        table["wkt"] = areas_gdf.geometry.to_wkt(rounding_precision=COORDINATE_DECIMALS)
        table.to_csv(path, index=False, encoding="utf-8")
    else:
        raise ExportError(f"Areas cannot be exported as {fmt}: use geojson, gpkg or csv.")
    return len(areas_gdf)


def _link_table(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per link: its id, what it says, both ends' positions and the line as WKT."""
    table = pd.DataFrame(lines[["id", *LINK_PROPERTIES]]).copy()
    for name in ("start_date", "end_date"):
        table[name] = pd.to_datetime(table[name]).dt.strftime("%Y-%m-%d")
    ends = lines[["from_lon", "from_lat", "to_lon", "to_lat"]].astype(float)
    table[list(ends)] = ends.round(COORDINATE_DECIMALS)
    table["wkt"] = [
        f"LINESTRING ({row.from_lon} {row.from_lat}, {row.to_lon} {row.to_lat})"
        for row in table.itertuples()
    ]
    return table


def write_links(lines: pd.DataFrame, fmt: str, path: Path) -> int:
    """Write links as lines between their assets' released positions (disclosure.released_links);
    return how many were written."""
    if fmt == "geojson":
        write_geojson(links_to_geojson(lines), path)
    elif fmt == "csv":
        _link_table(lines).to_csv(path, index=False, encoding="utf-8")
    else:
        raise ExportError(
            f"Links cannot be exported as {fmt}: use one of {', '.join(LINK_FORMATS)}."
        )
    return len(lines)


def _write_gpkg(
    frames: Iterable[gpd.GeoDataFrame] | gpd.GeoDataFrame, path: Path, layer: str
) -> None:
    """Write through a temporary file, so a failed export never leaves half a GeoPackage;
    frames after the first are appended to the layer."""
    import pyogrio  # GDAL is loaded on first use, as in read_layer

    partial = path.with_name(path.name + ".partial.gpkg")
    partial.unlink(missing_ok=True)
    batches = [frames] if isinstance(frames, gpd.GeoDataFrame) else frames
    try:
        for number, frame in enumerate(batches):
            pyogrio.write_dataframe(frame, partial, layer=layer, driver="GPKG", append=number > 0)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def export_bytes(write, frame: pd.DataFrame, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    """The file `write(frame, fmt, path)` makes, as bytes, for a download button."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{SUFFIXES[fmt]}"
        write(frame, fmt, path)
        return path.read_bytes()
