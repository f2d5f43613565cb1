"""Neighbourhood areas: storing boundaries and finding the area a point falls in.

Polygons are stored as WKB with their bounding box (DuckDB's spatial extension is not
available offline), and all geometry maths happens in shapely/geopandas.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext
from assetmap.io.files import check_size
from assetmap.io.readers import read_map_file
from assetmap.models import Extent
from assetmap.storage import Database, Session, bump_data_version

WGS84 = "EPSG:4326"
DEMO_NOTE = N_("Approximate boundary: Voronoi cell of the OSM place node, clipped to the extract.")
"""The note each demo area carries (data/demo/areas.geojson): the app's words, so translated."""
DEMO_COMMUNITY_NOTE = N_(
    "Approximate boundary: Voronoi cell of the OSM place node, clipped to the extract. The "
    "people, the local groups marked illustrative and all links between assets are made up for "
    "the demo."
)
"""The demo areas' note once the demo's invented community is loaded (demo.py)."""

SELECT_AREAS = "SELECT id, name, note, geometry FROM areas ORDER BY name, id"
SELECT_AREAS_AROUND_POINT = """
    SELECT id, geometry FROM areas
    WHERE ? BETWEEN min_lon AND max_lon AND ? BETWEEN min_lat AND max_lat
    ORDER BY id
"""
SELECT_EXTENT = "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM areas"
AREA_COLUMNS = ("id", "name", "note", "geometry", "min_lon", "min_lat", "max_lon", "max_lat")
SELECT_ASSET_POINTS = "SELECT id, lon, lat FROM assets"


class AreaError(AssetmapError, ValueError):
    """An area file or table that cannot be used, with the reason."""


def _polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The polygon part of a geometry, repaired if invalid; None when nothing is left."""
    if geometry is None or geometry.is_empty:
        return None
    repaired = geometry if geometry.is_valid else shapely.make_valid(geometry)
    polygons = shapely.get_parts(repaired)
    kept = [part for part in polygons if part.geom_type in ("Polygon", "MultiPolygon")]
    if not kept:
        return None
    return shapely.union_all(kept) if len(kept) > 1 else kept[0]


def clean_areas(areas_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Check and tidy areas with `id`, `name` and geometry columns; reproject to WGS84."""
    if areas_gdf.crs is None:
        raise AreaError(gettext("The area file has no coordinate reference system."))
    frame = areas_gdf.to_crs(WGS84)
    ids = frame["id"].astype(str).str.strip()
    duplicates = sorted(set(ids[ids.duplicated()]))
    if duplicates:
        raise AreaError(
            gettext("Area ids must be unique; repeated: {ids}.").format(ids=", ".join(duplicates))
        )
    geometries = [_polygonal(geometry) for geometry in frame.geometry]
    unusable = [area_id for area_id, geom in zip(ids, geometries, strict=True) if geom is None]
    if unusable:
        raise AreaError(
            gettext("These areas have no usable polygon: {ids}.").format(ids=", ".join(unusable))
        )
    notes = frame["note"] if "note" in frame else pd.Series("", index=frame.index)
    return gpd.GeoDataFrame(
        {
            "id": ids.to_numpy(),
            "name": frame["name"].fillna("").astype(str).str.strip().to_numpy(),
            "note": notes.fillna("").astype(str).to_numpy(),
        },
        geometry=geometries,
        crs=WGS84,
    )


def areas_from_file(
    path: Path,
    id_field: str,
    name_field: str,
    *,
    crs: str | None = None,
    max_bytes: int | None = None,
) -> gpd.GeoDataFrame:
    """Areas from GeoJSON, GeoPackage or a (zipped) Shapefile in any CRS, checked and in WGS84.

    `crs` is used only when the file does not say its coordinate system.
    """
    if not path.is_file():
        raise AreaError(gettext("There is no file at {path}.").format(path=path))
    check_size(path.name, path.stat().st_size, max_bytes)
    frame = read_map_file(path)
    missing = [field for field in (id_field, name_field) if field not in frame.columns]
    if missing:
        columns = ", ".join(c for c in frame.columns if c != "geometry")
        raise AreaError(
            gettext("{name} has no field {fields}; it has: {columns}.").format(
                name=path.name, fields=", ".join(missing), columns=columns
            )
        )
    if frame.crs is None:
        if not crs:
            raise AreaError(
                gettext(
                    "{name} does not say which coordinate system it uses. If you know it, "
                    "give it (for example EPSG:3067 for Finland, EPSG:25833 for Norway, "
                    "EPSG:28992 for the Netherlands)."
                ).format(name=path.name)
            )
        frame = frame.set_crs(crs)
    selected = frame[[id_field, name_field, "geometry"]].rename(
        columns={id_field: "id", name_field: "name"}
    )
    return clean_areas(selected.assign(id=selected["id"].map(_area_key)))


def _area_key(value: object) -> str:
    """Ids as text: 7.0 read from a numeric field is area "7"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def replace_areas(db: Database, areas_gdf: gpd.GeoDataFrame, actor: Actor) -> int:
    """Replace every area and re-assign every asset to the area it now falls in."""
    require(actor, "manage_layers")
    areas = clean_areas(areas_gdf)
    rows = [
        (row.id, row.name, row.note, shapely.to_wkb(row.geometry), *row.geometry.bounds)
        for row in areas.itertuples()
    ]
    with db.transaction() as session:
        session.execute("DELETE FROM areas")
        session.insert_rows("areas", AREA_COLUMNS, rows)
        _reassign_assets(session, areas)
        bump_data_version(session)
    return len(rows)


def _reassign_assets(session: Session, areas_gdf: gpd.GeoDataFrame) -> None:
    points = session.frame(SELECT_ASSET_POINTS)
    if points.empty:
        return
    assigned = area_ids_for_points(points["lon"], points["lat"], areas_gdf)
    session.update_rows(
        "assets",
        "id",
        ["area_id"],
        list(zip(points["id"].tolist(), assigned.tolist(), strict=True)),
    )


def list_areas(db: Database) -> gpd.GeoDataFrame:
    frame = db.frame(SELECT_AREAS)
    geometry = shapely.from_wkb([bytes(wkb) for wkb in frame["geometry"]])
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=WGS84)


def shown_note(note: str) -> str:
    """An area's note as a reader sees it: the demo's own note in their language."""
    return gettext(note) if note in (DEMO_NOTE, DEMO_COMMUNITY_NOTE) else note


def areas_extent(db: Database) -> Extent | None:
    row = db.rows(SELECT_EXTENT)[0]
    return None if row[0] is None else (row[0], row[1], row[2], row[3])


def area_id_at(session: Session, lon: float, lat: float) -> str | None:
    """The id of the stored area containing the point, using the bounding boxes first."""
    point = Point(lon, lat)
    for area_id, wkb in session.rows(SELECT_AREAS_AROUND_POINT, (lon, lat)):
        if shapely.from_wkb(bytes(wkb)).covers(point):
            return str(area_id)
    return None


def area_ids_for_points(lons: pd.Series, lats: pd.Series, areas_gdf: gpd.GeoDataFrame) -> pd.Series:
    """For each point, the id of the first area covering it (None outside every area)."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=WGS84)
    if areas_gdf.empty or points.empty:
        return pd.Series([None] * len(points), dtype=object)
    joined = points.sjoin(areas_gdf[["id", "geometry"]], how="left", predicate="covered_by")
    joined = joined.rename_axis("point").reset_index().sort_values(["point", "id"])
    first = joined.drop_duplicates("point").set_index("point").sort_index()["id"]
    return first.astype(object).where(first.notna(), None).reset_index(drop=True)
