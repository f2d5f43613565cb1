"""Neighbourhood areas: storing boundaries and finding the area a point falls in.

Polygons are stored as WKB with their bounding box (DuckDB's spatial extension is not
available offline), and all geometry maths happens in shapely/geopandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext
from assetmap.io.boundaries import BoundaryLayout, boundary_layout, municipality_key
from assetmap.io.files import check_size
from assetmap.io.readers import read_map_file
from assetmap.models import Extent
from assetmap.storage import Database, Session, bump_data_version

WGS84 = "EPSG:4326"
OWN_AREA_NOTE = N_("Drawn by the team: its figures are estimates from the areas it overlaps.")
"""The note of a neighbourhood the team drew (register/estimates.py), in the reader's words."""
DEMO_NOTE = N_("Approximate boundary: Voronoi cell of the OSM place node, clipped to the extract.")
"""The note each demo area carries (data/demo/areas.geojson): the app's words, so translated."""
DEMO_COMMUNITY_NOTE = N_(
    "Approximate boundary: Voronoi cell of the OSM place node, clipped to the extract. The "
    "people, the local groups marked illustrative and all links between assets are made up for "
    "the demo."
)
"""The demo areas' note once the demo's invented community is loaded (demo.py)."""

DEFAULT_LEVEL = "neighbourhoods"
"""The level of a file no publisher's layout is recognised in: the team's own areas."""
LEVEL_LABELS = {
    "neighbourhoods": N_("Neighbourhoods"),
    "own": N_("Our own neighbourhoods"),
    "grunnkrets": N_("Grunnkretser"),
    "buurt": N_("Buurten"),
    "wijk": N_("Wijken"),
    "gemeente": N_("Municipalities"),
    "pienalue": N_("Helsinki: small areas (pienalueet)"),
    "osa-alue": N_("Helsinki: sub-districts (osa-alueet)"),
    "peruspiiri": N_("Helsinki: districts (peruspiirit)"),
    "suurpiiri": N_("Helsinki: major districts (suurpiirit)"),
}
"""How the levels the app knows are named on the pages; any other is shown as it was given."""
LEVEL_MAX_CHARS = 60

SELECT_ASSETS_LEVEL = "SELECT level FROM area_levels WHERE places_assets"
SELECT_AREAS = "SELECT id, name, note, geometry FROM areas WHERE level = ? ORDER BY name, id"
SELECT_AREAS_AROUND_POINT = """
    SELECT id, geometry FROM areas
    WHERE ? BETWEEN min_lon AND max_lon AND ? BETWEEN min_lat AND max_lat
    AND level IN (SELECT level FROM area_levels WHERE places_assets)
    ORDER BY id
"""
SELECT_LEVELS = """
    SELECT l.level, l.places_assets, count(a.id) FROM area_levels l
    LEFT JOIN areas a ON a.level = l.level
    GROUP BY l.level, l.places_assets
    ORDER BY l.places_assets DESC, l.level
"""
SELECT_OTHER_LEVELS_IDS = "SELECT id, level FROM areas WHERE level <> ?"
SELECT_EXTENT = "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM areas"
AREA_COLUMNS = (
    "id",
    "level",
    "name",
    "note",
    "geometry",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
)
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


@dataclass(frozen=True)
class AreaLevel:
    """A level of areas and whether assets are placed in its areas (their `area_id`)."""

    level: str
    places_assets: bool
    areas: int


def level_label(level: str) -> str:
    """A level as the pages name it: the app's words for the levels it knows."""
    return gettext(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level


def areas_from_file(
    path: Path,
    id_field: str | None = None,
    name_field: str | None = None,
    *,
    layer: str | None = None,
    municipalities: Sequence[str] = (),
    municipality_field: str | None = None,
    crs: str | None = None,
    max_bytes: int | None = None,
) -> gpd.GeoDataFrame:
    """Areas from GeoJSON, GeoPackage, GML or a (zipped) Shapefile in any CRS, checked and in
    WGS84, each with its official code as its id.

    The layer and the code, name and municipality columns of the publishers' files are found
    by themselves (io/boundaries.py); the arguments override them. `municipalities` keeps the
    areas of those municipalities only (codes or names). `crs` is used only when the file does
    not say its coordinate system.
    """
    if not path.is_file():
        raise AreaError(gettext("There is no file at {path}.").format(path=path))
    check_size(path.name, path.stat().st_size, max_bytes)
    layout = boundary_layout(path, layer)
    id_field = id_field or layout.id_field
    name_field = name_field or layout.name_field
    if not id_field or not name_field:
        raise AreaError(
            gettext(
                "{name} is not a boundary file the app knows: say which field holds the area "
                "id and which its name; it has: {columns}."
            ).format(name=path.name, columns=", ".join(layout.fields))
        )
    frame = read_map_file(path, layout.layer)
    missing = [field for field in (id_field, name_field) if field not in frame.columns]
    if missing:
        columns = ", ".join(c for c in frame.columns if c != "geometry")
        raise AreaError(
            gettext("{name} has no field {fields}; it has: {columns}.").format(
                name=path.name, fields=", ".join(missing), columns=columns
            )
        )
    if layout.product is not None:
        # A publisher's entries without an area, such as CBS's "Buitenland" (abroad).
        frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if layout.water_field is not None:
        frame = frame[frame[layout.water_field].astype(str).str.strip().str.upper() != "JA"]
    if municipalities:
        frame = _in_municipalities(frame, path.name, layout, municipalities, municipality_field)
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
    ids = selected["id"].map(_area_key)
    digits = layout.product.code_digits if layout.product else None
    if digits and id_field == layout.id_field:
        ids = ids.map(lambda code: code.zfill(digits) if code.isdigit() else code)
    return clean_areas(selected.assign(id=ids))


def _in_municipalities(
    frame: gpd.GeoDataFrame,
    file_name: str,
    layout: BoundaryLayout,
    municipalities: Sequence[str],
    field: str | None,
) -> gpd.GeoDataFrame:
    """The areas of the municipalities asked for, by code or name in any of the file's
    municipality columns; a filter matching nothing is an error, never an empty level."""
    fields = (field,) if field else layout.municipality_fields
    if not fields or any(name not in frame.columns for name in fields):
        raise AreaError(
            gettext(
                "{name} has no municipality column the app knows: say which field holds it; "
                "it has: {columns}."
            ).format(name=file_name, columns=", ".join(layout.fields))
        )
    wanted = {municipality_key(name) for name in municipalities if str(name).strip()}
    keys = frame[list(fields)].map(municipality_key)
    kept = frame[keys.isin(wanted).any(axis=1)]
    if kept.empty:
        present = sorted(set(frame[fields[0]].map(_area_key)))
        raise AreaError(
            gettext("No area in {name} is in {wanted}; it has: {present}.").format(
                name=file_name,
                wanted=", ".join(municipalities),
                present=", ".join(present[:20]) + (" …" if len(present) > 20 else ""),
            )
        )
    return kept


def _area_key(value: object) -> str:
    """Ids as text: 7.0 read from a numeric field is area "7"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _level_key(level: str) -> str:
    key = level.strip()
    if not key or len(key) > LEVEL_MAX_CHARS:
        raise AreaError(
            gettext("A level needs a name of 1 to {n} characters.").format(n=LEVEL_MAX_CHARS)
        )
    return key


def replace_areas(
    db: Database,
    areas_gdf: gpd.GeoDataFrame,
    actor: Actor,
    level: str = DEFAULT_LEVEL,
    *,
    place_assets: bool = False,
) -> int:
    """Replace the areas of `level`, leaving the other levels as they are.

    Assets are placed in the level given `place_assets`, or in the first level imported: when
    this is that level, every asset is re-assigned to the area it now falls in. Area ids are
    unique across levels, as indicator values are keyed by them.
    """
    require(actor, "manage_layers")
    with db.transaction() as session:
        return replace_level(session, areas_gdf, level, place_assets=place_assets)


def replace_level(
    session: Session, areas_gdf: gpd.GeoDataFrame, level: str, *, place_assets: bool = False
) -> int:
    """replace_areas's writes, in the caller's transaction (so that more may go with them)."""
    level = _level_key(level)
    areas = clean_areas(areas_gdf)
    rows = [
        (row.id, level, row.name, row.note, shapely.to_wkb(row.geometry), *row.geometry.bounds)
        for row in areas.itertuples()
    ]
    taken = {
        str(area_id): str(other)
        for area_id, other in session.rows(SELECT_OTHER_LEVELS_IDS, (level,))
    }
    clashes = sorted(set(areas["id"]) & set(taken))
    if clashes:
        raise AreaError(
            gettext(
                "Area ids must be unique across levels; already in another level: {ids}."
            ).format(
                ids=", ".join(
                    f"{area_id} ({level_label(taken[area_id])})" for area_id in clashes[:20]
                )
            )
        )
    placing = session.scalar(SELECT_ASSETS_LEVEL)
    session.execute("DELETE FROM areas WHERE level = ?", (level,))
    session.insert_rows("areas", AREA_COLUMNS, rows)
    if not session.rows("SELECT 1 FROM area_levels WHERE level = ?", (level,)):
        session.insert_rows("area_levels", ("level", "places_assets"), [(level, False)])
    if place_assets or placing is None or placing == level:
        session.execute("UPDATE area_levels SET places_assets = (level = ?)", (level,))
        _reassign_assets(session, areas)
    bump_data_version(session)
    return len(rows)


def place_assets_in_level(db: Database, level: str, actor: Actor) -> None:
    """Make `level` the one assets are placed in, and re-assign every asset to its areas."""
    require(actor, "manage_layers")
    with db.transaction() as session:
        if not session.rows("SELECT 1 FROM area_levels WHERE level = ?", (level,)):
            raise AreaError(gettext("There is no level {level}.").format(level=level))
        session.execute("UPDATE area_levels SET places_assets = (level = ?)", (level,))
        _reassign_assets(session, _areas_of(session, level))
        bump_data_version(session)


def remove_area_level(db: Database, level: str, actor: Actor) -> int:
    """Remove the areas of `level`; the level assets are counted in goes only when it is the
    last one (the assets are then in no area). Returns how many areas went."""
    require(actor, "manage_layers")
    with db.transaction() as session:
        found = session.rows("SELECT places_assets FROM area_levels WHERE level = ?", (level,))
        if not found:
            raise AreaError(gettext("There is no level {level}.").format(level=level))
        others = session.scalar("SELECT count(*) FROM area_levels WHERE level <> ?", (level,))
        if found[0][0] and others:
            raise AreaError(
                gettext(
                    "Assets are counted in {level}: count them in another level before removing it."
                ).format(level=level_label(level))
            )
        count = int(session.scalar("SELECT count(*) FROM areas WHERE level = ?", (level,)))
        session.execute("DELETE FROM areas WHERE level = ?", (level,))
        session.execute("DELETE FROM area_levels WHERE level = ?", (level,))
        if found[0][0]:
            session.execute("UPDATE assets SET area_id = NULL")
        bump_data_version(session)
    return count


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


def area_levels(db: Database) -> list[AreaLevel]:
    """The levels, the one assets are placed in first."""
    return [
        AreaLevel(str(level), bool(places), int(count))
        for level, places, count in db.rows(SELECT_LEVELS)
    ]


def list_areas(db: Database, level: str | None = None) -> gpd.GeoDataFrame:
    """The areas of `level`; without one, of the level assets are placed in."""
    with db.reading() as session:
        return _areas_of(session, level)


def _areas_of(session: Session, level: str | None) -> gpd.GeoDataFrame:
    if level is None:
        level = session.scalar(SELECT_ASSETS_LEVEL) or DEFAULT_LEVEL
    frame = session.frame(SELECT_AREAS, (level,))
    geometry = shapely.from_wkb([bytes(wkb) for wkb in frame["geometry"]])
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=WGS84)


def area_ids_in_level(db: Database, assets_gdf: gpd.GeoDataFrame, level: str | None) -> pd.Series:
    """The area of `level` each asset lies in: its stored `area_id` when `level` is the one
    assets are placed in (or None), else found from where the asset is shown."""
    placing = db.scalar(SELECT_ASSETS_LEVEL)
    if level is None or level == placing:
        return assets_gdf["area_id"]
    points = assets_gdf.geometry
    found = area_ids_for_points(points.x, points.y, list_areas(db, level))
    return found.set_axis(assets_gdf.index)


def shown_note(note: str) -> str:
    """An area's note as a reader sees it: the app's own notes in their language."""
    return gettext(note) if note in (DEMO_NOTE, DEMO_COMMUNITY_NOTE, OWN_AREA_NOTE) else note


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
